package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/config"
)

// warningsOf loads a gateway and returns its warnings, formatted.
func warningsOf(t *testing.T, src, dir string) string {
	t.Helper()
	_, diags, err := config.Load("gw.yaml", []byte(src), dir)
	if err != nil {
		t.Fatalf("does not load:\n%s", diags.Format(false))
	}
	var b strings.Builder
	for _, d := range diags.Warnings() {
		b.WriteString(d.Message + " [" + d.Rule + "]\n")
	}
	return b.String()
}

// TestAWSC3_OneRouteIsEnoughWithAPathParameterOrSeveralMethods: a policy
// naming only the first methodArn refuses the next request on the same
// route when its path has a parameter or it takes several methods.
func TestAWSC3_OneRouteIsEnoughWithAPathParameterOrSeveralMethods(t *testing.T) {
	t.Parallel()
	narrow := `{return: {principalId: a, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/orders/1"}]}}}`
	wide := `{return: {principalId: a, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:*"}]}}}`
	gw := func(resp, route string) string {
		return "version: 1\nauthorizers:\n  a:\n    type: aws-token\n    identitySource: header:Authorization\n    function: {runtime: mock, responses: [" + resp + "]}\nroutes:\n" + route
	}
	cases := []struct {
		name, src, want string
	}{
		{"path parameter", gw(narrow, "  - {path: \"/orders/{id}\", methods: [GET], authorizer: a, backend: {echo: true}}\n"), "whose path parameter gives every {id} its own methodArn"},
		{"every method", gw(narrow, "  - {path: /orders, authorizer: a, backend: {echo: true}}\n"), "with every method, each method its own methodArn"},
		{"two methods", gw(narrow, "  - {path: /orders, methods: [GET, PUT], authorizer: a, backend: {echo: true}}\n"), "with methods GET, PUT"},
		{"one method, no parameter", gw(narrow, "  - {path: /orders, methods: [GET], authorizer: a, backend: {echo: true}}\n"), ""},
		{"a wildcard resource", gw(wide, "  - {path: \"/orders/{id}\", methods: [GET], authorizer: a, backend: {echo: true}}\n"), ""},
	}
	for _, c := range cases {
		got := warningsOf(t, c.src, t.TempDir())
		if c.want == "" && strings.Contains(got, "AWS-C3") || c.want != "" && (!strings.Contains(got, c.want) || !strings.Contains(got, "[AWS-C3]")) {
			t.Errorf("%s: warnings:\n%s", c.name, got)
		}
	}
	// A real handler: one that returns Resource: event["methodArn"] is
	// evidence; one that builds a wildcard is not.
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("narrow.py", "def handler(event, context):\n    return {'principalId': 'a', 'policyDocument': {'Version': '2012-10-17', 'Statement': [{'Action': 'execute-api:Invoke', 'Effect': 'Allow', 'Resource': event['methodArn']}]}}\n")
	write("wide.py", "def handler(event, context):\n    arn = event['methodArn'].split('/')[0] + '/*'\n    return {'principalId': 'a', 'policyDocument': {'Version': '2012-10-17', 'Statement': [{'Action': 'execute-api:Invoke', 'Effect': 'Allow', 'Resource': arn}]}}\n")
	py := func(file string) string {
		return "version: 1\nauthorizers:\n  a:\n    type: aws-token\n    identitySource: header:Authorization\n    function: {runtime: python, handler: " + file + ":handler}\nroutes:\n  - {path: \"/orders/{id}\", methods: [GET], authorizer: a, backend: {echo: true}}\n"
	}
	if got := warningsOf(t, py("narrow.py"), dir); !strings.Contains(got, "[AWS-C3]") {
		t.Errorf("a handler returning the methodArn: warnings:\n%s", got)
	}
	if got := warningsOf(t, py("wide.py"), dir); strings.Contains(got, "AWS-C3") {
		t.Errorf("a handler building a wildcard: warnings:\n%s", got)
	}
}

// TestAWSHCORS3_AuthorizedRouteCatchesPreflights: on an HTTP API with CORS,
// a route taking OPTIONS with an authorizer gets the preflight, which fails.
func TestAWSHCORS3_AuthorizedRouteCatchesPreflights(t *testing.T) {
	t.Parallel()
	head := "version: 1\nplatform: aws-http\naws: {cors: {allowOrigins: [https://a.example]}}\nauthorizers:\n  a:\n    type: aws-http\n    simpleResponses: true\n    identitySource: $request.header.Authorization\n    function: {runtime: mock, responses: [{return: {isAuthorized: true}}]}\nroutes:\n"
	if got := warningsOf(t, head+"  - {path: /orders, authorizer: a, backend: {echo: true}}\n", t.TempDir()); !strings.Contains(got, "[AWSH-CORS3]") {
		t.Errorf("an ANY route with an authorizer: warnings:\n%s", got)
	}
	if got := warningsOf(t, head+"  - {path: /orders, methods: [GET, POST], authorizer: a, backend: {echo: true}}\n", t.TempDir()); strings.Contains(got, "AWSH-CORS3") {
		t.Errorf("a route listing its methods leaves preflights to the gateway: warnings:\n%s", got)
	}
}

// TestAWSG13_CORSWithoutGatewayResponses: a REST API with aws.cors and an
// authorizer, whose 401/403 carry no Access-Control-Allow-Origin.
func TestAWSG13_CORSWithoutGatewayResponses(t *testing.T) {
	t.Parallel()
	gw := func(responses string) string {
		return "version: 1\naws:\n  cors: {allowOrigins: [https://a.example]}\n" + responses + "authorizers:\n  a:\n    type: aws-token\n    identitySource: header:Authorization\n    ttl: 0\n    function: {runtime: mock, responses: [{return: Unauthorized}]}\nroutes:\n  - {path: /orders, methods: [GET], authorizer: a, backend: {echo: true}}\n"
	}
	if got := warningsOf(t, gw(""), t.TempDir()); !strings.Contains(got, "the UNAUTHORIZED answer (401) has no Access-Control-Allow-Origin") || !strings.Contains(got, "[AWS-G13]") {
		t.Errorf("no gateway responses: warnings:\n%s", got)
	}
	if got := warningsOf(t, gw("  gatewayResponses:\n    UNAUTHORIZED: {headers: {Access-Control-Allow-Origin: \"'*'\"}}\n"), t.TempDir()); !strings.Contains(got, "the ACCESS_DENIED answer (403)") {
		t.Errorf("only the 401 customised: warnings:\n%s", got)
	}
	if got := warningsOf(t, gw("  gatewayResponses:\n    DEFAULT_4XX: {headers: {Access-Control-Allow-Origin: \"'*'\"}}\n"), t.TempDir()); strings.Contains(got, "AWS-G13") {
		t.Errorf("DEFAULT_4XX covers both (AWS-G4): warnings:\n%s", got)
	}
}
