package importer_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/importer"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixtures is the sources folder, from this package.
var fixtures = filepath.Join("..", "..", "fixtures", "import")

// goldenCase is one source and the options it is imported with.
type goldenCase struct {
	src  string // under fixtures/import
	opts importer.Options
	name string // golden file name; default: the source's path
}

var goldenCases = []goldenCase{
	{src: "sam/template.yaml"},
	{src: "sam/template.json"},
	{src: "sam/http-api.yaml"},
	{src: "sam/large.yaml"},
	{src: "cfn/rest.yaml"},
	{src: "cfn/http-jwt.json"},
	{src: "cfn/http-routes.yaml"},
	{src: "openapi/rest.yaml"},
	{src: "openapi/http.json"},
	{src: "openapi/swagger.yaml"},
	{src: "serverless/serverless.yml"},
	{src: "serverless/httpapi/serverless.yml"},
	{src: "serverless/both.yml", opts: importer.Options{API: "http"}},
	{src: "oci/deployment.json"},
	{src: "oci/single.json"},
	{src: "oci/jwt.json"},
	{src: "huawei/export.yaml"},
	{src: "huawei/export.yaml", name: "huawei/export-with-function.yaml", opts: importer.Options{Functions: map[string]string{"shop-authorizer": "../../fixtures/import/huawei/functions/shop_authorizer.py:handler"}}},
	{src: "huawei/openapi3.json"},
}

// TestGolden imports every fixture source and compares the authlab.yaml
// and the warnings with testdata/golden; each translation must load with
// zero errors and compile as serve compiles it.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		name := c.name
		if name == "" {
			name = c.src
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(fixtures, filepath.FromSlash(c.src))
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			opts := c.opts
			opts.Inline = true
			res, err := importer.Import(path, src, opts)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			var b strings.Builder
			b.Write(res.YAML)
			fmt.Fprintf(&b, "\n# ---- %d warning(s) ----\n", len(res.Warnings))
			for _, w := range res.Warnings {
				w.File = filepath.ToSlash(strings.TrimPrefix(w.File, fixtures+string(filepath.Separator)))
				fmt.Fprintf(&b, "# %s\n", w)
			}
			for _, f := range sortedKeys(res.Files) {
				fmt.Fprintf(&b, "# ---- file %s ----\n%s", f, commentLines(string(res.Files[f])))
			}
			golden(t, filepath.Join("testdata", "golden", filepath.FromSlash(name+".golden")), b.String())
			loadTranslation(t, path, res)
		})
	}
}

// loadTranslation loads the gateway as `authlab validate` does, in a copy
// of the source's folder holding the extra files the import writes.
func loadTranslation(t *testing.T, path string, res *importer.Result) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Dir(path))); err != nil {
		t.Fatal(err)
	}
	for f, b := range res.Files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "authlab.yaml")
	g, diags, err := config.Load(out, res.YAML, dir)
	if err != nil {
		t.Fatalf("the translation does not load:\n%s", diags.Format(false))
	}
	var ce *engine.CheckError
	if err := engine.Check(g, nil); errors.As(err, &ce) {
		t.Fatalf("the translation does not compile: %s: %v", ce.Path, ce.Err)
	} else if err != nil {
		t.Fatal(err)
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./engine/importer -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func sortedKeys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func commentLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}
