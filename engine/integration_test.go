package engine_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
)

// integrationGateway is a REST API whose routes call real Lambda handlers
// from engine/testdata/functions (AWS-L*), behind a Lambda authorizer.
const integrationGateway = `version: 1
aws: {region: eu-west-1, account: "123456789012", apiId: api123, stage: prod, stageVariables: {env: test}}
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {token: Bearer ok}
          return: {principalId: alice, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}, context: {tier: 3, admin: true, name: Alice, gone: null}}
        - return: Unauthorized
routes:
  - path: /echo/{id}
    authorizer: tok
    backend: {function: {runtime: python, handler: DIR/integration.py:echo}}
  - path: /open
    backend: {function: {runtime: python, handler: DIR/integration.py:echo}}
  - path: /node
    backend: {function: {runtime: node, handler: DIR/integration.js:handler}}
  - path: /created
    backend: {function: {runtime: python, handler: DIR/integration.py:created}}
  - path: /empty
    backend: {function: {runtime: python, handler: DIR/integration.py:empty}}
  - path: /bad/unknown-key
    backend: {function: {runtime: python, handler: DIR/integration.py:unknown_key}}
  - path: /bad/body-object
    backend: {function: {runtime: python, handler: DIR/integration.py:body_object}}
  - path: /bad/status
    backend: {function: {runtime: python, handler: DIR/integration.py:bad_status}}
  - path: /bad/text
    backend: {function: {runtime: python, handler: DIR/integration.py:text}}
  - path: /bad/raises
    backend: {function: {runtime: python, handler: DIR/integration.py:raises}}
  - path: /slow/function
    backend: {function: {runtime: python, handler: DIR/integration.py:hangs, timeout: 300ms}}
  - path: /slow/gateway
    backend: {function: {runtime: python, handler: DIR/integration.py:hangs, timeout: 5s}, timeout: 200ms}
  - path: /mock
    backend: {function: {runtime: mock, responses: [{return: {statusCode: 418, body: teapot}}]}}
`

func integrationEngine(t *testing.T, src string) *engine.Engine {
	t.Helper()
	needs(t, "python3")
	dir, _ := filepath.Abs(filepath.Join("testdata", "functions"))
	return newEngineAt(t, src, dir)
}

// integrationEvent is the event the integration received, from the trace.
func integrationEvent(t *testing.T, res *engine.Result) map[string]any {
	t.Helper()
	st := res.Trace.Stage("backend")
	d, ok := st.Get("event")
	if !ok {
		t.Fatalf("no integration event in the backend stage: %+v", st)
	}
	var ev map[string]any
	if err := json.Unmarshal(d.JSON, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestAWSL1_L2_RESTProxyEventAfterALambdaAuthorizer(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, integrationGateway)
	res := fire(t, e, "GET", "/echo/a%20b?q=1&q=2", "Authorization: Bearer ok", "X-Forwarded-For: 10.0.0.9")
	if res.Response.Status != 200 || res.Principal != "alice" {
		t.Fatalf("status %d principal %q\n%s", res.Response.Status, res.Principal, res.Response.Body)
	}
	ev := integrationEvent(t, res)
	// The function answered the event it got: the body is that event.
	var echoed map[string]any
	if err := json.Unmarshal(res.Response.Body, &echoed); err != nil || echoed["resource"] != "/echo/{id}" {
		t.Fatalf("body %s", res.Response.Body)
	}
	for k, want := range map[string]any{"resource": "/echo/{id}", "path": "/echo/a%20b" /* still encoded (PATH-1) */, "httpMethod": "GET",
		"isBase64Encoded": false, "body": nil} {
		if ev[k] != want {
			t.Errorf("%s = %#v, want %#v", k, ev[k], want)
		}
	}
	if p := ev["pathParameters"].(map[string]any); p["id"] != "a b" {
		t.Errorf("pathParameters = %v", p)
	}
	if q := ev["multiValueQueryStringParameters"].(map[string]any); len(q["q"].([]any)) != 2 || ev["queryStringParameters"].(map[string]any)["q"] != "2" {
		t.Errorf("query: %v %v", ev["queryStringParameters"], q)
	}
	if sv := ev["stageVariables"].(map[string]any); sv["env"] != "test" {
		t.Errorf("stageVariables = %v", sv)
	}
	rc := ev["requestContext"].(map[string]any)
	if rc["path"] != "/prod/echo/a%20b" || rc["stage"] != "prod" || rc["resourcePath"] != "/echo/{id}" || rc["accountId"] != "123456789012" {
		t.Errorf("requestContext = %v", rc)
	}
	// AWS-L2: context values stringified, null kept, principalId and a
	// numeric integrationLatency alongside.
	auth := rc["authorizer"].(map[string]any)
	want := map[string]any{"tier": "3", "admin": "true", "name": "Alice", "gone": nil, "principalId": "alice", "integrationLatency": float64(0)}
	if len(auth) != len(want) {
		t.Errorf("authorizer = %v", auth)
	}
	for k, v := range want {
		if got, ok := auth[k]; !ok || got != v {
			t.Errorf("authorizer.%s = %#v, want %#v", k, got, v)
		}
	}
	// The headers the gateway adds, in the integration event as in the
	// authorizer's.
	h := ev["headers"].(map[string]any)
	if h["X-Forwarded-For"] != "10.0.0.9, 127.0.0.1" || h["X-Forwarded-Port"] != "443" || h["X-Forwarded-Proto"] != "https" ||
		h["Host"] != "api123.execute-api.eu-west-1.amazonaws.com" || !strings.HasPrefix(h["X-Amzn-Trace-Id"].(string), "Root=1-") {
		t.Errorf("gateway headers: %v", h)
	}
	// The trace shows the event, the raw answer and the handler's logging.
	st := res.Trace.Stage("backend")
	if _, ok := st.Get("response"); !ok || !strings.Contains(strings.Join(st.Rules, " "), "AWS-L1") {
		t.Errorf("backend stage: %+v", st)
	}
	if logs, _ := st.Get("logs"); !strings.Contains(logs.Value, "[INFO]\t") || !strings.Contains(logs.Value, "received GET /echo/a%20b") {
		t.Errorf("logs = %q", logs.Value)
	}
}

func TestAWSL1_NoAuthorizerNoParameters(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, integrationGateway)
	res := fire(t, e, "POST", "/open", "Content-Type: text/plain")
	ev := integrationEvent(t, res)
	rc := ev["requestContext"].(map[string]any)
	if ev["pathParameters"] != nil || ev["queryStringParameters"] != nil || rc["authorizer"] != nil {
		t.Errorf("pathParameters %v, query %v, authorizer %v: null / absent without them", ev["pathParameters"], ev["queryStringParameters"], rc["authorizer"])
	}
	req, _ := engine.NewRequest("POST", "/open", []string{"Content-Type: text/plain"}, []byte("hello"))
	res = e.Do(t.Context(), req)
	if ev := integrationEvent(t, res); ev["body"] != "hello" || ev["isBase64Encoded"] != false {
		t.Errorf("body %v", ev["body"])
	}
}

