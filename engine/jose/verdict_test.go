package jose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// One negative test per verdict (semantics JWT-1, JWT-2), plus the edges.
func TestVerifyVerdicts(t *testing.T) {
	t.Parallel()
	rsa := loadKey(t, "rsa.pem")
	rsaPub := loadSet(t, "rsa.pub.pem")
	ec := loadKey(t, "ec-p256.pem")
	hs := hsKey(t)
	jwks := loadSet(t, "jwks.json")
	rsaKID := jwks.Keys[0].KID

	std := map[string]any{"sub": "alice", "iss": "https://issuer.example", "aud": []string{"orders", "billing"}}
	mint := func(o jose.MintOptions) string {
		if o.Claims == nil {
			o.Claims = std
		}
		if o.ExpiresIn == 0 && o.ExpiresAt.IsZero() {
			o.ExpiresIn = time.Hour
		}
		return mustMint(t, o)
	}
	// An HS256 token whose secret is the RSA public key PEM: the classic
	// key-confusion forgery.
	pubPEM := mustRead(t, "rsa.pub.pem")
	confused := mint(jose.MintOptions{Alg: "HS256", Key: jose.NewSecretKey(pubPEM, "pem-as-secret")})
	tampered := func(tok string) string {
		parts := strings.Split(tok, ".")
		sig := []byte(parts[2])
		if sig[5] == 'A' {
			sig[5] = 'B'
		} else {
			sig[5] = 'A'
		}
		return parts[0] + "." + parts[1] + "." + string(sig)
	}

	cases := []struct {
		name   string
		token  string
		keys   *jose.KeySet
		opts   jose.VerifyOptions
		reason jose.Reason
		msg    string
	}{
		{"valid", mint(jose.MintOptions{Alg: "RS256", Key: rsa}), rsaPub, jose.VerifyOptions{}, jose.ReasonValid, "signature verified with an RSA 2048 public key"},
		{"valid by kid in JWKS", mint(jose.MintOptions{Alg: "RS256", Key: rsa, KID: rsaKID}), jwks, jose.VerifyOptions{}, jose.ReasonValid, "(kid " + rsaKID + ")"},
		{"bad signature: tampered", tampered(mint(jose.MintOptions{Alg: "RS256", Key: rsa})), rsaPub, jose.VerifyOptions{}, jose.ReasonBadSignature, "does not verify with an RSA 2048 public key"},
		{"bad signature: other key", mint(jose.MintOptions{Alg: "HS256", Key: jose.NewSecretKey([]byte("another-secret-another-secret-32"), "x")}), jose.NewKeySet("hs", hs), jose.VerifyOptions{}, jose.ReasonBadSignature, "does not verify"},
		{"bad signature: the JWKS key with no kid", mint(jose.MintOptions{Alg: "ES256", Key: noKID(mustGen(t, "ES256"))}), jwks, jose.VerifyOptions{}, jose.ReasonBadSignature, "does not verify with an EC P-256 public key (kid 7t0QtOGD"},
		{"bad signature: none of several keys", mint(jose.MintOptions{Alg: "ES256", Key: ec}), jose.NewKeySet("two.json", noKID(mustGen(t, "ES256")), noKID(mustGen(t, "ES256"))), jose.VerifyOptions{}, jose.ReasonBadSignature, "none of the 2 ES256 keys in two.json"},
		{"alg not allowed: HS with public key", confused, rsaPub, jose.VerifyOptions{}, jose.ReasonAlgNotAllowed, "HMAC with a public key is never accepted"},
		{"alg not allowed: HS with public key even if listed", confused, rsaPub, jose.VerifyOptions{Algs: []string{"HS256", "RS256"}}, jose.ReasonAlgNotAllowed, "key confusion"},
		{"alg not allowed: outside the allow-list", mint(jose.MintOptions{Alg: "RS384", Key: rsa}), rsaPub, jose.VerifyOptions{Algs: []string{"RS256"}}, jose.ReasonAlgNotAllowed, "RS384 is not in the allowed algorithms (RS256)"},
		{"alg not allowed: JWK binds RS256", mint(jose.MintOptions{Alg: "PS256", Key: rsa}), jwks, jose.VerifyOptions{}, jose.ReasonAlgNotAllowed, `meant only for RS256 (its JWK "alg")`},
		{"alg not allowed: wrong key type", mint(jose.MintOptions{Alg: "ES256", Key: ec}), rsaPub, jose.VerifyOptions{}, jose.ReasonAlgNotAllowed, "ES256 needs a P-256 EC key"},
		{"alg not allowed: none", mint(jose.MintOptions{Alg: "none", AllowNone: true}), rsaPub, jose.VerifyOptions{}, jose.ReasonAlgNotAllowed, `"none"`},
		{"kid not in JWKS", mint(jose.MintOptions{Alg: "RS256", Key: rsa, KID: "nope"}), jwks, jose.VerifyOptions{}, jose.ReasonKidNotFound, `kid "nope" is not in`},
		{"expired", mint(jose.MintOptions{Alg: "RS256", Key: rsa, ExpiresIn: -3 * time.Hour}), rsaPub, jose.VerifyOptions{}, jose.ReasonExpired, "expired 3h ago (exp 2025-12-31T21:00:00Z)"},
		{"expired at exactly exp", mint(jose.MintOptions{Alg: "RS256", Key: rsa, ExpiresIn: time.Hour}), rsaPub, jose.VerifyOptions{Now: t0.Add(time.Hour)}, jose.ReasonExpired, "expired"},
		{"expired but within leeway", mint(jose.MintOptions{Alg: "RS256", Key: rsa, ExpiresIn: -30 * time.Second}), rsaPub, jose.VerifyOptions{Leeway: time.Minute}, jose.ReasonValid, ""},
		{"not yet valid", mint(jose.MintOptions{Alg: "RS256", Key: rsa, NotBefore: t0.Add(10 * time.Minute)}), rsaPub, jose.VerifyOptions{}, jose.ReasonNotYetValid, "not valid for another 10m"},
		{"issued in the future", mint(jose.MintOptions{Alg: "RS256", Key: rsa, IssuedAt: t0.Add(5 * time.Minute)}), rsaPub, jose.VerifyOptions{}, jose.ReasonIssuedInFuture, "the token was issued 5m in the future (iat 2026-01-01T00:05:00Z)"},
		{"issuer mismatch", mint(jose.MintOptions{Alg: "RS256", Key: rsa}), rsaPub, jose.VerifyOptions{Issuer: "https://other.example"}, jose.ReasonIssuerMismatch, `issuer "https://issuer.example", expected "https://other.example"`},
		{"issuer missing", mint(jose.MintOptions{Alg: "RS256", Key: rsa, Claims: map[string]any{"sub": "a"}}), rsaPub, jose.VerifyOptions{Issuer: "https://issuer.example"}, jose.ReasonIssuerMismatch, "has no iss"},
		{"audience mismatch", mint(jose.MintOptions{Alg: "RS256", Key: rsa}), rsaPub, jose.VerifyOptions{Audience: []string{"payments"}}, jose.ReasonAudienceMismatch, `audience ["orders" "billing"], expected one of ["payments"]`},
		{"audience: any one matches", mint(jose.MintOptions{Alg: "RS256", Key: rsa}), rsaPub, jose.VerifyOptions{Audience: []string{"payments", "billing"}}, jose.ReasonValid, ""},
		{"audience missing", mint(jose.MintOptions{Alg: "RS256", Key: rsa, Claims: map[string]any{"sub": "a"}}), rsaPub, jose.VerifyOptions{Audience: []string{"orders"}}, jose.ReasonAudienceMismatch, "has no aud"},
		{"exp not a number", mustMint(t, jose.MintOptions{Alg: "RS256", Key: rsa, Claims: map[string]any{"exp": "tomorrow"}}), rsaPub, jose.VerifyOptions{}, jose.ReasonInvalidClaims, `"exp" is not a number`},
		{"no key", mint(jose.MintOptions{Alg: "RS256", Key: rsa}), jose.NewKeySet("empty"), jose.VerifyOptions{}, jose.ReasonNoKey, ""},
		{"malformed", "abc.def", rsaPub, jose.VerifyOptions{}, jose.ReasonMalformed, "3 dot-separated parts"},
		{"crit header", mint(jose.MintOptions{Alg: "RS256", Key: rsa, Header: map[string]any{"crit": []string{"x"}, "x": 1}}), rsaPub, jose.VerifyOptions{}, jose.ReasonMalformed, "critical extensions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.opts.Now.IsZero() {
				c.opts.Now = t0
			}
			v := jose.Verify(c.token, c.keys, c.opts)
			if v.Reason != c.reason || v.Valid != (c.reason == jose.ReasonValid) {
				t.Fatalf("verdict = %s, want %s", v, c.reason)
			}
			if !strings.Contains(v.Message, c.msg) {
				t.Errorf("message = %q, want it to contain %q", v.Message, c.msg)
			}
		})
	}
}

