package jose_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/jose"
)

func TestKeygenEveryAlgorithm(t *testing.T) {
	t.Parallel()
	for _, alg := range jose.Algorithms() {
		t.Run(alg, func(t *testing.T) {
			kp, err := jose.Keygen(alg, jose.KeygenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tp, _ := kp.Key.Thumbprint()
			if kp.KID == "" || kp.KID != tp {
				t.Errorf("kid %q, thumbprint %q", kp.KID, tp)
			}
			dir := t.TempDir()
			files, err := jose.WriteKeyPair(kp, dir, jose.DefaultKeyName(alg), false)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(files.Private)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("private file mode %v, %v", st.Mode(), err)
			}
			// The private file signs; the JWKS (by kid) and the public PEM verify.
			var signer *jose.Key
			if strings.HasPrefix(alg, "HS") {
				signer, err = jose.SecretFromFile(files.Private)
			} else {
				signer, err = selectOnly(jose.LoadKeys(files.Private))
			}
			if err != nil {
				t.Fatal(err)
			}
			tok := mustMint(t, jose.MintOptions{Alg: alg, Key: signer, KID: kp.KID})
			jwks, err := jose.LoadKeys(files.JWKS)
			if err != nil {
				t.Fatal(err)
			}
			if v := jose.Verify(tok, jwks, jose.VerifyOptions{Now: t0}); !v.Valid {
				t.Fatalf("verify with JWKS: %s", v)
			}
			if files.Public != "" {
				pub, err := jose.LoadKeys(files.Public)
				if err != nil {
					t.Fatal(err)
				}
				if v := jose.Verify(tok, pub, jose.VerifyOptions{Now: t0}); !v.Valid {
					t.Fatalf("verify with public PEM: %s", v)
				}
				if b, _ := os.ReadFile(files.JWKS); strings.Contains(string(b), `"d"`) {
					t.Fatalf("public JWKS holds a private member: %s", b)
				}
			}
			// No silent overwrite.
			var exists *jose.ExistsError
			if _, err := jose.WriteKeyPair(kp, dir, jose.DefaultKeyName(alg), false); !errors.As(err, &exists) {
				t.Fatalf("second write: %v, want *ExistsError", err)
			}
			if _, err := jose.WriteKeyPair(kp, dir, jose.DefaultKeyName(alg), true); err != nil {
				t.Fatalf("overwrite: %v", err)
			}
		})
	}
}

func selectOnly(ks *jose.KeySet, err error) (*jose.Key, error) {
	if err != nil {
		return nil, err
	}
	return ks.Select("")
}

func TestKeygenRefusals(t *testing.T) {
	t.Parallel()
	if _, err := jose.Keygen("none", jose.KeygenOptions{}); err == nil {
		t.Error("keygen for none")
	}
	if _, err := jose.Keygen("RS256", jose.KeygenOptions{RSABits: 1024}); err == nil || !strings.Contains(err.Error(), "2048 to 8192") {
		t.Errorf("1024-bit RSA: %v", err)
	}
	if _, err := jose.Keygen("XS256", jose.KeygenOptions{}); err == nil {
		t.Error("unknown alg")
	}
}

// A 1024-bit RSA key is refused for signing and verifying (RFC 7518 §3.3).
func TestSmallRSARefused(t *testing.T) {
	t.Parallel()
	p, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Skipf("this Go refuses to make 1024-bit keys: %v", err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(p)
	k, err := selectOnly(jose.ParseKeys(der, "small.der"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = jose.Mint(jose.MintOptions{Alg: "RS256", Key: k, Now: t0})
	if err == nil || !strings.Contains(err.Error(), "RS256 needs an RSA key of at least 2048 bits; small.der holds an RSA 1024 private key") {
		t.Fatalf("mint: %v", err)
	}
}

func TestAppendToJWKS(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "jwks.json")
	var kids []string
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		kp, err := jose.Keygen(alg, jose.KeygenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := jose.AppendToJWKS(path, kp.Key); err != nil {
			t.Fatal(err)
		}
		kids = append(kids, kp.KID)
		if err := jose.AppendToJWKS(path, kp.Key); err == nil || !strings.Contains(err.Error(), "already has a key with kid") {
			t.Fatalf("duplicate append: %v", err)
		}
	}
	ks, err := jose.LoadKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ks.KIDs(), ","); got != strings.Join(kids, ",") {
		t.Fatalf("kids %s, want %s", got, strings.Join(kids, ","))
	}
	for _, k := range ks.Keys {
		if k.IsPrivate() {
			t.Fatalf("appended a private key: %s", k.Describe())
		}
	}
	if err := jose.AppendToJWKS(path, hsKey(t)); err == nil {
		t.Fatal("appended a secret")
	}
}
