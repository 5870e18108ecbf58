package tui

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Secrets planted for the TUI (issue 13 part 3); cmd/authlab's
// TestPlantedSecrets plants the same kinds for the CLI channels.
const (
	tuiHMAC   = "hmac-PLANT-h5m4a3c2-more-than-32-bytes" // the jwt authorizer's secret: the Mint form's key
	tuiMock   = "mock-PLANT-m9o8c7k6q5w4r3t2"            // a mock table's token: the picker
	tuiAPIKey = "apikey-PLANT-a1p2i3k4e5y6u7"            // X-Api-Key typed in the composer
	tuiCookie = "cookie-PLANT-c4o5o6k7i8e9j1"            // Cookie typed in the composer
	tuiBackPW = "bkpw-PLANT-b6k7p8w9x1v2n3m4"            // backend url password
	tuiFuncPW = "fnpw-PLANT-f7n8p9w1z2x3c4v5"            // http function url password
)

var tuiPlanted = []string{tuiHMAC, tuiMock, tuiAPIKey, tuiCookie, tuiBackPW, tuiFuncPW}

// shown reports whether a screen shows more of a secret than its
// abbreviation (6 characters, …, 4 characters): any 8 characters of the
// part the abbreviation hides, so a secret wrapped over lines is found too
// (the planted secrets are long enough for a window on each side of a
// wrap).
func shown(screen, secret string) bool {
	for i := 6; i+8 <= len(secret)-4; i++ {
		if strings.Contains(screen, secret[i:i+8]) {
			return true
		}
	}
	return false
}

func tuiLeaks(m *Model, screen string) []string {
	var out []string
	for _, s := range tuiPlanted {
		if shown(screen, s) {
			out = append(out, s)
		}
	}
	for _, tok := range m.c.S.Minted {
		if shown(screen, tok.Token) {
			out = append(out, "the minted token")
		}
	}
	return out
}

// TestPlantedSecretsTUI goes through every screen that shows a secret —
// the Mint form's key, the Decode pane's minted token, the token picker's
// mock tokens, the composer's headers, a trace, a stage's event and what
// reached the backend, a function's error — and checks that none shows a
// planted secret in full until v, and that v shows them.
func TestPlantedSecretsTUI(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Date", "Thu, 01 Jan 2026 09:00:00 GMT")
		_ = json.NewEncoder(w).Encode(map[string]any{"headers": r.Header}) // secrets echoed back
	}))
	defer upstream.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := closed.Addr().String()
	closed.Close()

	dir := t.TempDir()
	t.Chdir(dir)
	allow := `{principalId: alice, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}`
	writeFile(t, filepath.Join(dir, "authlab.yaml"), fmt.Sprintf(`version: 1
name: planted
authorizers:
  mock:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {token: "Bearer %[1]s"}
          return: %[2]s
        - return: Unauthorized
  jwt:
    type: jwt
    identitySource: header:Authorization
    secret: %[3]s
  down:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: http, url: "http://fn:%[4]s@%[5]s/authorize", timeout: 2s}
routes:
  - path: /a
    authorizer: mock
    backend: {url: "http://user:%[6]s@%[7]s"}
  - path: /e
    authorizer: down
    backend: {echo: true}
  - path: /d
    authorizer: jwt
    backend: {echo: true}
`, tuiMock, allow, tuiHMAC, tuiFuncPW, down, tuiBackPW, strings.TrimPrefix(upstream.URL, "http://")))
	o := testOptions(t)
	o.Gateway = "authlab.yaml"
	r := start(t, o, 120, 40)
	ports := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	// golden compares a screen with the ports of this run's servers hidden.
	golden := func(name string, cond func(*Model) bool) string {
		t.Helper()
		s := r.screen(cond)
		t.Run(name, func(t *testing.T) { requireGolden(t, ports.ReplaceAllString(s, "127.0.0.1:<port>")) })
		if l := tuiLeaks(r.m, s); len(l) > 0 {
			t.Errorf("%s shows secrets in full: %q\n%s", name, l, s)
		}
		return s
	}
	revealed := func(name string, want ...string) {
		t.Helper()
		r.keys("v")
		s := r.screen(func(m *Model) bool { return m.c.S.Reveal })
		for _, w := range want {
			if w == "minted" {
				if !shown(s, r.m.c.S.Minted[0].Token) {
					t.Errorf("v does not show the minted token on %s:\n%s", name, s)
				}
			} else if !shown(s, w) {
				t.Errorf("v does not show %q on %s: the check cannot be trusted\n%s", w, name, s)
			}
		}
		r.keys("v")
		r.screen(func(m *Model) bool { return !m.c.S.Reveal })
	}

	// Tokens tab: the Mint form offers the jwt authorizer's secret; a
	// minted token goes to the Decode pane.
	r.keys("2", "m")
	golden("tokens", func(m *Model) bool { return len(m.c.S.Minted) == 1 })
	revealed("the Tokens tab", tuiHMAC, "minted")

	// Fire tab: route /a, two credential headers typed, the mock token
	// from the picker.
	r.keys("1", "enter") // the routes have the focus, on /a
	r.keys("down", "down", "enter")
	r.typeText("X-Api-Key: " + tuiAPIKey)
	r.keys("enter")
	r.typeText("Cookie: session=" + tuiCookie + "; theme=dark")
	r.keys("esc", "t")
	golden("picker", func(m *Model) bool { return m.composer.picker != nil })
	revealed("the token picker", tuiMock)
	for i := range r.m.composer.picker.items {
		if r.m.composer.picker.items[i].value == "Bearer "+tuiMock {
			for j := 0; j < i; j++ {
				r.keys("down")
			}
			break
		}
	}
	r.keys("enter", "f")
	s := golden("fired", idle(1))
	if !strings.Contains(s, "200 OK") {
		t.Fatalf("want the mock token allowed:\n%s", s)
	}
	revealed("the composer and trace", tuiAPIKey, tuiCookie, tuiMock)

	// The authorizer's event carries the token; the backend stage the
	// upstream's URL and every header that reached it.
	r.keys("tab", "g", "down", "down", "down", "enter")
	golden("authorizer-stage", func(m *Model) bool { return m.stage.entry != nil })
	revealed("the authorizer stage", tuiMock)
	for i := 0; i < 4; i++ {
		r.keys("right")
	}
	golden("backend-stage", nil)
	revealed("the backend stage", tuiBackPW, tuiAPIKey, tuiCookie)
	r.keys("esc")

	// An http function that cannot be reached: its URL is in the error.
	r.keys("shift+tab", "shift+tab", "down", "enter", "f")
	s = golden("function-down", idle(2))
	if !strings.Contains(s, "http://fn:") {
		t.Fatalf("want the function's error in the trace:\n%s", s)
	}
	revealed("the function error", tuiFuncPW)
	r.quit()
}
