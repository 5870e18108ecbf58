// authlab's Node runtime loop. It plays the part of the Lambda /
// FunctionGraph Node runtime: loads an unmodified handler (CommonJS or ES
// module) and calls handler(event, context[, callback]) once per request.
// With the "oci" flavor it plays the Fn FDK instead (OCI Functions): the
// file's fdk.handle(fn) registers fn, called fn(input, ctx) per request.
//
// Protocol (kept off stdout/stderr, which are the handler's logs):
//   fd 3, from authlab: a line "id len nowMs timeoutMs requestId functionName"
//         (the two names plain, or JSON strings when they need escaping)
//         then `len` bytes of event JSON.
//   fd 4, to authlab:   a JSON header line {"kind",...}, for "result" followed
//         by `len` payload bytes.
//
// Requests are read with blocking reads between calls: like Lambda freezing
// the sandbox, nothing of the handler runs while no call is in progress, and
// during a call the event loop holds only the handler's own work, so
// 'beforeExit' means "the event loop is empty" exactly as on Lambda.
'use strict';
const fs = require('fs');
const path = require('path');
const url = require('url');
const { performance } = require('perf_hooks');

// The time the handler sees: the gateway's (possibly virtual) time of the
// call, running on from there. A scenario whose clock says 2026-01-01 must
// see its tokens valid in the handler too, so Date follows the call's time
// when it is more than a second away from the wall clock; otherwise Date is
// the wall clock exactly.
const RealDate = Date;
let clockOffset = 0;
function setClock(nowMs) {
  const skew = nowMs - RealDate.now();
  clockOffset = Math.abs(skew) > 1000 ? skew : 0;
}
function VirtualDate(...args) {
  const now = RealDate.now() + clockOffset;
  if (!new.target) return new RealDate(now).toString();
  return args.length === 0 ? new RealDate(now) : new RealDate(...args);
}
VirtualDate.prototype = RealDate.prototype;
VirtualDate.now = () => RealDate.now() + clockOffset;
VirtualDate.parse = RealDate.parse;
VirtualDate.UTC = RealDate.UTC;
Object.defineProperty(VirtualDate, 'name', { value: 'Date' });
globalThis.Date = VirtualDate;

const REQ = 3;
const RESP = 4;
const cfg = JSON.parse(process.argv[process.argv.length - 1]);
const oci = cfg.flavor === 'oci';
const pause = new Int32Array(new SharedArrayBuffer(4));

function retryable(err) {
  return err && (err.code === 'EAGAIN' || err.code === 'EINTR');
}

