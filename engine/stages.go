package engine

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/expr"
	"github.com/authlab/authlab/engine/trace"
)

// env answers ${request...} expressions for one request.
type env struct {
	f    *Flow
	dec  *Decision
	back *Decision // a Huawei backend authorizer's answer
}

func (e env) Lookup(table, name string) (string, bool) {
	r := e.f.Req
	switch table {
	case expr.Auth:
		if rest, ok := strings.CutPrefix(name, "backend."); ok {
			if e.back == nil {
				return "", false
			}
			v, ok := e.back.Context[rest]
			return v, ok
		}
		name = strings.TrimPrefix(name, "frontend.")
		if e.dec == nil {
			return "", false
		}
		if v, ok := e.dec.Context[name]; ok {
			return v, true
		}
		// OCI-T1: context names match case-insensitively when the exact
		// spelling is absent.
		for k, v := range e.dec.Context {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		switch name {
		case "principalId", "principal":
			return e.dec.Principal, e.dec.Principal != ""
		case "scope":
			return strings.Join(e.dec.Scopes, " "), len(e.dec.Scopes) > 0
		}
		return "", false
	case expr.Headers:
		v := r.Header.Values(name)
		return strings.Join(v, ","), len(v) > 0
	case expr.Query:
		v, ok := r.Query[name]
		return strings.Join(v, ","), ok
	case expr.Path:
		v, ok := e.f.Params[name]
		return v, ok
	case expr.Host:
		return r.Host, r.Host != ""
	case expr.Body:
		return string(r.Body), len(r.Body) > 0
	case expr.Cert:
		return r.Cert, r.Cert != ""
	case expr.Identity:
		if name == "sourceIp" {
			return r.SourceIP, r.SourceIP != ""
		}
		if name == "userAgent" {
			return r.Header.Get("User-Agent"), r.Header.Get("User-Agent") != ""
		}
		v, ok := e.f.Identity[name]
		return v, ok
	}
	return "", false
}

func (p *pipeline) requestTransform() {
	st, start := p.stage(trace.RequestTransform)
	defer p.done(st, start)
	req := p.f.Req
	up := &p.s.upstream
	*up = backend.Request{Method: req.Method, Path: req.Path, RawPath: req.RawPath, RawQuery: req.rawQuery(),
		Query: cloneValues(req.Query), Header: req.Header.Clone(), Body: req.Body, Host: req.Host, ClientIP: req.SourceIP,
		Upgrade: backend.UpgradeType(req.Header), Trailer: req.Trailer}
	backend.StripHopByHop(up.Header)
	p.res.Upstream = up
	if inj, ok := p.rt.authDialect().(headerInjector); ok && p.dec != nil {
		st.Changes = append(st.Changes, inj.Inject(p.dec, up.Header)...)
	}
	if p.rt.reqT == nil && len(st.Changes) == 0 {
		st.Status, st.Summary = trace.Skip, "route has no request transformations"
		return
	}
	p.env = env{p.f, p.dec, p.back}
	if ch := p.rt.reqT.Apply(up.Header, up.Query, &p.env); len(st.Changes) == 0 {
		st.Changes = ch
	} else {
		st.Changes = append(st.Changes, ch...)
	}
	if queryChanged(st.Changes) {
		up.RawQuery = editQuery(up.RawQuery, up.Query)
		st.Add("query", up.RawQuery)
	}
	st.Summary = summarizeChanges(p.s, st.Changes)
	for _, c := range st.Changes {
		if c.Op == "overwritten" || (c.Op == "removed" && c.Target == "header") {
			st.Rule("ALL-1")
			break
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}

// summarizeChanges counts the changes by kind, in the order each kind
// first appears: "2 set, 1 skipped".
func summarizeChanges(s *flowState, ch []trace.Change) string {
	if len(ch) == 0 {
		return "nothing to change"
	}
	t := &s.text
	m := t.mark()
	for i, c := range ch {
		seen := false
		for _, prior := range ch[:i] {
			seen = seen || prior.Op == c.Op
		}
		if seen {
			continue
		}
		n := 0
		for _, other := range ch[i:] {
			if other.Op == c.Op {
				n++
			}
		}
		if t.mark() > m {
			t.str(", ")
		}
		t.int(int64(n)).str(" ").str(c.Op)
	}
	return t.since(m)
}

func (p *pipeline) backend() {
	st, start := p.stage(trace.Backend)
	defer p.done(st, start)
	up := p.res.Upstream
	st.Add("backend", p.rt.backendText).Add("request", p.s.text.concat(up.Method, " ", up.Target()))
	if p.rt.integ != nil {
		p.invokeIntegration(p.rt.integ, st)
		return
	}
	ctx := p.ctx
	resp, err := p.rt.backend.Serve(ctx, up)
	if err != nil {
		timeout := errors.Is(err, backend.ErrTimeout)
		fl := p.g.platform.BackendFailure(p.f, err, timeout)
		p.failed(st, fl)
		return
	}
	t := &p.s.text
	m := t.mark()
	status := t.int(int64(resp.Status)).since(m)
	st.Summary = t.concat(status, " ", http.StatusText(resp.Status))
	st.Add("status", status)
	if resp.Stream != nil {
		st.Add("body", "streamed to the client, not recorded")
	}
	if resp.Upgraded {
		st.Add("upgrade", up.Upgrade+": connections joined after the 101")
	}
	p.s.resp = Response{Status: resp.Status, Header: resp.Header, Body: resp.Body, Stream: resp.Stream,
		Trailer: resp.Trailer, Upgraded: resp.Upgraded}
	p.res.Response = &p.s.resp
}

func (p *pipeline) failureResponse() {
	if p.fail == nil {
		p.skip(trace.FailureResponse, "request was not refused")
		return
	}
	st, start := p.stage(trace.FailureResponse)
	defer p.done(st, start)
	fl := *p.fail
	h := fl.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	fl.Header = h
	// What the platform made of the refusal (gateway responses, CORS),
	// recorded after the refusal's own rule and reason.
	shaped := &trace.Stage{}
	if sh, ok := p.g.platform.(refusalShaper); ok {
		var dec *Decision
		if p.auth != nil {
			dec = p.auth.dec
		}
		sh.ShapeRefusal(p.f, &fl, dec, shaped)
		h = fl.Header
	}
	p.g.platform.Decorate(p.f, h)
	p.res.Response = &Response{Status: fl.Status, Header: h, Body: fl.Body}
	st.Summary = fmt.Sprintf("%d from %s", fl.Status, fl.Stage)
	if fl.Rule == "AWSH-CORS3" {
		st.Summary = fmt.Sprintf("%d: preflight answered by the gateway", fl.Status)
	}
	if fl.Rule != "" {
		st.Rule(fl.Rule)
		st.Summary += " (" + fl.Rule + ")"
	}
	st.Rule(shaped.Rules...)
	st.Add("status", fmt.Sprint(fl.Status)).Add("reason", fl.Reason)
	st.Details = append(st.Details, shaped.Details...)
	for _, k := range backend.SortedKeys(h) {
		st.Add("header."+k, strings.Join(h[k], ", "))
	}
	st.AddJSON("body", fl.Body)
}

func (p *pipeline) responseTransform() {
	if p.fail != nil {
		p.skip(trace.ResponseTransform, "gateway answered a refusal: route response transformations do not apply")
		return
	}
	resp := p.res.Response
	p.g.platform.Decorate(p.f, resp.Header)
	sh, shapes := p.g.platform.(answerShaper)
	shapes = shapes && sh.ShapesAnswer(p.f)
	if p.rt.respT == nil && !shapes {
		p.skip(trace.ResponseTransform, "route has no response transformations")
		return
	}
	st, start := p.stage(trace.ResponseTransform)
	defer p.done(st, start)
	if p.rt.respT != nil {
		p.env = env{p.f, p.dec, p.back}
		st.Changes = p.rt.respT.Apply(resp.Header, nil, &p.env)
		st.Summary = summarizeChanges(p.s, st.Changes)
	}
	if shapes {
		// The gateway's own edits come last: HTTP API CORS (AWSH-CORS5).
		sh.ShapeAnswer(p.f, resp, st)
	}
}

// refusalShaper is a platform that reshapes its refusals as the file
// configures them, recording into the failure-response stage: REST API
// gateway responses (AWS-G4), HTTP API CORS headers (AWSH-CORS7).
type refusalShaper interface {
	ShapeRefusal(f *Flow, fl *Failure, dec *Decision, st *trace.Stage)
}

// answerShaper is a platform that edits the integration's answer (HTTP
// API CORS, AWSH-CORS5), recording into the response-transform stage.
type answerShaper interface {
	ShapesAnswer(f *Flow) bool
	ShapeAnswer(f *Flow, resp *Response, st *trace.Stage)
}

func (r *compiledRoute) authDialect() Dialect {
	if r.auth == nil {
		return nil
	}
	return r.auth.dialect
}

// backendAuthorize runs a Huawei backend authorizer (HW-B1) before the
// backend call; what it did is recorded on the request-transform stage
// under "backendAuthorizer.*" keys.
