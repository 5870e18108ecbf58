package config_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/fixtures"
)

// update rewrites the golden files: go test ./engine/config/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// invalidCases are the files under testdata/invalid and what their output
// must say whatever the golden holds: the golden pins the exact text, these
// pin the meaning, so a careless -update cannot lose a required error.
var invalidCases = map[string][]string{
	"unknown_keys": {
		`2:1: unknown key "nmae" in the gateway file (did you mean "name"?)`,
		`7:5: unknown key "validationRegx" in authorizers.token-lambda (did you mean "validationRegex"?)`,
		`14:5: unknown key "methds" in routes[0] (did you mean "methods"?)`,
		`16:27: unknown key "colour" in routes[0].backend; expected one of: url, stock, echo, function, payloadFormat, timeout`,
	},
	"wrong_types": {
		`2:7: name: expected a string, found a list`,   // list where string
		`3:6: aws: expected a mapping, found a string`, // string where mapping
		`8:10: expected a duration such as 300s or 5m, found a list`,
		`12:13: authorizers.proc.function.pool: expected an integer, found a boolean`, // bool where int
		`13:12: authorizers.proc.function.env: expected a mapping, found a list`,
		`16:14: routes[0].methods: expected a string or a list of strings, found a mapping`,
		`19:23: routes[0].backend.stock.status: expected an integer, found a string`,
		`19:39: routes[0].backend.stock.headers: expected a mapping, found a list`,
		`21:21: routes[1].backend.echo: expected true or false, found a string`,
		`22:5: routes[2]: expected a mapping, found a string`,
	},
	"yaml_syntax": {`:5:3: invalid YAML: `},
	"yaml_tab":    {`:3:1: invalid YAML: `},
	"unknown_authorizer": {
		`9:17: route /orders/{id}: unknown authorizer "token-lamda" (did you mean "token-lambda"?); defined: token-lambda`,
		`12:17: route /users/{id}: unknown authorizer "something-else"; defined: token-lambda`,
	},
	"bad_regex": {`6:22: authorizer "token-lambda": invalid validationRegex: missing closing ]`},
	"bad_duration": {
		`6:10: invalid duration "5 minutes"`,
		`11:10: invalid duration "1y"`,
		`12:80: invalid duration "-3s": must not be negative`,
		`19:54: empty duration`,
	},
	"ttl_too_long": {
		`6:10: authorizer "hours": ttl 7200s is over the maximum of 3600s (AWS-C1)`,
		`11:10: authorizer "seconds": ttl 3601s is over the maximum of 3600s (AWS-C1)`,
	},
	"expr_unknown_table": {
		`6:35: unknown table "foo" in ${request.foo[x]}`,
		`9:22: unknown table "headerz" in ${request.headerz[X-A]}`,
	},
	"expr_unterminated": {
		`12:41: unterminated expression "${request.auth[principalId]": missing }`,
		`16:22: unterminated expression "${request.query[tenant]": missing }`,
	},
	"expr_missing_path_param": {
		`6:36: ${request.path[x]}: route /orders/{id} has no path parameter {x}`,
		`7:39: ${request.path[ids]}: route /orders/{id} has no path parameter {ids} (did you mean "id"?)`,
		`10:34: ${request.path[orderId]}: route /orders/{id} has no path parameter {orderId}`,
		`14:42: ${request.path[id]}: route /health has no path parameter {id}`,
	},
	"duplicate_routes": {
		`6:11: duplicate route: PUT,DELETE /a/{key} is already defined by routes[0] (line 3)`,
		`19:11: duplicate route: get /c is already defined by routes[4] (line 17)`,
		`26:11: duplicate route: PATCH /d/{path+} is already defined by routes[6] (line 23)`,
		`34:11: duplicate route: get /e is already defined by routes[8] (line 31): methods are case-insensitive, so get is GET and routes[8] answers it; this route is never reached`,
		`40:11: duplicate route: POST /f is already defined by routes[10] (line 37)`,
	},
	"greedy_not_last": {
		`3:11: route path "/files/{path+}/meta": greedy parameter {path+} must be the last segment`,
		`5:11: route path "/a/{id}/{id}": parameter {id} appears twice`,
		`7:11: route path "orders" must start with /`,
		`9:11: route path "/x//y" has an empty segment`,
		`11:11: route path "/v{version}/items": segment "v{version}" must be a whole {name} or {name+} parameter`,
	},
	"unknown_method": {
		`4:20: unknown method "PSOT"; expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (did you mean "POST"?)`,
		`4:26: unknown method "FETCH"`,
		`7:14: unknown method "DELTE"; expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (did you mean "DELETE"?)`,
	},
	"backend_kinds": {
		`4:14: backend: give exactly one of url, stock, echo: true or function`,
		`7:7: backend: give exactly one of url, stock, echo: true or function`,
		`11:14: backend: give exactly one of url, stock, echo: true or function`,
		`13:14: backend: give exactly one of url, stock, echo: true or function`,
		`15:20: backend url "127.0.0.1:9000": expected an absolute http:// or https:// URL`,
		`17:46: invalid header name "Bad Header"`,
	},
	"aws_token_sources": {
		`5:21: authorizer "two-sources": aws-token takes exactly one identity source (a header); use aws-request for several`,
		`9:21: authorizer "query-source": aws-token reads its token from a header, not query`,
		`13:21: authorizer "aws-spelled-query": aws-token reads its token from a header, not query`,
		`15:3: authorizer "none": aws-token needs identitySource: header:NAME`,
		`20:21: identity source "heder:Authorization": unknown location "heder"; expected header, query, stageVariable or context (did you mean "header"?)`,
	},
	"aws_request_path_source": {
		`5:44: authorizer "by-path": path parameters cannot be identity sources (AWS-I3)`,
		`10:9: authorizer "by-path-short": path parameters cannot be identity sources (AWS-I3)`,
	},
	"aws_request_no_source": {
		`3:3: authorizer "explicit-ttl": caching is on (ttl 60s) but there is no identitySource; AWS requires at least one when caching (AWS-I3)`,
		`7:3: authorizer "default-ttl": caching is on (ttl 300s) but there is no identitySource`,
	},
	"regex_on_request": {`6:5: authorizer "request-lambda": validationRegex is not used by type aws-request (only by aws-token, huawei)`},
	"unknown_runtime": {
		`6:25: authorizers.a.function.runtime: "pyhton" is not one of mock, http, python, node, process (did you mean "python"?)`,
		`10:25: authorizers.b.function.runtime: "lambda" is not one of mock, http, python, node, process`,
		`12:11: authorizers.c.type: "aws-tokn" is not one of aws-token, aws-request, `, `(did you mean "aws-token"?)`,
	},
	"type_typo": {
		`6:11: authorizers.a.type: "aws-tokn" is not one of`, `(did you mean "aws-token"?)`,
		`8:22: authorizer "a": invalid validationRegex: missing closing ]`,
		`12:11: authorizers.b.type: "lambda" is not one of`,
		`14:22: authorizer "b": invalid validationRegex: missing closing )`,
	},
	"python_interpreter": {
		`7:85: python interpreter venv/bin/python: no such file`,
		`12:75: python is not used by runtime node (only by python)`,
	},
	"stock_status": {`4:31: stock status 42: expected an HTTP status code 100-599`},
	"mock_no_responses": {
		`6:5: runtime mock needs responses: a list of {when, return} rows`,
		`11:5: runtime mock needs responses: a list of {when, return} rows`,
		`18:25: invalid regular expression in when.token: missing closing )`,
		`20:11: mock response 2: give exactly one of return, raw or error`,
		`21:11: mock response 3: give exactly one of return, raw or error`,
	},
	"http_url": {
		`6:5: runtime http needs url: the endpoint the event is POSTed to`,
		`10:36: url "not a url": expected an absolute http:// or https:// URL`,
		`14:36: url "ftp://127.0.0.1/authorize": expected an absolute http:// or https:// URL`,
		`20:12: url "http:///authorize": expected an absolute http:// or https:// URL`,
	},
	"handler_missing": {
		`6:42: handler file functions/missing.py: no such file`,
		`10:40: handler "functions/auth.js:": expected FILE:FUNCTION`,
		`14:5: runtime python needs handler: FILE:FUNCTION`,
		`18:5: runtime process needs command: [program, args...]`,
	},
	"runtime_keys": {
		`8:7: url is not used by runtime mock (only by http)`,
		`13:62: handler is not used by runtime http (only by python, node)`,
		`13:88: pool is not used by runtime http (only by python, node, process)`,
		`19:7: env is not used by runtime mock (only by python, node, process)`,
		`20:7: command is not used by runtime mock (only by process)`,
	},
	"version_missing": {`2:1: missing required key "version" (write version: 1)`},
	"version_wrong":   {`1:10: version: "2" is not one of 1`},
	"version_string":  {`1:10: version: expected an integer, found a string`},
	"aws_account":     {`4:12: aws.account "12345": expected a 12-digit AWS account id`},
	"anyof_aws": {
		// a warning since the ANY_OF change in validate.go (see the report)
		`11:27: warning: authorization ANY_OF checks scopes, but aws-token authorizer "token-lambda" `,
		`16:7: authorization ANY_OF needs allowedScope`,
		`20:27: authorization ANONYMOUS is an OCI route policy; aws-token authorizer "token-lambda" always requires its identity`,
		`23:20: authorization ANY_OF needs an authorizer on the route`,
	},
	"two_documents":     {`5:1: a gateway file holds one YAML document; found 2`},
	"trailing_document": {`5:1: a gateway file holds one YAML document; found 2`},
	"empty":             {`1:1: empty gateway file: expected a mapping with version, authorizers and routes`},
	"comment_only":      {`1:1: empty gateway file`},
	"not_a_mapping":     {`1:1: file: expected a mapping, found a list`},
	"null_values": {
		`3:3: authorizer "token-lambda": `, `needs function`,
		`8:5: authorizers.no-type: required key "type" has no value`,
		`14:5: routes[0]: required key "backend" has no value`,
		`15:5: routes[1]: required key "path" has no value`,
	},
	"empty_items": {
		`9:9: authorizers.a.function.responses[0]: empty list item`,
		`12:3: routes[0]: empty list item`,
		`16:9: routes[1].requestTransformations.setHeaders[0]: empty list item`,
	},
	"unknown_alias": {`4:14: unknown alias *nope`},
	"duplicate_keys": {
		// the YAML parser rejects duplicate keys itself, at the first one
		`6:5: invalid YAML: mapping key "type" already defined at [4:5]`,
	},
	"context_sources": {
		`8:9: identity source "context.sourceIP": unknown context variable "sourceIP"; expected one of sourceIp,`,
		`(did you mean "sourceIp"?)`,
		`10:9: warning: identity source "stageVariables.region": stage variable "region" is not defined under aws.stageVariables, so it is always missing [AWS-I3]`,
	},
	"transforms": {
		`6:18: invalid header name "X User"`,
		`7:47: routes[0].requestTransformations.setHeaders[1].ifExists: "REPLACE" is not one of OVERWRITE, APPEND, SKIP`,
		`8:39: invalid header name "X:B"`,
		`9:29: routes[0].requestTransformations.filterHeaders.type: "DENY" is not one of BLOCK, ALLOW`,
		`10:18: routes[0].requestTransformations.setQuery[0]: missing required key "name"`,
		`12:44: warning: ${request.auth[principalId]} reads the authorizer's answer, but route /orders/{id} has no authorizer: it is always empty`,
		`13:7: routes[0].responseTransformations.filterQuery: missing required key "type"`,
	},
	"aws_gateway_responses": {
		`5:5: unknown gateway response type "UNAUTHORISED" (did you mean "UNAUTHORIZED"?)`,
		`8:19: statusCode "4040": expected three digits from 100 to 599`,
		`10:38: header Access-Control-Allow-Origin: "*" is not a source API Gateway knows: write a literal in single quotes ("'*'")`,
		`12:16: header X-Bad: "method.request.headr.X" is not a source API Gateway knows`,
		`14:33: unknown context variable $context.error.mesage (did you mean "error.message"?) (AWS-G9)`,
		`14:88: $input.body is not available in a gateway response template`,
		`18:40: warning: gatewayresponse.querystring.q: only headers of a gateway response reach the client`,
		`19:9: responseParameters key "header.X-Wrong": expected gatewayresponse.header.NAME (AWS-G7)`,
		`23:50: unknown context variable $context.nope (AWS-G9)`,
		`24:5: warning: gateway response REQUEST_TOO_LARGE cannot be customised`,
		`27:25: allowOrigins "https://app.example.com/path": expected *, an origin`,
		`28:23: allow-credentials is not supported if 'allow-origin' is * (API Gateway refuses this CORS configuration, AWSH-CORS1)`,
		`29:25: allowMethods "FETCH": expected an HTTP method or *`,
	},
	"aws_http_gateway_responses": {
		`4:3: aws.gatewayResponses: HTTP APIs have no gateway responses to customise; only REST APIs (platform: aws) do (AWSH-CORS8)`,
		`6:49: allow-credentials is not supported if 'allow-origin' is *`,
		`12:16: backend timeout 45s: an integration timeout is between 50ms and 30s on this platform`,
	},
	"function_backend_platform": {
		`6:7: a function backend is a Lambda proxy integration, emulated for API Gateway (platform aws or aws-http), not for platform oci`,
		`8:27: payloadFormat is a setting of a function backend`,
	},
	"function_backend_rest": {
		`6:22: payloadFormat "2.0" is an HTTP API format (platform: aws-http); a REST API's Lambda proxy integration always sends 1.0 (AWS-L1)`,
		`9:44: handler file nowhere.py: no such file`,
	},
	"many_problems": {
		// every section of the file, all in one run
		`2:1: missing required key "version" (write version: 1)`,
		`3:11: platform: "azure" is not one of aws, aws-http, oci, huawei, generic`,
		`4:35: aws.account "1234": expected a 12-digit AWS account id`,
		`7:3: authorizer "token-lambda": aws-token needs identitySource`,
		`9:5: unknown key "identitySorce" in authorizers.token-lambda (did you mean "identitySource"?)`,
		`10:22: authorizer "token-lambda": invalid validationRegex: missing closing )`,
		`11:10: authorizer "token-lambda": ttl 7200s is over the maximum of 3600s (AWS-C1)`,
		`12:5: runtime mock needs responses`,
		`12:31: url is not used by runtime mock (only by http)`,
		`15:44: authorizer "request-lambda": path parameters cannot be identity sources (AWS-I3)`,
		`16:5: authorizer "request-lambda": validationRegex is not used by type aws-request (only by aws-token, huawei)`,
		`17:10: invalid duration "soon"`,
		`18:25: authorizers.request-lambda.function.runtime: "pyhton" is not one of mock, http, python, node, process (did you mean "python"?)`,
		`21:21: authorizer "http-fn": aws-token takes exactly one identity source`,
		`22:36: url "127.0.0.1:7001": expected an absolute http:// or https:// URL`,
		`26:25: unknown method "FETCH"`,
		`27:17: route /orders/{id}: unknown authorizer "token-lamda" (did you mean "token-lambda"?)`,
		`31:36: unterminated expression "${request.auth[principalId]": missing }`,
		`32:36: ${request.path[orderId]}: route /orders/{id} has no path parameter {orderId}`,
		`33:35: unknown table "foo" in ${request.foo[x]}`,
		`34:14: backend: give exactly one of url, stock, echo: true or function`,
		`35:11: duplicate route: PUT /orders/{key} is already defined by routes[0] (line 25)`,
		`38:21: routes[1].backend.echo: expected true or false, found a string`,
		`39:11: route path "/files/{path+}/meta": greedy parameter {path+} must be the last segment`,
		`41:14: backend: give exactly one of url, stock, echo: true or function`,
	},
}

