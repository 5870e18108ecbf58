package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateLoadsKeys: validate compiles a gateway as serve does, so a
// JWKS with no usable key fails validate (exit 2) at the jwks: line, with
// the same message serve refuses it with.
func TestValidateLoadsKeys(t *testing.T) {
	t.Parallel()
	dir := e2eDir(t)
	v := run(t, dir, "", "validate", "jwks_nokey.yaml")
	v.wantCode(t, 2)
	for _, s := range []string{
		`jwks_nokey.yaml:9:11: authorizer "jwt": loading the JWT key: `,
		`nokey.jwks.json: no usable key in the JWKS`,
		"    9 |     jwks: nokey.jwks.json\n      |           ^\n",
	} {
		if !strings.Contains(v.stdout, s) {
			t.Errorf("validate output lacks %q:\n%s", s, v.stdout)
		}
	}
	s := run(t, dir, "", "serve", "-g", "jwks_nokey.yaml", "--listen", "127.0.0.1:0", "--no-watch")
	s.wantCode(t, 2)
	if !strings.Contains(s.stderr, "no usable key in the JWKS") {
		t.Errorf("serve: %s", s.stderr)
	}
	j := run(t, dir, "", "validate", "--json", "jwks_nokey.yaml")
	j.wantCode(t, 2)
	if !strings.Contains(j.stdout, `"line": 9`) || !strings.Contains(j.stdout, `"col": 11`) {
		t.Errorf("validate --json:\n%s", j.stdout)
	}
}

// TestByteOrderMark: a gateway or scenario file saved with a UTF-8 BOM
// (Windows editors) loads everywhere as without it.
func TestByteOrderMark(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(e2eDir(t), "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("\xef\xbb\xbf"+src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gw.yaml", string(src))
	write("s.yaml", "gateway: gw.yaml\nsteps:\n  - request: {method: GET, path: /health}\n    expect: {status: 200}\n")
	r := run(t, dir, "", "validate", "gw.yaml", "s.yaml")
	r.wantCode(t, 0)
	if !strings.Contains(r.stdout, "gw.yaml: ok") || !strings.Contains(r.stdout, "s.yaml: ok") {
		t.Errorf("validate:\n%s", r.stdout)
	}
	run(t, dir, "", "fire", "-g", "gw.yaml", "GET", "/health").wantCode(t, 0)
	run(t, dir, "", "run", "s.yaml").wantCode(t, 0)
}
