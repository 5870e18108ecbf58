// Node fixtures for the runtime tests (CommonJS): one export per behaviour.
const tinyToken = require('tiny-token'); // from this folder's own node_modules
const helper = require('./helper');

console.log('module loaded');

exports.asyncReturn = async (event, context) => ({
  principalId: 'alice',
  echo: event,
  requestId: context.awsRequestId,
});

exports.promiseReturn = (event) => new Promise((resolve) => setTimeout(() => resolve({ via: 'promise', n: event.n }), 10));

exports.jsonString = async () => JSON.stringify({ statusCode: 200, body: JSON.stringify({ status: 'allow' }) });

exports.throwsError = async () => {
  throw new Error('Unauthorized');
};

class TokenExpiredError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TokenExpiredError';
  }
}

exports.throwsCustom = () => {
  throw new TokenExpiredError('jwt expired');
};

exports.callbackAllow = (event, context, callback) => {
  setTimeout(() => callback(null, { principalId: 'cb', token: event.authorizationToken }), 5);
};

exports.callbackString = (event, context, callback) => {
  callback('Unauthorized');
};

exports.callbackError = (event, context, callback) => {
  callback(new Error('boom'));
};

exports.succeed = (event, context) => {
  context.succeed({ principalId: 'legacy' });
};

exports.fail = (event, context) => {
  context.fail(new Error('legacy failure'));
};

exports.done = (event, context) => {
  context.done(null, { principalId: 'done' });
};

exports.syncReturn = () => ({ ignored: true });

exports.asyncUndefined = async () => undefined;

exports.logs = async (event) => {
  console.log('log line', event.n);
  console.error('error line');
  return { n: event.n };
};

exports.usesPackage = async (event) => ({ user: tinyToken.verify(event.token), shout: helper.shout('hi') });

exports.sleepy = async (event) => {
  console.log('going to sleep');
  await new Promise((resolve) => setTimeout(resolve, event.ms || 30000));
  return { slept: true };
};

exports.crash = () => {
  console.error('fatal: giving up');
  process.exit(3);
};

exports.huge = async (event) => ({ blob: 'x'.repeat(event.size || 7 * 1024 * 1024) });

exports.background = async () => {
  setTimeout(() => {
    throw new Error('background failure');
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { unreachable: true };
};

exports.pid = async () => ({ pid: process.pid });

exports.contextInfo = async (event, context) => {
  context.getLogger().info('hello from the FunctionGraph logger');
  return {
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
    invokedFunctionArn: context.invokedFunctionArn,
    remaining: context.getRemainingTimeInMillis(),
    fgRequestId: context.getRequestID(),
    fgRemaining: context.getRemainingTimeInMilliSeconds(),
    fgUserData: context.getUserData('tenant'),
    env: process.env.FROM_ENV,
    cwd: process.cwd(),
  };
};

exports.nested = { handler: async () => ({ nested: true }) };
exports.notAFunction = 42;

exports.clock = async () => ({
  now: Date.now(),
  iso: new Date().toISOString(),
  fixed: new Date(0).toISOString(),
  parsed: Date.parse('2020-01-02T00:00:00Z'),
  isDate: new Date() instanceof Date,
  str: typeof Date(),
});

exports.chatty = async () => {
  process.stdout.write('y'.repeat(3 * 1024 * 1024));
  return { ok: true };
};

// Nothing left to do and no answer: Lambda answers null when the loop drains.
exports.neverResolves = () => new Promise(() => {});

exports.consoleLevels = async () => {
  console.log('plain log', 1);
  console.info('an info');
  console.warn('a warning');
  console.error('an error');
  console.debug('a debug line');
  return { ok: true };
};

exports.returnsText = async () => 'Hello';
