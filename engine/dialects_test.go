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
	"github.com/authlab/authlab/engine/jose"
)

// outcome is what one request through a dialect must produce.
type outcome struct {
	status  int
	body    string // substring of the body ("" = not checked)
	header  string // "Name: value" that must be on the response ("" = none)
	outcome string
	rule    string
}

func expect(t *testing.T, res *engine.Result, o outcome) {
	t.Helper()
	if res.Response.Status != o.status {
		t.Errorf("status %d, want %d (rules %s)\nbody %s", res.Response.Status, o.status, stageRules(res), res.Response.Body)
	}
	if o.body != "" && !strings.Contains(string(res.Response.Body), o.body) {
		t.Errorf("body %s does not contain %s", res.Response.Body, o.body)
	}
	if o.header != "" {
		name, val, _ := strings.Cut(o.header, ": ")
		if got := res.Response.Header.Get(name); got != val {
			t.Errorf("header %s = %q, want %q", name, got, val)
		}
	}
	if o.outcome != "" && res.Outcome != o.outcome {
		t.Errorf("authorizer %s, want %s", res.Outcome, o.outcome)
	}
	if o.rule != "" && !strings.Contains(stageRules(res), o.rule) {
		t.Errorf("trace does not name %s (has %s)", o.rule, stageRules(res))
	}
}

func eventOf(t *testing.T, res *engine.Result) map[string]any {
	t.Helper()
	d, ok := res.Trace.Stage("authorizer").Get("event")
	if !ok {
		t.Fatalf("no event in the trace")
	}
	var ev map[string]any
	if err := json.Unmarshal(d.JSON, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

const awsHTTPGateway = `version: 1
aws: {region: eu-west-1, account: "123456789012", apiId: h77p, stage: prod}
authorizers:
  simple:
    type: aws-http
    identitySource: [$request.header.Authorization, $request.querystring.tenant]
    simpleResponses: true
    ttl: 60s
    function:
      runtime: mock
      responses:
        - when: {headers.authorization: Bearer ok}
          return: {isAuthorized: true, context: {user: ann, roles: [a, b], n: 3}}
        - when: {headers.authorization: Bearer no}
          return: {isAuthorized: false}
        - when: {headers.authorization: Bearer str}
          return: {isAuthorized: "yes"}
        - return: Unauthorized
  iam:
    type: aws-http
    payloadFormat: "1.0"
    identitySource: $request.header.Authorization
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {token: Bearer ok}
          return: {principalId: p, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:h77p/prod/GET/items/*"}]}}
routes:
  - path: /things/{id}
    authorizer: simple
    requestTransformations:
      setHeaders: [{name: X-Roles, values: ["${request.auth[roles]}"]}]
    backend: {echo: true}
  - path: /items/{id}
    authorizer: iam
    backend: {echo: true}
`

func TestAWSHTTP_Rules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		method  string
		target  string
		headers []string
		want    outcome
	}{
		{"AWSH-I1 missing identity source: 401 without calling", "GET", "/things/1", []string{"Authorization: Bearer ok"},
			outcome{401, `{"message":"Unauthorized"}`, "", engine.Skipped, "AWSH-I1"}},
		{"AWSH-R1 isAuthorized true: allowed", "GET", "/things/1?tenant=t1", []string{"Authorization: Bearer ok"},
			outcome{200, "", "", engine.Called, "AWSH-R1"}},
		{"AWSH-R1 isAuthorized false: 403 Forbidden", "GET", "/things/1?tenant=t1", []string{"Authorization: Bearer no"},
			outcome{403, `{"message":"Forbidden"}`, "", engine.Called, "AWSH-R1"}},
		{"AWSH-R1 isAuthorized not a boolean: 500", "GET", "/things/1?tenant=t1", []string{"Authorization: Bearer str"},
			outcome{500, `{"message":"Internal Server Error"}`, "", engine.Called, "AWSH-R1"}},
		{"AWSH-R2 function error: 500", "GET", "/things/1?tenant=t1", []string{"Authorization: Bearer x"},
			outcome{500, `{"message":"Internal Server Error"}`, "", engine.Called, "AWSH-R2"}},
		{"AWSH-R1 IAM policy allows the route", "GET", "/items/9", []string{"Authorization: Bearer ok"},
			outcome{200, "", "", engine.Called, "AWS-P1"}},
		{"AWSH-R1 IAM policy does not cover the route: 403", "POST", "/items/9", []string{"Authorization: Bearer ok"},
			outcome{403, `{"message":"Forbidden"}`, "", engine.Called, "AWS-R3"}},
		{"no route on an HTTP API: 404", "GET", "/nope", nil,
			outcome{404, `{"message":"Not Found"}`, "", engine.Skipped, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newTestEngine(t, awsHTTPGateway)
			expect(t, fire(t, e, c.method, c.target, c.headers...), c.want)
		})
	}
}

