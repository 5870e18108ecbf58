package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInit: for every platform and runtime, what authlab init writes passes
// authlab run at once and validates without a warning; files in the way
// are not overwritten; --json says what was written.
func TestInit(t *testing.T) {
	type combo struct{ platform, runtime string }
	var combos []combo
	for _, p := range []string{"aws-rest", "aws-http", "oci", "huawei"} {
		for _, r := range []string{"python", "node"} {
			combos = append(combos, combo{p, r})
		}
	}
	combos = append(combos, combo{"jwt", ""})
	for _, c := range combos {
		t.Run(c.platform+"-"+c.runtime, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"init", "--platform", c.platform, "--dir", "proj", "--json"}
			if c.runtime != "" {
				args = append(args, "--runtime", c.runtime)
			}
			r := run(t, dir, "", args...)
			r.wantCode(t, 0)
			var rep struct {
				Platform string   `json:"platform"`
				Files    []string `json:"files"`
				Next     []string `json:"next"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Platform != c.platform || len(rep.Files) < 4 || len(rep.Next) == 0 {
				t.Fatalf("--json: %v\n%s", err, r.stdout)
			}
			for _, f := range rep.Files {
				if _, err := os.Stat(filepath.Join(dir, "proj", f)); err != nil {
					t.Errorf("reported %s: %v", f, err)
				}
			}
			proj := filepath.Join(dir, "proj")
			run(t, proj, "", "run", "scenarios/").wantCode(t, 0)
			v := run(t, proj, "", "validate", "--strict", "authlab.yaml", "scenarios/authorizer.yaml")
			v.wantCode(t, 0)
			if strings.Contains(v.stdout, "warning") {
				t.Errorf("the scaffold has warnings:\n%s", v.stdout)
			}
			gw, _ := os.ReadFile(filepath.Join(proj, "authlab.yaml"))
			if !strings.HasPrefix(string(gw), "# yaml-language-server: $schema=.authlab/schema/gateway.json\n") {
				t.Errorf("the gateway's modeline does not point at the written schema:\n%s", gw)
			}
			// A second init refuses to overwrite.
			again := run(t, dir, "", args...)
			again.wantCode(t, 2)
			if !strings.Contains(again.stderr, "not overwriting") {
				t.Errorf("second init: %s", again.stderr)
			}
		})
	}
}

func TestInitUsage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"init", "--platform", "ocii"}, `did you mean "oci"`},
		{[]string{"init", "--platform", "jwt", "--runtime", "node"}, "a jwt authorizer has no function"},
		{[]string{"init", "--runtime", "ruby"}, "expected python or node"},
	} {
		r := run(t, t.TempDir(), "", c.args...)
		r.wantCode(t, 2)
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: stderr %q, want %q", c.args, r.stderr, c.want)
		}
	}
	r := run(t, t.TempDir(), "", "init", "--help")
	if !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "authlab init --platform oci --runtime node") {
		t.Errorf("init --help has no examples:\n%s", r.stdout)
	}
}

// TestExplainAndVersion: the rules reference and the version come from
// the binary itself.
func TestExplainAndVersion(t *testing.T) {
	t.Parallel()
	r := run(t, emptyDir(t), "", "explain", "AWS-C3")
	r.wantCode(t, 0)
	for _, want := range []string{"AWS-C3 — ", "cached policy", "Source:", "[AWS-C3 AWS-R3]"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain AWS-C3 lacks %q:\n%s", want, r.stdout)
		}
	}
	r = run(t, emptyDir(t), "", "explain", "aws-c9")
	r.wantCode(t, 2)
	if !strings.Contains(r.stderr, `unknown rule "aws-c9" (did you mean "AWS-C`) {
		t.Errorf("explain of an unknown id: %s", r.stderr)
	}
	r = run(t, emptyDir(t), "", "explain", "--json")
	r.wantCode(t, 0)
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) < 100 {
		t.Errorf("explain --json: %v, %d rules", err, len(all))
	}

	v := run(t, emptyDir(t), "", "version", "--json")
	v.wantCode(t, 0)
	var info map[string]any
	if err := json.Unmarshal([]byte(v.stdout), &info); err != nil || info["version"] == "" || !strings.HasPrefix(info["goVersion"].(string), "go") {
		t.Errorf("version --json: %v\n%s", err, v.stdout)
	}
	long := run(t, emptyDir(t), "", "--version")
	long.wantCode(t, 0)
	short := run(t, emptyDir(t), "", "version")
	if long.stdout != short.stdout || !strings.HasPrefix(short.stdout, "authlab ") {
		t.Errorf("--version %q, version %q", long.stdout, short.stdout)
	}
}

// TestVersionLdflags: a release build stamps version and commit with
// -ldflags -X, as .goreleaser.yaml does.
func TestVersionLdflags(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a second binary")
	}
	bin := filepath.Join(t.TempDir(), "authlab")
	build := exec.Command("go", "build", "-o", bin, "-ldflags",
		"-X github.com/authlab/authlab/cmd/cli.version=v9.8.7 -X github.com/authlab/authlab/cmd/cli.commit=0123456789abcdef0123 -X github.com/authlab/authlab/cmd/cli.date=2026-01-02T03:04:05Z",
		"./cmd/authlab")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "authlab v9.8.7 (commit 0123456789ab, built 2026-01-02T03:04:05Z, go"
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("version: %q, want it to start with %q", out, want)
	}
}
