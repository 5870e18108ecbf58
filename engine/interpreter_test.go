package engine_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// fakeVenv writes DIR/.venv/bin/python: python3 with a module "venvonly"
// importable, as a package installed in a virtualenv is.
func fakeVenv(t *testing.T, dir string) string {
	t.Helper()
	py3, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	site := filepath.Join(dir, ".venv", "lib")
	bin := filepath.Join(dir, ".venv", "bin")
	for _, d := range []string{site, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeVenvFile(t, filepath.Join(site, "venvonly.py"), "WHO = 'venv'\n")
	python := filepath.Join(bin, "python")
	writeVenvFile(t, python, "#!/bin/sh\nPYTHONPATH="+site+" exec "+py3+" \"$@\"\n")
	if err := os.Chmod(python, 0o755); err != nil {
		t.Fatal(err)
	}
	return python
}

func writeVenvFile(t *testing.T, path, src string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

const venvHandler = `import venvonly

def handler(event, context):
    return {"principalId": venvonly.WHO, "policyDocument": {"Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}
`

func venvGateway(python string) string {
	extra := ""
	if python != "" {
		extra = ", python: " + python
	}
	return `version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: python, handler: fn/h.py:handler` + extra + `}
routes:
  - path: /r
    authorizer: tok
    backend: {echo: true}
`
}

func doVenv(t *testing.T, dir, src string) *engine.Result {
	t.Helper()
	g, diags, err := config.Load(filepath.Join(dir, "gw.yaml"), []byte(src), dir)
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r, _ := engine.NewRequest("GET", "/r", []string{"Authorization: Bearer x"}, nil)
	return e.Do(context.Background(), r)
}

// TestPythonVenv: a .venv beside the handler, else beside the gateway
// file, runs the handler, so the packages installed there import; python:
// names another interpreter; without one, a ModuleNotFoundError says which
// interpreter ran and how to point at another.
func TestPythonVenv(t *testing.T) {
	t.Parallel()
	for _, where := range []string{"handler", "gateway"} {
		t.Run("a .venv beside the "+where, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "fn"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeVenvFile(t, filepath.Join(dir, "fn", "h.py"), venvHandler)
			venvDir := dir
			if where == "handler" {
				venvDir = filepath.Join(dir, "fn")
			}
			fakeVenv(t, venvDir)
			if res := doVenv(t, dir, venvGateway("")); res.Response.Status != 200 || res.Principal != "venv" {
				t.Errorf("status %d principal %q, want 200 venv:\n%v", res.Response.Status, res.Principal, res.Trace.Stage("authorizer"))
			}
		})
	}
	t.Run("python: names the interpreter", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "fn"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeVenvFile(t, filepath.Join(dir, "fn", "h.py"), venvHandler)
		fakeVenv(t, filepath.Join(dir, "envs", "a"))
		if res := doVenv(t, dir, venvGateway("envs/a/.venv/bin/python")); res.Response.Status != 200 || res.Principal != "venv" {
			t.Errorf("status %d principal %q, want 200 venv", res.Response.Status, res.Principal)
		}
	})
	t.Run("no .venv: the error names the interpreter", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "fn"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeVenvFile(t, filepath.Join(dir, "fn", "h.py"), venvHandler)
		res := doVenv(t, dir, venvGateway(""))
		st := res.Trace.Stage("authorizer")
		py3, _ := exec.LookPath("python3")
		for _, want := range []string{"ModuleNotFoundError: No module named 'venvonly'", "the handler ran under " + py3, py3 + " -m pip install venvonly", "python: PATH"} {
			if !strings.Contains(st.Summary, want) {
				t.Errorf("authorizer stage lacks %q:\n%s", want, st.Summary)
			}
		}
	})
}
