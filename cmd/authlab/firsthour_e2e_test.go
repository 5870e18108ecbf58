package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRunGatewayFile: `authlab run authlab.yaml` is a common first try; it
// says the file is a gateway file instead of listing every key as unknown
// in a scenario.
func TestRunGatewayFile(t *testing.T) {
	t.Parallel()
	d := emptyDir(t)
	copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "authlab.yaml"))
	r := run(t, d, "", "run", "authlab.yaml")
	r.wantCode(t, 2)
	if !strings.HasPrefix(r.stderr, "authlab: authlab.yaml is a gateway file; pass a scenario") || strings.Contains(r.stderr, "unknown key") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestValidateEveryProblemInOneRun: a typo in a type no longer hides the
// problems behind it, and a route shadowed by a case variant of its method
// is caught.
func TestValidateEveryProblemInOneRun(t *testing.T) {
	t.Parallel()
	d := emptyDir(t)
	src := `version: 1
authorizers:
  a:
    type: aws-tokn
    identitySource: header:Authorization
    validationRegex: '^Bearer ([a-z'
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - path: /x
    methods: [GET]
    authorizer: a
    backend: {echo: true}
  - path: /x
    methods: [get]
    backend: {echo: true}
`
	if err := os.WriteFile(filepath.Join(d, "gw.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, d, "", "validate", "gw.yaml")
	r.wantCode(t, 2)
	for _, want := range []string{
		`gw.yaml:4:11: authorizers.a.type: "aws-tokn" is not one of`,
		`gw.yaml:6:22: authorizer "a": invalid validationRegex: missing closing ]`,
		`gw.yaml:13:11: duplicate route: get /x is already defined by routes[0] (line 9): methods are case-insensitive, so get is GET and routes[0] answers it; this route is never reached`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("validate does not say %q:\n%s", want, r.stdout)
		}
	}
}

// TestColorControls: CLICOLOR_FORCE colours a pipe, --color always wins
// over NO_COLOR, --color never over CLICOLOR_FORCE.
func TestColorControls(t *testing.T) {
	t.Parallel()
	colored := func(env []string, args ...string) bool {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = emptyDir(t), env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("authlab %v: %v", args, err)
		}
		return strings.Contains(string(out), "\x1b[")
	}
	plain := childEnv() // NO_COLOR=1
	var noNoColor []string
	for _, kv := range plain {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			noNoColor = append(noNoColor, kv)
		}
	}
	if colored(plain, "demo") {
		t.Error("NO_COLOR: coloured")
	}
	if colored(noNoColor, "demo") {
		t.Error("a pipe: coloured")
	}
	if !colored(append(noNoColor, "CLICOLOR_FORCE=1"), "demo") {
		t.Error("CLICOLOR_FORCE=1: not coloured")
	}
	if !colored(plain, "demo", "--color", "always") {
		t.Error("--color always with NO_COLOR: not coloured")
	}
	if colored(append(noNoColor, "CLICOLOR_FORCE=1"), "demo", "--color=never") {
		t.Error("--color never with CLICOLOR_FORCE: coloured")
	}
}

