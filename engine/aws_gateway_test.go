package engine_test

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
)

// restGR is a REST API with a Lambda TOKEN authorizer and the gateway
// responses of the test spliced in under aws:.
func restGR(responses string) string {
	return `version: 1
aws:
  stageVariables: {realm: shop}
  gatewayResponses:
` + responses + `
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    validationRegex: '^Bearer [a-z]+$'
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {token: Bearer ok}
          return: {principalId: alice, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}
        - when: {token: Bearer deny}
          return: {principalId: bob, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "execute-api:Invoke", Resource: "*"}]}, context: {reason: suspended, code: 42}}
        - when: {token: Bearer nomatch}
          return: {principalId: carol, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:*/prod/GET/other"}]}}
        - when: {token: Bearer broken}
          return: {principalId: x}
        - return: Unauthorized
routes:
  - path: /pets/{petId}
    methods: [GET]
    authorizer: tok
    backend: {echo: true}
`
}

type grWant struct {
	status    int
	body      string
	errorType string
	headers   map[string]string // "" value: must be absent
	rule      string
}

func checkGR(t *testing.T, res *engine.Result, w grWant) {
	t.Helper()
	r := res.Response
	if r.Status != w.status {
		t.Errorf("status %d, want %d (rules %s)", r.Status, w.status, stageRules(res))
	}
	if w.body != "" && string(r.Body) != w.body {
		t.Errorf("body %s, want %s", r.Body, w.body)
	}
	if got := r.Header.Get("x-amzn-ErrorType"); w.errorType != "" && got != w.errorType {
		t.Errorf("x-amzn-ErrorType %q, want %q", got, w.errorType)
	}
	for k, v := range w.headers {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if w.rule != "" && !strings.Contains(stageRules(res), w.rule) {
		t.Errorf("trace does not name %s (has %s)", w.rule, stageRules(res))
	}
}

// AWS-G1, AWS-G2, AWS-G14: uncustomised answers keep their built-in
// status, ErrorType and body, and the trace names the type.
func TestAWSG14_EveryRefusalHasItsType(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, strings.Replace(restGR(""), "  gatewayResponses:\n", "", 1))
	cases := []struct {
		headers []string
		path    string
		typ     string
		want    grWant
	}{
		{nil, "/pets/1", "UNAUTHORIZED", grWant{401, `{"message":"Unauthorized"}`, "UnauthorizedException", nil, "AWS-I1"}},
		{[]string{"Authorization: Token x"}, "/pets/1", "UNAUTHORIZED", grWant{401, `{"message":"Unauthorized"}`, "UnauthorizedException", nil, "AWS-I2"}},
		{[]string{"Authorization: Bearer bad"}, "/pets/1", "UNAUTHORIZED", grWant{401, `{"message":"Unauthorized"}`, "UnauthorizedException", nil, "AWS-R1"}},
		{[]string{"Authorization: Bearer deny"}, "/pets/1", "ACCESS_DENIED", grWant{403, `{"Message":"User is not authorized to access this resource with an explicit deny"}`, "AccessDeniedException", nil, "AWS-R2"}},
		{[]string{"Authorization: Bearer nomatch"}, "/pets/1", "ACCESS_DENIED", grWant{403, `{"Message":"User is not authorized to access this resource"}`, "AccessDeniedException", nil, "AWS-R3"}},
		{[]string{"Authorization: Bearer broken"}, "/pets/1", "AUTHORIZER_CONFIGURATION_ERROR", grWant{500, `{"message":null}`, "AuthorizerConfigurationException", nil, "AWS-R4"}},
		{nil, "/nowhere", "MISSING_AUTHENTICATION_TOKEN", grWant{403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException", nil, "AWS-R7"}},
	}
	for _, c := range cases {
		res := fire(t, e, "GET", c.path, c.headers...)
		checkGR(t, res, c.want)
		st := res.Trace.Stage("failure-response")
		if d, _ := st.Get("gatewayResponse"); d.Value != c.typ+", not customised: the built-in default" || !strings.Contains(strings.Join(st.Rules, " "), "AWS-G14") {
			t.Errorf("%s: gatewayResponse %q, rules %v", c.want.rule, d.Value, st.Rules)
		}
	}
}

// AWS-G7, AWS-G8: the usual browser recipe — UNAUTHORIZED with CORS and
// Basic, ACCESS_DENIED with CORS.
func TestAWSG7_G8_UnauthorizedAndAccessDeniedWithCORSAndBasic(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, restGR(`    UNAUTHORIZED:
      headers:
        Access-Control-Allow-Origin: "'https://app.example.com'"
        WWW-Authenticate: "'Basic'"
    ACCESS_DENIED:
      responseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'https://app.example.com'"`))
	res := fire(t, e, "GET", "/pets/1", "Authorization: Bearer bad", "Origin: https://app.example.com")
	checkGR(t, res, grWant{401, `{"message":"Unauthorized"}`, "UnauthorizedException",
		map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "WWW-Authenticate": "Basic"}, "AWS-G8"})
	res = fire(t, e, "GET", "/pets/1", "Authorization: Bearer deny", "Origin: https://app.example.com")
	// Customised without a template: the default template, lower-case
	// message (AWS-G2).
	checkGR(t, res, grWant{403, `{"message":"User is not authorized to access this resource with an explicit deny"}`, "AccessDeniedException",
		map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}, "AWS-G4"})
	if strings.Contains(stageRules(res), "AWS-G13") {
		t.Errorf("the answer has Access-Control-Allow-Origin: no AWS-G13 note")
	}
}