function writeAll(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if (!retryable(err)) throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

function send(hdr, payload) {
  const head = Buffer.from(JSON.stringify(hdr) + '\n');
  writeAll(RESP, payload ? Buffer.concat([head, payload]) : head);
}

let pending = Buffer.alloc(0);

function readInto(buf, off) {
  for (;;) {
    try {
      const n = fs.readSync(REQ, buf, off, buf.length - off, null);
      if (n === 0) process.exit(0); // authlab closed the channel
      return n;
    } catch (err) {
      if (err.code === 'EOF') process.exit(0);
      if (!retryable(err)) throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

function readRequest() {
  let nl;
  while ((nl = pending.indexOf(10)) < 0) {
    const chunk = Buffer.allocUnsafe(65536);
    const n = readInto(chunk, 0);
    pending = Buffer.concat([pending, chunk.subarray(0, n)]);
  }
  // "id len nowMs timeoutMs requestId functionName"; a name that needs
  // escaping comes as a JSON string.
  const f = pending.subarray(0, nl).toString('utf8').split(' ');
  const token = (s) => (s.startsWith('"') ? JSON.parse(s) : s);
  const hdr = {
    id: Number(f[0]),
    len: Number(f[1]),
    nowMs: Number(f[2]),
    timeoutMs: Number(f[3]),
    requestId: token(f[4]),
    functionName: token(f[5]),
  };
  pending = pending.subarray(nl + 1);
  const len = hdr.len || 0;
  const body = Buffer.allocUnsafe(len);
  let have = Math.min(pending.length, len);
  pending.copy(body, 0, 0, have);
  pending = pending.subarray(have);
  while (have < len) have += readInto(body, have);
  return [hdr, body];
}

function isError(err) {
  return err instanceof Error || (err && typeof err.name === 'string' && typeof err.message === 'string');
}

// errorShape reports an error as Lambda's Node runtime does: an Error keeps
// its name and message; anything else has its typeof as the type.
function errorShape(err) {
  if (isError(err)) return { type: err.name, message: err.message, stack: err.stack };
  if (err === undefined || err === null) return { type: 'Error', message: String(err), stack: '' };
  let message;
  try {
    message = typeof err === 'object' ? JSON.stringify(err) : String(err);
  } catch (_) {
    message = String(err);
  }
  return { type: typeof err, message, stack: '' };
}

// ---- Fn FDK (flavor "oci") ----
//
// An OCI function's file does `const fdk = require('@fnproject/fdk')` (or
// `import fdk from '@fnproject/fdk'`) and `fdk.handle(fn)`. The real FDK's
// handle() reads FN_FORMAT / FN_LISTENER and serves HTTP on a unix socket
// (exiting when they are missing); authlab is the platform here, so the
// file always gets this shim, even when the real package sits in its
// node_modules: handle() only registers fn, and the loop calls it once per
// request with what the FDK would pass.
const FDK = '@fnproject/fdk';
const registered = [];

class FnResult {}
class RawResult extends FnResult {
  constructor(raw) {
    super();
    this.raw = raw;
  }
}
class StreamResult extends FnResult {
  constructor(stream) {
    super();
    this.stream = stream;
  }
}

const fdkShim = {
  handle(fn, options) {
    if (typeof fn !== 'function') throw new TypeError('fdk.handle: the function to run must be a function');
    const inputMode = (options && options.inputMode) || 'json';
    if (!['json', 'string', 'buffer'].includes(inputMode)) throw new Error(`Unknown input mode "${inputMode}"`);
    registered.push({ fn, inputMode });
    return () => {}; // the real handle() returns a function stopping its server
  },
  rawResult: (raw) => new RawResult(raw),
  streamResult: (stream) => new StreamResult(stream),
};

// The ES module an `import ... from '@fnproject/fdk'` gets, through the
// loader hooks below.
const FDK_ESM = `const f = globalThis[Symbol.for('authlab.fdk')];
export default f;
export const handle = f.handle;
export const rawResult = f.rawResult;
export const streamResult = f.streamResult;`;
const FDK_HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === ${JSON.stringify(FDK)}) return { url: 'authlab:fdk', shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url === 'authlab:fdk') return { format: 'module', source: ${JSON.stringify(FDK_ESM)}, shortCircuit: true };
  return next(url, context);
}`;

// installFdk answers require('@fnproject/fdk') with the shim, and, for an
// ES module handler, `import` too (module.register: node 20.6 and later).
function installFdk(esm) {
  const Module = require('module');
  const realLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === FDK) return fdkShim;
    return realLoad.apply(this, arguments);
  };
  globalThis[Symbol.for('authlab.fdk')] = fdkShim;
  if (esm && typeof Module.register === 'function') {
    Module.register('data:text/javascript,' + encodeURIComponent(FDK_HOOKS));
  }
}

const esmFdkLimit =
  `an ES module handler importing '${FDK}' needs node 20.6 or later (module.register), ` +
  `this is node ${process.version}: use require('${FDK}') (CommonJS) or a newer node`;

function canonHeader(h) {
  return h
    .replace(/_/g, '-')
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');
}

// FdkContext is the FDK's ctx as an OCI function sees it. config is the
// environment, as on Fn, where the function's configuration arrives as
// environment variables.
class FdkContext {
  constructor(hdr, input) {
    this._callID = hdr.requestId || '';
    this._deadline = new Date(Date.now() + (hdr.timeoutMs || 3000));
    this._body = input;
    this._headers = {
      'Content-Type': ['application/json'],
      'Fn-Call-Id': [this._callID],
      'Fn-Deadline': [this._deadline.toISOString()],
    };
    this._responseHeaders = {};
    this.responseContentType = 'application/json';
  }

  get deadline() {
    return new Date(this._deadline.getTime());
  }
  get callID() {
    return this._callID;
  }
  get appName() {
    return process.env.FN_APP_NAME;
  }
  get appID() {
    return process.env.FN_APP_ID;
  }
  get fnName() {
    return process.env.FN_FN_NAME;
  }
  get fnID() {
    return process.env.FN_FN_ID;
  }
  get memory() {
    return parseInt(process.env.FN_MEMORY, 10);
  }
  get config() {
    return Object.assign({}, process.env);
  }
  get body() {
    return this._body;
  }
  get contentType() {
    return this.getHeader('Content-Type');
  }
  get headers() {
    const out = {};
    for (const k of Object.keys(this._headers)) out[k] = this._headers[k].slice();
    return out;
  }
  get responseHeaders() {
    return Object.assign({}, this._responseHeaders);
  }
  get httpGateway() {
    // An authorizer function is not invoked through an HTTP gateway
    // trigger: no request URL, method or gateway headers.
    const ctx = this;
    return {
      requestURL: null,
      method: null,
      headers: {},
      getHeader: () => null,
      getAllHeaderValues: () => [],
      set statusCode(status) {
        ctx.setResponseHeader('Fn-Http-Status', status);
      },
      setResponseHeader: (key, ...values) => ctx.setResponseHeader('Fn-Http-H-' + key, ...values),
      addResponseHeader: (key, ...values) => ctx.addResponseHeader('Fn-Http-H-' + key, ...values),
    };
  }
  getHeader(key) {
    const h = this._headers[canonHeader(key)];
    return h ? h[0] : null;
  }
  getAllHeaderValues(key) {
    return (this._headers[canonHeader(key)] || []).slice();
  }
  getConfig(key) {
    const v = process.env[key];
    return v === undefined ? null : v;
  }
  getResponseHeader(key) {
    const h = this._responseHeaders[canonHeader(key)];
    return h ? h[0] : null;
  }
  setResponseHeader(key, ...values) {
    const k = canonHeader(key);
    if (k === 'Content-Type') this.responseContentType = values[0];
    else this._responseHeaders[k] = values.map(String);
  }
  addResponseHeader(key, ...values) {
    const k = canonHeader(key);
    this._responseHeaders[k] = (this._responseHeaders[k] || []).concat(values.map(String));
  }
}

// fdkInput is what fn receives, by handle()'s inputMode: JSON parsed (the
// text itself when it is not JSON), the text, or the bytes.
function fdkInput(body, inputMode) {
  if (inputMode === 'buffer') return Buffer.from(body);
  const text = body.toString('utf8');
  if (inputMode === 'string') return text;
  try {
    return JSON.parse(text);
  } catch (_) {
    return text;
  }
}

// Encoded is an answer already turned into the body's bytes.
class Encoded {
  constructor(buf) {
    this.buf = buf;
  }
}

// fdkBody writes fn's result as the FDK does: nothing for null; raw and
// stream results as they are; JSON.stringify under a JSON content type
// (the default, so a returned string arrives JSON-quoted, as on OCI);
// otherwise the string or Buffer itself.
async function fdkBody(ctx, result) {
  if (result === null || result === undefined) return new Encoded(Buffer.alloc(0));
  if (result instanceof RawResult) return new Encoded(Buffer.from(result.raw));
  if (result instanceof StreamResult) {
    const chunks = [];
    for await (const chunk of result.stream) chunks.push(Buffer.from(chunk));
    return new Encoded(Buffer.concat(chunks));
  }
  const type = ctx.responseContentType;
  if (type == null || type.startsWith('application/json') || type.includes('+json')) {
    let text;
    try {
      text = JSON.stringify(result);
    } catch (e) {
      const err = new Error(`Unable to stringify response body: ${e.message}`);
      err.name = 'Runtime.MarshalError';
      throw err;
    }
    return new Encoded(Buffer.from(text === undefined ? '' : text, 'utf8'));
  }
  return new Encoded(Buffer.isBuffer(result) ? result : Buffer.from(String(result), 'utf8'));
}

function nearestPackageType(dir) {
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')).type || 'commonjs';
      } catch (_) {
        return 'commonjs';
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return 'commonjs';
    dir = up;
  }
}

async function load() {
  const file = cfg.file;
  const ext = path.extname(file);
  const esm = ext === '.mjs' || (ext !== '.cjs' && nearestPackageType(path.dirname(file)) === 'module');
  if (oci) installFdk(esm);
  // require / import by absolute path: the handler's own require then
  // resolves from its folder, so its node_modules work as deployed.
  let mod;
  try {
    mod = esm ? await import(url.pathToFileURL(file).href) : require(file);
  } catch (err) {
    if (oci && esm && typeof require('module').register !== 'function' && String(err && err.message).includes(FDK)) {
      err.message = `${err.message} (${esmFdkLimit})`;
    }
    throw err;
  }
  const name = cfg.function || 'handler';
  const lookup = (root) => name.split('.').reduce((o, k) => (o == null ? undefined : o[k]), root);
  let fn = lookup(mod);
  if (fn === undefined && esm && mod.default) fn = lookup(mod.default);
  if (oci && registered.length > 0) {
    // What runs on OCI is what fdk.handle registered; FUNCTION is a label.
    if (registered.length > 1) {
      const err = new Error(
        `fdk.handle was called ${registered.length} times in ${file}: an Fn function registers one handler`
      );
      err.name = 'Runtime.HandlerNotFound';
      throw err;
    }
    if (cfg.function && typeof fn === 'function' && fn !== registered[0].fn) {
      process.stderr.write(
        `authlab: running the function ${file} registers with fdk.handle, not its export '${cfg.function}'\n`
      );
    }
    return registered[0];
  }
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).concat(esm && mod.default ? Object.keys(mod.default) : []);
    const what = oci ? `no fdk.handle(...) call in ${file} and '${name}' is not a function it exports` : `handler '${name}' is not a function exported by ${file}`;
    const err = new Error(`${what} (exports: ${names.join(', ') || 'none'})`);
    err.name = 'Runtime.HandlerNotFound';
    throw err;
  }
  return oci ? { fn, inputMode: 'json' } : fn;
}

// placeOf parses "/path/file.js:3" or "file:///path/file.mjs:3[:7]".
function placeOf(text) {
  const m = /^(file:\/\/\S+?|\/\S*?|[A-Za-z]:\\\S*?):(\d+)(?::\d+)?$/.exec(String(text).trim());
  if (!m) return null;
  const file = m[1].startsWith('file://') ? url.fileURLToPath(m[1]) : m[1];
  return { file, line: Number(m[2]) };
}

// syntaxPlace finds an ES module syntax error's place, which Node's
// dynamic import does not tell: node --check (which runs nothing) on the
// handler file, then on the relative modules it imports.
function syntaxPlace(file) {
  const { spawnSync } = require('child_process');
  const seen = new Set();
  const queue = [file];
  while (queue.length > 0 && seen.size < 50) {
    const f = queue.shift();
    if (seen.has(f)) continue;
    seen.add(f);
    const r = spawnSync(process.execPath, ['--check', f], { encoding: 'utf8', timeout: 10000 });
    if (r.status !== 0 && r.stderr) {
      const place = placeOf(r.stderr.split('\n')[0]);
      if (place) return place;
    }
    let src = '';
    try {
      src = fs.readFileSync(f, 'utf8');
    } catch (_) {
      continue;
    }
    const re = /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.{1,2}\/[^'"]+)['"]/g;
    for (let m; (m = re.exec(src)); ) queue.push(path.resolve(path.dirname(f), m[1] || m[2]));
  }
  return null;
}

// framePlace is the innermost stack frame in the handler's folder, out of
// node_modules: the require or the line that failed.
function framePlace(stack) {
  const folder = path.dirname(cfg.file) + path.sep;
  for (const l of String(stack).split('\n')) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?$/.exec(l.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? url.fileURLToPath(m[1]) : m[1];
    if (file.startsWith(folder) && !file.includes(`${path.sep}node_modules${path.sep}`)) return { file, line: Number(m[2]) };
  }
  return null;
}

function loadFailure(err) {
  const shape = errorShape(err);
  const stack = String(shape.stack || '');
  let message = shape.message;
  // A CommonJS syntax error names the place on the first stack line only;
  // an ES module's does not name it at all.
  const where = stack.split('\n')[0];
  let place = null;
  if (shape.type === 'SyntaxError') {
    place = placeOf(where);
    if (!place && !framePlace(stack)) {
      try {
        place = syntaxPlace(cfg.file);
      } catch (_) {
        place = null;
      }
    }
    if (place) message = `${message} (${place.file}:${place.line})`;
  }
  if (!place) place = framePlace(stack);
  // The stack goes to the logs, as Lambda logs an import error.
  process.stderr.write(`ERROR\tInit Error\t${stack || message}\n`);
  afterLogs(() => {
    send({ kind: 'load_error', type: shape.type, message, file: place ? place.file : '', line: place ? place.line : 0 });
    process.exit(1);
  });
}

function remainingFrom(hdr) {
  const start = performance.now();
  const timeout = hdr.timeoutMs || 3000;
  return () => Math.max(0, Math.floor(timeout - (performance.now() - start)));
}

function makeLogger(hdr) {
  const line = (level, args) => {
    const ms = Date.now();
    const text = args.map((a) => (typeof a === 'string' ? a : require('util').inspect(a))).join(' ');
    process.stdout.write(`${new Date(ms).toISOString()} ${hdr.requestId} ${level} ${text}\n`);
  };
  return {
    debug: (...a) => line('DEBUG', a),
    info: (...a) => line('INFO', a),
    warn: (...a) => line('WARN', a),
    error: (...a) => line('ERROR', a),
  };
}

function makeContext(hdr, finish) {
  const name = hdr.functionName || cfg.name;
  const remaining = remainingFrom(hdr);
  const logger = makeLogger(hdr);
  const userData = cfg.userData || {};
  return {
    // Lambda
    awsRequestId: hdr.requestId,
    functionName: name,
    functionVersion: '$LATEST',
    memoryLimitInMB: cfg.memory,
    invokedFunctionArn: `arn:aws:lambda:${cfg.region}:${cfg.account}:function:${name}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'authlab/[$LATEST]worker',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: remaining,
    succeed: (result) => finish(null, result),
    fail: (err) => finish(err == null ? 'handled' : err),
    done: (err, result) => finish(err, result),
    // FunctionGraph
    getRequestID: () => hdr.requestId,
    getRemainingTimeInMilliSeconds: remaining,
    getUserData: (key) => userData[key],
    getLogger: () => logger,
    getFunctionName: () => name,
    getVersion: () => 'latest',
    getMemorySize: () => Number(cfg.memory),
    getCPUNumber: () => 1,
    getRunningTimeInSeconds: () => Math.floor((hdr.timeoutMs || 3000) / 1000),
    getPackage: () => 'default',
    getProjectID: () => '',
    getAlias: () => '',
    getAccessKey: () => '',
    getSecretKey: () => '',
    getSecurityAccessKey: () => '',
    getSecuritySecretKey: () => '',
    getToken: () => '',
  };
}

