package engine_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
)

// Mock answer tables for the token authorizer.
const (
	allowAliceExact = `
        - when: {token: Bearer alice}
          return:
            principalId: alice
            policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "${event.methodArn}"}]}
            context: {user: alice, tier: 3, admin: true, ratio: 1.5}
        - return: Unauthorized`
)

// awsGateway is an AWS REST gateway whose token authorizer answers from
// responses; ttl and regex are fixed unless the caller edits the text.
func awsGateway(responses string) string {
	return awsGatewayTTL(responses, "300s")
}

func awsGatewayTTL(responses, ttl string) string {
	return fmt.Sprintf(`version: 1
aws: {region: eu-west-1, account: "123456789012", apiId: api123, stage: prod}
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    validationRegex: '^Bearer [-0-9A-Za-z._~+/]+=*$'
    ttl: %s
    function:
      runtime: mock
      timeout: 200ms
      responses:%s
routes:
  - path: /orders/{id}
    authorizer: tok
    requestTransformations:
      setHeaders:
        - {name: X-User, values: ["${request.auth[principalId]}"]}
        - {name: X-Tier, values: ["context.authorizer.tier"]}
        - {name: X-Admin, values: ["${request.auth[admin]}"]}
    backend: {echo: true}
  - path: /users/{id}
    authorizer: tok
    backend: {echo: true}
  - path: /
    authorizer: tok
    backend: {echo: true}
`, ttl, responses)
}

// policyAnswer returns a mock row answering with one statement.
func policyAnswer(token, effect, resource, extra string) string {
	return fmt.Sprintf(`
        - when: {token: "%s"}
          return: {principalId: p1, policyDocument: {Version: "2012-10-17", Statement: [{Effect: %s, Action: "execute-api:Invoke", Resource: %s}]}%s}`,
		token, effect, resource, extra)
}

type want struct {
	status    int
	body      string // exact body
	errorType string // x-amzn-ErrorType; "" = must be absent
	outcome   string // called | cached | skipped
	rule      string // a rule id the trace must name
	calls     int    // total function calls so far
	cached    int    // live cache entries after the request
	upstream  bool   // the backend was reached
}

func check(t *testing.T, e *engine.Engine, res *engine.Result, w want) {
	t.Helper()
	r := res.Response
	if r.Status != w.status {
		t.Errorf("status %d, want %d (trace rules: %s)", r.Status, w.status, stageRules(res))
	}
	if w.body != "" && string(r.Body) != w.body {
		t.Errorf("body %s, want %s", r.Body, w.body)
	}
	if got := r.Header.Get("x-amzn-ErrorType"); got != w.errorType {
		t.Errorf("x-amzn-ErrorType %q, want %q", got, w.errorType)
	}
	if w.status >= 400 && r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("error Content-Type %q, want application/json", r.Header.Get("Content-Type"))
	}
	if r.Header.Get("x-amzn-RequestId") != res.Trace.RequestID {
		t.Errorf("x-amzn-RequestId %q, want the request id %q", r.Header.Get("x-amzn-RequestId"), res.Trace.RequestID)
	}
	if res.Outcome != w.outcome {
		t.Errorf("authorizer %s, want %s", res.Outcome, w.outcome)
	}
	if w.rule != "" && !strings.Contains(stageRules(res), w.rule) {
		t.Errorf("trace does not name %s (has: %s)", w.rule, stageRules(res))
	}
	if got := e.Calls()["tok"]; got != w.calls {
		t.Errorf("function called %d times, want %d", got, w.calls)
	}
	if got := len(e.CacheEntries("tok")); got != w.cached {
		t.Errorf("%d cache entries, want %d", got, w.cached)
	}
	reached := res.Trace.Stage("backend").Status == "ok"
	if reached != w.upstream {
		t.Errorf("backend reached = %v, want %v", reached, w.upstream)
	}
}

