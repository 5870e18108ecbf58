package cli

// The files `authlab init` writes. Each scenario passes against its gateway
// and handler as written (TestInit drives the binary over every platform and
// runtime). RUNTIME and HANDLER are filled in; KID is the generated key's.

var initGateways = map[string]string{
	"aws-rest": `version: 1
name: my-api
platform: aws
aws: {region: eu-west-1, account: "123456789012", apiId: a1b2c3d4e5, stage: prod}

authorizers:
  authorizer:
    type: aws-token                      # a Lambda TOKEN authorizer
    identitySource: header:Authorization
    ttl: 300s                            # answers are cached per token; 0 turns the cache off
    function: {runtime: RUNTIME, handler: HANDLER:handler, timeout: 5s}

routes:
  - path: /health
    methods: [GET]
    backend: {stock: {status: 200, body: {status: ok}}}
  - path: /orders/{id}
    methods: [GET, PUT]
    authorizer: authorizer
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[principalId]}"]}]
    backend: {echo: true}                # or {url: http://127.0.0.1:9000}: your service
`,
	"aws-http": `version: 1
name: my-api
platform: aws-http
aws: {region: eu-west-1, account: "123456789012", apiId: a1b2c3d4e5, stage: prod}

authorizers:
  authorizer:
    type: aws-http                       # an HTTP API Lambda authorizer
    payloadFormat: "2.0"
    simpleResponses: true                # the handler answers {isAuthorized, context}
    identitySource: $request.header.Authorization
    ttl: 300s
    function: {runtime: RUNTIME, handler: HANDLER:handler, timeout: 5s}

routes:
  - path: /health
    methods: [GET]
    backend: {stock: {status: 200, body: {status: ok}}}
  - path: /orders/{id}
    methods: [GET, PUT]
    authorizer: authorizer
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]
    backend: {echo: true}                # or {url: http://127.0.0.1:9000}: your service
`,
	"oci": `version: 1
name: my-api
platform: oci

authorizers:
  authorizer:
    type: oci                            # a single-argument authorizer function
    token: request.headers[Authorization]
    function: {runtime: RUNTIME, handler: HANDLER:handler, timeout: 5s}   # flavor oci: the Fn FDK

routes:
  - path: /health
    methods: [GET]
    backend: {stock: {status: 200, body: {status: ok}}}
  - path: /orders/{id}
    methods: [GET, PUT]
    authorizer: authorizer
    authorization: {type: ANY_OF, allowedScope: ["read:orders"]}
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]
    backend: {echo: true}                # or {url: http://127.0.0.1:9000}: your service
`,
	"huawei": `version: 1
name: my-api
platform: huawei

# A deny answers 500 unless the API group customises the response (HW-R3):
# huawei: {gatewayResponses: {AUTHORIZER_FAILURE: {status: 403}}}

authorizers:
  authorizer:
    type: huawei                         # a frontend custom authorizer on FunctionGraph
    identitySource: [header:Authorization]
    ttl: 60s
    function: {runtime: RUNTIME, handler: HANDLER:handler, timeout: 5s}

routes:
  - path: /health
    methods: [GET]
    backend: {stock: {status: 200, body: {status: ok}}}
  - path: /orders/{id}
    methods: [GET, PUT]
    authorizer: authorizer
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]
    backend: {echo: true}                # or {url: http://127.0.0.1:9000}: your service
`,
}

