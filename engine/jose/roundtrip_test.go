package jose_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// Every algorithm: mint → decode → verify, against the public PEM and, where
// the fixture JWKS binds a key to that algorithm, against jwks.json too.
func TestRoundTripEveryAlgorithm(t *testing.T) {
	t.Parallel()
	inJWKS := map[string]bool{"RS256": true, "ES256": true, "ES384": true, "ES512": true, "EdDSA": true}
	for _, alg := range jose.Algorithms() {
		t.Run(alg, func(t *testing.T) {
			priv, pub := signingKeyFor(t, alg)
			tok := mustMint(t, jose.MintOptions{
				Alg: alg, Key: priv, KID: "k-" + alg,
				Claims:    map[string]any{"sub": "alice", "scope": "read:orders", "aud": "orders", "iss": "https://issuer.example"},
				ExpiresIn: time.Hour,
			})

			d, err := jose.Decode(tok)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if d.Alg != alg || d.KID != "k-"+alg || d.Typ != "JWT" {
				t.Errorf("header alg/kid/typ = %s/%s/%s", d.Alg, d.KID, d.Typ)
			}
			if d.StringClaim("sub") != "alice" {
				t.Errorf("sub = %q", d.StringClaim("sub"))
			}
			exp, ok, err := d.TimeClaim("exp")
			if !ok || err != nil || !exp.Equal(t0.Add(time.Hour)) {
				t.Errorf("exp = %v %v %v", exp, ok, err)
			}
			iat, _, _ := d.TimeClaim("iat")
			if !iat.Equal(t0) {
				t.Errorf("iat = %v, want the injected clock", iat)
			}
			if jti := d.StringClaim("jti"); jti != "BwcHBwcHBwcHBwcHBwcHBw" {
				t.Errorf("jti = %q, want the one from the injected reader", jti)
			}

			opts := jose.VerifyOptions{Now: t0.Add(time.Minute), Issuer: "https://issuer.example", Audience: []string{"orders"}}
			if v := jose.Verify(tok, pub, opts); !v.Valid || v.Reason != jose.ReasonValid {
				t.Fatalf("verify with public key: %s", v)
			}
			// The private key verifies too (its public half is used).
			if v := jose.Verify(tok, jose.NewKeySet("priv", priv), opts); !v.Valid {
				t.Fatalf("verify with private key: %s", v)
			}
			if inJWKS[alg] {
				// The token's kid is not the thumbprint: no kid matches, so
				// mint without kid to let Verify try every key.
				tok2 := mustMint(t, jose.MintOptions{Alg: alg, Key: priv, ExpiresIn: time.Hour})
				if v := jose.Verify(tok2, loadSet(t, "jwks.json"), jose.VerifyOptions{Now: t0}); !v.Valid {
					t.Fatalf("verify with jwks.json: %s", v)
				}
			}
		})
	}
}

// Deterministic algorithms give byte-identical tokens for identical input:
// the point of --now and an injected reader.
func TestMintIsReproducible(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"HS256", "RS256", "EdDSA"} {
		priv, _ := signingKeyFor(t, alg)
		a := mustMint(t, jose.MintOptions{Alg: alg, Key: priv, ExpiresIn: time.Hour})
		b := mustMint(t, jose.MintOptions{Alg: alg, Key: priv, ExpiresIn: time.Hour})
		if a != b {
			t.Errorf("%s: two mints differ:\n%s\n%s", alg, a, b)
		}
	}
}

func TestMintDefaultsAndLayering(t *testing.T) {
	t.Parallel()
	k := loadKey(t, "ec-p384.pem")
	tok := mustMint(t, jose.MintOptions{
		Key:       k, // no Alg: the key's default
		Claims:    map[string]any{"iat": 5, "jti": "from-claims", "n": json.Number("12345678901234567890")},
		ExpiresAt: t0.Add(2 * time.Hour),
		NotBefore: t0.Add(-time.Minute),
		Header:    map[string]any{"typ": nil, "cty": "demo"},
	})
	d, err := jose.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if d.Alg != "ES384" {
		t.Errorf("alg = %s, want ES384 from a P-384 key", d.Alg)
	}
	if _, ok := d.Header["typ"]; ok {
		t.Errorf("typ should be removed by a nil header value: %s", d.HeaderJSON)
	}
	if d.Header["cty"] != "demo" {
		t.Errorf("cty = %v", d.Header["cty"])
	}
	if got := d.Claims["iat"]; got != json.Number("5") {
		t.Errorf("iat = %v: Claims should override the default", got)
	}
	if got := d.Claims["jti"]; got != "from-claims" {
		t.Errorf("jti = %v", got)
	}
	if got := d.Claims["n"]; got != json.Number("12345678901234567890") {
		t.Errorf("big number = %v, want it exact", got)
	}
	if nbf, _, _ := d.TimeClaim("nbf"); !nbf.Equal(t0.Add(-time.Minute)) {
		t.Errorf("nbf = %v", nbf)
	}
}

func TestMintRefusals(t *testing.T) {
	t.Parallel()
	rsaPub := loadKey(t, "rsa.pub.pem")
	cases := []struct {
		name string
		opts jose.MintOptions
		want string
	}{
		{"none without AllowNone", jose.MintOptions{Alg: "none"}, `alg "none" makes an unsigned token`},
		{"no key", jose.MintOptions{Alg: "RS256"}, "no key given: RS256 needs an RSA key"},
		{"public key", jose.MintOptions{Alg: "RS256", Key: rsaPub}, "RS256 needs a private key to sign; " + rsaPub.Source + " holds an RSA 2048 public key"},
		{"wrong curve", jose.MintOptions{Alg: "ES256", Key: loadKey(t, "ec-p384.pem")}, "ES256 needs a P-256 EC key; " + fixtures + "/ec-p384.pem holds an EC P-384 private key"},
		{"RSA for ES", jose.MintOptions{Alg: "ES256", Key: loadKey(t, "rsa.pem")}, "ES256 needs a P-256 EC key; " + fixtures + "/rsa.pem holds an RSA 2048 private key"},
		{"secret for EdDSA", jose.MintOptions{Alg: "EdDSA", Key: jose.NewSecretKey([]byte("x"), "--secret")}, "EdDSA needs an Ed25519 key; --secret holds a secret of 1 bytes"},
		{"unknown alg", jose.MintOptions{Alg: "RS1", Key: rsaPub}, `unknown algorithm "RS1"`},
		{"header alg", jose.MintOptions{Alg: "HS256", Key: hsKey(t), Header: map[string]any{"alg": "none"}}, `the header "alg" is set by the algorithm`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Now = t0
			_, err := jose.Mint(c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestMintNoneOnlyWhenAllowed(t *testing.T) {
	t.Parallel()
	tok := mustMint(t, jose.MintOptions{Alg: "none", AllowNone: true, Claims: map[string]any{"sub": "mallory"}})
	d, err := jose.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if d.Alg != "none" || len(d.Signature) != 0 {
		t.Fatalf("alg %s, %d signature bytes", d.Alg, len(d.Signature))
	}
	// Whatever the key, a none token is refused.
	v := jose.Verify(tok, jose.NewKeySet("s", hsKey(t)), jose.VerifyOptions{Now: t0, Algs: []string{"none", "HS256"}})
	if v.Valid || v.Reason != jose.ReasonAlgNotAllowed {
		t.Fatalf("verdict %s, want alg-not-allowed", v)
	}
}
