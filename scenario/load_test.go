package scenario_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/scenario"
)

// update rewrites the golden files: go test ./scenario/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testEnv is the only environment the tests see.
func testEnv(name string) (string, bool) {
	v, ok := map[string]string{"AUTHLAB_TEST_TENANT": "acme"}[name]
	return v, ok
}

var testLoad = scenario.LoadOptions{Getenv: testEnv}

// invalidCases pin what each invalid file's output must say, whatever its
// golden holds: the golden pins the exact text, these the meaning, so a
// careless -update cannot lose a required error.
var invalidCases = map[string][]string{
	"unknown_refs": {
		`unknown_refs.yaml:2:31: vars.region: environment variable AUTHLAB_TEST_UNSET is not set`,
		`unknown_refs.yaml:4:42: unknown var "tennant" in ${vars.tennant} (did you mean "tenant"?); defined: region, tenant`,
		`unknown_refs.yaml:9:48: unknown var "tenatn" in ${vars.tenatn} (did you mean "tenant"?)`,
		`unknown_refs.yaml:10:40: unknown token "alcie" in ${tokens.alcie} (did you mean "alice"?); defined: alice`,
		`unknown_refs.yaml:10:68: reference ${secrets.x}: unknown namespace "secrets"`,
	},
	"unterminated": {`unterminated.yaml:4:43: unterminated reference "${vars.a": missing }`},
	"unknown_expect_key": {
		`unknown_expect_key.yaml:6:7: unknown key "authorizr" in steps[0].expect (did you mean "authorizer"?)`,
		`unknown_expect_key.yaml:7:18: unknown key "headrs" in steps[0].expect.upstream (did you mean "headers"?)`,
		`unknown_expect_key.yaml:8:14: unknown key "contain" in steps[0].expect.body (did you mean "contains"?)`,
	},
	"bad_advance": {
		`bad_advance.yaml:3:14: invalid duration "5 minutes"`,
		`bad_advance.yaml:4:14: invalid duration "-3s": must not be negative`,
		`bad_advance.yaml:5:14: expected a duration such as 300s or 5m, found a list`,
		`bad_advance.yaml:7:14: invalid duration "1y"`,
	},
	"bad_jq": {
		`bad_jq.yaml:5:38: jq ".status ==" does not compile: unexpected EOF`,
		`bad_jq.yaml:5:52: jq ".a | foo(1)" does not compile: function not defined: foo/1`,
		`bad_jq.yaml:5:71: jq ".x )" does not compile: unexpected token ")"`,
	},
	"unknown_names": {
		`unknown_names.yaml:3:34: request GET /order/42 matches no route of the gateway`,
		`unknown_names.yaml:4:35: calls: unknown authorizer "tokk" (did you mean "tok"?); the gateway has: tok, jwt`,
		`unknown_names.yaml:4:44: calls: unknown authorizer "nobody"`,
		`unknown_names.yaml:5:37: request DELETE /users/7 matches no route`,
		`unknown_names.yaml:8:21: route: unknown route "/healthz" (did you mean "/health"?)`,
	},
	"gateway_file_errors": {
		`testdata/gateways/broken.yaml:4:11: authorizers.tok.type: "aws-tokn" is not one of`,
	},
	"gateway_missing": {
		`gateway_missing.yaml:1:10: gateway file ../gateways/nowhere.yaml: stat testdata/gateways/nowhere.yaml: no such file or directory`,
	},
	"gateway_inline_errors": {
		`gateway_inline_errors.yaml:7:7: unknown key "identitySorce" in authorizers.tok (did you mean "identitySource"?)`,
		`gateway_inline_errors.yaml:10:30: route /a: unknown authorizer "tokk" (did you mean "tok"?)`,
	},
	"tokens": {
		`tokens.yaml:3:3: token nokey: nothing to sign with`,
		`tokens.yaml:4:3: token twokeys: give one of key, secret, secretFile, not key and secret`,
		`tokens.yaml:5:18: token missing: reading key`,
		`tokens.yaml:6:3: token mismatch: HS256 needs a shared secret`,
		`tokens.yaml:7:3: token badalg: unknown algorithm "RS999"`,
		`tokens.yaml:8:34: invalid duration "soon"`,
	},
	"structure": {
		`structure.yaml:2:8: clock "next tuesday": expected an RFC 3339 time`,
		`structure.yaml:4:3: steps[0]: empty list item`,
		`structure.yaml:5:5: steps[1]: a step needs request (with expect), probe or advance`,
		`structure.yaml:6:5: steps[2]: expect without a request`,
		`structure.yaml:9:15: steps[3].expect.status: expected an integer, found a string`,
		`structure.yaml:10:19: steps[3].expect.authorizer: "maybe" is not one of called, cached, skipped`,
		`structure.yaml:11:17: upstream: expected none or a mapping`,
		`structure.yaml:12:22: steps[3].expect.headers.X-A: invalid regular expression after ~`,
		`structure.yaml:13:15: rules: "aws-c3" is not a rule id such as AWS-C3`,
		`structure.yaml:14:34: request: invalid path "orders": must start with /`,
	},
	"missing_keys": {
		`missing_keys.yaml:1:1: file: missing required key "gateway"`,
		`missing_keys.yaml:1:1: file: missing required key "steps"`,
	},
	"yaml_syntax": {`yaml_syntax.yaml:4:3: invalid YAML:`},
	"empty":       {`empty.yaml:1:1: empty scenario file: expected a mapping with gateway and steps`},
}