func TestAWSHTTP_E1_Event20AndContext(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsHTTPGateway)
	res := fire(t, e, "GET", "/things/7?tenant=t1&tag=a&tag=b", "Authorization: Bearer ok", "Cookie: a=1; b=2", "X-Rep: 1", "X-Rep: 2")
	ev := eventOf(t, res)
	for k, v := range map[string]any{"version": "2.0", "type": "REQUEST", "routeKey": "ANY /things/{id}" /* the route's own key: it takes every method */, "rawPath": "/things/7",
		"rawQueryString": "tenant=t1&tag=a&tag=b" /* as sent: order and encoding kept */, "routeArn": "arn:aws:execute-api:eu-west-1:123456789012:h77p/prod/GET/things/7"} {
		if ev[k] != v {
			t.Errorf("%s = %v, want %v", k, ev[k], v)
		}
	}
	if ids := ev["identitySource"].([]any); len(ids) != 2 || ids[0] != "Bearer ok" || ids[1] != "t1" {
		t.Errorf("identitySource = %v", ids)
	}
	h := ev["headers"].(map[string]any)
	if h["x-rep"] != "1,2" || h["authorization"] != "Bearer ok" {
		t.Errorf("headers are lower-case and joined with commas: %v", h)
	}
	if c := ev["cookies"].([]any); len(c) != 2 {
		t.Errorf("cookies = %v", c)
	}
	if q := ev["queryStringParameters"].(map[string]any); q["tag"] != "a,b" {
		t.Errorf("queryStringParameters joins repeats: %v", q)
	}
	rc := ev["requestContext"].(map[string]any)
	if rc["http"].(map[string]any)["method"] != "GET" || rc["timeEpoch"].(float64) != float64(fixedStart.UnixMilli()) {
		t.Errorf("requestContext = %v", rc)
	}
	// AWSH-R3: an array in the context reaches the backend as JSON
	if got := res.Upstream.Header.Get("X-Roles"); got != `["a","b"]` {
		t.Errorf("X-Roles = %q", got)
	}
	// AWSH-C1: cached by identity values, shared by routes
	res = fire(t, e, "GET", "/things/8?tenant=t1", "Authorization: Bearer ok")
	expect(t, res, outcome{200, "", "", engine.Cached, "AWSH-C1"})
}

func TestAWSHTTP_E2_Event10(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsHTTPGateway)
	ev := eventOf(t, fire(t, e, "GET", "/items/1", "Authorization: Bearer ok"))
	if ev["version"] != "1.0" || ev["identitySource"] != "Bearer ok" || ev["authorizationToken"] != "Bearer ok" || ev["type"] != "REQUEST" {
		t.Errorf("1.0 event: %v", ev)
	}
}

