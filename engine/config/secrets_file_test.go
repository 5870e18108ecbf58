package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/authlab/authlab/engine/config"
)

// TestSecretFileIsASecret: the HMAC secret a named token reads from a
// secretFile is abbreviated like an inline one (ALL-2).
func TestSecretFileIsASecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hs.secret"), []byte("file-held-secret-of-32-bytes!!!!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := "version: 1\ntokens:\n  alice: {alg: HS256, secretFile: hs.secret, claims: {sub: alice}}\nroutes:\n  - {path: /a, backend: {echo: true}}\n"
	g, diags, err := config.Load(filepath.Join(dir, "gw.yaml"), []byte(src), dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Format(true))
	}
	if !slices.Contains(g.Secrets(), "file-held-secret-of-32-bytes!!!!") {
		t.Errorf("Secrets() = %q, want the file's secret", g.Secrets())
	}
}