var initHandlers = map[string]string{
	"aws-rest/python": `"""An API Gateway (REST API) Lambda TOKEN authorizer.

    Authorization: Bearer allow-<user>  -> Allow, principal <user>
    Authorization: Bearer deny-<user>   -> Deny: the gateway answers 403
    anything else                       -> raise Exception("Unauthorized"): 401

authlab runs this file unmodified; edit it and fire again, no restart.
"""


def policy(principal, effect, method_arn):
    # The answer is cached per token and reused on every route of this
    # authorizer, so allow the whole stage rather than this one method and
    # path (authlab explain AWS-C3).
    api, stage = method_arn.split("/")[:2]
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": api + "/" + stage + "/*"}],
        },
        # Context values must be strings, numbers or booleans (AWS-R5).
        "context": {"user": principal},
    }


def handler(event, context):
    token = event.get("authorizationToken") or ""
    for verdict, effect in (("Bearer allow-", "Allow"), ("Bearer deny-", "Deny")):
        if token.startswith(verdict) and len(token) > len(verdict):
            user = token[len(verdict):]
            print("%s %s" % (effect, user))
            return policy(user, effect, event["methodArn"])
    # Exactly "Unauthorized" means 401; any other error is a 500 (AWS-R1).
    raise Exception("Unauthorized")
`,
	"aws-rest/node": `// An API Gateway (REST API) Lambda TOKEN authorizer.
//
//   Authorization: Bearer allow-<user>  -> Allow, principal <user>
//   Authorization: Bearer deny-<user>   -> Deny: the gateway answers 403
//   anything else                       -> throw new Error('Unauthorized'): 401
//
// authlab runs this file unmodified; edit it and fire again, no restart.

function policy(principal, effect, methodArn) {
  // The answer is cached per token and reused on every route of this
  // authorizer, so allow the whole stage rather than this one method and
  // path (authlab explain AWS-C3).
  const [api, stage] = methodArn.split('/');
  return {
    principalId: principal,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: api + '/' + stage + '/*' }],
    },
    // Context values must be strings, numbers or booleans (AWS-R5).
    context: { user: principal },
  };
}

exports.handler = async (event) => {
  const m = /^Bearer (allow|deny)-(.+)$/.exec(event.authorizationToken || '');
  if (!m) {
    // Exactly "Unauthorized" means 401; any other error is a 500 (AWS-R1).
    throw new Error('Unauthorized');
  }
  const effect = m[1] === 'allow' ? 'Allow' : 'Deny';
  console.log(effect, m[2]);
  return policy(m[2], effect, event.methodArn);
};
`,
	"aws-http/python": `"""An API Gateway HTTP API Lambda authorizer with simple responses.

    Authorization: Bearer allow-<user>  -> isAuthorized, context {user}
    anything else                       -> not authorized: the gateway answers 403

A request without the header never reaches this function: 401 (AWSH-I1).
"""


def handler(event, context):
    token = (event.get("headers") or {}).get("authorization", "")
    if token.startswith("Bearer allow-") and len(token) > len("Bearer allow-"):
        user = token[len("Bearer allow-"):]
        print("allow %s" % user)
        return {"isAuthorized": True, "context": {"user": user}}
    print("deny")
    return {"isAuthorized": False}
`,
	"aws-http/node": `// An API Gateway HTTP API Lambda authorizer with simple responses.
//
//   Authorization: Bearer allow-<user>  -> isAuthorized, context {user}
//   anything else                       -> not authorized: the gateway answers 403
//
// A request without the header never reaches this function: 401 (AWSH-I1).

exports.handler = async (event) => {
  const m = /^Bearer allow-(.+)$/.exec((event.headers || {}).authorization || '');
  if (!m) {
    console.log('deny');
    return { isAuthorized: false };
  }
  console.log('allow', m[1]);
  return { isAuthorized: true, context: { user: m[1] } };
};
`,
	"oci/python": `"""An OCI API Gateway single-argument authorizer function (Fn FDK).

The gateway sends {"type": "TOKEN", "token": <Authorization header>}.

    Bearer allow-<user>  -> active, principal <user>, scope read:orders
    anything else        -> inactive: the gateway answers 401 with WWW-Authenticate
"""
import io
import json

from fdk import response


def handler(ctx, data: io.BytesIO = None):
    try:
        token = json.loads(data.getvalue()).get("token") or ""
    except (ValueError, AttributeError):
        token = ""
    if token.startswith("Bearer allow-") and len(token) > len("Bearer allow-"):
        user = token[len("Bearer allow-"):]
        print("active: %s" % user)
        answer = {"active": True, "principal": user, "scope": ["read:orders"], "context": {"user": user}}
    else:
        print("inactive")
        answer = {"active": False, "wwwAuthenticate": 'Bearer realm="my-api"'}
    return response.Response(ctx, response_data=json.dumps(answer), headers={"Content-Type": "application/json"})
`,
	"oci/node": `// An OCI API Gateway single-argument authorizer function (Fn FDK).
//
// The gateway sends {"type": "TOKEN", "token": <Authorization header>}.
//
//   Bearer allow-<user>  -> active, principal <user>, scope read:orders
//   anything else        -> inactive: the gateway answers 401 with WWW-Authenticate
const fdk = require('@fnproject/fdk');

fdk.handle(async function (input) {
  const token = input && typeof input === 'object' ? String(input.token || '') : '';
  const m = /^Bearer allow-(.+)$/.exec(token);
  if (!m) {
    console.log('inactive');
    return { active: false, wwwAuthenticate: 'Bearer realm="my-api"' };
  }
  console.log('active:', m[1]);
  return { active: true, principal: m[1], scope: ['read:orders'], context: { user: m[1] } };
});
`,
	"huawei/python": `"""A Huawei Cloud APIG frontend custom authorizer on FunctionGraph.

    authorization: Bearer allow-<user>  -> status allow, context {user}
    anything else                       -> status deny (500 by default: HW-R3)

The gateway passes only the headers named as identity sources.
"""
import json


def answer(status, context=None):
    body = {"status": status}
    if context:
        body["context"] = context
    # The body is a JSON string inside the answer (HW-R1).
    return {"statusCode": 200, "body": json.dumps(body)}


def handler(event, context):
    headers = event.get("headers") or {}
    token = headers.get("authorization") or headers.get("Authorization") or ""
    if token.startswith("Bearer allow-") and len(token) > len("Bearer allow-"):
        user = token[len("Bearer allow-"):]
        print("allow %s" % user)
        return answer("allow", {"user": user})
    print("deny")
    return answer("deny")
`,
	"huawei/node": `// A Huawei Cloud APIG frontend custom authorizer on FunctionGraph.
//
//   authorization: Bearer allow-<user>  -> status allow, context {user}
//   anything else                       -> status deny (500 by default: HW-R3)
//
// The gateway passes only the headers named as identity sources.

function answer(status, context) {
  const body = { status };
  if (context) body.context = context;
  // The body is a JSON string inside the answer (HW-R1).
  return { statusCode: 200, body: JSON.stringify(body) };
}

exports.handler = async (event) => {
  const headers = event.headers || {};
  const m = /^Bearer allow-(.+)$/.exec(headers.authorization || headers.Authorization || '');
  if (!m) {
    console.log('deny');
    return answer('deny');
  }
  console.log('allow', m[1]);
  return answer('allow', { user: m[1] });
};
`,
}

