package tui

import (
	"strings"
	"testing"
)

// TestComposerBadInput: a body that starts as JSON but is not is marked
// where it breaks; a header line without a colon stops the request before
// it is sent, with the reason next to the headers.
func TestComposerBadInput(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	// tab: from the routes to the composer, which holds /orders/{id}
	r.keys("tab", "down", "down", "down", "down", "down", "enter") // method → path → {id} → query → headers → body
	r.typeText(`{"id": 42,}`)
	r.keys("esc")
	r.keys("up", "enter")
	r.typeText("not a header")
	r.keys("esc", "f")
	s := r.golden("marked", func(m *Model) bool { return m.composer.err != nil })
	if !strings.Contains(s, `✗ invalid header "not a header"`) {
		t.Fatalf("the header error should be shown under the headers:\n%s", s)
	}
	if !strings.Contains(s, "{\"id\": 42,}                                    ┃\n│    tenant-auth · AUTHENTICATION_ONLY │┃                     ^") {
		t.Fatalf("a caret should point at the stray brace:\n%s", s)
	}
	r.keys("down")
	if s = r.screen(nil); !strings.Contains(s, "✗ invalid JSON at 1:11") {
		t.Fatalf("the body error should give its position:\n%s", s)
	}
	if len(r.m.c.S.History) != 0 {
		t.Fatalf("a request that does not build must not be fired")
	}
	r.quit()
}

func TestTargetFillsParameters(t *testing.T) {
	t.Parallel()
	m := New(testOptions(t))
	defer m.Close()
	m.composer.useRoute(UseRouteMsg{Path: "/reports/{key+}", Methods: []string{"GET"}})
	m.composer.params[0].input.SetValue("2026/q 1")
	m.composer.query.SetValue("tenant=acme")
	if got, want := m.composer.Target(), "/reports/2026/q%201?tenant=acme"; got != want {
		t.Fatalf("target %q, want %q", got, want)
	}
	spec := m.composer.Spec()
	if _, err := spec.Build(); err != nil {
		t.Fatalf("the composed request does not build: %v", err)
	}
}

func TestSetHeaderLine(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, name, value, want string }{
		{"", "Authorization", "Bearer a", "Authorization: Bearer a"},
		{"authorization: old\nX-A: 1", "Authorization", "Bearer b", "Authorization: Bearer b\nX-A: 1"},
		{"X-A: 1\nAuthorization: old", "Authorization", "", "X-A: 1"},
	} {
		if got := setHeaderLine(c.text, c.name, c.value); got != c.want {
			t.Errorf("setHeaderLine(%q, %q, %q) = %q, want %q", c.text, c.name, c.value, got, c.want)
		}
	}
}
