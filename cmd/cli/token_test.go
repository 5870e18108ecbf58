package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

var tokenFixtures = filepath.Join("..", "..", "fixtures", "keys")

func tokenFixture(name string) string { return filepath.Join(tokenFixtures, name) }

// tokenT0 is the fixed wall clock of these tests.
var tokenT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func tokenClock() time.Time { return tokenT0 }

type tokenStreams struct {
	io       *IO
	out, err *bytes.Buffer
}

func newTokenStreams(stdin string) tokenStreams {
	out, errb := &bytes.Buffer{}, &bytes.Buffer{}
	return tokenStreams{
		io:  &IO{In: strings.NewReader(stdin), Out: out, Err: errb, Getenv: func(string) string { return "" }},
		out: out, err: errb,
	}
}

func tokenExit(err error) int { return exitCode(err) }

// tokenMint runs mint with the fixed clock and returns the token.
func tokenMint(t *testing.T, o tokenMintOptions) string {
	t.Helper()
	s := newTokenStreams("")
	o.IO, o.Clock = s.io, tokenClock
	if err := runTokenMint(&o); err != nil {
		t.Fatalf("mint: %v (stderr %s)", err, s.err)
	}
	tok := s.out.String()
	if strings.Count(tok, "\n") != 1 || !strings.HasSuffix(tok, "\n") || strings.Count(tok, ".") != 2 {
		t.Fatalf("mint printed more than the token: %q", tok)
	}
	return strings.TrimSpace(tok)
}

func tokenDecode(t *testing.T, o tokenDecodeOptions, stdin string) (out, stderr string, code int) {
	t.Helper()
	s := newTokenStreams(stdin)
	o.IO = s.io
	if o.Clock == nil {
		o.Clock = tokenClock
	}
	err := runTokenDecode(&o)
	if err != nil && tokenExit(err) == ExitUsage {
		stderr = err.Error()
	}
	return s.out.String(), s.err.String() + stderr, tokenExit(err)
}

