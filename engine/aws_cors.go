package engine

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/route"
	"github.com/authlab/authlab/engine/trace"
)

// CORS on AWS APIs. An HTTP API with a CORS configuration answers
// preflights itself and adds CORS headers to answers (semantics.md §8,
// AWSH-CORS*). A REST API adds nothing by itself (AWS-G13): aws.cors there
// is what AWS SAM's Cors property generates, an OPTIONS mock method on
// every path, and refusals need gateway responses.

// preflighter is a platform that answers CORS preflights no route takes
// (AWSH-CORS3).
type preflighter interface {
	Preflight(f *Flow, st *trace.Stage) *Failure
}

// isPreflight: an OPTIONS request with Origin and Access-Control-Request-Method
// (AWSH-CORS2).
func isPreflight(r *Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// Preflight answers a preflight that matched no route: 204, the configured
// CORS headers when the origin is allowed, no authorizer and no
// integration (AWSH-CORS3, AWSH-CORS4).
func (p awsHTTPPlatform) Preflight(f *Flow, st *trace.Stage) *Failure {
	c := p.cors
	if c == nil || !isPreflight(f.Req) {
		return nil
	}
	h := http.Header{}
	origin := f.Req.Header.Get("Origin")
	allow := c.AllowsOrigin(origin)
	st.Rule("AWSH-CORS3", "AWSH-CORS4")
	st.Summary = "preflight answered by the gateway: no route matches OPTIONS " + f.Req.Path + ", so no authorizer runs and no integration is called"
	reason := st.Summary
	if allow == "" {
		st.Add("cors", fmt.Sprintf("origin %s is not among allowOrigins: 204 without CORS headers (unconfirmed on AWS)", origin))
	} else {
		st.Rule("AWSH-CORS6")
		h.Set("Access-Control-Allow-Origin", allow)
		if len(c.AllowMethods) > 0 {
			h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
		}
		if len(c.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
		}
		if c.MaxAge != nil {
			h.Set("Access-Control-Max-Age", strconv.Itoa(*c.MaxAge))
		}
		if c.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		st.Add("cors", fmt.Sprintf("origin %s allowed: Access-Control-Allow-Origin %s (status 204 unconfirmed on AWS)", origin, allow))
	}
	return &Failure{Stage: trace.Route, Rule: "AWSH-CORS3", Reason: reason, Status: http.StatusNoContent, Header: h}
}

// corsHeaders sets what an HTTP API adds to an answer for an allowed
// origin (AWSH-CORS5): Allow-Origin, Allow-Credentials, Expose-Headers. It
// returns the Allow-Origin value, "" when the request has no allowed
// Origin.
func corsHeaders(c *config.CORS, r *Request, h http.Header) string {
	allow := c.AllowsOrigin(r.Header.Get("Origin"))
	if allow == "" {
		return ""
	}
	h.Set("Access-Control-Allow-Origin", allow)
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	return allow
}

// ShapeRefusal adds the CORS headers to the gateway's own refusals
// (AWSH-CORS7, unconfirmed on AWS: the trace says so).
func (p awsHTTPPlatform) ShapeRefusal(f *Flow, fl *Failure, dec *Decision, st *trace.Stage) {
	if p.cors == nil || fl.Rule == "AWSH-CORS3" || f.Req.Header.Get("Origin") == "" {
		return
	}
	st.Rule("AWSH-CORS7")
	if allow := corsHeaders(p.cors, f.Req, fl.Header); allow != "" {
		st.Add("cors", fmt.Sprintf("CORS headers added to the gateway's %d for origin %s (unconfirmed on AWS: the documentation names only integration answers)", fl.Status, f.Req.Header.Get("Origin")))
	} else {
		st.Add("cors", fmt.Sprintf("origin %s is not among allowOrigins: no CORS headers, the browser hides this %d", f.Req.Header.Get("Origin"), fl.Status))
	}
}

// ShapesAnswer: with a CORS configuration the gateway edits every answer.
func (p awsHTTPPlatform) ShapesAnswer(f *Flow) bool { return p.cors != nil }

// ShapeAnswer drops the CORS headers the integration returned and adds the
// configured ones for an allowed origin (AWSH-CORS5).
func (p awsHTTPPlatform) ShapeAnswer(f *Flow, resp *Response, st *trace.Stage) {
	var dropped []string
	for k := range resp.Header {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			dropped = append(dropped, k)
		}
	}
	sort.Strings(dropped)
	for _, k := range dropped {
		st.Changes = append(st.Changes, trace.Change{Target: "header", Op: "removed", Name: k, Old: resp.Header[k],
			Note: "the integration's CORS header: HTTP APIs with a CORS configuration ignore it (AWSH-CORS5)"})
		resp.Header.Del(k)
	}
	st.Rule("AWSH-CORS5")
	origin := f.Req.Header.Get("Origin")
	add := ""
	switch allow := corsHeaders(p.cors, f.Req, resp.Header); {
	case origin == "":
		add = "no Origin: no CORS headers added (AWSH-CORS2)"
	case allow == "":
		add = fmt.Sprintf("origin %s is not among allowOrigins: no CORS headers added", origin)
	default:
		st.Rule("AWSH-CORS6")
		add = fmt.Sprintf("CORS headers added for origin %s: Access-Control-Allow-Origin %s", origin, allow)
		for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers"} {
			if v := resp.Header.Get(k); v != "" {
				st.Changes = append(st.Changes, trace.Change{Target: "header", Op: "set", Name: k, New: []string{v}, Note: "aws.cors"})
			}
		}
	}
	st.Add("cors", add)
	if st.Summary == "" {
		st.Summary = "gateway CORS: " + add
	} else {
		st.Summary += "; gateway CORS: " + add
	}
}

