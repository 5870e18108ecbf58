package importer

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine/config"
)

// The AWS API model SAM, CloudFormation, OpenAPI and serverless.yml all
// read into; awsGateway turns it into authlab's terms. What authlab cannot
// express yet is decided in awsgaps.go.

type awsAPI struct {
	id    string // logical ID (or "rest"/"http" for serverless)
	http  bool   // an HTTP API (ApiGatewayV2), else REST
	name  string
	at    pos
	stage string
	vars  []kv
	auths []*awsAuth
	// defaultAuth applies to every method without its own (SAM
	// DefaultAuthorizer, OpenAPI root security); "" none.
	defaultAuth   string
	defaultAuthAt pos
	// defaultIAM: the default is AWS_IAM.
	defaultIAM bool
	// corsPreflightAuth: SAM's AddDefaultAuthorizerToCorsPreflight (true by
	// default): synthesised preflights get the default authorizer.
	corsPreflightAuth bool
	// apiKeyAll: every method requires an API key unless it says otherwise
	// (SAM Auth.ApiKeyRequired).
	apiKeyAll bool
	apiKeyAt  pos
	methods   []*awsMethod
	cors      *awsCors
	// API keys (REST): the key source, keys and usage plans of the source
	keySource  string
	keys       []apiKeyDef
	plans      []planDef
	firstKeyAt pos // the first method that requires a key
	responses  []gwResponse
	// fns: the functions of proxy integrations, resolved once each
	fns map[string]*function
}

type awsAuth struct {
	name  string
	at    pos
	label string
	kind  string // token | request | cognito | lambda (HTTP API) | jwt (HTTP API)
	// identity sources as the source wrote them
	identity []idSrc
	regex    string
	regexAt  pos
	ttl      *int // seconds; nil = absent
	ttlAt    pos
	fn       *fnSpec
	payload  string // HTTP API Lambda: 1.0 | 2.0
	simple   *bool
	issuer   string
	issuerAt pos
	audience []string
	scopes   []string // default scopes of routes using it
	pools    []string // Cognito provider ARNs (resolved text or UNRESOLVED(...))
	notes    []string
}

type idSrc struct {
	s  string
	at pos
}

type awsMethod struct {
	path, method string
	at           pos
	label        string
	auth         string // authorizer name; "" none
	authSet      bool   // the method says which (NONE included)
	iam          bool
	scopes       []string
	scopesSet    bool
	scopesAt     pos
	apiKey       bool
	apiKeySet    bool
	apiKeyAt     pos
	integ        *awsInteg
	// fromBody: defined in an OpenAPI body; SAM applies the default
	// authorizer only to those with an integration.
	fromBody bool
	// openAuth is set for methods that must not get the default (CORS
	// preflights serverless makes).
	openAuth bool
	// cors: this method's path gets a preflight (serverless cors: true).
	cors *awsCors
}

type awsInteg struct {
	typ     string // aws_proxy | aws | http | http_proxy | mock | lambda | ...
	target  string // a function or URL, for the comment
	at      pos
	status  int
	headers []kv
	body    string
	params  []param // request parameter mappings
	reqTpl  []kv    // content type -> template
	http    bool    // HTTP API parameter mapping syntax
	// fn: the Lambda function of an aws_proxy integration, when known
	fn *fnSpec
	// payload: an HTTP API integration's payloadFormatVersion as written
	payload string
}

type param struct {
	target, value string
	at            pos
}

type awsCors struct {
	origins, methods, headers, expose []string
	maxAge                            string
	credentials                       bool
	at                                pos
	// noAuth: preflights never get an authorizer (serverless).
	noAuth bool
}

type gwResponse struct {
	typ     string
	status  string
	headers []kv // NAME -> SOURCE as API Gateway writes it ('literal', method.request.header.X)
	// templates: content type -> template, in source order
	templates []kv
	at        pos
}

// normalizePath: a leading /, no trailing / (API Gateway treats /a and /a/
// as one resource), parameter names authlab accepts.
func (im *imp) normalizePath(p string, at pos) string {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	for len(p) > 1 && strings.HasSuffix(p, "/") {
		p = strings.TrimSuffix(p, "/")
	}
	n := 0
	return paramRe.ReplaceAllStringFunc(p, func(m string) string {
		name := strings.TrimSuffix(m[1:len(m)-1], "+")
		greedy := strings.HasSuffix(m, "+}")
		if paramName.MatchString(name) {
			return m
		}
		n++
		repl := fmt.Sprintf("p%d", n)
		im.warn("IMP-IGNORED", at, "path parameter {%s} renamed {%s}: authlab parameter names are letters, digits, _ and -", name, repl)
		if greedy {
			return "{" + repl + "+}"
		}
		return "{" + repl + "}"
	})
}