func TestTokenMintDecodeEveryFamily(t *testing.T) {
	t.Parallel()
	cases := []struct {
		alg  string
		mint tokenKeyFlags
		dec  tokenKeyFlags
	}{
		{"HS256", tokenKeyFlags{SecretFile: tokenFixture("hs256.secret")}, tokenKeyFlags{SecretFile: tokenFixture("hs256.secret")}},
		{"HS384", tokenKeyFlags{Secret: "a-secret-long-enough-for-hs384-is-48-bytes-long!"}, tokenKeyFlags{SecretBase64: "YS1zZWNyZXQtbG9uZy1lbm91Z2gtZm9yLWhzMzg0LWlzLTQ4LWJ5dGVzLWxvbmch"}},
		{"RS256", tokenKeyFlags{Key: tokenFixture("rsa.pem")}, tokenKeyFlags{JWKS: tokenFixture("jwks.json")}},
		{"PS512", tokenKeyFlags{Key: tokenFixture("rsa.pem")}, tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}},
		{"ES256", tokenKeyFlags{Key: tokenFixture("ec-p256.pem")}, tokenKeyFlags{JWKS: tokenFixture("jwks.json")}},
		{"ES384", tokenKeyFlags{Key: tokenFixture("ec-p384.pem")}, tokenKeyFlags{Key: tokenFixture("ec-p384.jwks.json")}},
		{"ES512", tokenKeyFlags{Key: tokenFixture("ec-p521.pem")}, tokenKeyFlags{Key: tokenFixture("ec-p521.pub.pem")}},
		{"EdDSA", tokenKeyFlags{Key: tokenFixture("ed25519.pem")}, tokenKeyFlags{JWKS: tokenFixture("jwks.json")}},
	}
	for _, c := range cases {
		t.Run(c.alg, func(t *testing.T) {
			tok := tokenMint(t, tokenMintOptions{Keys: c.mint, Alg: c.alg, Sub: "alice", Scope: "read:orders", Aud: []string{"orders"}, Iss: "https://issuer.example"})
			out, stderr, code := tokenDecode(t, tokenDecodeOptions{Token: tok, Keys: c.dec, Iss: "https://issuer.example", Aud: []string{"orders"}, Now: "10m"}, "")
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
			}
			for _, want := range []string{`"alg": "` + c.alg + `"`, `"sub": "alice"`, "expires in 50m", "issued 10m ago", "VERDICT\n  valid: signature verified with"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestTokenDecodeVerdictsAndExitCodes(t *testing.T) {
	t.Parallel()
	rsa := tokenKeyFlags{Key: tokenFixture("rsa.pem")}
	tok := tokenMint(t, tokenMintOptions{Keys: rsa, Sub: "alice", Aud: []string{"orders"}, Iss: "https://issuer.example", KID: "k1"})
	expired := tokenMint(t, tokenMintOptions{Keys: rsa, Exp: "-3h"})
	cases := []struct {
		name string
		opts tokenDecodeOptions
		code int
		want string
	}{
		{"no key: not verified", tokenDecodeOptions{Token: tok}, 0, "not verified"},
		{"valid", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}}, 0, "valid: signature verified with an RSA 2048 public key"},
		{"expired", tokenDecodeOptions{Token: expired, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}}, 1, "INVALID (expired): the token expired 3h ago"},
		{"expired within leeway", tokenDecodeOptions{Token: expired, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}, Leeway: 4 * time.Hour}, 0, "valid"},
		{"checked later: expired", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}, Now: "2h"}, 1, "expired 1h ago"},
		{"not yet valid", tokenDecodeOptions{Token: tokenMint(t, tokenMintOptions{Keys: rsa, Nbf: "15m"}), Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}}, 1, "(not-yet-valid): the token is not valid for another 15m"},
		{"wrong key type", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("ec-p256.pub.pem")}}, 1, "(alg-not-allowed): RS256 needs an RSA key of at least 2048 bits"},
		{"kid not in a one-key JWKS", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.jwks.json")}}, 1, "(kid-not-found)"},
		{"bad signature", tokenDecodeOptions{Token: tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "one"}}), Keys: tokenKeyFlags{Secret: "two"}}, 1, "(bad-signature): the signature does not verify"},
		{"HS with public key", tokenDecodeOptions{Token: tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{SecretFile: tokenFixture("rsa.pub.pem")}, Alg: "HS256"}), Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}}, 1, "never accepted (key confusion)"},
		{"allow-list", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}, Algs: []string{"ps256"}}, 1, "RS256 is not in the allowed algorithms (PS256)"},
		{"kid not in JWKS", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{JWKS: tokenFixture("jwks.json")}}, 1, `(kid-not-found): kid "k1" is not in`},
		{"issuer mismatch", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}, Iss: "https://evil.example"}, 1, `(issuer-mismatch): issuer "https://issuer.example", expected "https://evil.example"`},
		{"audience mismatch", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}, Aud: []string{"billing"}}, 1, `(audience-mismatch)`},
		{"none token", tokenDecodeOptions{Token: tokenMint(t, tokenMintOptions{Alg: "none", UnsafeNone: true}), Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}}, 1, `alg "none" (an unsigned token) is never accepted`},
		{"two keys", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem"), Secret: "x"}}, 2, "give one key, not --key and --secret"},
		{"missing key file", tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Key: "nope.pem"}}, 2, "reading key"},
		{"bad --now", tokenDecodeOptions{Token: tok, Now: "3600"}, 2, "--now: bad time"},
		{"bad --alg", tokenDecodeOptions{Token: tok, Algs: []string{"RS999"}}, 2, `unknown algorithm "RS999"`},
		{"malformed", tokenDecodeOptions{Token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi+OiJhIn0.x"}, 2, "malformed token: claims: bad base64url"},
		{"not a JWT", tokenDecodeOptions{Token: "hello"}, 2, "a JWT has 3 dot-separated parts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := tokenDecode(t, c.opts, "")
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, stderr)
			}
			if !strings.Contains(out+stderr, c.want) {
				t.Fatalf("want %q in:\n%s\n%s", c.want, out, stderr)
			}
			if code == 2 && out != "" {
				t.Errorf("bad input printed data on stdout: %q", out)
			}
		})
	}
}

