package config

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/authlab/authlab/engine/expr"
	"github.com/authlab/authlab/engine/limits"
	"github.com/authlab/authlab/engine/route"
)

// Runtimes lists the function runtimes.
var Runtimes = []string{"mock", "http", "python", "node", "process"}

// ContextVariables are the $context names usable as identity sources.
var ContextVariables = []string{"sourceIp", "identity.sourceIp", "httpMethod", "path", "resourcePath", "stage", "apiId", "accountId", "domainName", "protocol", "requestId", "routeKey"}

var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}

type validator struct {
	g     *Gateway
	diags *Diagnostics
	file  string
}

func (v *validator) at(path string) Pos {
	if p, ok := v.g.pos[path]; ok {
		return p
	}
	if p, ok := v.g.keyPos[path]; ok {
		return p
	}
	return Pos{1, 1}
}

// reported reports whether the decoder already rejected the value at path,
// so a check on its (zero) value would only repeat that error.
func (v *validator) reported(path string) bool {
	p, ok := v.g.pos[path]
	if !ok {
		return false
	}
	for _, d := range v.diags.List {
		if d.Severity == SevError && d.Line == p.Line && d.Col == p.Col {
			return true
		}
	}
	return false
}

func (v *validator) errf(path, format string, a ...any) {
	p := v.at(path)
	v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevError, Message: fmt.Sprintf(format, a...)})
}

func (v *validator) errAtKey(path, format string, a ...any) {
	p, ok := v.g.keyPos[path]
	if !ok {
		p = v.at(path)
	}
	v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevError, Message: fmt.Sprintf(format, a...)})
}

func (v *validator) warnf(path, rule, format string, a ...any) {
	p := v.at(path)
	v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevWarning, Rule: rule, Message: fmt.Sprintf(format, a...)})
}

func (v *validator) run() {
	g := v.g
	v.diags.secrets = append(v.diags.secrets, g.Secrets()...)
	// A root that is not a mapping was reported already; "no version" and
	// "no routes" would only repeat it.
	rootOK := !v.reported("")
	if _, written := g.keyPos["version"]; !written && rootOK {
		v.errf("", "missing required key \"version\" (write version: 1)")
	}
	if g.AWS.Account != "" && !regexp.MustCompile(`^[0-9]{12}$`).MatchString(g.AWS.Account) {
		v.errf("aws.account", "aws.account %q: expected a 12-digit AWS account id", g.AWS.Account)
	}
	for _, a := range g.Authorizers {
		v.authorizer(a)
	}
	for name, gr := range g.Huawei.GatewayResponses {
		p := "huawei.gatewayResponses." + name
		if !slices.Contains(HuaweiResponseTypes, name) {
			v.errAtKey(p, "unknown gateway response type %q; expected one of %s%s (HW-R4)", name, strings.Join(HuaweiResponseTypes, ", "), suggest(name, HuaweiResponseTypes))
		}
		if gr != nil && gr.Status != 0 && (gr.Status < 200 || gr.Status > 599) {
			v.errf(p+".status", "status %d: Huawei gateway responses use 200-599 (HW-R4)", gr.Status)
		}
	}
	if g.Platform == "" {
		g.Platform = defaultPlatform(g)
	}
	v.awsAPIChecks()
	if len(g.Routes) == 0 && rootOK {
		v.errf("", "no routes: add a routes: list with at least one path and backend")
	}
	shapes := map[string][]int{}
	for i, r := range g.Routes {
		r.index = i
		v.route(i, r, shapes)
	}
	v.awsChecks()
	v.checkTokens()
	v.lint()
}

