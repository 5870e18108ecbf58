package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateStrictFailsOnWarnings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "gw.yaml")
	// a jwt authorizer without an audience draws a JWT-2 warning
	src := `version: 1
authorizers:
  jwt: {type: jwt, issuer: https://i.example, secret: "0123456789abcdef0123456789abcdef"}
routes:
  - {path: /x, authorizer: jwt, backend: {echo: true}}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []bool{false, true} {
		var out bytes.Buffer
		err := runValidate(&ValidateOptions{IO: &IO{Out: &out, Err: &out, Getenv: func(string) string { return "" }}, Files: []string{path}, Strict: strict})
		if got, want := exitCode(err), map[bool]int{false: 0, true: 2}[strict]; got != want {
			t.Errorf("strict=%v: exit %d, want %d\n%s", strict, got, want, out.String())
		}
		if !strings.Contains(out.String(), "JWT-2") {
			t.Errorf("the warning names its rule:\n%s", out.String())
		}
	}
}
