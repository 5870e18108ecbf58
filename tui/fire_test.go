package tui

import (
	"strings"
	"testing"
)

// TestFireAllowedAndRefused drives the main flow on the embedded demo: pick
// a route, pick a token, fire; fire a refused request; open the refused
// request's authorizer stage (the event sent and the raw answer); compare
// the two in the history.
func TestFireAllowedAndRefused(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	r.golden("start", nil)

	r.keys("enter")      // the routes have the focus, on /orders/{id}: into the composer
	r.keys("t", "enter") // token picker: Bearer allow-alice
	r.keys("f")
	s := r.golden("allowed", idle(1))
	if !strings.Contains(s, "200 OK") || !strings.Contains(s, "token-auth called") {
		t.Fatalf("expected a 200 with the authorizer called:\n%s", s)
	}

	r.keys("t", "down", "enter") // Bearer deny-bob
	r.keys("f")
	s = r.golden("refused", idle(2))
	if !strings.Contains(s, "403 Forbidden") || !strings.Contains(s, "AWS-R2") {
		t.Fatalf("expected a 403 citing AWS-R2:\n%s", s)
	}

	// The trace selects the failed stage (policy); the authorizer is two up.
	r.keys("tab", "up", "up", "enter")
	s = r.golden("authorizer-stage", nil)
	for _, want := range []string{"Stage 4/10 · authorizer", `"type": "TOKEN"`, `"Effect": "Deny"`} {
		if !strings.Contains(s, want) {
			t.Fatalf("authorizer stage lacks %q:\n%s", want, s)
		}
	}
	r.keys("G")
	if s := r.screen(nil); !strings.Contains(s, "mock: row 2 matched") {
		t.Fatalf("the authorizer's logs are not at the end of the stage:\n%s", s)
	}
	r.keys("g")
	// The token is abbreviated until v reveals it (ALL-2).
	if strings.Contains(s, "Bearer deny-bob") {
		t.Fatalf("the token is shown in full without v:\n%s", s)
	}
	r.keys("v")
	if s = r.screen(nil); !strings.Contains(s, "Bearer deny-bob") {
		t.Fatalf("v does not reveal the token:\n%s", s)
	}
	r.keys("v", "right")
	if s = r.screen(nil); !strings.Contains(s, "Stage 5/10 · response-check") {
		t.Fatalf("→ does not move to the next stage:\n%s", s)
	}

	r.keys("esc", "4")
	r.golden("history", nil)
	r.keys("c")
	s = r.golden("compare", nil)
	if !strings.Contains(s, "#2 was refused at policy") {
		t.Fatalf("compare does not say where #2 was refused:\n%s", s)
	}
	r.quit()
}

// TestSmallTerminal checks the layout at 80×24 and through resizes: every
// pane keeps its border, nothing wraps, and too small a terminal says so.
func TestSmallTerminal(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 80, 24)
	r.keys("down", "enter", "t", "enter", "f") // routes: /users/{id}
	s := r.golden("fired-80x24", idle(1))
	checkFrame(t, s, 80, 24)

	r.tm.Send(resize(50, 12))
	s = r.golden("too-small", func(m *Model) bool { return m.w == 50 })
	if !strings.Contains(s, "at least 60×16") {
		t.Fatalf("a tiny terminal should say how big it must be:\n%s", s)
	}
	r.tm.Send(resize(120, 40))
	s = r.golden("resized-120x40", func(m *Model) bool { return m.w == 120 })
	checkFrame(t, s, 120, 40)
	r.keys("?")
	s = r.golden("full-help", nil)
	checkFrame(t, s, 120, 40)
	r.quit()
}

// checkFrame asserts a screen is exactly w×h cells: no line overflows and
// no line is missing.
func checkFrame(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Fatalf("screen has %d lines, want %d:\n%s", len(lines), h, s)
	}
	for i, l := range lines {
		if n := cellWidth(l); n > w {
			t.Fatalf("line %d is %d cells wide, more than %d:\n%s", i+1, n, w, l)
		}
	}
}
