package tui

import (
	"strings"
	"testing"
)

// TestMintAndUse mints an HS256 token in the workbench (deterministic:
// HMAC signature, fixed clock, zero jti), sees it decoded with a verdict,
// puts it into the composer with u and fires it.
func TestMintAndUse(t *testing.T) {
	r := start(t, testOptions(t), 100, 30)
	r.keys("2")
	r.keys("down", "enter") // Key field, editing
	r.typeText("secret:workbench-secret-of-32-bytes!")
	r.keys("enter")                 // done: the algorithm follows the key (HS256)
	r.keys("down", "down", "enter") // sub
	r.typeText("-smith")
	r.keys("enter", "m")
	s := r.golden("minted", func(m *Model) bool { return len(m.c.S.Minted) == 1 })
	for _, want := range []string{"✓ minted", "HS256", "the key it was minted with: valid", "expires in 1h"} {
		if !strings.Contains(s, want) {
			t.Fatalf("workbench lacks %q:\n%s", want, s)
		}
	}

	r.keys("u")
	s = r.screen(nil)
	if !strings.Contains(s, "Authorization: Bearer eyJhbG…") {
		t.Fatalf("u did not put the token in the composer:\n%s", s)
	}
	r.keys("shift+tab", "down", "enter", "f") // /orders/{id}, keeping the headers
	s = r.golden("fired", idle(1))
	if !strings.Contains(s, "401 Unauthorized") {
		t.Fatalf("the demo's mock authorizer does not know this token: want 401:\n%s", s)
	}
	r.quit()
}

// TestDecodeMalformed pastes a broken token: the decoder marks the part
// that does not decode, in place.
func TestDecodeMalformed(t *testing.T) {
	r := start(t, testOptions(t), 100, 30)
	r.keys("2", "tab", "p")
	r.typeText("eyJhbGciOiJIUzI1NiJ9.e$J9.c2ln")
	r.keys("esc")
	s := r.golden("malformed", nil)
	if !strings.Contains(s, "✗ malformed token") || !strings.Contains(s, "^") {
		t.Fatalf("a malformed token should be marked:\n%s", s)
	}
	r.quit()
}
