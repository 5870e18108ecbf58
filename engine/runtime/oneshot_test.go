package runtime

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A process that answers one event and exits 0 is restarted for the next
// call instead of failing it: the event never reached the dead process.
func TestProcessOneShotCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "once.py")
	src := "import sys\nsys.stdin.readline()\nprint('{\"ok\": true}', flush=True)\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fn, err := NewWorkerFunction(Spec{Name: "once", Runtime: "process", Command: []string{"python3", script}, Dir: dir})
	if err != nil {
		t.Skip(err)
	}
	defer fn.Close()
	for i := 0; i < 3; i++ {
		res, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{"n":1}`)})
		if err != nil || string(res.Payload) != `{"ok": true}` {
			t.Fatalf("call %d: %q %v", i+1, res.Payload, err)
		}
	}
}
