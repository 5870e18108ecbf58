package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTokenVerifyE2E: `token verify` answers with its exit status, as a
// script uses it; a token subcommand that does not exist is an error, not
// the help and exit 0.
func TestTokenVerifyE2E(t *testing.T) {
	t.Parallel()
	keys, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "keys"))
	if err != nil {
		t.Fatal(err)
	}
	dir := emptyDir(t)
	mint := run(t, dir, "", "token", "mint", "--key", filepath.Join(keys, "rsa.pem"), "--sub", "alice")
	mint.wantCode(t, 0)
	tok := strings.TrimSpace(mint.stdout)

	ok := run(t, dir, "", "token", "verify", tok, "--jwks", filepath.Join(keys, "jwks.json"))
	ok.wantCode(t, 0)
	if !strings.HasPrefix(ok.stdout, "valid: signature verified with an RSA 2048 public key (kid ") || strings.Count(ok.stdout, "\n") != 1 {
		t.Errorf("stdout %q", ok.stdout)
	}
	// The kid mint added is the key's RFC 7638 thumbprint, the kid of the
	// fixture JWKS: the key was found by kid, not by trying every key.
	if !strings.Contains(ok.stdout, "kid _e34sXj_-FaHWjA1CsupLxdVZA8dBFcdUl6v_ogtVQk") {
		t.Errorf("not verified by the thumbprint kid: %q", ok.stdout)
	}

	stdin := run(t, dir, "Bearer "+tok+"\n", "token", "verify", "--key", filepath.Join(keys, "rsa.pub.pem"))
	stdin.wantCode(t, 0)

	bad := run(t, dir, "", "token", "verify", tok, "--key", filepath.Join(keys, "ec-p256.pub.pem"))
	bad.wantCode(t, 1)
	if !strings.HasPrefix(bad.stdout, "INVALID (alg-not-allowed): ") {
		t.Errorf("stdout %q", bad.stdout)
	}

	nokey := run(t, dir, "", "token", "verify", tok)
	nokey.wantCode(t, 2)
	if !strings.Contains(nokey.stderr, "token verify needs a key") {
		t.Errorf("stderr %q", nokey.stderr)
	}

	unknown := run(t, dir, "", "token", "check", tok)
	unknown.wantCode(t, 2)
	if !strings.Contains(unknown.stderr, `unknown command "check" for "authlab token"`) {
		t.Errorf("stderr %q", unknown.stderr)
	}
}