// AWS-G4: a type's own customisation wins, nothing merged; else its
// family's, with the family's status if set, else the type's own.
func TestAWSG4_Inheritance(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, restGR(`    DEFAULT_4XX:
      headers: {X-Family: "'4xx'"}
    ACCESS_DENIED:
      statusCode: "404"
      headers: {X-Own: "'denied'"}
    DEFAULT_5XX:
      statusCode: 503
      templates: {application/json: '{"oops":$context.error.messageString}'}`))
	res := fire(t, e, "GET", "/pets/1", "Authorization: Bearer bad")
	checkGR(t, res, grWant{401, `{"message":"Unauthorized"}`, "UnauthorizedException", map[string]string{"X-Family": "4xx"}, "AWS-G4"})
	if d, _ := res.Trace.Stage("failure-response").Get("gatewayResponse"); !strings.Contains(d.Value, "inherits aws.gatewayResponses.DEFAULT_4XX") {
		t.Errorf("trace: %q", d.Value)
	}
	// AWS-G3, AWS-G5: ACCESS_DENIED moved to 404, ErrorType kept, nothing from DEFAULT_4XX.
	res = fire(t, e, "GET", "/pets/1", "Authorization: Bearer deny")
	checkGR(t, res, grWant{404, "", "AccessDeniedException", map[string]string{"X-Own": "denied", "X-Family": ""}, "AWS-G5"})
	res = fire(t, e, "GET", "/pets/1", "Authorization: Bearer broken")
	checkGR(t, res, grWant{503, `{"oops":null}`, "AuthorizerConfigurationException", nil, "AWS-G4"})
}

// AWS-G7, AWS-G9, AWS-G10: header sources and template variables, the
// Deny policy's context among them; a source with no value leaves the
// header out; templates are copied byte for byte around the variables.
func TestAWSG9_TemplatesAndSources(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, restGR(`    ACCESS_DENIED:
      headers:
        X-Reason: context.authorizer.reason
        X-Pet: method.request.path.petId
        X-Q: method.request.querystring.q
        X-Client: method.request.header.X-Client
        X-Realm: stageVariables.realm
        X-Missing: method.request.header.X-Absent
        x-amzn-ErrorType: "'Nope'"
      templates:
        application/json: '{"type":$context.error.responseType,"msg":"$context.error.message","why":"$context.authorizer.reason","code":$context.authorizer.code,"who":"$context.authorizer.principalId","stage":"$context.stage","realm":"$stageVariables.realm","nothing":"$context.authorizer.none"}'
        text/plain: 'denied: $context.error.message'`))
	res := fire(t, e, "GET", "/pets/7?q=s", "Authorization: Bearer deny", "X-Client: c1")
	checkGR(t, res, grWant{403,
		`{"type":ACCESS_DENIED,"msg":"User is not authorized to access this resource with an explicit deny","why":"suspended","code":42,"who":"bob","stage":"prod","realm":"shop","nothing":""}`,
		"AccessDeniedException",
		map[string]string{"X-Reason": "suspended", "X-Pet": "7", "X-Q": "s", "X-Client": "c1", "X-Realm": "shop", "X-Missing": "", "Content-Type": "application/json"}, "AWS-G9"})
	if res.Principal != "bob" {
		t.Errorf("the principal of a Deny answer is kept: %q", res.Principal)
	}
	// The template for the request's Accept.
	res = fire(t, e, "GET", "/pets/7", "Authorization: Bearer deny", "Accept: text/plain, */*")
	checkGR(t, res, grWant{403, "denied: User is not authorized to access this resource with an explicit deny", "", map[string]string{"Content-Type": "text/plain"}, "AWS-G9"})
}