// invalidMustNot are messages a case must not print: the non-errors next to
// the errors (methods that differ, ttl at the limit, caching off) and the
// follow-on noise of an error already reported.
var invalidMustNot = map[string][]string{
	"duplicate_routes":      {"/b/{key}"},
	"ttl_too_long":          {"at-the-limit"},
	"aws_request_no_source": {`"no-cache"`},
	"unknown_runtime":       {"not used by runtime pyhton", "not used by runtime lambda"},
	"many_problems":         {"not used by runtime pyhton"},
	"version_wrong":         {"missing required key"},
	"version_string":        {"missing required key", `"0"`},
	"wrong_types":           {"needs identitySource", `"0"`},
	"not_a_mapping":         {"missing required key", "no routes"},
	"anyof_aws":             {"allowedScope[0]"},
	"null_values":           {"routes[2]"},
}

// checkGolden compares got with testdata/NAME.golden, or rewrites it with -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", golden, got, want)
	}
}

func TestInvalidGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			g, diags, err := config.LoadFile(f)
			if err == nil {
				t.Fatalf("loaded without errors; want errors")
			}
			if g != nil {
				t.Errorf("a gateway was returned with errors")
			}
			var ds *config.Diagnostics
			if !errors.As(err, &ds) || ds != diags {
				t.Fatalf("error is %T %v; want the returned *config.Diagnostics", err, err)
			}
			if !diags.HasErrors() {
				t.Fatalf("no error diagnostics")
			}
			got := diags.Format(true)
			checkPositions(t, f, diags, got)
			want, ok := invalidCases[name]
			if !ok {
				t.Errorf("no required messages listed for %s in invalidCases", name)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q; got:\n%s", w, got)
				}
			}
			for _, w := range invalidMustNot[name] {
				if strings.Contains(got, w) {
					t.Errorf("output must not mention %q; got:\n%s", w, got)
				}
			}
			checkGolden(t, strings.TrimSuffix(f, ".yaml")+".golden", got)
		})
	}
	for name := range invalidCases {
		if !seen[name] {
			t.Errorf("testdata/invalid/%s.yaml is missing", name)
		}
	}
}

