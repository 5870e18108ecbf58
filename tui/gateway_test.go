package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const validGateway = `version: 1
name: reload-test
aws: {region: eu-west-1, account: "123456789012", apiId: a1b2c3d4e5, stage: prod}
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    function:
      runtime: mock
      responses:
        - when: {token: Bearer slow}
          delay: 20s
          return: Unauthorized
        - return: Unauthorized
    # a comment
routes:
  - path: /orders/{id}
    authorizer: tok
    backend: {echo: true}
`

// invalidGateway misspells a key on line 6 and names an unknown authorizer.
const invalidGateway = `version: 1
name: reload-test
authorizers:
  tok:
    type: aws-token
    identitySorce: header:Authorization
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - path: /orders/{id}
    authorizer: tokk
    backend: {echo: true}
`

func writeFile(t *testing.T, path, src string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInvalidGatewayAtStart opens on a broken file: the TUI shows every
// problem as file:line:col with a caret instead of exiting, and R loads
// the file once it is fixed.
func TestInvalidGatewayAtStart(t *testing.T) {
	t.Chdir(t.TempDir()) // file names in messages are then the same in every run
	path := "authlab.yaml"
	writeFile(t, path, invalidGateway)
	o := testOptions(t)
	o.Gateway = path
	r := start(t, o, 100, 30)
	s := r.golden("error-screen", nil)
	for _, want := range []string{"authlab.yaml:6:5: unknown key \"identitySorce\"", "^", "R reload"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the error screen lacks %q:\n%s", want, s)
		}
	}
	r.keys("f") // nothing to fire at: ignored, no crash
	writeFile(t, path, validGateway)
	r.keys("R")
	s = r.screen(func(m *Model) bool { return m.c.S.Engine != nil })
	if !strings.Contains(s, "/orders/{id}") || !strings.Contains(s, "loaded") {
		t.Fatalf("after R the routes should show:\n%s", s)
	}
	r.quit()
}

// TestLiveReload edits the gateway file under a running TUI: a broken edit
// is reported (banner, file:line:col) while the previous configuration
// keeps answering; the fix reloads by itself.
func TestLiveReload(t *testing.T) {
	t.Chdir(t.TempDir()) // file names in messages are then the same in every run
	path := "authlab.yaml"
	writeFile(t, path, validGateway)
	o := testOptions(t)
	o.Gateway, o.NoWatch = path, false
	r := start(t, o, 100, 30)

	writeFile(t, path, invalidGateway)
	s := r.golden("banner", func(m *Model) bool { return m.c.S.LoadErr != nil })
	if !strings.Contains(s, "authlab.yaml:4:3") || !strings.Contains(s, "(+2 more)") || !strings.Contains(s, "previous config runs") {
		t.Fatalf("a broken edit should be reported with its position:\n%s", s)
	}
	// The previous configuration still answers.
	r.keys("enter", "f") // the routes have the focus: the first route into the composer, fired
	if s = r.screen(idle(1)); !strings.Contains(s, "401 Unauthorized") {
		t.Fatalf("the old engine should keep answering:\n%s", s)
	}
	r.keys("!")
	if s = r.screen(nil); !strings.Contains(s, "unknown authorizer \"tokk\"") {
		t.Fatalf("! should list every problem:\n%s", s)
	}
	writeFile(t, path, strings.Replace(validGateway, "reload-test", "reloaded", 1))
	s = r.screen(func(m *Model) bool { return m.c.S.LoadErr == nil && m.c.S.Generation == 2 })
	if !strings.Contains(s, "reloaded ·") || strings.Contains(s, "previous config runs") {
		t.Fatalf("fixing the file should reload it:\n%s", s)
	}
	r.quit()
}

// TestCancel fires at an authorizer that takes 20 s: the UI stays live
// (spinner) and Esc cancels the request.
func TestCancel(t *testing.T) {
	t.Chdir(t.TempDir()) // file names in messages are then the same in every run
	path := "authlab.yaml"
	writeFile(t, path, validGateway)
	o := testOptions(t)
	o.Gateway = path
	r := start(t, o, 100, 30)
	r.keys("enter", "down", "down", "down", "enter") // the route into the composer, on to its headers
	r.typeText("Authorization: Bearer slow")
	r.keys("esc", "f")
	s := r.screen(func(m *Model) bool { return m.cancel != nil })
	if !strings.Contains(s, "running… esc cancels") {
		t.Fatalf("a running request should show a spinner:\n%s", s)
	}
	begin := time.Now()
	r.keys("esc")
	s = r.screen(idle(1))
	if time.Since(begin) >= 20*time.Second {
		t.Fatalf("the screen waited for the authorizer's 20 s (%v): esc did not cancel", time.Since(begin))
	}
	if !r.m.c.S.History[0].Cancelled || !strings.Contains(s, "cancelled") {
		t.Fatalf("the request should be marked cancelled:\n%s", s)
	}
	if !strings.Contains(s, "cancelled — no answer") || strings.Contains(s, "500 Internal") {
		t.Fatalf("a cancelled request has no answer to show:\n%s", s)
	}
	r.quit()
}

