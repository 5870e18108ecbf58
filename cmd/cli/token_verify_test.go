package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/jose"
)

// TestTokenVerifyExitStatus: verify answers with its exit status, 0 only
// for a valid token, and needs a key.
func TestTokenVerifyExitStatus(t *testing.T) {
	t.Parallel()
	good := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("rsa.pem")}, Sub: "alice"})
	expired := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("rsa.pem")}, Exp: "-1h"})
	cases := []struct {
		name string
		opts tokenDecodeOptions
		code int
		want string
	}{
		{"valid", tokenDecodeOptions{Token: good, Keys: tokenKeyFlags{JWKS: tokenFixture("jwks.json")}}, 0, "valid: signature verified with"},
		{"expired", tokenDecodeOptions{Token: expired, Keys: tokenKeyFlags{JWKS: tokenFixture("jwks.json")}}, 1, "INVALID (expired)"},
		{"wrong key", tokenDecodeOptions{Token: good, Keys: tokenKeyFlags{Key: tokenFixture("ec-p256.pub.pem")}}, 1, "INVALID (alg-not-allowed)"},
		{"no key", tokenDecodeOptions{Token: good}, 2, "token verify needs a key"},
		{"malformed", tokenDecodeOptions{Token: "x", Keys: tokenKeyFlags{Secret: "s"}}, 2, "malformed token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Verify = true
			out, stderr, code := tokenDecode(t, c.opts, "")
			if code != c.code || !strings.Contains(out+stderr, c.want) {
				t.Fatalf("exit %d, want %d; output %q %q, want %q", code, c.code, out, stderr, c.want)
			}
			if code != 2 && strings.Count(out, "\n") != 1 {
				t.Errorf("verify prints the verdict on one line, got %q", out)
			}
		})
	}
}

// TestTokenMintKIDIsThumbprint: a key without a kid (a PEM file) signs
// tokens named by its RFC 7638 thumbprint, the kid keygen's JWKS gives it;
// --kid "" leaves the kid out; a shared secret gets none.
func TestTokenMintKIDIsThumbprint(t *testing.T) {
	t.Parallel()
	ks, err := jose.LoadKeys(tokenFixture("rsa.pem"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := ks.Keys[0].Thumbprint()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := jose.Decode(tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("rsa.pem")}}))
	if d.KID != tp {
		t.Errorf("kid %q, want the thumbprint %q", d.KID, tp)
	}
	d, _ = jose.Decode(tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("rsa.pem")}, KID: "mine"}))
	if d.KID != "mine" {
		t.Errorf("--kid mine: kid %q", d.KID)
	}
	d, _ = jose.Decode(tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: tokenFixture("rsa.pem")}, NoKID: true}))
	if _, has := d.Header["kid"]; has {
		t.Errorf(`--kid "": header %v has a kid`, d.Header)
	}
	d, _ = jose.Decode(tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{SecretFile: tokenFixture("hs256.secret")}}))
	if _, has := d.Header["kid"]; has {
		t.Errorf("a secret's token has a kid (a hash of the secret): %v", d.Header)
	}
}

// TestTokenMintJSON: --json prints the token with its header and claims.
func TestTokenMintJSON(t *testing.T) {
	t.Parallel()
	s := newTokenStreams("")
	o := tokenMintOptions{IO: s.io, Clock: tokenClock, Keys: tokenKeyFlags{Key: tokenFixture("ec-p256.pem")}, Sub: "alice", JSON: true}
	if err := runTokenMint(&o); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Token  string         `json:"token"`
		Header map[string]any `json:"header"`
		Claims map[string]any `json:"claims"`
		Alg    string         `json:"alg"`
		KID    string         `json:"kid"`
	}
	if err := json.Unmarshal(s.out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, s.out)
	}
	d, err := jose.Decode(doc.Token)
	if err != nil || doc.Alg != "ES256" || doc.Claims["sub"] != "alice" || doc.Header["kid"] != d.KID || doc.KID == "" {
		t.Errorf("%+v (%v)", doc, err)
	}
}

// TestTokenDecodeNoKID: a token without a kid checked against a JWKS says
// that is why the keys it names were tried.
func TestTokenDecodeNoKID(t *testing.T) {
	t.Parallel()
	kp, err := jose.Keygen("RS256", jose.KeygenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := jose.WriteKeyPair(kp, t.TempDir(), "other", false)
	if err != nil {
		t.Fatal(err)
	}
	other := files.Private
	tok := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Key: other}, NoKID: true})
	out, _, code := tokenDecode(t, tokenDecodeOptions{Token: tok, Keys: tokenKeyFlags{JWKS: tokenFixture("rsa.jwks.json")}}, "")
	want := "INVALID (bad-signature): the token has no kid; tried keys[0]: the signature does not verify with"
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
	}
}