const ociGateway = `version: 1
authorizers:
  multi:
    type: oci
    arguments:
      xapikey: request.headers[X-Api-Key]
      referer: request.headers[Referer]
      state: request.query[state]
      host: request.host
      body: request.body
    cacheKey: [xapikey, referer, state, host]
    isAnonymousAccessAllowed: true
    validationFailurePolicy:
      type: MODIFY_RESPONSE
      responseCode: ${request.auth[responseCode]}
      responseMessage: "Unfortunately, authentication failed (${request.auth[reason]})."
      responseHeaderTransformations:
        setHeaders: [{name: Location, values: ["${request.auth[location]}"]}]
    function:
      runtime: mock
      responses:
        - when: {data.xapikey: good}
          return: {active: true, principal: svc, scope: ["read:orders", "write:orders"], clientId: c1, expiresAt: "2026-01-01T00:10:00Z", context: {tenant: acme}}
        - when: {data.xapikey: old}
          return: {active: true, principal: svc, scope: "read:orders"}
        - when: {data.xapikey: redirect}
          return: {active: false, context: {responseCode: "302", location: "https://login.example/", reason: redirect}}
        - when: {data.xapikey: broken}
          return: {principal: x}
        - return: {active: false, wwwAuthenticate: 'Bearer realm="orders"'}
  single:
    type: oci
    token: request.headers[Authorization]
    function:
      runtime: mock
      responses:
        - when: {token: Bearer ok}
          return: {active: true, principal: ann, scope: read}
        - return: {active: false, wwwAuthenticate: Bearer}
routes:
  - path: /orders
    authorizer: multi
    authorization: {type: ANY_OF, allowedScope: ["write:orders", "admin"]}
    requestTransformations:
      setHeaders: [{name: X-Tenant, values: ["${request.auth[tenant]}"]}]
    backend: {echo: true}
  - path: /public
    authorizer: multi
    authorization: {type: ANONYMOUS}
    backend: {echo: true}
  - path: /me
    authorizer: single
    backend: {echo: true}
`

func TestOCI_Rules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		method  string
		target  string
		headers []string
		want    outcome
	}{
		{"OCI-R1 active with an allowed scope (ANY_OF)", "GET", "/orders?state=s", []string{"X-Api-Key: good"},
			outcome{200, "", "", engine.Called, "OCI-R1"}},
		{"OCI-A1 ANY_OF without a granted scope: 403", "GET", "/orders?state=s", []string{"X-Api-Key: old"},
			outcome{403, `{"code":403,"message":"Forbidden"}`, "", engine.Called, "OCI-A1"}},
		{"OCI-R2 active false: 401 with WWW-Authenticate", "GET", "/orders", []string{"X-Api-Key: bad"},
			outcome{401, "", `WWW-Authenticate: Bearer realm="orders"`, engine.Called, "OCI-V1"}},
		{"OCI-V1 validation failure policy: code and headers from the answer's context", "GET", "/orders", []string{"X-Api-Key: redirect"},
			outcome{302, "Unfortunately, authentication failed (redirect).", "Location: https://login.example/", engine.Called, "OCI-V1"}},
		{"OCI-R3 invalid answer: 502", "GET", "/orders", []string{"X-Api-Key: broken"},
			outcome{502, `"code":502`, "", engine.Called, "OCI-R3"}},
		{"OCI-A2 anonymous request on an ANONYMOUS route: through, not called", "GET", "/public", nil,
			outcome{200, "", "", engine.Skipped, "OCI-A2"}},
		{"OCI-A2 anonymous request on an ANY_OF route: 401", "GET", "/orders", nil,
			outcome{401, `"code":401`, "", engine.Skipped, "OCI-E2"}},
		{"OCI-E1 single-argument token: allowed", "GET", "/me", []string{"Authorization: Bearer ok"},
			outcome{200, "", "", engine.Called, "OCI-E1"}},
		{"OCI-E1 single-argument without token: 401", "GET", "/me", nil,
			outcome{401, "", "", engine.Skipped, "OCI-E1"}},
		{"OCI no route: 404", "GET", "/nope", nil,
			outcome{404, `{"code":404,"message":"Not Found"}`, "", engine.Skipped, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newTestEngine(t, ociGateway)
			expect(t, fire(t, e, c.method, c.target, c.headers...), c.want)
		})
	}
}