var initScenarios = map[string]string{
	"aws-rest": `name: the authorizer answers as API Gateway would
gateway: ../authlab.yaml
steps:
  - name: AWS-R6 alice is allowed; her principal reaches the backend
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: called, principal: alice, upstream: {headers: {X-User: alice}}}
  - name: AWS-C2 the same token on another route is answered from the cache
    request: {method: PUT, path: /orders/7, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: cached, calls: {authorizer: 1}}
  - name: AWS-R2 an explicit Deny answers 403
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer deny-bob}}
    expect: {status: 403, authorizer: called, upstream: none, rules: [AWS-R2]}
  - name: AWS-R1 "Unauthorized" from the function answers 401
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer nobody}}
    expect: {status: 401, authorizer: called, body: {equals: {message: Unauthorized}}, rules: [AWS-R1]}
  - name: AWS-I1 no token answers 401 without calling the function
    request: {method: GET, path: /orders/42}
    expect: {status: 401, authorizer: skipped, rules: [AWS-I1]}
  - name: the open route needs no token
    request: {method: GET, path: /health}
    expect: {status: 200, authorizer: skipped}
`,
	"aws-http": `name: the authorizer answers as an HTTP API would
gateway: ../authlab.yaml
steps:
  - name: AWSH-R1 alice is authorized; her context reaches the backend
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: called, upstream: {headers: {X-User: alice}}}
  - name: AWSH-C1 the same token is answered from the cache
    request: {method: PUT, path: /orders/7, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: cached, calls: {authorizer: 1}}
  - name: AWSH-R1 isAuthorized false answers 403
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer nobody}}
    expect: {status: 403, authorizer: called, upstream: none, rules: [AWSH-R1]}
  - name: AWSH-I1 no identity answers 401 without calling the function
    request: {method: GET, path: /orders/42}
    expect: {status: 401, authorizer: skipped, rules: [AWSH-I1]}
  - name: the open route needs no token
    request: {method: GET, path: /health}
    expect: {status: 200, authorizer: skipped}
`,
	"oci": `name: the authorizer function answers as OCI API Gateway would
gateway: ../authlab.yaml
steps:
  - name: OCI-R1 alice is active with scope read:orders; her context reaches the backend
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: called, principal: alice, upstream: {headers: {X-User: alice}}}
  - name: OCI-C1 the same token is answered from the cache
    request: {method: PUT, path: /orders/7, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: cached, calls: {authorizer: 1}}
  - name: OCI-R2 an inactive answer is a 401 with the function's WWW-Authenticate
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer nobody}}
    expect: {status: 401, authorizer: called, upstream: none, headers: {WWW-Authenticate: Bearer realm="my-api"}, rules: [OCI-R2]}
  - name: the open route needs no token
    request: {method: GET, path: /health}
    expect: {status: 200, authorizer: skipped}
`,
	"huawei": `name: the custom authorizer answers as Huawei APIG would
gateway: ../authlab.yaml
steps:
  - name: HW-B1 alice is allowed; her context reaches the backend
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: called, upstream: {headers: {X-User: alice}}}
  - name: HW-C1 the same token is answered from the cache
    request: {method: PUT, path: /orders/7, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, authorizer: cached, calls: {authorizer: 1}}
  - name: HW-R3 a deny answers 500 unless the group customises it
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer nobody}}
    expect: {status: 500, authorizer: called, upstream: none, rules: [HW-R3]}
  - name: HW-I1 no identity answers 401 without calling the function
    request: {method: GET, path: /orders/42}
    expect: {status: 401, authorizer: skipped, rules: [HW-I1]}
  - name: the open route needs no token
    request: {method: GET, path: /health}
    expect: {status: 200, authorizer: skipped}
`,
}

