package docs_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/authlab/authlab/docs"
	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/scenario"
)

var update = flag.Bool("update", false, "rewrite docs/schema/*.json from the Go types")

// root is the repository, from this package's folder.
const root = ".."

// sourceFiles are the files whose rule ids must be documented: the Go
// sources (code, comments and tests), the fixtures and the scenarios.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "docs", "dist", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".go", ".yaml", ".yml", ".py", ".js", ".golden":
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryRuleIDInTheCodeIsDocumented: a trace, a lint warning or a test
// that cites a rule the reference does not explain leaves the user with an
// id they cannot look up.
func TestEveryRuleIDInTheCodeIsDocumented(t *testing.T) {
	// The families the reference documents, and those the registered
	// authorizer types cite: a new type's family is checked before its
	// first entry is written.
	families := docs.Families()
	for _, id := range specRules() {
		f, _, _ := strings.Cut(id, "-")
		families = append(families, f)
	}
	pattern := docs.IDPattern(families...)
	used := map[string][]string{}
	for _, f := range sourceFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range pattern.FindAllString(string(b), -1) {
			used[id] = append(used[id], f)
		}
	}
	if len(used) < 40 {
		t.Fatalf("found only %d rule ids in the sources: is the pattern right?", len(used))
	}
	var missing []string
	for id, files := range used {
		if _, ok := docs.Lookup(id); !ok {
			missing = append(missing, id+" (in "+files[0]+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("rule %s has no entry in docs/rules/*.md: add one (what the gateway does, Source:, Example:)", m)
	}
}

// specRules are the rule ids the registered authorizer types cite.
func specRules() []string {
	var out []string
	for _, typ := range engine.Types() {
		s := engine.SpecOf(typ)
		out = append(out, s.CacheRules[0], s.CacheRules[1])
		if s.ScopeRule != "" {
			out = append(out, s.ScopeRule)
		}
	}
	return out
}

// TestEverySpecRuleIsDocumented: the rules an authorizer type cites in
// every trace have an entry `authlab explain` can show.
func TestEverySpecRuleIsDocumented(t *testing.T) {
	t.Parallel()
	for _, id := range specRules() {
		if _, ok := docs.Lookup(id); !ok {
			t.Errorf("rule %s, cited by a registered authorizer type, has no entry in docs/rules/*.md", id)
		}
	}
}

// TestRuleEntriesAreComplete: every entry says what the gateway does, names
// its source, and shows a trace excerpt unless it is not emulated yet.
func TestRuleEntriesAreComplete(t *testing.T) {
	rs := docs.Rules()
	if len(rs) < 100 {
		t.Fatalf("only %d rules parsed", len(rs))
	}
	for _, r := range rs {
		if r.Title == "" || r.Section == "" || !strings.HasPrefix(r.File, "docs/rules/") {
			t.Errorf("%s: title %q, section %q, file %q", r.ID, r.Title, r.Section, r.File)
		}
		if r.Source == "" {
			t.Errorf("%s (%s): no \"Source:\" paragraph", r.ID, r.File)
		}
		if len(strings.Fields(r.Text)) < 25 {
			t.Errorf("%s (%s): %d words; say what the gateway does", r.ID, r.File, len(strings.Fields(r.Text)))
		}
		if r.Emulated && r.Example == "" {
			t.Errorf("%s (%s): no example (a paragraph starting \"Example\" followed by an indented trace excerpt)", r.ID, r.File)
		}
		if strings.Contains(r.Text, "../shared") || strings.Contains(r.Text, "semantics.md") || strings.Contains(r.Text, "contract.md") {
			t.Errorf("%s (%s): refers to a file outside the repository", r.ID, r.File)
		}
		if got, ok := docs.Lookup(strings.ToLower(r.ID)); !ok || got.ID != r.ID {
			t.Errorf("Lookup(%q) = %v, %v", strings.ToLower(r.ID), got.ID, ok)
		}
	}
}

func TestParse(t *testing.T) {
	src := "# Section\n\nIntro.\n\n## AWS-X1 — A title\n\nWhat it does.\n\nSource: somewhere,\n  in words.\n\nExample:\n\n    ✓ stage  summary  [AWS-X1]\n    second line\n\nAfter.\n\n## Not a rule\n\nignored\n\n## JWT-9 — Another\n\nNot emulated yet.\n\nSource: x.\n"
	rs, err := docs.Parse("docs/rules/x.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d rules: %+v", len(rs), rs)
	}
	r := rs[0]
	if r.ID != "AWS-X1" || r.Title != "A title" || r.Section != "Section" || r.Source != "somewhere, in words." ||
		r.Example != "✓ stage  summary  [AWS-X1]\nsecond line" || !r.Emulated || !strings.HasSuffix(r.Text, "After.") {
		t.Errorf("%+v", r)
	}
	if rs[1].Emulated || rs[1].Example != "" || strings.Contains(rs[1].Text, "ignored") {
		t.Errorf("%+v", rs[1])
	}
	if _, err := docs.Parse("x.md", "## AWS-C1 — no title\n"); err == nil {
		t.Error("a file without a # title parsed")
	}
}

