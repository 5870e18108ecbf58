package probe_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/probe"
)

// inline builds an engine on a gateway written in the test.
func inline(t *testing.T, src string) *engine.Engine {
	t.Helper()
	g, diags, err := config.Load("test.yaml", []byte(src), t.TempDir())
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{Clock: clock.NewVirtual(start), Random: zeroReader{}, Elapsed: func(time.Time) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func run(t *testing.T, e *engine.Engine, method, target string, creds ...probe.Credential) *probe.Report {
	t.Helper()
	r, err := probe.Run(context.Background(), e, probe.Options{Method: method, Target: target, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func attack(t *testing.T, r *probe.Report, id string) *probe.Attack {
	t.Helper()
	for _, a := range r.Attacks {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no attack %s in\n%s", id, explain(r))
	return nil
}

// mockGateway: an AWS TOKEN authorizer on a mock table.
const mockGateway = `version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    function:
      runtime: mock
      responses:
        # The token opens every route it is asked about, except /admin:
        # a cached answer must not carry it there (AWS-C3).
        - when: {token: "Bearer user-token", methodArn: "~/GET/admin/"}
          return:
            principalId: user
            policyDocument: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "execute-api:Invoke", Resource: "*"}]}
        - when: {token: "Bearer user-token"}
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
  - path: /admin/{rest+}
    methods: [GET]
    authorizer: tok
    backend: {echo: true}
`

// TestNoAuthorizer: a route without an authorizer is no probe at all:
// every attack skipped with the reason, exit 2, never "all refused".
func TestNoAuthorizer(t *testing.T) {
	t.Parallel()
	e := inline(t, mockGateway)
	r := run(t, e, "GET", "/health", probe.Credential{Label: "--token", Token: "user-token"})
	if !strings.Contains(r.Problem, "route /health has no authorizer") || r.ExitCode() != probe.ExitNoProbe {
		t.Fatalf("problem %q exit %d", r.Problem, r.ExitCode())
	}
	c := r.Counts()
	if c.Refused != 0 || c.Skipped != len(r.Attacks) || len(r.Attacks) < 40 {
		t.Errorf("counts %+v of %d attacks", c, len(r.Attacks))
	}
	for _, a := range r.Attacks {
		if a.Why != r.Problem {
			t.Errorf("%s: why %q", a.ID, a.Why)
		}
	}
	text := explain(r)
	if !strings.Contains(text, "not probed") || strings.Contains(text, "every attack was refused") {
		t.Errorf("text:\n%s", text)
	}
}

// TestNoBaseline: a credential the authorizer refuses proves nothing.
func TestNoBaseline(t *testing.T) {
	t.Parallel()
	e := inline(t, mockGateway)
	r := run(t, e, "GET", "/orders/1", probe.Credential{Label: "--token", Token: "nobody"})
	if !strings.HasPrefix(r.Problem, "no baseline: the authorizer refuses the credential (--token → 401") || r.ExitCode() != probe.ExitNoProbe {
		t.Fatalf("problem %q exit %d", r.Problem, r.ExitCode())
	}
	if c := r.Counts(); c.Refused != 0 || c.Accepted != 0 || c.Skipped != len(r.Attacks) {
		t.Errorf("counts %+v", c)
	}
	if len(r.Tried) != 1 || r.Tried[0].Status != 401 {
		t.Errorf("tried %+v", r.Tried)
	}
	// No credential at all says what to give.
	r = run(t, e, "GET", "/orders/1")
	if !strings.Contains(r.Problem, "give --token") || r.ExitCode() != probe.ExitNoProbe {
		t.Errorf("no credential: %q", r.Problem)
	}
	// Several candidates: the first accepted one is the baseline.
	r = run(t, e, "GET", "/orders/1", probe.Credential{Label: "a", Token: "nobody"}, probe.Credential{Label: "b", Token: "Bearer user-token"})
	if r.Problem != "" || r.Credential != "b" || len(r.Tried) != 1 {
		t.Errorf("candidates: problem %q credential %q", r.Problem, r.Credential)
	}
}

// TestGatewayChecks: a credential that is not a JWT still gets the
// transport and gateway checks; the JWT attacks say why they do not apply.
// The mock opens /admin from the cache although it refuses /admin when
// asked (AWS-C3), and APPEND lets the client's X-User through (ALL-1).
func TestGatewayChecks(t *testing.T) {
	t.Parallel()
	e := inline(t, mockGateway)
	r := run(t, e, "GET", "/orders/1", probe.Credential{Label: "--token", Token: "user-token"})
	if r.Problem != "" {
		t.Fatal(r.Problem)
	}
	for _, id := range []string{"sig-stripped", "alg-none", "claims-expired", "jku"} {
		if a := attack(t, r, id); a.Verdict != probe.Skipped || a.Why != "the credential is not a JWT" {
			t.Errorf("%s: %s %q", id, a.Verdict, a.Why)
		}
	}
	c3 := attack(t, r, "cache-cross-route:/admin/{rest+}")
	if c3.Verdict != probe.Accepted || c3.Outcome != engine.Cached || !strings.Contains(c3.Why, "refuses when asked") {
		t.Errorf("AWS-C3: %s %s %q", c3.Verdict, c3.Outcome, c3.Why)
	}
	if c3.Result == nil || !strings.Contains(stageRules(c3.Result), "AWS-C3") {
		t.Errorf("AWS-C3 trace missing")
	}
	fh := attack(t, r, "forged-header:X-User")
	if fh.Verdict != probe.Accepted || !strings.Contains(fh.Why, "reached the backend") {
		t.Errorf("forged X-User: %s %q", fh.Verdict, fh.Why)
	}
	if g := attack(t, r, "garbage"); g.Verdict != probe.Refused || g.Status != 401 {
		t.Errorf("garbage: %s %d", g.Verdict, g.Status)
	}
	if r.ExitCode() != probe.ExitAccepted {
		t.Errorf("exit %d", r.ExitCode())
	}
	// JUnit: a failure per accepted attack, a skip per skipped one.
	var b strings.Builder
	if err := probe.WriteJUnit(&b, r, false); err != nil {
		t.Fatal(err)
	}
	x := b.String()
	if strings.Count(x, "<failure ") != r.Counts().Accepted || strings.Count(x, "<skipped ") != r.Counts().Skipped || strings.Contains(x, "user-token") {
		t.Errorf("JUnit:\n%s", x)
	}
	// Credentials are abbreviated unless revealed (ALL-2).
	if text := explain(r); strings.Contains(text, "user-token") {
		t.Errorf("the token shows in the text report:\n%s", text)
	}
	var rv strings.Builder
	_ = probe.WriteText(&rv, r, probe.TextOptions{Reveal: true})
	if !strings.Contains(rv.String(), "Bearer user-token") {
		t.Errorf("--reveal does not show the token")
	}
}

func stageRules(res *engine.Result) string {
	var out []string
	for _, s := range res.Trace.Stages {
		out = append(out, s.Rules...)
	}
	return strings.Join(out, " ")
}

// mintRS256 mints a reproducible RS256 token with the fixture key.
func mintRS256(t *testing.T, claims map[string]any) string {
	t.Helper()
	ks, err := jose.LoadKeys(filepath.Join("..", "..", "fixtures", "keys", "rsa.pem"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ks.Select("")
	tok, err := jose.Mint(jose.MintOptions{Alg: "RS256", Key: k, Claims: claims, Now: start, ExpiresIn: time.Hour, NoJTI: true})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestNoKeyMaterial: a literal token without --key or --public-key runs
// what needs no key and skips the rest, saying what to give.
func TestNoKeyMaterial(t *testing.T) {
	t.Parallel()
	tok := mintRS256(t, map[string]any{"sub": "alice"})
	e := inline(t, strings.ReplaceAll(mockGateway, "Bearer user-token", "Bearer "+tok))
	r := run(t, e, "GET", "/orders/1", probe.Credential{Label: "--token", Token: tok})
	if r.Problem != "" {
		t.Fatal(r.Problem)
	}
	for id, why := range map[string]string{
		"claims-expired":   "no signing key: give --key FILE",
		"crit-unknown":     "no signing key",
		"alg-hs256-pubkey": "no public key: give --public-key FILE",
		"es-psychic":       "the route's tokens are RS256, not ECDSA",
	} {
		if a := attack(t, r, id); a.Verdict != probe.Skipped || !strings.Contains(a.Why, why) {
			t.Errorf("%s: %s %q, want skipped: %s", id, a.Verdict, a.Why, why)
		}
	}
	// The mock accepts one exact token: every altered one is refused.
	for _, id := range []string{"sig-stripped", "alg-none", "kid-sql", "jku", "jwk-embedded"} {
		if a := attack(t, r, id); a.Verdict != probe.Refused {
			t.Errorf("%s: %s", id, a.Verdict)
		}
	}
	if a := attack(t, r, "jku"); len(a.Fetched) != 0 || !strings.Contains(a.Why, "not fetched") {
		t.Errorf("jku: fetched %v %q", a.Fetched, a.Why)
	}
	text := explain(r)
	if !strings.Contains(text, "could not run") {
		t.Errorf("the summary does not say some attacks could not run:\n%s", text)
	}

	// A key the authorizer does not trust: the claims attacks are skipped
	// rather than "refused" for the wrong reason.
	other, err := jose.Keygen("RS256", jose.KeygenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r = run(t, e, "GET", "/orders/1", probe.Credential{Label: "--token", Token: tok, Key: other.Key, KeyLabel: "other.pem"})
	if a := attack(t, r, "claims-expired"); a.Verdict != probe.Skipped || !strings.Contains(a.Why, "not trusted") {
		t.Errorf("untrusted key: %s %q", a.Verdict, a.Why)
	}
	if len(r.Notes) == 0 || !strings.Contains(strings.Join(r.Notes, "\n"), "re-signed with other.pem are refused") {
		t.Errorf("notes %q", r.Notes)
	}
	// Its public half still feeds the confusion attacks.
	if a := attack(t, r, "alg-hs256-pubkey"); a.Verdict != probe.Refused {
		t.Errorf("alg-hs256-pubkey: %s %q", a.Verdict, a.Why)
	}
}

// TestQuerySlot: a credential read from the query string has no scheme to
// vary; "moved" puts it in the Authorization header instead.
func TestQuerySlot(t *testing.T) {
	t.Parallel()
	e := inline(t, `version: 1
authorizers:
  oci:
    type: oci
    token: request.query[access]
    function:
      runtime: mock
      responses:
        - when: {token: "k-123456"}
          return: {active: true, principal: svc}
        - return: {active: false}
routes:
  - path: /things/{id}
    authorizer: oci
    backend: {echo: true}
`)
	r := run(t, e, "GET", "/things/1", probe.Credential{Label: "--token", Token: "k-123456"})
	if r.Problem != "" {
		t.Fatal(r.Problem)
	}
	if a := attack(t, r, "scheme-lowercase"); a.Verdict != probe.Skipped || !strings.Contains(a.Why, "query parameter access without a scheme") {
		t.Errorf("scheme-lowercase: %s %q", a.Verdict, a.Why)
	}
	m := attack(t, r, "moved")
	if m.Verdict != probe.Refused || m.Sent[0].Where != "header Authorization" {
		t.Errorf("moved: %s %+v", m.Verdict, m.Sent)
	}
	d := attack(t, r, "duplicate-forged-second")
	if d.Verdict == probe.Skipped || len(d.Sent) != 2 || d.Sent[0].Where != "query parameter access" {
		t.Errorf("duplicate: %s %+v", d.Verdict, d.Sent)
	}
}
