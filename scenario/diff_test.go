package scenario

import (
	"fmt"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	t.Parallel()
	want := "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3,\n  \"d\": 4,\n  \"e\": 5,\n  \"f\": 6,\n  \"g\": 7,\n  \"h\": 8,\n  \"i\": 9\n}"
	got := strings.Replace(want, `"e": 5`, `"e": 50`, 1)
	wantDiff := `  …
    "b": 2,
    "c": 3,
    "d": 4,
-   "e": 5,
+   "e": 50,
    "f": 6,
    "g": 7,
    "h": 8,
  …
`
	if d := lineDiff(want, got); d != wantDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d, wantDiff)
	}
	// Changes at both ends: nothing folded at the edges.
	if d := lineDiff("x\ny", "x\nz\n"); d != "  x\n- y\n+ z\n" {
		t.Errorf("diff %q", d)
	}
	if d := lineDiff("a", "b"); d != "- a\n+ b\n" {
		t.Errorf("diff %q", d)
	}
}

// TestLineDiffLargeBodies: a large body with one change gets a diff of that
// change, at any size (the quadratic diff printed both sides whole past
// 2,000 lines).
func TestLineDiffLargeBodies(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1000, 5000} {
		lines := make([]string, n)
		for i := range lines {
			lines[i] = fmt.Sprintf(`  "key%d": "value %d",`, i, i)
		}
		want := strings.Join(lines, "\n")
		lines[n/2] = `  "changed": true,`
		got := strings.Join(lines, "\n")
		d := lineDiff(want, got)
		// a fold, the context, the two changed lines, the context, a fold
		if got := strings.Count(d, "\n"); got != 2+2*diffContext+2 {
			t.Errorf("%d lines: a diff of %d lines:\n%s", n, got, d)
		}
		removed := fmt.Sprintf("- "+`  "key%d": "value %d",`, n/2, n/2)
		if !strings.Contains(d, removed+"\n") || !strings.Contains(d, "+ "+`  "changed": true,`+"\n") {
			t.Errorf("%d lines: the diff lacks the change:\n%s", n, d)
		}
	}
}
