package jose_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// fixtures is where the committed test keys live.
var fixtures = filepath.Join("..", "..", "fixtures", "keys")

// t0 is the fixed clock every test mints and verifies at.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fixedRand makes jti values reproducible.
func fixedRand() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{7}, 64)) }

func loadSet(t *testing.T, name string) *jose.KeySet {
	t.Helper()
	ks, err := jose.LoadKeys(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return ks
}

func loadKey(t *testing.T, name string) *jose.Key {
	t.Helper()
	k, err := loadSet(t, name).Select("")
	if err != nil {
		t.Fatalf("selecting from %s: %v", name, err)
	}
	return k
}

func hsKey(t *testing.T) *jose.Key {
	t.Helper()
	k, err := jose.SecretFromFile(filepath.Join(fixtures, "hs256.secret"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signingKeyFor returns the fixture private key (or secret) and the public
// key file for alg.
func signingKeyFor(t *testing.T, alg string) (priv *jose.Key, pub *jose.KeySet) {
	t.Helper()
	switch alg[:2] {
	case "HS":
		k := hsKey(t)
		return k, jose.NewKeySet("hs256.secret", k)
	case "RS", "PS":
		return loadKey(t, "rsa.pem"), loadSet(t, "rsa.pub.pem")
	case "ES":
		name := map[string]string{"ES256": "ec-p256", "ES384": "ec-p384", "ES512": "ec-p521"}[alg]
		return loadKey(t, name+".pem"), loadSet(t, name+".pub.pem")
	}
	return loadKey(t, "ed25519.pem"), loadSet(t, "ed25519.pub.pem")
}

func mustMint(t *testing.T, o jose.MintOptions) string {
	t.Helper()
	if o.Now.IsZero() {
		o.Now = t0
	}
	if o.Rand == nil {
		o.Rand = fixedRand()
	}
	tok, err := jose.Mint(o)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return tok
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
