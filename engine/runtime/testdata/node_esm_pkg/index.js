// A .js handler that is an ES module because package.json says "type": "module".
import { createHash } from 'node:crypto';

export async function handler(event) {
  return { module: 'type-module', digest: createHash('sha256').update(event.token || '').digest('hex').slice(0, 8) };
}
