package tui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
)

// guardGateway: /admin/{x} is guarded by a mock authorizer whose line
// comes last but for the /done route, so a save cut before that line
// still parses, with the route unguarded.
func guardGateway(version string, guarded bool) (head, tail string) {
	head = fmt.Sprintf(`version: 1
authorizers:
  admin:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - path: /v
    backend: {stock: {status: 200, body: %s}}
  - path: /admin/{x}
    backend: {echo: true}
`, version)
	if guarded {
		tail = "    authorizer: admin\n"
	}
	tail += fmt.Sprintf("  - path: /done\n    backend: {stock: {status: 200, body: %s}}\n", version)
	return head, tail
}

// TestLiveReloadHalfWrittenFileKeepsAuthorizer: a save written in two
// parts with a pause longer than the watcher's debounce, the first part
// parsing but lacking the route's authorizer, never runs unguarded; a
// finished save that removes the authorizer is applied with a visible
// notice naming the route and the authorizer.
func TestLiveReloadHalfWrittenFileKeepsAuthorizer(t *testing.T) {
	t.Chdir(t.TempDir())
	path := "authlab.yaml"
	h, tl := guardGateway("v1", true)
	writeFile(t, path, h+tl)
	o := testOptions(t)
	o.Gateway, o.NoWatch = path, false
	r := start(t, o, 120, 30)
	var e *engine.Engine
	r.screen(func(m *Model) bool { e = m.c.S.Engine; return e != nil })

	do := func(p string) (int, string) {
		req, err := engine.NewRequest("GET", p, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		res := e.Do(context.Background(), req)
		return res.Response.Status, string(res.Response.Body)
	}
	if status, _ := do("/admin/x"); status != 401 {
		t.Fatalf("/admin/x before any edit: %d", status)
	}
	var (
		stop         = make(chan struct{})
		wg           sync.WaitGroup
		open, polled atomic.Int64
	)
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if status, _ := do("/admin/x"); status != 401 {
					open.Add(1)
				}
				polled.Add(1)
			}
		})
	}
	waitBody := func(p, want string) {
		t.Helper()
		// A backstop against a hang, not a measure of speed.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, body := do(p); body == want {
				return
			}
		}
		t.Fatalf("%s never answered %q", p, want)
	}
	// The watcher's debounce is 150 ms: pauses on either side of debounce
	// plus settle, so both the settle check and the hold catch a half.
	for i, pause := range []time.Duration{200 * time.Millisecond, 450 * time.Millisecond} {
		version := fmt.Sprintf("v%d", i+2)
		h, tl := guardGateway(version, true)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(h); err != nil {
			t.Fatal(err)
		}
		time.Sleep(pause)
		if _, err := f.WriteString(tl); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		waitBody("/done", version)
	}
	close(stop)
	wg.Wait()
	if n := open.Load(); n > 0 {
		t.Errorf("%d of %d requests to /admin/x ran without its authorizer while the file was half written", n, polled.Load())
	} else {
		t.Logf("%d requests to /admin/x during two split saves, none unguarded", polled.Load())
	}

	// A finished save that removes the authorizer is applied, visibly.
	h, tl = guardGateway("v9", false)
	writeFile(t, path, h+tl)
	s := r.screen(func(m *Model) bool { return len(m.unguarded) > 0 })
	t.Logf("screen after the authorizer was removed:\n%s", s)
	for _, want := range []string{"reload removed protection", "/admin/{x}", `authorizer "admin" removed`} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q after the authorizer was removed:\n%s", want, s)
		}
	}
	if status, _ := do("/admin/x"); status != 200 {
		t.Errorf("/admin/x after the authorizer was removed: %d", status)
	}
	r.quit()
}