let current = null; // settles the call in progress; null between calls
let currentRequestId; // the call's request id, for console lines (undefined while loading, as on Lambda)

// installLambdaConsole makes console.* write as the Lambda Node runtime
// does: "TIME\tREQUEST-ID\tLEVEL\tmessage", each method its level
// (log and info INFO, warn WARN, error ERROR, debug DEBUG, trace TRACE).
function installLambdaConsole() {
  const util = require('util');
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE', fatal: 'FATAL' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}\n`);
    };
  }
}
if (cfg.flavor === 'lambda') installLambdaConsole();

// answer turns the handler's outcome into the message for authlab, logging
// errors first as Lambda does.
function answer(hdr, err, result, exit) {
  const id = hdr.id;
  exit = !!exit;
  if (err !== undefined && err !== null) {
    const shape = errorShape(err);
    process.stderr.write(
      `ERROR\tInvoke Error\t${JSON.stringify({ errorType: shape.type, errorMessage: shape.message, stack: String(shape.stack || '').split('\n') })}\n`
    );
    return [{ kind: 'error', id, type: shape.type, message: shape.message, exit }];
  }
  let payload;
  let text = false;
  if (result instanceof Encoded) {
    payload = result.buf;
  } else if (typeof result === 'string') {
    // Taken as already-serialised JSON, the way FunctionGraph handlers
    // answer; "text" tells authlab it was a string.
    payload = Buffer.from(result, 'utf8');
    text = true;
  } else {
    let text;
    try {
      text = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      const message = `Unable to stringify response body: ${e.message}`;
      process.stderr.write(`ERROR\tRuntime.MarshalError\t${message}\n`);
      return [{ kind: 'error', id, type: 'Runtime.MarshalError', message, exit }];
    }
    payload = Buffer.from(text === undefined ? 'null' : text, 'utf8');
  }
  if (payload.length > cfg.maxResponse) return [{ kind: 'too_large', id, size: payload.length, exit }];
  const head = { kind: 'result', id, len: payload.length, exit };
  if (text) head.text = true;
  return [head, payload];
}