func TestAWSL1_NodeHandler(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	e := integrationEngine(t, integrationGateway)
	res := fire(t, e, "GET", "/node")
	if res.Response.Status != 200 || !strings.Contains(string(res.Response.Body), `"resource":"/node"`) {
		t.Fatalf("%d %s", res.Response.Status, res.Response.Body)
	}
	if logs, _ := res.Trace.Stage("backend").Get("logs"); !strings.Contains(logs.Value, "\tINFO\treceived GET") {
		t.Errorf("console.log in Lambda's format: %q", logs.Value)
	}
}

func TestAWSL3_AnswerMapping(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, integrationGateway)
	res := fire(t, e, "GET", "/created")
	r := res.Response
	if r.Status != 201 || string(r.Body) != "made" {
		t.Fatalf("status %d body %q", r.Status, r.Body)
	}
	// multiValueHeaders first, then the headers value; the
	// multiValueHeaders spelling wins; booleans as text.
	if got := r.Header["X-Multi"]; strings.Join(got, "|") != "a|b|c" {
		t.Errorf("X-Multi = %q", got)
	}
	if r.Header.Get("X-Flag") != "true" || r.Header.Get("Content-Type") != "application/json" || len(r.Header["Set-Cookie"]) != 2 {
		t.Errorf("headers %v", r.Header)
	}
	// AWS-L5: WWW-Authenticate from an integration is renamed.
	if r.Header.Get("WWW-Authenticate") != "" || r.Header.Get("X-Amzn-Remapped-WWW-Authenticate") != "Basic" {
		t.Errorf("AWS-L5: headers %v", r.Header)
	}
	if !strings.Contains(stageRules(res), "AWS-L5") {
		t.Errorf("rules %s", stageRules(res))
	}
	res = fire(t, e, "GET", "/empty")
	if res.Response.Status != 200 || len(res.Response.Body) != 0 || res.Response.Header.Get("Content-Type") != "" {
		t.Errorf("{} → 200, empty body, no Content-Type: %d %v %q", res.Response.Status, res.Response.Header, res.Response.Body)
	}
	res = fire(t, e, "GET", "/mock")
	if res.Response.Status != 418 || string(res.Response.Body) != "teapot" {
		t.Errorf("a mock function backend: %d %q", res.Response.Status, res.Response.Body)
	}
}

