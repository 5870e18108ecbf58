package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// TestCheck: Check refuses what New refuses, and says which part of the
// file: a JWKS with no usable key (validate used to pass it while serve
// refused it), a deeply nested JWKS, a command that is not there.
func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("nokey.jwks.json", `{"keys": [{"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]}`)
	write("deep.jwks.json", `{"keys": `+strings.Repeat("[", 500)+strings.Repeat("]", 500)+`}`)
	jwt := func(file string) string {
		return `version: 1
authorizers:
  ok:
    type: jwt
    identitySource: header:Authorization
    secret: "0123456789abcdef0123456789abcdef"
  jwt:
    type: jwt
    identitySource: header:Authorization
    audience: [a]
    jwks: ` + file + `
routes:
  - path: /x
    authorizer: jwt
    backend: {echo: true}
`
	}
	for _, c := range []struct {
		name, src, path, want string
	}{
		{"no usable key", jwt("nokey.jwks.json"), "authorizers.jwt.jwks", `authorizer "jwt": loading the JWT key: ` + filepath.Join(dir, "nokey.jwks.json") + `: no usable key in the JWKS`},
		{"deep JWKS", jwt("deep.jwks.json"), "authorizers.jwt.jwks", filepath.Join(dir, "deep.jwks.json") + `:1:109: nesting too deep`},
		{"command not on PATH", `version: 1
authorizers:
  py:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: process, command: [authlab-no-such-command]}
routes:
  - path: /x
    authorizer: py
    backend: {echo: true}
`, "authorizers.py.function", `authorizer "py": function "py": function cannot be loaded: command "authlab-no-such-command" is not on PATH`},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, diags, err := config.Load("gw.yaml", []byte(c.src), dir)
			if err != nil {
				t.Fatalf("does not load:\n%s", diags.Format(true))
			}
			err = engine.Check(g, nil)
			var ce *engine.CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check: %v", err)
			}
			if ce.Path != c.path || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check: %s: %v\nwant %s: %s", ce.Path, err, c.path, c.want)
			}
			if _, ok := g.PosOf(ce.Path); !ok {
				t.Errorf("no position for %s", ce.Path)
			}
			if _, err := engine.New(g, engine.Options{}); err == nil || err.Error() != ce.Err.Error() {
				t.Errorf("New and Check disagree: %v / %v", err, ce.Err)
			}
		})
	}
	g, diags, err := config.Load("gw.yaml", []byte(strings.Replace(jwt("x"), "jwks: x", "secret: \"0123456789abcdef0123456789abcdef\"", 1)), dir)
	if err != nil {
		t.Fatalf("does not load:\n%s", diags.Format(true))
	}
	if err := engine.Check(g, nil); err != nil {
		t.Errorf("a good gateway: %v", err)
	}
}

// TestCheckAllReportsEveryAuthorizer: validate lists every authorizer the
// engine refuses in one run, not the first one only.
func TestCheckAllReportsEveryAuthorizer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `version: 1
authorizers:
  one:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: process, command: [authlab-no-such-command-1]}
  two:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: process, command: [authlab-no-such-command-2]}
routes:
  - path: /x
    authorizer: one
    backend: {echo: true}
`
	g, diags, err := config.Load("gw.yaml", []byte(src), dir)
	if err != nil {
		t.Fatalf("does not load:\n%s", diags.Format(true))
	}
	errs := engine.CheckAll(g, nil)
	if len(errs) != 2 || errs[0].Path != "authorizers.one.function" || errs[1].Path != "authorizers.two.function" ||
		!strings.Contains(errs[1].Error(), "authlab-no-such-command-2") {
		t.Fatalf("CheckAll = %v", errs)
	}
	if err := engine.Check(g, nil); err == nil || err.Error() != errs[0].Error() {
		t.Errorf("Check = %v, want the first of CheckAll", err)
	}
}
