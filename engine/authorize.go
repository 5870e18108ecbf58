package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/engine/cache"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// callCounter counts function invocations per authorizer (scenario `calls`).
type callCounter struct {
	mu sync.Mutex
	n  int
}

func (c *callCounter) inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *callCounter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// authorize runs identity → cache → authorizer → response-check → policy.
func (p *pipeline) authorize() {
	az := p.rt.auth
	if az == nil {
		p.skipAuth(0, "route has no authorizer")
		return
	}
	d := az.dialect

	st, start := p.stage(trace.Identity)
	id, fl := d.Identity(p.f, st)
	p.done(st, start)
	for _, v := range id.Secrets {
		p.f.Trace.AddSecret(v)
	}
	if fl != nil && id.Missing && az.cfg.IsAnonymousAccessAllowed && p.rt.authType == "ANONYMOUS" {
		st.Status = trace.OK
		st.Rule("OCI-A2")
		st.Summary = "no credentials: anonymous access to an ANONYMOUS route, function not called"
		p.skipAuth(1, "anonymous request (OCI-A2)")
		return
	}
	if fl != nil {
		p.failed(st, fl)
		p.skipAuth(1, "identity refused: function not called")
		return
	}

	var cached *CachedDecision
	st, start = p.stage(trace.Cache)
	switch {
	case az.ttl == 0:
		st.Status, st.Summary = trace.Skip, "caching off (ttl 0)"
		st.Rule(cacheRules[az.cfg.Type][0])
	case id.CacheKey == "":
		st.Status, st.Summary = trace.Skip, "no cache key for this request"
	default:
		st.Add("key", id.CacheKey).Add("ttl", az.ttl.String())
		st.Rule(cacheRules[az.cfg.Type][1])
		if len(id.Secrets) > 0 {
			p.f.Trace.AddSecret(id.CacheKey)
		}
		e, hit, expired := az.cache.Get(id.CacheKey)
		if hit {
			left := e.TTLLeft(p.f.Now)
			cached = &CachedDecision{Key: id.CacheKey, Stored: e.Stored, TTLLeft: left}
			p.dec = e.Value
			st.Summary = fmt.Sprintf("hit: stored %s ago, %s left", p.f.Now.Sub(e.Stored).Round(time.Millisecond), left.Round(time.Millisecond))
			st.Add("result", "hit").Add("stored", e.Stored.UTC().Format(time.RFC3339)).Add("ttlLeft", left.String())
			if e.Value.IssuedFor != "" {
				st.Add("issuedFor", e.Value.IssuedFor)
			}
		} else if expired != nil {
			st.Summary = fmt.Sprintf("miss: entry expired %s ago", p.f.Now.Sub(expired.Expires).Round(time.Millisecond))
			st.Add("result", "expired")
		} else {
			st.Summary = "miss"
			st.Add("result", "miss")
		}
	}
	p.done(st, start)

	if cached != nil {
		p.res.Outcome = Cached
		p.skip(trace.Authorizer, "cached result used: function not called")
		p.skip(trace.ResponseCheck, "cached result was checked when it was stored")
	} else if az.ttl > 0 && id.CacheKey != "" {
		// Concurrent misses for one key make one call; the others wait
		// for its answer, as a gateway's cache fill would.
		var late *cache.Entry[*Decision]
		dec, _, shared := az.cache.Do(id.CacheKey, func() (*Decision, bool) {
			// Another request may have stored an answer between the
			// lookup above and here: use it rather than call again.
			if e, hit, _ := az.cache.Get(id.CacheKey); hit {
				late = &e
				return e.Value, true
			}
			p.invoke(az, id)
			return p.dec, p.fail == nil
		})
		if late != nil {
			p.dec = late.Value
			p.res.Outcome = Cached
			st.Summary += "; a concurrent request stored an answer meanwhile"
			st.Add("filledBy", "a concurrent request")
			p.skip(trace.Authorizer, "a concurrent request with the same identity stored its answer just before: function not called")
			p.skip(trace.ResponseCheck, "checked by the concurrent request")
			cached = &CachedDecision{Key: id.CacheKey, Stored: late.Stored, TTLLeft: late.TTLLeft(p.f.Now)}
		} else if shared {
			p.dec = dec
			p.res.Outcome = Cached
			p.skip(trace.Authorizer, "a concurrent request with the same identity called the function; its answer was shared")
			p.skip(trace.ResponseCheck, "checked by the concurrent request")
			cached = &CachedDecision{Key: id.CacheKey, Stored: p.f.Now, TTLLeft: az.ttl}
		} else if p.fail != nil {
			return
		}
	} else {
		p.invoke(az, id)
		if p.fail != nil {
			return
		}
	}

	st, start = p.stage(trace.Policy)
	fl = d.Authorize(p.f, p.dec, cached, st)
	if fl == nil {
		fl = p.checkScopes(st)
	}
	p.done(st, start)
	if fl != nil {
		p.failed(st, fl)
		return
	}
	p.res.Principal = p.dec.Principal
}