func (v *validator) authorizer(a *Authorizer) {
	base := "authorizers." + a.Name
	// An unknown type was reported by the decoder; a typo's keys are
	// checked as the type it was meant to be, other types' are moot.
	spec := checkSpecOf(a.Type)
	var sources []IdentitySource
	for i, s := range a.IdentitySource {
		p := fmt.Sprintf("%s.identitySource[%d]", base, i)
		if len(a.IdentitySource) == 1 {
			if _, ok := v.g.pos[p]; !ok {
				p = base + ".identitySource"
			}
		}
		src, err := ParseIdentitySource(s)
		if err != nil {
			v.errf(p, "%v", err)
			continue
		}
		if src.Kind == SrcContext && !slices.Contains(ContextVariables, src.Name) && spec != nil && slices.Contains(spec.ContextVariables, src.Name) {
			// a variable of this type's own (an HTTP API's routeKey)
		} else if others := typesWithContext(src.Name); src.Kind == SrcContext && len(others) > 0 && !slices.Contains(ContextVariables, src.Name) {
			v.errf(p, "identity source %q: $context.%s is a variable of type %s only", s, src.Name, strings.Join(others, ", "))
		} else if src.Kind == SrcContext && !slices.Contains(ContextVariables, src.Name) {
			v.errf(p, "identity source %q: unknown context variable %q; expected one of %s%s", s, src.Name, strings.Join(ContextVariables, ", "), suggest(src.Name, ContextVariables))
		}
		if src.Kind == SrcStage {
			if _, ok := v.g.AWS.StageVariables[src.Name]; !ok {
				v.warnf(p, "AWS-I3", "identity source %q: stage variable %q is not defined under aws.stageVariables, so it is always missing", s, src.Name)
			}
		}
		sources = append(sources, src)
	}
	ttl := a.TTLValue()
	if a.TTL != nil && ttl > MaxTTL {
		v.errf(base+".ttl", "authorizer %q: ttl %gs is over the maximum of 3600s (AWS-C1)", a.Name, ttl.Seconds())
	}
	if spec != nil {
		v.typeKeysCheck(a, spec, base)
		if spec.NeedsFunction && a.Function == nil {
			v.errAtKey(base, "authorizer %q: type %s needs function: {runtime: ...}", a.Name, spec.Type)
		}
		if spec.Validate != nil {
			spec.Validate(&Check{A: a, Sources: sources, v: v, base: base})
		}
	} else if a.ValidationRegex != "" {
		// No type to check it against, but a regex that does not compile
		// is wrong whatever the type turns out to be.
		if _, err := regexp.Compile(a.ValidationRegex); err != nil {
			v.errf(base+".validationRegex", "authorizer %q: invalid validationRegex: %s", a.Name, unwrapRegexErr(err))
		}
	}
	if a.Function != nil {
		v.function(base+".function", a.Function)
	}
}

// backendOnly reports an authorizer that runs before the backend (HW-B1).
func backendOnly(a *Authorizer) bool {
	spec := TypeSpecOf(a.Type)
	return spec != nil && spec.BackendOnly != nil && spec.BackendOnly(a)
}

// typesWithContext lists the types that add a $context variable of their own.
func typesWithContext(name string) []string {
	var out []string
	for _, t := range AuthorizerTypes() {
		if slices.Contains(TypeSpecOf(t).ContextVariables, name) {
			out = append(out, t)
		}
	}
	return out
}

// defaultPlatform is the platform the authorizer types agree on, else aws.
func defaultPlatform(g *Gateway) string {
	seen := ""
	for _, a := range g.Authorizers {
		spec := TypeSpecOf(a.Type)
		if spec == nil {
			continue
		}
		p := spec.Platform
		if seen != "" && seen != p {
			return "aws"
		}
		seen = p
	}
	if seen == "" {
		return "aws"
	}
	return seen
}

