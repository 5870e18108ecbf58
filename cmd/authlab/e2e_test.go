package main

// End-to-end tests of the real binary: TestMain builds it once, each test
// runs it as a child process (NO_COLOR=1) and compares what a user sees
// with a golden file under testdata/e2e (go test ./cmd/authlab -update).

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/authlab/authlab/engine/config"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/e2e")

// binary is the authlab executable built by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "authlab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "authlab")
	build := exec.Command("go", "build", "-o", binary, "./cmd/authlab")
	build.Dir = filepath.Join("..", "..") // the repository root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building authlab: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

// run executes authlab in dir with args; stdin may be empty.
func run(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running authlab %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	if strings.Contains(errb.String(), "panic:") || strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("authlab %v crashed:\n%s", args, errb.String())
	}
	return result{args: args, stdout: out.String(), stderr: errb.String(), code: code}
}

// childEnv is the test's environment without colour or terminal hints.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NO_COLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "TERM", "COLORTERM":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_COLOR=1", "TERM=dumb")
}

func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("authlab %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, code, r.stdout, r.stderr)
	}
}

var (
	reUUID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)
	dur    = `\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h))*`
	// a stage line: "✓ route                   6µs  GET /orders/42 → ..."
	reStageDur = regexp.MustCompile(`(?m)^([✓✗] \S+) +` + dur + `  `)
	reDetail   = regexp.MustCompile(`(?m)^(\s+(?:latency|ttlLeft|elapsed|took): )` + dur + `$`)
	reStored   = regexp.MustCompile(`stored ` + dur + ` ago, ` + dur + ` left`)
	rePort     = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	reHTTPDate = regexp.MustCompile(`[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT`)
)

// normalize removes what varies between runs: request ids, timestamps,
// durations, ports.
func normalize(s string) string {
	s = reUUID.ReplaceAllString(s, "<uuid>")
	s = reTime.ReplaceAllString(s, "<time>")
	s = reStageDur.ReplaceAllString(s, "$1 <dur>  ")
	s = reDetail.ReplaceAllString(s, "${1}<dur>")
	s = reStored.ReplaceAllString(s, "stored <dur> ago, <dur> left")
	s = rePort.ReplaceAllString(s, "127.0.0.1:<port>")
	s = reHTTPDate.ReplaceAllString(s, "<http-date>")
	return s
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	in := "✓ route                   6µs  GET /x\n✗ policy                1.2ms  no\n· backend                      not called\n" +
		"      latency: 55.513µs\n      ttlLeft: 4m59.999655156s\nrequest 6b17b5f9-47a6-40f1-88e6-360340bb6d64 at 2026-11-24T19:04:04Z\n" +
		"✓ cache                   2µs  hit: stored 0s ago, 5m0s left  [AWS-C2]\n      ttl: 5m0s\n"
	want := "✓ route <dur>  GET /x\n✗ policy <dur>  no\n· backend                      not called\n" +
		"      latency: <dur>\n      ttlLeft: <dur>\nrequest <uuid> at <time>\n" +
		"✓ cache <dur>  hit: stored <dur> ago, <dur> left  [AWS-C2]\n      ttl: 5m0s\n"
	if got := normalize(in); got != want {
		t.Errorf("normalize:\n%s\nwant:\n%s", got, want)
	}
}

