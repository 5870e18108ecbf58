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

// authRun is one authorizer deciding one request: identity → cache
// (concurrent misses coalesced) → invoke → check → decide. The route's
// authorizer records each step as a stage of its own; a Huawei backend
// authorizer (HW-B1) records them into its one stage. Both take the same
// path, so both coalesce misses, honour expiry and record latency.
type authRun struct {
	p   *pipeline
	az  *authorizer
	rec recorder

	id     Identity
	cached *CachedDecision
	dec    *Decision
	fail   *Failure
	done   bool // decided without calling (anonymous access)
}

// recorder opens the stages an authRun writes into.
type recorder interface {
	open(name string) (*trace.Stage, time.Time)
	close(st *trace.Stage, start time.Time)
	skip(name, why string)
}

// identity extracts the credential (identity stage).
func (a *authRun) identity() {
	d := a.az.dialect
	st, start := a.rec.open(trace.Identity)
	if lim, ok := a.p.g.platform.(requestLimiter); ok && a.rec == a.p.front() {
		// A limit the gateway checks before any authorizer (AWS-E4).
		if fl := lim.AuthorizedLimit(a.p.f, st); fl != nil {
			a.rec.close(st, start)
			a.refuse(st, fl)
			return
		}
	}
	id, fl := d.Identity(a.p.f, st)
	a.rec.close(st, start)
	for _, v := range id.Secrets {
		a.p.f.Trace.AddSecret(v)
	}
	a.id = id
	if fl != nil && id.Missing {
		if an, ok := d.(anonymousAllower); ok {
			if rule, ok := an.Anonymous(a.p.rt); ok {
				st.Status = trace.OK
				st.Rule(rule)
				st.Summary = "no credentials: anonymous access to an ANONYMOUS route, function not called"
				a.done = true
				for _, n := range []string{trace.Cache, trace.Authorizer, trace.ResponseCheck, trace.Policy} {
					a.p.skipAs(n, "anonymous request ("+rule+")")
				}
				return
			}
		}
	}
	if fl != nil {
		a.refuse(st, fl)
	}
}

// lookup consults the result cache (cache stage).
func (a *authRun) lookup() {
	az, id := a.az, a.id
	st, start := a.rec.open(trace.Cache)
	defer a.rec.close(st, start)
	switch {
	case az.ttl == 0:
		st.Status, st.Summary = trace.Skip, "caching off (ttl 0)"
		st.Rule(az.spec.CacheRules[0])
		return
	case id.CacheKey == "":
		st.Status, st.Summary = trace.Skip, "no cache key for this request"
		return
	}
	st.Add("key", id.CacheKey).Add("ttl", az.ttlText)
	st.Rule(az.spec.CacheRules[1])
	if len(id.Secrets) > 0 {
		a.p.f.Trace.AddSecret(id.CacheKey)
	}
	e, hit, expired := az.cache.Get(id.CacheKey)
	now := a.p.f.Now
	switch {
	case hit:
		left := e.TTLLeft(now)
		a.cached = a.p.cachedDecision(CachedDecision{Key: id.CacheKey, Stored: e.Stored, TTLLeft: left})
		a.dec = e.Value
		t := &a.p.s.text
		m := t.mark()
		st.Summary = t.str("hit: stored ").dur(now.Sub(e.Stored).Round(time.Millisecond)).str(" ago, ").
			dur(left.Round(time.Millisecond)).str(" left").since(m)
		m = t.mark()
		stored := t.time(e.Stored.UTC(), time.RFC3339).since(m)
		m = t.mark()
		st.Add("result", "hit").Add("stored", stored).Add("ttlLeft", t.dur(left).since(m))
		if e.Value.IssuedFor != "" {
			st.Add("issuedFor", e.Value.IssuedFor)
		}
		a.rec.skip(trace.Authorizer, "cached result used: function not called")
		a.rec.skip(trace.ResponseCheck, "cached result was checked when it was stored")
	case expired != nil:
		st.Summary = fmt.Sprintf("miss: entry expired %s ago", now.Sub(expired.Expires).Round(time.Millisecond))
		st.Add("result", "expired")
	default:
		st.Summary = "miss"
		st.Add("result", "miss")
	}
}

