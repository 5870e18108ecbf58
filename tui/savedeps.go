package tui

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

// withDependencies adds to a selection of history entries the earlier
// requests its cache hits depend on: for an entry answered from the cache,
// the request that called the authorizer and stored that answer. Without
// it, a scenario saved from two marked entries (after a compare, say)
// expects a cache hit that its replay never stores. added says which entry
// was added for which ("#1 for #3").
func withDependencies(selected, history []*Entry) (out []*Entry, added []string) {
	in := map[*Entry]bool{}
	for _, e := range selected {
		in[e] = true
	}
	for _, e := range selected {
		d := storedBy(e, history)
		if d != nil && !in[d] {
			in[d] = true
			added = append(added, fmt.Sprintf("#%d for #%d", d.N, e.N))
		}
	}
	for _, e := range history {
		if in[e] {
			out = append(out, e)
		}
	}
	return out, added
}

// storedBy is the latest earlier entry that called e's authorizer with the
// same cache key, on the same gateway version and with no flush between:
// the one whose answer e's cache hit used. nil when e was not a cache hit
// or that entry is not in the history.
func storedBy(e *Entry, history []*Entry) *Entry {
	res := e.Result
	if e.Kept || e.Cancelled || res == nil || res.Outcome != engine.Cached {
		return nil
	}
	key := cacheKey(res)
	var found *Entry
	for _, d := range history {
		if d == e {
			break
		}
		r := d.Result
		if d.Kept || d.Cancelled || r == nil || r.Outcome != engine.Called || r.Authorizer != res.Authorizer ||
			d.Generation != e.Generation || d.Flushes != e.Flushes || cacheKey(r) != key {
			continue
		}
		found = d
	}
	return found
}

// cacheKey is the identity key a request was cached under, as its cache
// stage recorded it.
func cacheKey(res *engine.Result) string {
	if st := res.Trace.Stage(trace.Cache); st != nil {
		if d, ok := st.Get("key"); ok {
			return d.Value
		}
	}
	return ""
}

// addedText says which entries were added and why.
func addedText(added []string) string {
	return fmt.Sprintf("with %s, whose cache hit needs it", strings.Join(added, ", "))
}