// checkPositions asserts every diagnostic is placed in the file, is sorted,
// and that Format printed the right source line with a caret under Col.
func checkPositions(t *testing.T, file string, diags *config.Diagnostics, formatted string) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	srcLines := strings.Split(string(src), "\n")
	out := strings.Split(formatted, "\n")
	i := 0
	for k, d := range diags.List {
		if d.File != file {
			t.Errorf("diagnostic %d: file %q, want %q", k, d.File, file)
		}
		if d.Line <= 0 || d.Col <= 0 {
			t.Errorf("diagnostic %q: position %d:%d is not in the file", d.Message, d.Line, d.Col)
			continue
		}
		if d.Line > len(srcLines) {
			t.Errorf("diagnostic %q: line %d past the end of the file (%d lines)", d.Message, d.Line, len(srcLines))
			continue
		}
		line := strings.TrimRight(srcLines[d.Line-1], "\r")
		if n := len([]rune(line)); d.Col > n+1 {
			t.Errorf("diagnostic %q: column %d past the end of line %d (%d characters)", d.Message, d.Col, d.Line, n)
		}
		if k > 0 {
			p := diags.List[k-1]
			if p.Line > d.Line || (p.Line == d.Line && p.Col > d.Col) {
				t.Errorf("diagnostics not sorted: %d:%d before %d:%d", p.Line, p.Col, d.Line, d.Col)
			}
		}
		if i+2 >= len(out) {
			t.Errorf("output ends before diagnostic %q", d.Message)
			return
		}
		if !strings.HasPrefix(out[i], d.String()) {
			t.Errorf("output line %d = %q; want the diagnostic %q", i+1, out[i], d.String())
		}
		if wantSrc := fmt.Sprintf("%5d | %s", d.Line, line); out[i+1] != wantSrc {
			t.Errorf("source line for %q = %q; want %q", d.Message, out[i+1], wantSrc)
		}
		caret, ok := strings.CutPrefix(out[i+2], "      | ")
		if !ok || !strings.HasSuffix(caret, "^") || strings.TrimSpace(strings.TrimSuffix(caret, "^")) != "" {
			t.Errorf("caret line for %q = %q; want spaces and a ^", d.Message, out[i+2])
		} else if col := len([]rune(caret)); col != d.Col {
			t.Errorf("caret for %q at column %d; want %d", d.Message, col, d.Col)
		}
		i += 3
	}
	if i != len(out)-1 || out[i] != "" {
		t.Errorf("unexpected trailing output: %q", out[i:])
	}
}