// call invokes the function and checks its answer (authorizer and
// response-check stages); concurrent misses for one key make one call and
// the others wait for its answer, as a gateway's cache fill would.
func (a *authRun) call() {
	az, id := a.az, a.id
	if az.ttl == 0 || id.CacheKey == "" {
		a.invoke()
		return
	}
	var late *cache.Entry[*Decision]
	dec, _, shared := az.cache.Do(id.CacheKey, func() (*Decision, bool) {
		// Another request may have stored an answer between the lookup
		// and here: use it rather than call again.
		if e, hit, _ := az.cache.Get(id.CacheKey); hit {
			late = &e
			return e.Value, true
		}
		a.invoke()
		return a.dec, a.fail == nil
	})
	switch {
	case late != nil:
		a.dec = late.Value
		a.cached = &CachedDecision{Key: id.CacheKey, Stored: late.Stored, TTLLeft: late.TTLLeft(a.p.f.Now)}
		a.note("filledBy", "a concurrent request")
		a.rec.skip(trace.Authorizer, "a concurrent request with the same identity stored its answer just before: function not called")
		a.rec.skip(trace.ResponseCheck, "checked by the concurrent request")
	case shared:
		a.dec = dec
		a.cached = &CachedDecision{Key: id.CacheKey, Stored: a.p.f.Now, TTLLeft: az.ttl}
		a.rec.skip(trace.Authorizer, "a concurrent request with the same identity called the function; its answer was shared")
		a.rec.skip(trace.ResponseCheck, "checked by the concurrent request")
	}
}

// note adds a detail to the cache stage, for a result that changed after
// the lookup.
func (a *authRun) note(k, v string) {
	if st := a.p.f.Trace.Stage(trace.Cache); st != nil && a.rec == a.p.front() {
		st.Summary += "; a concurrent request stored an answer meanwhile"
		st.Add(k, v)
	}
}

// invoke calls the function (or the built-in verifier) once and checks the
// answer, caching a good decision.
func (a *authRun) invoke() {
	az, id, f := a.az, a.id, a.p.f
	d := az.dialect
	a.p.res.Outcome = Called
	st, start := a.rec.open(trace.Authorizer)
	var res runtime.Result
	var invokeErr error
	if b, ok := d.(decider); ok {
		// A built-in authorizer decides in process: a typed decision,
		// no event or answer to encode and parse again.
		st.Add("function", "built-in "+az.cfg.Type)
		dec, fl := b.Decide(a.p.ctx, f, id, st)
		a.rec.close(st, start)
		st.Add("latency", st.Duration.String())
		az.calls.inc()
		st2, start2 := a.rec.open(trace.ResponseCheck)
		if fl != nil {
			st2.Summary = fl.Reason
			a.rec.close(st2, start2)
			a.refuse(st2, fl)
			return
		}
		st2.Summary = st.Summary
		a.rec.close(st2, start2)
		a.store(dec, st2)
		return
	}
	fd := d.(functionDialect)
	event, err := fd.Event(f, id)
	if err != nil {
		a.rec.close(st, start)
		a.refuse(st, &Failure{Reason: "building the event: " + err.Error(), Status: 500})
		return
	}
	st.Add("function", runtimeName(az)+functionTarget(az))
	st.AddJSON("event", event)
	az.calls.inc()
	ctx := a.p.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	res, invokeErr = az.fn.Invoke(ctx, runtime.Invocation{
		Event: event, RequestID: f.RequestID, FunctionName: az.cfg.Name,
		Timeout: az.timeout, Identity: id.Values, Now: f.Now,
	})
	a.rec.close(st, start)
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
		if ip, ok := az.fn.(interface{ Interpreter() string }); ok && az.cfg.Function != nil {
			// An import inside the handler: the module is likely
			// installed for another interpreter than the worker's.
			if hint := runtime.MissingModuleHint(az.cfg.Function.Runtime, ip.Interpreter(), res.Err.Type, res.Err.Message); hint != "" {
				st.Add("hint", hint)
			}
		}
	default:
		st.Summary = fmt.Sprintf("answered %d bytes", len(res.Payload))
		st.AddJSON("response", res.Payload)
	}
	if res.Logs != "" {
		st.Add("logs", res.Logs)
	}

	st2, start2 := a.rec.open(trace.ResponseCheck)
	dec, fl := fd.Interpret(f, res, invokeErr, st2)
	a.rec.close(st2, start2)
	if fl != nil {
		a.refuse(st2, fl)
		return
	}
	a.store(dec, st2)
}

