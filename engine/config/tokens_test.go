package config_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// TestGatewayTokenErrors: a gateway's tokens are checked as a scenario's
// are (scenario/testdata/invalid/tokens.golden): a problem with the key file
// at the file, anything else at the token's name.
func TestGatewayTokenErrors(t *testing.T) {
	t.Parallel()
	src := `version: 1
routes:
  - path: /x
    backend: {echo: true}
tokens:
  nokey: {claims: {sub: alice}}
  twokeys: {secret: s3cret-two, key: ../../fixtures/keys/rsa.pem}
  missing: {key: none.pem}
  mismatch: {alg: HS256, key: ../../fixtures/keys/rsa.pem}
  ok: {secret: s3cret-ok, notBefore: 1m, expiresIn: 5m}
`
	_, diags, err := config.Load("gw.yaml", []byte(src), ".")
	if err == nil {
		t.Fatal("the tokens loaded")
	}
	got := diags.Format(false)
	for _, want := range []string{
		"gw.yaml:6:3: token nokey: nothing to sign with: give key (a private key file), secret or secretFile (or alg: none for an unsigned token)",
		"gw.yaml:7:3: token twokeys: give one of key, secret, secretFile, not key and secret",
		"gw.yaml:8:18: token missing: reading key",
		"gw.yaml:9:3: token mismatch: HS256 needs a shared secret",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "token ok") {
		t.Errorf("a good token was refused:\n%s", got)
	}
}

// TestTokenSpecMint: notBefore and expiresIn count from the time of
// minting; the error says which key it is about.
func TestTokenSpecMint(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	ts := &config.TokenSpec{Name: "t", Secret: "a-secret-of-at-least-thirty-two-bytes",
		Claims: map[string]any{"sub": "alice"}, NotBefore: &config.Duration{Duration: time.Minute},
		ExpiresIn: &config.Duration{Duration: time.Hour}}
	tok, key, err := ts.Mint("", now, func(mo *jose.MintOptions) { mo.NoJTI = true })
	if err != nil || key == nil {
		t.Fatal(err)
	}
	p, err := jose.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]int64{"iat": now.Unix(), "nbf": now.Unix() + 60, "exp": now.Unix() + 3600} {
		if got, _ := p.Claims[k].(json.Number).Int64(); got != want {
			t.Errorf("%s = %v, want %d", k, p.Claims[k], want)
		}
	}
	if _, ok := p.Claims["jti"]; ok {
		t.Error("tune did not drop the jti")
	}
	_, err = (&config.TokenSpec{Name: "f", SecretFile: "no-such-file"}).SigningKey(t.TempDir())
	var te *config.TokenError
	if !errors.As(err, &te) || te.Field != "secretFile" || !strings.HasPrefix(err.Error(), "token f: ") {
		t.Errorf("a missing secret file: %#v", err)
	}
}
