package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Logs and traces written beside a handler must not restart its worker
// (a cold start per call); an edit to a source file must.
func TestWatchIgnoresNonCode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := filepath.Join(dir, "h.py")
	if err := os.WriteFile(h, []byte("import os\ndef handler(e, c):\n    return {'pid': os.getpid()}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fn, err := NewWorkerFunction(Spec{Name: "w", Runtime: "python", Handler: h + ":handler"})
	if err != nil {
		t.Skip(err)
	}
	defer fn.Close()
	call := func() Result {
		res, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := call()
	for _, name := range []string{"serve.log", "trace.json", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := call(); got.ColdStart || string(got.Payload) != string(first.Payload) {
			t.Errorf("writing %s restarted the worker", name)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "helper.py"), []byte("X = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := call(); !got.ColdStart {
		t.Errorf("a new source file beside the handler must restart the worker")
	}
}

// The watcher sees every edit made before the call that follows it, with
// or without file events (the inotify gate skips the stats only while no
// event came), in the folder and in its sub-folders; writes that are not
// code never count.
func TestWatcherSeesEveryEditBeforeTheNextCall(t *testing.T) {
	t.Parallel()
	for _, gated := range []bool{true, false} {
		dir := t.TempDir()
		write := func(rel, text string) {
			t.Helper()
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("h.py", "x = 0\n")
		write("pkg/__init__.py", "")
		w := newWatcher(dir)
		if !gated {
			w.gate.close()
			w.gate = nil
		} else if w.gate == nil {
			t.Log("no file events on this system: the stats alone are checked")
		}
		if w.changed() {
			t.Fatal("changed with no edit")
		}
		if gated && w.gate != nil && !w.gate.quiet() {
			t.Fatal("the gate reports events with no edit: every call would stat")
		}
		for i := range 200 {
			// Same size every time: only the event (or the mtime) tells.
			write("h.py", fmt.Sprintf("x = %d\n", i%10))
			if !w.changed() {
				t.Fatalf("gated=%v: edit %d of h.py not seen by the next call", gated, i)
			}
			if w.changed() {
				t.Fatalf("gated=%v: one edit counted twice", gated)
			}
			write("serve.log", strings.Repeat("x", i))
			if w.changed() {
				t.Fatalf("gated=%v: a log beside the handler counted as an edit", gated)
			}
		}
		write("pkg/new.py", "")
		if !w.changed() {
			t.Errorf("gated=%v: a module added to a package not seen", gated)
		}
		write("lib/__init__.py", "")
		if !w.changed() {
			t.Errorf("gated=%v: a new package not seen", gated)
		}
		w.close()
	}
}

// Writes to a file that is not code (serve's log beside the handler) keep
// the inotify gate quiet, so warm calls skip the stats; a write to code
// does not. Not parallel: a worker forked by another test holds copies of
// this test's open files until it execs, and the close that ends such a
// copy reaches the gate late, as an event for h.py.
func TestGateIgnoresWritesToNonCode(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"h.py", "serve.log"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g := newChangeGate(dir)
	if g == nil {
		t.Skip("no file events on this system")
	}
	defer g.close()
	log, err := os.OpenFile(filepath.Join(dir, "serve.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	g.quiet() // the opening's events, if any
	for i := range 200 {
		if _, err := fmt.Fprintf(log, "request %d\n", i); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(log.Name(), 0o600+os.FileMode(i%2)*0o040); err != nil {
			t.Fatal(err)
		}
		if !g.quiet() {
			t.Fatalf("line %d: a write to serve.log woke the gate: every call would stat the folder", i)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "h.py"), []byte("y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if g.quiet() {
		t.Fatal("an edit of h.py left the gate quiet")
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if g.quiet() {
		t.Fatal("a new file must count: it changes the folder's listing")
	}
}
