// Package engine is authlab's gateway: one pipeline of stages (route,
// identity, cache, authorizer, response-check, policy, request-transform,
// backend, failure-response, response-transform) shared by every gateway
// dialect, recording what each stage did into a trace.
package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/trace"
)

// Options inject the engine's sources of time and randomness.
type Options struct {
	// Clock is the gateway's time: cache TTLs, event timestamps. Default: wall clock.
	Clock clock.Clock
	// Elapsed measures stage durations. Default: real monotonic time.
	// Tests pass a function returning 0 for stable golden output.
	Elapsed func(start time.Time) time.Duration
	// Random feeds request ids. Default: crypto/rand.
	Random io.Reader
	// Functions builds python / node / process runtimes.
	Functions FunctionFactory
}

// Engine runs requests through a compiled gateway. It is safe for
// concurrent use; Reload swaps the gateway without dropping requests.
type Engine struct {
	opts Options
	gw   atomic.Pointer[gateway]
	mu   sync.Mutex // serialises Reload / Close
	ids  *idSource
}

// New compiles a loaded gateway file.
func New(g *config.Gateway, opts Options) (*Engine, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Elapsed == nil {
		opts.Elapsed = time.Since
	}
	if opts.Random == nil {
		opts.Random = rand.Reader
	}
	cg, err := compile(g, opts.Clock, opts.Functions)
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: opts, ids: &idSource{r: opts.Random}}
	e.gw.Store(cg)
	return e, nil
}

// Reload swaps in a new gateway; requests in flight finish on the old one.
// Caches and call counts start afresh, as after a redeploy.
func (e *Engine) Reload(g *config.Gateway) error {
	cg, err := compile(g, e.opts.Clock, e.opts.Functions)
	if err != nil {
		return err
	}
	e.mu.Lock()
	old := e.gw.Swap(cg)
	e.mu.Unlock()
	if old != nil {
		old.close()
	}
	return nil
}

// Close stops every function worker.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if g := e.gw.Load(); g != nil {
		g.close()
	}
	return nil
}

// Config returns the gateway file the engine runs.
func (e *Engine) Config() *config.Gateway { return e.gw.Load().cfg }

// Clock returns the engine's clock.
func (e *Engine) Clock() clock.Clock { return e.opts.Clock }

// idSource makes AWS-style request ids (UUID v4 layout) from the injected source.
type idSource struct {
	mu sync.Mutex
	r  io.Reader
}

func (s *idSource) next() string {
	var b [16]byte
	s.mu.Lock()
	_, err := io.ReadFull(s.r, b[:])
	s.mu.Unlock()
	if err != nil {
		return "00000000-0000-4000-8000-000000000000"
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Flow is one request's way through the pipeline; dialects read it.
type Flow struct {
	Req       *Request
	RequestID string
	Now       time.Time
	Gateway   *config.Gateway
	Route     *config.Route
	Template  string            // matched route template
	Params    map[string]string // path parameters
	Trace     *trace.Trace
	// scratch space a dialect keeps between its own calls (e.g. methodArn).
	Scratch map[string]string
}

// Do runs one request through the gateway.
func (e *Engine) Do(ctx context.Context, req *Request) *Result {
	g := e.gw.Load()
	now := e.opts.Clock.Now()
	f := &Flow{Req: req, RequestID: e.ids.next(), Now: now, Gateway: g.cfg, Scratch: map[string]string{}}
	f.Trace = &trace.Trace{RequestID: f.RequestID, Time: now}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Query == nil {
		req.Query = map[string][]string{}
	}
	res := &Result{Request: req, Trace: f.Trace, Outcome: Skipped}
	p := &pipeline{e: e, g: g, f: f, res: res, ctx: ctx}
	p.run()
	return res
}

// pipeline holds one request's state while the stages run.
type pipeline struct {
	e    *Engine
	g    *gateway
	f    *Flow
	res  *Result
	ctx  context.Context
	rt   *compiledRoute
	fail *Failure
	dec  *Decision
}

// stage starts a stage; finish it with done.
func (p *pipeline) stage(name string) (*trace.Stage, time.Time) {
	st := &trace.Stage{Name: name, Status: trace.OK}
	p.f.Trace.Stages = append(p.f.Trace.Stages, st)
	return st, time.Now()
}

func (p *pipeline) done(st *trace.Stage, start time.Time) {
	st.Duration = p.e.opts.Elapsed(start)
}

// skip records a stage that did not run, and why.
func (p *pipeline) skip(name, why string) {
	p.f.Trace.Stages = append(p.f.Trace.Stages, &trace.Stage{Name: name, Status: trace.Skip, Summary: why})
}

// failed records a refusal on a stage.
func (p *pipeline) failed(st *trace.Stage, fl *Failure) {
	st.Status = trace.Fail
	if fl.Rule != "" {
		st.Rule(fl.Rule)
	}
	if st.Summary == "" {
		st.Summary = fl.Reason
	}
	fl.Stage = st.Name
	p.fail = fl
}

func (p *pipeline) run() {
	p.route()
	if p.fail == nil {
		p.authorize()
	} else {
		p.skipAuth(0, "no route matched")
	}
	if p.fail == nil {
		p.requestTransform()
		p.backend()
	} else {
		p.skip(trace.RequestTransform, "request refused at "+p.fail.Stage)
		p.skip(trace.Backend, "not called: request refused at "+p.fail.Stage)
	}
	p.failureResponse()
	p.responseTransform()
}

func (p *pipeline) route() {
	st, start := p.stage(trace.Route)
	defer p.done(st, start)
	req := p.f.Req
	var pathOnly *compiledRoute
	for _, r := range p.g.routes {
		params, ok := r.tpl.Match(req.Path)
		if !ok {
			continue
		}
		if !r.allows(req.Method) {
			if pathOnly == nil {
				pathOnly = r
			}
			continue
		}
		p.rt = r
		p.f.Route, p.f.Template, p.f.Params = r.cfg, r.tpl.Src, params
		p.res.Route = r.tpl.Src
		st.Summary = fmt.Sprintf("%s %s → %s", req.Method, req.Path, r.tpl.Src)
		st.Add("route", r.tpl.Src).Add("methods", methodsOf(r.cfg))
		for _, name := range r.tpl.Params() {
			st.Add("path."+name, params[name])
		}
		if r.auth != nil {
			st.Add("authorizer", r.auth.cfg.Name+" ("+r.auth.cfg.Type+")")
			p.res.Authorizer = r.auth.cfg.Name
		} else {
			st.Add("authorizer", "none")
		}
		st.Add("backend", r.backend.Describe())
		return
	}
	fl := p.g.platform.NoRoute(p.f)
	if pathOnly != nil {
		fl.Reason = fmt.Sprintf("%s %s: route %s exists but does not allow %s (methods %s)", req.Method, req.Path, pathOnly.tpl.Src, req.Method, methodsOf(pathOnly.cfg))
	}
	p.failed(st, fl)
}

func methodsOf(r *config.Route) string {
	if len(r.Methods) == 0 {
		return "ANY"
	}
	s := ""
	for i, m := range r.Methods {
		if i > 0 {
			s += ","
		}
		s += m
	}
	return s
}

func (p *pipeline) skipAuth(from int, why string) {
	names := []string{trace.Identity, trace.Cache, trace.Authorizer, trace.ResponseCheck, trace.Policy}
	for _, n := range names[from:] {
		p.skip(n, why)
	}
}
