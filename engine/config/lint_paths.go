package config

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/engine/route"
)

// lintTrailingSlash warns when the trailing-slash variant of a protected
// route's path is caught by another route with weaker authorization
// (PATH-6): /orders/x/ does not match /orders/{id}, so a greedy or catch-all
// sibling without the authorizer answers it.
func (v *validator) lintTrailingSlash() {
	tpls := make([]*route.Template, len(v.g.Routes))
	idx := make([]int, 0, len(v.g.Routes))
	for i, r := range v.g.Routes {
		t, err := route.Parse(r.Path)
		if err != nil {
			return // reported; the routing table is not known
		}
		tpls[i] = t
		idx = append(idx, i)
	}
	route.Sort(idx, tpls)
	// reach is the route the gateway would pick for segments and a method.
	reach := func(segs []string, methods StringList) int {
		for _, i := range idx {
			if _, ok := tpls[i].MatchSegments(segs); ok && overlap(v.g.Routes[i].Methods, methods) {
				return i
			}
		}
		return -1
	}
	for i, r := range v.g.Routes {
		if r.Authorizer == "" || tpls[i].Greedy() || r.Path == "/" {
			continue
		}
		variant := append(tpls[i].Sample(), "")
		j := reach(variant, r.Methods)
		if j < 0 || j == i {
			continue
		}
		other := v.g.Routes[j]
		weaker := ""
		switch {
		case other.Authorizer == "":
			weaker = "no authorizer"
		case other.Authorizer != r.Authorizer:
			weaker = fmt.Sprintf("authorizer %q instead of %q", other.Authorizer, r.Authorizer)
		case other.Authorization != nil && other.Authorization.Type == "ANONYMOUS":
			weaker = "ANONYMOUS access"
		default:
			continue
		}
		sample := "/" + strings.Join(variant, "/")
		v.warnf(fmt.Sprintf("routes[%d].path", i), "PATH-6",
			"route %s has authorizer %q, but %s (its path with a trailing slash) does not match it and reaches route %s, which has %s; give that route the same authorizer or narrow it",
			r.Path, r.Authorizer, sample, other.Path, weaker)
	}
}