// restCORSRoutes are the OPTIONS mock methods AWS SAM's Cors adds to a
// REST API: one per path that has no OPTIONS method, no authorizer,
// answering 200 with the configured CORS headers and the body {} (AWS-G13).
// Each goes just before the first route of its path, so it wins over an
// ANY method there, as an explicit method does on API Gateway.
func restCORSRoutes(g *config.Gateway, cg *gateway) ([]*compiledRoute, error) {
	routes := cg.routes
	c := g.AWS.CORS
	if c == nil || g.Platform != "aws" {
		return routes, nil
	}
	type path struct {
		first   int
		tpl     *route.Template
		methods map[string]bool
		any     bool
		options bool
	}
	var order []string
	paths := map[string]*path{}
	for i, r := range routes {
		shape := r.tpl.Shape()
		pth := paths[shape]
		if pth == nil {
			pth = &path{first: i, tpl: r.tpl, methods: map[string]bool{}}
			paths[shape] = pth
			order = append(order, shape)
		}
		if r.methods == nil {
			pth.any = true
			continue
		}
		for m := range r.methods {
			pth.methods[m] = true
		}
		if r.methods[http.MethodOptions] {
			pth.options = true
		}
	}
	insert := map[int]*compiledRoute{}
	for _, shape := range order {
		pth := paths[shape]
		if pth.options {
			continue
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("Access-Control-Allow-Origin", corsOriginOf(c))
		methods := c.AllowMethods
		if len(methods) == 0 {
			// SAM: the path's methods and OPTIONS; every method for ANY.
			set := map[string]bool{http.MethodOptions: true}
			if pth.any {
				for _, m := range []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"} {
					set[m] = true
				}
			}
			for m := range pth.methods {
				set[m] = true
			}
			methods = nil
			for m := range set {
				methods = append(methods, m)
			}
			sort.Strings(methods)
		}
		h.Set("Access-Control-Allow-Methods", strings.Join(methods, ","))
		if len(c.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
		}
		if c.MaxAge != nil {
			h.Set("Access-Control-Max-Age", strconv.Itoa(*c.MaxAge))
		}
		if c.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		cfg := &config.Route{Path: pth.tpl.Src, Methods: config.StringList{http.MethodOptions}, Backend: &config.Backend{Echo: true}}
		cr, err := compileRoute(cfg, pth.tpl, cg)
		if err != nil {
			return nil, err
		}
		cr.backend = corsMock{&backend.Stock{Status: 200, Header: h, Body: []byte("{}\n")}}
		cr.backendText = cr.backend.Describe()
		insert[pth.first] = cr
	}
	out := make([]*compiledRoute, 0, len(routes)+len(insert))
	for i, r := range routes {
		if m := insert[i]; m != nil {
			out = append(out, m)
		}
		out = append(out, r)
	}
	return out, nil
}

func corsOriginOf(c *config.CORS) string {
	if len(c.AllowOrigins) == 0 {
		return "*"
	}
	return c.AllowOrigins[0]
}

// corsMock is the OPTIONS mock integration of aws.cors on a REST API.
type corsMock struct{ *backend.Stock }

func (m corsMock) Serve(ctx context.Context, r *backend.Request) (*backend.Response, error) {
	return m.Stock.Serve(ctx, r)
}

func (corsMock) Describe() string {
	return "OPTIONS mock added by aws.cors (as SAM's Cors): 200 with the CORS headers"
}
