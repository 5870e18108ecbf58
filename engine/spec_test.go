package engine

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

// TestEverySpecIsComplete: a registered authorizer type cites its cache
// rules and has a fixture gateway that uses it; nothing else lists types.
func TestEverySpecIsComplete(t *testing.T) {
	t.Parallel()
	ruleID := regexp.MustCompile(`^[A-Z]+(-[A-Z]+)?-[A-Z]?\d+$`)
	seen := map[string]bool{}
	ranks := map[int]string{}
	for _, s := range specs {
		if seen[s.Type] {
			t.Errorf("type %s registered twice", s.Type)
		}
		seen[s.Type] = true
		if other, ok := ranks[s.Rank]; ok || s.Rank <= 0 {
			t.Errorf("%s: rank %d (taken by %q): give each type its own place in the documentation order", s.Type, s.Rank, other)
		}
		ranks[s.Rank] = s.Type
		if s.New == nil {
			t.Errorf("%s: no constructor", s.Type)
		}
		for _, r := range s.CacheRules {
			if !ruleID.MatchString(r) {
				t.Errorf("%s: cache rule %q is not a rule id", s.Type, r)
			}
		}
		if s.ScopeRule != "" && !ruleID.MatchString(s.ScopeRule) {
			t.Errorf("%s: scope rule %q is not a rule id", s.Type, s.ScopeRule)
		}
		b, err := os.ReadFile(filepath.Join("..", "fixtures", "gateways", s.Fixture))
		if err != nil {
			t.Errorf("%s: fixture: %v", s.Type, err)
			continue
		}
		if !regexp.MustCompile(`\btype:\s*` + regexp.QuoteMeta(s.Type) + `\s*[,}\n]`).Match(b) {
			t.Errorf("%s: fixture %s has no authorizer of this type", s.Type, s.Fixture)
		}
		if SpecOf(s.Type) != s {
			t.Errorf("%s: SpecOf does not find it", s.Type)
		}
	}
	if got := Types(); len(got) != len(specs) || !sort.StringsAreSorted(got) {
		t.Errorf("Types() = %v: want every spec's type, sorted", got)
	}
}