func TestOCI_E2_EventAndCache(t *testing.T) {
	t.Parallel()
	e, clk := newTestEngine(t, ociGateway)
	res := fire(t, e, "GET", "/orders?state=a&state=b", "X-Api-Key: good", "Host: api.example")
	ev := eventOf(t, res)
	data := ev["data"].(map[string]any)
	if ev["type"] != "USER_DEFINED" || data["xapikey"] != "good" || data["host"] != "api.example" {
		t.Errorf("event %v", ev)
	}
	if st, ok := data["state"].([]any); !ok || len(st) != 2 {
		t.Errorf("a repeated query parameter is an array: %v", data["state"])
	}
	if _, ok := data["referer"]; ok {
		t.Errorf("an absent argument is omitted: %v", data)
	}
	if got := res.Upstream.Header.Get("X-Tenant"); got != "acme" {
		t.Errorf("OCI-T1 request.auth in transformations: X-Tenant = %q", got)
	}
	// OCI-C1: same key → cached; the body is not part of the key
	req, _ := engine.NewRequest("GET", "/orders?state=a&state=b", []string{"X-Api-Key: good", "Host: api.example"}, []byte("other body"))
	expect(t, e.Do(t.Context(), req), outcome{200, "", "", engine.Cached, "OCI-C1"})
	// OCI-C2: the entry lives until expiresAt (10 minutes after the clock start)
	clk.Advance(10*time.Minute + time.Second)
	expect(t, fire(t, e, "GET", "/orders?state=a&state=b", "X-Api-Key: good", "Host: api.example"), outcome{200, "", "", engine.Called, ""})
}

func TestHuawei_Rules(t *testing.T) {
	t.Parallel()
	src := `version: 1
authorizers:
  front:
    type: huawei
    identitySource: [header:Authorization]
    userData: tenant=acme
    ttl: 60s
    function:
      runtime: mock
      responses:
        - when: {headers.authorization: allow}
          return: {statusCode: 200, body: '{"status":"allow","context":{"user":"alice","level":3,"admin":true}}'}
        - when: {headers.authorization: deny}
          return: {statusCode: 200, body: '{"status":"deny","context":{"code":"401","message":"no"}}'}
        - when: {headers.authorization: weird}
          return: {statusCode: 200, body: '{"status":"maybe"}'}
        - when: {headers.authorization: badkey}
          return: {statusCode: 200, body: '{"status":"allow","context":{"1bad":"x"}}'}
        - when: {headers.authorization: nested}
          return: {statusCode: 200, body: '{"status":"allow","context":{"roles":["a"]}}'}
        - when: {headers.authorization: notjson}
          return: {statusCode: 200, body: 'allow'}
        - when: {headers.authorization: asstring}
          raw: '"{\"statusCode\": 200, \"body\": \"{\\\"status\\\": \\\"allow\\\"}\"}"'
        - return: Boom
  back:
    type: huawei
    stage: backend
    identitySource: [header:Authorization]
    ttl: 0
    function:
      runtime: mock
      responses:
        - return: {statusCode: 200, body: '{"status":"allow","context":{"backendToken":"b-123"}}'}
routes:
  - path: /api
    authorizer: front
    backendAuthorizer: back
    requestTransformations:
      setHeaders:
        - {name: X-User, values: ["${request.auth[user]}"]}
        - {name: X-Backend-Token, values: ["context.authorizer.backend.backendToken"]}
    backend: {echo: true}
`
	cases := []struct {
		name  string
		token string
		want  outcome
	}{
		{"HW-R1 allow: through, context mapped to headers (HW-B1)", "allow", outcome{200, "", "", engine.Called, "HW-R1"}},
		{"HW-R3 deny: 500 AUTHORIZER_FAILURE", "deny", outcome{500, `"error_code":"APIG.0125"`, "", engine.Called, "HW-R3"}},
		{"HW-R1 status other than allow/deny: 500 conf failure", "weird", outcome{500, `"error_code":"APIG.0126"`, "", engine.Called, "HW-R1"}},
		{"HW-R2 bad context key: 500", "badkey", outcome{500, "APIG.0126", "", engine.Called, "HW-R2"}},
		{"HW-R2 nested context value: 500", "nested", outcome{500, "APIG.0126", "", engine.Called, "HW-R2"}},
		{"HW-R2 body not JSON: 500", "notjson", outcome{500, "APIG.0126", "", engine.Called, "HW-R2"}},
		{"HW-R1 the answer as a JSON string is accepted", "asstring", outcome{200, "", "", engine.Called, "HW-R1"}},
		{"HW-R3 function error: 500", "boom", outcome{500, "APIG.0126", "", engine.Called, "HW-R3"}},
		{"HW-I1 identity missing: 401", "", outcome{401, "APIG.0121", "", engine.Skipped, "HW-I1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newTestEngine(t, src)
			var h []string
			if c.token != "" {
				h = []string{"Authorization: " + c.token}
			}
			res := fire(t, e, "GET", "/api", h...)
			expect(t, res, c.want)
			if c.token == "allow" {
				if res.Upstream.Header.Get("X-User") != "alice" || res.Upstream.Header.Get("X-Backend-Token") != "b-123" {
					t.Errorf("upstream headers %v", res.Upstream.Header)
				}
				ev := eventOf(t, res)
				if ev["user_data"] != "tenant=acme" || ev["headers"].(map[string]any)["authorization"] != "allow" {
					t.Errorf("HW-E1 event %v", ev)
				}
				if !strings.Contains(string(res.Response.Body), "") || res.Response.Header.Get("X-Request-Id") == "" {
					t.Errorf("huawei responses carry X-Request-Id")
				}
			}
		})
	}
}

