package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
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

// HandlerError is a function whose handler does not load.
type HandlerError struct {
	// Path is the handler in the gateway file: authorizers.NAME.function.handler.
	Path string
	// Err wraps a *runtime.LoadError when the interpreter said why (its
	// File and Line are the place in the user's code).
	Err error
}

func (e *HandlerError) Error() string { return e.Err.Error() }
func (e *HandlerError) Unwrap() error { return e.Err }

// LoadHandlers starts each python and node function of g once and waits
// until it has loaded its handler — the Python import, the Node require or
// import — as the first request would, then stops it; it returns the
// handlers that do not load, in file order. Unlike Check, it runs the
// handlers' top-level code.
func LoadHandlers(ctx context.Context, g *config.Gateway) []*HandlerError {
	type job struct {
		i    int
		name string
		f    *config.Function
	}
	var jobs []job
	for i, a := range g.Authorizers {
		if f := a.Function; f != nil && (f.Runtime == "python" || f.Runtime == "node") {
			jobs = append(jobs, job{i, a.Name, f})
		}
	}
	errs := make([]*HandlerError, len(g.Authorizers))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			path := "authorizers." + j.name + ".function.handler"
			fn, err := workerFunction(j.name, g, j.f, runtime.DefaultMaxResponse)
			if err != nil {
				errs[j.i] = &HandlerError{Path: path, Err: err}
				return
			}
			defer fn.Close()
			if l, ok := fn.(interface{ Load(context.Context) error }); ok {
				if err := l.Load(ctx); err != nil {
					errs[j.i] = &HandlerError{Path: path, Err: err}
				}
			}
		})
	}
	wg.Wait()
	var out []*HandlerError
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}
