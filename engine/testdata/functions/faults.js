// A TOKEN authorizer whose answer is chosen by the token: each fault a real
// Node handler can have, for the engine's runtime tests.
const policy = (event, effect = 'Allow') => ({
  principalId: 'node-user',
  policyDocument: { Version: '2012-10-17', Statement: [{ Effect: effect, Action: 'execute-api:Invoke', Resource: event.methodArn }] },
  context: { runtime: 'node' },
});

exports.handler = async (event) => {
  const token = event.authorizationToken.split(' ').pop();
  console.log('checking', token);
  switch (token) {
    case 'allow': return policy(event);
    case 'none': return undefined;
    case 'hang': return new Promise((resolve) => setTimeout(resolve, 60000));
    case 'forgotten': return new Promise(() => {}); // Lambda answers null when the event loop empties
    case 'exit': process.exit(3);
    case 'boom': throw new TypeError('cannot read properties of undefined');
    default: throw new Error('Unauthorized');
  }
};