// TestManyProblemsOneRun: a file with problems in every section reports
// them all at once (the point of collecting instead of stopping).
func TestManyProblemsOneRun(t *testing.T) {
	t.Parallel()
	_, diags, err := config.LoadFile("testdata/invalid/many_problems.yaml")
	if err == nil {
		t.Fatal("loaded without errors")
	}
	if n := len(diags.Errors()); n < len(invalidCases["many_problems"]) {
		t.Errorf("%d errors; want at least %d:\n%s", n, len(invalidCases["many_problems"]), diags.Format(true))
	}
	// Error() lists the errors only, one per line, file:line:col first.
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, "testdata/invalid/many_problems.yaml:") {
			t.Errorf("Error() line %q does not start with file:line:col", line)
		}
	}
}

func loadValid(t *testing.T, name string) (*config.Gateway, *config.Diagnostics) {
	t.Helper()
	g, diags, err := config.LoadFile(filepath.Join("testdata", "valid", name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return g, diags
}

func TestValidFilesLoadClean(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "valid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			g, diags, err := config.LoadFile(f)
			if err != nil {
				t.Fatalf("errors:\n%s", diags.Format(true))
			}
			if len(diags.List) != 0 {
				t.Errorf("unexpected diagnostics:\n%s", diags.Format(true))
			}
			if g.Version != 1 || len(g.Routes) == 0 {
				t.Errorf("version %d, %d routes", g.Version, len(g.Routes))
			}
			if g.File != f {
				t.Errorf("File = %q, want %q", g.File, f)
			}
			abs, _ := filepath.Abs(filepath.Dir(f))
			if g.Dir != abs {
				t.Errorf("Dir = %q, want %q", g.Dir, abs)
			}
		})
	}
}