// TestSchemasArePublished: docs/schema/*.json are what `authlab schema`
// prints, so editors pointed at the repository get the current formats
// (go test ./docs -update rewrites them).
func TestSchemasArePublished(t *testing.T) {
	for kind, want := range map[string][]byte{"gateway": config.SchemaJSON(), "scenario": scenario.SchemaJSON()} {
		f := filepath.Join("schema", kind+".json")
		if *update {
			if err := os.WriteFile(f, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/%s differs from `authlab schema %s`: run go test ./docs -update", f, kind)
		}
	}
}

var modeline = regexp.MustCompile(`(?m)^# yaml-language-server: \$schema=(\S+)$`)

// TestModelinesResolve: every YAML file of the repository that names a
// schema names one that exists — a relative path to docs/schema, or the
// published URL of one of its files.
func TestModelinesResolve(t *testing.T) {
	n := 0
	for _, f := range sourceFiles(t) {
		if ext := filepath.Ext(f); ext != ".yaml" && ext != ".yml" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := modeline.FindSubmatch(b)
		if m == nil {
			continue
		}
		n++
		target := string(m[1])
		if rest, ok := strings.CutPrefix(target, config.SchemaBaseURL); ok {
			target = filepath.Join("schema", rest)
		} else if strings.Contains(target, "://") {
			t.Errorf("%s: schema %s is neither relative nor the published %s", f, target, config.SchemaBaseURL)
			continue
		} else {
			target = filepath.Join(filepath.Dir(f), target)
		}
		if _, err := os.Stat(target); err != nil {
			t.Errorf("%s: schema %s does not resolve: %v", f, m[1], err)
		}
	}
	if n < 10 {
		t.Errorf("only %d files with a modeline; the fixtures carry one", n)
	}
}

// yamlBlock is a fenced ```yaml block of a Markdown file.
var yamlBlock = regexp.MustCompile("(?ms)^```ya?ml[^\\n]*\\n(.*?)^```")

// TestMarkdownYAMLParses: every ```yaml block of the README and of docs/
// is valid YAML (a ${{ }} in a flow mapping, for one, is not).
func TestMarkdownYAMLParses(t *testing.T) {
	files, _ := filepath.Glob("*.md")
	files = append(files, filepath.Join(root, "README.md"), filepath.Join(root, "CONTRIBUTING.md"))
	blocks := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		for _, m := range yamlBlock.FindAllSubmatchIndex(b, -1) {
			blocks++
			line := 1 + bytes.Count(b[:m[2]], []byte("\n"))
			var v any
			if err := yaml.Unmarshal(b[m[2]:m[3]], &v); err != nil {
				t.Errorf("%s:%d: the yaml block does not parse: %v", f, line, err)
			}
		}
	}
	if blocks < 5 {
		t.Errorf("only %d yaml blocks found", blocks)
	}
}

// TestActionYAML: the reusable GitHub Action is valid YAML, a composite
// action that installs authlab, runs the scenarios and uploads the report.
func TestActionYAML(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Name   string                    `yaml:"name"`
		Inputs map[string]map[string]any `yaml:"inputs"`
		Runs   struct {
			Using string           `yaml:"using"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" || a.Name == "" {
		t.Fatalf("action.yml: using %q, name %q", a.Runs.Using, a.Name)
	}
	for name, in := range a.Inputs {
		if in["description"] == nil {
			t.Errorf("input %s has no description", name)
		}
	}
	var all strings.Builder
	for _, s := range a.Runs.Steps {
		fmt.Fprintf(&all, "%v\n", s)
		if s["uses"] == nil && s["shell"] == nil {
			t.Errorf("a run step of a composite action needs shell: %v", s)
		}
		if run, _ := s["run"].(string); strings.Contains(run, "${{") {
			t.Errorf("inputs go through env, not into the script (injection): %q", run)
		}
	}
	for _, want := range []string{"go install", "github.com/authlab/authlab/cmd/authlab@", "authlab run --junit", "actions/upload-artifact"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("action.yml lacks %q", want)
		}
	}
}
