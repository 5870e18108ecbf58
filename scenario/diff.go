package scenario

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// diffContext is how many unchanged lines a diff keeps around each change.
const diffContext = 3

// lineDiff renders a line diff of want and got: "- " only in want
// (expected), "+ " only in got (actual), "  " in both, and "  …" for an
// unchanged run folded away. go-udiff computes it in about linear time and
// space, so a large body gets a diff, not both sides whole.
func lineDiff(want, got string) string {
	a, b := withNewline(want), withNewline(got)
	u, err := udiff.ToUnifiedDiff("expected", "actual", a, udiff.Strings(a, b), diffContext)
	if err != nil {
		return prefixLines("- ", splitLines(want)) + prefixLines("+ ", splitLines(got))
	}
	total := strings.Count(a, "\n")
	var out strings.Builder
	next := 1 // the first line of want not shown yet
	for _, h := range u.Hunks {
		if h.FromLine > next {
			out.WriteString("  …\n")
		}
		next = h.FromLine
		for _, l := range h.Lines {
			mark := "  "
			switch l.Kind {
			case udiff.Delete:
				mark = "- "
			case udiff.Insert:
				mark = "+ "
			}
			out.WriteString(mark + strings.TrimSuffix(l.Content, "\n") + "\n")
			if l.Kind != udiff.Insert {
				next++
			}
		}
	}
	if len(u.Hunks) > 0 && next <= total {
		out.WriteString("  …\n")
	}
	return out.String()
}

// withNewline ends s with exactly one newline, so the last lines of two
// texts compare equal whether or not one of them ended with a newline.
func withNewline(s string) string {
	return strings.TrimRight(s, "\n") + "\n"
}

func splitLines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return []string{""}
	}
	return strings.Split(s, "\n")
}

func prefixLines(p string, lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(p + l + "\n")
	}
	return b.String()
}

// prettyBody indents a JSON body so a diff shows one value per line;
// anything else is returned as it is.
func prettyBody(b []byte) string {
	if !json.Valid(b) {
		return string(b)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	return prettyValue(v)
}

// prettyValue is v as indented JSON with sorted keys.
func prettyValue(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimRight(buf.String(), "\n")
}
