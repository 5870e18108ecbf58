package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// importDir copies fixtures/import/<sub> to a temporary folder (import
// writes next to its source) and returns it.
func importDir(t *testing.T, sub string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(repoRoot, "fixtures", "import", sub))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImport drives `authlab import` and direct loading with the real
// binary, per format: the translation, its warnings, and a request fired
// at the source file itself.
func TestImport(t *testing.T) {
	t.Parallel()
	t.Run("sam print", func(t *testing.T) {
		dir := importDir(t, "sam")
		r := run(t, dir, "", "import", "--print", "template.yaml")
		r.wantCode(t, 0)
		golden(t, "import_sam_print", r)
	})

	t.Run("sam writes authlab.yaml, which validates", func(t *testing.T) {
		dir := importDir(t, "sam")
		r := run(t, dir, "", "import", "template.yaml")
		r.wantCode(t, 0)
		if r.stdout != "" || !strings.Contains(r.stderr, "→ authlab.yaml: 2 authorizers, 6 routes, 1 warning") {
			t.Errorf("stdout %q\nstderr:\n%s", r.stdout, r.stderr)
		}
		v := run(t, dir, "", "validate", "authlab.yaml")
		v.wantCode(t, 0)
		// the copy fires like the source
		f := run(t, dir, "", "fire", "--brief", "GET", "/orders/1", "-H", "Authorization: Bearer allow-alice")
		f.wantCode(t, 0)
		if !strings.Contains(f.stdout, "200 OK") {
			t.Errorf("fire on the written file:\n%s", f.stdout)
		}
	})

	t.Run("sam fire at the source", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
		dir := importDir(t, "sam")
		r := run(t, dir, "", "fire", "--brief", "-g", "template.yaml", "GET", "/orders/42", "-H", "Authorization: Bearer allow-alice")
		r.wantCode(t, 0)
		golden(t, "import_sam_fire", r)
	})

	t.Run("validate a source", func(t *testing.T) {
		dir := importDir(t, "cfn")
		r := run(t, dir, "", "validate", "rest.yaml")
		r.wantCode(t, 0)
		golden(t, "import_cfn_validate", r)
	})

	for _, c := range []struct{ name, sub, file string }{
		{"cfn http", "cfn", "http-routes.yaml"},
		{"openapi", "openapi", "rest.yaml"},
		{"serverless", "serverless", "serverless.yml"},
		{"oci", "oci", "deployment.json"},
		{"huawei", "huawei", "export.yaml"},
	} {
		t.Run(c.name+" print", func(t *testing.T) {
			r := run(t, importDir(t, c.sub), "", "import", "--print", c.file)
			r.wantCode(t, 0)
			golden(t, "import_"+strings.ReplaceAll(c.name, " ", "_")+"_print", r)
		})
	}

	t.Run("fire at each source", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
		for _, c := range []struct {
			sub, file string
			args      []string
			status    string
		}{
			{"serverless", "serverless.yml", []string{"GET", "/quotes", "-H", "Authorization: Bearer key-gold"}, "200 OK"},
			{"oci", "deployment.json", []string{"GET", "/orders", "-H", "X-Api-Key: abc123"}, "200 OK"},
			{"openapi", "rest.yaml", []string{"GET", "/products", "-H", "Authorization: Bearer abc"}, "401 Unauthorized"},
			{"huawei", "export.yaml", []string{"GET", "/orders?shop=s1"}, "401 Unauthorized"},
			{"cfn", "http-routes.yaml", []string{"GET", "/health"}, "200 OK"},
		} {
			r := run(t, importDir(t, c.sub), "", append([]string{"fire", "--brief", "-g", c.file}, c.args...)...)
			if !strings.Contains(r.stdout, c.status) || !strings.Contains(r.stderr, "read through authlab import") {
				t.Errorf("fire -g %s %v: exit %d\nstdout:\n%s\nstderr:\n%s", c.file, c.args, r.code, r.stdout, r.stderr)
			}
		}
	})

	t.Run("json report", func(t *testing.T) {
		r := run(t, importDir(t, "oci"), "", "import", "--json", "single.json", "-o", "out.yaml")
		r.wantCode(t, 0)
		golden(t, "import_oci_json", r)
	})

	t.Run("not a format", func(t *testing.T) {
		dir := t.TempDir()
		_ = os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte("title: groceries\nitems: [milk, eggs]\n"), 0o644)
		r := run(t, dir, "", "import", "notes.yaml")
		r.wantCode(t, 2)
		golden(t, "import_not_a_format", r)
	})

	t.Run("several APIs", func(t *testing.T) {
		r := run(t, importDir(t, "serverless"), "", "import", "both.yml")
		r.wantCode(t, 2)
		golden(t, "import_several_apis", r)
		// loading it directly says the same, at the file
		f := run(t, importDir(t, "serverless"), "", "fire", "-g", "both.yml", "GET", "/v2")
		f.wantCode(t, 2)
		if !strings.Contains(f.stderr, "both.yml:1:1: the source defines several APIs (rest, http)") {
			t.Errorf("stderr:\n%s", f.stderr)
		}
	})

	t.Run("scenario against a source", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
		r := run(t, repoRoot, "", "run", "fixtures/scenarios/import-serverless.yaml", "fixtures/scenarios/import-openapi.yaml")
		r.wantCode(t, 0)
		if !strings.Contains(r.stdout, "13 passed, 0 failed") {
			t.Errorf("%s\n%s", r.stdout, r.stderr)
		}
	})
}

// TestImportLiveReload: serve -g on a source reloads when the source is
// edited, as it does for an authlab file.
func TestImportLiveReload(t *testing.T) {
	t.Parallel()
	dir := importDir(t, "openapi")
	cmd := exec.Command(binary, "serve", "-g", "rest.yaml", "--listen", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = childEnv()
	var stderr syncWriter
	cmd.Stderr, cmd.Stdout = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	base := ""
	reListen := regexp.MustCompile(`listening on (http://\S+)`)
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := reListen.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
	}
	status := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/health"); got != 200 {
		t.Fatalf("GET /health: %d", got)
	}
	// Edit the source: /health gets the root security (security: [] removed).
	src, _ := os.ReadFile(filepath.Join(dir, "rest.yaml"))
	edited := strings.Replace(string(src), "      security: []\n", "", 1)
	if edited == string(src) {
		t.Fatal("fixture changed: no security: [] to remove")
	}
	if err := os.WriteFile(filepath.Join(dir, "rest.yaml"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if strings.Contains(stderr.String(), "reloaded rest.yaml") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reload:\n%s", stderr.String())
		}
	}
	if got := status("/health"); got != 401 {
		t.Errorf("after the edit GET /health: %d, want 401 (the root security now applies)\n%s", got, stderr.String())
	}
}
