package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importIO returns an IO writing to two buffers.
func importIO() (*IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}, &out, &errb
}

// copyFixture copies fixtures/import/<dir> to a temporary folder.
func copyFixture(t *testing.T, dir string) string {
	t.Helper()
	tmp := t.TempDir()
	if err := os.CopyFS(tmp, os.DirFS(filepath.Join("..", "..", "fixtures", "import", dir))); err != nil {
		t.Fatal(err)
	}
	return tmp
}

func TestImportWritesNextToTheSource(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "sam")
	io, out, errb := importIO()
	if err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "template.yaml")}}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q: the file is written, nothing printed", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "authlab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "# template.yaml:21 (ServerlessRestApi Auth.Authorizers)") {
		t.Errorf("no source comment:\n%s", b)
	}
	for _, want := range []string{"template.yaml:17:11: warning IMP-CORS: ", "→ " + filepath.Join(dir, "authlab.yaml") + ": 2 authorizers, 6 routes, 1 warning"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb)
		}
	}
	// The output passes validate.
	vio, vout, _ := importIO()
	if err := runValidate(&ValidateOptions{IO: vio, Files: []string{filepath.Join(dir, "authlab.yaml")}}); err != nil {
		t.Errorf("validate: %v\n%s", err, vout)
	}
	// Importing again overwrites a file import wrote; not a user's file.
	if err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "template.yaml")}}); err != nil {
		t.Errorf("second import: %v", err)
	}
	mine := filepath.Join(dir, "mine.yaml")
	_ = os.WriteFile(mine, []byte("version: 1\n"), 0o644)
	err = runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "template.yaml")}, Out: mine})
	if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "--force") {
		t.Errorf("overwrote a user's file: %v", err)
	}
	if err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "template.yaml")}, Out: mine, Force: true}); err != nil {
		t.Errorf("--force: %v", err)
	}
}

func TestImportPrintAndJSON(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "oci")
	io, out, errb := importIO()
	if err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "deployment.json")}, Print: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "# yaml-language-server") || !strings.Contains(errb.String(), "→ stdout") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errb)
	}
	if _, err := os.Stat(filepath.Join(dir, "authlab.yaml")); err == nil {
		t.Error("--print wrote a file")
	}
	io, out, errb = importIO()
	if err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "deployment.json")}, JSON: true, Out: filepath.Join(dir, "oci.yaml")}); err != nil {
		t.Fatal(err)
	}
	var rep []importReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rep) != 1 || rep[0].Format != "oci" || rep[0].Routes != 3 || len(rep[0].Warnings) == 0 || rep[0].Warnings[0].Code == "" || rep[0].Warnings[0].Line == 0 {
		t.Errorf("%+v", rep)
	}
	if errb.Len() != 0 {
		t.Errorf("--json printed text on stderr: %s", errb)
	}
	if err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "deployment.json")}, JSON: true, Print: true}); exitCode(err) != ExitUsage {
		t.Errorf("--json --print: %v", err)
	}
}

func TestImportStrictAndErrors(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "serverless")
	io, _, _ := importIO()
	err := runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "serverless.yml")}, Strict: true, Print: true})
	if exitCode(err) != ExitFailed {
		t.Errorf("--strict with warnings: exit %d", exitCode(err))
	}
	err = runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "both.yml")}, Print: true})
	if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "--api rest") {
		t.Errorf("two APIs without --api: %v", err)
	}
	err = runImport(&ImportOptions{IO: io, Files: []string{filepath.Join(dir, "both.yml")}, API: "all"})
	if err != nil {
		t.Fatalf("--api all: %v", err)
	}
	for _, f := range []string{"authlab.rest.yaml", "authlab.http.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("--api all: %v", err)
		}
	}
	notAFormat := filepath.Join(dir, "notes.yaml")
	_ = os.WriteFile(notAFormat, []byte("title: shopping\nitems: [milk]\n"), 0o644)
	err = runImport(&ImportOptions{IO: io, Files: []string{notAFormat}})
	if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "top-level keys title, items") {
		t.Errorf("not a format: %v", err)
	}
	for _, bad := range []ImportOptions{
		{Format: "swag"}, {Params: []string{"novalue"}}, {Functions: []string{"=x.py"}},
		{Out: "x.yaml", Files: []string{"a.yaml", "b.yaml"}},
	} {
		bad.IO = io
		if len(bad.Files) == 0 {
			bad.Files = []string{filepath.Join(dir, "serverless.yml")}
		}
		if err := runImport(&bad); exitCode(err) != ExitUsage {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// TestImportedGatewayLoads: -g takes the source itself, and says so.
func TestImportedGatewayLoads(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "openapi")
	io, _, errb := importIO()
	g, _, err := loadGateway(io, filepath.Join(dir, "swagger.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if g.Translated == nil || len(g.Routes) != 3 {
		t.Errorf("%+v", g)
	}
	if !strings.Contains(errb.String(), "swagger.yaml read through authlab import (OpenAPI definition, ") {
		t.Errorf("stderr: %s", errb)
	}
}