func TestAWSL4_MalformedAnswersAndFailures502(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, integrationGateway)
	for path, why := range map[string]string{
		"/bad/unknown-key": `unknown key "extra"`,
		"/bad/body-object": "body is not a string",
		"/bad/status":      "statusCode",
		"/bad/text":        "not a JSON object",
		"/bad/raises":      "database unreachable",
		"/slow/function":   "Task timed out",
	} {
		res := fire(t, e, "GET", path)
		r := res.Response
		if r.Status != 502 || string(r.Body) != `{"message":"Internal server error"}` || r.Header.Get("x-amzn-ErrorType") != "InternalServerErrorException" {
			t.Errorf("%s: %d %v %s", path, r.Status, r.Header, r.Body)
		}
		st := res.Trace.Stage("backend")
		if st.Status != "fail" || !strings.Contains(st.Summary, why) || !strings.Contains(strings.Join(st.Rules, " "), "AWS-L4") {
			t.Errorf("%s: backend stage %s %q %v", path, st.Status, st.Summary, st.Rules)
		}
	}
	if st := fire(t, e, "GET", "/bad/status").Trace.Stage("backend"); !strings.Contains(st.Summary, "Malformed Lambda proxy response") {
		t.Errorf("the trace names the execution log's words: %q", st.Summary)
	}
	// The integration timeout is the gateway's: 504.
	res := fire(t, e, "GET", "/slow/gateway")
	if res.Response.Status != 504 || string(res.Response.Body) != `{"message": "Endpoint request timed out"}` {
		t.Errorf("integration timeout: %d %s", res.Response.Status, res.Response.Body)
	}
}

// AWS-G14: a malformed answer is DEFAULT_5XX, which a file may customise.
func TestAWSG14_MalformedAnswerIsDefault5XX(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, strings.Replace(integrationGateway, "aws: {", `aws: {gatewayResponses: {DEFAULT_5XX: {headers: {Access-Control-Allow-Origin: "'*'"}}}, `, 1))
	res := fire(t, e, "GET", "/bad/raises")
	if res.Response.Status != 502 || res.Response.Header.Get("Access-Control-Allow-Origin") != "*" ||
		string(res.Response.Body) != `{"message":"Internal server error"}` {
		t.Errorf("%d %v %s", res.Response.Status, res.Response.Header, res.Response.Body)
	}
}

const integrationHTTPGateway = `version: 1
platform: aws-http
aws: {region: eu-west-1, account: "123456789012", apiId: h77p}
authorizers:
  lam:
    type: aws-http
    identitySource: $request.header.Authorization
    simpleResponses: true
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {headers.authorization: Bearer ok}
          return: {isAuthorized: true, context: {user: ann, roles: [a, b], n: 3}}
        - return: {isAuthorized: false}
routes:
  - path: /items/{id}
    methods: [GET]
    authorizer: lam
    backend: {function: {runtime: python, handler: DIR/integration.py:echo}}
  - path: /any/{proxy+}
    authorizer: lam
    backend: {function: {runtime: python, handler: DIR/integration.py:echo}}
  - path: /v1
    authorizer: lam
    backend: {function: {runtime: python, handler: DIR/integration.py:echo}, payloadFormat: "1.0"}
  - path: /plain
    authorizer: lam
    backend: {function: {runtime: python, handler: DIR/integration.py:v2_plain}}
  - path: /full
    backend: {function: {runtime: python, handler: DIR/integration.py:v2_full}}
  - path: /text
    backend: {function: {runtime: python, handler: DIR/integration.py:text}}
  - path: /raises
    backend: {function: {runtime: python, handler: DIR/integration.py:raises}}
  - path: /slow
    backend: {function: {runtime: python, handler: DIR/integration.py:hangs, timeout: 5s}, timeout: 200ms}
`