const initJWTGateway = `# yaml-language-server: $schema=.authlab/schema/gateway.json
# Scaffolded by ` + "`authlab init`" + `: a gateway with the built-in JWT verifier and a new
# RS256 key pair in keys/ (made for this folder: keep keys/rsa.pem out of git).
# Reference: docs/gateway-file.md in the authlab repository; ` + "`authlab explain RULE`" + ` for a rule a trace cites.
version: 1
name: my-api
platform: generic

authorizers:
  jwt:
    type: jwt                            # authlab verifies the token itself: no function
    identitySource: header:Authorization
    issuer: https://issuer.example
    audience: [my-api]
    jwks: keys/rsa.jwks.json

routes:
  - path: /health
    methods: [GET]
    backend: {stock: {status: 200, body: {status: ok}}}
  - path: /orders/{id}
    methods: [GET, PUT]
    authorizer: jwt
    authorization: {type: ANY_OF, allowedScope: ["read:orders"]}
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[sub]}"]}]
    backend: {echo: true}                # or {url: http://127.0.0.1:9000}: your service

# Named test tokens: authlab fire GET /orders/42 --token alice
tokens:
  alice: {alg: RS256, key: keys/rsa.pem, kid: KID, claims: {iss: https://issuer.example, aud: my-api, sub: alice, scope: read:orders}, expiresIn: 15m}
  bob: {alg: RS256, key: keys/rsa.pem, kid: KID, claims: {iss: https://issuer.example, aud: my-api, sub: bob}, expiresIn: 15m}
`

const initJWTScenario = `name: the verifier accepts good tokens and refuses the rest
gateway: ../authlab.yaml
tokens:                                  # minted at the start of the virtual clock
  alice: {alg: RS256, key: ../keys/rsa.pem, kid: KID, claims: {iss: https://issuer.example, aud: my-api, sub: alice, scope: read:orders}, expiresIn: 15m}
  bob: {alg: RS256, key: ../keys/rsa.pem, kid: KID, claims: {iss: https://issuer.example, aud: my-api, sub: bob}, expiresIn: 15m}
  stranger: {alg: RS256, key: ../keys/rsa.pem, kid: KID, claims: {iss: https://issuer.example, aud: another-api, sub: eve, scope: read:orders}}
steps:
  - name: JWT-1 alice's token is valid; her subject reaches the backend
    request: {method: GET, path: /orders/42, headers: {Authorization: "Bearer ${tokens.alice}"}}
    expect: {status: 200, principal: alice, upstream: {headers: {X-User: alice}}}
  - name: OCI-A1 bob's token lacks the route's scope
    request: {method: GET, path: /orders/42, headers: {Authorization: "Bearer ${tokens.bob}"}}
    expect: {status: 403, upstream: none}
  - name: JWT-2 a token for another audience is refused
    request: {method: GET, path: /orders/42, headers: {Authorization: "Bearer ${tokens.stranger}"}}
    expect: {status: 401, upstream: none, rules: [JWT-2]}
  - name: no token, no entry
    request: {method: GET, path: /orders/42}
    expect: {status: 401, upstream: none}
  - advance: 16m
  - name: JWT-2 alice's token has expired
    request: {method: GET, path: /orders/42, headers: {Authorization: "Bearer ${tokens.alice}"}}
    expect: {status: 401, upstream: none, rules: [JWT-2]}
`
