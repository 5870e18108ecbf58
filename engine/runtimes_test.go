package engine_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
)

// workerGateway is an AWS REST gateway whose TOKEN authorizer runs a real
// handler file from engine/testdata/functions, with caching off so every
// request calls it.
func workerGateway(t *testing.T, function string) *engine.Engine {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("testdata", "functions"))
	src := fmt.Sprintf(`version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: %s
routes:
  - path: /r
    authorizer: tok
    backend: {echo: true}
`, strings.ReplaceAll(function, "DIR", dir))
	return newEngineAt(t, src, dir)
}

func newEngineAt(t *testing.T, src, dir string) *engine.Engine {
	t.Helper()
	e, _ := newTestEngine(t, strings.ReplaceAll(src, "DIR", dir))
	return e
}

func needs(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		t.Skipf("%s not on PATH", bin)
	}
}

// TestWorkerFaultsThroughTheEngine runs each fault of a real handler and
// checks the gateway's answer, the trace, and that the next call works.
func TestWorkerFaultsThroughTheEngine(t *testing.T) {
	t.Parallel()
	type fault struct {
		token  string
		status int
		rule   string
		trace  string // text the authorizer or response-check stage must show
	}
	common := []fault{
		{"allow", 200, "AWS-P1", "checking allow"},
		{"deny-me", 401, "AWS-R1", "threw"},
		{"boom", 500, "AWS-R4", "threw"},
		{"none", 500, "AWS-R4", "answer is null"},
		{"hang", 500, "AWS-R4", "timed out"},
		{"exit", 500, "AWS-R4", "exit"},
	}
	runtimes := []struct {
		name, bin, function string
		extra               []fault
	}{
		{"python", "python3", `{runtime: python, handler: DIR/faults.py:handler, timeout: 1s}`, []fault{
			{"as-string", 200, "AWS-P1", "checking as-string"},
			{"chatty", 200, "AWS-P1", "dropped"},
		}},
		{"node", "node", `{runtime: node, handler: DIR/faults.js:handler, timeout: 1s}`, nil},
	}
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) {
			needs(t, rt.bin)
			e := workerGateway(t, rt.function)
			for _, f := range append(append([]fault{}, common...), rt.extra...) {
				res := fire(t, e, "GET", "/r", "Authorization: Bearer "+f.token)
				if res.Response.Status != f.status || !strings.Contains(stageRules(res), f.rule) {
					t.Errorf("%s: %d %s, want %d %s", f.token, res.Response.Status, stageRules(res), f.status, f.rule)
				}
				if !stageText(res, f.trace) {
					t.Errorf("%s: the trace does not mention %q", f.token, f.trace)
				}
				// the worker is ready for the next call
				if res := fire(t, e, "GET", "/r", "Authorization: Bearer allow"); res.Response.Status != 200 {
					t.Errorf("after %s the next call answered %d", f.token, res.Response.Status)
				}
			}
		})
	}
}

func TestProcessGarbageThroughTheEngine(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	e := workerGateway(t, `{runtime: process, command: [python3, DIR/garbage_process.py], timeout: 2s}`)
	for _, c := range []struct {
		token  string
		status int
	}{{"ok", 200}, {"garbage", 500}, {"half", 500}, {"ok", 200}} {
		res := fire(t, e, "GET", "/r", "Authorization: Bearer "+c.token)
		if res.Response.Status != c.status {
			t.Errorf("%s: %d, want %d (%s)", c.token, res.Response.Status, c.status, res.Trace.Stage("response-check").Summary)
		}
	}
}

func TestExampleFunctionsThroughTheEngine(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	needs(t, "node")
	fixtures, _ := filepath.Abs(filepath.Join("..", "fixtures", "functions"))
	src := `version: 1
authorizers:
  py:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: python, handler: DIR/aws_token.py:handler}
  js:
    type: aws-request
    identitySource: [header:Authorization, query:tenant]
    function: {runtime: node, handler: DIR/aws_request.js:handler}
routes:
  - path: /py/{id}
    authorizer: py
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]
    backend: {echo: true}
  - path: /js/{id}
    authorizer: js
    backend: {echo: true}
`
	e := newEngineAt(t, src, fixtures)
	res := fire(t, e, "GET", "/py/1", "Authorization: Bearer allow-ann")
	if res.Response.Status != 200 || res.Upstream.Header.Get("X-User") == "" {
		t.Errorf("aws_token.py allow: %d, X-User %q", res.Response.Status, res.Upstream.Header.Get("X-User"))
	}
	if res := fire(t, e, "GET", "/py/1", "Authorization: Bearer deny-ann"); res.Response.Status != 403 {
		t.Errorf("aws_token.py deny: %d", res.Response.Status)
	}
	if res := fire(t, e, "GET", "/py/1", "Authorization: Bearer whatever"); res.Response.Status != 401 {
		t.Errorf("aws_token.py other: %d", res.Response.Status)
	}
	if res := fire(t, e, "GET", "/js/1?tenant=acme", "Authorization: Bearer allow"); res.Response.Status != 200 {
		t.Errorf("aws_request.js: %d %s", res.Response.Status, stageRules(res))
	}
}

func stageText(res *engine.Result, s string) bool {
	for _, st := range res.Trace.Stages {
		if strings.Contains(st.Summary, s) {
			return true
		}
		for _, d := range st.Details {
			if strings.Contains(d.Value, s) || strings.Contains(string(d.JSON), s) {
				return true
			}
		}
	}
	return false
}
