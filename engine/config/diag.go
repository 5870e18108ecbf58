package config

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine/redact"
)

// Severity of a diagnostic.
type Severity string

const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
)

// Pos is a place in a source file (1-based).
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Diagnostic is one problem found in a file, compiler style.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Rule     string   `json:"rule,omitempty"` // semantics.md id, for lint warnings
}

func (d Diagnostic) String() string {
	sev := ""
	if d.Severity == SevWarning {
		sev = "warning: "
	}
	return fmt.Sprintf("%s:%d:%d: %s%s", d.File, d.Line, d.Col, sev, d.Message)
}

// Diagnostics is every problem of one or more files. As an error it reports
// the errors only; warnings never fail a load.
type Diagnostics struct {
	List []Diagnostic
	// Reveal shows the files' secrets in full in Format and Shown
	// (validate --reveal); otherwise they are abbreviated (ALL-2).
	Reveal  bool
	sources map[string][]byte
	secrets []string // the files' secrets (Gateway.Secrets)
}

func (ds *Diagnostics) add(d Diagnostic) { ds.List = append(ds.List, d) }

// Merge appends other's diagnostics (and their sources, for carets).
func (ds *Diagnostics) Merge(other *Diagnostics) {
	if other == nil {
		return
	}
	ds.List = append(ds.List, other.List...)
	ds.secrets = append(ds.secrets, other.secrets...)
	for k, v := range other.sources {
		ds.setSource(k, v)
	}
}

func (ds *Diagnostics) setSource(file string, src []byte) {
	if ds.sources == nil {
		ds.sources = map[string][]byte{}
	}
	ds.sources[file] = src
}

// Errors returns only the errors.
func (ds *Diagnostics) Errors() []Diagnostic {
	var out []Diagnostic
	for _, d := range ds.List {
		if d.Severity == SevError {
			out = append(out, d)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (ds *Diagnostics) Warnings() []Diagnostic {
	var out []Diagnostic
	for _, d := range ds.List {
		if d.Severity == SevWarning {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (ds *Diagnostics) HasErrors() bool { return len(ds.Errors()) > 0 }

// Sort orders diagnostics by file and position so output is stable.
func (ds *Diagnostics) Sort() {
	sort.SliceStable(ds.List, func(i, j int) bool {
		a, b := ds.List[i], ds.List[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

func (ds *Diagnostics) Error() string {
	errs := ds.Errors()
	red := ds.redactor()
	lines := make([]string, len(errs))
	for i, d := range errs {
		d.Message = red.String(d.Message)
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// redactor abbreviates the files' secrets and URL passwords in messages
// and quoted lines, unless Reveal.
func (ds *Diagnostics) redactor() *redact.Redactor {
	if ds.Reveal {
		return nil
	}
	return redact.New(ds.secrets)
}

// Shown is List as outputs show it: secrets abbreviated unless Reveal.
func (ds *Diagnostics) Shown() []Diagnostic {
	red := ds.redactor()
	out := make([]Diagnostic, len(ds.List))
	for i, d := range ds.List {
		d.Message = red.String(d.Message)
		out[i] = d
	}
	return out
}

// Format renders diagnostics with the offending source line and a caret:
//
//	authlab.yaml:12:5: unknown key "identitySorce" (did you mean "identitySource"?)
//	   12 |     identitySorce: header:Authorization
//	      |     ^
//
// A quoted line has the files' secrets abbreviated (a short HMAC secret's
// warning must not print the secret into CI logs) and control characters
// escaped, unless Reveal.
func (ds *Diagnostics) Format(withWarnings bool) string {
	var b strings.Builder
	red := ds.redactor()
	for _, d := range ds.List {
		if d.Severity == SevWarning && !withWarnings {
			continue
		}
		d.Message = red.String(d.Message)
		b.WriteString(redact.EscapeBlock(d.String()))
		if d.Rule != "" && !strings.Contains(d.Message, d.Rule) {
			fmt.Fprintf(&b, " [%s]", d.Rule)
		}
		b.WriteByte('\n')
		if line, ok := sourceLine(ds.sources[d.File], d.Line); ok && d.Col > 0 {
			line, col := window(red.Block(line), d.Col)
			num := fmt.Sprintf("%5d", d.Line)
			fmt.Fprintf(&b, "%s | %s\n", num, line)
			fmt.Fprintf(&b, "%s | %s^\n", strings.Repeat(" ", len(num)), caretPad(line, col))
		}
	}
	return b.String()
}

func sourceLine(src []byte, line int) (string, bool) {
	if src == nil || line < 1 {
		return "", false
	}
	for n := 1; ; n++ {
		i := bytes.IndexByte(src, '\n')
		if n == line {
			if i >= 0 {
				src = src[:i]
			}
			return strings.TrimRight(string(src), "\r"), true
		}
		if i < 0 {
			return "", false
		}
		src = src[i+1:]
	}
}

// maxQuoted is the widest source line quoted under a diagnostic: a file
// that is one long line (minified, hostile) is shown around the caret only.
const maxQuoted = 120

// window cuts a long line to maxQuoted runes around col, marking the cuts,
// and returns the caret's column in what is left.
func window(line string, col int) (string, int) {
	r := []rune(line)
	if len(r) <= maxQuoted {
		return line, col
	}
	start := max(0, min(col-1-maxQuoted/2, len(r)-maxQuoted))
	end := start + maxQuoted
	out := string(r[start:end])
	if start > 0 {
		out = "…" + out
		col = col - start + 1
	}
	if end < len(r) {
		out += "…"
	}
	return out, col
}

// caretPad keeps tabs as tabs so the caret lines up under the column.
func caretPad(line string, col int) string {
	var b strings.Builder
	for i, r := range []rune(line) {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// didYouMean suggests the closest candidate to got, or "".
func didYouMean(got string, candidates []string) string {
	best, bestD := "", 1<<30
	lg := strings.ToLower(got)
	for _, c := range candidates {
		d := levenshtein(lg, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(got) / 3
	if limit < 2 {
		limit = 2
	}
	if bestD <= limit {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// suggest formats a did-you-mean suffix.
func suggest(got string, candidates []string) string {
	if s := didYouMean(got, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
