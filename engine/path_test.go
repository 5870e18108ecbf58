package engine_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
)

// pathGateway is one gateway per platform with the layout of the path
// bypass report: /admin behind an authorizer that refuses everything, /public
// and a catch-all open, /files open and accepting encoded slashes, all on the
// echo backend so the test sees what the backend received.
func pathGateway(platform, authorizer string) string {
	return `version: 1
platform: ` + platform + `
authorizers:
  guard:
` + authorizer + `
routes:
  - {path: /admin, authorizer: guard, backend: {echo: true}}
  - {path: "/admin/{rest+}", authorizer: guard, backend: {echo: true}}
  - {path: "/public/{rest+}", backend: {echo: true}}
  - {path: "/files/{id}", allowEncodedSlash: true, backend: {echo: true}}
  - {path: "/{proxy+}", backend: {echo: true}}
`
}

var pathPlatforms = []struct {
	platform, authorizer string
	badBody              string // the platform's 400 body
}{
	{"aws", "    type: aws-token\n    identitySource: header:Authorization\n    function: {runtime: mock, responses: [{return: {principalId: x, policyDocument: {Version: '2012-10-17', Statement: [{Effect: Deny, Action: 'execute-api:Invoke', Resource: '*'}]}}}]}",
		`{"message":"Bad Request"}`},
	{"aws-http", "    type: aws-http\n    simpleResponses: true\n    function: {runtime: mock, responses: [{return: {isAuthorized: false}}]}",
		`{"message":"Bad Request"}`},
	{"oci", "    type: oci\n    token: request.headers[Authorization]\n    function: {runtime: mock, responses: [{return: {active: false}}]}",
		`{"code":400,"message":"Bad Request"}`},
	{"huawei", "    type: huawei\n    identitySource: header:Authorization\n    function: {runtime: mock, responses: [{return: {statusCode: 200, body: '{\"status\":\"deny\"}'}}]}",
		`"error_code":"APIG.2012"`},
	{"generic", "    type: jwt\n    secret: a-test-secret-of-thirty-two-bytes!!",
		"400 Bad Request"},
}

// pathCase is one request target and what must happen to it.
type pathCase struct {
	target string
	want   string // "400": refused before routing; "auth": reached the authorizer, not the backend; else the raw target the backend must receive
}

// pathCases are the variants of the bypass report and their neighbours.
var pathCases = []pathCase{
	// dot segments, raw and encoded (PATH-5)
	{"/public/../admin/secret.txt", "400"},
	{"/public/./admin/secret.txt", "400"},
	{"/public/%2e%2e/admin/secret.txt", "400"},
	{"/public/%2E%2E/admin/secret.txt", "400"},
	{"/public/.%2e/admin/secret.txt", "400"},
	{"/public/%2e./admin/secret.txt", "400"},
	{"/public/%2e/admin/secret.txt", "400"},
	{"/public/..", "400"},
	{"/public/..;/admin/secret.txt", "400"},
	{"/./admin/x", "400"},
	{"/../admin/x", "400"},
	// encoded slashes and backslashes on routes that do not accept them
	{"/public/..%2fadmin/secret.txt", "400"},
	{"/public/..%2Fadmin/secret.txt", "400"},
	{"/public%2f..%2fadmin/secret.txt", "400"},
	{"/public/..%5cadmin/secret.txt", "400"},
	{"/public\\..\\admin/secret.txt", "400"},
	{"/admin%2fsecret.txt", "400"},
	// double encoding
	{"/public/%252e%252e/admin/secret.txt", "400"},
	{"/public/%25252e%25252e/admin/secret.txt", "400"},
	{"/public/%252e%252e%252fadmin", "400"},
	// empty segments
	{"//admin/secret.txt", "400"},
	{"/public//admin", "400"},
	{"///admin", "400"},
	// control characters and broken escapes
	{"/public/a%00/../../admin/secret.txt", "400"},
	{"/public/a%00", "400"},
	{"/public/a%0d%0aX-Admin:%201", "400"},
	{"/public/a%1b[31m", "400"},
	{"/public/%zz", "400"},
	{"/public/x%", "400"},
	// encoded slashes where the route accepts them, still no dots behind them
	{"/files/..%2F..%2Fadmin", "400"},
	{"/files/%2e%2e", "400"},
	{"/files/a%2Fb", "/files/a%2Fb"},
	{"/files/a%5Cb", "/files/a%5Cb"},
	// protected paths, however spelled, reach the authorizer
	{"/admin/secret.txt", "auth"},
	{"/admin", "auth"},
	{"/adm%69n/secret.txt", "auth"},
	{"/%61dmin/secret.txt", "auth"},
	{"/admin/%73ecret.txt", "auth"},
	// what is open reaches the backend byte for byte (PATH-7)
	{"/public/readme.txt", "/public/readme.txt"},
	{"/public/a%20b.txt", "/public/a%20b.txt"},
	{"/public/caf%C3%A9", "/public/caf%C3%A9"},
	{"/public/...", "/public/..."},
	{"/public/..x", "/public/..x"},
	{"/public/.hidden", "/public/.hidden"},
	{"/public/x/", "/public/x/"},
	{"/public/q%3Fx", "/public/q%3Fx"},
	{"/public/r?z=1&a=2", "/public/r?z=1&a=2"},
	{"/public/r?a=%20b&a=c&b", "/public/r?a=%20b&a=c&b"},
	{"/elsewhere/a", "/elsewhere/a"},
}