func unwrapRegexErr(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

func (v *validator) function(base string, f *Function) {
	only := map[string][]string{
		"responses":        {"mock"},
		"url":              {"http"},
		"headers":          {"http"},
		"handler":          {"python", "node"},
		"python":           {"python"},
		"command":          {"process"},
		"pool":             {"python", "node", "process"},
		"flavor":           {"python", "node"},
		"workdir":          {"python", "node", "process"},
		"env":              {"python", "node", "process"},
		"maxResponseBytes": {"http", "python", "node", "process"},
	}
	for key, runtimes := range only {
		if _, set := v.g.keyPos[base+"."+key]; set && slices.Contains(Runtimes, f.Runtime) && !slices.Contains(runtimes, f.Runtime) {
			v.errAtKey(base+"."+key, "%s is not used by runtime %s (only by %s)", key, f.Runtime, strings.Join(runtimes, ", "))
		}
	}
	switch f.Runtime {
	case "mock":
		if len(f.Responses) == 0 {
			v.errAtKey(base, "runtime mock needs responses: a list of {when, return} rows")
		}
		for i, r := range f.Responses {
			p := fmt.Sprintf("%s.responses[%d]", base, i)
			n := 0
			for _, set := range []bool{r.Return != nil, r.Raw != nil, r.Error != nil} {
				if set {
					n++
				}
			}
			if n > 1 || (n == 0 && r.Delay == nil) {
				v.errf(p, "mock response %d: give exactly one of return, raw or error", i+1)
			}
			for k, want := range r.When {
				if s, ok := want.(string); ok && strings.HasPrefix(s, "~") {
					if _, err := regexp.Compile(s[1:]); err != nil {
						v.errf(p+".when."+k, "invalid regular expression in when.%s: %s", k, unwrapRegexErr(err))
					}
				}
			}
		}
	case "http":
		if f.URL == "" {
			v.errAtKey(base, "runtime http needs url: the endpoint the event is POSTed to")
		} else if u, err := url.Parse(f.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errf(base+".url", "url %q: expected an absolute http:// or https:// URL", f.URL)
		}
	case "python", "node":
		if f.Handler == "" {
			v.errAtKey(base, "runtime %s needs handler: FILE:FUNCTION, e.g. functions/auth.%s:handler", f.Runtime, map[string]string{"python": "py", "node": "js"}[f.Runtime])
			break
		}
		// FILE:FUNCTION; a bare FILE means FUNCTION "handler" (and, for an
		// OCI Node handler, whatever fdk.handle registers).
		file, fn := f.Handler, "handler"
		if i := strings.LastIndex(f.Handler, ":"); i >= 0 && !strings.ContainsAny(f.Handler[i+1:], `/\`) {
			file, fn = f.Handler[:i], f.Handler[i+1:]
		}
		if fn == "" || file == "" {
			v.errf(base+".handler", "handler %q: expected FILE:FUNCTION, e.g. auth.py:handler", f.Handler)
			break
		}
		if _, err := os.Stat(v.g.Abs(file)); err != nil {
			v.errf(base+".handler", "handler file %s: %v", file, errText(err))
		}
		if f.Python != "" && strings.ContainsAny(f.Python, `/\`) {
			if _, err := os.Stat(v.g.Abs(f.Python)); err != nil {
				v.errf(base+".python", "python interpreter %s: %v", f.Python, errText(err))
			}
		}
	case "process":
		if len(f.Command) == 0 {
			v.errAtKey(base, "runtime process needs command: [program, args...]")
		}
	}
	if f.Pool < 0 {
		v.errf(base+".pool", "pool must be at least 1")
	}
	if f.MaxBytes < 0 {
		v.errf(base+".maxResponseBytes", "maxResponseBytes must be positive")
	}
}

func errText(err error) string {
	if os.IsNotExist(err) {
		return "no such file"
	}
	return err.Error()
}

func (v *validator) route(i int, r *Route, shapes map[string][]int) {
	base := fmt.Sprintf("routes[%d]", i)
	var tpl *route.Template
	if r.Path != "" {
		t, err := route.Parse(r.Path)
		if err != nil {
			v.errf(base+".path", "%v", err)
		}
		tpl = t
	}
	for j, m := range r.Methods {
		p := fmt.Sprintf("%s.methods[%d]", base, j)
		if _, ok := v.g.pos[p]; !ok {
			p = base + ".methods"
		}
		if !slices.Contains(methods, strings.ToUpper(m)) {
			v.errf(p, "unknown method %q; expected one of %s%s", m, strings.Join(methods, ", "), suggest(strings.ToUpper(m), methods))
		}
	}
	if tpl != nil {
		shape := tpl.Shape()
		for _, other := range shapes[shape] {
			om := v.g.Routes[other].Methods
			if overlap(om, r.Methods) {
				// The gateway matches methods case-insensitively: a route
				// for "get" is shadowed by an earlier one for GET.
				why := ""
				if a, b, ok := caseVariant(om, r.Methods); ok {
					why = fmt.Sprintf(": methods are case-insensitive, so %s is %s and routes[%d] answers it; this route is never reached", b, a, other)
				}
				v.errf(base+".path", "duplicate route: %s %s is already defined by routes[%d] (line %d)%s", methodList(r.Methods), r.Path, other, v.at(fmt.Sprintf("routes[%d].path", other)).Line, why)
			}
		}
		shapes[shape] = append(shapes[shape], i)
	}
	var az *Authorizer
	if r.Authorizer != "" {
		az = v.g.Authorizer(r.Authorizer)
		if az == nil {
			names := make([]string, len(v.g.Authorizers))
			for k, a := range v.g.Authorizers {
				names[k] = a.Name
			}
			v.errf(base+".authorizer", "route %s: unknown authorizer %q%s; defined: %s", r.Path, r.Authorizer, suggest(r.Authorizer, names), listOrNone(names))
		}
	}
	if r.Authorization != nil {
		v.authorization(base, r, az)
	}
	v.routeAWS(base, r, az, tpl)
	if r.BackendAuthorizer != "" {
		ba := v.g.Authorizer(r.BackendAuthorizer)
		switch {
		case ba == nil:
			v.errf(base+".backendAuthorizer", "route %s: unknown authorizer %q", r.Path, r.BackendAuthorizer)
		case !backendOnly(ba):
			v.errf(base+".backendAuthorizer", "route %s: backendAuthorizer must name a huawei authorizer with stage: backend (HW-B1)", r.Path)
		}
	}
	if az != nil && backendOnly(az) {
		v.errf(base+".authorizer", "route %s: authorizer %q has stage: backend; use it as backendAuthorizer (HW-B1)", r.Path, az.Name)
	}
	v.transforms(base+".requestTransformations", r.RequestTransformations, r, tpl)
	v.transforms(base+".responseTransformations", r.ResponseTransformations, r, tpl)
	if b := r.Backend; b != nil {
		n := 0
		for _, set := range []bool{b.URL != "", b.Stock != nil, b.Echo, b.Function != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			v.errf(base+".backend", "backend: give exactly one of url, stock, echo: true or function")
		}
		v.functionBackend(base+".backend", b)
		if b.URL != "" {
			if u, err := url.Parse(b.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				v.errf(base+".backend.url", "backend url %q: expected an absolute http:// or https:// URL", b.URL)
			}
		}
		if b.Stock != nil && b.Stock.Status != 0 && (b.Stock.Status < 100 || b.Stock.Status > 599) {
			v.errf(base+".backend.stock.status", "stock status %d: expected an HTTP status code 100-599", b.Stock.Status)
		}
		if b.Stock != nil {
			for name := range b.Stock.Headers {
				if !validHeaderName(name) {
					v.errAtKey(base+".backend.stock.headers."+name, "invalid header name %q", name)
				}
			}
		}
	}
}

// authorization checks a route's authorization policy against its authorizer.
func (v *validator) authorization(base string, r *Route, az *Authorizer) {
	au := r.Authorization
	if r.Authorizer == "" && au.Type != "" {
		v.errf(base+".authorization", "authorization %s needs an authorizer on the route", au.Type)
		return
	}
	var spec *TypeSpec
	if az != nil {
		spec = TypeSpecOf(az.Type)
	}
	scopes := spec != nil && spec.Scopes
	switch au.Type {
	case "ANY_OF":
		if len(au.AllowedScope) == 0 {
			v.errf(base+".authorization", "authorization ANY_OF needs allowedScope: the scopes of which one must be granted")
		}
		if az != nil && !scopes {
			// API Gateway checks authorization scopes only for Cognito /
			// JWT authorizers and ignores them with Lambda ones: so does authlab.
			v.warnf(base+".authorization.type", "", "authorization ANY_OF checks scopes, but %s authorizer %q returns none (oci and jwt do): the gateway ignores allowedScope here and so does authlab — the route only authenticates", az.Type, az.Name)
		}
	case "ANONYMOUS":
		if spec != nil && spec.Anonymous == nil {
			v.errf(base+".authorization.type", "authorization ANONYMOUS is an OCI route policy; %s authorizer %q always requires its identity", az.Type, az.Name)
		} else if spec != nil && !spec.Anonymous(az) {
			v.warnf(base+".authorization.type", "OCI-A1", "route %s is ANONYMOUS but authorizer %q does not set isAnonymousAccessAllowed: true, so the route still requires authentication", r.Path, az.Name)
		}
	}
	if au.Type != "ANY_OF" && len(au.AllowedScope) > 0 {
		v.warnf(base+".authorization.allowedScope", "OCI-A1", "allowedScope is only checked by authorization type ANY_OF; this route (%s) ignores it", typeOr(au.Type))
	}
}

func typeOr(t string) string {
	if t == "" {
		return "AUTHENTICATION_ONLY"
	}
	return t
}

func (v *validator) transforms(base string, t *Transformations, r *Route, tpl *route.Template) {
	if t == nil {
		return
	}
	check := func(kind string, items []*SetItem) {
		for i, it := range items {
			p := fmt.Sprintf("%s.%s[%d]", base, kind, i)
			if kind == "setHeaders" && it.Name != "" && !validHeaderName(it.Name) {
				v.errf(p+".name", "invalid header name %q", it.Name)
			}
			for j, val := range it.Values {
				vp := fmt.Sprintf("%s.values[%d]", p, j)
				if _, ok := v.g.pos[vp]; !ok {
					vp = p + ".values"
				}
				v.expression(vp, val, r, tpl)
			}
		}
	}
	check("setHeaders", t.SetHeaders)
	check("setQuery", t.SetQuery)
	for _, list := range []struct {
		kind  string
		items []*RenameItem
	}{{"renameHeaders", t.RenameHeaders}, {"renameQuery", t.RenameQuery}} {
		for i, it := range list.items {
			if list.kind == "renameHeaders" {
				for _, n := range []struct{ k, v string }{{"from", it.From}, {"to", it.To}} {
					if n.v != "" && !validHeaderName(n.v) {
						v.errf(fmt.Sprintf("%s.%s[%d].%s", base, list.kind, i, n.k), "invalid header name %q", n.v)
					}
				}
			}
		}
	}
}

// expression compiles a value and checks what it reads exists.
func (v *validator) expression(path, src string, r *Route, tpl *route.Template) {
	t, err := expr.Compile(src)
	if err != nil {
		p := v.at(path)
		if ee, ok := err.(*expr.Error); ok && p.Line > 0 && !strings.Contains(src, "\n") {
			p.Col += ee.Offset + quoteOffset(v.g.Source, p)
		}
		v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevError, Message: err.Error()})
		return
	}
	for _, ref := range t.Refs() {
		switch ref.Table {
		case expr.Auth:
			if r != nil && r.Authorizer == "" {
				v.warnf(path, "", "%s reads the authorizer's answer, but route %s has no authorizer: it is always empty", ref, r.Path)
			}
		case expr.Path:
			if r != nil && tpl != nil && !slices.Contains(tpl.Params(), ref.Name) {
				v.errf(path, "%s: route %s has no path parameter {%s}%s", ref, r.Path, ref.Name, suggest(ref.Name, tpl.Params()))
			}
		}
	}
}

// quoteOffset is 1 when the scalar at p starts with a quote, so the caret
// lands inside the string.
func quoteOffset(src []byte, p Pos) int {
	line, ok := sourceLine(src, p.Line)
	if !ok || p.Col < 1 || p.Col > len(line) {
		return 0
	}
	if c := line[p.Col-1]; c == '"' || c == '\'' {
		return 1
	}
	return 0
}

// lint warns about configurations that work but surprise (semantics "lint").
func (v *validator) lint() {
	v.lintTrailingSlash()
	v.lintCORS()
	users := map[string][]int{}
	for i, r := range v.g.Routes {
		if r.Authorizer != "" {
			users[r.Authorizer] = append(users[r.Authorizer], i)
		}
	}
	for _, a := range v.g.Authorizers {
		spec := TypeSpecOf(a.Type)
		if spec == nil || spec.CachesPolicy == nil || !spec.CachesPolicy(a) || a.TTLValue() == 0 || len(users[a.Name]) == 0 {
			continue
		}
		if a.Function != nil && a.Function.Runtime == "mock" && !mockHasNarrowResource(a.Function) {
			continue
		}
		// One route is enough when it answers several methodArns: a path
		// parameter (/orders/1, /orders/2) or several methods.
		why, others := "", "routes"
		if n := len(users[a.Name]); n >= 2 {
			why = fmt.Sprintf("serves %d routes", n)
		} else if v.readsMethodArn(a.Function) {
			r := v.g.Routes[users[a.Name][0]]
			t, err := route.Parse(r.Path)
			switch {
			case err == nil && len(t.Params()) > 0:
				why = fmt.Sprintf("serves route %s, whose path parameter gives every %s its own methodArn", r.Path, strings.Join(bracedParams(t), ", "))
			case len(r.Methods) != 1 || strings.EqualFold(r.Methods[0], "ANY"):
				why = fmt.Sprintf("serves route %s with %s, each method its own methodArn", r.Path, methodWords(r.Methods))
			default:
				continue
			}
			others = "requests"
		} else {
			continue
		}
		v.warnf("authorizers."+a.Name, "AWS-C3", "authorizer %q caches its policy for %s and %s: a policy whose Resource names only the first request's methodArn answers 403 on the other %s until the cache expires (AWS-C3); return a wildcard resource or set ttl: 0",
			a.Name, a.TTLValue(), why, others)
	}
}

// readsMethodArn reports evidence that a function answers with a policy
// naming the request's own ARN: a mock row allowing a resource without
// wildcards, or a python / node handler whose source reads methodArn or
// routeArn and writes no wildcard (/*, "*") anywhere — the handler that
// returns Resource: event.methodArn. With one route, lint warns only on
// such evidence.
func (v *validator) readsMethodArn(f *Function) bool {
	if f == nil {
		return false
	}
	switch f.Runtime {
	case "mock":
		return mockHasNarrowResource(f)
	case "python", "node":
		file := f.Handler
		if i := strings.LastIndex(file, ":"); i >= 0 && !strings.ContainsAny(file[i+1:], `/\`) {
			file = file[:i]
		}
		b, err := limits.ReadFile(v.g.Abs(file), "handler", 1<<20)
		src := string(b)
		if err != nil || (!strings.Contains(src, "methodArn") && !strings.Contains(src, "routeArn")) {
			return false
		}
		for _, w := range []string{"/*", `"*"`, "'*'", "`*`"} {
			if strings.Contains(src, w) {
				return false
			}
		}
		return true
	}
	return false
}

func bracedParams(t *route.Template) []string {
	var out []string
	for _, p := range t.Params() {
		out = append(out, "{"+p+"}")
	}
	return out
}

func methodWords(m StringList) string {
	if len(m) == 0 || slices.ContainsFunc(m, func(x string) bool { return strings.EqualFold(x, "ANY") }) {
		return "every method"
	}
	return "methods " + strings.Join(m, ", ")
}

// mockHasNarrowResource reports whether a mock answer allows a resource
// without wildcards (the cached-policy gotcha waiting to happen).
func mockHasNarrowResource(f *Function) bool {
	for _, r := range f.Responses {
		m, ok := r.Return.(map[string]any)
		if !ok {
			continue
		}
		pd, _ := m["policyDocument"].(map[string]any)
		stmts, _ := pd["Statement"].([]any)
		for _, s := range stmts {
			st, _ := s.(map[string]any)
			if st["Effect"] != "Allow" {
				continue
			}
			var res []any
			switch x := st["Resource"].(type) {
			case string:
				res = []any{x}
			case []any:
				res = x
			}
			for _, r := range res {
				if rs, ok := r.(string); ok && !strings.ContainsAny(rs, "*?") {
					return true
				}
			}
		}
	}
	return false
}

// overlap reports method lists that share a method; as the gateway, it
// ignores case (get is GET, any is ANY).
func overlap(a, b StringList) bool {
	if len(a) == 0 || len(b) == 0 || hasMethod(a, "ANY") || hasMethod(b, "ANY") {
		return true
	}
	for _, x := range a {
		if hasMethod(b, x) {
			return true
		}
	}
	return false
}

func hasMethod(list StringList, m string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, m) })
}

// caseVariant finds a method of b written in another case than the same
// method in a, and no method the two lists share in the same spelling: the
// overlap is only the case.
func caseVariant(a, b StringList) (inA, inB string, ok bool) {
	for _, y := range b {
		if slices.Contains(a, y) {
			return "", "", false
		}
	}
	for _, y := range b {
		for _, x := range a {
			if x != y && strings.EqualFold(x, y) {
				return x, y, true
			}
		}
	}
	return "", "", false
}

func methodList(m StringList) string {
	if len(m) == 0 {
		return "ANY"
	}
	return strings.Join(m, ",")
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c > 127 || !strings.ContainsRune("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", c) {
			return false
		}
	}
	return http.CanonicalHeaderKey(s) != ""
}