// invoke calls the function and checks its answer (authorizer and
// response-check stages), caching a good decision.
func (p *pipeline) invoke(az *authorizer, id Identity) {
	d := az.dialect
	st, start := p.stage(trace.Authorizer)
	event, err := d.Event(p.f, id)
	if err != nil {
		p.done(st, start)
		p.failed(st, &Failure{Reason: "building the event: " + err.Error(), Status: 500})
		p.skip(trace.ResponseCheck, "no answer")
		p.skip(trace.Policy, "no answer")
		return
	}
	st.Add("function", runtimeName(az)+functionTarget(az))
	st.AddJSON("event", event)
	p.res.Outcome = Called
	az.calls.inc()
	ctx := p.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	res, invokeErr := az.fn.Invoke(ctx, runtime.Invocation{
		Event: event, RequestID: p.f.RequestID, FunctionName: az.cfg.Name,
		Timeout: az.timeout, Identity: id.Values, Now: p.f.Now,
	})
	p.done(st, start)
	st.Add("latency", st.Duration.String())
	if res.ColdStart {
		st.Add("coldStart", res.ColdStartCost.String())
	}
	if res.Queued > 0 {
		// All of the function's workers were busy; the wait counts
		// against its timeout.
		st.Add("queued", fmt.Sprintf("waited %s for a free worker", res.Queued.Round(time.Millisecond)))
	}
	switch {
	case invokeErr != nil:
		st.Status = trace.Fail
		st.Summary = "function broke: " + invokeErr.Error()
		st.Add("error", invokeErr.Error())
		if errors.Is(invokeErr, runtime.ErrTimeout) {
			st.Add("timeout", az.timeout.String())
		}
	case res.Err != nil:
		st.Summary = "function threw: " + res.Err.Error()
		st.Add("threw", res.Err.Error())
	default:
		st.Summary = fmt.Sprintf("answered %d bytes", len(res.Payload))
		st.AddJSON("response", res.Payload)
	}
	if res.Logs != "" {
		st.Add("logs", res.Logs)
	}

	st2, start2 := p.stage(trace.ResponseCheck)
	dec, fl := d.Interpret(p.f, res, invokeErr, st2)
	p.done(st2, start2)
	if fl != nil {
		p.failed(st2, fl)
		p.skip(trace.Policy, "answer rejected: "+fl.Rule)
		return
	}
	p.dec = dec
	if az.ttl > 0 && id.CacheKey != "" {
		ttl := az.ttl
		if !dec.Expires.IsZero() {
			ttl = dec.Expires.Sub(p.f.Now)
		}
		if ttl > 0 {
			az.cache.Put(id.CacheKey, dec, ttl)
			st2.Add("cached", fmt.Sprintf("for %s under the identity key", ttl))
		} else {
			st2.Add("cached", "no: the answer has already expired")
		}
	}
}

func functionTarget(az *authorizer) string {
	f := az.cfg.Function
	if f == nil {
		return "built-in " + az.cfg.Type
	}
	switch {
	case f.Handler != "":
		return " " + f.Handler
	case f.URL != "":
		return " " + f.URL
	case len(f.Command) > 0:
		return " " + strings.Join(f.Command, " ")
	}
	return ""
}

// checkScopes applies the route's ANY_OF policy to the decision's scopes.
func (p *pipeline) checkScopes(st *trace.Stage) *Failure {
	if p.rt.authType != "ANY_OF" {
		return nil
	}
	if t := p.rt.auth.cfg.Type; t != "oci" && t != "jwt" {
		st.Add("allowedScope", "ignored: "+t+" authorizers return no scopes (validate warns)")
		return nil
	}
	want := p.rt.cfg.Authorization.AllowedScope
	st.Add("allowedScope", strings.Join(want, " ")).Add("grantedScope", strings.Join(p.dec.Scopes, " "))
	for _, w := range want {
		for _, g := range p.dec.Scopes {
			if w == g {
				st.Add("scope", "granted "+w)
				return nil
			}
		}
	}
	rule := "OCI-A1"
	if p.rt.auth.cfg.Type == "jwt" {
		rule = "JWT-2"
	}
	st.Rule(rule)
	st.Summary = fmt.Sprintf("authenticated as %q, but none of the allowed scopes %v was granted (granted: %v)", p.dec.Principal, want, p.dec.Scopes)
	return p.g.platform.Forbidden(p.f, rule, fmt.Sprintf("none of the allowed scopes %v was granted (granted: %v)", want, p.dec.Scopes))
}

// Calls returns how many times each authorizer's function was invoked.
func (e *Engine) Calls() map[string]int {
	out := map[string]int{}
	for name, a := range e.gw.Load().authorizers {
		out[name] = a.calls.get()
	}
	return out
}

func runtimeName(az *authorizer) string {
	if az.cfg.Function == nil {
		return ""
	}
	return az.cfg.Function.Runtime
}

// cacheRules names, per authorizer type, the rule for the cache switch and
// for the cache key.
var cacheRules = map[string][2]string{
	"aws-token":   {"AWS-C1", "AWS-C2"},
	"aws-request": {"AWS-C1", "AWS-C2"},
	"aws-http":    {"AWSH-C1", "AWSH-C1"},
	"oci":         {"OCI-C1", "OCI-C1"},
	"huawei":      {"HW-C1", "HW-C1"},
	"jwt":         {"JWT-1", "JWT-1"},
	"forward":     {"FWD-1", "FWD-1"},
}
