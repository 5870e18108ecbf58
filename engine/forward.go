package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// forward is nginx auth_request and Traefik ForwardAuth (semantics.md §5,
// FWD-1..3): a subrequest to an HTTP auth service decides.
type forward struct {
	traefik         bool
	requestHeaders  []string // nil = all client headers
	responseHeaders []string
	caller          *forwardCaller
}

func newForward(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	timeout := 3 * time.Second
	if a.Timeout != nil {
		timeout = a.Timeout.Duration
	}
	o := forwardOptions(a)
	d := &forward{traefik: o.Mode == "traefik", requestHeaders: o.AuthRequestHeaders, responseHeaders: o.AuthResponseHeaders,
		caller: &forwardCaller{url: o.URL, timeout: timeout}}
	return d, nil
}

func (d *forward) DefaultTTL() time.Duration { return 0 }

// subrequest is the event: the request the auth service receives.
type subrequest struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
}

// subanswer is what the auth service answered.
type subanswer struct {
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
}

func (d *forward) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	// Forward auth has no identity sources: every request is sent to the
	// service, which decides from the headers.
	var id Identity
	if a := f.Req.Header.Get("Authorization"); a != "" {
		id.Secrets = append(id.Secrets, a)
	}
	st.Summary = "forward auth: the whole request goes to the auth service"
	return id, nil
}

// subrequestOf is the request the auth service receives (FWD-1, FWD-2).
func (d *forward) subrequestOf(f *Flow) subrequest {
	r := f.Req
	h := http.Header{}
	for name, vals := range r.Header {
		if d.requestHeaders != nil && !containsFold(d.requestHeaders, name) {
			continue
		}
		h[name] = append([]string(nil), vals...)
	}
	backend.StripHopByHop(h)
	h.Del("Content-Length")
	method := r.Method
	if d.traefik {
		method = "GET" // FWD-2
		h.Set("X-Forwarded-Method", r.Method)
		h.Set("X-Forwarded-Proto", "http")
		h.Set("X-Forwarded-Host", r.Host)
		h.Set("X-Forwarded-Uri", r.Target())
		h.Set("X-Forwarded-For", r.SourceIP)
	} else {
		h.Set("X-Original-URI", r.Target()) // FWD-1
		h.Set("X-Original-Method", r.Method)
	}
	return subrequest{Method: method, URL: d.caller.url, Headers: h}
}

