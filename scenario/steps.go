package scenario

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/authlab/authlab/docs"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/route"
	"github.com/authlab/authlab/engine/sigv4"
)

// ruleID is the shape of a rule id (docs/rules): AWS-C3, AWSH-R1, JWT-2,
// AWSH-CORS3.
var ruleID = regexp.MustCompile(`^[A-Z]+-[A-Z]*[0-9]+$`)

func (l *loader) loadSteps() {
	sc := &scope{vars: l.vars, tokens: l.tokens, getenv: l.opts.Getenv, allowed: []string{nsVars, nsTokens, nsEnv}}
	for i, st := range l.f.Steps {
		base := fmt.Sprintf("steps[%d]", i)
		if _, written := l.pos[0].Value(base); st == nil || !written || reflect.ValueOf(*st).IsZero() {
			// An empty list item: the decoder said so already.
			continue
		}
		p := &StepPlan{Index: i, Line: l.at(base).Line, Name: l.render(sc, base+".name", st.Name)}
		if st.Advance != nil {
			p.Advance = st.Advance.Duration
		}
		switch {
		case st.Probe != nil && (st.Request != nil || st.Expect != nil):
			l.errKey(base+".probe", "%s: probe is a step of its own: move request and expect to another step", base)
		case st.Probe != nil:
			p.Probe = l.probe(sc, base+".probe", st.Probe)
		case st.Request == nil && st.Expect != nil:
			l.errKey(base+".expect", "%s: expect without a request; add request: {method, path}", base)
		case st.Request == nil && st.Advance == nil:
			l.errf(base, "%s: a step needs request (with expect), probe or advance", base)
		case st.Request != nil:
			p.Request = l.request(sc, base+".request", st.Request)
		}
		if p.Name == "" {
			switch {
			case p.Probe != nil:
				p.Name = p.Probe.String()
			case p.Request != nil:
				p.Name = p.Request.String()
			default:
				p.Name = "advance " + p.Advance.String()
			}
		}
		if st.Expect != nil && st.Request != nil {
			// Checked even when the request itself is wrong, so one run
			// reports every problem of the file.
			p.Checks = l.expect(sc, base+".expect", st.Expect)
		}
		wantsNoRoute := st.Expect != nil && st.Expect.Route == routeNone
		if pp := p.Probe; pp != nil && l.gw != nil {
			if rp := (&RequestPlan{Method: pp.Method, Target: pp.Target}); l.routeFor(rp) == "" {
				l.errf(base+".probe.route", "probe %s %s matches no route of the gateway%s; routes: %s",
					pp.Method, pp.Target, suggestName(pathOnly(pp.Target), l.routePaths()), strings.Join(l.routePaths(), ", "))
			}
		}
		if p.Request != nil && l.gw != nil && !wantsNoRoute && l.routeFor(p.Request) == "" {
			l.errf(base+".request.path", "request %s matches no route of the gateway%s; routes: %s (to test the no-route answer, add route: none to expect)",
				p.Request, suggestName(pathOnly(p.Request.Target), l.routePaths()), strings.Join(l.routePaths(), ", "))
		}
		l.sc.Plan = append(l.sc.Plan, p)
	}
}

// request resolves a step's request and checks it names a route.
func (l *loader) request(sc *scope, base string, r *Request) *RequestPlan {
	out := *r
	out.Method = l.render(sc, base+".method", r.Method)
	if m := strings.ToUpper(out.Method); m != "" && !slices.Contains(httpMethods, m) {
		l.errf(base+".method", "unknown method %q; expected one of %s%s", out.Method, strings.Join(httpMethods, ", "), config.Suggest(m, httpMethods))
		return nil
	}
	out.Path = l.render(sc, base+".path", r.Path)
	out.Host = l.render(sc, base+".host", r.Host)
	out.SourceIP = l.render(sc, base+".sourceIp", r.SourceIP)
	out.Headers = l.renderSet(sc, base+".headers", r.Headers)
	out.Query = l.renderSet(sc, base+".query", r.Query)
	var body []byte
	switch b := l.renderAny(sc, base+".body", r.Body).(type) {
	case nil:
	case string:
		body = []byte(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			l.errf(base+".body", "body: cannot be sent as JSON: %v", err)
		}
		body = j
		if !hasHeader(out.Headers, "Content-Type") {
			out.Headers = withHeader(out.Headers, "Content-Type", "application/json")
		}
	}
	p := requestPlan(&out, body)
	if _, err := p.Build(); err != nil {
		l.errf(base+".path", "request: %v", err)
		return nil
	}
	if r.SigV4 != nil {
		p.SigV4 = l.sigv4(sc, base+".sigv4", r.SigV4)
	}
	return p
}