// TestInvalidGolden: every problem of an invalid file is reported at its
// file:line:col, with the line and a caret; output is pinned by goldens.
func TestInvalidGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			sc, diags, err := scenario.LoadFile(file, testLoad)
			if err == nil || sc != nil {
				t.Fatalf("%s loaded without errors", file)
			}
			// Errors only: the gateway's lint warnings are validate's business.
			got := diags.Format(false)
			want, ok := invalidCases[name]
			if !ok {
				t.Errorf("no required messages listed for %s in invalidCases", name)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q\n%s", w, got)
				}
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			g, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(g) != got {
				t.Errorf("output differs from %s (run with -update after checking):\n--- got ---\n%s--- want ---\n%s", golden, got, g)
			}
		})
	}
}

// loadSrc loads a scenario written in the test, as if it were a file in
// testdata (so `gateway: gateway.yaml` is testdata/gateway.yaml).
func loadSrc(t testing.TB, src string) *scenario.Scenario {
	t.Helper()
	sc, diags, err := scenario.Load(filepath.Join("testdata", "t.yaml"), []byte(src), testLoad)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, diags.Format(true))
	}
	return sc
}

func TestLoadResolvesReferences(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, `
name: refs
gateway: gateway.yaml
vars: {tenant: "${env.AUTHLAB_TEST_TENANT}", literal: "$${not.a.ref}"}
steps:
  - request:
      method: get
      path: /orders/42?tenant=${vars.tenant}
      query: {page: ["1", "2"]}
      headers: {Authorization: "Bearer allow-alice", X-Note: "${vars.literal}"}
      body: {tenant: "${vars.tenant}"}
`)
	p := sc.Plan[0].Request
	if p.Method != "GET" || p.Target != "/orders/42?tenant=acme&page=1&page=2" {
		t.Errorf("request %s", p)
	}
	if string(p.Body) != `{"tenant":"acme"}` {
		t.Errorf("body %s", p.Body)
	}
	want := []string{"Authorization: Bearer allow-alice", "Content-Type: application/json", "X-Note: ${not.a.ref}"}
	if strings.Join(p.Headers, "|") != strings.Join(want, "|") {
		t.Errorf("headers %q, want %q", p.Headers, want)
	}
	if sc.Plan[0].Name != "GET /orders/42?tenant=acme&page=1&page=2" {
		t.Errorf("default step name %q", sc.Plan[0].Name)
	}
	if !sc.Start.Equal(scenario.DefaultClock) {
		t.Errorf("default clock %v", sc.Start)
	}
}

// TestTokensMintedAtVirtualTime: iat is the scenario's clock and exp counts
// from it, never from the wall clock.
func TestTokensMintedAtVirtualTime(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, `
gateway: gateway.yaml
clock: 2030-06-01T08:00:00Z
vars: {who: alice}
tokens:
  rsa: {key: ../../fixtures/keys/rsa.pem, kid: k1, claims: {sub: "${vars.who}", scope: "read:orders"}, expiresIn: 5m, notBefore: 1m}
  hs: {secret: s3cret, alg: HS512, header: {cty: test}}
  none: {alg: none, claims: {sub: x}}
steps:
  - request: {method: GET, path: /jwt, headers: {X-Token: "${tokens.rsa}", X-B: "${tokens.hs}", X-C: "${tokens.none}"}}
`)
	start := time.Date(2030, 6, 1, 8, 0, 0, 0, time.UTC)
	var rsaTok, hsTok string
	for _, h := range sc.Plan[0].Request.Headers {
		name, v, _ := strings.Cut(h, ": ")
		switch name {
		case "X-Token":
			rsaTok = v
		case "X-B":
			hsTok = v
		}
	}
	tok, err := jose.Decode(rsaTok)
	if err != nil {
		t.Fatal(err)
	}
	for claim, want := range map[string]time.Time{"iat": start, "exp": start.Add(5 * time.Minute), "nbf": start.Add(time.Minute)} {
		got, ok, err := tok.TimeClaim(claim)
		if err != nil || !ok || !got.Equal(want) {
			t.Errorf("%s = %v (%v, %v), want %v", claim, got, ok, err, want)
		}
	}
	if tok.StringClaim("sub") != "alice" || tok.Header["kid"] != "k1" || tok.Header["alg"] != "RS256" {
		t.Errorf("claims %v header %v", tok.Claims, tok.Header)
	}
	if _, ok := tok.Claims["jti"]; ok {
		t.Errorf("a scenario token has no random jti, so replays are identical")
	}
	hs, err := jose.Decode(hsTok)
	if err != nil || hs.Header["alg"] != "HS512" || hs.Header["cty"] != "test" {
		t.Errorf("hs token %v %v", hs, err)
	}
	// The same file mints the same RS256 token: replays are reproducible.
	again := loadSrc(t, `
gateway: gateway.yaml
clock: 2030-06-01T08:00:00Z
vars: {who: alice}
tokens:
  rsa: {key: ../../fixtures/keys/rsa.pem, kid: k1, claims: {sub: "${vars.who}", scope: "read:orders"}, expiresIn: 5m, notBefore: 1m}
steps:
  - request: {method: GET, path: /jwt, headers: {X-Token: "${tokens.rsa}"}}
`)
	if got := strings.TrimPrefix(again.Plan[0].Request.Headers[0], "X-Token: "); got != rsaTok {
		t.Errorf("token differs between loads")
	}
}