var (
	paramRe   = regexp.MustCompile(`\{[^{}/]*\}`)
	paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

// identity normalises identity sources to authlab's short form, dropping
// what authlab cannot read (IMP-IDENTITY-DROPPED).
func (im *imp) identity(srcs []idSrc, http bool, authName string) []string {
	var out []string
	for _, s := range srcs {
		for _, part := range strings.Split(s.s, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if !http && (strings.HasPrefix(part, "$request.") || strings.HasPrefix(part, "${request.")) {
				im.warn("IMP-SOURCE-INVALID", s.at, "authorizer %s: identity source %s is HTTP API syntax, not valid for a REST API on AWS (local emulators accept it); imported as the header it names", authName, part)
			}
			// HTTP API brace spelling: ${request.header.X}
			if strings.HasPrefix(part, "${") && strings.HasSuffix(part, "}") {
				part = "$" + part[2:len(part)-1]
			}
			src, err := config.ParseIdentitySource(part)
			switch {
			case err != nil:
				im.warn("IMP-IDENTITY-DROPPED", s.at, "authorizer %s: identity source %q is not one authlab reads (%v); dropped, so it is neither required nor in the cache key", authName, part, err)
				continue
			case src.Kind == config.SrcPath:
				im.warn("IMP-IDENTITY-DROPPED", s.at, "authorizer %s: path parameter %s cannot be an identity source in authlab; dropped, so it is neither required nor in the cache key", authName, src.Name)
				continue
			case src.Kind == config.SrcContext && !slices.Contains(config.ContextVariables, src.Name) && !(http && src.Name == "routeKey"):
				im.warn("IMP-IDENTITY-DROPPED", s.at, "authorizer %s: context variable %s is not one authlab knows (%s); dropped, which changes the cache key and the presence check (AWS-I3)", authName, src.Name, strings.Join(config.ContextVariables, ", "))
				continue
			case src.Kind == config.SrcContext && src.Name == "routeKey" && !http:
				im.warn("IMP-IDENTITY-DROPPED", s.at, "authorizer %s: $context.routeKey exists on HTTP APIs only; dropped", authName)
				continue
			}
			out = append(out, src.String())
		}
	}
	return out
}

// awsGateway turns one API into authlab's gateway.
func (im *imp) awsGateway(api *awsAPI, name string) *gateway {
	g := &gateway{name: name, platform: "aws", stage: api.stage, stageVars: api.vars}
	if api.http {
		g.platform = "aws-http"
	}
	if im.opts.Stage != "" {
		g.stage = im.opts.Stage
	}
	g.region, g.account = im.opts.Region, im.opts.Account
	byName := map[string]*authorizer{}
	for _, a := range api.auths {
		if byName[a.name] != nil {
			continue
		}
		az := im.awsAuthorizer(api, a)
		byName[a.name] = az
		g.authorizers = append(g.authorizers, az)
	}
	known := func(name string) *authorizer { return byName[name] }

	type key struct{ path, method string }
	seen := map[key]*awsMethod{}
	var rows []*awsMethod
	for _, m := range api.methods {
		m.path = im.normalizePath(m.path, m.at)
		m.method = strings.ToUpper(m.method)
		if m.method == "X-AMAZON-APIGATEWAY-ANY-METHOD" || m.method == "*" {
			m.method = "ANY"
		}
		k := key{m.path, m.method}
		if prev := seen[k]; prev != nil {
			im.warn("IMP-SOURCE-INVALID", m.at, "%s %s is defined twice (also at line %d); the first definition is imported", m.method, m.path, prev.at.line)
			continue
		}
		seen[k] = m
		rows = append(rows, m)
	}
	hasDefault := false
	for _, m := range rows {
		if m.path == "/$default" || m.path == "$default" {
			hasDefault = true
		}
	}
	// ANY next to explicit methods: the explicit method wins on AWS;
	// authlab refuses the overlap, so ANY becomes the other methods.
	explicit := map[string][]string{}
	for _, m := range rows {
		if m.method != "ANY" {
			explicit[m.path] = append(explicit[m.path], m.method)
		}
	}
	var routes []*route
	for _, m := range rows {
		r := &route{path: m.path, methods: []string{m.method}, at: m.at, label: m.label}
		if m.method == "ANY" && len(explicit[m.path]) > 0 {
			var rest []string
			for _, x := range expandedAny {
				if !slices.Contains(explicit[m.path], x) {
					rest = append(rest, x)
				}
			}
			im.warn("IMP-ANY-SPLIT", m.at, "ANY %s next to explicit %s on the same path: the explicit methods win on AWS, so ANY is imported as %s", m.path, strings.Join(explicit[m.path], ", "), strings.Join(rest, ", "))
			r.methods = rest
			r.notes = append(r.notes, "ANY without "+strings.Join(explicit[m.path], ", ")+" (those have their own routes)")
			if len(rest) == 0 {
				continue
			}
		}
		im.methodAuth(api, g, m, r, byName)
		r.backend = im.awsBackend(api, m, r)
		routes = append(routes, r)
	}
	// $default: every path and method no other route matches: / and
	// /{proxy+} (authlab's greedy parameter needs one segment), where no
	// explicit route holds them already.
	var final []*route
	for _, r := range routes {
		if r.path != "/$default" {
			final = append(final, r)
		}
	}
	for _, r := range routes {
		if r.path != "/$default" {
			continue
		}
		for _, p := range []string{"/", "/{proxy+}"} {
			taken := false
			for _, x := range final {
				taken = taken || x.path == p
			}
			if taken {
				continue
			}
			c := *r
			c.path, c.methods = p, []string{"ANY"}
			c.notes = append(append([]string{}, r.notes...), "$default route: "+p+" stands for the paths no other route matches")
			final = append(final, &c)
		}
	}
	routes = final
	if api.cors != nil {
		routes = append(routes, im.corsPreflights(g, api, api.cors, nil, routes, hasDefault, known)...)
	} else {
		// serverless: cors on some events only
		var c *awsCors
		only := map[string]bool{}
		for _, m := range rows {
			if m.cors != nil {
				only[m.path] = true
				if c == nil {
					c = m.cors
				}
			}
		}
		if c != nil {
			routes = append(routes, im.corsPreflights(g, api, c, only, routes, hasDefault, known)...)
		}
	}
	routes = im.mergeRoutes(routes)
	g.routes = routes
	im.apiKeys(api, g)
	im.gatewayResponses(api, g)
	return g
}

// methodAuth sets a route's authorizer and authorization from its method,
// the API default and the authorizer's default scopes.
func (im *imp) methodAuth(api *awsAPI, g *gateway, m *awsMethod, r *route, byName map[string]*authorizer) {
	name := m.auth
	if !m.authSet && !m.openAuth && m.fromBody && m.integ == nil && (api.defaultAuth != "" || api.defaultIAM) {
		im.warn("IMP-SOURCE-INVALID", m.at, "%s %s has no x-amazon-apigateway-integration: SAM does not give it the DefaultAuthorizer (and API Gateway refuses to deploy a method without one); imported without an authorizer", strings.ToUpper(m.method), m.path)
	}
	if !m.authSet && !m.openAuth {
		if api.defaultIAM && (!m.fromBody || m.integ != nil) {
			m.iam = true
		}
		if api.defaultAuth != "" && (!m.fromBody || m.integ != nil) {
			name = api.defaultAuth
		}
	}
	if !m.apiKeySet && api.apiKeyAll {
		m.apiKey, m.apiKeyAt = true, api.apiKeyAt
	}
	if m.apiKey {
		im.apiKeyRoute(api, m, r)
	}
	if m.iam {
		im.iamRoute(g, m, r, byName)
		return
	}
	if name == "" {
		if m.scopesSet && len(m.scopes) > 0 {
			im.warn("IMP-SCOPES-IGNORED", m.scopesAt, "%s %s lists scopes but has no authorizer; ignored", m.method, m.path)
		}
		return
	}
	az := byName[name]
	if az == nil {
		im.warn("IMP-SOURCE-INVALID", m.at, "%s %s names authorizer %q, which the API does not define; imported without an authorizer", m.method, m.path, name)
		r.notes = append(r.notes, fmt.Sprintf("authorizer %q is not defined in the source", name))
		return
	}
	az.used = true
	r.authorizer = name
	scopes := m.scopes
	if !m.scopesSet {
		scopes = authScopes(api, name)
	}
	if len(scopes) == 0 {
		return
	}
	switch az.typ {
	case "cognito", "aws-jwt":
		r.awsScopes = scopes
		return
	case "jwt":
		r.authzType, r.scopes = "ANY_OF", scopes
		return
	}
	im.warn("IMP-SCOPES-IGNORED", m.scopesAt.or(m.at), "%s %s lists scopes %s, but authorizer %s is a Lambda authorizer: API Gateway checks scopes only for Cognito and JWT authorizers; ignored", m.method, m.path, strings.Join(scopes, " "), name)
}

func (p pos) or(q pos) pos {
	if p.valid() {
		return p
	}
	return q
}

func authScopes(api *awsAPI, name string) []string {
	for _, a := range api.auths {
		if a.name == name {
			return a.scopes
		}
	}
	return nil
}

// awsAuthorizer maps one authorizer.
func (im *imp) awsAuthorizer(api *awsAPI, a *awsAuth) *authorizer {
	az := &authorizer{name: a.name, at: a.at, label: a.label, notes: a.notes}
	switch a.kind {
	case "cognito":
		im.cognitoAuthorizer(api, a, az)
		return az
	case "jwt":
		im.httpJWTAuthorizer(api, a, az)
		return az
	case "token":
		az.typ = "aws-token"
		ids := im.identity(a.identity, false, a.name)
		if len(ids) == 0 {
			ids = []string{"header:Authorization"}
		}
		if len(ids) > 1 {
			im.warn("IMP-IDENTITY-DROPPED", a.at, "authorizer %s: a TOKEN authorizer reads one header; %s kept, %s dropped", a.name, ids[0], strings.Join(ids[1:], ", "))
			ids = ids[:1]
		}
		if !strings.HasPrefix(ids[0], "header:") {
			im.warn("IMP-SOURCE-INVALID", a.at, "authorizer %s: a TOKEN authorizer's source is a header, not %s; imported as header:Authorization", a.name, ids[0])
			ids = []string{"header:Authorization"}
		}
		az.identity = ids
		az.regex = a.regex
	case "request":
		az.typ = "aws-request"
		az.identity = im.identity(a.identity, false, a.name)
		if a.regex != "" {
			im.warn("IMP-REGEX-DROPPED", a.regexAt.or(a.at), "authorizer %s: a REQUEST authorizer has no validation expression (API Gateway ignores it); dropped", a.name)
		}
	case "lambda":
		az.typ = "aws-http"
		az.identity = im.identity(a.identity, true, a.name)
		payload := a.payload
		if payload == "" {
			payload = "2.0"
		}
		az.set("payloadFormat", payload, "")
		if a.simple != nil && *a.simple {
			if payload == "1.0" {
				im.warn("IMP-SOURCE-INVALID", a.at, "authorizer %s: simple responses need payload format 2.0 on AWS; dropped", a.name)
			} else {
				az.set("simpleResponses", true, "")
			}
		}
	default:
		az.typ = "aws-token"
	}
	// TTL: REST default 300 s when absent; HTTP APIs: 0 (IMP-TTL-HTTP).
	switch {
	case a.ttl != nil:
		az.ttl = a.ttl
		if *a.ttl > 3600 {
			im.warn("IMP-SOURCE-INVALID", a.ttlAt.or(a.at), "authorizer %s: TTL %ds is over API Gateway's maximum of 3600; imported as 3600s", a.name, *a.ttl)
			v := 3600
			az.ttl = &v
		}
	case a.kind == "lambda":
		zero := 0
		az.ttl = &zero
		az.ttlNote = "import: the source sets no TTL (IMP-TTL-HTTP)"
		im.warn("IMP-TTL-HTTP", a.at, "authorizer %s sets no TTL: imported as ttl: 0 (AWS documents no default for HTTP API authorizers; the console suggests 300 — unconfirmed)", a.name)
	default:
		v := 300
		az.ttl = &v
		az.ttlNote = "import: API Gateway's default when the source sets none"
	}
	if a.kind == "request" && az.ttl != nil && *az.ttl > 0 && len(az.identity) == 0 {
		im.warn("IMP-SOURCE-INVALID", a.at, "authorizer %s: a REQUEST authorizer with caching needs an identity source; imported with ttl: 0", a.name)
		zero := 0
		az.ttl = &zero
	}
	simple := a.simple != nil && *a.simple && a.payload != "1.0"
	az.fn = im.resolveFunction(a.fn, az.typ, simple)
	return az
}

// awsBackend maps a method's integration (§1.5): mock integrations become
// stock answers, everything else echoes (or goes to --backend-url).
func (im *imp) awsBackend(api *awsAPI, m *awsMethod, r *route) backend {
	in := m.integ
	if in != nil && in.typ == "mock" {
		st := &stock{status: in.status, headers: in.headers, body: in.body}
		if st.status == 0 {
			st.status = 200
		}
		if strings.ContainsAny(in.body, "$#") {
			im.warnOnce("mock-vtl", "IMP-VTL", in.at, "mock integration response templates are not evaluated; the template text is the body as written")
		}
		return backend{stock: st, comment: "import: mock integration"}
	}
	if in != nil {
		im.requestParams(in, m, r)
	}
	return im.lambdaBackend(api, m, in)
}

// requestParams maps integration request parameters (§10.1, §10.2) and the
// recognised subset of mapping templates (§10.3).
func (im *imp) requestParams(in *awsInteg, m *awsMethod, r *route) {
	t := &transforms{}
	for _, p := range in.params {
		if in.http {
			im.httpParam(p, t, m)
			continue
		}
		loc, name, ok := strings.Cut(strings.TrimPrefix(p.target, "integration.request."), ".")
		if !ok || !strings.HasPrefix(p.target, "integration.request.") {
			im.warn("IMP-TRANSFORM-DROPPED", p.at, "request parameter %s: not an integration.request target; dropped", p.target)
			continue
		}
		val, ok := im.mapValue(p.value, false)
		if !ok {
			im.warn("IMP-TRANSFORM-DROPPED", p.at, "request parameter %s = %s: authlab cannot express that source; dropped", p.target, p.value)
			continue
		}
		// a pure pass-through (same name, same place) changes nothing
		if (loc == "header" && strings.EqualFold(p.value, "method.request.header."+name)) || (loc == "querystring" && p.value == "method.request.querystring."+name) {
			continue
		}
		switch loc {
		case "header":
			t.setHeaders = append(t.setHeaders, setItem{name: name, values: []string{val}, ifExists: "OVERWRITE"})
		case "querystring":
			t.setQuery = append(t.setQuery, setItem{name: name, values: []string{val}, ifExists: "OVERWRITE"})
		default:
			im.warn("IMP-TRANSFORM-DROPPED", p.at, "request parameter %s: authlab does not rewrite the path; dropped", p.target)
		}
	}
	for _, tpl := range in.reqTpl {
		if !im.vtlSubset(tpl.v, t) {
			im.warnOnce("vtl-"+tpl.k, "IMP-VTL", in.at, "request mapping templates are not evaluated (only #set($context.requestOverride...) from $context.authorizer is translated); the backend gets the request as sent")
		}
	}
	if !t.empty() {
		r.req = t
	}
}

var (
	vtlOverride = regexp.MustCompile(`#set\(\s*\$context\.requestOverride\.(header|querystring)\.([A-Za-z0-9_-]+)\s*=\s*"\$(?:context\.authorizer\.([A-Za-z0-9_.:-]+)|([A-Za-z_][A-Za-z0-9_]*))"\s*\)`)
	vtlVar      = regexp.MustCompile(`#set\(\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"\$context\.authorizer\.([A-Za-z0-9_.:-]+)"\s*\)`)
)

// vtlSubset translates requestOverride from the authorizer's context;
// it reports whether the whole template was that.
func (im *imp) vtlSubset(tpl string, t *transforms) bool {
	vars := map[string]string{}
	for _, m := range vtlVar.FindAllStringSubmatch(tpl, -1) {
		vars[m[1]] = m[2]
	}
	found := false
	for _, m := range vtlOverride.FindAllStringSubmatch(tpl, -1) {
		key := m[3]
		if key == "" {
			key = vars[m[4]]
		}
		if key == "" {
			continue
		}
		key = strings.TrimPrefix(key, "claims.")
		it := setItem{name: m[2], values: []string{"${request.auth[" + key + "]}"}, ifExists: "OVERWRITE"}
		if m[1] == "header" {
			t.setHeaders = append(t.setHeaders, it)
		} else {
			t.setQuery = append(t.setQuery, it)
		}
		found = true
	}
	rest := vtlOverride.ReplaceAllString(vtlVar.ReplaceAllString(tpl, ""), "")
	return found && strings.TrimSpace(strings.ReplaceAll(rest, "$input.json('$')", "")) == ""
}

// mapValue translates a mapping source to an authlab expression.
func (im *imp) mapValue(v string, http bool) (string, bool) {
	v = strings.TrimSpace(v)
	if http {
		v = strings.TrimPrefix(v, "$")
		if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
			v = v[1 : len(v)-1]
		}
		v = strings.Replace(v, "request.querystring.", "method.request.querystring.", 1)
		v = strings.Replace(v, "request.header.", "method.request.header.", 1)
		v = strings.Replace(v, "request.path.", "method.request.path.", 1)
	}
	switch {
	case len(v) >= 2 && strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'"):
		return v[1 : len(v)-1], true
	case strings.HasPrefix(v, "context.authorizer.claims."):
		return "${request.auth[" + strings.TrimPrefix(v, "context.authorizer.claims.") + "]}", true
	case strings.HasPrefix(v, "context.authorizer."):
		return "${request.auth[" + strings.TrimPrefix(v, "context.authorizer.") + "]}", true
	case strings.HasPrefix(v, "method.request.header."):
		return "${request.headers[" + strings.TrimPrefix(v, "method.request.header.") + "]}", true
	case strings.HasPrefix(v, "method.request.querystring."):
		return "${request.query[" + strings.TrimPrefix(v, "method.request.querystring.") + "]}", true
	case strings.HasPrefix(v, "method.request.path."):
		return "${request.path[" + strings.TrimPrefix(v, "method.request.path.") + "]}", true
	case http && !strings.Contains(v, "$") && !strings.Contains(v, "."):
		return v, true // static text
	}
	return "", false
}

