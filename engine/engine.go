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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/reqpath"
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
	// Workers is the warm-worker pool size of every python / node / process
	// function whose gateway file sets no `pool:` (serve --workers). It is
	// applied to a copy of the file before compiling (withWorkers), so the
	// runtimes see it as config.Function.Pool and need no other wiring.
	// 0 keeps the runtime's default of one worker.
	Workers int
}

// Engine runs requests through a compiled gateway. It is safe for
// concurrent use; Reload swaps the gateway without dropping requests.
type Engine struct {
	opts Options
	gw   atomic.Pointer[gateway]
	// cur counts the requests running on gw, so that a gateway replaced by
	// Reload closes its function workers only after its last request ends.
	cur atomic.Pointer[lease]
	mu  sync.Mutex // serialises Reload / Close
	ids *idSource
}

// lease tracks the requests running on one compiled gateway.
type lease struct {
	g       *gateway
	refs    atomic.Int64
	retired atomic.Bool
	once    sync.Once
}

// release ends one request; the last one out of a retired gateway closes it.
func (l *lease) release() {
	if l.refs.Add(-1) == 0 && l.retired.Load() {
		l.once.Do(l.g.close)
	}
}

// retire marks the gateway replaced and closes it if no request runs on it.
// Either retire or the last release sees the other's write, so the gateway
// is closed exactly once and never under a running request.
func (l *lease) retire() {
	l.retired.Store(true)
	if l.refs.Load() == 0 {
		l.once.Do(l.g.close)
	}
}

// acquire pins the current gateway for one request. A request that pinned a
// gateway just as Reload replaced it lets go and pins the new one, so it
// never runs on a gateway that may already be closed.
func (e *Engine) acquire() *lease {
	for {
		l := e.cur.Load()
		l.refs.Add(1)
		if e.cur.Load() == l {
			return l
		}
		l.release()
	}
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
	cg, err := compile(withWorkers(g, opts.Workers), opts.Clock, opts.Functions)
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: opts, ids: newIDSource(opts.Random)}
	e.gw.Store(cg)
	e.cur.Store(&lease{g: cg})
	return e, nil
}

// Reload swaps in a new gateway; requests in flight finish on the old one,
// whose function workers stop when the last of them ends. Caches and call
// counts start afresh, as after a redeploy.
func (e *Engine) Reload(g *config.Gateway) error {
	cg, err := compile(withWorkers(g, e.opts.Workers), e.opts.Clock, e.opts.Functions)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.gw.Store(cg)
	old := e.cur.Swap(&lease{g: cg})
	e.mu.Unlock()
	if old != nil {
		old.retire()
	}
	return nil
}