func TestInlineGatewayPathsAreTheScenarios(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, `
gateway:
  version: 1
  authorizers:
    j: {type: jwt, identitySource: header:Authorization, jwks: ../../fixtures/keys/jwks.json}
  routes:
    - {path: /a, authorizer: j, backend: {echo: true}}
steps:
  - request: {method: GET, path: /a}
    expect: {status: 401}
`)
	abs, _ := filepath.Abs("testdata")
	if sc.Gateway.Dir != abs {
		t.Errorf("inline gateway dir %s, want %s", sc.Gateway.Dir, abs)
	}
}

func TestIsScenario(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"steps: []\n":                    true,
		"name: x\ngateway: g\nsteps:\n":  true,
		"version: 1\nroutes: []\n":       false,
		"steps: [\n  - {request: {\n":    true, // unparseable, judged by text
		"version: 1\n# steps: later\n":   false,
		"- steps: [a]\n":                 false,
		"version: 1\nx: {steps: []}\n":   false,
		"\"steps\": [{advance: 1s}]\n":   true,
		"version: 1\nsteps_old: []\n":    false,
		"broken: [\n  steps: oh\n":       false,
		"broken: [\nsteps: oh\n":         true,
		"":                               false,
		"# nothing\n":                    false,
		"version: 1\n---\nsteps: []\n":   false,
		"steps:\n  - advance: 1s\n---\n": true,
	}
	for src, want := range cases {
		if got := scenario.IsScenario([]byte(src)); got != want {
			t.Errorf("IsScenario(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestDiscoverAndShard(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"b.yaml", "a.yml", "sub/c.yaml", "sub/deeper/d.yaml", "e.yaml", "f.yaml", "g.yaml"} {
		write(n, "gateway: x.yaml\nsteps: []\n")
	}
	write("gateway.yaml", "version: 1\nroutes: []\n")
	write("notes.txt", "steps: []\n")
	write(".hidden/h.yaml", "steps: []\n")
	write("node_modules/m.yaml", "steps: []\n")
	files, err := scenario.Discover([]string{dir, filepath.Join(dir, "b.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	if got, want := strings.Join(rel, " "), "a.yml b.yaml e.yaml f.yaml g.yaml sub/c.yaml sub/deeper/d.yaml"; got != want {
		t.Fatalf("discovered %s, want %s", got, want)
	}
	// Every file lands in exactly one shard, whatever order the paths were
	// found in, and shards differ by at most one file.
	reversed := append([]string(nil), files...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		sh, err := scenario.ParseShard(strings.Join([]string{string(rune('0' + k)), "3"}, "/"))
		if err != nil {
			t.Fatal(err)
		}
		a, b := sh.Pick(files), sh.Pick(reversed)
		if len(a) != len(b) || len(a) < 2 || len(a) > 3 {
			t.Errorf("shard %d: %d vs %d files", k, len(a), len(b))
		}
		inB := map[string]bool{}
		for _, f := range b {
			inB[f] = true
		}
		for _, f := range a {
			if !inB[f] {
				t.Errorf("shard %d: %s depends on the input order", k, f)
			}
			seen[f]++
		}
	}
	for _, f := range files {
		if seen[f] != 1 {
			t.Errorf("%s is in %d shards", f, seen[f])
		}
	}
	for _, bad := range []string{"0/3", "4/3", "1/0", "a/b", "1", "1/2/3", ""} {
		if _, err := scenario.ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

// TestLoadNeverPanics: every prefix of every test and fixture file loads
// without a panic, with its diagnostics inside the file.
func TestLoadNeverPanics(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "fixtures", "scenarios", "*.yaml"))
	for _, f := range append(files, more...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(src), "\n")
		for k := 0; k <= len(lines); k++ {
			part := strings.Join(lines[:k], "")
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s, first %d lines: panic %v", f, k, r)
					}
				}()
				_, diags, _ := scenario.Load(f, []byte(part), testLoad)
				for _, d := range diags.List {
					if d.File == f && (d.Line < 1 || d.Col < 1 || d.Line > k+1) {
						t.Errorf("%s, first %d lines: %s outside the text", f, k, d)
					}
				}
			}()
		}
	}
}
