package engine

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
)

// CheckError is a part of a gateway file the engine refuses: Path is the
// dotted path of what it refused ("authorizers.jwt.jwks", "routes[2]"), for
// config.Gateway.PosOf.
type CheckError struct {
	Path string
	Err  error
}

func (e *CheckError) Error() string { return e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// Check compiles g exactly as New does — key files loaded, handler files and
// interpreters resolved, routes, transforms and backends compiled — and
// releases it at once. No worker starts (workers start on the first call),
// so `validate` refuses what `serve` and `fire` would refuse, and nothing
// runs. The error, if any, is a *CheckError.
func Check(g *config.Gateway, ff FunctionFactory) error {
	if errs := CheckAll(g, ff); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// CheckAll is Check reporting every authorizer the engine refuses, not
// only the first, so `validate` lists every problem in one run. The routes
// are compiled only when every authorizer compiles.
func CheckAll(g *config.Gateway, ff FunctionFactory) []*CheckError {
	// Each authorizer on its own first, so that its error points at it.
	var errs []*CheckError
	for _, a := range g.Authorizers {
		one := *g
		one.Authorizers, one.Routes = []*config.Authorizer{a}, nil
		cg, err := compile(&one, clock.Real{}, ff)
		if err != nil {
			errs = append(errs, &CheckError{Path: authorizerPath(g, a, err), Err: err})
			continue
		}
		cg.close()
	}
	if len(errs) > 0 {
		return errs
	}
	if err := checkRoutes(g, ff); err != nil {
		return []*CheckError{err}
	}
	return nil
}

// checkRoutes compiles the whole gateway, routes included.
func checkRoutes(g *config.Gateway, ff FunctionFactory) *CheckError {
	cg, err := compile(g, clock.Real{}, ff)
	if err != nil {
		path := "routes"
		for i, r := range g.Routes {
			if r.Path != "" && strings.Contains(err.Error(), r.Path) {
				path = fmt.Sprintf("routes[%d]", i)
				break
			}
		}
		return &CheckError{Path: path, Err: err}
	}
	cg.close()
	return nil
}

// authorizerPath is the part of an authorizer an error is about: the key
// file it names when it names one, else the function, else the authorizer.
func authorizerPath(g *config.Gateway, a *config.Authorizer, err error) string {
	base := "authorizers." + a.Name
	msg := err.Error()
	if kf, ok := a.Options.(interface{ KeyFiles() map[string]string }); ok {
		for key, file := range kf.KeyFiles() {
			if strings.Contains(msg, g.Abs(file)) {
				return base + "." + key
			}
		}
	}
	if a.Function != nil {
		if _, ok := g.PosOf(base + ".function"); ok {
			return base + ".function"
		}
	}
	return base
}