// withWorkers returns g with n as the pool of every python / node / process
// function that sets none. It copies what it changes: the caller's config
// stays as the file wrote it.
func withWorkers(g *config.Gateway, n int) *config.Gateway {
	if n <= 0 {
		return g
	}
	var out *config.Gateway
	for i, a := range g.Authorizers {
		f := a.Function
		if f == nil || f.Pool != 0 || (f.Runtime != "python" && f.Runtime != "node" && f.Runtime != "process") {
			continue
		}
		if out == nil {
			c := *g
			c.Authorizers = append([]*config.Authorizer(nil), g.Authorizers...)
			out = &c
		}
		ac, fc := *a, *f
		fc.Pool = n
		ac.Function = &fc
		out.Authorizers[i] = &ac
	}
	// ... and every function backend (a Lambda proxy integration).
	copied := false
	for i, r := range g.Routes {
		if r.Backend == nil || r.Backend.Function == nil {
			continue
		}
		f := r.Backend.Function
		if f.Pool != 0 || (f.Runtime != "python" && f.Runtime != "node" && f.Runtime != "process") {
			continue
		}
		if out == nil {
			c := *g
			out = &c
		}
		if !copied {
			out.Routes = append([]*config.Route(nil), g.Routes...)
			copied = true
		}
		rc, bc, fc := *r, *r.Backend, *f
		fc.Pool = n
		bc.Function = &fc
		rc.Backend = &bc
		out.Routes[i] = &rc
	}
	if out == nil {
		return g
	}
	return out
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

// idSource makes AWS-style request ids (UUID v4 layout) from the injected
// source. The default source, crypto/rand, is read a batch of ids at a
// time, so a request pays neither a system call nor the lock for long; an
// injected source is read 16 bytes per id, exactly as before, so that a
// test's ids do not depend on how many requests ran.
type idSource struct {
	mu      sync.Mutex
	r       io.Reader
	batched bool
	buf     [64 * 16]byte
	off     int // bytes of buf already used; len(buf) when empty
}

func newIDSource(r io.Reader) *idSource {
	s := &idSource{r: r, batched: r == rand.Reader}
	s.off = len(s.buf)
	return s
}

const nilRequestID = "00000000-0000-4000-8000-000000000000"

// next writes the next id into a and returns it.
func (s *idSource) next(a *textArena) string {
	var b [16]byte
	s.mu.Lock()
	var err error
	switch {
	case !s.batched:
		// into buf, not b: b would escape to the reader, one allocation
		_, err = io.ReadFull(s.r, s.buf[:len(b)])
		copy(b[:], s.buf[:])
	case s.off == len(s.buf):
		if _, err = io.ReadFull(s.r, s.buf[:]); err == nil {
			s.off = 0
		}
	}
	if s.batched && err == nil {
		copy(b[:], s.buf[s.off:])
		s.off += len(b)
	}
	s.mu.Unlock()
	if err != nil {
		return nilRequestID
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var h [36]byte
	hex.Encode(h[0:8], b[0:4])
	h[8] = '-'
	hex.Encode(h[9:13], b[4:6])
	h[13] = '-'
	hex.Encode(h[14:18], b[6:8])
	h[18] = '-'
	hex.Encode(h[19:23], b[8:10])
	h[23] = '-'
	hex.Encode(h[24:36], b[10:16])
	m := a.mark()
	a.buf = append(a.buf, h[:]...)
	return a.since(m)
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
	// Scratch is space a dialect keeps between its own calls; nil until a
	// dialect makes it. Memo and SetMemo keep a value or two without a map.
	Scratch map[string]string
	// Identity is $context.identity as far as the gateway filled it: the
	// API key (AWS-K6), the IAM caller (AWS-S8). ${request.identity[NAME]}.
	// nil until a stage fills it (SetIdentity).
	Identity map[string]string
	memo     [2]struct{ key, value string }
	// text is the request's string arena (flowState.text): trace text
	// built from parts costs no allocation of its own.
	text *textArena
	s    *flowState
}

// Memo returns a value a dialect kept for this request with SetMemo.
func (f *Flow) Memo(key string) (string, bool) {
	for _, m := range f.memo {
		if m.key == key {
			return m.value, true
		}
	}
	v, ok := f.Scratch[key]
	return v, ok
}

// SetMemo keeps a value for this request (methodArn, built once).
func (f *Flow) SetMemo(key, value string) {
	for i := range f.memo {
		if f.memo[i].key == "" || f.memo[i].key == key {
			f.memo[i].key, f.memo[i].value = key, value
			return
		}
	}
	if f.Scratch == nil {
		f.Scratch = map[string]string{}
	}
	f.Scratch[key] = value
}

// SetIdentity fills a $context.identity field for this request.
func (f *Flow) SetIdentity(key, value string) {
	if f.Identity == nil {
		f.Identity = map[string]string{}
	}
	f.Identity[key] = value
}

// Do runs one request through the gateway.
func (e *Engine) Do(ctx context.Context, req *Request) *Result {
	l := e.acquire()
	defer l.release()
	g := l.g
	now := e.opts.Clock.Now()
	s := &flowState{}
	s.text.buf = s.textBuf[:0]
	f := &s.f
	*f = Flow{Req: req, RequestID: e.ids.next(&s.text), Now: now, Gateway: g.cfg, text: &s.text, s: s}
	s.tr = trace.Trace{RequestID: f.RequestID, Time: now, Stages: s.stagePtrs[:0], Secrets: s.secrets[:0]}
	f.Trace = &s.tr
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Query == nil {
		req.Query = map[string][]string{}
	}
	s.res = Result{Request: req, Trace: f.Trace, Outcome: Skipped}
	s.p = pipeline{e: e, g: g, f: f, res: &s.res, ctx: ctx, s: s}
	s.p.run()
	return &s.res
}

// pipeline holds one request's state while the stages run.
type pipeline struct {
	e    *Engine
	g    *gateway
	f    *Flow
	res  *Result
	ctx  context.Context
	s    *flowState // the request's memory: stages, details and text come from it
	rt   *compiledRoute
	fail *Failure
	auth *authRun  // the route's authorizer at work
	dec  *Decision // its decision
	back *Decision // Huawei backend authorizer answer
	// skips holds why a later stage does not apply, set by an earlier one
	// (a cache hit: the function is not called).
	skips   []skipNote
	skipBuf [6]skipNote
	env     env // what transformations read, kept here rather than boxed anew
}

type skipNote struct{ name, why string }

// stageDef is one step of the pipeline. The table below is the pipeline:
// adding a stage is one entry, and the runner records what did not run.
type stageDef struct {
	name string
	run  func(*pipeline)
	// applies, when set, says whether the stage exists for this request at
	// all; a stage that does not apply is not recorded (most routes have
	// no backend authorizer, and their traces do not list one).
	applies func(*pipeline) bool
	// refused says why the stage does not run once an earlier stage has
	// refused the request; nil means it runs anyway.
	refused func(*pipeline) string
}

var stageTable = []stageDef{
	{name: trace.Route, run: (*pipeline).route},
	{name: trace.Identity, run: (*pipeline).identity, refused: authRefused},
	{name: trace.Cache, run: (*pipeline).cacheLookup, refused: authRefused},
	{name: trace.Authorizer, run: (*pipeline).callAuthorizer, refused: authRefused},
	// response-check is recorded by the authorizer stage, which checks the
	// answer it got; it appears here for its place and its skip reason.
	{name: trace.ResponseCheck, refused: authRefused},
	{name: trace.Policy, run: (*pipeline).policy, refused: authRefused},
	// AWS-K3: the API key and the usage plan after the authorizer.
	{name: trace.APIKey, run: (*pipeline).apiKey, refused: refusedAt, applies: usesAPIKey},
	{name: trace.UsagePlan, run: (*pipeline).usagePlan, refused: refusedAt, applies: usesAPIKey},
	{name: trace.BackendAuthorizer, run: (*pipeline).backendAuthorizer, refused: refusedAt,
		applies: func(p *pipeline) bool { return p.rt != nil && p.rt.backAuth != nil }},
	{name: trace.RequestTransform, run: (*pipeline).requestTransform, refused: refusedAt},
	{name: trace.Backend, run: (*pipeline).backend, refused: func(p *pipeline) string { return "not called: " + refusedAt(p) }},
	{name: trace.FailureResponse, run: (*pipeline).failureResponse},
	{name: trace.ResponseTransform, run: (*pipeline).responseTransform},
}

// authRefused is why an authorizer step did not run after a refusal, in
// the words of the step that refused.
func authRefused(p *pipeline) string {
	switch p.fail.Stage {
	case trace.Route:
		if p.fail.Rule == "AWSH-CORS3" {
			return "preflight answered by the gateway"
		}
		return "no route matched"
	case trace.Identity:
		return "identity refused: function not called"
	case trace.ResponseCheck:
		return "answer rejected: " + p.fail.Rule
	}
	return "no answer"
}

func refusedAt(p *pipeline) string {
	if p.fail.Rule == "AWSH-CORS3" {
		return "preflight answered by the gateway"
	}
	return "request refused at " + p.fail.Stage
}

func (p *pipeline) run() {
	for _, s := range stageTable {
		switch {
		case s.applies != nil && !s.applies(p):
		case p.recorded(s.name):
			// recorded by an earlier stage (response-check by authorizer)
		case p.skipped(s.name) != "":
			p.skip(s.name, p.skipped(s.name))
		case p.fail != nil && s.refused != nil:
			p.skip(s.name, s.refused(p))
		case s.run != nil:
			s.run(p)
		}
	}
	p.registerSecrets()
}

// skipAs marks a later stage as not applying, and why.
func (p *pipeline) skipAs(name, why string) {
	for i := range p.skips {
		if p.skips[i].name == name {
			p.skips[i].why = why
			return
		}
	}
	if p.skips == nil {
		p.skips = p.skipBuf[:0]
	}
	p.skips = append(p.skips, skipNote{name, why})
}

// skipped is why an earlier stage said name does not apply, "" if none did.
func (p *pipeline) skipped(name string) string {
	for _, n := range p.skips {
		if n.name == name {
			return n.why
		}
	}
	return ""
}

func (p *pipeline) recorded(name string) bool {
	for _, st := range p.f.Trace.Stages {
		if st.Name == name {
			return true
		}
	}
	return false
}

// stage starts a stage; finish it with done.
func (p *pipeline) stage(name string) (*trace.Stage, time.Time) {
	st := p.s.newStage(name, trace.OK)
	p.f.Trace.Stages = append(p.f.Trace.Stages, st)
	return st, time.Now()
}

func (p *pipeline) done(st *trace.Stage, start time.Time) {
	st.Duration = p.e.opts.Elapsed(start)
}

// skip records a stage that did not run, and why.
func (p *pipeline) skip(name, why string) {
	st := p.s.newStage(name, trace.Skip)
	st.Summary = why
	p.f.Trace.Stages = append(p.f.Trace.Stages, st)
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

func (p *pipeline) route() {
	st, start := p.stage(trace.Route)
	defer p.done(st, start)
	req := p.f.Req
	raw := req.RawPath
	if raw == "" {
		raw = reqpath.Escape(req.Path)
		req.RawPath = raw
	}
	path, err := reqpath.Parse(raw)
	if err != nil {
		p.badPath(st, raw, err.Error())
		return
	}
	// From here on every stage, event and the backend see one path: the
	// canonical decoded form of what was sent (PATH-4).
	req.Path = path.Decoded
	if raw != path.Decoded {
		st.Add("path.raw", raw).Add("path.decoded", path.Decoded)
	}
	var pathOnly *compiledRoute
	for _, r := range p.g.routes {
		params, ok := r.tpl.MatchSegments(path.Segments)
		if !ok {
			continue
		}
		if !r.allows(req.Method) {
			if pathOnly == nil {
				pathOnly = r
			}
			continue
		}
		if path.EncodedSlash != "" && !r.cfg.AllowEncodedSlash {
			p.badPath(st, raw, fmt.Sprintf("segment %q: an encoded slash or backslash, which route %s does not accept (allowEncodedSlash: true would)", path.EncodedSlash, r.tpl.Src))
			return
		}
		p.rt = r
		p.f.Route, p.f.Template, p.f.Params = r.cfg, r.tpl.Src, params
		p.res.Route = r.tpl.Src
		st.Summary = p.s.text.concat(req.Method, " ", req.Path, " → ", r.tpl.Src)
		st.Add("route", r.tpl.Src).Add("methods", r.methodsText)
		for i, name := range r.params {
			st.Add(r.paramKeys[i], params[name])
		}
		if r.auth != nil {
			st.Add("authorizer", r.auth.label)
			p.res.Authorizer = r.auth.cfg.Name
		} else {
			st.Add("authorizer", "none")
		}
		st.Add("backend", r.backendText)
		return
	}
	if path.EncodedSlash != "" {
		p.badPath(st, raw, fmt.Sprintf("segment %q: an encoded slash or backslash, and no route accepts it", path.EncodedSlash))
		return
	}
	if pf, ok := p.g.platform.(preflighter); ok {
		if fl := pf.Preflight(p.f, st); fl != nil {
			// Not a refusal: the gateway's own answer, before any authorizer.
			p.fail = fl
			return
		}
	}
	fl := p.g.platform.NoRoute(p.f)
	if pathOnly != nil {
		fl.Reason = fmt.Sprintf("%s %s: route %s exists but does not allow %s (methods %s)", req.Method, req.Path, pathOnly.tpl.Src, req.Method, methodsOf(pathOnly.cfg))
	} else if len(p.g.routeList) > 0 {
		// A typo in a path, or the wrong gateway file: say what exists.
		fl.Reason += "; the gateway has " + routesText(p.g.routeList)
		st.Add("routes", strings.Join(p.g.routeList, "\n"))
	}
	p.failed(st, fl)
}

// routesText lists the first routes of a gateway, and how many more.
func routesText(routes []string) string {
	const shown = 6
	if len(routes) <= shown {
		return strings.Join(routes, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(routes[:shown], ", "), len(routes)-shown)
}

// badPath refuses a request whose path routing and the backend could read
// differently, before any authorizer runs (PATH-5).
func (p *pipeline) badPath(st *trace.Stage, raw, why string) {
	st.Add("path.raw", raw)
	fl := p.g.platform.BadPath(p.f, "path refused before routing: "+why)
	st.Summary = fl.Reason
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
