package tui

import (
	"strings"
	"testing"
)

// ociHeaderGateway's authorizer reads its token from X-Token, not
// Authorization (OCI-E1 token variable).
const ociHeaderGateway = `version: 1
name: oci-x-token
platform: oci
authorizers:
  xtok:
    type: oci
    token: request.headers[X-Token]
    function:
      runtime: mock
      responses:
        - when: {token: good-token}
          return: {active: true, principal: ann}
        - return: {active: false}
routes:
  - {path: /me, authorizer: xtok, backend: {echo: true}}
`

// TestPickerPutsTokenInTheAuthorizersSlot: the picker writes the mock
// token where the engine says the route's authorizer reads it, and firing
// is allowed (it was a puzzling 401 when the TUI always wrote Authorization).
func TestPickerPutsTokenInTheAuthorizersSlot(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFile(t, "authlab.yaml", ociHeaderGateway)
	o := testOptions(t)
	o.Gateway = "authlab.yaml"
	r := start(t, o, 100, 30)
	r.keys("enter") // routes: /me into the composer
	r.keys("t")
	s := r.screen(nil)
	if !strings.Contains(s, "Token for the X-Token header") {
		t.Fatalf("the picker does not name the authorizer's slot:\n%s", s)
	}
	r.keys("enter", "f")
	s = r.screen(idle(1))
	if !strings.Contains(s, "200 OK") || !strings.Contains(s, "X-Token") {
		t.Fatalf("expected 200 with the token in X-Token:\n%s", s)
	}
	r.quit()
}

// TestPickerTypedToken: the picker takes a token typed in — an opaque
// token, an API key — and puts it where the authorizer reads it, with the
// slot's scheme when it has none.
func TestPickerTypedToken(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	r.keys("enter", "t") // /orders/{id}, then the picker
	s := r.screen(func(m *Model) bool { return m.composer.picker != nil })
	if !strings.Contains(s, "(type a token)") {
		t.Fatalf("the picker offers no way to type a token:\n%s", s)
	}
	for i, it := range r.m.composer.picker.items {
		if it.typed {
			for j := 0; j < i; j++ {
				r.keys("down")
			}
			break
		}
	}
	r.keys("enter")
	r.typeText("allow-alice")
	r.keys("enter", "f")
	s = r.screen(idle(1))
	if !strings.Contains(s, "200 OK") {
		t.Fatalf("the typed token (Bearer added) should be allowed:\n%s", s)
	}
	if got := r.m.c.S.History[0].Spec.Headers; len(got) != 1 || got[0] != "Authorization: Bearer allow-alice" {
		t.Errorf("headers %q", got)
	}
	r.quit()
}