// store keeps a checked decision, and caches it under the identity key.
func (a *authRun) store(dec *Decision, st *trace.Stage) {
	a.dec = dec
	az, id, now := a.az, a.id, a.p.f.Now
	if az.ttl <= 0 || id.CacheKey == "" {
		return
	}
	ttl := az.ttl
	if !dec.Expires.IsZero() {
		ttl = dec.Expires.Sub(now)
	}
	if ttl > 0 {
		az.cache.Put(id.CacheKey, dec, ttl)
		st.Add("cached", fmt.Sprintf("for %s under the identity key", ttl))
	} else {
		st.Add("cached", "no: the answer has already expired")
	}
}

// decide applies the decision to this request (policy stage).
func (a *authRun) decide() {
	st, start := a.rec.open(trace.Policy)
	fl := a.az.dialect.Authorize(a.p.f, a.dec, a.cached, st)
	if fl == nil && a.rec == a.p.front() {
		fl = a.p.checkScopes(st)
	}
	a.rec.close(st, start)
	if fl != nil {
		a.refuse(st, fl)
	}
}

func (a *authRun) refuse(st *trace.Stage, fl *Failure) {
	a.fail = fl
	a.p.failed(st, fl)
}

// The route's authorizer: one stage per step.

func (p *pipeline) identity() {
	if p.rt.auth == nil {
		for _, n := range []string{trace.Cache, trace.Authorizer, trace.ResponseCheck, trace.Policy} {
			p.skipAs(n, "route has no authorizer")
		}
		p.skip(trace.Identity, "route has no authorizer")
		return
	}
	p.auth = &p.s.auth
	*p.auth = authRun{p: p, az: p.rt.auth, rec: p.front()}
	p.auth.identity()
}

func (p *pipeline) cacheLookup() {
	p.auth.lookup()
	if p.auth.cached != nil {
		p.res.Outcome = Cached
	}
}

func (p *pipeline) callAuthorizer() {
	p.auth.call()
	if p.auth.cached != nil {
		p.res.Outcome = Cached
	}
}

func (p *pipeline) policy() {
	p.dec = p.auth.dec
	// The principal is the one the authorizer returned, whether or not
	// its policy then allows this request (a Deny names its principal too).
	p.res.Principal = p.dec.Principal
	p.auth.decide()
}

// backendAuthorizer runs a Huawei backend authorizer (HW-B1) before the
// request transformations that may read its context, as one stage.
func (p *pipeline) backendAuthorizer() {
	st, start := p.stage(trace.BackendAuthorizer)
	sub := &subRecorder{st: st}
	run := &authRun{p: p, az: p.rt.backAuth, rec: sub}
	outcome := p.res.Outcome
	defer func() {
		p.res.Outcome = outcome // the route's authorizer's outcome, not this one's
		sub.flush()
		p.done(st, start)
		st.Rule("HW-B1")
		if p.fail == nil {
			p.back = run.dec
			st.Summary = "allowed by " + run.az.cfg.Name
			if run.cached != nil {
				st.Summary += " (cached)"
			}
		}
	}()
	st.Add("authorizer", run.az.cfg.Name+" ("+run.az.cfg.Type+")")
	run.identity()
	if run.fail == nil && !run.done {
		run.lookup()
	}
	if run.fail == nil && !run.done && run.cached == nil {
		run.call()
	}
	if run.fail == nil && !run.done {
		run.decide()
	}
	if run.fail != nil {
		// the refusal belongs to this stage, whichever step made it
		p.failed(st, run.fail)
	}
}