// lockedBuffer is a bytes.Buffer a child process writes while a test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until out holds n matches of re.
func waitFor(t *testing.T, out *lockedBuffer, re *regexp.Regexp, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(re.FindAllString(out.String(), -1)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %d× %q in:\n%s", n, re, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunWatch: run --watch runs again when a scenario changes, when a
// scenario is added to the folder, and when the gateway changes; Ctrl-C
// ends it with the last run's status.
func TestRunWatch(t *testing.T) {
	t.Parallel()
	d := emptyDir(t)
	copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "authlab.yaml"))
	if err := os.MkdirAll(filepath.Join(d, "scenarios"), 0o755); err != nil {
		t.Fatal(err)
	}
	scenario := func(status int) string {
		return fmt.Sprintf("gateway: ../authlab.yaml\nsteps:\n  - request: {method: GET, path: /health}\n    expect: {status: %d}\n", status)
	}
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(d, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("scenarios/health.yaml", scenario(200))
	cmd := exec.Command(binary, "run", "--watch", "scenarios")
	cmd.Dir, cmd.Env = d, childEnv()
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	watching := regexp.MustCompile(`authlab: watching \d+ file\(s\) and the scenarios under scenarios for changes`)
	waitFor(t, out, regexp.MustCompile(`(?m)^1 passed, 0 failed$`), 1)
	waitFor(t, errb, watching, 1)

	write("scenarios/health.yaml", scenario(201)) // now fails
	waitFor(t, out, regexp.MustCompile(`── scenarios/health.yaml changed: running again ──`), 1)
	waitFor(t, out, regexp.MustCompile(`(?m)^0 passed, 1 failed$`), 1)
	waitFor(t, errb, watching, 2)

	write("scenarios/more.yaml", scenario(200)) // a new scenario in the folder
	waitFor(t, out, regexp.MustCompile(`(?m)^1 passed, 1 failed$`), 1)
	waitFor(t, errb, watching, 3)

	gw, err := os.ReadFile(filepath.Join(d, "authlab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write("authlab.yaml", string(gw)+"\n# edited\n") // the gateway
	waitFor(t, out, regexp.MustCompile(`── authlab.yaml changed: running again ──`), 1)
	waitFor(t, out, regexp.MustCompile(`(?m)^1 passed, 1 failed$`), 2)
	waitFor(t, errb, watching, 4)

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); exitCodeOf(err) != 1 {
		t.Errorf("after Ctrl-C: %v, want exit 1 (the last run failed)\nstderr:\n%s", err, errb.String())
	}
}

// TestValidateLoadsHandlers: validate loads each handler as its runtime
// will, and reports a syntax or import error at the handler's file:line
// instead of passing a gateway whose first request answers 500; the
// trace of fire keeps a Node ES module syntax error's place too.
func TestValidateLoadsHandlers(t *testing.T) {
	t.Parallel()
	for _, prog := range []string{"python3", "node"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("no %s", prog)
		}
	}
	d := emptyDir(t)
	files := map[string]string{
		"fn/auth.py":  "import os\nimport no_such_module_xyz\n\ndef handler(event, context):\n    return {}\n",
		"fn/auth.mjs": "export const handler = async (event) => {\n  return {\n};;; x y\n",
		"gw.yaml": `version: 1
authorizers:
  py:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: python, handler: fn/auth.py:handler}
  js:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: node, handler: fn/auth.mjs:handler}
routes:
  - {path: /py, authorizer: py, backend: {echo: true}}
  - {path: /js, authorizer: js, backend: {echo: true}}
`,
	}
	if err := os.MkdirAll(filepath.Join(d, "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(d, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, d, "", "validate", "gw.yaml")
	r.wantCode(t, 2)
	for _, want := range []string{
		"fn/auth.mjs:3:1: the handler of authorizer \"js\" does not load (gw.yaml:10): SyntaxError: Unexpected identifier 'y'\n    3 | };;; x y\n",
		"fn/auth.py:2:1: the handler of authorizer \"py\" does not load (gw.yaml:6): ModuleNotFoundError: No module named 'no_such_module_xyz' — the handler ran under ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("validate does not say %q:\n%s", want, r.stdout)
		}
	}
	if nl := run(t, d, "", "validate", "--no-load", "gw.yaml"); nl.code != 0 || nl.stdout != "gw.yaml: ok\n" {
		t.Errorf("--no-load: exit %d\n%s", nl.code, nl.stdout)
	}
	fire := run(t, d, "", "fire", "-g", "gw.yaml", "GET", "/js", "--token", "x", "--brief")
	want := "SyntaxError: Unexpected identifier 'y' (" + filepath.Join(d, "fn", "auth.mjs") + ":3)"
	if !strings.Contains(fire.stdout, want) {
		t.Errorf("the trace lost the place of the syntax error (%q):\n%s", want, fire.stdout)
	}
}

// TestHuaweiNoHeaders: a Huawei function whose identity sources name no
// header receives no headers: validate warns, and the trace says so.
func TestHuaweiNoHeaders(t *testing.T) {
	t.Parallel()
	d := emptyDir(t)
	src := `version: 1
platform: huawei
authorizers:
  q:
    type: huawei
    identitySource: [query:token]
    function:
      runtime: mock
      responses: [{return: {statusCode: 200, body: '{"status":"allow"}'}}]
routes:
  - {path: /api, authorizer: q, backend: {echo: true}}
`
	if err := os.WriteFile(filepath.Join(d, "hw.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	v := run(t, d, "", "validate", "hw.yaml")
	v.wantCode(t, 0)
	if !strings.Contains(v.stdout, `hw.yaml:6:21: warning: authorizer "q": no identity source names a header, so its function receives no headers`) {
		t.Errorf("validate:\n%s", v.stdout)
	}
	f := run(t, d, "", "fire", "-g", "hw.yaml", "GET", "/api?token=t", "-H", "Authorization: Bearer x")
	if !strings.Contains(f.stdout, "note: the function receives no headers: APIG passes it only the headers named as identity sources") {
		t.Errorf("fire:\n%s", f.stdout)
	}
}
