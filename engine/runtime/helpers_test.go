package runtime

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// needs skips a test when an interpreter is missing from the machine.
func needs(t testing.TB, prog string) {
	t.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		t.Skipf("%s not on PATH", prog)
	}
}

func testdata(t testing.TB, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newFn builds a worker function and closes it when the test ends.
func newFn(t testing.TB, spec Spec) Function {
	t.Helper()
	if spec.Name == "" {
		spec.Name = "test-fn"
	}
	fn, err := NewWorkerFunction(spec)
	if err != nil {
		t.Fatalf("NewWorkerFunction: %v", err)
	}
	t.Cleanup(func() { _ = fn.Close() })
	return fn
}

func invoke(t testing.TB, fn Function, event string) (Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return fn.Invoke(ctx, Invocation{Event: []byte(event), RequestID: "req-1", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
}

// mustInvoke calls fn and requires a clean answer (no breakage).
func mustInvoke(t testing.TB, fn Function, event string) Result {
	t.Helper()
	res, err := invoke(t, fn, event)
	if err != nil {
		t.Fatalf("Invoke: %v (logs %q)", err, res.Logs)
	}
	return res
}

func decode(t testing.TB, payload []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatalf("payload %q is not a JSON object: %v", payload, err)
	}
	return m
}