func TestTokenDecodeStdinBearerAndJSON(t *testing.T) {
	t.Parallel()
	tok := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("ec-p256.pem")}, Sub: "alice", KID: "7t0QtOGDADt8aqxzD3VYL74aMMl1zPUcEAml5MCm0Nk"})
	out, stderr, code := tokenDecode(t, tokenDecodeOptions{Token: "-", Keys: tokenKeyFlags{JWKS: tokenFixture("jwks.json")}, JSON: true}, "Bearer "+tok+"\n")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Header    map[string]any
		Claims    map[string]any
		Signature struct {
			Alg      string
			Bytes    int
			Verified bool
		}
		Times map[string]struct {
			Unix           json.Number
			Time, Relative string
		}
		Verdict struct {
			Valid            bool
			Reason, Key, KID string
			Message          string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Claims["sub"] != "alice" || got.Header["alg"] != "ES256" || got.Signature.Bytes != 64 || !got.Signature.Verified {
		t.Errorf("decoded %+v", got)
	}
	if e := got.Times["exp"]; e.Time != "2026-01-01T01:00:00Z" || e.Relative != "expires in 1h" || e.Unix != "1767229200" {
		t.Errorf("exp %+v", e)
	}
	if !got.Verdict.Valid || got.Verdict.Reason != "valid" || got.Verdict.Key != "EC P-256 public key" {
		t.Errorf("verdict %+v", got.Verdict)
	}

	// Invalid as JSON: still JSON on stdout, exit 1.
	out, _, code = tokenDecode(t, tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{Secret: "x"}, JSON: true}, "")
	if code != 1 || !strings.Contains(out, `"reason": "alg-not-allowed"`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// No verdict without a key.
	out, _, _ = tokenDecode(t, tokenDecodeOptions{Token: tok, JSON: true}, "")
	if strings.Contains(out, `"verdict"`) {
		t.Fatalf("verdict without a key:\n%s", out)
	}
	// Nothing on stdin.
	if _, stderr, code := tokenDecode(t, tokenDecodeOptions{}, "  \n"); code != 2 || !strings.Contains(stderr, "no token") {
		t.Fatalf("empty stdin: exit %d %s", code, stderr)
	}
}

func TestTokenMintFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	claimsFile := filepath.Join(dir, "claims.json")
	os.WriteFile(claimsFile, []byte(`{"sub":"from-file","tenant":"acme","exp":1767300000,"n":12345678901234567890}`), 0o600)

	decode := func(tok string) *jose.Token {
		t.Helper()
		d, err := jose.Decode(tok)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// The claims file's exp is kept when --exp is not given; flags win over the file.
	d := decode(tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, ClaimsFile: claimsFile, Sub: "alice",
		Claims: []string{"admin=true", "level=3", `roles=["a","b"]`, "name=Alice Smith", `id="123"`}, Aud: []string{"a", "b"},
		Headers: []string{"cty=demo"}, TypSet: true, Typ: "", JTI: "fixed", Iat: "-1m", Nbf: "@1767225000"}))
	want := map[string]string{"sub": `"alice"`, "tenant": `"acme"`, "exp": "1767300000", "n": "12345678901234567890",
		"admin": "true", "level": "3", "roles": `["a","b"]`, "name": `"Alice Smith"`, "id": `"123"`, "aud": `["a","b"]`,
		"jti": `"fixed"`, "iat": "1767225540", "nbf": "1767225000"}
	for k, v := range want {
		b, _ := json.Marshal(d.Claims[k])
		if string(b) != v {
			t.Errorf("claim %s = %s, want %s", k, b, v)
		}
	}
	if _, ok := d.Header["typ"]; ok || d.Header["cty"] != "demo" {
		t.Errorf("header %s", d.HeaderJSON)
	}

	// --exp none, --iat none, claims from stdin, an absolute --exp.
	s := newTokenStreams(`{"sub":"stdin"}`)
	o := tokenMintOptions{IO: s.io, Clock: tokenClock, Keys: tokenKeyFlags{Secret: "s"}, ClaimsFile: "-", Exp: "none", Iat: "none"}
	if err := runTokenMint(&o); err != nil {
		t.Fatal(err)
	}
	d = decode(strings.TrimSpace(s.out.String()))
	if d.Claims["sub"] != "stdin" || d.Claims["exp"] != nil || d.Claims["iat"] != nil {
		t.Errorf("claims %s", d.ClaimsJSON)
	}
	d = decode(tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, Exp: "2026-06-01"}))
	if exp, _, _ := d.TimeClaim("exp"); !exp.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("exp %v", exp)
	}
	// --now fixes the clock: with a fixed jti, HS256 tokens are identical.
	a := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, Now: "2030-01-01T00:00:00Z", JTI: "x"})
	b := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, Now: "2030-01-01T00:00:00Z", JTI: "x"})
	if a != b {
		t.Errorf("--now and --jti should make the token reproducible")
	}
	if iat, _, _ := decode(a).TimeClaim("iat"); iat.Year() != 2030 {
		t.Errorf("iat %v, want the --now clock", iat)
	}
}

