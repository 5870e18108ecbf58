// Package docs carries authlab's reference documentation inside the binary:
// the rules reference (docs/rules/*.md), parsed into one entry per rule id,
// for `authlab explain` and the TUI's stage view.
//
// The Markdown files are the source: edit them, not this package. Each rule
// is a level-two heading "## ID — title" followed by its text; a paragraph
// starting "Source:" names where the behaviour is documented, and an indented
// block after a paragraph starting "Example" is a trace excerpt.
package docs

import (
	"embed"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
)

//go:embed rules/*.md
var rulesFS embed.FS

// Rule is one entry of the rules reference.
type Rule struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Section is the title of the rules file the entry is in ("AWS REST
	// APIs — Lambda authorizers").
	Section string `json:"section"`
	// File is the entry's file in the repository (docs/rules/aws-rest.md).
	File string `json:"file"`
	// Text is the entry's Markdown, heading excluded.
	Text string `json:"text"`
	// Source names where the gateway's behaviour is documented.
	Source string `json:"source"`
	// Example is a trace excerpt; empty for rules authlab does not emulate.
	Example string `json:"example,omitempty"`
	// Emulated is false for rules documented ahead of their implementation
	// (the entry says "Not emulated yet").
	Emulated bool `json:"emulated"`
}

var (
	// heading is a rule entry's heading: "## ID — title". A rule id is a
	// family, a dash, an optional letter group and a number (AWS-C3,
	// AWSH-CORS1, JWT-2, PATH-5); a new family needs only its entries.
	heading = regexp.MustCompile(`^## ([A-Z]+-[A-Z]*[0-9]+) — (.+)$`)

	once  sync.Once
	rules []Rule
	byID  map[string]int
	perr  error
)

// Families lists the rule-id families the reference documents (AWS, AWSH,
// OCI, ...), sorted.
func Families() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range Rules() {
		f, _, _ := strings.Cut(r.ID, "-")
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// IDPattern matches rule ids of the given families in running text.
func IDPattern(families ...string) *regexp.Regexp {
	fs := append([]string(nil), families...)
	// Longest first, so AWSH-C1 is not read as AWS-... .
	sort.Slice(fs, func(i, j int) bool { return len(fs[i]) > len(fs[j]) || len(fs[i]) == len(fs[j]) && fs[i] < fs[j] })
	for i := range fs {
		fs[i] = regexp.QuoteMeta(fs[i])
	}
	return regexp.MustCompile(`\b(` + strings.Join(fs, "|") + `)-[A-Z]*[0-9]+\b`)
}

func load() {
	once.Do(func() {
		rules, perr = parseFS(rulesFS, "rules")
		byID = map[string]int{}
		for i, r := range rules {
			byID[r.ID] = i
		}
	})
}

// Rules returns every entry, in reference order (file order, then the order
// within each file).
func Rules() []Rule {
	load()
	if perr != nil {
		panic("docs: " + perr.Error())
	}
	return rules
}

// Lookup finds a rule by id, case-insensitively.
func Lookup(id string) (Rule, bool) {
	load()
	i, ok := byID[strings.ToUpper(strings.TrimSpace(id))]
	if !ok {
		return Rule{}, false
	}
	return rules[i], true
}

// IDs lists every rule id, in reference order.
func IDs() []string {
	rs := Rules()
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// fileOrder puts the first-release rules before the later AWS sections.
var fileOrder = []string{
	"aws-rest.md", "aws-http.md", "oci.md", "huawei.md", "jwt-forward.md", "everywhere.md",
	"aws-gateway-responses.md", "aws-http-cors.md", "aws-http-jwt.md", "aws-cognito.md",
	"aws-api-keys.md", "aws-iam.md", "aws-lambda-proxy.md", "aws-limits.md", "paths.md",
}

func parseFS(fsys fs.FS, dir string) ([]Rule, error) {
	names, err := fs.Glob(fsys, dir+"/*.md")
	if err != nil {
		return nil, err
	}
	rank := func(n string) int {
		for i, f := range fileOrder {
			if f == path.Base(n) {
				return i
			}
		}
		return len(fileOrder)
	}
	sort.SliceStable(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	var out []Rule
	seen := map[string]string{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		rs, err := Parse("docs/"+n, string(b))
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if prev, dup := seen[r.ID]; dup {
				return nil, &ParseError{File: r.File, Msg: r.ID + " is also defined in " + prev}
			}
			seen[r.ID] = r.File
			out = append(out, r)
		}
	}
	return out, nil
}

// ParseError is a malformed rules file.
type ParseError struct{ File, Msg string }

func (e *ParseError) Error() string { return e.File + ": " + e.Msg }

// Parse splits one rules file into its entries. The file's "# " heading is
// the section of every entry.
func Parse(file, src string) ([]Rule, error) {
	var out []Rule
	section := ""
	var cur *Rule
	var body []string
	flush := func() {
		if cur == nil {
			return
		}
		cur.Text = strings.TrimSpace(strings.Join(body, "\n"))
		cur.Source, cur.Example = fields(cur.Text)
		cur.Emulated = !strings.Contains(cur.Text, "Not emulated yet")
		out = append(out, *cur)
		cur, body = nil, nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "# ") && section == "":
			section = strings.TrimSpace(line[2:])
			continue
		case strings.HasPrefix(line, "## "):
			flush()
			m := heading.FindStringSubmatch(line)
			if m == nil {
				// A non-rule heading ends the previous entry.
				continue
			}
			cur = &Rule{ID: m[1], Title: strings.TrimSpace(m[2]), Section: section, File: file}
			continue
		}
		if cur != nil {
			body = append(body, line)
		}
	}
	flush()
	if section == "" {
		return nil, &ParseError{File: file, Msg: `no "# " title`}
	}
	return out, nil
}

// fields extracts the Source paragraph and the Example block of an entry.
func fields(text string) (source, example string) {
	paras := strings.Split(text, "\n\n")
	for i, p := range paras {
		t := strings.TrimSpace(p)
		switch {
		case strings.HasPrefix(t, "Source:"):
			source = strings.Join(strings.Fields(strings.TrimPrefix(t, "Source:")), " ")
		case strings.HasPrefix(t, "Example") && i+1 < len(paras):
			var lines []string
			for _, l := range strings.Split(paras[i+1], "\n") {
				if !strings.HasPrefix(l, "    ") {
					break
				}
				lines = append(lines, strings.TrimPrefix(l, "    "))
			}
			example = strings.Join(lines, "\n")
		}
	}
	return source, example
}

// Plain renders an entry's Markdown as terminal text: emphasis markers and
// backticks dropped, indented blocks kept.
func Plain(md string) string {
	var b strings.Builder
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "    ") {
			line = strings.ReplaceAll(line, "**", "")
			line = strings.ReplaceAll(line, "`", "")
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