// TestPATH5_PATH7_NoBypassPerPlatform: no variant of a protected path
// reaches the backend without the authorizer, on any platform; refusals are
// the platform's 400 before any authorizer; what is forwarded is what was
// sent. go test -run TestPATH5_PATH7 -v prints the table.
func TestPATH5_PATH7_NoBypassPerPlatform(t *testing.T) {
	t.Parallel()
	for _, pl := range pathPlatforms {
		t.Run(pl.platform, func(t *testing.T) {
			e, _ := newTestEngine(t, pathGateway(pl.platform, pl.authorizer))
			var table strings.Builder
			for _, c := range pathCases {
				// a credential, so that a protected route calls its authorizer
				res := fire(t, e, "GET", c.target, "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")
				got := "—"
				if res.Upstream != nil {
					var eb struct{ Path, RawPath, RawQuery string }
					if err := json.Unmarshal(res.Response.Body, &eb); err != nil {
						t.Fatalf("%s: echo body: %v", c.target, err)
					}
					// the echo names the raw form when it is not the plain escaping
					got = res.Upstream.Target()
					if eb.RawPath != "" && !strings.HasPrefix(got, eb.RawPath) {
						t.Errorf("%s: echo rawPath %q, upstream %q", c.target, eb.RawPath, got)
					}
				}
				fmt.Fprintf(&table, "  %-45q → %d  backend: %s\n", c.target, res.Response.Status, got)
				switch c.want {
				case "400":
					if res.Response.Status != 400 || res.Upstream != nil || res.Outcome != engine.Skipped {
						t.Errorf("%s: status %d, authorizer %s, backend got %s; want 400 before routing", c.target, res.Response.Status, res.Outcome, got)
					}
					if !strings.Contains(string(res.Response.Body), pl.badBody) {
						t.Errorf("%s: body %s, want the platform's %s", c.target, res.Response.Body, pl.badBody)
					}
					if st := res.Trace.Stage("route"); st == nil || !strings.Contains(strings.Join(st.Rules, " "), "PATH-5") || !strings.Contains(st.Summary, "refused before routing") {
						t.Errorf("%s: route stage does not name PATH-5: %+v", c.target, st)
					}
				case "auth":
					if res.Upstream != nil || res.Authorizer != "guard" || res.Response.Status < 400 {
						t.Errorf("%s: status %d, authorizer %s, backend got %s; want the authorizer's refusal", c.target, res.Response.Status, res.Outcome, got)
					}
				default:
					if res.Response.Status != 200 || got != c.want {
						t.Errorf("%s: status %d, backend got %q, want 200 and %q", c.target, res.Response.Status, got, c.want)
					}
				}
			}
			t.Logf("%s\n%s", pl.platform, table.String())
		})
	}
}
