package probe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/probe"
)

// start is the virtual clock's start: tokens are minted and judged there,
// and the handlers' own clocks (time.time(), Date.now()) follow it.
var start = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func needs(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		t.Skipf("%s not on PATH", bin)
	}
}

// fixture loads fixtures/probe/NAME, rewriting text first (a service URL).
func fixture(t *testing.T, name string, replace ...string) (*engine.Engine, *config.Gateway) {
	t.Helper()
	path := filepath.Join("..", "..", "fixtures", "probe", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for i := 0; i+1 < len(replace); i += 2 {
		text = strings.ReplaceAll(text, replace[i], replace[i+1])
	}
	dir, _ := filepath.Abs(filepath.Dir(path))
	g, diags, err := config.Load(path, []byte(text), dir)
	if err != nil {
		t.Fatalf("%s does not load:\n%s", name, diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{Clock: clock.NewVirtual(start), Random: zeroReader{}, Elapsed: func(time.Time) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, g
}

// probeAs runs the battery with the gateway's token alice as the baseline.
func probeAs(t *testing.T, e *engine.Engine, g *config.Gateway, method, target string) *probe.Report {
	t.Helper()
	cred, err := probe.NamedToken(g, "alice", e.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	r, err := probe.Run(context.Background(), e, probe.Options{Method: method, Target: target, Credentials: []probe.Credential{cred}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Problem != "" {
		t.Fatalf("no probe: %s", r.Problem)
	}
	return r
}

func ids(r *probe.Report, v probe.Verdict) []string {
	var out []string
	for _, a := range r.Attacks {
		if a.Verdict == v {
			out = append(out, a.ID)
		}
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

// explain lists every attack with its verdict, for a failing test.
func explain(r *probe.Report) string {
	var b strings.Builder
	_ = probe.WriteText(&b, r, probe.TextOptions{})
	return b.String()
}

var signatureFree = []string{"sig-stripped", "sig-empty", "sig-truncated", "payload-bitflip",
	"alg-none", "alg-none-nodot", "alg-None", "alg-None-nodot", "alg-NONE", "alg-NONE-nodot", "alg-nOnE", "alg-nOnE-nodot",
	"alg-hs256-pubkey", "alg-hs384-pubkey", "alg-hs512-pubkey",
	"kid-unknown", "kid-traversal", "kid-sql", "jku", "x5u", "jwk-embedded", "x5c-embedded", "crit-unknown"}

// TestVulnerableFixturesAreFlagged runs each deliberately vulnerable
// authorizer of fixtures/probe — real Python and Node handlers as AWS
// TOKEN authorizers — and checks the probe flags exactly the attacks its
// bug lets through, and that the correct one refuses every attack.
func TestVulnerableFixturesAreFlagged(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fixture  string
		accepted []string
		notes    []string
	}{
		// Decode without verify: everything that only forges the
		// signature gets in; the last Authorization value (AWS REST takes
		// the last) is the forged alg none token.
		{"noverify", append(slices.Clone(signatureFree), "duplicate-forged-second"),
			[]string{"claims-exp-huge", "duplicate-forged-first", "huge", "scheme-doubled", "scheme-whitespace"}},
		// Trusts alg: none (three parts only) and HS256 with the public key.
		{"trustalg", []string{"alg-none", "alg-None", "alg-NONE", "alg-nOnE", "alg-hs256-pubkey", "alg-hs384-pubkey", "alg-hs512-pubkey",
			"crit-unknown", "duplicate-forged-second"},
			[]string{"claims-exp-huge", "duplicate-forged-first", "huge"}},
		// Ignores exp.
		{"noexp", []string{"claims-expired", "claims-nbf-future", "claims-exp-string", "crit-unknown"},
			[]string{"claims-exp-huge", "claims-iat-future", "duplicate-forged-first", "huge"}},
		// Fetches jku.
		{"jku", []string{"jku", "crit-unknown"},
			[]string{"claims-exp-huge", "duplicate-forged-first", "huge"}},
		// Correct: nothing gets in. The duplicate header is a gateway
		// matter (AWS forwards both values; the TOKEN event holds one).
		{"correct", nil, []string{"duplicate-forged-first"}},
	}
	for _, lang := range []struct{ dir, bin string }{{"py", "python3"}, {"js", "node"}} {
		for _, c := range cases {
			t.Run(c.fixture+"/"+lang.dir, func(t *testing.T) {
				needs(t, lang.bin)
				e, g := fixture(t, c.fixture+".yaml")
				r := probeAs(t, e, g, "GET", "/"+lang.dir+"/orders/1")
				if got, want := ids(r, probe.Accepted), sorted(c.accepted...); !slices.Equal(got, want) {
					t.Errorf("accepted %v\nwant     %v\n%s", got, want, explain(r))
				}
				if got, want := ids(r, probe.Note), sorted(c.notes...); !slices.Equal(got, want) {
					t.Errorf("notes %v\nwant  %v\n%s", got, want, explain(r))
				}
				// Only the ECDSA attack does not apply to an RS256 route.
				if got := ids(r, probe.Skipped); !slices.Equal(got, []string{"es-psychic"}) {
					t.Errorf("skipped %v, want only es-psychic\n%s", got, explain(r))
				}
				wantExit := probe.ExitAccepted
				if c.accepted == nil {
					wantExit = probe.ExitOK
				}
				if r.ExitCode() != wantExit {
					t.Errorf("exit code %d, want %d", r.ExitCode(), wantExit)
				}
				for _, a := range r.Attacks {
					if a.ID == "jku" {
						fetched := len(a.Fetched) > 0
						if fetched != (c.fixture == "jku") {
							t.Errorf("jku fetched = %v (%s)", a.Fetched, a.Why)
						}
					}
					if a.Verdict != probe.Skipped && a.Result == nil {
						t.Errorf("%s: no trace kept", a.ID)
					}
				}
			})
		}
	}
}

// TestEveryTokenDialect probes the correct and the decode-without-verify
// authorizers behind AWS REST REQUEST, AWS HTTP API, OCI and Huawei, in
// both languages: the correct one refuses every attack, the other is
// flagged for the signature attacks whatever the event and answer shapes.
func TestEveryTokenDialect(t *testing.T) {
	t.Parallel()
	core := []string{"sig-stripped", "alg-none", "alg-nOnE-nodot", "alg-hs256-pubkey", "kid-sql", "jwk-embedded"}
	for _, dialect := range []string{"request", "http", "oci", "huawei"} {
		for _, lang := range []struct{ dir, bin string }{{"py", "python3"}, {"js", "node"}} {
			t.Run(dialect+"/"+lang.dir, func(t *testing.T) {
				needs(t, lang.bin)
				e, g := fixture(t, "dialects.yaml")
				r := probeAs(t, e, g, "GET", "/"+dialect+"/correct/"+lang.dir+"/1")
				if got := ids(r, probe.Accepted); len(got) > 0 {
					t.Errorf("correct: accepted %v\n%s", got, explain(r))
				}
				if r.ExitCode() != probe.ExitOK {
					t.Errorf("correct: exit %d", r.ExitCode())
				}
				r = probeAs(t, e, g, "GET", "/"+dialect+"/noverify/"+lang.dir+"/1")
				got := ids(r, probe.Accepted)
				for _, id := range core {
					if !slices.Contains(got, id) {
						t.Errorf("noverify: %s not flagged; accepted %v\n%s", id, got, explain(r))
					}
				}
			})
		}
	}
}

// TestBuiltinJWT: authlab's own verifier refuses every attack.
func TestBuiltinJWT(t *testing.T) {
	t.Parallel()
	e, g := fixture(t, "jwt.yaml")
	r := probeAs(t, e, g, "GET", "/orders/1")
	if got := ids(r, probe.Accepted); len(got) > 0 {
		t.Errorf("accepted %v\n%s", got, explain(r))
	}
	// The gateway's own key is the confusion key: those attacks ran.
	for _, a := range r.Attacks {
		if strings.HasPrefix(a.ID, "alg-hs") && a.Verdict != probe.Refused {
			t.Errorf("%s: %s (%s)", a.ID, a.Verdict, a.Why)
		}
	}
	if !strings.Contains(r.PublicKey, "publicKey ../keys/rsa.pub.pem") {
		t.Errorf("public key from %q, want the authorizer's publicKey", r.PublicKey)
	}
}

// authService is a forward-auth service on 127.0.0.1: verify says whether
// it checks signatures (jose.Verify) or only decodes (the bug).
func authService(t *testing.T, verify bool) string {
	t.Helper()
	ks, err := jose.LoadKeys(filepath.Join("..", "..", "fixtures", "keys", "rsa.pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || len(r.Header.Values("Authorization")) != 1 {
			w.WriteHeader(401)
			return
		}
		var sub string
		if verify {
			// The service's clock is the gateway's virtual one.
			v := jose.Verify(raw, ks, jose.VerifyOptions{Now: start, Issuer: "https://issuer.example", Audience: []string{"orders"}, RequireExp: true})
			if !v.Valid {
				w.WriteHeader(401)
				return
			}
			sub = v.Token.StringClaim("sub")
		} else {
			tok, err := jose.Decode(raw) // THE BUG: no signature check
			if err != nil {
				w.WriteHeader(401)
				return
			}
			sub = tok.StringClaim("sub")
		}
		w.Header().Set("X-Auth-Request-User", sub)
		w.WriteHeader(204)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestForwardAuth probes forward auth against a live service: a correct
// one refuses every attack, a decode-only one is flagged.
func TestForwardAuth(t *testing.T) {
	t.Parallel()
	e, g := fixture(t, "forward.yaml", "http://127.0.0.1:9092", authService(t, true))
	r := probeAs(t, e, g, "GET", "/app/home")
	if got := ids(r, probe.Accepted); len(got) > 0 {
		t.Errorf("correct service: accepted %v\n%s", got, explain(r))
	}
	for _, a := range r.Attacks {
		if a.ID == "forged-header:X-Auth-Request-User" && a.Verdict != probe.Passed {
			t.Errorf("FWD-3: %s (%s)", a.Verdict, a.Why)
		}
	}
	e, g = fixture(t, "forward.yaml", "http://127.0.0.1:9092", authService(t, false))
	r = probeAs(t, e, g, "GET", "/app/home")
	got := ids(r, probe.Accepted)
	for _, id := range []string{"sig-empty", "alg-none", "payload-bitflip", "jwk-embedded"} {
		if !slices.Contains(got, id) {
			t.Errorf("decode-only service: %s not flagged; accepted %v", id, got)
		}
	}
	// The JSON report carries the trace of each accepted attack.
	var b strings.Builder
	if err := probe.WriteJSON(&b, r, false); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OK     bool                       `json:"ok"`
		Exit   int                        `json:"exitCode"`
		Traces map[string]json.RawMessage `json:"traces"`
	}
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OK || doc.Exit != probe.ExitAccepted || doc.Traces["alg-none"] == nil || doc.Traces["baseline"] == nil {
		t.Errorf("JSON: ok=%v exit=%d traces=%d", doc.OK, doc.Exit, len(doc.Traces))
	}
}
