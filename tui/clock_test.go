package tui

import (
	"strings"
	"testing"
	"time"
)

// TestClockExpiry fires through the token authorizer (300 s TTL), looks at
// the cache, moves the virtual clock 5 minutes and sees the entry expire;
// the next request calls the function again.
func TestClockExpiry(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	r.keys("enter", "t", "enter", "f") // routes: /orders/{id}
	r.screen(idle(1))
	r.keys("3")
	s := r.golden("cached", nil)
	if !strings.Contains(s, "5m0s") || !strings.Contains(s, "1 live") {
		t.Fatalf("expected one entry with 5m left:\n%s", s)
	}
	r.keys("a")
	r.keys("backspace", "backspace")
	r.typeText("299s")
	r.keys("enter")
	if s = r.screen(nil); !strings.Contains(s, "1s") || !strings.Contains(s, "1 live") {
		t.Fatalf("after 299s the entry should have 1s left:\n%s", s)
	}
	r.keys("+")
	s = r.golden("expired", func(m *Model) bool { return m.c.S.Elapsed() == 299*time.Second+5*time.Minute })
	if !strings.Contains(s, "Expired") || !strings.Contains(s, "0 live") || !strings.Contains(s, "1 cache entry expired") {
		t.Fatalf("the entry should be listed as expired:\n%s", s)
	}
	r.keys("f") // firing keeps the cache tab
	s = r.screen(idle(2))
	if !strings.Contains(s, "1 live") {
		t.Fatalf("a new request should store a new entry:\n%s", s)
	}
	if got := r.m.c.S.History[1].Result.Outcome; got != "called" {
		t.Fatalf("after expiry the authorizer was %s, want called", got)
	}
	r.keys("x")
	if s = r.screen(nil); !strings.Contains(s, "0 live") {
		t.Fatalf("x should flush the entry:\n%s", s)
	}
	r.quit()
}
