package scenario_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/authlab/authlab/scenario"
)

// binary is authlab built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "authlab-scenario-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "authlab")
	out, err := exec.Command("go", "build", "-o", binary, "../cmd/authlab").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building authlab: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// authlab runs the binary and returns stdout, stderr and the exit code.
func authlab(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// writeScenario writes a scenario next to the test gateway, so that
// `gateway: gateway.yaml` works, and removes it afterwards.
func writeScenario(t *testing.T, name, src string) string {
	t.Helper()
	dir := t.TempDir()
	gw, err := filepath.Abs(filepath.Join("testdata", "gateway.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(src, "GATEWAY", gw)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var summaryLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed$`)

// TestE2EFixturesPass runs the project's acceptance suite with the binary:
// every fixture scenario passes, and the JUnit and JSON reports agree.
func TestE2EFixturesPass(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the fixture suite has a Python authorizer; python3 is not on PATH")
	}
	junit := filepath.Join(t.TempDir(), "report.xml")
	stdout, stderr, code := authlab(t, "run", "--junit", junit, filepath.Join("..", "fixtures", "scenarios"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := summaryLine.FindStringSubmatch(stdout)
	if m == nil || m[2] != "0" {
		t.Fatalf("no passing summary line:\n%s", stdout)
	}
	passed, _ := strconv.Atoi(m[1])
	if passed < 50 {
		t.Errorf("only %d steps in the acceptance suite", passed)
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc scenario.JUnitSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != passed || doc.Failures != 0 || len(doc.Suites) < 6 {
		t.Errorf("JUnit: %d tests, %d failures, %d suites; text said %d passed", doc.Tests, doc.Failures, len(doc.Suites), passed)
	}
	jsonOut, _, code := authlab(t, "run", "--json", "--parallel", "3", filepath.Join("..", "fixtures", "scenarios"))
	var rep struct {
		OK     bool `json:"ok"`
		Passed int  `json:"passed"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil || code != 0 || !rep.OK || rep.Passed != passed {
		t.Errorf("JSON report: %v exit %d %+v", err, code, rep)
	}
	// Shards split the files: together they replay every step once.
	total := 0
	for k := 1; k <= 3; k++ {
		out, _, code := authlab(t, "run", "--shard", fmt.Sprintf("%d/3", k), filepath.Join("..", "fixtures", "scenarios"))
		if m := summaryLine.FindStringSubmatch(out); m != nil && code == 0 {
			n, _ := strconv.Atoi(m[1])
			total += n
		}
	}
	if total != passed {
		t.Errorf("shards replayed %d steps, the whole suite %d", total, passed)
	}
}

func TestE2EFailingScenario(t *testing.T) {
	t.Parallel()
	p := writeScenario(t, "fail.yaml", `
name: gotcha
gateway: GATEWAY
steps:
  - name: AWS-P1 first route
    request: {method: GET, path: /orders/42, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200}
  - name: AWS-C3 expected to pass on another route
    request: {method: GET, path: /users/7, headers: {Authorization: Bearer allow-alice}}
    expect: {status: 200, upstream: {headers: {X-User: alice}}}
`)
	junit := filepath.Join(t.TempDir(), "report.xml")
	stdout, stderr, code := authlab(t, "run", "--junit", junit, p)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"✗ gotcha",
		"✗ step 2: AWS-C3 expected to pass on another route",
		"status: expected 200, got 403 Forbidden",
		"upstream: expected the request to reach the backend, but it did not (refused at policy: the policy cached for GET /orders/42 does not allow GET /users/7 (implicit deny) — fix: return a wildcard Resource (…/prod/*) or set ttl: 0)",
		"✓ cache", "hit: stored 0s ago", "[AWS-C3 AWS-R3]",
		"Response 403 Forbidden",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q\n%s", want, stdout)
		}
	}
	if m := summaryLine.FindStringSubmatch(stdout); m == nil || m[1] != "1" || m[2] != "1" {
		t.Errorf("summary:\n%s", stdout)
	}
	b, _ := os.ReadFile(junit)
	var doc scenario.JUnitSuites
	if err := xml.Unmarshal(b, &doc); err != nil || doc.Failures != 1 || !strings.Contains(string(b), "cached policy from") {
		t.Errorf("JUnit (%v):\n%s", err, b)
	}
	jsonOut, _, code := authlab(t, "run", "--json", p)
	var rep scenario.JSONReport
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil || code != 1 || rep.OK || rep.Failed != 1 || len(rep.Scenarios[0].Steps[1].Failures) != 2 {
		t.Errorf("JSON (%v, exit %d): %s", err, code, jsonOut)
	}
}

func TestE2EInvalidScenario(t *testing.T) {
	t.Parallel()
	p := writeScenario(t, "bad.yaml", `
gateway: GATEWAY
steps:
  - request: {method: GET, path: /orders/1}
    expect: {status: 200, authorizr: called}
  - advance: soon
`)
	good := writeScenario(t, "good.yaml", `
gateway: GATEWAY
steps:
  - request: {method: GET, path: /health}
    expect: {status: 200}
`)
	junit := filepath.Join(t.TempDir(), "report.xml")
	stdout, stderr, code := authlab(t, "run", "--junit", junit, good, p)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		p + `:5:27: unknown key "authorizr" in steps[0].expect (did you mean "authorizer"?)`,
		p + `:6:14: invalid duration "soon"`,
		"no step was run",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q\n%s", want, stderr)
		}
	}
	if stdout != "" {
		t.Errorf("a step ran before the invalid file was reported:\n%s", stdout)
	}
	b, _ := os.ReadFile(junit)
	var doc scenario.JUnitSuites
	if err := xml.Unmarshal(b, &doc); err != nil || doc.Errors != 1 {
		t.Errorf("JUnit of an invalid run (%v):\n%s", err, b)
	}
	jsonOut, _, code := authlab(t, "run", "--json", p)
	var rep scenario.JSONReport
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil || code != 2 || len(rep.Errors) != 2 || rep.Errors[0].Line != 5 {
		t.Errorf("JSON (%v, exit %d): %s", err, code, jsonOut)
	}
	// validate reads scenario files too, with the same positions.
	vout, _, vcode := authlab(t, "validate", good, p)
	if vcode != 2 || !strings.Contains(vout, p+":5:27:") || !strings.Contains(vout, good+": ok") {
		t.Errorf("validate (exit %d):\n%s", vcode, vout)
	}
}

func TestE2EFlagsAndSchema(t *testing.T) {
	t.Parallel()
	_, stderr, code := authlab(t, "run", "--shard", "4/3", "testdata")
	if code != 2 || !strings.Contains(stderr, "need 1 <= K <= N") {
		t.Errorf("bad shard: exit %d %s", code, stderr)
	}
	_, stderr, code = authlab(t, "run", "--run", "(", "testdata")
	if code != 2 || !strings.Contains(stderr, "--run") {
		t.Errorf("bad regex: exit %d %s", code, stderr)
	}
	_, stderr, code = authlab(t, "run", filepath.Join("testdata", "gateways"))
	if code != 2 || !strings.Contains(stderr, "no scenario files") {
		t.Errorf("no scenarios: exit %d %s", code, stderr)
	}
	out, _, code := authlab(t, "schema", "scenario")
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 || s["title"] != "authlab scenario file" {
		t.Errorf("schema scenario: exit %d %v", code, err)
	}
	out, _, _ = authlab(t, "run", "--help")
	for _, flag := range []string{"--junit", "--json", "--parallel", "--run", "--shard", "--fail-fast", "Exit code: 0 all passed, 1 a step failed, 2 a file is invalid"} {
		if !strings.Contains(out, flag) {
			t.Errorf("run --help lacks %s", flag)
		}
	}
}