// A token without exp passes unless exp is required.
func TestVerifyRequireExp(t *testing.T) {
	t.Parallel()
	rsa := loadKey(t, "rsa.pem")
	tok := mustMint(t, jose.MintOptions{Alg: "RS256", Key: rsa, Claims: map[string]any{"sub": "a"}})
	if v := jose.Verify(tok, loadSet(t, "rsa.pub.pem"), jose.VerifyOptions{Now: t0}); !v.Valid {
		t.Fatalf("without RequireExp: %s", v)
	}
	v := jose.Verify(tok, loadSet(t, "rsa.pub.pem"), jose.VerifyOptions{Now: t0, RequireExp: true})
	if v.Reason != jose.ReasonMissingClaim {
		t.Fatalf("verdict %s, want missing-claim", v)
	}
}

func TestVerifyTokenWithoutKidTriesEveryKey(t *testing.T) {
	t.Parallel()
	// A set of a wrong key and the right one, without kids: the second
	// verifies.
	other := mustGen(t, "RS256").PublicOnly()
	other.KID = ""
	right := loadKey(t, "rsa.pub.pem")
	tok := mustMint(t, jose.MintOptions{Alg: "RS256", Key: loadKey(t, "rsa.pem"), ExpiresIn: time.Hour})
	v := jose.Verify(tok, jose.NewKeySet("two", other, right), jose.VerifyOptions{Now: t0})
	if !v.Valid || v.Key != right {
		t.Fatalf("verdict %s with key %v", v, v.Key)
	}
}

func mustGen(t *testing.T, alg string) *jose.Key {
	t.Helper()
	kp, err := jose.Keygen(alg, jose.KeygenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return kp.Key
}

func noKID(k *jose.Key) *jose.Key {
	c := *k
	c.KID = ""
	return &c
}

func TestVerifyAllowListSpellings(t *testing.T) {
	t.Parallel()
	tok := mustMint(t, jose.MintOptions{Alg: "RS256", Key: loadKey(t, "rsa.pem")})
	pub := loadSet(t, "rsa.pub.pem")
	if v := jose.Verify(tok, pub, jose.VerifyOptions{Now: t0, Algs: []string{"rs256"}}); !v.Valid {
		t.Errorf("lower-case allow-list: %s", v)
	}
	for _, algs := range [][]string{{"none"}, {"XS1"}} {
		if v := jose.Verify(tok, pub, jose.VerifyOptions{Now: t0, Algs: algs}); v.Reason != jose.ReasonAlgNotAllowed {
			t.Errorf("allow-list %v: %s, want alg-not-allowed rather than the key's family", algs, v)
		}
	}
}
