package engine

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/reqpath"
)

// TokenSlot is where a route's authorizer looks for the credential: the
// place `fire --token`, the TUI composer and scenario tokens put a token so
// that it is found where the gateway reads it.
type TokenSlot struct {
	Authorizer string `json:"authorizer"`
	Kind       string `json:"kind"` // header | query
	Name       string `json:"name"`
	// Scheme precedes the token in the value ("Bearer " for Authorization).
	Scheme string `json:"scheme,omitempty"`
}

func (s TokenSlot) String() string {
	if s.Kind == config.SrcQuery {
		return "query parameter " + s.Name
	}
	return "header " + s.Name
}

// Put places token into req, replacing what the slot held. A token that
// already carries the scheme ("Bearer x") is not given a second one.
func (s TokenSlot) Put(req *Request, token string) {
	v := token
	if s.Scheme != "" && !strings.HasPrefix(strings.ToLower(token), strings.ToLower(s.Scheme)) {
		v = s.Scheme + token
	}
	switch s.Kind {
	case config.SrcQuery:
		if req.Query == nil {
			req.Query = url.Values{}
		}
		req.Query.Set(s.Name, v)
		req.RawQuery = req.Query.Encode()
	default:
		if req.Header == nil {
			req.Header = http.Header{}
		}
		req.Header.Del(s.Name)
		req.AddHeader(s.Name, v)
	}
}

// tokenSlotter is implemented by every dialect whose credential is a
// single value a client sends.
type tokenSlotter interface {
	TokenSlot() (TokenSlot, bool)
}

// ErrNoTokenSlot: the route has no authorizer, or its authorizer reads no
// single client-sent credential.
var ErrNoTokenSlot = errors.New("no token slot")

// DefaultTokenSlot is where a token goes when no authorizer says otherwise.
var DefaultTokenSlot = TokenSlot{Kind: config.SrcHeader, Name: "Authorization", Scheme: "Bearer "}

// slotOf picks the first header or query source: the credential, in every
// gateway whose identity sources are a list.
func slotOf(sources []config.IdentitySource) (TokenSlot, bool) {
	for _, s := range sources {
		switch s.Kind {
		case config.SrcHeader:
			return headerSlot(s.Name), true
		case config.SrcQuery:
			return TokenSlot{Kind: config.SrcQuery, Name: s.Name}, true
		}
	}
	return TokenSlot{}, false
}

func headerSlot(name string) TokenSlot {
	s := TokenSlot{Kind: config.SrcHeader, Name: http.CanonicalHeaderKey(name)}
	if strings.EqualFold(name, "Authorization") {
		s.Scheme = "Bearer "
	}
	return s
}

// TokenSlot answers where the authorizer of the route that method and path
// select reads its token. path is a request path ("/orders/42") or a route
// template ("/orders/{id}").
func (e *Engine) TokenSlot(method, path string) (TokenSlot, error) {
	g := e.gw.Load()
	rt := g.routeFor(method, path)
	if rt == nil {
		return TokenSlot{}, fmt.Errorf("%w: no route matches %s %s", ErrNoTokenSlot, method, path)
	}
	if rt.auth == nil {
		return TokenSlot{}, fmt.Errorf("%w: route %s has no authorizer", ErrNoTokenSlot, rt.tpl.Src)
	}
	ts, ok := rt.auth.dialect.(tokenSlotter)
	if !ok {
		return TokenSlot{}, fmt.Errorf("%w: authorizer %s (%s) reads no single token", ErrNoTokenSlot, rt.auth.cfg.Name, rt.auth.cfg.Type)
	}
	s, ok := ts.TokenSlot()
	if !ok {
		return TokenSlot{}, fmt.Errorf("%w: authorizer %s (%s) reads no header or query credential", ErrNoTokenSlot, rt.auth.cfg.Name, rt.auth.cfg.Type)
	}
	s.Authorizer = rt.auth.cfg.Name
	return s, nil
}

// routeFor finds the route for a request path, or for a route template
// given as written in the file.
func (g *gateway) routeFor(method, path string) *compiledRoute {
	for _, r := range g.routes {
		if r.tpl.Src == path && (method == "" || r.allows(method)) {
			return r
		}
	}
	p, err := reqpath.Parse(path)
	if err != nil {
		return nil
	}
	for _, r := range g.routes {
		if _, ok := r.tpl.MatchSegments(p.Segments); ok && (method == "" || r.allows(method)) {
			return r
		}
	}
	return nil
}
