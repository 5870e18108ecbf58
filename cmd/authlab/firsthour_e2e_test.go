package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunGatewayFile: `authlab run authlab.yaml` is a common first try; it
// says the file is a gateway file instead of listing every key as unknown
// in a scenario.
func TestRunGatewayFile(t *testing.T) {
	d := emptyDir(t)
	copyFile(t, filepath.Join(e2eDir(t), "valid.yaml"), filepath.Join(d, "authlab.yaml"))
	r := run(t, d, "", "run", "authlab.yaml")
	r.wantCode(t, 2)
	if !strings.HasPrefix(r.stderr, "authlab: authlab.yaml is a gateway file; pass a scenario") || strings.Contains(r.stderr, "unknown key") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestValidateEveryProblemInOneRun: a typo in a type no longer hides the
// problems behind it, and a route shadowed by a case variant of its method
// is caught.
func TestValidateEveryProblemInOneRun(t *testing.T) {
	d := emptyDir(t)
	src := `version: 1
authorizers:
  a:
    type: aws-tokn
    identitySource: header:Authorization
    validationRegex: '^Bearer ([a-z'
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - path: /x
    methods: [GET]
    authorizer: a
    backend: {echo: true}
  - path: /x
    methods: [get]
    backend: {echo: true}
`
	if err := os.WriteFile(filepath.Join(d, "gw.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, d, "", "validate", "gw.yaml")
	r.wantCode(t, 2)
	for _, want := range []string{
		`gw.yaml:4:11: authorizers.a.type: "aws-tokn" is not one of`,
		`gw.yaml:6:22: authorizer "a": invalid validationRegex: missing closing ]`,
		`gw.yaml:13:11: duplicate route: get /x is already defined by routes[0] (line 9): methods are case-insensitive, so get is GET and routes[0] answers it; this route is never reached`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("validate does not say %q:\n%s", want, r.stdout)
		}
	}
}

// TestColorControls: CLICOLOR_FORCE colours a pipe, --color always wins
// over NO_COLOR, --color never over CLICOLOR_FORCE.
func TestColorControls(t *testing.T) {
	colored := func(env []string, args ...string) bool {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = emptyDir(t), env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("authlab %v: %v", args, err)
		}
		return strings.Contains(string(out), "\x1b[")
	}
	plain := childEnv() // NO_COLOR=1
	var noNoColor []string
	for _, kv := range plain {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			noNoColor = append(noNoColor, kv)
		}
	}
	if colored(plain, "demo") {
		t.Error("NO_COLOR: coloured")
	}
	if colored(noNoColor, "demo") {
		t.Error("a pipe: coloured")
	}
	if !colored(append(noNoColor, "CLICOLOR_FORCE=1"), "demo") {
		t.Error("CLICOLOR_FORCE=1: not coloured")
	}
	if !colored(plain, "demo", "--color", "always") {
		t.Error("--color always with NO_COLOR: not coloured")
	}
	if colored(append(noNoColor, "CLICOLOR_FORCE=1"), "demo", "--color=never") {
		t.Error("--color never with CLICOLOR_FORCE: coloured")
	}
}
