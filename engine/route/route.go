// Package route matches request paths against route templates with {name}
// (one segment) and greedy {name+} (the rest) parameters.
package route

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Template is a parsed path template.
type Template struct {
	Src      string
	segments []segment
	greedy   bool
}

type segment struct {
	lit    string
	param  string // non-empty for {param} / {param+}
	greedy bool
}

var paramRe = regexp.MustCompile(`^\{([A-Za-z_][A-Za-z0-9_\-]*)(\+?)\}$`)

// Parse checks and parses a template such as /orders/{id} or /files/{path+}.
func Parse(src string) (*Template, error) {
	if !strings.HasPrefix(src, "/") {
		return nil, fmt.Errorf("route path %q must start with /", src)
	}
	t := &Template{Src: src}
	if src == "/" {
		return t, nil
	}
	parts := strings.Split(strings.TrimPrefix(src, "/"), "/")
	seen := map[string]bool{}
	for i, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("route path %q has an empty segment", src)
		}
		if strings.ContainsAny(p, "{}") {
			m := paramRe.FindStringSubmatch(p)
			if m == nil {
				return nil, fmt.Errorf("route path %q: segment %q must be a whole {name} or {name+} parameter", src, p)
			}
			if seen[m[1]] {
				return nil, fmt.Errorf("route path %q: parameter {%s} appears twice", src, m[1])
			}
			seen[m[1]] = true
			g := m[2] == "+"
			if g && i != len(parts)-1 {
				return nil, fmt.Errorf("route path %q: greedy parameter {%s+} must be the last segment", src, m[1])
			}
			t.segments = append(t.segments, segment{param: m[1], greedy: g})
			t.greedy = t.greedy || g
			continue
		}
		t.segments = append(t.segments, segment{lit: p})
	}
	return t, nil
}

// Params returns the parameter names in order.
func (t *Template) Params() []string {
	var out []string
	for _, s := range t.segments {
		if s.param != "" {
			out = append(out, s.param)
		}
	}
	return out
}

// Shape is the template with parameter names erased, for duplicate checks:
// /a/{id} and /a/{key} are the same route.
func (t *Template) Shape() string {
	var b strings.Builder
	for _, s := range t.segments {
		b.WriteByte('/')
		switch {
		case s.greedy:
			b.WriteString("{+}")
		case s.param != "":
			b.WriteString("{}")
		default:
			b.WriteString(s.lit)
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// Match matches a raw request path (split off its query) for callers that
// have not parsed it with reqpath: split on literal slashes, then each
// segment decoded (PATH-4), so an encoded slash stays inside its segment.
func (t *Template) Match(path string) (map[string]string, bool) {
	if path == "" || path == "/" {
		return t.MatchSegments(nil)
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return t.MatchSegments(parts)
}

// MatchSegments matches the decoded segments of a request path (PATH-4):
// "/" has none, a trailing slash leaves a final empty one. Parameter values
// are the decoded segments, as API Gateway passes them to pathParameters; a
// greedy parameter gets the rest joined by "/".
func (t *Template) MatchSegments(parts []string) (map[string]string, bool) {
	if len(t.segments) == 0 {
		return map[string]string{}, len(parts) == 0
	}
	var params map[string]string
	set := func(k, v string) {
		if params == nil {
			params = make(map[string]string, 2)
		}
		params[k] = v
	}
	for i, s := range t.segments {
		if s.greedy {
			if i >= len(parts) {
				return nil, false
			}
			tail := strings.Join(parts[i:], "/")
			if tail == "" {
				return nil, false
			}
			set(s.param, tail)
			return params, true
		}
		if i >= len(parts) || parts[i] == "" {
			return nil, false
		}
		if s.param != "" {
			set(s.param, parts[i])
		} else if s.lit != parts[i] {
			return nil, false
		}
	}
	if len(parts) != len(t.segments) {
		return nil, false
	}
	if params == nil {
		params = map[string]string{}
	}
	return params, true
}

// less orders templates most specific first: more literal segments first,
// then single parameters before greedy ones, then longer before shorter.
// API Gateway picks the most specific resource, not the first declared.
func less(a, b *Template) bool {
	for i := 0; i < len(a.segments) && i < len(b.segments); i++ {
		ra, rb := rank(a.segments[i]), rank(b.segments[i])
		if ra != rb {
			return ra < rb
		}
	}
	return len(a.segments) > len(b.segments)
}

func rank(s segment) int {
	switch {
	case s.greedy:
		return 2
	case s.param != "":
		return 1
	}
	return 0
}

// Sort orders indexes into ts by specificity, stable for equal ones.
func Sort(idx []int, ts []*Template) {
	sort.SliceStable(idx, func(i, j int) bool { return less(ts[idx[i]], ts[idx[j]]) })
}

// Sample is a request path the template matches, as segments: each
// parameter filled with "x" (for lint checks that ask which route a
// variant of a path would reach).
func (t *Template) Sample() []string {
	out := make([]string, len(t.segments))
	for i, s := range t.segments {
		if s.param != "" {
			out[i] = "x"
		} else {
			out[i] = s.lit
		}
	}
	return out
}

// Greedy reports a template ending in a {name+} parameter.
func (t *Template) Greedy() bool { return t.greedy }
