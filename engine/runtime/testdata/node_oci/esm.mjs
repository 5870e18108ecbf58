// An ES module OCI function.
import fdk from '@fnproject/fdk';
import { handle } from '@fnproject/fdk';

if (handle !== fdk.handle) throw new Error('named and default exports differ');

fdk.handle(async (input) => ({ active: true, principal: input.token, module: 'esm' }));