// golden compares a run with testdata/e2e/NAME.golden.
func golden(t *testing.T, name string, r result) {
	t.Helper()
	got := fmt.Sprintf("$ authlab %s\n[exit %d]\n--- stdout ---\n%s--- stderr ---\n%s", shellJoin(r.args), r.code, normalize(r.stdout), normalize(r.stderr))
	path := filepath.Join("testdata", "e2e", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/authlab -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// shellJoin writes args as a user would type them.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " '\"$*?{}[]|&;<>()\\#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// e2eDir is where the gateway fixtures are; runs there print short paths.
func e2eDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs(filepath.Join("testdata", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// exitCodeOf is the exit status of a finished command's error.
func exitCodeOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// emptyDir has no authlab.yaml, so commands fall back to the embedded demo.
func emptyDir(t *testing.T) string { return t.TempDir() }

func TestValidate(t *testing.T) {
	t.Parallel()
	dir := e2eDir(t)

	t.Run("valid", func(t *testing.T) {
		r := run(t, dir, "", "validate", "valid.yaml")
		r.wantCode(t, 0)
		if r.stdout != "valid.yaml: ok\n" || r.stderr != "" {
			t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
		}
		golden(t, "validate_valid", r)
	})

	t.Run("warning only", func(t *testing.T) {
		r := run(t, dir, "", "validate", "warn.yaml")
		r.wantCode(t, 0) // warnings never fail
		for _, s := range []string{"warn.yaml:6:5: warning: ", "AWS-C3", "warn.yaml: ok (1 warning(s))"} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
			}
		}
		golden(t, "validate_warning", r)
	})

	t.Run("invalid", func(t *testing.T) {
		r := run(t, dir, "", "validate", "invalid.yaml")
		r.wantCode(t, 2)
		out := r.stdout + r.stderr
		for _, s := range []string{
			`invalid.yaml:6:5: unknown key "identitySorce" in authorizers.token-lambda (did you mean "identitySource"?)`,
			"    6 |     identitySorce: header:Authorization\n      |     ^\n",
			`invalid.yaml:7:22: authorizer "token-lambda": invalid validationRegex`,
			`invalid.yaml:8:10: authorizer "token-lambda": ttl 7200s is over the maximum of 3600s (AWS-C1)`,
			`invalid.yaml:12:20: unknown method "FETCH"`,
			`invalid.yaml:13:17: route /orders/{id}: unknown authorizer "token-lamda" (did you mean "token-lambda"?)`,
			`invalid.yaml:15:45: ${request.path[orderId]}: route /orders/{id} has no path parameter {orderId}`,
			`invalid.yaml:17:11: duplicate route: GET /orders/{key} is already defined by routes[0] (line 11)`,
		} {
			if !strings.Contains(out, s) {
				t.Errorf("output lacks %q:\n%s", s, out)
			}
		}
		golden(t, "validate_invalid", r)
	})

	t.Run("several files", func(t *testing.T) {
		r := run(t, dir, "", "validate", "valid.yaml", "invalid.yaml", "warn.yaml", "missing.yaml")
		r.wantCode(t, 2)
		for _, s := range []string{"valid.yaml: ok\n", "invalid.yaml:6:5: ", "warn.yaml: ok (1 warning(s))\n", "missing.yaml: "} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
			}
		}
		// files are reported in the order given
		if i, j := strings.Index(r.stdout, "invalid.yaml:"), strings.Index(r.stdout, "warn.yaml:"); i < 0 || j < i {
			t.Errorf("files out of order:\n%s", r.stdout)
		}
		golden(t, "validate_several", r)
	})

	t.Run("valid files only", func(t *testing.T) {
		r := run(t, dir, "", "validate", "valid.yaml", "warn.yaml")
		r.wantCode(t, 0)
	})

	t.Run("json", func(t *testing.T) {
		r := run(t, dir, "", "validate", "--json", "invalid.yaml", "warn.yaml", "valid.yaml")
		r.wantCode(t, 2)
		var got []struct {
			File        string              `json:"file"`
			OK          bool                `json:"ok"`
			Diagnostics []config.Diagnostic `json:"diagnostics"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, r.stdout)
		}
		if len(got) != 3 || got[0].File != "invalid.yaml" || got[0].OK || !got[1].OK || !got[2].OK {
			t.Fatalf("results: %+v", got)
		}
		if len(got[0].Diagnostics) < 7 {
			t.Errorf("invalid.yaml: %d diagnostics, want every problem", len(got[0].Diagnostics))
		}
		for _, d := range got[0].Diagnostics {
			if d.File != "invalid.yaml" || d.Line <= 0 || d.Col <= 0 || d.Severity != config.SevError || d.Message == "" {
				t.Errorf("diagnostic %+v", d)
			}
		}
		if w := got[1].Diagnostics; len(w) != 1 || w[0].Severity != config.SevWarning || w[0].Rule != "AWS-C3" {
			t.Errorf("warn.yaml diagnostics: %+v", w)
		}
		if got[2].Diagnostics == nil || len(got[2].Diagnostics) != 0 {
			t.Errorf("valid.yaml diagnostics must be an empty list: %+v", got[2].Diagnostics)
		}
		if strings.Contains(r.stdout, "^") {
			t.Error("--json output must not hold carets")
		}
		golden(t, "validate_json", r)
	})

	t.Run("no file and no authlab.yaml", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "validate")
		r.wantCode(t, 2)
		golden(t, "validate_nothing", r)
	})

	t.Run("default authlab.yaml", func(t *testing.T) {
		d := emptyDir(t)
		copyFile(t, filepath.Join(dir, "valid.yaml"), filepath.Join(d, "authlab.yaml"))
		r := run(t, d, "", "validate")
		r.wantCode(t, 0)
		if r.stdout != "authlab.yaml: ok\n" {
			t.Errorf("stdout %q", r.stdout)
		}
	})
}

func TestSchema(t *testing.T) {
	t.Parallel()
	r := run(t, emptyDir(t), "", "schema", "gateway")
	r.wantCode(t, 0)
	var s map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if s["$id"] != config.SchemaURL("gateway") || s["type"] != "object" {
		t.Errorf("$id %v type %v", s["$id"], s["type"])
	}
	if r.stdout != string(config.SchemaJSON()) {
		t.Error("the printed schema differs from config.SchemaJSON")
	}
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}
	for _, args := range [][]string{{"schema"}, {"schema", "nope"}, {"schema", "gateway", "extra"}} {
		r := run(t, emptyDir(t), "", args...)
		r.wantCode(t, 2)
		if r.stdout != "" || !strings.HasPrefix(r.stderr, "authlab: ") {
			t.Errorf("%v: stdout %q stderr %q", args, r.stdout, r.stderr)
		}
	}
}

func TestFireDemo(t *testing.T) {
	t.Parallel()
	t.Run("allowed", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "fire", "GET", "/orders/42", "--token", "allow-alice")
		r.wantCode(t, 0)
		for _, s := range []string{"GET /orders/42  →  200 OK  authorizer token-auth called  principal alice", "Response 200 OK", `"X-User": "alice"`} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
			}
		}
		golden(t, "fire_demo_allowed", r)
	})

	t.Run("no token", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "fire", "GET", "/orders/42")
		r.wantCode(t, 0) // fire reports, it does not judge
		for _, s := range []string{"→  401 Unauthorized", "[AWS-I1]", `"message": "Unauthorized"`, "X-Amzn-Errortype: UnauthorizedException"} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
			}
		}
		golden(t, "fire_demo_no_token", r)
	})

	t.Run("cached policy gotcha", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "fire", "GET", "/orders/42", "--token", "allow-alice", "--then", "GET /users/7")
		r.wantCode(t, 0)
		first, second, ok := strings.Cut(r.stdout, strings.Repeat("─", 72))
		if !ok {
			t.Fatalf("no separator between the two requests:\n%s", r.stdout)
		}
		if !strings.Contains(first, "→  200 OK") {
			t.Errorf("first request not 200:\n%s", first)
		}
		arn := "arn:aws:execute-api:eu-west-1:123456789012:demo123abc/prod/GET/"
		for _, s := range []string{
			"GET /users/7  →  403 Forbidden  authorizer token-auth cached",
			"cached policy from " + arn + "orders/42, evaluated against " + arn + "users/7",
			"AWS-C3", "AWS-R3",
			`"Message": "User is not authorized to access this resource"`,
			"X-Amzn-Errortype: AccessDeniedException",
		} {
			if !strings.Contains(second, s) {
				t.Errorf("second request lacks %q:\n%s", s, second)
			}
		}
		golden(t, "fire_demo_then", r)
	})

	t.Run("json", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "fire", "GET", "/orders/42", "--token", "allow-alice", "--json")
		r.wantCode(t, 0)
		var doc struct {
			RequestID string `json:"requestId"`
			Route     string `json:"route"`
			Outcome   string `json:"authorizerOutcome"`
			Principal string `json:"principal"`
			Response  struct {
				Status int             `json:"status"`
				Body   json.RawMessage `json:"body"`
			} `json:"response"`
			Upstream *struct {
				Headers map[string][]string `json:"headers"`
			} `json:"upstream"`
			Stages []struct {
				Stage  string `json:"stage"`
				Status string `json:"status"`
			} `json:"stages"`
			StageStatus map[string]string `json:"stageStatus"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, r.stdout)
		}
		if doc.Response.Status != 200 || doc.Outcome != "called" || doc.Principal != "alice" || doc.Route != "/orders/{id}" {
			t.Errorf("status %d outcome %q principal %q route %q", doc.Response.Status, doc.Outcome, doc.Principal, doc.Route)
		}
		if !reUUID.MatchString(doc.RequestID) {
			t.Errorf("requestId %q", doc.RequestID)
		}
		want := map[string]string{
			"route": "ok", "identity": "ok", "cache": "ok", "authorizer": "ok", "response-check": "ok",
			"policy": "ok", "request-transform": "ok", "backend": "ok", "failure-response": "skip", "response-transform": "skip",
		}
		for stage, st := range want {
			if doc.StageStatus[stage] != st {
				t.Errorf("stage %s: %q, want %q (all: %v)", stage, doc.StageStatus[stage], st, doc.StageStatus)
			}
		}
		var order []string
		for _, s := range doc.Stages {
			order = append(order, s.Stage)
		}
		if got := strings.Join(order, ","); got != "route,identity,cache,authorizer,response-check,policy,request-transform,backend,failure-response,response-transform" {
			t.Errorf("stage order %s", got)
		}
		if doc.Upstream == nil || doc.Upstream.Headers["X-User"][0] != "alice" {
			t.Errorf("upstream %+v", doc.Upstream)
		}
		if strings.Contains(r.stdout, "allow-alice") {
			t.Error("--json without --reveal shows the token")
		}
	})

	t.Run("json with then is a list", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "fire", "GET", "/orders/42", "--token", "allow-alice", "--then", "GET /users/7", "--json")
		r.wantCode(t, 0)
		var docs []struct {
			Outcome  string `json:"authorizerOutcome"`
			Response struct {
				Status int `json:"status"`
			} `json:"response"`
			StageStatus map[string]string `json:"stageStatus"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &docs); err != nil {
			t.Fatalf("not a JSON list: %v", err)
		}
		if len(docs) != 2 || docs[0].Response.Status != 200 || docs[1].Response.Status != 403 || docs[1].Outcome != "cached" || docs[1].StageStatus["policy"] != "fail" || docs[1].StageStatus["authorizer"] != "skip" {
			t.Errorf("docs = %+v", docs)
		}
	})

	t.Run("reveal", func(t *testing.T) {
		hidden := run(t, emptyDir(t), "", "fire", "GET", "/orders/42", "--token", "allow-alice")
		shown := run(t, emptyDir(t), "", "fire", "GET", "/orders/42", "--token", "allow-alice", "--reveal")
		hidden.wantCode(t, 0)
		shown.wantCode(t, 0)
		if strings.Contains(hidden.stdout, "allow-alice") {
			t.Errorf("the token shows without --reveal:\n%s", hidden.stdout)
		}
		if !strings.Contains(hidden.stdout, "Bearer all…") {
			t.Errorf("no abbreviated token without --reveal:\n%s", hidden.stdout)
		}
		if !strings.Contains(shown.stdout, `"authorizationToken": "Bearer allow-alice"`) || !strings.Contains(shown.stdout, `"Authorization": "Bearer allow-alice"`) {
			t.Errorf("--reveal does not show the full token:\n%s", shown.stdout)
		}
		if strings.Contains(shown.stdout, "Bearer all…") {
			t.Errorf("--reveal still abbreviates:\n%s", shown.stdout)
		}
		golden(t, "fire_demo_reveal", shown)
	})

	t.Run("the demo says so, on stderr and in --json", func(t *testing.T) {
		// A user whose file is gateway.yaml would otherwise get the
		// demo's puzzling 403 for their own route.
		d := emptyDir(t)
		copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "gateway.yaml"))
		r := run(t, d, "", "fire", "GET", "/orders/42")
		r.wantCode(t, 0)
		want := "authlab: note: no ./authlab.yaml (nor ./authlab.yml or $AUTHLAB_GATEWAY): running the embedded demo gateway; for gateway.yaml pass -g gateway.yaml\n"
		if r.stderr != want {
			t.Errorf("stderr %q, want %q", r.stderr, want)
		}
		j := run(t, d, "", "fire", "GET", "/orders/42", "--json")
		var doc struct {
			Gateway struct {
				File   string `json:"file"`
				Demo   bool   `json:"demo"`
				Notice string `json:"notice"`
			} `json:"gateway"`
		}
		if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil {
			t.Fatal(err)
		}
		if !doc.Gateway.Demo || doc.Gateway.File != "<demo>/authlab.yaml" || !strings.Contains(doc.Gateway.Notice, "pass -g gateway.yaml") {
			t.Errorf("--json gateway = %+v", doc.Gateway)
		}
		// With a file of one's own, neither.
		own := run(t, d, "", "fire", "-g", "gateway.yaml", "GET", "/health", "--json")
		if own.stderr != "" || strings.Contains(own.stdout, `"gateway"`) {
			t.Errorf("-g gateway.yaml: stderr %q, stdout mentions the gateway:\n%s", own.stderr, own.stdout)
		}
	})

	t.Run("authlab.yml and AUTHLAB_GATEWAY are read", func(t *testing.T) {
		d := emptyDir(t)
		copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "authlab.yml"))
		r := run(t, d, "", "fire", "GET", "/orders/42", "--token", "good")
		r.wantCode(t, 0)
		if !strings.Contains(r.stdout, "→  201 Created") || r.stderr != "" {
			t.Errorf("did not use ./authlab.yml:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		}
		d2 := emptyDir(t)
		copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d2, "mine.yaml"))
		cmd := exec.Command(binary, "fire", "GET", "/orders/42", "--token", "good")
		cmd.Dir, cmd.Env = d2, append(childEnv(), "AUTHLAB_GATEWAY=mine.yaml")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "→  201 Created") || strings.Contains(string(out), "demo") {
			t.Errorf("AUTHLAB_GATEWAY=mine.yaml: %v\n%s", err, out)
		}
		cmd = exec.Command(binary, "fire", "GET", "/orders/42")
		cmd.Dir, cmd.Env = d2, append(childEnv(), "AUTHLAB_GATEWAY=gone.yaml")
		out, err = cmd.CombinedOutput()
		if code := exitCodeOf(err); code != 2 || string(out) != "authlab: AUTHLAB_GATEWAY=gone.yaml: no such file\n" {
			t.Errorf("AUTHLAB_GATEWAY=gone.yaml: exit %d\n%s", code, out)
		}
	})

	t.Run("a route miss lists the routes", func(t *testing.T) {
		r := run(t, emptyDir(t), "", "fire", "GET", "/order/42", "--brief")
		r.wantCode(t, 0)
		want := "no route matches GET /order/42; the gateway has GET /health, GET,PUT /orders/{id}, GET /users/{id}, GET /reports/{key+}  [AWS-R7]"
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	})

	t.Run("authlab.yaml in the folder wins over the demo", func(t *testing.T) {
		d := emptyDir(t)
		copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "authlab.yaml"))
		r := run(t, d, "", "fire", "GET", "/orders/42", "--token", "good")
		r.wantCode(t, 0)
		if !strings.Contains(r.stdout, "→  201 Created") || !strings.Contains(r.stdout, "created") {
			t.Errorf("did not use ./authlab.yaml:\n%s", r.stdout)
		}
	})
}

func TestFireStockGateway(t *testing.T) {
	t.Parallel()
	dir := e2eDir(t)
	r := run(t, dir, "", "fire", "-g", "valid.yaml", "GET", "/health")
	r.wantCode(t, 0)
	for _, s := range []string{"GET /health  →  200 OK", "X-Stock: yes", `"status": "ok"`} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	golden(t, "fire_stock", r)

	r = run(t, dir, "", "fire", "-g", "valid.yaml", "PUT", "/orders/7", "--token", "good", "--brief")
	r.wantCode(t, 0)
	if !strings.Contains(r.stdout, "PUT /orders/7  →  201 Created  authorizer token-lambda called  principal alice") || !strings.Contains(r.stdout, "created") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	golden(t, "fire_stock_brief", r)

	// AWS-I2: a token failing validationRegex never reaches the function
	r = run(t, dir, "", "fire", "-g", "valid.yaml", "GET", "/orders/7", "-H", "Authorization: Basic abc")
	r.wantCode(t, 0)
	if !strings.Contains(r.stdout, "→  401 Unauthorized") || !strings.Contains(r.stdout, "AWS-I2") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// TestFireHTTPAuthorizerAndUpstream runs a gateway whose authorizer is an
// `http` runtime and whose backend is a real URL, both httptest servers.
func TestFireHTTPAuthorizerAndUpstream(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []map[string]any
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || json.Unmarshal(body, &ev) != nil {
			http.Error(w, "want a POSTed JSON event", http.StatusBadRequest)
			return
		}
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if ev["authorizationToken"] != "Bearer good-token" {
			// a Lambda that threw "Unauthorized" (AWS-R1)
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			fmt.Fprint(w, `{"errorMessage":"Unauthorized","errorType":"Error"}`)
			return
		}
		fmt.Fprint(w, `{"principalId":"alice","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]},"context":{"user":"alice","tier":3}}`)
	}))
	defer auth.Close()

	type seen struct {
		method, path, query string
		header              http.Header
		body                string
	}
	upstreamCalls := make(chan seen, 4)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		upstreamCalls <- seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "yes")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"from":"upstream"}`)
	}))
	defer upstream.Close()

	dir := t.TempDir()
	gw := fmt.Sprintf(`version: 1