// sigv4 resolves a step's signing: the credentials come from the gateway
// file unless the step gives its own secret.
func (l *loader) sigv4(sc *scope, base string, s *SigV4) *SigV4Plan {
	keyID := l.render(sc, base+".accessKeyId", s.AccessKeyID)
	p := &SigV4Plan{Creds: sigv4.Credentials{AccessKeyID: keyID, SecretAccessKey: l.render(sc, base+".secretAccessKey", s.SecretAccessKey)},
		Region: l.render(sc, base+".region", s.Region), Host: l.render(sc, base+".host", s.Host)}
	if l.gw != nil {
		if c := l.gw.AWS.Credential(keyID); c != nil {
			if p.Creds.SecretAccessKey == "" {
				p.Creds.SecretAccessKey = c.Secret
			}
			p.Creds.SessionToken = c.SessionToken
		} else if p.Creds.SecretAccessKey == "" {
			var ids []string
			for _, c := range l.gw.AWS.Credentials {
				ids = append(ids, c.Name)
			}
			l.errf(base+".accessKeyId", "sigv4: no credentials %q in the gateway's aws.credentials%s (defined: %s); give secretAccessKey to sign with a key the gateway does not know", keyID, config.Suggest(keyID, ids), config.ListOrNone(ids))
		}
		if p.Region == "" {
			p.Region = l.gw.AWS.Region
		}
	}
	if p.Region == "" {
		p.Region = config.DefaultRegion
	}
	if tok := l.render(sc, base+".sessionToken", s.SessionToken); tok != "" {
		p.Creds.SessionToken = tok
	}
	if s.Offset != "" {
		d, err := time.ParseDuration(strings.TrimSpace(s.Offset))
		if err != nil {
			l.errf(base+".offset", "sigv4 offset %q: expected a duration such as -6m or 10m", s.Offset)
		}
		p.Offset = d
	}
	return p
}

func (l *loader) renderSet(sc *scope, base string, m map[string]config.StringList) map[string]config.StringList {
	if m == nil {
		return nil
	}
	out := make(map[string]config.StringList, len(m))
	for _, k := range keys(m) {
		vals := make(config.StringList, len(m[k]))
		for i, v := range m[k] {
			path := fmt.Sprintf("%s.%s[%d]", base, k, i)
			if len(m[k]) == 1 {
				if _, ok := l.pos[0].Value(path); !ok {
					path = base + "." + k
				}
			}
			vals[i] = l.render(sc, path, v)
		}
		out[k] = vals
	}
	return out
}