func TestDemoGateway(t *testing.T) {
	t.Parallel()
	g, diags, err := config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	if err != nil {
		t.Fatalf("the demo has errors:\n%s", diags.Format(true))
	}
	if len(diags.Errors()) != 0 {
		t.Fatalf("errors: %v", diags.Errors())
	}
	w := diags.Warnings()
	if len(w) != 1 {
		t.Fatalf("want exactly one warning (AWS-C3), got:\n%s", diags.Format(true))
	}
	// The warning points into the token-auth authorizer (the first key of
	// its body, "type:"): its policy names the first methodArn only, it
	// caches for 300s and serves two routes.
	nameLine := 1 + bytes.Count(fixtures.DemoGateway[:bytes.Index(fixtures.DemoGateway, []byte("\n  token-auth:\n"))+1], []byte("\n"))
	d := w[0]
	if d.Rule != "AWS-C3" || d.File != fixtures.DemoName || d.Line != nameLine+1 || d.Col != 5 {
		t.Errorf("warning = %+v; want rule AWS-C3 at %s:%d:5", d, fixtures.DemoName, nameLine+1)
	}
	for _, s := range []string{`authorizer "token-auth"`, "5m0s", "2 routes", "wildcard resource or set ttl: 0"} {
		if !strings.Contains(d.Message, s) {
			t.Errorf("warning %q lacks %q", d.Message, s)
		}
	}
	if !strings.Contains(diags.Format(true), "warning: ") || diags.Format(false) != "" {
		t.Errorf("Format(true) must show the warning and Format(false) nothing:\n%q\n%q", diags.Format(true), diags.Format(false))
	}
	if g.Name != "authlab-demo" || g.Platform != "aws" || g.AWS.Region != "eu-west-1" || g.AWS.APIID != "demo123abc" {
		t.Errorf("gateway = %s %s %+v", g.Name, g.Platform, g.AWS)
	}
	var names []string
	for _, a := range g.Authorizers {
		names = append(names, a.Name+"="+a.Type)
	}
	if want := []string{"token-auth=aws-token", "tenant-auth=aws-request"}; !reflect.DeepEqual(names, want) {
		t.Errorf("authorizers in file order = %v, want %v", names, want)
	}
	var paths []string
	for _, r := range g.Routes {
		paths = append(paths, r.Path)
	}
	if want := []string{"/health", "/orders/{id}", "/users/{id}", "/reports/{key+}"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("routes = %v, want %v", paths, want)
	}
	ta := g.Authorizer("token-auth")
	if ta.TTLValue() != 300*time.Second || ta.ValidationRegex == "" || len(ta.Function.Responses) != 4 {
		t.Errorf("token-auth = ttl %v regex %q %d responses", ta.TTLValue(), ta.ValidationRegex, len(ta.Function.Responses))
	}
	if r := ta.Function.Responses[3]; r.Return != "Unauthorized" || r.When != nil {
		t.Errorf("last mock row = %+v; want a bare Unauthorized", r)
	}
	if g.Authorizer("nope") != nil {
		t.Error("Authorizer(nope) != nil")
	}
	if p, ok := g.PosOf("routes[1].path"); !ok || p.Col != 11 {
		t.Errorf("PosOf(routes[1].path) = %v %v", p, ok)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	g, _ := loadValid(t, "defaults.yaml")
	if g.Platform != "aws" {
		t.Errorf("platform default = %q, want aws", g.Platform)
	}
	cases := map[string]time.Duration{
		"default-ttl":      config.DefaultTTL, // AWS-C1: absent means 300s
		"no-cache":         0,                 // 0 disables
		"no-cache-request": 0,
	}
	for name, want := range cases {
		a := g.Authorizer(name)
		if a == nil {
			t.Fatalf("no authorizer %s", name)
		}
		if got := a.TTLValue(); got != want {
			t.Errorf("%s: TTLValue = %v, want %v", name, got, want)
		}
		if a.Function.TimeoutValue() != config.DefaultFnTimeout {
			t.Errorf("%s: timeout default = %v", name, a.Function.TimeoutValue())
		}
	}
	if config.DefaultTTL != 300*time.Second || config.MaxTTL != 3600*time.Second {
		t.Errorf("DefaultTTL %v MaxTTL %v", config.DefaultTTL, config.MaxTTL)
	}
	if a := g.Authorizer("default-ttl"); a.TTL != nil {
		t.Errorf("absent ttl decoded as %v; want nil (the default applies)", a.TTL)
	}
	if a := g.Authorizer("no-cache"); a.TTL == nil || a.TTL.Duration != 0 {
		t.Errorf("ttl: 0 decoded as %v; want an explicit 0", a.TTL)
	}
	if r := g.Routes[0]; len(r.Methods) != 0 || r.Authorization != nil || r.Backend == nil || !r.Backend.Echo {
		t.Errorf("route defaults: %+v", r)
	}
}

func TestIdentitySourceSpellings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in         string
		kind, name string
	}{
		{"header:X-Token", config.SrcHeader, "X-Token"},
		{"method.request.header.X-Token", config.SrcHeader, "X-Token"},
		{"query:tenant", config.SrcQuery, "tenant"},
		{"method.request.querystring.tenant", config.SrcQuery, "tenant"},
		{"stageVariables.tenant", config.SrcStage, "tenant"},
		{"stageVariable:tenant", config.SrcStage, "tenant"},
		{"context.sourceIp", config.SrcContext, "sourceIp"},
		{"context:sourceIp", config.SrcContext, "sourceIp"},
		{"$request.header.Authorization", config.SrcHeader, "Authorization"},
		{"method.request.path.id", config.SrcPath, "id"},
	}
	for _, c := range cases {
		got, err := config.ParseIdentitySource(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got.Kind != c.kind || got.Name != c.name {
			t.Errorf("%s = %s:%s, want %s:%s", c.in, got.Kind, got.Name, c.kind, c.name)
		}
	}
	for _, bad := range []string{"Authorization", "header:", "heder:Authorization", "method.request.header."} {
		if got, err := config.ParseIdentitySource(bad); err == nil {
			t.Errorf("%q parsed as %v; want an error", bad, got)
		}
	}

	g, _ := loadValid(t, "identity_sources.yaml")
	want := map[string][]string{
		"short-header":   {"header:X-Token"},
		"aws-header":     {"header:X-Token"},
		"every-spelling": {"header:Authorization", "header:X-Api-Key", "query:tenant", "query:region", "stageVariable:tenant", "context:sourceIp"},
	}
	for name, w := range want {
		var got []string
		for _, s := range g.Authorizer(name).Sources() {
			got = append(got, s.String())
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: sources %v, want %v", name, got, w)
		}
	}
}