func TestTokenMintKidPicksFromJWKS(t *testing.T) {
	t.Parallel()
	var keys []*jose.Key
	for _, name := range []string{"rsa.pem", "ec-p256.pem"} {
		ks, err := jose.LoadKeys(tokenFixture(name))
		if err != nil {
			t.Fatal(err)
		}
		k := ks.Keys[0]
		k.KID = strings.TrimSuffix(name, ".pem")
		keys = append(keys, k)
	}
	var raw []json.RawMessage
	for _, k := range keys {
		b, err := k.MarshalJWK(true)
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b)
	}
	set, _ := json.Marshal(map[string]any{"keys": raw})
	path := filepath.Join(t.TempDir(), "private.jwks.json")
	os.WriteFile(path, set, 0o600)

	tok := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: path}, KID: "ec-p256"})
	d, _ := jose.Decode(tok)
	if d.Alg != "ES256" || d.KID != "ec-p256" {
		t.Fatalf("alg %s kid %s", d.Alg, d.KID)
	}
	s := newTokenStreams("")
	err := runTokenMint(&tokenMintOptions{IO: s.io, Clock: tokenClock, Keys: tokenKeyFlags{Key: path}})
	if tokenExit(err) != 2 || !strings.Contains(err.Error(), "holds 2 keys; choose one by kid (rsa, ec-p256)") {
		t.Fatalf("no kid: %v", err)
	}
}

func TestTokenMintErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts tokenMintOptions
		want string
	}{
		{"no key", tokenMintOptions{}, "nothing to sign with"},
		{"wrong key for alg", tokenMintOptions{Alg: "ES256", Keys: tokenKeyFlags{Key: tokenFixture("rsa.pem")}}, "ES256 needs a P-256 EC key; " + tokenFixture("rsa.pem") + " holds an RSA 2048 private key"},
		{"public key", tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("rsa.pub.pem")}}, "needs a private key to sign"},
		{"secret for RS", tokenMintOptions{Alg: "RS256", Keys: tokenKeyFlags{Secret: "s"}}, "RS256 needs an RSA key of at least 2048 bits; --secret holds a secret of 1 bytes"},
		{"none refused", tokenMintOptions{Alg: "none"}, "--unsafe-none"},
		{"unknown alg", tokenMintOptions{Alg: "XS256", Keys: tokenKeyFlags{Secret: "s"}}, `--alg: unknown algorithm "XS256"`},
		{"jwks", tokenMintOptions{Keys: tokenKeyFlags{JWKS: "x"}}, "--jwks is for verifying"},
		{"bad exp", tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, Exp: "3600"}, "--exp: bad time \"3600\": give a duration with a unit"},
		{"bad claim", tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, Claims: []string{"novalue"}}, `--claim "novalue": expected name=value`},
		{"bad claims file", tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, ClaimsFile: tokenFixture("rsa.pem")}, "not a JSON object"},
		{"header alg", tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}, Headers: []string{"alg=none"}}, `"alg" is set by the algorithm`},
		{"kid not in JWKS", tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("jwks.json")}, KID: "zz"}, `kid "zz" is not in`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newTokenStreams("")
			c.opts.IO, c.opts.Clock = s.io, tokenClock
			err := runTokenMint(&c.opts)
			if tokenExit(err) != 2 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v (exit %d), want %q", err, tokenExit(err), c.want)
			}
			if s.out.Len() != 0 {
				t.Errorf("stdout %q", s.out)
			}
		})
	}
	// Weak secret and none: a token, with a warning on stderr only.
	s := newTokenStreams("")
	if err := runTokenMint(&tokenMintOptions{IO: s.io, Clock: tokenClock, Keys: tokenKeyFlags{Secret: "short"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.err.String(), "warning: HS256 secret is 5 bytes") || strings.Count(s.out.String(), ".") != 2 {
		t.Fatalf("stdout %q stderr %q", s.out, s.err)
	}
	s = newTokenStreams("")
	if err := runTokenMint(&tokenMintOptions{IO: s.io, Clock: tokenClock, Alg: "NONE", UnsafeNone: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(s.out.String()), ".") || !strings.Contains(s.err.String(), "unsigned") {
		t.Fatalf("stdout %q stderr %q", s.out, s.err)
	}
}

func TestTokenKeygen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shared := filepath.Join(dir, "all.jwks.json")
	for _, alg := range []string{"RS256", "ES384", "EdDSA", "HS512"} {
		s := newTokenStreams("")
		o := tokenKeygenOptions{IO: s.io, Alg: alg, Out: dir, JSON: true, Bits: 2048}
		if alg != "HS512" {
			o.AppendJWKS = shared
		}
		if err := runTokenKeygen(&o); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		var rep tokenKeygenReport
		if err := json.Unmarshal(s.out.Bytes(), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", alg, err, s.out)
		}
		if rep.Alg != alg || rep.KID == "" || rep.Files.JWKS == "" {
			t.Fatalf("report %+v", rep)
		}
		st, err := os.Stat(rep.Files.Private)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s private mode %v %v", alg, st.Mode(), err)
		}
		// Sign with what keygen wrote, verify against what it wrote.
		mintKeys := tokenKeyFlags{Key: rep.Files.Private}
		verify := tokenKeyFlags{JWKS: shared}
		if alg == "HS512" {
			mintKeys = tokenKeyFlags{SecretFile: rep.Files.Private}
			verify = tokenKeyFlags{Key: rep.Files.JWKS}
		}
		tok := tokenMint(t, tokenMintOptions{Keys: mintKeys, Alg: alg, KID: rep.KID})
		if out, stderr, code := tokenDecode(t, tokenDecodeOptions{Token: tok, Keys: verify}, ""); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", alg, code, out, stderr)
		}
		// Again: refused without --force, fine with it.
		s = newTokenStreams("")
		o.IO, o.AppendJWKS = s.io, ""
		if err := runTokenKeygen(&o); tokenExit(err) != 2 || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("%s overwrite: %v", alg, err)
		}
		o.Force = true
		if err := runTokenKeygen(&o); err != nil {
			t.Fatalf("%s --force: %v", alg, err)
		}
	}
	if ks, err := jose.LoadKeys(shared); err != nil || len(ks.Keys) != 3 {
		t.Fatalf("shared JWKS: %v", err)
	}

	// Human report and bad input.
	s := newTokenStreams("")
	if err := runTokenKeygen(&tokenKeygenOptions{IO: s.io, Alg: "es256", Out: dir, Name: "mine"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"alg      ES256", "key      EC P-256 private key", "private  " + filepath.Join(dir, "mine.pem") + "  (mode 0600)"} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, s.out)
		}
	}
	for _, o := range []tokenKeygenOptions{{}, {Alg: "none"}, {Alg: "XX1"}, {Alg: "HS256", AppendJWKS: shared}, {Alg: "RS256", Bits: 1024}, {Alg: "ES256", Name: "a/b"}} {
		s := newTokenStreams("")
		o.IO, o.Out = s.io, dir
		if err := runTokenKeygen(&o); tokenExit(err) != 2 {
			t.Errorf("%+v: exit %d (%v)", o, tokenExit(err), err)
		}
	}
}

