package engine

import (
	"net/url"
	"strings"

	"github.com/authlab/authlab/engine/trace"
)

func queryChanged(ch []trace.Change) bool {
	for _, c := range ch {
		if c.Target == "query" && c.Op != "skipped" {
			return true
		}
	}
	return false
}

// editQuery applies the outcome of query transformations to the raw query
// the client sent, keeping the order and encoding of every pair whose
// parameter the transformations left alone (PATH-7: what the backend gets is
// what was sent, but for the edits the route asked for). Parameters that
// changed lose their pairs and are appended, in name order, at the end.
func editQuery(raw string, want url.Values) string {
	orig, _ := url.ParseQuery(raw)
	same := func(k string) bool {
		a, b := orig[k], want[k]
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	var kept []string
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil && same(name) {
			kept = append(kept, pair)
		}
	}
	changed := url.Values{}
	for k, v := range want {
		if !same(k) {
			changed[k] = v
		}
	}
	if enc := changed.Encode(); enc != "" {
		kept = append(kept, enc)
	}
	return strings.Join(kept, "&")
}
