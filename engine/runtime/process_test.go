package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func procFn(t testing.TB, mod ...func(*Spec)) Function {
	t.Helper()
	needs(t, "python3")
	spec := Spec{Runtime: "process", Command: []string{"python3", "lines.py"}, Dir: testdata(t, "proc")}
	for _, m := range mod {
		m(&spec)
	}
	return newFn(t, spec)
}

func TestProcessEcho(t *testing.T) {
	t.Parallel()
	fn := procFn(t, func(s *Spec) { s.Env = map[string]string{"FROM_ENV": "v"} })
	// An indented event still travels as one line.
	res := mustInvoke(t, fn, "{\n  \"type\": \"TOKEN\"\n}")
	got := decode(t, res.Payload)
	if echo, _ := got["echo"].(map[string]any); echo["type"] != "TOKEN" {
		t.Fatalf("payload = %s", res.Payload)
	}
	if !res.ColdStart || res.ColdStartCost <= 0 || !strings.Contains(res.Logs, "handling echo") {
		t.Fatalf("first call: %+v", res)
	}
	res = mustInvoke(t, fn, `{"mode":"env"}`)
	got = decode(t, res.Payload)
	if res.ColdStart || got["env"] != "v" || got["cwd"] != testdata(t, "proc") {
		t.Fatalf("second call: %+v %s", res, res.Payload)
	}
	if strings.Contains(res.Logs, "handling echo") {
		t.Fatalf("logs leak between calls: %q", res.Logs)
	}
}

func TestProcessGarbageIsThePayload(t *testing.T) {
	t.Parallel()
	fn := procFn(t)
	for mode, want := range map[string]string{"garbage": "this is not JSON", "half": `{"principalId": "al`} {
		res := mustInvoke(t, fn, `{"mode":"`+mode+`"}`)
		if string(res.Payload) != want {
			t.Errorf("%s: payload %q", mode, res.Payload)
		}
	}
	// Still in step afterwards.
	if res := mustInvoke(t, fn, `{"n":1}`); decode(t, res.Payload)["echo"] == nil || res.ColdStart {
		t.Fatalf("after garbage: %s", res.Payload)
	}
}

func TestProcessStartupBannerIsNotAnAnswer(t *testing.T) {
	t.Parallel()
	fn := procFn(t, func(s *Spec) { s.Command = []string{"python3", "lines.py", "--banner"} })
	// The first call may get the banner (garbage, which the trace shows);
	// either way the worker is back in step for the next call.
	first := mustInvoke(t, fn, `{"n":0}`)
	res := mustInvoke(t, fn, `{"n":1}`)
	if echo, _ := decode(t, res.Payload)["echo"].(map[string]any); echo["n"] != float64(1) {
		t.Fatalf("answers out of step: %s (logs %q)", res.Payload, res.Logs)
	}
	if string(first.Payload) == "starting up" && !strings.Contains(res.Logs, "ignored stdout lines") {
		t.Fatalf("the discarded late answer should be noted in the logs: %q", res.Logs)
	}
}

func TestProcessFaults(t *testing.T) {
	t.Parallel()
	fn := procFn(t, func(s *Spec) { s.Timeout = 300 * time.Millisecond; s.MaxResponse = 1 << 20 })
	// The first call also covers the command's start-up; the limit applies
	// from the second on.
	mustInvoke(t, fn, `{}`)
	if _, err := invoke(t, fn, `{"mode":"sleep"}`); !errors.Is(err, ErrTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	if res := mustInvoke(t, fn, `{}`); !res.ColdStart {
		t.Fatal("restart after timeout")
	}
	if _, err := invoke(t, fn, `{"mode":"big","size":1100000}`); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	if res := mustInvoke(t, fn, `{}`); res.ColdStart {
		t.Fatal("an oversized line should not cost the worker")
	}
	_, err := invoke(t, fn, `{"mode":"crash"}`)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "exit status 4") || !strings.Contains(err.Error(), "fatal: giving up") {
		t.Fatalf("crash: %v", err)
	}
	if res := mustInvoke(t, fn, `{}`); !res.ColdStart {
		t.Fatal("restart after crash")
	}
}

func TestProcessReloadAfterEdit(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	dir := t.TempDir()
	script := filepath.Join(dir, "auth.py")
	write := func(answer string) {
		src := "import sys\nfor line in sys.stdin:\n    print('" + answer + "', flush=True)\n"
		if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"v":1}`)
	fn := newFn(t, Spec{Runtime: "process", Command: []string{"python3", "auth.py"}, Dir: dir})
	if res := mustInvoke(t, fn, `{}`); string(res.Payload) != `{"v":1}` {
		t.Fatalf("payload = %s", res.Payload)
	}
	write(`{"v":2}`)
	if res := mustInvoke(t, fn, `{}`); string(res.Payload) != `{"v":2}` || !res.ColdStart {
		t.Fatalf("after edit: %s", res.Payload)
	}
}

func TestSpecErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec Spec
		want string
	}{
		{Spec{Runtime: "ruby"}, "want python, node or process"},
		{Spec{Runtime: "python"}, "needs a handler"},
		{Spec{Runtime: "python", Handler: "/does/not/exist.py:handler"}, "no such file"},
		{Spec{Runtime: "python", Handler: testdata(t, "py", "handlers.py") + ":bad-name"}, "not a function name"},
		{Spec{Runtime: "python", Handler: testdata(t, "py", "handlers.py"), Interpreter: "no-such-python"}, "on PATH"},
		{Spec{Runtime: "node", Handler: testdata(t, "node", "handlers.js"), ContextFlavor: "azure"}, "context flavor"},
		{Spec{Runtime: "process"}, "needs a command"},
		{Spec{Runtime: "process", Command: []string{"no-such-command-xyz"}}, "not on PATH"},
		{Spec{Runtime: "process", Command: []string{"./missing.sh"}}, "no such file"},
		{Spec{Runtime: "python", Handler: testdata(t, "py", "handlers.py"), Pool: -1}, "negative"},
	}
	for _, c := range cases {
		c.spec.Name = "auth"
		_, err := NewWorkerFunction(c.spec)
		if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `"auth"`) {
			t.Errorf("%+v: err = %v, want %q", c.spec, err, c.want)
		}
	}
}
