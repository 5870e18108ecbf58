// Package transform applies header and query transformations (set / rename /
// filter) compiled once at load. Every edit is reported as a trace.Change, so
// a client header that a mapping overwrote is visible (ALL-1).
package transform

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/expr"
	"github.com/authlab/authlab/engine/trace"
)

// Set behaviours.
const (
	Overwrite = "OVERWRITE"
	Append    = "APPEND"
	Skip      = "SKIP"
)

type setOp struct {
	name     string
	values   []*expr.Template
	ifExists string
}

type renameOp struct{ from, to string }

type filterOp struct {
	allow bool
	names map[string]bool // canonical header names or exact query names
	list  []string
}

// Set is a compiled set of transformations for one direction.
type Set struct {
	setHeaders    []setOp
	renameHeaders []renameOp
	filterHeaders *filterOp
	setQuery      []setOp
	renameQuery   []renameOp
	filterQuery   *filterOp
}

// Compile turns the config into a Set. The file was checked at load, so
// expressions compile; an error here means a caller skipped validation.
func Compile(t *config.Transformations) (*Set, error) {
	if t == nil {
		return nil, nil
	}
	s := &Set{}
	var err error
	if s.setHeaders, err = compileSets(t.SetHeaders, true); err != nil {
		return nil, err
	}
	if s.setQuery, err = compileSets(t.SetQuery, false); err != nil {
		return nil, err
	}
	for _, r := range t.RenameHeaders {
		s.renameHeaders = append(s.renameHeaders, renameOp{http.CanonicalHeaderKey(r.From), http.CanonicalHeaderKey(r.To)})
	}
	for _, r := range t.RenameQuery {
		s.renameQuery = append(s.renameQuery, renameOp{r.From, r.To})
	}
	s.filterHeaders = compileFilter(t.FilterHeaders, true)
	s.filterQuery = compileFilter(t.FilterQuery, false)
	return s, nil
}

func compileSets(items []*config.SetItem, header bool) ([]setOp, error) {
	var out []setOp
	for _, it := range items {
		op := setOp{name: it.Name, ifExists: it.IfExists}
		if header {
			op.name = http.CanonicalHeaderKey(it.Name)
		}
		if op.ifExists == "" {
			op.ifExists = Overwrite
		}
		for _, v := range it.Values {
			t, err := expr.Compile(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", it.Name, err)
			}
			op.values = append(op.values, t)
		}
		out = append(out, op)
	}
	return out, nil
}

func compileFilter(f *config.Filter, header bool) *filterOp {
	if f == nil {
		return nil
	}
	op := &filterOp{allow: f.Type == "ALLOW", names: map[string]bool{}}
	for _, it := range f.Items {
		n := it.Name
		if header {
			n = http.CanonicalHeaderKey(n)
		}
		op.names[n] = true
		op.list = append(op.list, n)
	}
	return op
}

// values abstracts http.Header (case-insensitive) and url.Values.
type values interface {
	get(name string) ([]string, bool)
	set(name string, v []string)
	del(name string)
	names() []string
}

type headerValues http.Header

func (h headerValues) get(n string) ([]string, bool) { v, ok := h[n]; return v, ok }
func (h headerValues) set(n string, v []string)      { h[n] = v }
func (h headerValues) del(n string)                  { delete(h, n) }
func (h headerValues) names() []string               { return sortedNames(h) }

type queryValues url.Values

func (q queryValues) get(n string) ([]string, bool) { v, ok := q[n]; return v, ok }
func (q queryValues) set(n string, v []string)      { q[n] = v }
func (q queryValues) del(n string)                  { delete(q, n) }
func (q queryValues) names() []string               { return sortedNames(q) }