// httpParam maps an HTTP API parameter mapping (§10.2).
func (im *imp) httpParam(p param, t *transforms, m *awsMethod) {
	op, target, ok := strings.Cut(p.target, ":")
	if !ok {
		im.warn("IMP-TRANSFORM-DROPPED", p.at, "parameter mapping %s: expected append|overwrite|remove:header.NAME; dropped", p.target)
		return
	}
	loc, name, _ := strings.Cut(target, ".")
	if loc == "path" || (loc != "header" && loc != "querystring") {
		im.warn("IMP-TRANSFORM-DROPPED", p.at, "parameter mapping %s: authlab does not rewrite the path; dropped", p.target)
		return
	}
	if op == "remove" {
		f := &filter{typ: "BLOCK", names: []string{name}}
		if loc == "header" {
			if t.filterHeaders != nil {
				t.filterHeaders.names = append(t.filterHeaders.names, name)
			} else {
				t.filterHeaders = f
			}
		} else if t.filterQuery != nil {
			t.filterQuery.names = append(t.filterQuery.names, name)
		} else {
			t.filterQuery = f
		}
		return
	}
	val, ok := im.mapValue(p.value, true)
	if !ok {
		im.warn("IMP-TRANSFORM-DROPPED", p.at, "parameter mapping %s = %s: authlab cannot express that source; dropped", p.target, p.value)
		return
	}
	ifx := "OVERWRITE"
	if op == "append" {
		ifx = "APPEND"
	}
	it := setItem{name: name, values: []string{val}, ifExists: ifx}
	if loc == "header" {
		t.setHeaders = append(t.setHeaders, it)
	} else {
		t.setQuery = append(t.setQuery, it)
	}
}