func jwtGateway(_ testing.TB, extra string) string {
	return fmt.Sprintf(`version: 1
authorizers:
  jwt:
    type: jwt
    issuer: https://issuer.example
    audience: [orders]
    secret: "0123456789abcdef0123456789abcdef"
    leeway: 30s%s
routes:
  - path: /orders
    authorizer: jwt
    authorization: {type: ANY_OF, allowedScope: [read:orders]}
    requestTransformations:
      setHeaders: [{name: X-Sub, values: ["${request.auth[sub]}"]}]
    backend: {echo: true}
`, extra)
}

func mintHS(t testing.TB, claims map[string]any, exp time.Duration) string {
	t.Helper()
	tok, err := jose.Mint(jose.MintOptions{Alg: "HS256", Key: jose.NewSecretKey([]byte("0123456789abcdef0123456789abcdef"), "test"),
		Claims: claims, Now: fixedStart, ExpiresIn: exp, NoJTI: true})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestJWT_Rules(t *testing.T) {
	t.Parallel()
	good := map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders write:orders"}
	e, clk := newTestEngine(t, jwtGateway(t, ""))
	res := fire(t, e, "GET", "/orders", "Authorization: Bearer "+mintHS(t, good, 5*time.Minute))
	expect(t, res, outcome{200, "", "", engine.Called, "JWT-1"})
	if res.Upstream.Header.Get("X-Sub") != "ann" || res.Principal != "ann" {
		t.Errorf("claims reach transformations: %v", res.Upstream.Header)
	}
	noScope := map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "orders", "scope": "other"}
	expect(t, fire(t, e, "GET", "/orders", "Authorization: Bearer "+mintHS(t, noScope, time.Hour)), outcome{403, `{"message":"Forbidden"}`, "", engine.Called, "JWT-2"})
	wrongAud := map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "billing"}
	res = fire(t, e, "GET", "/orders", "Authorization: Bearer "+mintHS(t, wrongAud, time.Hour))
	expect(t, res, outcome{401, `{"message":"Unauthorized"}`, "", engine.Called, "JWT-2"})
	if !strings.Contains(res.Response.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("WWW-Authenticate = %q", res.Response.Header.Get("WWW-Authenticate"))
	}
	expect(t, fire(t, e, "GET", "/orders"), outcome{401, "", "WWW-Authenticate: Bearer", engine.Skipped, ""})
	// JWT-2 on the virtual clock: valid at 5m, expired past 5m + leeway
	tok := mintHS(t, good, 5*time.Minute)
	clk.Advance(5*time.Minute + 20*time.Second)
	expect(t, fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok), outcome{200, "", "", engine.Called, ""})
	clk.Advance(20 * time.Second)
	res = fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok)
	expect(t, res, outcome{401, "", "", engine.Called, "JWT-2"})
	if !strings.Contains(res.Trace.Stage("response-check").Summary, "expired") {
		t.Errorf("the trace names the reason: %q", res.Trace.Stage("response-check").Summary)
	}
}