// Decide sends the subrequest and decides from the auth service's answer,
// recording both as the trace's event and answer.
func (d *forward) Decide(ctx context.Context, f *Flow, id Identity, st *trace.Stage) (*Decision, *Failure) {
	sr := d.subrequestOf(f)
	if b, err := marshalEvent(sr); err == nil {
		st.AddJSON("subrequest", b)
	}
	ans, err := d.caller.call(ctx, sr)
	if err != nil {
		st.Status, st.Summary = trace.Fail, "auth service broke: "+err.Error()
		st.Add("error", err.Error())
		return nil, d.unreachable(err)
	}
	if b, err := marshalEvent(ans); err == nil {
		st.AddJSON("answer", b)
	}
	st.Summary = fmt.Sprintf("auth service answered %d", ans.Status)
	return d.decide(ans, st)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// nginxPage is nginx's own error page for a status.
func nginxPage(status int) string {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if status == 401 {
		title = "401 Authorization Required"
	}
	return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
}

func nginxFailure(rule, reason string, status int) *Failure {
	h := http.Header{}
	h.Set("Content-Type", "text/html")
	return &Failure{Rule: rule, Reason: reason, Status: status, Header: h, Body: []byte(nginxPage(status))}
}

func (d *forward) unreachable(err error) *Failure {
	if d.traefik {
		fl := jsonFailure("", "FWD-2", "auth service unreachable: "+err.Error(), 500, "Internal Server Error")
		fl.Header.Set("Content-Type", "text/plain; charset=utf-8")
		return fl
	}
	return nginxFailure("FWD-1", "auth service gave no answer: "+err.Error(), 500)
}

// decide reads the auth service's answer as nginx or Traefik does.
func (d *forward) decide(ans subanswer, st *trace.Stage) (*Decision, *Failure) {
	h := http.Header(ans.Headers)
	st.Add("status", fmt.Sprint(ans.Status))
	if ans.Status >= 200 && ans.Status < 300 {
		dec := &Decision{Context: map[string]string{}, Policy: forwardAnswer(h)}
		names := make([]string, 0, len(h))
		for k := range h {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			dec.Context[k] = strings.Join(h[k], ",")
		}
		dec.Principal = firstNonEmpty(h.Get("X-Auth-Request-User"), h.Get("X-Forwarded-User"), h.Get("Remote-User"), h.Get("X-User"))
		st.Rule(map[bool]string{true: "FWD-2", false: "FWD-1"}[d.traefik])
		st.Summary = fmt.Sprintf("auth service answered %d: allowed", ans.Status)
		return dec, nil
	}
	if d.traefik {
		// FWD-2: any other answer goes to the client verbatim.
		return nil, &Failure{Rule: "FWD-2", Reason: fmt.Sprintf("auth service answered %d: returned to the client as is", ans.Status),
			Status: ans.Status, Header: h.Clone(), Body: []byte(ans.Body)}
	}
	switch ans.Status {
	case 401:
		fl := nginxFailure("FWD-1", "auth service answered 401", 401)
		if v := h.Get("WWW-Authenticate"); v != "" {
			fl.Header.Set("WWW-Authenticate", v)
		}
		return nil, fl
	case 403:
		return nil, nginxFailure("FWD-1", "auth service answered 403", 403)
	}
	return nil, nginxFailure("FWD-1", fmt.Sprintf("auth service answered %d: nginx answers 500 for anything but 2xx, 401 and 403", ans.Status), 500)
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// Authorize copies authResponseHeaders onto the upstream request (FWD-3):
// the transformation stage applies them from the decision.
func (d *forward) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	st.Summary = "2xx from the auth service"
	if len(d.responseHeaders) > 0 {
		st.Add("authResponseHeaders", strings.Join(d.responseHeaders, ", ")).Rule("FWD-3")
	}
	return nil
}

// Inject deletes each authResponseHeaders name from the upstream request,
// then sets it from the auth answer if there (FWD-3): a forged X-User from
// the client never survives.
func (d *forward) Inject(dec *Decision, h http.Header) []trace.Change {
	answer, _ := dec.Policy.(forwardAnswer)
	var ch []trace.Change
	for _, name := range d.responseHeaders {
		old, had := h[http.CanonicalHeaderKey(name)]
		h.Del(name)
		vals := http.Header(answer).Values(name)
		c := trace.Change{Target: "header", Name: http.CanonicalHeaderKey(name), Old: old, Note: "authResponseHeaders (FWD-3)"}
		switch {
		case len(vals) > 0 && had:
			h[http.CanonicalHeaderKey(name)] = vals
			c.Op, c.New = "overwritten", vals
		case len(vals) > 0:
			h[http.CanonicalHeaderKey(name)] = vals
			c.Op, c.New = "set", vals
		case had:
			c.Op = "removed"
			c.Note = "client value removed; the auth service did not set it (FWD-3)"
		default:
			continue
		}
		ch = append(ch, c)
	}
	return ch
}

// forwardCaller makes the subrequest.
type forwardCaller struct {
	url     string
	timeout time.Duration
}

func (c *forwardCaller) call(ctx context.Context, sr subrequest) (subanswer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := backend.Send(ctx, sr.Method, sr.URL, http.Header(sr.Headers))
	if err != nil {
		var ne net.Error
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return subanswer{}, runtime.TimeoutError(c.timeout)
		}
		return subanswer{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	h := resp.Header.Clone()
	backend.StripHopByHop(h)
	return subanswer{Status: resp.StatusCode, Headers: h, Body: string(body)}, nil
}

// forwardAnswer is the auth service's answer headers, kept with the
// decision so the transformation stage can copy authResponseHeaders.
type forwardAnswer http.Header

func (a forwardAnswer) Describe() string {
	return fmt.Sprintf("%d header(s) from the auth service", len(a))
}

// TokenSlot: the auth service sees the client's headers; Authorization is
// where clients put a bearer token.
func (d *forward) TokenSlot() (TokenSlot, bool) { return DefaultTokenSlot, true }

// nginx auth_request and Traefik ForwardAuth (FWD-*).
var _ = register(&Spec{Rank: 100, Type: "forward", New: newForward, CacheRules: [2]string{"FWD-1", "FWD-1"},
	Fixture: "forward.yaml",
	Config: config.TypeSpec{Platform: "generic", Common: []string{"timeout"},
		Options: func() any { return &ForwardOptions{} }, Validate: validateForward}})

// ForwardOptions are a forward authorizer's own keys.
type ForwardOptions struct {
	Mode                string            `yaml:"mode" doc:"nginx (auth_request, default) or traefik (ForwardAuth)." enum:"nginx,traefik"`
	URL                 string            `yaml:"url" doc:"The auth service URL." format:"uri"`
	AuthRequestHeaders  config.StringList `yaml:"authRequestHeaders" doc:"Client headers sent to the auth service (default: all)."`
	AuthResponseHeaders config.StringList `yaml:"authResponseHeaders" doc:"Auth-answer headers copied onto the upstream request (client values removed first)."`
}

// Secrets: a password in the auth service URL.
func (o *ForwardOptions) Secrets() []string { return redact.URLSecrets(o.URL) }

// ForwardOptionsOf returns a forward authorizer's options (empty for other
// types).
func ForwardOptionsOf(a *config.Authorizer) *ForwardOptions { return forwardOptions(a) }

func forwardOptions(a *config.Authorizer) *ForwardOptions {
	if o, ok := a.Options.(*ForwardOptions); ok {
		return o
	}
	return &ForwardOptions{}
}

func validateForward(c *config.Check) {
	a, o := c.A, forwardOptions(c.A)
	if o.URL == "" {
		c.ErrAtKey("", "authorizer %q: forward needs url: the auth service", a.Name)
	} else if !config.IsHTTPURL(o.URL) {
		c.Err("url", "url %q: expected an absolute http:// or https:// URL", o.URL)
	}
	for i, h := range o.AuthResponseHeaders {
		if !config.ValidHeaderName(h) {
			c.Err(fmt.Sprintf("authResponseHeaders[%d]", i), "invalid header name %q", h)
		}
	}
}
