package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// probeGateway is fixtures/probe/jwt.yaml (the built-in verifier) with
// absolute key paths and a fixed jti, so the named token — and every
// token the probe derives from it — is the same in every run.
func probeGateway(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "fixtures", "probe", "jwt.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := filepath.Abs(filepath.Join("..", "fixtures", "keys"))
	text := strings.ReplaceAll(string(src), "../keys/", keys+"/")
	text = strings.Replace(text, `scope: "read:orders"}`, `scope: "read:orders", jti: t1}`, 1)
	t.Chdir(t.TempDir())
	writeFile(t, "authlab.yaml", text)
	return "authlab.yaml"
}

func probed(m *Model) bool { return m.probe.rep != nil && m.cancel == nil }

// TestProbeRoute: P on a route runs the battery and lists every attack
// with its verdict; enter opens an attack's trace in the stage view, esc
// comes back to the list, and esc again to the Fire tab.
func TestProbeRoute(t *testing.T) {
	o := testOptions(t)
	o.Gateway = probeGateway(t)
	r := start(t, o, 110, 34)
	// The routes have the focus from the start.
	if s := r.screen(nil); !strings.Contains(s, "P probe route") {
		t.Fatalf("the routes pane's help does not offer P:\n%s", s)
	}
	r.keys("P")
	s := r.golden("results", probed)
	for _, want := range []string{"GET /orders/1 → /orders/{id} · jwt (jwt)", "0 accepted", "● baseline", "token alice (gateway file)",
		"signature stripped"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the probe pane lacks %q:\n%s", want, s)
		}
	}
	// The session is untouched: the probe ran on an engine of its own.
	if n := len(r.m.c.S.History); n != 0 {
		t.Errorf("the probe recorded %d history entries", n)
	}
	// Down to alg "none", then its trace: the verifier's refusal.
	r.keys("down", "down", "down", "down", "down")
	s = r.golden("alg-none", nil)
	if !strings.Contains(s, `header    {"alg":"none"`) {
		t.Fatalf("the alg none row's details are not shown:\n%s", s)
	}
	r.keys("enter")
	s = r.golden("alg-none-trace", func(m *Model) bool { return m.overlay == ovStage })
	if !strings.Contains(s, "Stage 5/10 · response-check") || !strings.Contains(s, `alg "none" (an unsigned token) is never accepted`) {
		t.Fatalf("the attack's trace does not open at the deciding stage:\n%s", s)
	}
	r.keys("esc")
	if s = r.screen(func(m *Model) bool { return m.overlay == ovProbe }); !strings.Contains(s, "Probe") {
		t.Fatalf("esc does not come back to the probe:\n%s", s)
	}
	r.keys("esc")
	r.screen(func(m *Model) bool { return m.overlay == ovNone })
	r.quit()
}

// TestProbeRouteFindings: a mock authorizer whose route lets a forged
// X-User through (ifExists: APPEND) is flagged, and the accepted attack is
// selected; a route without an authorizer says there is nothing to probe.
func TestProbeRouteFindings(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFile(t, "authlab.yaml", `version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    function:
      runtime: mock
      responses:
        - when: {token: Bearer user-token}
          return:
            principalId: user
            policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}
            context: {user: user}
        - return: Unauthorized
routes:
  - path: /health
    backend: {stock: {status: 200}}
  - path: /orders/{id}
    methods: [GET]
    authorizer: tok
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"], ifExists: APPEND}]
    backend: {echo: true}
`)
	o := testOptions(t)
	o.Gateway = "authlab.yaml"
	r := start(t, o, 100, 30)
	r.keys("up", "P") // from /orders/{id}, where the cursor starts, to /health
	if s := r.screen(nil); !strings.Contains(s, "/health has no authorizer: there is nothing to probe") {
		t.Fatalf("no word on a route without an authorizer:\n%s", s)
	}
	r.keys("down", "P")
	s := r.golden("findings", probed)
	for _, want := range []string{"1 accepted", "▸ ✗ ACCEPTED", "client-forged X-User header"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the probe pane lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "user-token") {
		t.Fatalf("the token is shown in full without v:\n%s", s)
	}
	r.keys("enter")
	s = r.screen(func(m *Model) bool { return m.overlay == ovStage })
	if !strings.Contains(s, "authorizer") {
		t.Fatalf("enter does not open the trace:\n%s", s)
	}
	r.quit()
}