func sortedNames[M ~map[string][]string](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Apply edits headers and query in place (either may be nil) and returns
// what it did. Order follows OCI: rename, then set, then filter ("the
// gateway applies filters after other transformations").
func (s *Set) Apply(h http.Header, q url.Values, env expr.Env) []trace.Change {
	if s == nil {
		return nil
	}
	// One change per rename and set at most, and usually no filtering:
	// one allocation for the lot.
	var ch []trace.Change
	if n := len(s.renameHeaders) + len(s.setHeaders) + len(s.renameQuery) + len(s.setQuery); n > 0 {
		ch = make([]trace.Change, 0, n)
	}
	if h != nil {
		ch = rename(ch, "header", headerValues(h), s.renameHeaders)
		ch = set(ch, "header", headerValues(h), s.setHeaders, env)
		ch = filter(ch, "header", headerValues(h), s.filterHeaders)
	}
	if q != nil {
		ch = rename(ch, "query", queryValues(q), s.renameQuery)
		ch = set(ch, "query", queryValues(q), s.setQuery, env)
		ch = filter(ch, "query", queryValues(q), s.filterQuery)
	}
	return ch
}

func rename(ch []trace.Change, target string, vs values, ops []renameOp) []trace.Change {
	for _, r := range ops {
		v, ok := vs.get(r.from)
		if !ok {
			ch = append(ch, trace.Change{Target: target, Op: "skipped", Name: r.to, From: r.from, Note: r.from + " not present"})
			continue
		}
		c := trace.Change{Target: target, Op: "renamed", Name: r.to, From: r.from, New: v}
		if old, exists := vs.get(r.to); exists {
			c.Old = old
			c.Note = "replaced existing " + r.to
		}
		vs.del(r.from)
		vs.set(r.to, v)
		ch = append(ch, c)
	}
	return ch
}

func set(ch []trace.Change, target string, vs values, ops []setOp, env expr.Env) []trace.Change {
	for _, op := range ops {
		var vals []string
		var missBuf [4]expr.Ref
		missing := missBuf[:0]
		for _, t := range op.values {
			var v string
			v, missing = t.EvalAppend(env, missing)
			if v != "" {
				vals = append(vals, v)
			}
		}
		old, exists := vs.get(op.name)
		c := trace.Change{Target: target, Name: op.name}
		if len(missing) > 0 {
			c.Note = note(missing, "")
		}
		switch {
		case len(vals) == 0 && exists && op.ifExists == Overwrite:
			// Keeping the client's value would let it spoof what the
			// mapping meant to set (ALL-1), so an empty result removes it.
			vs.del(op.name)
			c.Op, c.Old = "removed", old
			c.Note = note(missing, "value empty, client value removed")
		case len(vals) == 0:
			c.Op = "skipped"
			c.Note = note(missing, "value empty, not set")
		case exists && op.ifExists == Skip:
			c.Op, c.Old = "skipped", old
			c.Note = note(missing, "already present (ifExists: SKIP)")
		case exists && op.ifExists == Append:
			vs.set(op.name, append(append([]string(nil), old...), vals...))
			c.Op, c.Old, c.New = "appended", old, vals
		case exists:
			vs.set(op.name, vals)
			c.Op, c.Old, c.New = "overwritten", old, vals
		default:
			vs.set(op.name, vals)
			c.Op, c.New = "set", vals
		}
		ch = append(ch, c)
	}
	return ch
}

// note is a change's note: the references that had no value ("${a},
// ${b} absent"), then what became of the header, in one string.
func note(missing []expr.Ref, then string) string {
	if len(missing) == 0 {
		return then
	}
	n := len(" absent; ") + len(then)
	for _, m := range missing {
		n += len("${request.[]}, ") + len(m.Table) + len(m.Name)
	}
	var b strings.Builder
	b.Grow(n)
	for i, m := range missing {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("${request.")
		b.WriteString(m.Table)
		if m.Name != "" {
			b.WriteByte('[')
			b.WriteString(m.Name)
			b.WriteByte(']')
		}
		b.WriteByte('}')
	}
	b.WriteString(" absent")
	if then != "" {
		b.WriteString("; ")
		b.WriteString(then)
	}
	return b.String()
}

func filter(ch []trace.Change, target string, vs values, f *filterOp) []trace.Change {
	if f == nil {
		return ch
	}
	for _, n := range vs.names() {
		if f.names[n] == f.allow {
			continue
		}
		old, _ := vs.get(n)
		vs.del(n)
		note := "BLOCK list"
		if f.allow {
			note = "not in ALLOW list"
		}
		ch = append(ch, trace.Change{Target: target, Op: "blocked", Name: n, Old: old, Note: note})
	}
	return ch
}