// The whole command tree: flags wired, exit codes mapped, messages on stderr.
func TestTokenCommandsThroughExecute(t *testing.T) {
	t.Parallel()
	s := newTokenStreams("")
	if code := Execute(s.io, []string{"token", "mint", "--key", tokenFixture("ed25519.pem"), "--sub", "alice", "--exp", "-1h"}); code != 0 {
		t.Fatalf("mint exit %d: %s", code, s.err)
	}
	tok := strings.TrimSpace(s.out.String())

	s = newTokenStreams(tok)
	code := Execute(s.io, []string{"token", "decode", "--jwks", tokenFixture("jwks.json")})
	if code != 1 || !strings.Contains(s.out.String(), "INVALID (expired)") || s.err.Len() != 0 {
		t.Fatalf("decode exit %d\nstdout %s\nstderr %s", code, s.out, s.err)
	}

	s = newTokenStreams("")
	if code := Execute(s.io, []string{"token", "decode", "not-a-token"}); code != 2 || !strings.Contains(s.err.String(), "authlab: malformed token") {
		t.Fatalf("malformed: exit %d, stderr %q", code, s.err)
	}
	s = newTokenStreams("")
	if code := Execute(s.io, []string{"token", "mint", "--bogus"}); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
	for _, sub := range []string{"mint", "decode", "keygen"} {
		s = newTokenStreams("")
		Execute(s.io, []string{"token", sub, "--help"})
		if !strings.Contains(s.out.String(), "Examples:") {
			t.Errorf("token %s --help has no examples", sub)
		}
	}
}

// A token signed by Node's crypto (code no one here wrote) is verified by
// `authlab token decode`.
func TestTokenDecodeVerifiesNodeSignedTokens(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	script := filepath.Join("..", "..", "engine", "jose", "testdata", "interop.js")
	for _, c := range []struct{ alg, pem, verify string }{
		{"RS256", "rsa.pem", "rsa.pub.pem"},
		{"PS256", "rsa.pem", "rsa.pub.pem"},
		{"ES256", "ec-p256.pem", "jwks.json"},
		{"EdDSA", "ed25519.pem", "jwks.json"},
		{"HS256", "", ""},
	} {
		t.Run(c.alg, func(t *testing.T) {
			req := map[string]any{"op": "sign", "alg": c.alg, "claims": map[string]any{"sub": "node", "exp": tokenT0.Add(time.Hour).Unix()}}
			keys := tokenKeyFlags{Key: tokenFixture(c.verify)}
			if c.pem == "" {
				req["secret"] = "node-and-authlab-share-this-secret"
				keys = tokenKeyFlags{Secret: "node-and-authlab-share-this-secret"}
			} else {
				pem, err := os.ReadFile(tokenFixture(c.pem))
				if err != nil {
					t.Fatal(err)
				}
				req["pem"] = string(pem)
			}
			in, _ := json.Marshal(req)
			cmd := exec.Command(node, script)
			cmd.Stdin = bytes.NewReader(in)
			out, err := cmd.Output()
			if err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					t.Fatalf("node: %s", ee.Stderr)
				}
				t.Fatal(err)
			}
			var resp struct{ Token string }
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			dout, stderr, code := tokenDecode(t, tokenDecodeOptions{Token: resp.Token, Keys: keys}, "")
			if code != 0 || !strings.Contains(dout, "valid: signature verified") || !strings.Contains(dout, `"sub": "node"`) {
				t.Fatalf("exit %d\n%s%s", code, dout, stderr)
			}
		})
	}
}

// Colour only on a terminal and without NO_COLOR.
func TestTokenDecodeColour(t *testing.T) {
	t.Parallel()
	tok := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}})
	for _, c := range []struct {
		tty     bool
		noColor string
		want    bool
	}{{true, "", true}, {true, "1", false}, {false, "", false}} {
		s := newTokenStreams("")
		s.io.OutTTY = c.tty
		s.io.Getenv = func(k string) string {
			if k == "NO_COLOR" {
				return c.noColor
			}
			return ""
		}
		err := runTokenDecode(&tokenDecodeOptions{IO: s.io, Clock: tokenClock, Token: tok, Keys: tokenKeyFlags{Secret: "s"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(s.out.String(), "\x1b["); got != c.want {
			t.Errorf("tty=%v NO_COLOR=%q: colour %v", c.tty, c.noColor, got)
		}
	}
}
