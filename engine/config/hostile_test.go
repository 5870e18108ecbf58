package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/limits"
)

// hostileCases are the files under testdata/hostile: each is refused, at
// the place it goes past a limit, saying which limit. (A hostile file
// that loaded would take minutes and gigabytes; see engine/limits.)
var hostileCases = map[string]string{
	"laughs_mock_return.yaml":    "laughs_mock_return.yaml:18:22: aliases expand too far: with *a4 the file's aliases add more than 100000 nodes once expanded; expected at most 100000",
	"laughs_stock_body.yaml":     "laughs_stock_body.yaml:14:20: aliases expand too far: with *a4",
	"flow_nesting.yaml":          "flow_nesting.yaml:4:113: nesting too deep: more than 100 levels of mappings and lists; expected at most 100",
	"flow_nesting_unclosed.yaml": "flow_nesting_unclosed.yaml:3:255: nesting too deep: more than 100 levels",
	"block_nesting.yaml":         "block_nesting.yaml:4:199: nesting too deep: more than 100 levels",
	"indent_nesting.yaml":        "indent_nesting.yaml:103:106: nesting too deep: more than 100 levels",
	"alias_depth.yaml":           "alias_depth.yaml:12:49: nesting too deep once *d2 is expanded: more than 100 levels",
	"wide_mapping.yaml":          "wide_mapping.yaml:509:11: too many keys: more than 500 in one block mapping; expected at most 500",
}

func TestHostileFilesRefused(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile files: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := hostileCases[name]
		if !ok {
			continue // a gateway whose hostile part is another file (jwks_deep: engine tests)
		}
		t.Run(name, func(t *testing.T) {
			g, diags, err := config.LoadFile(f)
			if err == nil || g != nil {
				t.Fatalf("%s loaded", f)
			}
			got := diags.Format(false)
			if !strings.Contains(got, want) {
				t.Errorf("output lacks %q:\n%s", want, got)
			}
			if n := len(diags.Errors()); n != 1 {
				t.Errorf("%d errors, want the one limit:\n%s", n, got)
			}
		})
	}
	for name := range hostileCases {
		if _, err := os.Stat(filepath.Join("testdata", "hostile", name)); err != nil {
			t.Errorf("hostileCases lists %s: %v", name, err)
		}
	}
}

// TestHostileGenerated covers the inputs too big to commit.
func TestHostileGenerated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, src []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// 64 KB of brackets, as in the report (2 GB before the limits).
	flow := write("flow64k.yaml", []byte("version: 1\nauthorizers: "+strings.Repeat("[", 32<<10)+strings.Repeat("]", 32<<10)+"\n"))
	// More alias uses than allowed, each cheap.
	var b strings.Builder
	b.WriteString("version: 1\nroutes:\n  - path: /x\n    backend:\n      stock:\n        body: [&s x")
	for i := 0; i <= limits.MaxAliases; i++ {
		b.WriteString(", *s")
	}
	b.WriteString("]\n")
	aliases := write("aliases.yaml", []byte(b.String()))
	// More tokens than allowed: on one line (refused before lexing), and on
	// many lines (refused as the lexer passes the limit).
	line := write("line.yaml", []byte("version: 1\nroutes: [{path: /x, backend: {stock: {body: ["+strings.Repeat("1,", 300_000)+"1]}}}]\n"))
	lines := write("lines.yaml", []byte("version: 1\nroutes: [{path: /x, backend: {stock: {body: [\n"+strings.Repeat("1,\n", 60_000)+"1]}}}]\n"))
	// A 100 MB file (sparse: no disk is spent), refused before it is read.
	big := write("big.yaml", []byte("version: 1\n"))
	if err := os.Truncate(big, 100<<20); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{flow, "flow64k.yaml:2:113: nesting too deep: more than 100 levels"},
		{line, "line.yaml:2:100026: file too long: more than 100000 YAML tokens (keys, values and punctuation); expected at most 100000"},
		{lines, "lines.yaml:49993:1: file too long: more than 100000 YAML tokens"},
		{aliases, fmt.Sprintf("aliases.yaml:6:%d: too many aliases: more than 10000 alias uses (*name) in one file; expected at most 10000", 18+4*(limits.MaxAliases+1))},
		{big, "big.yaml:1:1: gateway file too large: 100 MiB, over the 1 MiB limit; expected at most 1048576 bytes"},
	} {
		_, diags, err := config.LoadFile(c.file)
		if err == nil || diags == nil {
			t.Fatalf("%s loaded: %v", c.file, err)
		}
		if got := diags.Format(false); !strings.Contains(got, c.want) {
			t.Errorf("output lacks %q:\n%.2000s", c.want, got)
		}
	}
	// Bytes handed to Load are bounded too.
	_, diags, err := config.Load("mem.yaml", make([]byte, limits.MaxConfigBytes+1), ".")
	if err == nil || !strings.Contains(diags.Format(false), "mem.yaml:1:1: file too large: 1 MiB, over the 1 MiB limit") {
		t.Errorf("Load of an oversized buffer: %v", err)
	}
	// One alias fewer than the limit, and a file just under the size limit,
	// are not refused for it.
	ok := write("ok.yaml", []byte(strings.Replace(b.String(), ", *s]", "]", 1)))
	if _, diags, _ := config.LoadFile(ok); diags != nil && strings.Contains(diags.Format(false), "too many aliases") {
		t.Errorf("%d aliases refused:\n%.500s", limits.MaxAliases, diags.Format(false))
	}
	under := write("under.yaml", append([]byte("# "+strings.Repeat("x", limits.MaxConfigBytes-len("# \n")-len(validMinimal))+"\n"), validMinimal...))
	if _, diags, err := config.LoadFile(under); err != nil {
		t.Errorf("a file of exactly the limit: %v", diags.Format(false))
	}
}

