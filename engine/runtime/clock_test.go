package runtime

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Handlers see the call's (virtual) time: a scenario clock must make tokens
// valid or expired inside unmodified handlers too.
func TestHandlerClockFollowsInvocation(t *testing.T) {
	t.Parallel()
	virtual := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(fn Function, now time.Time) map[string]any {
		t.Helper()
		res, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{}`), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return decode(t, res.Payload)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if got < want || got > want+5 {
			t.Errorf("%s = %f, want about %f", what, got, want)
		}
	}

	py := pyFn(t, "clock")
	got := at(py, virtual)
	near("python time()", got["time"].(float64), float64(virtual.Unix()))
	for _, k := range []string{"now", "utcnow", "today"} {
		if !strings.HasPrefix(got[k].(string), "2026-01-01") {
			t.Errorf("python %s = %v", k, got[k])
		}
	}
	if got["isinstance"] != true || got["fixed"] != "2020-01-02T00:00:00+00:00" {
		t.Errorf("python datetime behaves differently: %v", got)
	}
	// With a real clock, the handler sees the real time.
	real := time.Now()
	near("python time() in real mode", at(py, real)["time"].(float64), float64(real.Unix())-1)

	node := nodeFn(t, "handlers.js", "clock")
	got = at(node, virtual)
	near("node Date.now()", got["now"].(float64)/1000, float64(virtual.Unix()))
	if !strings.HasPrefix(got["iso"].(string), "2026-01-01T00:00:0") || got["fixed"] != "1970-01-01T00:00:00.000Z" ||
		got["parsed"] != float64(1577923200000) || got["isDate"] != true || got["str"] != "string" {
		t.Errorf("node Date: %v", got)
	}
	real = time.Now()
	near("node Date.now() in real mode", at(node, real)["now"].(float64)/1000, float64(real.Unix())-1)
}
