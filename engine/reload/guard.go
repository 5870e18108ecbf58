package reload

// The guards: a reload only takes files whose bytes are the same across two
// reads a short settle delay apart, and a reload that removes protection
// (Removed) is applied only once the files have stayed unchanged for a
// longer confirmation delay, and then loudly. A save can pause between
// writes for longer than the debounce; the half that was written may well
// parse (a route whose `authorizer:` line has not arrived yet) and would
// serve that route unauthenticated until the rest lands.

import (
	"fmt"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/route"
)

// Settle separates the two reads of the files a change touched: only
// bytes that stay the same are loaded.
const Settle = 100 * time.Millisecond

// Confirm is how long a file whose reload would remove protection must
// stay unchanged before that reload is applied: a writer pausing halfway
// through a save must not open a route even briefly.
const Confirm = time.Second

// Removal is protection a reload takes away from a route.
type Removal struct {
	Route      string // the route as the old file wrote it: "/admin/{x}", with its methods when listed
	Authorizer string // the authorizer that guarded it
	What       string // what changes, for the warning
}

func (r Removal) String() string {
	return fmt.Sprintf("route %s: %s", r.Route, r.What)
}

// Removed lists the routes of old that new leaves less protected: the
// authorizer (or huawei backend authorizer) gone from the route, its
// authorization made ANONYMOUS, its required scopes dropped, or the route
// gone while its paths now reach a route without an authorizer.
func Removed(old, new *config.Gateway) []Removal {
	if old == nil || new == nil {
		return nil
	}
	var out []Removal
	for _, o := range old.Routes {
		if o == nil {
			continue
		}
		name := o.Path
		if len(o.Methods) > 0 {
			name = strings.Join(o.Methods, ",") + " " + o.Path
		}
		if guarded(o) {
			n := successor(o, new)
			switch {
			case n == nil:
				// Nothing serves these paths any more: they are refused.
			case n.Path == o.Path && n.Authorizer == "":
				out = append(out, Removal{name, o.Authorizer, fmt.Sprintf("authorizer %q removed; requests now reach its backend without authentication", o.Authorizer)})
			case n.Path == o.Path && anonymous(n):
				out = append(out, Removal{name, o.Authorizer, fmt.Sprintf("authorization is now ANONYMOUS; authorizer %q no longer has to allow a request", o.Authorizer)})
			case n.Path == o.Path && anyOf(o) && !anyOf(n):
				out = append(out, Removal{name, o.Authorizer, fmt.Sprintf("the scopes it required (ANY_OF %s) were removed", strings.Join(o.Authorization.AllowedScope, ", "))})
			case n.Path != o.Path && !guarded(n):
				out = append(out, Removal{name, o.Authorizer, fmt.Sprintf("route removed with its authorizer %q; its paths now reach %s, which has no authorizer", o.Authorizer, n.Path)})
			}
		}
		if o.BackendAuthorizer != "" {
			if n := successor(o, new); n != nil && n.Path == o.Path && n.BackendAuthorizer == "" {
				out = append(out, Removal{name, o.BackendAuthorizer, fmt.Sprintf("backend authorizer %q removed", o.BackendAuthorizer)})
			}
		}
	}
	return out
}

func guarded(r *config.Route) bool { return r.Authorizer != "" && !anonymous(r) }

func anonymous(r *config.Route) bool {
	return r.Authorization != nil && strings.EqualFold(r.Authorization.Type, "ANONYMOUS")
}

func anyOf(r *config.Route) bool {
	return r.Authorization != nil && strings.EqualFold(r.Authorization.Type, "ANY_OF")
}

// successor is the route of g that a request for o's paths would now reach:
// the one with the same template if it still exists, else the most
// specific route matching a path of o's shape, among those sharing one of
// o's methods.
func successor(o *config.Route, g *config.Gateway) *config.Route {
	var cands []*config.Route
	var ts []*route.Template
	for _, n := range g.Routes {
		if n == nil || !shareMethod(o.Methods, n.Methods) {
			continue
		}
		if n.Path == o.Path {
			return n
		}
		t, err := route.Parse(n.Path)
		if err != nil {
			continue
		}
		if _, ok := t.Match(samplePath(o.Path)); ok {
			cands, ts = append(cands, n), append(ts, t)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	route.Sort(idx, ts)
	return cands[idx[0]]
}

// samplePath is a request path of a template's shape: each parameter
// filled with a value no literal segment is likely to equal.
func samplePath(tmpl string) string {
	parts := strings.Split(tmpl, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			parts[i] = "authlab-sample"
		}
	}
	return strings.Join(parts, "/")
}

// shareMethod: no methods (or ANY) means every method.
func shareMethod(a, b []string) bool {
	all := func(ms []string) bool {
		for _, m := range ms {
			if strings.EqualFold(m, "ANY") || m == "*" {
				return true
			}
		}
		return len(ms) == 0
	}
	if all(a) || all(b) {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}