func hasHeader(h map[string]config.StringList, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func withHeader(h map[string]config.StringList, name, value string) map[string]config.StringList {
	if h == nil {
		h = map[string]config.StringList{}
	}
	h[name] = config.StringList{value}
	return h
}

// routeFor returns the gateway route a request reaches, or "".
func (l *loader) routeFor(p *RequestPlan) string {
	req, err := p.Build()
	if err != nil {
		return ""
	}
	// The engine tries the most specific template first; any match means
	// the request has a route, which is all this check needs.
	for _, r := range l.gw.Routes {
		t, err := route.Parse(r.Path)
		if err != nil {
			continue
		}
		if _, ok := t.Match(req.Path); !ok || !methodAllowed(r.Methods, req.Method) {
			continue
		}
		return r.Path
	}
	if l.gw.AWS.CORS != nil && req.Method == "OPTIONS" {
		// aws.cors answers OPTIONS itself: on a REST API with SAM's OPTIONS
		// mock on every path (AWS-G13), on an HTTP API with the gateway's
		// own preflight answer (AWSH-CORS3).
		if l.gw.Platform == "aws-http" && req.Header.Get("Origin") != "" && req.Header.Get("Access-Control-Request-Method") != "" {
			return "(preflight answered by the gateway)"
		}
		for _, r := range l.gw.Routes {
			if t, err := route.Parse(r.Path); err == nil {
				if _, ok := t.Match(req.Path); ok {
					return r.Path
				}
			}
		}
	}
	return ""
}

func methodAllowed(methods config.StringList, m string) bool {
	if len(methods) == 0 {
		return true
	}
	for _, x := range methods {
		if strings.EqualFold(x, m) || strings.EqualFold(x, "ANY") {
			return true
		}
	}
	return false
}

func (l *loader) routePaths() []string {
	out := make([]string, len(l.gw.Routes))
	for i, r := range l.gw.Routes {
		out[i] = r.Path
	}
	return out
}

func (l *loader) authorizerNames() []string {
	out := make([]string, len(l.gw.Authorizers))
	for i, a := range l.gw.Authorizers {
		out[i] = a.Name
	}
	return out
}

// expect compiles a step's expectations in a fixed order, the order the
// report lists failures in.
func (l *loader) expect(sc *scope, base string, e *Expect) []check {
	var checks []check
	if e.Route != "" {
		want := l.render(sc, base+".route", e.Route)
		if l.gw != nil && want != routeNone && !slices.Contains(l.routePaths(), want) {
			l.errf(base+".route", "route: unknown route %q%s; the gateway has: %s (or none: no route matches)", want, suggestName(want, l.routePaths()), strings.Join(l.routePaths(), ", "))
		}
		checks = append(checks, routeCheck(want))
	}
	if e.Status != 0 && (e.Status < 100 || e.Status > 599) {
		l.errf(base+".status", "status %d: expected an HTTP status code 100-599", e.Status)
	} else if e.Status != 0 {
		checks = append(checks, statusCheck(e.Status))
	}
	if e.Authorizer != "" {
		checks = append(checks, authorizerCheck(e.Authorizer))
	}
	if e.Principal != nil {
		checks = append(checks, principalCheck(l.render(sc, base+".principal", *e.Principal)))
	}
	if e.Upstream != nil {
		if up := l.upstream(sc, base+".upstream", e.Upstream); up != nil {
			checks = append(checks, upstreamChecks(up)...)
		}
	}
	if e.Headers != nil {
		checks = append(checks, setCheck("headers", l.setPlan(sc, base+".headers", e.Headers, true), responseHeaders))
	}
	if e.Body != nil {
		checks = append(checks, bodyCheck("body", l.body(sc, base+".body", e.Body), func(o *observed) ([]byte, bool) {
			return o.res.Response.Body, true
		}))
	}
	for _, name := range keys(e.Calls) {
		if l.gw != nil && !slices.Contains(l.authorizerNames(), name) {
			l.errKey(base+".calls."+name, "calls: unknown authorizer %q%s; the gateway has: %s", name, suggestName(name, l.authorizerNames()), orNone(l.authorizerNames()))
			continue
		}
		if e.Calls[name] < 0 {
			l.errf(base+".calls."+name, "calls.%s: a count cannot be negative", name)
		}
		checks = append(checks, callsCheck(name, e.Calls[name]))
	}
	if len(e.Rules) > 0 {
		for i, id := range e.Rules {
			path := fmt.Sprintf("%s.rules[%d]", base, i)
			if _, ok := l.pos[0].Value(path); !ok {
				path = base + ".rules"
			}
			if _, known := docs.Lookup(id); !ruleID.MatchString(id) {
				l.errf(path, "rules: %q is not a rule id such as AWS-C3 or JWT-2 ('authlab explain' lists them)", id)
			} else if !known {
				l.errf(path, "rules: unknown rule %q%s; 'authlab explain' lists them", id, suggestName(id, docs.IDs()))
			}
		}
		checks = append(checks, rulesCheck(e.Rules))
	}
	return checks
}

func pathOnly(target string) string {
	p, _, _ := strings.Cut(target, "?")
	return p
}

// upstream compiles `upstream:`, which is `none` or a mapping.
func (l *loader) upstream(sc *scope, base string, n ast.Node) *upstreamPlan {
	switch t := n.(type) {
	case *ast.StringNode:
		if t.Value == "none" {
			return &upstreamPlan{none: true}
		}
		l.errf(base, "upstream: expected none or a mapping of headers, query, path, method, body; found %q", t.Value)
		return nil
	case *ast.MappingNode, *ast.MappingValueNode:
	case *ast.NullNode:
		l.errf(base, "upstream: expected none or a mapping of headers, query, path, method, body")
		return nil
	default:
		l.errf(base, "upstream: expected none or a mapping of headers, query, path, method, body")
		return nil
	}
	var u Upstream
	l.pos = append(l.pos, config.Decode(l.file, n, &u, base, base, l.diags))
	p := &upstreamPlan{method: strings.ToUpper(l.render(sc, base+".method", u.Method)), path: l.render(sc, base+".path", u.Path)}
	if u.Headers != nil {
		p.headers = l.setPlan(sc, base+".headers", u.Headers, true)
	}
	if u.Query != nil {
		p.query = l.setPlan(sc, base+".query", u.Query, false)
	}
	if u.Body != nil {
		p.body = l.body(sc, base+".body", u.Body)
	}
	return p
}

// setPlan compiles expected headers or query values.
func (l *loader) setPlan(sc *scope, base string, m map[string]*string, fold bool) *setPlan {
	p := &setPlan{want: map[string]valueMatch{}, fold: fold}
	for _, name := range keys(m) {
		p.names = append(p.names, name)
		path := base + "." + name
		if m[name] == nil {
			p.want[name] = valueMatch{absent: true}
			continue
		}
		v := l.render(sc, path, *m[name])
		vm := valueMatch{raw: v}
		if strings.HasPrefix(v, "~") {
			re, err := regexp.Compile(v[1:])
			if err != nil {
				l.errf(path, "%s: invalid regular expression after ~: %v", path, err)
			}
			vm.re = re
		}
		p.want[name] = vm
	}
	return p
}

// httpMethods are the methods a scenario request may use.
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