name: e2e-http
authorizers:
  remote:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: http, url: "%s/authorize", timeout: 5s}
routes:
  - path: /orders/{id}
    methods: [POST]
    authorizer: remote
    requestTransformations:
      setHeaders:
        - {name: X-User, values: ["${request.auth[user]}"], ifExists: OVERWRITE}
        - {name: X-Order, values: ["${request.path[id]}"]}
    backend: {url: "%s", timeout: 5s}
`, auth.URL, upstream.URL)
	if err := os.WriteFile(filepath.Join(dir, "gateway.yaml"), []byte(gw), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("allowed", func(t *testing.T) {
		r := run(t, dir, "", "fire", "-g", "gateway.yaml", "POST", "/orders/42?x=1",
			"--token", "good-token", "-H", "X-User: mallory", "-H", "Content-Type: application/json", "-d", `{"qty":2}`, "--json")
		r.wantCode(t, 0)
		var doc struct {
			Outcome  string `json:"authorizerOutcome"`
			Response struct {
				Status  int                 `json:"status"`
				Headers map[string][]string `json:"headers"`
				Body    json.RawMessage     `json:"body"`
			} `json:"response"`
			StageStatus map[string]string `json:"stageStatus"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, r.stdout)
		}
		if doc.Response.Status != http.StatusAccepted || doc.Outcome != "called" || doc.Response.Headers["X-Upstream"][0] != "yes" {
			t.Errorf("status %d outcome %q headers %v\n%s", doc.Response.Status, doc.Outcome, doc.Response.Headers, r.stdout)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, doc.Response.Body); err != nil || compact.String() != `{"from":"upstream"}` {
			t.Errorf("body %s", doc.Response.Body)
		}
		var got seen
		select {
		case got = <-upstreamCalls:
		default:
			t.Fatal("the upstream was not called")
		}
		if got.method != "POST" || got.path != "/orders/42" || got.query != "x=1" || got.body != `{"qty":2}` {
			t.Errorf("upstream got %s %s ? %s body %q", got.method, got.path, got.query, got.body)
		}
		// ALL-1: the header set from the authorizer's context overwrote the client's
		if v := got.header.Values("X-User"); len(v) != 1 || v[0] != "alice" {
			t.Errorf("upstream X-User = %q, want exactly [alice] (client sent mallory)", v)
		}
		if v := got.header.Get("X-Order"); v != "42" {
			t.Errorf("upstream X-Order = %q", v)
		}
		if !strings.Contains(r.stdout, "mallory") || !strings.Contains(r.stdout, "overwr") {
			t.Errorf("the trace does not list the overwritten client value:\n%s", r.stdout)
		}
		mu.Lock()
		ev := events[len(events)-1]
		mu.Unlock()
		// AWS-E1: exactly type, authorizationToken, methodArn; AWS-E2 with the default account details
		if len(ev) != 3 || ev["type"] != "TOKEN" || ev["authorizationToken"] != "Bearer good-token" ||
			ev["methodArn"] != "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/orders/42" {
			t.Errorf("TOKEN event = %v", ev)
		}
	})

	t.Run("text trace", func(t *testing.T) {
		r := run(t, dir, "", "fire", "-g", "gateway.yaml", "POST", "/orders/42", "--token", "good-token", "-H", "X-User: mallory")
		r.wantCode(t, 0)
		<-upstreamCalls
		if !strings.Contains(r.stdout, "POST /orders/42  →  202 Accepted  authorizer remote called  principal alice") {
			t.Errorf("stdout:\n%s", r.stdout)
		}
		golden(t, "fire_http", r)
	})

	t.Run("function says Unauthorized", func(t *testing.T) {
		before := len(upstreamCalls)
		r := run(t, dir, "", "fire", "-g", "gateway.yaml", "POST", "/orders/42", "--token", "bad-token")
		r.wantCode(t, 0)
		if !strings.Contains(r.stdout, "→  401 Unauthorized") || !strings.Contains(r.stdout, "AWS-R1") {
			t.Errorf("stdout:\n%s", r.stdout)
		}
		if len(upstreamCalls) != before {
			t.Error("the upstream was called for a refused request")
		}
	})
}