func TestAWSL6_L7_HTTPAPIEvent20(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, integrationHTTPGateway)
	res := fire(t, e, "GET", "/items/7?b=2&a=1%20&a=3", "Authorization: Bearer ok", "Cookie: c1=x; c2=y", "X-Rep: 1", "X-Rep: 2")
	if res.Response.Status != 200 {
		t.Fatalf("%d %s", res.Response.Status, res.Response.Body)
	}
	ev := integrationEvent(t, res)
	for k, v := range map[string]any{"version": "2.0", "routeKey": "GET /items/{id}", "rawPath": "/items/7",
		"rawQueryString": "b=2&a=1%20&a=3" /* as sent */, "isBase64Encoded": false} {
		if ev[k] != v {
			t.Errorf("%s = %#v, want %#v", k, ev[k], v)
		}
	}
	h := ev["headers"].(map[string]any)
	if h["x-rep"] != "1,2" || h["x-forwarded-proto"] != "https" || h["x-forwarded-for"] != "127.0.0.1" || h["host"] == nil {
		t.Errorf("headers: %v", h)
	}
	if c := ev["cookies"].([]any); len(c) != 2 || c[0] != "c1=x" {
		t.Errorf("cookies: %v", c)
	}
	if q := ev["queryStringParameters"].(map[string]any); q["a"] != "1 ,3" {
		t.Errorf("queryStringParameters: %v", q)
	}
	rc := ev["requestContext"].(map[string]any)
	lambda := rc["authorizer"].(map[string]any)["lambda"].(map[string]any)
	if lambda["user"] != "ann" || lambda["n"] != float64(3) || len(lambda["roles"].([]any)) != 2 {
		t.Errorf("AWS-L7: authorizer.lambda is the context as returned: %v", lambda)
	}
	if rc["stage"] != "$default" || rc["routeKey"] != "GET /items/{id}" || rc["http"].(map[string]any)["path"] != "/items/7" {
		t.Errorf("requestContext: %v", rc)
	}
	// The route's own key: a route that takes every method is ANY.
	ev = integrationEvent(t, fire(t, e, "POST", "/any/x/y", "Authorization: Bearer ok"))
	if ev["routeKey"] != "ANY /any/{proxy+}" {
		t.Errorf("routeKey = %v", ev["routeKey"])
	}
	// Payload 1.0 on an HTTP API: the REST shape plus version.
	ev = integrationEvent(t, fire(t, e, "GET", "/v1", "Authorization: Bearer ok"))
	if ev["version"] != "1.0" || ev["resource"] != "/v1" || ev["requestContext"].(map[string]any)["authorizer"].(map[string]any)["user"] != "ann" {
		t.Errorf("1.0 event: %v", ev)
	}
}

func TestAWSL8_L9_HTTPAPIAnswers(t *testing.T) {
	t.Parallel()
	e := integrationEngine(t, integrationHTTPGateway)
	res := fire(t, e, "GET", "/plain", "Authorization: Bearer ok")
	if res.Response.Status != 200 || res.Response.Header.Get("Content-Type") != "application/json" || string(res.Response.Body) != `{"message": "hi", "user": "ann"}` {
		t.Errorf("no statusCode: %d %v %s", res.Response.Status, res.Response.Header, res.Response.Body)
	}
	res = fire(t, e, "GET", "/full")
	if r := res.Response; r.Status != 202 || string(r.Body) != "accepted" || len(r.Header["Set-Cookie"]) != 2 || r.Header.Get("content-type") != "text/plain" {
		t.Errorf("full answer: %d %v %s", r.Status, r.Header, r.Body)
	}
	// A returned string is a JSON string to Lambda: its text is the body.
	if r := fire(t, e, "GET", "/text").Response; r.Status != 200 || string(r.Body) != "Hello" {
		t.Errorf("string answer: %d %s", r.Status, r.Body)
	}
	res = fire(t, e, "GET", "/raises")
	if r := res.Response; r.Status != 500 || string(r.Body) != `{"message":"Internal Server Error"}` || !strings.Contains(stageRules(res), "AWS-L9") {
		t.Errorf("function error: %d %s", r.Status, r.Body)
	}
	if r := fire(t, e, "GET", "/slow").Response; r.Status != 503 {
		t.Errorf("integration timeout: %d %s", r.Status, r.Body)
	}
}

// AWS-L7: a JWT authorizer's claims and scopes, in payload 2.0.
func TestAWSL7_JWTClaimsReachTheIntegration(t *testing.T) {
	t.Parallel()
	src := `version: 1
platform: aws-http
authorizers:
  jwt:
    type: jwt
    identitySource: header:Authorization
    issuer: https://issuer.example
    audience: [orders]
    secret: "0123456789abcdef0123456789abcdef"
routes:
  - path: /me
    authorizer: jwt
    backend: {function: {runtime: python, handler: DIR/integration.py:echo}}
`
	e := integrationEngine(t, src)
	tok := mintHS(t, map[string]any{"iss": "https://issuer.example", "aud": "orders", "sub": "ann", "scope": "read write"}, time.Hour)
	res := fire(t, e, "GET", "/me", "Authorization: Bearer "+tok)
	if res.Response.Status != 200 {
		t.Fatalf("%d %s\n%s", res.Response.Status, res.Response.Body, stageRules(res))
	}
	jwt := integrationEvent(t, res)["requestContext"].(map[string]any)["authorizer"].(map[string]any)["jwt"].(map[string]any)
	if jwt["claims"].(map[string]any)["sub"] != "ann" || len(jwt["scopes"].([]any)) != 2 {
		t.Errorf("jwt = %v", jwt)
	}
}
