package engine

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/cache"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/route"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/transform"
)

// authorizer is a compiled authorizer: its dialect, function and cache.
type authorizer struct {
	cfg     *config.Authorizer
	label   string // "name (type)", as the route stage names it
	ttlText string // ttl as the cache stage shows it
	spec    *Spec
	dialect Dialect
	fn      runtime.Function
	ttl     time.Duration
	timeout time.Duration
	cache   *cache.Cache[*Decision]
	calls   callCounter
}

// compiledRoute is a route ready to match.
type compiledRoute struct {
	cfg      *config.Route
	tpl      *route.Template
	methods  map[string]bool // nil = every method
	auth     *authorizer
	backAuth *authorizer // huawei stage: backend (HW-B1)
	authType string
	reqT     *transform.Set
	respT    *transform.Set
	backend  backend.Backend
	integ    *integration // a function backend (Lambda proxy integration)

	// What the route stage records, worked out once.
	methodsText string
	params      []string // the template's parameter names
	paramKeys   []string // "path." + each
	backendText string
}

func (r *compiledRoute) allows(method string) bool {
	return r.methods == nil || r.methods[method]
}

// gateway is a compiled gateway file.
type gateway struct {
	cfg         *config.Gateway
	platform    Platform
	routes      []*compiledRoute // most specific first
	authorizers map[string]*authorizer
	order       []string // authorizer names in file order
	routeList   []string // "GET,PUT /orders/{id}", in file order, for a route miss
	secrets     []string // the file's own secrets (ALL-2), for every trace
	usage       *usage   // API keys and usage plans (AWS-K*)
	functions   FunctionFactory
}

// FunctionFactory builds the python / node / process runtimes; nil means
// the warm workers of engine/runtime. Tests may inject their own.
type FunctionFactory func(name string, g *config.Gateway, f *config.Function, maxResponse int) (runtime.Function, error)

func compile(g *config.Gateway, clk clock.Clock, ff FunctionFactory) (*gateway, error) {
	pf, ok := platforms[g.Platform]
	if !ok {
		return nil, fmt.Errorf("unknown platform %q", g.Platform)
	}
	cg := &gateway{cfg: g, platform: pf(g), authorizers: map[string]*authorizer{}, secrets: g.Secrets(), usage: newUsage(g), functions: ff}
	for _, r := range g.Routes {
		cg.routeList = append(cg.routeList, methodsOf(r)+" "+r.Path)
	}
	for _, a := range g.Authorizers {
		spec := SpecOf(a.Type)
		if spec == nil {
			return nil, fmt.Errorf("authorizer %q: unknown type %q", a.Name, a.Type)
		}
		d, err := spec.New(g, a)
		if err != nil {
			cg.close()
			return nil, fmt.Errorf("authorizer %q: %w", a.Name, err)
		}
		var fn runtime.Function
		if fd, ok := d.(functionDialect); ok {
			fn, err = buildFunction(a.Name, g, a.Function, fd.MaxResponse(), ff)
		} else if _, ok := d.(decider); !ok {
			err = fmt.Errorf("type %s neither calls a function nor decides itself", a.Type)
		}
		if err != nil {
			cg.close()
			return nil, fmt.Errorf("authorizer %q: %w", a.Name, err)
		}
		ttl := a.TTLValue()
		if dt, ok := d.(defaultTTLer); ok {
			ttl = dt.DefaultTTL()
		}
		cg.authorizers[a.Name] = &authorizer{cfg: a, spec: spec, dialect: d, fn: fn, ttl: ttl,
			timeout: timeoutOf(a), cache: cache.New[*Decision](clk),
			label: a.Name + " (" + a.Type + ")", ttlText: ttl.String()}
		cg.order = append(cg.order, a.Name)
	}
	tpls := make([]*route.Template, len(g.Routes))
	idx := make([]int, len(g.Routes))
	for i, r := range g.Routes {
		t, err := route.Parse(r.Path)
		if err != nil {
			cg.close()
			return nil, err
		}
		tpls[i], idx[i] = t, i
	}
	route.Sort(idx, tpls)
	for _, i := range idx {
		cr, err := compileRoute(g.Routes[i], tpls[i], cg)
		if err != nil {
			cg.close()
			return nil, err
		}
		cg.routes = append(cg.routes, cr)
	}
	var err error
	if cg.routes, err = restCORSRoutes(g, cg); err != nil {
		cg.close()
		return nil, err
	}
	return cg, nil
}