// mergeRoutes joins routes of one path whose every other key is the same
// (one route per path and set of methods, §1.4).
func (im *imp) mergeRoutes(rs []*route) []*route {
	var out []*route
	for _, r := range rs {
		merged := false
		for _, o := range out {
			if o.path == r.path && sameRoute(o, r) && !slices.Contains(o.methods, "ANY") && !slices.Contains(r.methods, "ANY") && len(o.methods) > 0 && len(r.methods) > 0 {
				o.methods = append(o.methods, r.methods...)
				if r.at.valid() && (!o.at.valid() || r.at.line < o.at.line) {
					o.at = r.at
				}
				if r.label != o.label && r.label != "" {
					o.label = strings.TrimSpace(o.label + "; " + r.label)
				}
				for _, n := range r.notes {
					if !slices.Contains(o.notes, n) {
						o.notes = append(o.notes, n)
					}
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, r)
		}
	}
	return out
}

func sameRoute(a, b *route) bool {
	return a.authorizer == b.authorizer && a.backendAuthorizer == b.backendAuthorizer && a.authzType == b.authzType &&
		slices.Equal(a.scopes, b.scopes) && fmt.Sprint(a.req) == fmt.Sprint(b.req) && fmt.Sprint(a.resp) == fmt.Sprint(b.resp) &&
		a.backend.echo == b.backend.echo && a.backend.url == b.backend.url && fmt.Sprint(a.backend.stock) == fmt.Sprint(b.backend.stock) &&
		a.backend.comment == b.backend.comment
}

// unquote strips one level of API Gateway single quotes ("'*'" -> *).
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return s[1 : len(s)-1]
	}
	return s
}

