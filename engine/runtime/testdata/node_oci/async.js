// Async fdk.handle: the resolved value is the answer, written as the FDK
// writes it.
const fdk = require('@fnproject/fdk');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

fdk.handle(async function (input, ctx) {
  await sleep(5);
  switch (input.mode) {
    case 'reject':
      throw new TypeError('no token');
    case 'string': // JSON content type: the FDK JSON-quotes a string
      return JSON.stringify({ active: false });
    case 'text':
      ctx.responseContentType = 'text/plain';
      return '{"active":false,"text":true}';
    case 'raw':
      return fdk.rawResult('{"active":true,"raw":true}');
    case 'null':
      return null;
    case 'pending':
      return new Promise(() => {});
    default:
      return { active: true, principal: input.data.user, scope: ['read', 'write'] };
  }
});
