package scenario

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// valueMatch is an expected header or query value: exact, ~REGEX, or absent.
type valueMatch struct {
	raw    string
	re     *regexp.Regexp
	absent bool
}

func (m valueMatch) String() string {
	if m.absent {
		return "(absent)"
	}
	return m.raw
}

func (m valueMatch) matches(vals []string, sep string) bool {
	if m.absent {
		return len(vals) == 0
	}
	if len(vals) == 0 {
		return false
	}
	got := strings.Join(vals, sep)
	if m.re != nil {
		return m.re.MatchString(got)
	}
	return got == m.raw
}

// setPlan is an expected set of named values (headers or query).
type setPlan struct {
	names []string // in sorted order
	want  map[string]valueMatch
	// fold marks header names (case-insensitive), not query names.
	fold bool
}

// setCheck compares one set; a mismatch is one failure with a diff of the
// expected names, so a reader sees the whole set at once.
func setCheck(label string, plan *setPlan, get func(o *observed) (map[string][]string, bool)) check {
	sep := ","
	if plan.fold {
		sep = ", "
	}
	return check{label, func(o *observed) []Failure {
		actual, ok := get(o)
		if !ok {
			return nil // reported by the caller (e.g. upstream not reached)
		}
		var wantLines, gotLines, bad []string
		for _, name := range plan.names {
			m := plan.want[name]
			vals, shown := lookupValues(actual, name, plan.fold)
			wantLines = append(wantLines, name+": "+m.String())
			got := "(absent)"
			if len(vals) > 0 {
				got = strings.Join(vals, sep)
			}
			if m.matches(vals, sep) {
				// Equal lines keep the diff quiet where the set agrees.
				gotLines = append(gotLines, name+": "+m.String())
				continue
			}
			gotLines = append(gotLines, shown+": "+got)
			bad = append(bad, name)
		}
		if len(bad) == 0 {
			return nil
		}
		return []Failure{{Check: label,
			Message:  fmt.Sprintf("%s: %s differ%s", label, strings.Join(bad, ", "), pluralS(len(bad) == 1)),
			Expected: strings.Join(wantLines, "\n"), Actual: strings.Join(gotLines, "\n"),
			Diff: lineDiff(strings.Join(wantLines, "\n"), strings.Join(gotLines, "\n"))}}
	}}
}

func pluralS(one bool) string {
	if one {
		return "s"
	}
	return ""
}

// lookupValues finds name in a header or query map; shown is the name as
// the map spells it.
func lookupValues(m map[string][]string, name string, fold bool) (vals []string, shown string) {
	if !fold {
		return m[name], name
	}
	c := http.CanonicalHeaderKey(name)
	if v, ok := m[c]; ok {
		return v, c
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.EqualFold(k, name) {
			return m[k], k
		}
	}
	return nil, name
}

func responseHeaders(o *observed) (map[string][]string, bool) {
	return o.res.Response.Header, true
}