// corsPreflights synthesises OPTIONS routes (IMP-CORS): REST APIs get a
// mock OPTIONS method per path (SAM's Cors, serverless cors: true); HTTP
// APIs answer preflights themselves unless a route catches OPTIONS.
func (im *imp) corsPreflights(g *gateway, api *awsAPI, c *awsCors, only map[string]bool, routes []*route, hasDefault bool, known func(string) *authorizer) []*route {
	paths := map[string][]string{}
	var order []string
	for _, r := range routes {
		if only != nil && !only[r.path] {
			continue
		}
		if _, ok := paths[r.path]; !ok {
			order = append(order, r.path)
		}
		ms := r.methods
		if len(ms) == 0 {
			ms = []string{"ANY"}
		}
		paths[r.path] = append(paths[r.path], ms...)
	}
	sort.Strings(order)
	var out []*route
	headers := func(methods []string, http bool) []kv {
		var h []kv
		origin := "*"
		if len(c.origins) > 0 {
			origin = strings.Join(c.origins, ",")
		}
		h = append(h, kv{"Access-Control-Allow-Origin", origin})
		h = append(h, kv{"Access-Control-Allow-Methods", strings.Join(methods, ",")})
		if len(c.headers) > 0 {
			h = append(h, kv{"Access-Control-Allow-Headers", strings.Join(c.headers, ",")})
		}
		if c.maxAge != "" {
			h = append(h, kv{"Access-Control-Max-Age", c.maxAge})
		}
		if c.credentials {
			h = append(h, kv{"Access-Control-Allow-Credentials", "true"})
		}
		return h
	}
	if api.http {
		// the gateway answers preflights no route takes and adds the CORS
		// headers to every answer (AWSH-CORS*): aws.cors says so.
		g.cors = c
		return nil
	}
	auth := ""
	if api.corsPreflightAuth && !c.noAuth && api.defaultAuth != "" && known(api.defaultAuth) != nil {
		auth = api.defaultAuth
	}
	for _, p := range order {
		ms := paths[p]
		if slices.Contains(ms, "OPTIONS") {
			continue
		}
		allowed := c.methods
		if len(allowed) == 0 {
			if slices.Contains(ms, "ANY") {
				allowed = append([]string{}, expandedAny...)
			} else {
				allowed = append(append([]string{}, ms...), "OPTIONS")
				sort.Slice(allowed, func(i, j int) bool { return methodRank(allowed[i]) < methodRank(allowed[j]) })
			}
		}
		r := &route{path: p, methods: []string{"OPTIONS"}, at: c.at, label: "CORS preflight (mock OPTIONS method)", authorizer: auth,
			backend: backend{stock: &stock{status: 200, headers: headers(allowed, false)}, comment: "import: CORS preflight"}}
		if slices.Contains(ms, "ANY") {
			// ANY already holds OPTIONS on this path; a preflight route
			// would be a duplicate.
			continue
		}
		if auth != "" {
			known(auth).used = true
			r.notes = append(r.notes, "AddDefaultAuthorizerToCorsPreflight is true (SAM's default): the preflight needs credentials, which browsers never send")
		}
		out = append(out, r)
	}
	msg := "CORS: an OPTIONS route with the CORS headers (a mock method, status 200) is added to every path"
	if only != nil {
		msg = "CORS: an OPTIONS route with the CORS headers (a mock method, status 200, no authorizer) is added to each path whose event sets cors"
	}
	if auth != "" {
		msg += fmt.Sprintf("; each gets the default authorizer %s because AddDefaultAuthorizerToCorsPreflight is true, so preflights without credentials are refused (AWS-G13)", auth)
	}
	im.warn("IMP-CORS", c.at, "%s", msg)
	return out
}

// intText reads a number written as a number or a string.
func intText(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}
