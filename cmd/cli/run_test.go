package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runFixture drives runRun with buffers; it returns stdout, stderr and the
// exit code Execute would map the error to.
func runFixture(t *testing.T, o RunOptions) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	o.IO = &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
	o.Elapsed = func(time.Time) time.Duration { return 0 }
	o.LookupEnv = func(string) (string, bool) { return "", false }
	if o.Parallel == 0 {
		o.Parallel = 2
	}
	err := runRun(context.Background(), &o)
	return out.String(), errb.String(), exitCode(err)
}

func writeRunScenario(t *testing.T, src string) string {
	t.Helper()
	gw, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "gateways", "aws-rest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(p, []byte("gateway: "+gw+"\n"+src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	pass := writeRunScenario(t, `steps:
  - request: {method: GET, path: /health}
    expect: {status: 200}
`)
	fail := writeRunScenario(t, `steps:
  - request: {method: GET, path: /health}
    expect: {status: 204}
`)
	invalid := writeRunScenario(t, `steps:
  - request: {method: GET, path: /health}
    expect: {stauts: 200}
`)
	cases := []struct {
		name   string
		paths  []string
		code   int
		stdout string
		stderr string
	}{
		{"all passed", []string{pass}, ExitOK, "\n1 passed, 0 failed\n", ""},
		{"a step failed", []string{pass, fail}, ExitFailed, "\n1 passed, 1 failed\n", ""},
		{"a file is invalid", []string{pass, invalid}, ExitUsage, "", `unknown key "stauts" in steps[0].expect (did you mean "status"?)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := runFixture(t, RunOptions{Paths: c.paths})
			if code != c.code || !strings.Contains(out, c.stdout) || !strings.Contains(errs, c.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	for _, o := range []RunOptions{
		{Paths: []string{"no/such/dir"}},
		{Paths: []string{"."}, Run: "("},
		{Paths: []string{filepath.Join("..", "..", "fixtures", "scenarios")}, Shard: "0/2"},
	} {
		if _, _, code := runFixture(t, o); code != ExitUsage {
			t.Errorf("%+v: exit %d, want 2", o, code)
		}
	}
}
