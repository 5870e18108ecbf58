package probe

import (
	"fmt"
	"slices"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// skipAll reports every attack of the battery as skipped, for one reason.
func (p *prober) skipAll(why string) {
	for _, d := range p.defs() {
		a := d.row()
		a.Verdict, a.Why = Skipped, why
		p.r.Attacks = append(p.r.Attacks, a)
	}
}

// battery runs every attack in order.
func (p *prober) battery() {
	ds := p.defs()
	p.total = p.done + len(ds)
	for _, d := range ds {
		if d.run != nil {
			p.total += 2
		}
	}
	for _, d := range ds {
		a := d.row()
		p.r.Attacks = append(p.r.Attacks, a)
		if err := p.ctx.Err(); err != nil {
			a.Verdict, a.Why = Skipped, "not run: "+err.Error()
			continue
		}
		if d.run != nil {
			d.run(p, a)
			continue
		}
		sh, why := d.build(p)
		if sh == nil {
			a.Verdict, a.Why = Skipped, why
			continue
		}
		p.shoot(d, a, sh)
	}
}

// shoot sends one attack and judges the answer.
func (p *prober) shoot(d def, a *Attack, sh *shot) {
	req := p.request()
	if sh.place != nil {
		sh.place(req)
	} else {
		p.slot.Put(req, sh.token)
	}
	a.Sent, a.Header = sh.sent, sh.header
	before := 0
	if sh.fetch != "" {
		before = p.srv.fetches(sh.fetch)
	}
	res := p.fire(req)
	record(a, res)
	in := reached(res)
	note := d.note
	if sh.note != "" {
		note = sh.note
	}
	switch {
	case sh.forged != "":
		p.judgeForged(d, a, res, sh.forged)
	case in && note != "":
		a.Verdict, a.Why = Note, note
	case in:
		a.Verdict = Accepted
	default:
		a.Verdict = Refused
	}
	if sh.fetch != "" {
		if n := p.srv.fetches(sh.fetch) - before; n > 0 {
			url := p.srv.base + sh.fetch
			a.Fetched = append(a.Fetched, url)
			why := fmt.Sprintf("the authorizer fetched %s (the token's URL, authlab's key)", url)
			if a.Verdict == Refused {
				// Refused, but the authorizer followed a URL the client
				// chose: server-side request forgery (RFC 8725 §2.9).
				a.Verdict = Note
				why += ": refused, but following a URL from the token is SSRF (RFC 8725 §2.9) — allow-list the key URLs"
			}
			a.Why = joinWhy(a.Why, why)
		} else if a.Verdict != Accepted {
			a.Why = joinWhy(a.Why, "not fetched")
		}
	}
}

func joinWhy(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// judgeForged judges an attack that carries a value the client made up: a
// forged credential next to the real one, or a header the gateway should
// set from the authorizer's answer.
func (p *prober) judgeForged(d def, a *Attack, res *engine.Result, forged string) {
	if !reached(res) {
		a.Verdict = Refused
		return
	}
	up := res.Upstream
	if res.Principal == forgedSub {
		a.Verdict, a.Why = Accepted, "the authorizer took the forged value: principal "+forgedSub
		return
	}
	if d.group == GroupGateway {
		name, isQuery := forgedTarget(a)
		var got []string
		if isQuery {
			got = up.Query[name]
		} else {
			got = up.Header.Values(name)
		}
		if slices.Contains(got, forged) {
			a.Verdict = Accepted
			a.Why = fmt.Sprintf("the client's %s %q reached the backend (ALL-1: a value set from the authorizer must overwrite the client's; ifExists: OVERWRITE)", name, forged)
			return
		}
		a.Verdict = Passed
		if len(got) == 0 {
			a.Why = fmt.Sprintf("the client's %s was removed before the backend", name)
		} else {
			a.Why = fmt.Sprintf("the client's %s was overwritten with %q before the backend", name, strings.Join(got, ","))
		}
		return
	}
	// A duplicated credential: the authorizer checked one value; did the
	// other reach the backend?
	var got []string
	if p.slot.Kind == config.SrcQuery {
		got = up.Query[p.slot.Name]
	} else {
		got = up.Header.Values(p.slot.Name)
	}
	if slices.Contains(got, forged) {
		a.Verdict = Note
		a.Why = fmt.Sprintf("accepted on the baseline's value, and the forged %s reached the backend too: make sure the backend reads only the value the authorizer checked", p.slot.Name)
		return
	}
	a.Verdict, a.Why = Passed, "only the verified value reached the backend"
}

// forgedTarget is the header or query name a forged-header row attacks.
func forgedTarget(a *Attack) (name string, query bool) {
	for _, s := range a.Sent {
		if n, ok := strings.CutPrefix(s.Where, "query "); ok && !s.Secret {
			return n, true
		}
		if n, ok := strings.CutPrefix(s.Where, "header "); ok && !s.Secret {
			return n, false
		}
	}
	return "", false
}

// crossRoute checks the cached decision across routes (AWS-C3): allowed
// on the baseline's route, then the same credential on another route of
// the same authorizer within the TTL, then again with the cache empty.
func (p *prober) crossRoute(a *Attack, s routeRef) {
	a.Sent = []Placement{p.placed(p.token)}
	a.Header = joseHeader(p.token)
	req := p.request()
	p.slot.Put(req, p.token)
	first := p.fire(req)
	if !reached(first) {
		a.Verdict, a.Why = Skipped, fmt.Sprintf("the baseline was refused this time (%d, %s)", first.Response.Status, answer(first))
		return
	}
	if len(p.e.CacheEntries(p.slot.Authorizer)) == 0 {
		a.Verdict, a.Why = Skipped, fmt.Sprintf("authorizer %s cached nothing (ttl 0, or a key per route): no decision can cross routes", p.slot.Authorizer)
		return
	}
	other := func() *engine.Request {
		r, err := engine.NewRequest(s.method, s.path, p.o.Headers, nil)
		if err != nil {
			return nil
		}
		p.slot.Put(r, p.token)
		return r
	}
	r1 := other()
	if r1 == nil {
		a.Verdict, a.Why = Skipped, "cannot build a request for "+s.template
		return
	}
	cached := p.e.Do(p.ctx, r1) // no flush: the baseline's entry is live
	p.done++
	fresh := p.fire(other())
	record(a, cached)
	inCached, inFresh := reached(cached), reached(fresh)
	how := fmt.Sprintf("%s %s within the TTL: authorizer %s → %d; asked afresh (empty cache) → %d, %s",
		s.method, s.path, cached.Outcome, cached.Response.Status, fresh.Response.Status, answer(fresh))
	switch {
	case cached.Outcome != engine.Cached:
		a.Verdict, a.Why = Passed, how+": the cache is not shared across these routes"
	case inCached && !inFresh:
		a.Verdict, a.Why = Accepted, how+": the decision cached on "+p.r.Route+" opens a route the authorizer refuses when asked"
	case !inCached && inFresh:
		a.Verdict, a.Why = Note, how+": the cached policy from "+p.r.Route+" does not cover this route, so legitimate requests get 403 for the TTL (AWS-C3) — return a wildcard resource or set ttl: 0"
	case inCached:
		a.Verdict, a.Why = Passed, how+": the cached policy covers this route, and the authorizer allows it when asked"
	default:
		a.Verdict, a.Why = Passed, how+": refused either way"
	}
}