func TestDurations(t *testing.T) {
	t.Parallel()
	good := map[string]time.Duration{
		"300":    300 * time.Second,
		"300s":   300 * time.Second,
		"5m":     5 * time.Minute,
		"1h":     time.Hour,
		"1.5s":   1500 * time.Millisecond,
		"0":      0,
		"0s":     0,
		"250ms":  250 * time.Millisecond,
		"1h30m":  90 * time.Minute,
		" 60s ":  time.Minute,
		"2.5":    2500 * time.Millisecond,
		"1m30s":  90 * time.Second,
		"3600":   time.Hour,
		"100000": 100000 * time.Second,
		"1d":     24 * time.Hour, // a scenario's advance past a daily quota (AWS-K5)
		"7d":     7 * 24 * time.Hour,
		"1d12h":  36 * time.Hour,
	}
	for in, want := range good {
		got, err := config.ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "-3s", "5 minutes", "1y", "1.5d", "-1d", "d", "1d-1h", "soon", "s"} {
		if got, err := config.ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v; want an error", in, got)
		}
	}

	g, _ := loadValid(t, "durations.yaml")
	ttls := map[string]time.Duration{
		"bare-number": 300 * time.Second,
		"seconds":     300 * time.Second,
		"minutes":     5 * time.Minute,
		"hour":        time.Hour, // at the limit: allowed
		"fraction":    1500 * time.Millisecond,
	}
	for name, want := range ttls {
		if got := g.Authorizer(name).TTLValue(); got != want {
			t.Errorf("%s: ttl %v, want %v", name, got, want)
		}
	}
	if got := g.Authorizer("fraction").Function.TimeoutValue(); got != 250*time.Millisecond {
		t.Errorf("function timeout %v, want 250ms", got)
	}
	if b := g.Routes[4].Backend; b.Timeout == nil || b.Timeout.Duration != 90*time.Second {
		t.Errorf("backend timeout %v, want 1m30s", b.Timeout)
	}
}