const (
	body401      = `{"message":"Unauthorized"}`
	body403      = `{"Message":"User is not authorized to access this resource"}`
	body403deny  = `{"Message":"User is not authorized to access this resource with an explicit deny"}`
	body500      = `{"message":null}`
	bodyNoRoute  = `{"message":"Missing Authentication Token"}`
	unauthorized = "UnauthorizedException"
	denied       = "AccessDeniedException"
	configErr    = "AuthorizerConfigurationException"
)

func TestAWSREST_Rules(t *testing.T) {
	t.Parallel()
	arnAll := `"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/*"`
	cases := []struct {
		name      string
		responses string
		header    []string
		target    string
		want      want
	}{
		{"AWS-I1 missing token header: 401, not called", allowAliceExact, nil, "/orders/1",
			want{401, body401, unauthorized, engine.Skipped, "AWS-I1", 0, 0, false}},
		{"AWS-I1 empty token header: 401, not called", allowAliceExact, []string{"Authorization: "}, "/orders/1",
			want{401, body401, unauthorized, engine.Skipped, "AWS-I1", 0, 0, false}},
		{"AWS-I2 token not matching validationRegex: 401, not called", allowAliceExact, []string{"Authorization: Basic abc"}, "/orders/1",
			want{401, body401, unauthorized, engine.Skipped, "AWS-I2", 0, 0, false}},
		{"AWS-C5 regex is a full match: a suffix does not sneak through", allowAliceExact, []string{"Authorization: Bearer abc def"}, "/orders/1",
			want{401, body401, unauthorized, engine.Skipped, "AWS-I2", 0, 0, false}},
		{"AWS-R1 exact Unauthorized error: 401", allowAliceExact, []string{"Authorization: Bearer mallory"}, "/orders/1",
			want{401, body401, unauthorized, engine.Called, "AWS-R1", 1, 0, false}},
		{"AWS-R1 Unauthorized with a suffix is not 401: 500", `
        - return: "Unauthorized: expired"`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R2 explicit Deny: 403 explicit message", policyAnswer("Bearer x", "Deny", arnAll, ""), []string{"Authorization: Bearer x"}, "/orders/1",
			want{403, body403deny, denied, engine.Called, "AWS-R2", 1, 1, false}},
		{"AWS-R3 resource not covered: 403", policyAnswer("Bearer x", "Allow", `"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/users/*"`, ""), []string{"Authorization: Bearer x"}, "/orders/1",
			want{403, body403, denied, engine.Called, "AWS-R3", 1, 1, false}},
		{"AWS-R4 function error: 500", `
        - error: {type: TypeError, message: "cannot read property"}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R4 timeout: 500", `
        - delay: 2s`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R4 garbage answer: 500", `
        - raw: "<html>oops</html>"`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R4 null answer: 500", `
        - raw: "null"`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R4 no policyDocument: 500", `
        - return: {principalId: x}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R4 statusCode/body proxy answer: 500", `
        - return: {statusCode: 200, body: "{}"}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R4 Allow without principalId: 500", `
        - return: {policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R4", 1, 0, false}},
		{"AWS-R5 object context value: 500", policyAnswer("Bearer x", "Allow", `"*"`, `, context: {roles: {a: 1}}`), []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R5", 1, 0, false}},
		{"AWS-R5 array context value: 500", policyAnswer("Bearer x", "Allow", `"*"`, `, context: {roles: [a, b]}`), []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R5", 1, 0, false}},
		{"AWS-R5 lower-case policy keys: 500", `
        - return: {principalId: x, policyDocument: {version: "2012-10-17", statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R5", 1, 0, false}},
		{"AWS-R5 Condition null: 500", `
        - return: {principalId: x, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*", Condition: null}]}}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{500, body500, configErr, engine.Called, "AWS-R5", 1, 0, false}},
		{"AWS-R6 context reaches the backend stringified", allowAliceExact, []string{"Authorization: Bearer alice"}, "/orders/1",
			want{200, "", "", engine.Called, "AWS-P1", 1, 1, true}},
		{"AWS-R7 no route: 403 Missing Authentication Token", allowAliceExact, nil, "/nowhere/at/all",
			want{403, bodyNoRoute, "MissingAuthenticationTokenException", engine.Skipped, "AWS-R7", 0, 0, false}},
		{"AWS-G12 no route with an Authorization header: read as a malformed signature", allowAliceExact, []string{"Authorization: Bearer alice"}, "/nowhere/at/all",
			want{403, `{"message":"Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): 'nXzORh5LLwkKPWhrSuctJeoY6TVz0ncrtS/1SOYmKqM='."}` /* base64(sha256("Bearer alice")): the token is not echoed */, "IncompleteSignatureException", engine.Skipped, "AWS-G12", 0, 0, false}},
		{"AWS-E2 root path methodArn ends in GET/", policyAnswer("Bearer x", "Allow", `"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/"`, ""), []string{"Authorization: Bearer x"}, "/",
			want{200, "", "", engine.Called, "AWS-P1", 1, 1, true}},
		{"AWS-P1 Action list with execute-api:*", `
        - return: {principalId: x, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["s3:GetObject", "execute-api:*"], Resource: ["arn:aws:s3:::b", "arn:aws:execute-api:*:*:*"]}]}}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{200, "", "", engine.Called, "AWS-P1", 1, 1, true}},
		{"AWS-P1 other actions do not count: implicit deny", `
        - return: {principalId: x, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:ManageConnections", Resource: "*"}]}}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{403, body403, denied, engine.Called, "AWS-R3", 1, 1, false}},
		{"AWS-P2 ? matches one character", policyAnswer("Bearer x", "Allow", `"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/orders/?"`, ""), []string{"Authorization: Bearer x"}, "/orders/1",
			want{200, "", "", engine.Called, "AWS-P1", 1, 1, true}},
		{"AWS-P2 matching is case-sensitive", policyAnswer("Bearer x", "Allow", `"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/get/orders/1"`, ""), []string{"Authorization: Bearer x"}, "/orders/1",
			want{403, body403, denied, engine.Called, "AWS-R3", 1, 1, false}},
		{"AWS-P3 Deny wins over Allow", `
        - return: {principalId: x, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}, {Effect: Deny, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:*/prod/GET/orders/*"}]}}`, []string{"Authorization: Bearer x"}, "/orders/1",
			want{403, body403deny, denied, engine.Called, "AWS-P3", 1, 1, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newTestEngine(t, awsGateway(c.responses))
			res := fire(t, e, "GET", c.target, c.header...)
			check(t, e, res, c.want)
		})
	}
}

func TestAWSREST_R6_ContextStringifiedToBackend(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGateway(allowAliceExact))
	res := fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice", "X-User: mallory")
	h := res.Upstream.Header
	if h.Get("X-User") != "alice" || h.Get("X-Tier") != "3" || h.Get("X-Admin") != "true" {
		t.Errorf("upstream headers %v: want X-User alice, X-Tier 3, X-Admin true", h)
	}
	// ALL-1: the client's forged X-User is reported as overwritten.
	st := res.Trace.Stage("request-transform")
	found := false
	for _, c := range st.Changes {
		if c.Name == "X-User" && c.Op == "overwritten" && len(c.Old) == 1 && c.Old[0] == "mallory" {
			found = true
		}
	}
	if !found || !strings.Contains(stageRules(res), "ALL-1") {
		t.Errorf("overwritten client X-User not in trace: %+v", st.Changes)
	}
}

func TestAWSREST_E1_TokenEventExact(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGateway(allowAliceExact))
	res := fire(t, e, "GET", "/orders/42?x=1", "Authorization: Bearer alice")
	d, _ := res.Trace.Stage("authorizer").Get("event")
	wantEvent := `{"type":"TOKEN","authorizationToken":"Bearer alice","methodArn":"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/orders/42"}`
	if string(d.JSON) != wantEvent {
		t.Errorf("event\n got %s\nwant %s", d.JSON, wantEvent)
	}
}

func TestAWSREST_E3_RequestEventShape(t *testing.T) {
	t.Parallel()
	src := `version: 1
aws: {region: eu-west-1, account: "123456789012", apiId: api123, stage: prod, stageVariables: {env: test}}
authorizers:
  req:
    type: aws-request
    identitySource: [header:Authorization, query:tenant]
    ttl: 0
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - {path: "/orders/{id}", authorizer: req, backend: {echo: true}}
`
	e, _ := newTestEngine(t, src)
	res := fire(t, e, "POST", "/orders/42?tenant=acme&tag=a&tag=b", "authorization: Bearer t", "X-Multi: 1", "X-Multi: 2", "User-Agent: curl/8")
	d, _ := res.Trace.Stage("authorizer").Get("event")
	var ev map[string]any
	if err := json.Unmarshal(d.JSON, &ev); err != nil {
		t.Fatal(err)
	}
	keys := []string{"type", "methodArn", "resource", "path", "httpMethod", "headers", "multiValueHeaders",
		"queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext"}
	for _, k := range keys {
		if _, ok := ev[k]; !ok {
			t.Errorf("event has no %q", k)
		}
	}
	if !strings.HasPrefix(string(d.JSON), `{"type":"REQUEST","methodArn":"arn:aws:execute-api:eu-west-1:123456789012:api123/prod/POST/orders/42","resource":"/orders/{id}","path":"/orders/42","httpMethod":"POST"`) {
		t.Errorf("event prefix wrong: %s", d.JSON)
	}
	hs := ev["headers"].(map[string]any)
	if hs["authorization"] != "Bearer t" {
		t.Errorf("headers keep the client's spelling: %v", hs)
	}
	if hs["X-Multi"] != "2" {
		t.Errorf("single-value headers hold the last value: %v", hs["X-Multi"])
	}
	mv := ev["multiValueHeaders"].(map[string]any)["X-Multi"].([]any)
	if len(mv) != 2 {
		t.Errorf("multiValueHeaders X-Multi = %v", mv)
	}
	if q := ev["multiValueQueryStringParameters"].(map[string]any)["tag"].([]any); len(q) != 2 {
		t.Errorf("multi-value query tag = %v", q)
	}
	if p := ev["pathParameters"].(map[string]any); p["id"] != "42" {
		t.Errorf("pathParameters = %v", p)
	}
	if sv := ev["stageVariables"].(map[string]any); sv["env"] != "test" {
		t.Errorf("stageVariables = %v", sv)
	}
	rc := ev["requestContext"].(map[string]any)
	for k, v := range map[string]any{"path": "/prod/orders/42", "accountId": "123456789012", "stage": "prod",
		"resourcePath": "/orders/{id}", "httpMethod": "POST", "apiId": "api123", "requestId": res.Trace.RequestID} {
		if rc[k] != v {
			t.Errorf("requestContext.%s = %v, want %v", k, rc[k], v)
		}
	}
	if id := rc["identity"].(map[string]any); id["sourceIp"] != "127.0.0.1" || id["userAgent"] != "curl/8" {
		t.Errorf("requestContext.identity = %v", id)
	}
	if rc["requestTimeEpoch"].(float64) != float64(fixedStart.UnixMilli()) {
		t.Errorf("requestTimeEpoch comes from the virtual clock: %v", rc["requestTimeEpoch"])
	}
}

func TestAWSREST_E3_EmptyMapsNotNull(t *testing.T) {
	t.Parallel()
	src := `version: 1
authorizers:
  req: {type: aws-request, ttl: 0, function: {runtime: mock, responses: [{return: Unauthorized}]}}
routes:
  - {path: /ping, authorizer: req, backend: {echo: true}}
`
	e, _ := newTestEngine(t, src)
	res := fire(t, e, "GET", "/ping")
	d, _ := res.Trace.Stage("authorizer").Get("event")
	if !strings.Contains(string(d.JSON), `"pathParameters":{}`) {
		t.Errorf("pathParameters must be {} when none: %s", d.JSON)
	}
}

func TestAWSREST_I3_RequestSourcesOnlyCheckedWhenCaching(t *testing.T) {
	t.Parallel()
	base := `version: 1
authorizers:
  req:
    type: aws-request
    identitySource: [header:X-Key, query:tenant]
    ttl: %s
    function: {runtime: mock, responses: [{return: {principalId: k, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}}]}
routes:
  - {path: /r, authorizer: req, backend: {echo: true}}
`
	cached, _ := newTestEngine(t, fmt.Sprintf(base, "60s"))
	res := fire(t, cached, "GET", "/r", "X-Key: k1") // tenant missing
	if res.Response.Status != 401 || res.Outcome != engine.Skipped || !strings.Contains(stageRules(res), "AWS-I3") {
		t.Errorf("caching on, source missing: %d %s, want 401 without calling", res.Response.Status, res.Outcome)
	}
	res = fire(t, cached, "GET", "/r?tenant=", "X-Key: k1") // present but empty
	if res.Response.Status != 401 {
		t.Errorf("caching on, empty source: %d, want 401", res.Response.Status)
	}
	uncached, _ := newTestEngine(t, fmt.Sprintf(base, "0"))
	res = fire(t, uncached, "GET", "/r")
	if res.Response.Status != 200 || res.Outcome != engine.Called {
		t.Errorf("caching off: %d %s, want the function called and 200", res.Response.Status, res.Outcome)
	}
}

func TestAWSREST_C1_C2_CacheKeyAndTTL(t *testing.T) {
	t.Parallel()
	e, clk := newTestEngine(t, awsGatewayTTL(`
        - return: {principalId: x, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}`, "300s"))
	tokA := "Authorization: Bearer a"
	check(t, e, fire(t, e, "GET", "/orders/1", tokA), want{200, "", "", engine.Called, "AWS-C2", 1, 1, true})
	// same token, another path and method: the key has neither (AWS-C2)
	check(t, e, fire(t, e, "PUT", "/users/9", tokA), want{200, "", "", engine.Cached, "AWS-C2", 1, 1, true})
	// another token is another key
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer b"), want{200, "", "", engine.Called, "AWS-C2", 2, 2, true})
	clk.Advance(299 * time.Second)
	check(t, e, fire(t, e, "GET", "/orders/1", tokA), want{200, "", "", engine.Cached, "AWS-C2", 2, 2, true})
	clk.Advance(1 * time.Second) // exactly 300 s: expired (AWS-C1 default TTL)
	res := fire(t, e, "GET", "/orders/1", tokA)
	check(t, e, res, want{200, "", "", engine.Called, "AWS-C2", 3, 1, true})
	if st := res.Trace.Stage("cache"); !strings.Contains(st.Summary, "expired") {
		t.Errorf("cache stage should say the entry expired: %q", st.Summary)
	}
}

func TestAWSREST_C1_TTLZeroDisablesCache(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGatewayTTL(allowAliceExact, "0"))
	for i := 1; i <= 3; i++ {
		res := fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice")
		check(t, e, res, want{200, "", "", engine.Called, "AWS-C1", i, 0, true})
	}
}

func TestAWSREST_C1_DefaultTTLIs300s(t *testing.T) {
	t.Parallel()
	src := strings.Replace(awsGateway(allowAliceExact), "    ttl: 300s\n", "", 1)
	e, clk := newTestEngine(t, src)
	fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice")
	clk.Advance(299 * time.Second)
	if res := fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice"); res.Outcome != engine.Cached {
		t.Errorf("at 299 s the default TTL still holds: %s", res.Outcome)
	}
}

func TestAWSREST_C3_CachedPolicyReusedOnAnotherRoute(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGateway(allowAliceExact))
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice"), want{200, "", "", engine.Called, "AWS-P1", 1, 1, true})
	res := fire(t, e, "GET", "/users/7", "Authorization: Bearer alice")
	check(t, e, res, want{403, body403, denied, engine.Cached, "AWS-C3", 1, 1, false})
	st := res.Trace.Stage("policy")
	wantMsg := "cached policy from arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/orders/1, evaluated against arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/users/7"
	if d, _ := st.Get("cachedPolicy"); !strings.Contains(d.Value, wantMsg) {
		t.Errorf("policy stage cachedPolicy\n got %q\nwant it to contain %q", d.Value, wantMsg)
	}
	// The stage line itself names both routes and carries the fix: it is
	// what --brief, the demo and the serve log show.
	wantLine := "the policy cached for GET /orders/1 does not allow GET /users/7 (implicit deny) — fix: return a wildcard Resource (…/prod/*) or set ttl: 0"
	if st.Summary != wantLine {
		t.Errorf("policy stage summary\n got %q\nwant %q", st.Summary, wantLine)
	}
	if d, _ := res.Trace.Stage("failure-response").Get("reason"); d.Value != wantLine {
		t.Errorf("failure reason %q, want the stage line", d.Value)
	}
}

func TestAWSREST_C4_DenyCachedFailuresNot(t *testing.T) {
	t.Parallel()
	deny := policyAnswer("Bearer d", "Deny", `"*"`, "")
	e, _ := newTestEngine(t, awsGateway(deny+`
        - when: {token: Bearer u}
          return: Unauthorized
        - when: {token: Bearer bad}
          return: {principalId: x}`))
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer d"), want{403, body403deny, denied, engine.Called, "AWS-R2", 1, 1, false})
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer d"), want{403, body403deny, denied, engine.Cached, "AWS-C3", 1, 1, false})
	// 401 (AWS-R1) is not cached: called again
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer u"), want{401, body401, unauthorized, engine.Called, "AWS-R1", 2, 1, false})
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer u"), want{401, body401, unauthorized, engine.Called, "AWS-R1", 3, 1, false})
	// malformed answers (AWS-R4) are not cached
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer bad"), want{500, body500, configErr, engine.Called, "AWS-R4", 4, 1, false})
	check(t, e, fire(t, e, "GET", "/orders/1", "Authorization: Bearer bad"), want{500, body500, configErr, engine.Called, "AWS-R4", 5, 1, false})
}

func TestAWSREST_C5_WholeHeaderIsTheToken(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGateway(allowAliceExact))
	res := fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice")
	d, _ := res.Trace.Stage("authorizer").Get("event")
	if !strings.Contains(string(d.JSON), `"authorizationToken":"Bearer alice"`) {
		t.Errorf("authorizationToken must keep the Bearer prefix: %s", d.JSON)
	}
}

func TestAWSREST_HTTPRuntimeAnswers(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		_ = json.NewDecoder(r.Body).Decode(&ev)
		switch ev["authorizationToken"] {
		case "Bearer ok":
			fmt.Fprintf(w, `{"principalId":"h","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":%q}]}}`, ev["methodArn"])
		case "Bearer unauth":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			fmt.Fprint(w, `{"errorMessage":"Unauthorized","errorType":"Error"}`)
		case "Bearer crash":
			http.Error(w, "boom", http.StatusBadGateway)
		case "Bearer slow":
			time.Sleep(500 * time.Millisecond)
		default:
			fmt.Fprint(w, "not json")
		}
	}))
	defer srv.Close()
	src := fmt.Sprintf(`version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: http, url: %s, timeout: 100ms}
routes:
  - {path: /x, authorizer: tok, backend: {echo: true}}
`, srv.URL)
	e, _ := newTestEngine(t, src)
	cases := []struct {
		token  string
		status int
		rule   string
	}{
		{"Bearer ok", 200, "AWS-P1"},
		{"Bearer unauth", 401, "AWS-R1"},
		{"Bearer crash", 500, "AWS-R4"},
		{"Bearer slow", 500, "AWS-R4"},
		{"Bearer garbage", 500, "AWS-R4"},
	}
	for _, c := range cases {
		res := fire(t, e, "GET", "/x", "Authorization: "+c.token)
		if res.Response.Status != c.status || !strings.Contains(stageRules(res), c.rule) {
			t.Errorf("%s: %d %s, want %d %s", c.token, res.Response.Status, stageRules(res), c.status, c.rule)
		}
	}
	res := fire(t, e, "GET", "/x", "Authorization: Bearer slow")
	if st := res.Trace.Stage("authorizer"); !strings.Contains(st.Summary, "timed out") {
		t.Errorf("the trace must say the function timed out: %q", st.Summary)
	}
}
