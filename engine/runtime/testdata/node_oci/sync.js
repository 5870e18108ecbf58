// An OCI function in the Fn FDK style: a plain return value is the answer.
const fdk = require('@fnproject/fdk');

fdk.handle(function (input, ctx) {
  if (input.token === 'bad') throw new Error('invalid token');
  console.log('checking', input.token);
  return {
    active: true,
    principal: input.token,
    secret: ctx.config.TOKEN_SECRET,
    configKey: ctx.getConfig('TOKEN_SECRET'),
    callID: ctx.callID,
    header: ctx.getHeader('fn-call-id'),
    headers: Object.keys(ctx.headers).sort(),
    fnID: ctx.fnID,
    appName: ctx.appName,
    lambdaEnv: 'AWS_LAMBDA_FUNCTION_NAME' in ctx.config,
  };
});