// afterLogs waits until stdout and stderr are flushed: Node queues what a
// full pipe does not take, and output still queued when the answer leaves
// would show up in the next call's logs.
function afterLogs(done) {
  const busy = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  let left = busy.length;
  if (left === 0) return done();
  for (const s of busy) {
    s.write('', () => {
      if (--left === 0) done();
    });
  }
}

function serve(handler) {
  const [hdr, body] = readRequest();
  let event;
  if (oci) {
    event = fdkInput(body, handler.inputMode);
  } else {
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch (e) {
      send({ kind: 'error', id: hdr.id, type: 'Runtime.UnmarshalError', message: e.message });
      setImmediate(serve, handler);
      return;
    }
  }
  if (typeof hdr.nowMs === 'number') setClock(hdr.nowMs);
  currentRequestId = hdr.requestId;
  let settled = false;
  const finish = (err, result, exit) => {
    if (settled) return;
    settled = true;
    current = null;
    const [head, payload] = answer(hdr, err, result, exit);
    afterLogs(() => {
      send(head, payload);
      if (exit) process.exit(129);
      setImmediate(serve, handler);
    });
  };
  current = finish;
  const rejected = (err) => finish(err === undefined || err === null ? new Error(`handler rejected with ${err}`) : err);
  if (oci) {
    // As the FDK: fn's return value (or what its promise resolves to) is
    // the answer, written as the FDK writes it.
    const ctx = new FdkContext(hdr, event);
    let ret;
    try {
      ret = handler.fn(event, ctx);
    } catch (err) {
      finish(err === undefined || err === null ? new Error(String(err)) : err);
      return;
    }
    Promise.resolve(ret)
      .then((value) => fdkBody(ctx, value))
      .then((encoded) => finish(null, encoded), rejected);
    return;
  }
  const context = makeContext(hdr, finish);
  const callback = (err, result) => finish(err, result);
  let ret;
  try {
    ret = handler(event, context, callback);
  } catch (err) {
    finish(err === undefined || err === null ? new Error(String(err)) : err);
    return;
  }
  // As on Lambda: a promise answers the call; any other return value is
  // ignored and the call waits for callback / context.succeed, or answers
  // null once the event loop is empty.
  if (ret && typeof ret.then === 'function') ret.then((value) => finish(null, value), rejected);
}