const validMinimal = "version: 1\nroutes:\n  - path: /x\n    backend: {echo: true}\n"

// TestLimitsAllowRealFiles: anchors and aliases as people use them (one
// definition, a few uses), and nesting a real file has, stay loadable.
func TestLimitsAllowRealFiles(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("version: 1\nroutes:\n  - path: /x\n    backend:\n      stock:\n        body:\n")
	for i := 0; i < 90; i++ { // 6 levels above, 90 here: 96 in all
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", 10+2*i), i)
	}
	fmt.Fprintf(&b, "%sleaf\n", strings.Repeat(" ", 10+2*90))
	if _, diags, err := config.Load("deep.yaml", []byte(b.String()), "."); err != nil {
		t.Errorf("96 levels refused:\n%s", diags.Format(false))
	}
	// 500 keys in one block mapping, and 600 mappings of a few keys each.
	b.Reset()
	b.WriteString("version: 1\nroutes:\n  - path: /x\n    backend:\n      stock:\n        body:\n          wide:\n")
	for i := 0; i < limits.MaxMappingKeys; i++ {
		fmt.Fprintf(&b, "            k%d: v\n", i)
	}
	b.WriteString("          list:\n")
	for i := 0; i < 600; i++ {
		fmt.Fprintf(&b, "            - a: %d\n              b: 2\n              c: 3\n", i)
	}
	if _, diags, err := config.Load("wide.yaml", []byte(b.String()), "."); err != nil {
		t.Errorf("wide mappings refused:\n%s", diags.Format(false))
	}
	if _, diags, err := config.LoadFile(filepath.Join("testdata", "valid", "anchors.yaml")); err != nil {
		t.Errorf("anchors.yaml:\n%s", diags.Format(false))
	}
}

// TestBOM: a UTF-8 byte order mark before the first key is not part of it.
func TestBOM(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("testdata", "valid", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "valid")
	g1, d1, err1 := config.Load("f.yaml", src, dir)
	g2, d2, err2 := config.Load("f.yaml", append([]byte("\xef\xbb\xbf"), src...), dir)
	if err1 != nil || err2 != nil {
		t.Fatalf("without BOM: %v\nwith BOM: %v", err1, d2.Format(false))
	}
	if !reflect.DeepEqual(d1.List, d2.List) {
		t.Errorf("diagnostics differ:\n%s\n%s", d1.Format(true), d2.Format(true))
	}
	if len(g1.Routes) != len(g2.Routes) || len(g1.Authorizers) != len(g2.Authorizers) {
		t.Errorf("the BOM changed what was loaded")
	}
	// The file on disk, through LoadFile.
	p := filepath.Join(t.TempDir(), "bom.yaml")
	if err := os.WriteFile(p, []byte("\xef\xbb\xbf"+validMinimal), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, diags, err := config.LoadFile(p); err != nil {
		t.Errorf("LoadFile with a BOM:\n%s", diags.Format(false))
	}
}
