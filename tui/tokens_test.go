package tui

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/jose"
)

// TestMintAndUse mints an HS256 token in the workbench (deterministic:
// HMAC signature, fixed clock, zero jti), sees it decoded with a verdict,
// puts it into the composer with u and fires it.
func TestMintAndUse(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	r.keys("2")
	r.keys("down", "enter") // Key field, editing
	r.typeText("secret:workbench-secret-of-32-bytes!")
	r.keys("enter")                 // done: the algorithm follows the key (HS256)
	r.keys("down", "down", "enter") // sub
	r.typeText("-smith")
	r.keys("enter", "m")
	s := r.golden("minted", func(m *Model) bool { return len(m.c.S.Minted) == 1 })
	for _, want := range []string{"✓ minted", "HS256", "the key it was minted with: valid", "expires in 1h"} {
		if !strings.Contains(s, want) {
			t.Fatalf("workbench lacks %q:\n%s", want, s)
		}
	}

	r.keys("u")
	s = r.screen(nil)
	if !strings.Contains(s, "Authorization: Bearer eyJhbG…") {
		t.Fatalf("u did not put the token in the composer:\n%s", s)
	}
	r.keys("shift+tab", "enter", "f") // /orders/{id}, where the routes' cursor starts, keeping the headers
	s = r.golden("fired", idle(1))
	if !strings.Contains(s, "401 Unauthorized") {
		t.Fatalf("the demo's mock authorizer does not know this token: want 401:\n%s", s)
	}
	r.quit()
}

// TestDecodeMalformed pastes a broken token: the decoder marks the part
// that does not decode, in place.
func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 30)
	r.keys("2", "tab", "p")
	r.typeText("eyJhbGciOiJIUzI1NiJ9.e$J9.c2ln")
	r.keys("esc")
	s := r.golden("malformed", nil)
	if !strings.Contains(s, "✗ malformed token") || !strings.Contains(s, "^") {
		t.Fatalf("a malformed token should be marked:\n%s", s)
	}
	r.quit()
}

// TestDecodeVerdictIsTheGateways: the Tokens tab judges a pasted token with
// the engine's own jwt verifier, so a token lacking a required claim is
// refused there as the gateway refuses it (it used to show "✓ valid").
func TestDecodeVerdictIsTheGateways(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFile(t, "authlab.yaml", `version: 1
platform: generic
authorizers:
  strict: {type: jwt, secret: a-test-secret-of-thirty-two-bytes!!, requiredClaims: {tenant: acme}}
routes:
  - {path: /s, authorizer: strict, backend: {echo: true}}
`)
	o := testOptions(t)
	o.Gateway = "authlab.yaml"
	r := start(t, o, 100, 30)
	r.keys("2", "tab", "p")
	// HS256 over {"sub":"x"} with the gateway's secret, no tenant claim
	r.typeText(hs256NoTenant)
	r.keys("esc")
	s := r.screen(nil)
	if !strings.Contains(s, "✗ authorizer strict: missing-claim") {
		t.Fatalf("the workbench should refuse the token as the gateway does:\n%s", s)
	}
	r.quit()
}

const hs256NoTenant = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.UN7dawdZiWZeB3f6bT9sg6ey5Cw6Jfc08rm4qakZkuM"

// TestMintPresetCognito: the mint form's preset writes the claims Cognito
// puts in an ID token, from the pool in iss and the client in aud.
func TestMintPresetCognito(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 110, 34)
	r.keys("2")
	r.keys("down", "down", "down", "down", "down", "enter") // aud
	r.typeText("client1")
	r.keys("enter", "down", "enter") // iss
	r.typeText("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123")
	r.keys("enter", "down", "down", "down", "right", "m") // preset: cognito-id, mint
	s := r.screen(func(m *Model) bool { return len(m.c.S.Minted) == 1 })
	if !strings.Contains(s, `"cognito:username": "alice"`) {
		t.Fatalf("the decoder does not show the preset's claims:\n%s", s)
	}
	tok, err := jose.Decode(r.m.c.S.Minted[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"token_use": "id", "cognito:username": "alice", "aud": "client1",
		"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"} {
		if tok.Claims[k] != want {
			t.Errorf("claim %s = %v, want %v", k, tok.Claims[k], want)
		}
	}
	if sub, _ := tok.Claims["sub"].(string); sub == "alice" || len(sub) != 36 {
		t.Errorf("sub = %q, want the UUID Cognito derives from the username", sub)
	}
	r.quit()
}