func TestAnchorsAndAliases(t *testing.T) {
	t.Parallel()
	g, _ := loadValid(t, "anchors.yaml")
	first, second := g.Authorizer("first"), g.Authorizer("second")
	if first == nil || second == nil {
		t.Fatal("authorizers missing")
	}
	if !reflect.DeepEqual(first.Function, second.Function) || second.Function.Runtime != "mock" || len(second.Function.Responses) != 2 {
		t.Errorf("aliased function differs:\n%+v\n%+v", first.Function, second.Function)
	}
	if second.TTLValue() != time.Minute || !reflect.DeepEqual(second.IdentitySource, config.StringList{"header:Authorization"}) {
		t.Errorf("second: ttl %v sources %v", second.TTLValue(), second.IdentitySource)
	}
	if g.AWS.StageVariables["home"] != "eu-west-1" {
		t.Errorf("scalar alias: stageVariables = %v", g.AWS.StageVariables)
	}
	a, b := g.Routes[0], g.Routes[1]
	if !reflect.DeepEqual(b.Methods, config.StringList{"GET", "PUT"}) || b.Backend == nil || !b.Backend.Echo {
		t.Errorf("aliased route fields: %+v %+v", b.Methods, b.Backend)
	}
	if !reflect.DeepEqual(a.RequestTransformations, b.RequestTransformations) || len(b.RequestTransformations.SetHeaders) != 1 {
		t.Errorf("aliased transformations differ")
	}
}

func TestRelativePathsFollowTheFile(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "valid", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // handler paths must not depend on the working directory
	g, diags, err := config.LoadFile(abs)
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Format(true))
	}
	h := g.Authorizer("token-lambda").Function.Handler
	file, _, _ := strings.Cut(h, ":")
	if got, want := g.Abs(file), filepath.Join(filepath.Dir(abs), "functions", "auth.py"); got != want {
		t.Errorf("Abs(%q) = %q, want %q", file, got, want)
	}
	if g.Abs("/etc/x") != "/etc/x" || g.Abs("") != "" {
		t.Error("Abs must keep absolute and empty paths")
	}
}

