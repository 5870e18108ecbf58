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