// TestQuitStopsWorkers runs a Python handler as a warm worker, edits the
// handler (the engine reloads and restarts its worker), and checks that
// quitting leaves no worker process behind. Not parallel: it counts this
// process's children, and another test's short-lived child (a shim probe,
// a worker) coming or going between two counts made it fail or pass for
// the wrong reason.
func TestQuitStopsWorkers(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc to list child processes")
	}
	dir := t.TempDir()
	handler, err := os.ReadFile("../fixtures/functions/aws_token.py")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "auth.py"), string(handler))
	path := filepath.Join(dir, "authlab.yaml")
	writeFile(t, path, `version: 1
authorizers:
  py:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0s
    function: {runtime: python, handler: auth.py:handler, timeout: 10s}
routes:
  - path: /orders/{id}
    authorizer: py
    backend: {echo: true}
`)
	before := len(childPIDs(t))
	o := testOptions(t)
	o.Gateway, o.NoWatch = path, false
	r := start(t, o, 100, 30)
	r.keys("enter", "down", "down", "down", "enter") // the route into the composer, on to its headers
	r.typeText("Authorization: Bearer allow-alice")
	r.keys("esc", "f")
	s := r.screen(idle(1))
	if !strings.Contains(s, "200 OK") {
		t.Fatalf("the Python handler should allow alice:\n%s", s)
	}
	if len(childPIDs(t)) <= before {
		t.Fatalf("no worker process was started")
	}
	// Editing the handler reloads the engine: the new code answers.
	edited := strings.Replace(string(handler), "policy = AuthPolicy(user)", `policy = AuthPolicy(user + "-v2")`, 1)
	if edited == string(handler) {
		t.Fatal("the handler fixture changed: the edit below edits nothing")
	}
	writeFile(t, filepath.Join(dir, "auth.py"), edited)
	r.screen(func(m *Model) bool { return m.c.S.Generation == 2 })
	r.keys("f")
	r.screen(idle(2))
	if got := r.m.c.S.History[1].Result.Principal; got != "alice-v2" {
		t.Fatalf("the edited handler did not run: principal %q", got)
	}
	r.quit()
	r.m.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(childPIDs(t)) > before {
		if time.Now().After(deadline) {
			t.Fatalf("worker processes left after quit: %v", childPIDs(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// childPIDs lists this process's children (every thread's).
func childPIDs(t *testing.T) []string {
	t.Helper()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var out []string
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		out = append(out, strings.Fields(string(b))...)
	}
	return out
}

// TestDemoNotice: run without a gateway file, the TUI says it runs the
// embedded demo, as fire and serve say on stderr.
func TestDemoNotice(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	o.Notice = "no ./authlab.yaml: running the embedded demo gateway"
	r := start(t, o, 110, 32)
	if s := r.screen(func(m *Model) bool { return m.status != "" }); !strings.Contains(s, o.Notice) {
		t.Errorf("the status bar does not say it runs the demo:\n%s", s)
	}
}

// TestOpensOnTheRoutes: the TUI opens with the routes pane focused and the
// first protected route in the composer, so arrows and enter choose a
// route (they used to move between the composer's fields and start
// editing one), and t, f fire the route at once.
func TestOpensOnTheRoutes(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	// The model is read on the program's goroutine, in screen conditions.
	var onRoutes bool
	var path string
	r.screen(func(m *Model) bool {
		onRoutes = m.tab == tabFire && m.focus[tabFire] == 0 && m.active() == Component(m.routes)
		path = m.composer.path.Value()
		return true
	})
	if !onRoutes {
		t.Fatalf("the routes pane does not have the focus")
	}
	if path != "/orders/{id}" {
		t.Errorf("composer path %q, want the first protected route /orders/{id}", path)
	}
	r.keys("down", "enter")
	var editing bool
	s := r.screen(func(m *Model) bool {
		editing = m.composer.editing
		return m.composer.path.Value() == "/users/{id}"
	})
	if editing {
		t.Errorf("enter on a route started editing a field:\n%s", s)
	}
	r.keys("t", "enter", "f")
	if s := r.screen(idle(1)); !strings.Contains(s, "GET /users/1 → 403 Forbidden") && !strings.Contains(s, "GET /users/1 → 200 OK") {
		t.Errorf("t, enter, f did not fire the chosen route:\n%s", s)
	}
	r.quit()
}