func TestFireUsageErrors(t *testing.T) {
	t.Parallel()
	dir := e2eDir(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"one argument", []string{"fire", "GET"}, "fire needs METHOD and PATH"},
		{"three arguments", []string{"fire", "GET", "/a", "/b"}, "fire needs METHOD and PATH"},
		{"bad header", []string{"fire", "GET", "/orders/42", "-H", "no-colon-here"}, `invalid header "no-colon-here"`},
		{"unknown flag", []string{"fire", "GET", "/orders/42", "--nope"}, "unknown flag: --nope"},
		{"missing gateway file", []string{"fire", "-g", "missing.yaml", "GET", "/orders/42"}, "missing.yaml"},
		{"bad then", []string{"fire", "GET", "/orders/42", "--then", "GET"}, `--then "GET"`},
		{"path without slash", []string{"fire", "GET", "orders"}, `invalid path "orders"`},
		{"missing body file", []string{"fire", "POST", "/orders/42", "-d", "@nope.json"}, "nope.json"},
		{"unknown command", []string{"frie", "GET", "/"}, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, dir, "", c.args...)
			r.wantCode(t, 2)
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("usage errors print nothing on stdout, got:\n%s", r.stdout)
			}
			golden(t, "usage_"+strings.ReplaceAll(c.name, " ", "_"), r)
		})
	}

	t.Run("invalid gateway file", func(t *testing.T) {
		r := run(t, dir, "", "fire", "-g", "invalid.yaml", "GET", "/orders/42")
		r.wantCode(t, 2)
		if r.stdout != "" || !strings.Contains(r.stderr, "invalid.yaml:6:5: unknown key") || !strings.Contains(r.stderr, "      |     ^") {
			t.Errorf("stdout %q\nstderr:\n%s", r.stdout, r.stderr)
		}
		golden(t, "usage_invalid_gateway", r)
	})
}

