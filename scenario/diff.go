package scenario

import (
	"bytes"
	"encoding/json"
	"strings"
)

// maxDiffCells bounds the LCS table; past it the diff shows both sides whole.
const maxDiffCells = 4_000_000

// diffContext is how many unchanged lines a diff keeps around each change.
const diffContext = 3

// lineDiff renders a line diff of want and got: "- " only in want
// (expected), "+ " only in got (actual), "  " in both. Long unchanged runs
// are folded to their edges.
func lineDiff(want, got string) string {
	a := splitLines(want)
	b := splitLines(got)
	if len(a)*len(b) > maxDiffCells {
		return prefixLines("- ", a) + prefixLines("+ ", b)
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		mark byte
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			ops = append(ops, op{'+', b[j]})
			j++
		default:
			ops = append(ops, op{'-', a[i]})
			i++
		}
	}
	var out strings.Builder
	for k := 0; k < len(ops); k++ {
		if ops[k].mark != ' ' {
			out.WriteString(string(ops[k].mark) + " " + ops[k].text + "\n")
			continue
		}
		// An unchanged run: keep diffContext lines after the previous
		// change and before the next one.
		end := k
		for end < len(ops) && ops[end].mark == ' ' {
			end++
		}
		head, tail := diffContext, diffContext
		if k == 0 {
			head = 0
		}
		if end == len(ops) {
			tail = 0
		}
		if end-k <= head+tail+1 {
			for ; k < end; k++ {
				out.WriteString("  " + ops[k].text + "\n")
			}
		} else {
			for n := 0; n < head; n++ {
				out.WriteString("  " + ops[k+n].text + "\n")
			}
			out.WriteString("  …\n")
			for n := end - tail; n < end; n++ {
				out.WriteString("  " + ops[n].text + "\n")
			}
		}
		k = end - 1
	}
	return out.String()
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