func TestJWT_NoneNeverAccepted(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, jwtGateway(t, ""))
	tok, err := jose.Mint(jose.MintOptions{Alg: "none", AllowNone: true, Claims: map[string]any{"sub": "x", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders"}, Now: fixedStart})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok), outcome{401, "", "", engine.Called, "JWT-1"})
}

func TestForward_Rules(t *testing.T) {
	t.Parallel()
	var seen http.Header
	var chunked bool
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		chunked = len(r.TransferEncoding) > 0
		switch r.Header.Get("Authorization") {
		case "ok":
			w.Header().Set("X-User", "ann")
			w.WriteHeader(204)
		case "login":
			w.Header().Set("Location", "https://login.example/")
			w.WriteHeader(302)
		case "401":
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(401)
		case "403":
			w.WriteHeader(403)
		default:
			w.WriteHeader(418)
		}
	}))
	defer auth.Close()
	gw := func(mode string) string {
		return fmt.Sprintf(`version: 1
platform: generic
authorizers:
  fwd: {type: forward, mode: %s, url: %s, authResponseHeaders: [X-User]}
routes:
  - {path: /app, authorizer: fwd, backend: {echo: true}}
`, mode, auth.URL)
	}
	nginx, _ := newTestEngine(t, gw("nginx"))
	res := fire(t, nginx, "POST", "/app?x=1", "Authorization: ok", "X-User: mallory")
	expect(t, res, outcome{200, "", "", engine.Called, "FWD-1"})
	if seen.Get("X-Original-Uri") != "/app?x=1" || seen.Get("X-Original-Method") != "POST" {
		t.Errorf("FWD-1 subrequest headers %v", seen)
	}
	if chunked || seen.Get("User-Agent") != "" {
		t.Errorf("the subrequest carries no body and only the client's headers: chunked %v, User-Agent %q", chunked, seen.Get("User-Agent"))
	}
	if got := res.Upstream.Header.Values("X-User"); len(got) != 1 || got[0] != "ann" {
		t.Errorf("FWD-3 forged X-User replaced: %v", got)
	}
	expect(t, fire(t, nginx, "GET", "/app", "Authorization: 401"), outcome{401, "401 Authorization Required", `WWW-Authenticate: Basic realm="x"`, engine.Called, "FWD-1"})
	expect(t, fire(t, nginx, "GET", "/app", "Authorization: 403"), outcome{403, "403 Forbidden", "", engine.Called, "FWD-1"})
	expect(t, fire(t, nginx, "GET", "/app", "Authorization: login"), outcome{500, "500 Internal Server Error", "", engine.Called, "FWD-1"})
	expect(t, fire(t, nginx, "GET", "/app", "Authorization: teapot"), outcome{500, "", "", engine.Called, "FWD-1"})

	traefik, _ := newTestEngine(t, gw("traefik"))
	expect(t, fire(t, traefik, "GET", "/app", "Authorization: login"), outcome{302, "", "Location: https://login.example/", engine.Called, "FWD-2"})
	if seen.Get("X-Forwarded-Uri") != "/app" || seen.Get("X-Forwarded-Method") != "GET" {
		t.Errorf("FWD-2 subrequest headers %v", seen)
	}
	expect(t, fire(t, traefik, "GET", "/app", "Authorization: teapot"), outcome{418, "", "", engine.Called, "FWD-2"})
	auth.Close()
	expect(t, fire(t, traefik, "GET", "/app", "Authorization: ok"), outcome{500, "", "", engine.Called, "FWD-2"})
}

func TestHuawei_R4_CustomisedGatewayResponses(t *testing.T) {
	t.Parallel()
	src := `version: 1
huawei:
  gatewayResponses:
    AUTHORIZER_FAILURE:
      status: 403
      body: '{"code":"$context.authorizer.frontend.code","message":"$context.error.message"}'
      headers: {X-Reason: denied}
authorizers:
  front:
    type: huawei
    identitySource: [header:Authorization]
    ttl: 0
    function:
      runtime: mock
      responses:
        - return: {statusCode: 200, body: '{"status":"deny","context":{"code":"1001","message":"go away"}}'}
routes:
  - {path: /api, authorizer: front, backend: {echo: true}}
`
	e, _ := newTestEngine(t, src)
	res := fire(t, e, "GET", "/api", "Authorization: x")
	expect(t, res, outcome{403, `{"code":"1001","message":"go away"}`, "X-Reason: denied", engine.Called, "HW-R4"})
}