// AWS-G12: an unrouted request with an Authorization header is read as a
// malformed signature; customising MISSING_AUTHENTICATION_TOKEN changes it.
func TestAWSG12_UnroutedWithAuthorization(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, restGR(`    MISSING_AUTHENTICATION_TOKEN:
      statusCode: 404
      templates: {application/json: '{"error":"$context.error.responseType"}'}`))
	res := fire(t, e, "GET", "/nowhere", "Authorization: a=b")
	checkGR(t, res, grWant{404, `{"error":"MISSING_AUTHENTICATION_TOKEN"}`, "IncompleteSignatureException", nil, "AWS-G12"})
	e, _ = newTestEngine(t, strings.Replace(restGR(""), "  gatewayResponses:\n", "", 1))
	res = fire(t, e, "GET", "/nowhere", "Authorization: Basic a=b")
	if !strings.HasPrefix(string(res.Response.Body), `{"message":"Authorization header requires 'Credential' parameter.`) {
		t.Errorf("body %s", res.Response.Body)
	}
}

// AWS-G13: a REST API adds no CORS headers itself; the trace flags a
// refusal a browser cannot read.
func TestAWSG13_RefusalWithoutAllowOriginIsFlagged(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, strings.Replace(restGR(""), "  gatewayResponses:\n", "  cors: {allowOrigins: [https://app.example.com]}\n", 1))
	res := fire(t, e, "GET", "/pets/1", "Origin: https://app.example.com")
	checkGR(t, res, grWant{401, "", "", map[string]string{"Access-Control-Allow-Origin": ""}, "AWS-G13"})
	// SAM's Cors: the preflight is an OPTIONS mock, no authorizer.
	res = fire(t, e, "OPTIONS", "/pets/1", "Origin: https://app.example.com", "Access-Control-Request-Method: GET")
	checkGR(t, res, grWant{200, "{}\n", "", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com",
		"Access-Control-Allow-Methods": "GET,OPTIONS", "Content-Type": "application/json"}, ""})
	if res.Outcome != engine.Skipped || e.Calls()["tok"] != 0 {
		t.Errorf("the OPTIONS mock has no authorizer: %s, %d calls", res.Outcome, e.Calls()["tok"])
	}
}

// AWS-E4: a methodArn over 1600 bytes on a method with authorization: 414,
// authorizer not called.
func TestAWSE4_LongMethodArn(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, strings.Replace(restGR(""), "  gatewayResponses:\n", "", 1))
	long := "/pets/" + strings.Repeat("x", 1600)
	res := fire(t, e, "GET", long, "Authorization: Bearer ok")
	checkGR(t, res, grWant{414, `{"message":"Request-URI Too Long"}`, "", nil, "AWS-E4"})
	if e.Calls()["tok"] != 0 || res.Outcome != engine.Skipped {
		t.Errorf("the authorizer was called: %d", e.Calls()["tok"])
	}
	// Just under the limit the request is authorized as usual.
	arnPrefix := len("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets/")
	ok := "/pets/" + strings.Repeat("y", 1600-arnPrefix)
	if res := fire(t, e, "GET", ok, "Authorization: Bearer ok"); res.Response.Status != 200 {
		t.Errorf("a 1600-byte methodArn is allowed: %d", res.Response.Status)
	}
}

const httpCORS = `version: 1
platform: aws-http
aws:
  cors: {allowOrigins: ["https://*"], allowMethods: [GET, POST], allowHeaders: [authorization], exposeHeaders: [x-request-id], maxAge: 300}
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
          return: {isAuthorized: true}
        - return: {isAuthorized: false}
routes:
  - path: /orders/{id}
    methods: [GET, POST]
    authorizer: lam
    backend: {stock: {status: 200, body: ok, headers: {Access-Control-Allow-Origin: "*", Access-Control-Max-Age: "1"}}}
  - path: /any
    authorizer: lam
    backend: {echo: true}
`

