package jose_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/jose"
)

// TestKeyFileLimits: a key or JWKS file that is huge or deeply nested is
// refused with a message naming it and the limit, before it is decoded.
func TestKeyFileLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	deep := write("deep.json", "{\"keys\":\n "+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+"}")
	huge := write("huge.json", `{"keys": [`)
	if err := os.Truncate(huge, 50<<20); err != nil { // sparse
		t.Fatal(err)
	}
	secret := write("huge.secret", "s")
	if err := os.Truncate(secret, 2<<20); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		load func() error
		want string
	}{
		{"deep JWKS", func() error { _, err := jose.LoadKeys(deep); return err }, deep + ":2:101: nesting too deep: more than 100 levels of objects and arrays"},
		{"huge JWKS", func() error { _, err := jose.LoadKeys(huge); return err }, huge + ": key file too large: 50 MiB, over the 1 MiB limit"},
		{"huge secret", func() error { _, err := jose.SecretFromFile(secret); return err }, secret + ": secret file too large: 2 MiB, over the 1 MiB limit"},
		{"append to a deep JWKS", func() error {
			kp, err := jose.Keygen("ES256", jose.KeygenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return jose.AppendToJWKS(deep, kp.Key)
		}, deep + ":2:101: nesting too deep"},
	} {
		err := c.load()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", c.name, err, c.want)
		}
	}
	// A BOM before a JWK is not part of it.
	kp, err := jose.Keygen("ES256", jose.KeygenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bom := write("bom.jwks.json", "\xef\xbb\xbf"+string(kp.JWKS))
	if _, err := jose.LoadKeys(bom); err != nil {
		t.Errorf("JWKS with a BOM: %v", err)
	}
}
