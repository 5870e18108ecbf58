package config

import (
	"strings"
	"testing"
)

// TestDiagnosticQuotesAWindowOfALongLine: a one-line file of a megabyte is
// quoted around the caret, not whole, and the caret still points at it.
func TestDiagnosticQuotesAWindowOfALongLine(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("a", 500_000) + "X" + strings.Repeat("b", 500_000)
	ds := &Diagnostics{sources: map[string][]byte{"f.yaml": []byte("version: 1\n" + line + "\n")}}
	ds.add(Diagnostic{File: "f.yaml", Line: 2, Col: 500_001, Severity: SevError, Message: "here"})
	out := ds.Format(true)
	if len(out) > 1000 {
		t.Fatalf("quoted %d bytes of a long line", len(out))
	}
	lines := strings.Split(out, "\n")
	src, caret := lines[1], lines[2]
	at := strings.Index(caret, "^")
	if []rune(src)[len([]rune(caret[:at]))] != 'X' {
		t.Errorf("the caret does not point at the column:\n%s\n%s", src, caret)
	}
}