func TestDemo(t *testing.T) {
	t.Parallel()
	r := run(t, emptyDir(t), "", "demo")
	r.wantCode(t, 0)
	for _, id := range []string{"AWS-I1", "AWS-I2", "AWS-C2", "AWS-C3", "AWS-R1", "AWS-R2", "AWS-R3", "AWS-R5", "AWS-R7", "AWS-I3"} {
		if !strings.Contains(r.stdout, id) {
			t.Errorf("demo output lacks rule %s", id)
		}
	}
	for _, s := range []string{"Missing Authentication Token", "explicit deny", "Calls per authorizer:"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("demo output lacks %q", s)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour escape codes with NO_COLOR=1")
	}
	golden(t, "demo", r)

	// A folder's authlab.yaml does not change the demo: it is the embedded one.
	d := emptyDir(t)
	copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "authlab.yaml"))
	if r2 := run(t, d, "", "demo"); normalize(r2.stdout) != normalize(r.stdout) {
		t.Error("demo output depends on ./authlab.yaml")
	}

	p := run(t, emptyDir(t), "", "demo", "--print")
	p.wantCode(t, 0)
	if !strings.HasPrefix(p.stdout, "# yaml-language-server: $schema=") || !strings.Contains(p.stdout, "token-auth:") {
		t.Errorf("demo --print:\n%s", p.stdout)
	}
	// the printed demo is a valid gateway file (one AWS-C3 warning)
	d = emptyDir(t)
	if err := os.WriteFile(filepath.Join(d, "authlab.yaml"), []byte(p.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	v := run(t, d, "", "validate")
	v.wantCode(t, 0)
	if !strings.Contains(v.stdout, "authlab.yaml: ok (1 warning(s))") {
		t.Errorf("validate of the printed demo:\n%s", v.stdout)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
