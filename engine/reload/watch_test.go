package reload

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// fast keeps the tests quick; the delays' order is what matters.
var fast = Options{Debounce: 20 * time.Millisecond, Settle: 20 * time.Millisecond, Confirm: 150 * time.Millisecond}

func jwtGateway(route string) string {
	return `version: 1
authorizers:
  jwt:
    type: jwt
    jwks: keys.json
routes:
` + route
}

const guardedRoute = "  - path: /admin/{x}\n    authorizer: jwt\n    backend: {echo: true}\n"

func setup(t *testing.T, gateway string) (path string, g *config.Gateway, w *Watcher) {
	t.Helper()
	dir := t.TempDir()
	jwks, err := os.ReadFile("../../fixtures/keys/rsa.jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "keys.json"), string(jwks))
	path = filepath.Join(dir, "gw.yaml")
	write(t, path, gateway)
	g, diags, err := config.LoadFile(path)
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	w, err = Watch(path, g, fast)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return path, g, w
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next waits for the watcher's next event; the bound is a backstop
// against a hang, not a measure of speed.
func next(t *testing.T, w *Watcher) Event {
	t.Helper()
	select {
	case ev := <-w.Events():
		return ev
	case <-time.After(20 * time.Second):
		t.Fatal("no event")
	}
	return Event{}
}

// quiet checks that no event comes while the watcher has time to read a
// change through.
func quiet(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case ev := <-w.Events():
		t.Fatalf("unexpected event %v %v: %v", ev.Kind, ev.Paths, ev.Err)
	case <-time.After(10 * (fast.Debounce + fast.Settle)):
	}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := &config.Gateway{File: filepath.Join(dir, "gw.yaml"), Dir: dir,
		Authorizers: []*config.Authorizer{
			{Name: "jwt", Type: "jwt", Options: &engine.JWTOptions{JWKS: "keys/jwks.json"}},
			{Name: "pem", Type: "jwt", Options: &engine.JWTOptions{PublicKey: "/abs/pub.pem"}},
			{Name: "py", Type: "aws-token", Function: &config.Function{Runtime: "python", Handler: "fns/auth.py:handler"}},
			{Name: "sh", Type: "aws-token", Function: &config.Function{Runtime: "process", Dir: "bin", Command: []string{"bash", "-e", "auth.sh"}}},
		},
		Tokens: []*config.TokenSpec{{Name: "alice", SecretFile: "s.txt"}, {Name: "bob", Key: "keys/jwks.json"}},
	}
	got := Files(g)
	want := []string{filepath.Join(dir, "gw.yaml"), filepath.Join(dir, "keys/jwks.json"), "/abs/pub.pem",
		filepath.Join(dir, "fns/auth.py"), filepath.Join(dir, "bin/auth.sh"), filepath.Join(dir, "s.txt")}
	if !slices.Equal(got, want) {
		t.Errorf("Files:\n got %q\nwant %q", got, want)
	}
	if handlerFile(`C:\fns\auth.py:handler`) != `C:\fns\auth.py` || handlerFile("auth.py") != "auth.py" {
		t.Error("handlerFile does not find the function after the last colon")
	}
}

// TestWatchKeyFile: editing the JWKS a gateway names is a change like an
// edit of the gateway file; saving the same bytes again is none.
func TestWatchKeyFile(t *testing.T) {
	t.Parallel()
	path, _, w := setup(t, jwtGateway(guardedRoute))
	jwks := filepath.Join(filepath.Dir(path), "keys.json")
	ec, err := os.ReadFile("../../fixtures/keys/ec-p256.jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	write(t, jwks, string(ec))
	ev := next(t, w)
	if ev.Kind != Changed || !slices.Equal(ev.Paths, []string{jwks}) || ev.Gateway == nil {
		t.Fatalf("editing the JWKS: %v %v %v", ev.Kind, ev.Paths, ev.Err)
	}
	ev.Done(nil)
	write(t, jwks, string(ec))
	quiet(t, w)
}

// TestWatchFailedThenGood: a version that does not load is reported with
// its positions; saving the last good version again loads it (it is no
// longer what the user last saw reported).
func TestWatchFailedThenGood(t *testing.T) {
	t.Parallel()
	good := jwtGateway(guardedRoute)
	path, _, w := setup(t, good)
	write(t, path, strings.Replace(good, "authorizer: jwt", "authorizer: jtw", 1))
	ev := next(t, w)
	if ev.Kind != Failed || ev.Diags == nil || !strings.Contains(ev.Diags.Format(false), "gw.yaml:8:17") {
		t.Fatalf("a broken save: %v %v", ev.Kind, ev.Err)
	}
	write(t, path, good)
	if ev = next(t, w); ev.Kind != Changed {
		t.Fatalf("the good version saved again: %v %v", ev.Kind, ev.Err)
	}
	ev.Done(nil)
	write(t, path, good)
	quiet(t, w)
}

// TestWatchRemovalIsHeld: a version that takes a route's authorizer away
// is announced, held for Confirm, then offered with the removal; one that
// changes again meanwhile is dropped.
func TestWatchRemovalIsHeld(t *testing.T) {
	t.Parallel()
	path, _, w := setup(t, jwtGateway(guardedRoute))
	open := jwtGateway("  - path: /admin/{x}\n    backend: {echo: true}\n")
	write(t, path, open)
	ev := next(t, w)
	if ev.Kind != Held || len(ev.Removed) != 1 || ev.Removed[0].Authorizer != "jwt" {
		t.Fatalf("a removal: %v %v", ev.Kind, ev.Removed)
	}
	write(t, path, open+"  - path: /more\n    backend: {echo: true}\n")
	if ev = next(t, w); ev.Kind != Dropped {
		t.Fatalf("a held version that changed: %v", ev.Kind)
	}
	if ev = next(t, w); ev.Kind != Held {
		t.Fatalf("the newer version: %v", ev.Kind)
	}
	ev = next(t, w)
	if ev.Kind != Changed || len(ev.Removed) != 1 || len(ev.Gateway.Routes) != 2 {
		t.Fatalf("the confirmed removal: %v %v", ev.Kind, ev.Removed)
	}
	ev.Done(nil)
}

// TestWatchRefusedIsRetried: when the subscriber cannot apply a version
// (the engine refuses it), the same bytes saved again are offered again.
func TestWatchRefusedIsRetried(t *testing.T) {
	t.Parallel()
	path, _, w := setup(t, jwtGateway(guardedRoute))
	v2 := jwtGateway(guardedRoute + "  - path: /v2\n    backend: {echo: true}\n")
	write(t, path, v2)
	ev := next(t, w)
	if ev.Kind != Changed {
		t.Fatalf("v2: %v %v", ev.Kind, ev.Err)
	}
	ev.Done(os.ErrInvalid)
	write(t, path, v2)
	if ev = next(t, w); ev.Kind != Changed {
		t.Fatalf("v2 again after a refusal: %v %v", ev.Kind, ev.Err)
	}
	ev.Done(nil)
}