func compileRoute(r *config.Route, tpl *route.Template, cg *gateway) (*compiledRoute, error) {
	cr := &compiledRoute{cfg: r, tpl: tpl, authType: "AUTHENTICATION_ONLY", methodsText: methodsOf(r), params: tpl.Params()}
	for _, name := range cr.params {
		cr.paramKeys = append(cr.paramKeys, "path."+name)
	}
	if len(r.Methods) > 0 {
		cr.methods = map[string]bool{}
		for _, m := range r.Methods {
			m = strings.ToUpper(m)
			if m == "ANY" {
				cr.methods = nil
				break
			}
			cr.methods[m] = true
		}
	}
	if r.Authorizer != "" {
		cr.auth = cg.authorizers[r.Authorizer]
	}
	if r.BackendAuthorizer != "" {
		cr.backAuth = cg.authorizers[r.BackendAuthorizer]
	}
	if r.Authorization != nil && r.Authorization.Type != "" {
		cr.authType = r.Authorization.Type
	}
	if len(r.AuthorizationScopes) > 0 {
		cr.authType = "ANY_OF" // AWS's spelling of the same policy
	}
	var err error
	if cr.reqT, err = transform.Compile(r.RequestTransformations); err != nil {
		return nil, fmt.Errorf("route %s: %w", r.Path, err)
	}
	if cr.respT, err = transform.Compile(r.ResponseTransformations); err != nil {
		return nil, fmt.Errorf("route %s: %w", r.Path, err)
	}
	switch b := r.Backend; {
	case b == nil:
		return nil, fmt.Errorf("route %s: no backend", r.Path)
	case b.Echo:
		cr.backend = backend.Echo{}
	case b.Function != nil:
		in, err := newIntegration(r, cg.cfg, cg.functions)
		if err != nil {
			return nil, err
		}
		cr.integ, cr.backend = in, in
	case b.Stock != nil:
		h := http.Header{}
		for k, v := range b.Stock.Headers {
			h.Set(k, v)
		}
		status := b.Stock.Status
		if status == 0 {
			status = 200
		}
		if _, isString := b.Stock.Body.(string); !isString && b.Stock.Body != nil && h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
		cr.backend = &backend.Stock{Status: status, Header: h, Body: b.Stock.BodyBytes()}
	default:
		var timeout time.Duration
		if b.Timeout != nil {
			timeout = b.Timeout.Duration
		}
		u, err := backend.NewURL(b.URL, timeout)
		if err != nil {
			return nil, err
		}
		cr.backend = u
	}
	cr.backendText = cr.backend.Describe()
	return cr, nil
}

func timeoutOf(a *config.Authorizer) time.Duration {
	if a.Function != nil {
		return a.Function.TimeoutValue()
	}
	if a.Timeout != nil {
		return a.Timeout.Duration
	}
	return config.DefaultFnTimeout
}

func buildFunction(name string, g *config.Gateway, f *config.Function, maxResponse int, ff FunctionFactory) (runtime.Function, error) {
	if f.MaxBytes > 0 {
		maxResponse = f.MaxBytes
	}
	switch f.Runtime {
	case "mock":
		rows := make([]runtime.MockRow, 0, len(f.Responses))
		for _, r := range f.Responses {
			row := runtime.MockRow{When: r.When}
			if r.Delay != nil {
				row.Delay = r.Delay.Duration
			}
			switch {
			case r.Raw != nil:
				row.Payload = []byte(*r.Raw)
			case r.Error != nil:
				row.Err = &runtime.FunctionError{Type: r.Error.Type, Message: r.Error.Message}
			default:
				if s, ok := r.Return.(string); ok {
					row.Err = &runtime.FunctionError{Type: "Error", Message: s}
					break
				}
				b, err := json.Marshal(r.Return)
				if err != nil {
					return nil, fmt.Errorf("mock return: %w", err)
				}
				row.Payload = b
			}
			rows = append(rows, row)
		}
		return runtime.NewMock(rows)
	case "http":
		return runtime.NewHTTP(f.URL, f.Headers, f.TimeoutValue(), maxResponse), nil
	}
	if ff == nil {
		ff = workerFunction
	}
	return ff(name, g, f, maxResponse)
}

// handlerFunc is the FUNCTION part of a FILE:FUNCTION handler.
var handlerFunc = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]*$`)

// workerFunction runs python / node handlers and processes as warm workers.
// Relative paths are relative to the gateway file's folder (contract §2).
func workerFunction(name string, g *config.Gateway, f *config.Function, maxResponse int) (runtime.Function, error) {
	spec := runtime.Spec{Name: name, Runtime: f.Runtime, Env: f.Env, Timeout: f.TimeoutValue(),
		Pool: f.Pool, MaxResponse: maxResponse}
	if f.Dir != "" {
		spec.Dir = g.Abs(f.Dir)
	}
	if f.Handler != "" {
		// The function name follows the last colon, so a Windows path
		// (C:\fns\auth.py:handler) keeps its drive letter.
		file, fn := f.Handler, ""
		if i := strings.LastIndex(f.Handler, ":"); i >= 0 && handlerFunc.MatchString(f.Handler[i+1:]) {
			file, fn = f.Handler[:i], f.Handler[i+1:]
		}
		spec.Handler = filepath.Clean(g.Abs(file))
		if fn != "" {
			spec.Handler += ":" + fn
		}
		if f.Runtime == "python" {
			spec.Interpreter = pythonInterpreter(g, f, filepath.Clean(g.Abs(file)))
		}
	}
	if len(f.Command) > 0 {
		spec.Command = append([]string(nil), f.Command...)
		if spec.Dir == "" {
			spec.Dir = g.Dir
		}
	}
	spec.ContextFlavor = f.Flavor
	if a := g.Authorizer(name); a != nil && spec.ContextFlavor == "" {
		if s := SpecOf(a.Type); s != nil && s.Flavor != "lambda" {
			// Huawei FunctionGraph, OCI Fn FDK: handler(ctx, data) / fdk.handle
			spec.ContextFlavor = s.Flavor
		}
	}
	if g.AWS.Region != "" || g.AWS.Account != "" {
		env := map[string]string{}
		for k, v := range f.Env {
			env[k] = v
		}
		if _, ok := env["AWS_REGION"]; !ok && g.AWS.Region != "" {
			env["AWS_REGION"] = g.AWS.Region
		}
		if _, ok := env["AWS_ACCOUNT_ID"]; !ok && g.AWS.Account != "" {
			env["AWS_ACCOUNT_ID"] = g.AWS.Account
		}
		spec.Env = env
	}
	return runtime.NewWorkerFunction(spec)
}

func (g *gateway) close() {
	for _, a := range g.authorizers {
		if a.fn != nil {
			a.fn.Close()
		}
	}
	for _, r := range g.routes {
		if r.integ != nil && r.integ.fn != nil {
			r.integ.fn.Close()
		}
	}
}