func TestLoadFileMissing(t *testing.T) {
	t.Parallel()
	g, diags, err := config.LoadFile(filepath.Join("testdata", "does-not-exist.yaml"))
	if err == nil || g != nil || diags != nil {
		t.Fatalf("got %v %v %v", g, diags, err)
	}
	var ds *config.Diagnostics
	if errors.As(err, &ds) {
		t.Errorf("a missing file is not a diagnostics error: %v", err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v; want it to wrap os.ErrNotExist", err)
	}
}

// TestTruncatedFilesNeverPanic loads every prefix (by line) of every test
// file: half-typed files are what an editor-driven validate sees most.
func TestTruncatedFilesNeverPanic(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	demo := string(fixtures.DemoGateway)
	inputs := map[string]string{"demo": demo}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = string(b)
	}
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		lines := strings.SplitAfter(inputs[name], "\n")
		for k := 0; k <= len(lines); k++ {
			src := strings.Join(lines[:k], "")
			loadNoPanic(t, fmt.Sprintf("%s[:%d lines]", name, k), []byte(src))
		}
	}
}

func loadNoPanic(t *testing.T, label string, src []byte) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v\n%s\n%s", label, r, src, debug.Stack())
		}
	}()
	g, diags, err := config.Load("f.yaml", src, "testdata/valid")
	if diags == nil {
		t.Fatalf("%s: nil diagnostics", label)
	}
	if (err == nil) != (g != nil) {
		t.Fatalf("%s: gateway %v with error %v", label, g != nil, err)
	}
	// YAML breaks lines at LF, CRLF and a lone CR alike.
	nlines := strings.Count(strings.ReplaceAll(strings.ReplaceAll(string(src), "\r\n", "\n"), "\r", "\n"), "\n") + 1
	for _, d := range diags.List {
		if d.Line < 1 || d.Col < 1 || d.Line > nlines {
			t.Fatalf("%s: diagnostic %q at %d:%d outside the %d-line file", label, d.Message, d.Line, d.Col, nlines)
		}
	}
}

// FuzzLoad: the loader reports, never panics, and always places its
// diagnostics inside the file. Seeds are the test files.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(fixtures.DemoGateway)
	f.Fuzz(func(t *testing.T, src []byte) {
		loadNoPanic(t, "fuzz", src)
	})
}

// TestCRLFSamePositions: a file saved with Windows line endings reports the
// same diagnostics at the same places (comments included).
func TestCRLFSamePositions(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"many_problems", "wrong_types", "version_missing", "context_sources"} {
		src, err := os.ReadFile(filepath.Join("testdata", "invalid", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		crlf := bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
		_, lf, _ := config.Load("f.yaml", src, "testdata/invalid")
		_, cr, _ := config.Load("f.yaml", crlf, "testdata/invalid")
		if !reflect.DeepEqual(lf.List, cr.List) {
			t.Errorf("%s: CRLF diagnostics differ:\n--- LF ---\n%s--- CRLF ---\n%s", name, lf.Format(true), cr.Format(true))
		}
		if got, want := cr.Format(true), lf.Format(true); got != want {
			t.Errorf("%s: CRLF output differs:\n%q\n%q", name, got, want)
		}
	}
	crlf := bytes.ReplaceAll(fixtures.DemoGateway, []byte("\n"), []byte("\r\n"))
	g, diags, err := config.Load(fixtures.DemoName, crlf, ".")
	if err != nil || len(diags.Warnings()) != 1 {
		t.Fatalf("CRLF demo: %v\n%s", err, diags.Format(true))
	}
	if got := g.Authorizer("token-auth").ValidationRegex; strings.Contains(got, "\r") {
		t.Errorf("CRLF leaked into a value: %q", got)
	}
}

// TestFlowSequenceScalarWithColon guards the loader's workaround for a
// goccy/go-yaml quirk: inside a flow mapping it reads the plain scalar
// `read:orders` in a flow sequence as the mapping {read: orders}, where
// YAML 1.2 reads a string (":" not followed by a space separates nothing).
// The contract's own example writes `{type: ANY_OF, allowedScope: [read:orders]}`.
func TestFlowSequenceScalarWithColon(t *testing.T) {
	t.Parallel()
	src := []byte(`version: 1
authorizers:
  proc:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: process, command: [python3, read:orders]}
routes:
  - path: /a
    authorizer: proc
    backend: {echo: true}
`)
	g, diags, err := config.Load("f.yaml", src, ".")
	if err != nil {
		t.Fatalf("%v", diags.Format(true))
	}
	if got, want := g.Authorizer("proc").Function.Command, (config.StringList{"python3", "read:orders"}); !reflect.DeepEqual(got, want) {
		t.Errorf("command = %q, want %q", got, want)
	}
}