// AWSH-CORS3, AWSH-CORS4: the gateway answers a preflight no route takes,
// without the authorizer.
func TestAWSHCORS3_PreflightAnsweredByTheGateway(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, httpCORS)
	res := fire(t, e, "OPTIONS", "/orders/1", "Origin: https://app.example.com", "Access-Control-Request-Method: POST")
	checkGR(t, res, grWant{204, "", "", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com",
		"Access-Control-Allow-Methods": "GET,POST", "Access-Control-Allow-Headers": "authorization", "Access-Control-Max-Age": "300"}, "AWSH-CORS3"})
	if e.Calls()["lam"] != 0 || res.Outcome != engine.Skipped || len(res.Response.Body) != 0 {
		t.Errorf("authorizer called %d times", e.Calls()["lam"])
	}
	if st := res.Trace.Stage("route"); st.Status != "ok" || !strings.Contains(st.Summary, "preflight answered by the gateway") {
		t.Errorf("route stage: %s %q", st.Status, st.Summary)
	}
	// An origin that is not allowed: 204 without CORS headers.
	res = fire(t, e, "OPTIONS", "/orders/1", "Origin: http://evil.example", "Access-Control-Request-Method: POST")
	checkGR(t, res, grWant{204, "", "", map[string]string{"Access-Control-Allow-Origin": ""}, "AWSH-CORS3"})
	// An ANY route takes the preflight: its authorizer refuses it (no
	// credentials), with the CORS headers of AWSH-CORS7.
	res = fire(t, e, "OPTIONS", "/any", "Origin: https://app.example.com", "Access-Control-Request-Method: GET")
	checkGR(t, res, grWant{401, `{"message":"Unauthorized"}`, "", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}, "AWSH-CORS7"})
}

// AWSH-CORS5, AWSH-CORS6, AWSH-CORS7: every answer from an allowed origin
// gets the configured headers; the integration's own CORS headers go.
func TestAWSHCORS5_AnswersGetTheConfiguredHeaders(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, httpCORS)
	res := fire(t, e, "GET", "/orders/1", "Origin: https://app.example.com", "Authorization: Bearer ok")
	checkGR(t, res, grWant{200, "ok", "", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com",
		"Access-Control-Expose-Headers": "x-request-id", "Access-Control-Max-Age": ""}, "AWSH-CORS5"})
	st := res.Trace.Stage("response-transform")
	removed := 0
	for _, c := range st.Changes {
		if c.Op == "removed" {
			removed++
		}
	}
	if removed != 2 {
		t.Errorf("the trace lists the integration's dropped CORS headers: %+v", st.Changes)
	}
	res = fire(t, e, "GET", "/orders/1", "Origin: https://app.example.com", "Authorization: Bearer no")
	checkGR(t, res, grWant{403, `{"message":"Forbidden"}`, "", map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}, "AWSH-CORS7"})
	if d, _ := res.Trace.Stage("failure-response").Get("cors"); !strings.Contains(d.Value, "unconfirmed on AWS") {
		t.Errorf("AWSH-CORS7 is marked unconfirmed: %q", d.Value)
	}
	// The scheme wildcard does not cover http://.
	res = fire(t, e, "GET", "/orders/1", "Origin: http://app.example.com", "Authorization: Bearer ok")
	checkGR(t, res, grWant{200, "", "", map[string]string{"Access-Control-Allow-Origin": ""}, "AWSH-CORS5"})
}

// AWSH-C1 with the route's own key: a route taking every method caches
// under ANY, shared by its methods.
func TestAWSHC1_RouteKeyIsTheRoutesOwn(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, `version: 1
platform: aws-http
authorizers:
  lam:
    type: aws-http
    identitySource: [$request.header.Authorization, $context.routeKey]
    simpleResponses: true
    ttl: 300
    function: {runtime: mock, responses: [{return: {isAuthorized: true}}]}
routes:
  - path: /example/{proxy+}
    authorizer: lam
    backend: {echo: true}
  - path: /items
    methods: [GET, PUT]
    authorizer: lam
    backend: {echo: true}
`)
	fire(t, e, "GET", "/example/a", "Authorization: x")
	res := fire(t, e, "POST", "/example/b", "Authorization: x")
	if res.Outcome != engine.Cached {
		t.Errorf("POST on ANY /example/{proxy+} shares the routeKey of GET: %s", res.Outcome)
	}
	if ev := eventOf(t, fire(t, e, "DELETE", "/example/c", "Authorization: y")); ev["routeKey"] != "ANY /example/{proxy+}" {
		t.Errorf("routeKey = %v", ev["routeKey"])
	}
	fire(t, e, "GET", "/items", "Authorization: x")
	if res := fire(t, e, "PUT", "/items", "Authorization: x"); res.Outcome != engine.Called {
		t.Errorf("GET /items and PUT /items are two routes: %s", res.Outcome)
	}
}
