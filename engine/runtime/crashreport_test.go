package runtime

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// A worker that dies after os.fork() is reported as the crash it is (its
// exit status or signal), not as a timeout, although the forked child keeps
// the worker's pipes open. The calls get a long limit, so only a crash
// report within it passes.
func TestPythonCrashAfterForkIsACrash(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "fork_then_die", func(s *Spec) { s.Timeout = time.Minute })
	for event, want := range map[string]string{`{}`: "exit status 7", `{"signal": true}`: "signal: killed"} {
		res, err := invoke(t, fn, event)
		if !errors.Is(err, ErrExited) || errors.Is(err, ErrTimeout) {
			t.Fatalf("%s: err = %v, want ErrExited and not a timeout", event, err)
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "now dying") {
			t.Errorf("%s: crash report %q lacks %q or the call's last output", event, err, want)
		}
		if !strings.Contains(res.Logs, "now dying") {
			t.Errorf("%s: logs = %q", event, res.Logs)
		}
	}
}

// The crash report's "last output" quotes the crashing call only: the
// traceback an earlier call logged on the same worker is not this crash's.
func TestPythonCrashReportQuotesOnlyThisCall(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "raise_then_die")
	res, err := invoke(t, fn, `{}`)
	if err != nil || res.Err == nil || !strings.Contains(res.Logs, "the first call's own error") {
		t.Fatalf("first call: %+v, %v", res, err)
	}
	res, err = invoke(t, fn, `{"die": true}`)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "exit status 9") {
		t.Fatalf("second call: err = %v, want ErrExited with exit status 9", err)
	}
	if strings.Contains(err.Error(), "first call") || !strings.Contains(err.Error(), "printed nothing") {
		t.Errorf("the crash report quotes an earlier call: %v", err)
	}
	if strings.Contains(res.Logs, "first call") {
		t.Errorf("the crashing call's logs hold an earlier call's output: %q", res.Logs)
	}
}

func TestProcessCrashAfterForkIsACrash(t *testing.T) {
	t.Parallel()
	fn := procFn(t, func(s *Spec) { s.Timeout = time.Minute })
	mustInvoke(t, fn, `{}`)
	_, err := invoke(t, fn, `{"mode":"forkcrash"}`)
	if !errors.Is(err, ErrExited) || errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "exit status 6") {
		t.Fatalf("err = %v, want ErrExited with exit status 6, not a timeout", err)
	}
	if !strings.Contains(err.Error(), "handling forkcrash") {
		t.Errorf("crash report lacks the call's last output: %v", err)
	}
}

func TestProcessCrashReportQuotesOnlyThisCall(t *testing.T) {
	t.Parallel()
	fn := procFn(t)
	mustInvoke(t, fn, `{"mode":"echo"}`)
	_, err := invoke(t, fn, `{"mode":"silentcrash"}`)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "exit status 5") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "handling echo") || !strings.Contains(err.Error(), "handling silentcrash") {
		t.Errorf("last output should be this call's only: %v", err)
	}
}
