package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileRun runs the binary like run, but bounded in time (a serve that
// starts would never end) and reporting its peak memory, for the log only:
// no test fails on time or memory, which depend on the machine.
func hostileRun(t *testing.T, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("authlab %s still running after %v: the file was not refused\nstderr:\n%.2000s", strings.Join(args, " "), took, errb.String())
	}
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running authlab %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		t.Logf("authlab %s: exit %d in %v, peak RSS %d MB", strings.Join(args, " "), code, took.Round(time.Millisecond), ru.Maxrss>>10)
	}
	if strings.Contains(errb.String(), "panic:") || strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("authlab %v crashed:\n%s", args, errb.String())
	}
	return result{args: args, stdout: out.String(), stderr: errb.String(), code: code}
}

// hostileFile is one file of the hostile corpus and what refusing it says.
type hostileFile struct {
	path     string // absolute
	scenario bool
	want     string // in every command's output
	// elsewhere: the hostile part is in another file (the gateway this
	// scenario names), so fire and serve, which read the scenario as a
	// gateway file, refuse it for other reasons.
	elsewhere bool
}

// hostileCorpus is engine/config/testdata/hostile (gateway files),
// scenario/testdata/hostile (scenario files), and the inputs too big to
// commit, made here: 64 KB of brackets, a 1 MB line of tokens, more aliases
// than allowed, a 100 MB gateway and a 100 MB JWKS (sparse files).
func hostileCorpus(t *testing.T) []hostileFile {
	t.Helper()
	abs := func(p string) string {
		a, err := filepath.Abs(filepath.Join("..", "..", p))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	gw := abs("engine/config/testdata/hostile")
	sc := abs("scenario/testdata/hostile")
	files := []hostileFile{
		{path: gw + "/laughs_mock_return.yaml", scenario: false, want: "laughs_mock_return.yaml:18:22: aliases expand too far"},
		{path: gw + "/laughs_stock_body.yaml", scenario: false, want: "laughs_stock_body.yaml:14:20: aliases expand too far"},
		{path: gw + "/flow_nesting.yaml", scenario: false, want: "flow_nesting.yaml:4:113: nesting too deep"},
		{path: gw + "/flow_nesting_unclosed.yaml", scenario: false, want: "flow_nesting_unclosed.yaml:3:255: nesting too deep"},
		{path: gw + "/block_nesting.yaml", scenario: false, want: "block_nesting.yaml:4:199: nesting too deep"},
		{path: gw + "/indent_nesting.yaml", scenario: false, want: "indent_nesting.yaml:103:106: nesting too deep"},
		{path: gw + "/wide_mapping.yaml", scenario: false, want: "wide_mapping.yaml:509:11: too many keys: more than 500 in one block mapping"},
		{path: gw + "/alias_depth.yaml", scenario: false, want: "alias_depth.yaml:12:49: nesting too deep once *d2 is expanded"},
		{path: gw + "/jwks_deep.yaml", scenario: false, want: "deep.jwks.json:1:109: nesting too deep: more than 100 levels of objects and arrays"},
		{path: sc + "/laughs_step.yaml", scenario: true, want: "laughs_step.yaml:14:18: aliases expand too far"},
		{path: sc + "/laughs_inline_gateway.yaml", scenario: true, want: "laughs_inline_gateway.yaml:18:24: aliases expand too far"},
		{path: sc + "/flow_nesting.yaml", scenario: true, want: "flow_nesting.yaml:5:137: nesting too deep"},
		{path: sc + "/block_nesting.yaml", scenario: true, want: "block_nesting.yaml:4:199: nesting too deep"},
		{path: sc + "/hostile_gateway.yaml", scenario: true, want: "laughs.yaml:18:22: aliases expand too far", elsewhere: true},
	}
	dir := t.TempDir()
	write := func(name, src string, size int64) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if size > 0 {
			if err := os.Truncate(p, size); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	files = append(files,
		hostileFile{write("flow64k.yaml", "version: 1\nauthorizers: "+strings.Repeat("[", 32<<10)+strings.Repeat("]", 32<<10)+"\n", 0), false,
			"flow64k.yaml:2:113: nesting too deep", false},
		hostileFile{write("tokens.yaml", "version: 1\nroutes: [{path: /x, backend: {stock: {body: ["+strings.Repeat("1,", 500_000)+"1]}}}]\n", 0), false,
			"tokens.yaml:2:100026: file too long: more than 100000 YAML tokens", false},
		hostileFile{write("aliases.yaml", "version: 1\nroutes: [{path: /x, backend: {stock: {body: [&s x"+strings.Repeat(", *s", 10_001)+"]}}}]\n", 0), false,
			"aliases.yaml:2:40052: too many aliases: more than 10000 alias uses", false},
		// "gateway file too large", "scenario file too large", or "file too
		// large" from validate, which has not read enough to tell.
		hostileFile{write("big.yaml", "version: 1\n", 100<<20), false,
			"file too large: 100 MiB, over the 1 MiB limit; expected at most 1048576 bytes", false},
		hostileFile{write("big_scenario.yaml", "gateway: big.yaml\nsteps:\n", 100<<20), true,
			"file too large: 100 MiB, over the 1 MiB limit; expected at most 1048576 bytes", false},
	)
	write("huge.jwks.json", `{"keys": [`, 100<<20)
	files = append(files, hostileFile{write("jwks_huge.yaml", `version: 1
authorizers:
  jwt: {type: jwt, identitySource: header:Authorization, audience: [a], jwks: huge.jwks.json}
routes: [{path: /x, authorizer: jwt, backend: {echo: true}}]
`, 0), false, "huge.jwks.json: key file too large: 100 MiB, over the 1 MiB limit", false})
	return files
}

// TestHostileFiles drives every command that reads a gateway or scenario
// file through the hostile corpus: each refuses the file with exit 2 and a
// message naming the limit, at once (serve does not start).
func TestHostileFiles(t *testing.T) {
	t.Parallel()
	for _, f := range hostileCorpus(t) {
		dir, name := filepath.Split(f.path)
		t.Run(name, func(t *testing.T) {
			check := func(r result) {
				t.Helper()
				r.wantCode(t, 2)
				if out := r.stdout + r.stderr; !strings.Contains(out, f.want) {
					t.Errorf("authlab %s: output lacks %q:\n%.3000s", strings.Join(r.args, " "), f.want, out)
				}
			}
			check(hostileRun(t, dir, "validate", name))
			if !f.elsewhere {
				check(hostileRun(t, dir, "fire", "-g", name, "GET", "/x"))
				check(hostileRun(t, dir, "serve", "-g", name, "--listen", "127.0.0.1:0", "--no-watch"))
			}
			scenario := name
			if !f.scenario {
				// run takes scenarios: one that replays this gateway.
				scenario = filepath.Join(t.TempDir(), "s.yaml")
				src := "gateway: " + f.path + "\nsteps:\n  - request: {method: GET, path: /x}\n    expect: {status: 200}\n"
				if err := os.WriteFile(scenario, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			check(hostileRun(t, dir, "run", scenario))
		})
	}
}
