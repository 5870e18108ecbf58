package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runWithEnv is runFixture with an environment.
func runWithEnv(t *testing.T, env map[string]string, o RunOptions) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	o.IO = &IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }}
	o.Elapsed = func(time.Time) time.Duration { return 0 }
	o.LookupEnv = func(string) (string, bool) { return "", false }
	o.Parallel = 2
	err := runRun(context.Background(), &o)
	return out.String(), errb.String(), exitCode(err)
}

// TestRunGitHubAnnotations: under GitHub Actions a failed step becomes an
// ::error annotation on the step's line, with the failed expectations as
// its message; an invalid file's errors become annotations at their
// line and column. Outside GitHub Actions nothing of the kind is printed.
func TestRunGitHubAnnotations(t *testing.T) {
	t.Parallel()
	fail := writeRunScenario(t, `name: orders, with a comma
steps:
  - request: {method: GET, path: /health}
    expect: {status: 200}
  - name: "health: the wrong status"
    request: {method: GET, path: /health}
    expect: {status: 204}
`)
	gh := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": filepath.Dir(fail)}
	out, errs, code := runWithEnv(t, gh, RunOptions{Paths: []string{fail}})
	if code != ExitFailed {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	want := "::error file=s.yaml,line=6,title=authlab%3A orders%2C with a comma / step 2%3A health%3A the wrong status::status: expected 204, got 200 OK%0A(GET /health → 200; the log shows the trace)\n"
	if errs != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, want)
	}
	if strings.Contains(out, "::error") {
		t.Errorf("annotations on stdout (they belong on stderr, so --json stays JSON):\n%s", out)
	}

	// --json: stdout is the report alone.
	jout, jerr, _ := runWithEnv(t, gh, RunOptions{Paths: []string{fail}, JSON: true})
	if !strings.HasPrefix(jout, "{") || !strings.Contains(jerr, "::error file=s.yaml,line=6") {
		t.Errorf("--json under GitHub Actions: stdout %q…, stderr %q", jout[:min(len(jout), 40)], jerr)
	}

	invalid := writeRunScenario(t, `steps:
  - request: {method: GET, path: /health}
    expect: {stauts: 200}
`)
	gh["GITHUB_WORKSPACE"] = filepath.Dir(invalid)
	_, errs, code = runWithEnv(t, gh, RunOptions{Paths: []string{invalid}})
	if code != ExitUsage || !strings.Contains(errs, "::error file=s.yaml,line=4,col=14,title=authlab::unknown key \"stauts\"") {
		t.Errorf("invalid file: exit %d\n%s", code, errs)
	}

	_, errs, _ = runWithEnv(t, map[string]string{}, RunOptions{Paths: []string{fail}})
	if strings.Contains(errs, "::error") {
		t.Errorf("annotations outside GitHub Actions:\n%s", errs)
	}
}
