// A Node Lambda proxy integration (AWS-L*): answers the event it received.
exports.handler = async (event) => {
  console.log('received', event.httpMethod || event.requestContext.http.method);
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) };
};
