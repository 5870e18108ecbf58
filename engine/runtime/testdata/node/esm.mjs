// An ES module handler (.mjs).
import { shout } from './esm_helper.mjs';

export const handler = async (event) => ({ module: 'esm', shout: shout(event.word || 'ok') });
