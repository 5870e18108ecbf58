package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// tokenChecker is implemented by dialects that verify a token themselves
// (the built-in jwt verifier): the token workbench asks them instead of
// rebuilding a verifier of its own that could disagree.
type tokenChecker interface {
	CheckToken(ctx context.Context, raw string, now time.Time, noFetch bool) (jose.Verdict, error)
}

// CheckOptions tune CheckToken.
type CheckOptions struct {
	// Now is the time the token is judged at (the virtual clock).
	Now time.Time
	// NoFetch: never wait on the network; keys behind a JWKS URL that no
	// request has fetched yet give ErrKeysNotFetched.
	NoFetch bool
}

// ErrKeysNotFetched: see CheckOptions.NoFetch.
var ErrKeysNotFetched = errNotFetched

// ErrNotAChecker: the authorizer does not verify tokens itself (a
// function decides), so only firing a request tells.
var ErrNotAChecker = errors.New("the authorizer does not verify tokens itself")

// CheckToken answers exactly what the named authorizer would decide about
// a token (same keys, same order, same claim rules, same required claims).
func (e *Engine) CheckToken(ctx context.Context, authorizer, raw string, o CheckOptions) (jose.Verdict, error) {
	a := e.gw.Load().authorizers[authorizer]
	if a == nil {
		return jose.Verdict{}, fmt.Errorf("no authorizer %q", authorizer)
	}
	tc, ok := a.dialect.(tokenChecker)
	if !ok {
		return jose.Verdict{}, fmt.Errorf("%s (%s): %w", authorizer, a.cfg.Type, ErrNotAChecker)
	}
	if o.Now.IsZero() {
		o.Now = e.opts.Clock.Now()
	}
	return tc.CheckToken(ctx, raw, o.Now, o.NoFetch)
}

// TokenCheckers names the authorizers CheckToken can ask, in file order.
func (e *Engine) TokenCheckers() []string {
	g := e.gw.Load()
	var out []string
	for _, name := range g.order {
		if _, ok := g.authorizers[name].dialect.(tokenChecker); ok {
			out = append(out, name)
		}
	}
	return out
}
