package runtime

import (
	"context"
	"os"
	"path/filepath"
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
