// A JWS signer and verifier written only with Node's built-in crypto, to
// check authlab against an implementation no one here wrote.
// stdin: {"op":"verify","token":..., "jwk":{...} | "secret":"..."}
//     or {"op":"sign","alg":...,"pem":"..." | "secret":"...","claims":{...},"kid":...}
// stdout: {"ok":true|false} for verify, {"token":"..."} for sign.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const b64u = (s) => Buffer.from(s, 'base64url');
const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const hashOf = (alg) => 'sha' + alg.slice(2);

function params(alg, key) {
  switch (alg.slice(0, 2)) {
    case 'RS': return [hashOf(alg), key];
    case 'PS': return [hashOf(alg), { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }];
    case 'ES': return [hashOf(alg), { key, dsaEncoding: 'ieee-p1363' }];
    case 'Ed': return [null, key];
  }
  throw new Error('unsupported alg ' + alg);
}

function verify(req) {
  const [h, p, s] = req.token.split('.');
  const header = JSON.parse(b64u(h));
  const data = Buffer.from(h + '.' + p);
  const sig = b64u(s);
  if (header.alg.startsWith('HS')) {
    const mac = crypto.createHmac(hashOf(header.alg), req.secret).update(data).digest();
    return mac.length === sig.length && crypto.timingSafeEqual(mac, sig);
  }
  const key = crypto.createPublicKey({ key: req.jwk, format: 'jwk' });
  const [hash, k] = params(header.alg, key);
  return crypto.verify(hash, data, k, sig);
}

function sign(req) {
  const header = { alg: req.alg, typ: 'JWT' };
  if (req.kid) header.kid = req.kid;
  const data = enc(header) + '.' + enc(req.claims);
  let sig;
  if (req.alg.startsWith('HS')) {
    sig = crypto.createHmac(hashOf(req.alg), req.secret).update(data).digest();
  } else {
    const [hash, k] = params(req.alg, crypto.createPrivateKey(req.pem));
    sig = crypto.sign(hash, Buffer.from(data), k);
  }
  return data + '.' + sig.toString('base64url');
}

const req = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = req.op === 'sign' ? { token: sign(req) } : { ok: verify(req) };
process.stdout.write(JSON.stringify(out) + '\n');