process.on('beforeExit', () => {
  if (!current) return;
  if (!oci) {
    current(null, null);
    return;
  }
  // The FDK's server would keep the process alive and the call would run
  // into its timeout; here nothing is left that could settle it.
  const err = new Error('the function never answered: its promise was still pending when the event loop emptied');
  err.name = 'Runtime.NoAnswer';
  current(err);
});

// Lambda reports a crash in the handler's background work as the call's
// error and then restarts the runtime; "exit" tells authlab to do the same.
process.on('uncaughtException', (err) => {
  if (current) {
    current(err, undefined, true);
    return;
  }
  process.stderr.write(`authlab: uncaught exception between calls: ${err && err.stack ? err.stack : err}\n`);
  process.exit(129);
});

process.on('unhandledRejection', (reason) => {
  const err = isError(reason) ? reason : new Error(String(reason));
  if (!isError(reason)) err.name = 'Runtime.UnhandledPromiseRejection';
  if (current) {
    current(err, undefined, true);
    return;
  }
  process.stderr.write(`authlab: unhandled rejection between calls: ${err.stack}\n`);
  process.exit(128);
});

load().then(
  (handler) =>
    afterLogs(() => {
      send({ kind: 'ready' });
      setImmediate(serve, handler);
    }),
  (err) => loadFailure(err)
);