// front records the route's authorizer steps as stages of their own.
func (p *pipeline) front() recorder { return (*stageRecorder)(p) }

type stageRecorder pipeline

func (r *stageRecorder) open(name string) (*trace.Stage, time.Time) {
	return (*pipeline)(r).stage(name)
}

func (r *stageRecorder) close(st *trace.Stage, start time.Time) { (*pipeline)(r).done(st, start) }

func (r *stageRecorder) skip(name, why string) { (*pipeline)(r).skipAs(name, why) }

// subRecorder records an authorizer's steps as details of one stage; the
// steps are merged when the stage ends (flush), after each has said all.
type subRecorder struct {
	st   *trace.Stage
	subs []*trace.Stage
}

func (r *subRecorder) open(name string) (*trace.Stage, time.Time) {
	sub := &trace.Stage{Name: name, Status: trace.OK}
	r.subs = append(r.subs, sub)
	return sub, time.Now()
}

func (r *subRecorder) close(*trace.Stage, time.Time) {}

func (r *subRecorder) skip(name, why string) {
	r.subs = append(r.subs, &trace.Stage{Name: name, Status: trace.Skip, Summary: why})
}

func (r *subRecorder) flush() {
	for _, sub := range r.subs {
		if sub.Summary != "" {
			r.st.Add(sub.Name, sub.Summary)
		}
		for _, d := range sub.Details {
			d.Key = sub.Name + "." + d.Key
			r.st.Details = append(r.st.Details, d)
		}
		r.st.Rule(sub.Rules...)
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

// scopeChecker is implemented by dialects whose route scopes answer in
// their own way (an HTTP API JWT authorizer's 403 with WWW-Authenticate,
// AWSH-J8; a Cognito authorizer's 401, AWS-U3). It is asked on every
// request, with the route's scopes or none (want is nil).
type scopeChecker interface {
	CheckScopes(f *Flow, dec *Decision, want []string, st *trace.Stage) *Failure
}

// checkScopes applies the route's ANY_OF policy (or AWS's
// authorizationScopes) to the decision's scopes.
func (p *pipeline) checkScopes(st *trace.Stage) *Failure {
	az := p.rt.auth
	if sc, ok := az.dialect.(scopeChecker); ok {
		return sc.CheckScopes(p.f, p.dec, p.rt.cfg.Scopes(), st)
	}
	if p.rt.authType != "ANY_OF" {
		return nil
	}
	if az.spec.ScopeRule == "" {
		st.Add("allowedScope", "ignored: "+az.cfg.Type+" authorizers return no scopes (validate warns)")
		return nil
	}
	want := p.rt.cfg.Scopes()
	st.Add("allowedScope", strings.Join(want, " ")).Add("grantedScope", strings.Join(p.dec.Scopes, " "))
	if w, ok := grantedScope(want, p.dec.Scopes); ok {
		st.Add("scope", "granted "+w)
		return nil
	}
	rule := az.spec.ScopeRule
	st.Rule(rule)
	st.Summary = fmt.Sprintf("authenticated as %q, but none of the allowed scopes %v was granted (granted: %v)", p.dec.Principal, want, p.dec.Scopes)
	return p.g.platform.Forbidden(p.f, rule, fmt.Sprintf("none of the allowed scopes %v was granted (granted: %v)", want, p.dec.Scopes))
}

// grantedScope returns the first wanted scope that was granted.
func grantedScope(want, granted []string) (string, bool) {
	for _, w := range want {
		for _, g := range granted {
			if w == g {
				return w, true
			}
		}
	}
	return "", false
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
