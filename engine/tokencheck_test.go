package engine_test

import (
	"errors"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/jose"
)

const checkGateway = `version: 1
platform: generic
authorizers:
  strict:
    type: jwt
    secret: a-test-secret-of-thirty-two-bytes!!
    issuer: https://issuer.test
    requiredClaims: {tenant: acme, role: ""}
  url:
    type: jwt
    jwksUrl: http://127.0.0.1:1/jwks.json
  fn:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: mock, responses: [{return: {}}]}
routes:
  - {path: /s, authorizer: strict, backend: {echo: true}}
`

// TestCheckToken_JWT1_AgreesWithTheGateway: the workbench's verdict is the
// gateway's, required claims included (the Tokens tab said "✓ valid" for a
// token the engine refused).
func TestCheckToken_JWT1_AgreesWithTheGateway(t *testing.T) {
	t.Parallel()
	e, clk := newTestEngine(t, checkGateway)
	key := jose.NewSecretKey([]byte("a-test-secret-of-thirty-two-bytes!!"), "s")
	mint := func(claims map[string]any) string {
		tok, err := jose.Mint(jose.MintOptions{Key: key, Claims: claims, Now: clk.Now(), ExpiresIn: time.Hour, NoJTI: true})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	cases := []struct {
		name   string
		claims map[string]any
		valid  bool
		reason string
	}{
		{"all claims", map[string]any{"iss": "https://issuer.test", "tenant": "acme", "role": "x"}, true, ""},
		{"required claim missing", map[string]any{"iss": "https://issuer.test", "tenant": "acme"}, false, "missing-claim"},
		{"required value differs", map[string]any{"iss": "https://issuer.test", "tenant": "evil", "role": "x"}, false, "missing-claim"},
		{"wrong issuer", map[string]any{"iss": "https://evil.test", "tenant": "acme", "role": "x"}, false, "issuer-mismatch"},
	}
	for _, c := range cases {
		tok := mint(c.claims)
		v, err := e.CheckToken(t.Context(), "strict", tok, engine.CheckOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if v.Valid != c.valid || (!c.valid && string(v.Reason) != c.reason) {
			t.Errorf("%s: CheckToken = %v %s, want %v %s", c.name, v.Valid, v.Reason, c.valid, c.reason)
		}
		res := fire(t, e, "GET", "/s", "Authorization: Bearer "+tok)
		if (res.Response.Status == 200) != v.Valid {
			t.Errorf("%s: the gateway answered %d but CheckToken said valid=%v", c.name, res.Response.Status, v.Valid)
		}
	}
	if _, err := e.CheckToken(t.Context(), "url", mint(nil), engine.CheckOptions{NoFetch: true}); !errors.Is(err, engine.ErrKeysNotFetched) {
		t.Errorf("a JWKS URL with NoFetch: %v, want ErrKeysNotFetched", err)
	}
	if _, err := e.CheckToken(t.Context(), "fn", mint(nil), engine.CheckOptions{}); !errors.Is(err, engine.ErrNotAChecker) {
		t.Errorf("a function authorizer: %v, want ErrNotAChecker", err)
	}
	if got := e.TokenCheckers(); len(got) != 2 || got[0] != "strict" || got[1] != "url" {
		t.Errorf("TokenCheckers = %v, want [strict url]", got)
	}
}
