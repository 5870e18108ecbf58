package importer

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/authlab/authlab/engine/config"
)

// serverless.yml, v3 and v4 (§6): variables resolved offline, http events
// (REST) and httpApi events (HTTP API) with their authorizers, resources.

type sls struct {
	im     *imp
	root   *node
	stage  string
	region string
	files  map[string]*node
	busy   int
	// self: addresses being resolved (a cycle is unresolved) and resolved
	// (each once); steps bounds the work a hostile file can ask for.
	active map[string]bool
	done   map[string]*node
	steps  int
}

func (im *imp) importServerless() (*gateway, error) {
	s := &sls{im: im, root: im.root, files: map[string]*node{}, active: map[string]bool{}, done: map[string]*node{}}
	if p := s.text(im.root.path("provider", "name"), "provider.name"); p != "" && p != "aws" {
		return nil, &Error{Code: "IMP-FORMAT", Pos: Pos{im.file, im.root.path("provider", "name").pos.line, im.root.path("provider", "name").pos.col},
			Msg: fmt.Sprintf("serverless.yml for provider %q: authlab imports AWS services only", p)}
	}
	s.region = "us-east-1"
	if im.opts.Region != "" {
		s.region = im.opts.Region
	} else if r := im.root.path("provider", "region"); r != nil {
		s.region = s.text(r, "provider.region")
	}
	s.stage = "dev"
	if im.opts.Stage != "" {
		s.stage = im.opts.Stage
	} else if st := im.root.path("provider", "stage"); st != nil {
		s.stage = s.text(st, "provider.stage")
	}
	service := s.text(im.root.get("service"), "service")
	if sv := s.val(im.root.get("service")); sv != nil && sv.kind == kMap { // v1: service: {name: x}
		service = s.text(sv.get("name"), "service.name")
	}
	var tpl *cfnTemplate
	if res := s.val(im.root.get("resources")); res != nil {
		merged := &node{kind: kMap, pos: res.pos}
		for _, part := range res.items() {
			if r := s.val(part.get("Resources")); r != nil {
				merged = deepMerge(merged, r)
			}
		}
		tpl = im.newTemplate(&node{kind: kMap, keys: []string{"Resources"}, keyPos: []pos{res.pos}, vals: []*node{merged}})
	} else {
		tpl = im.newTemplate(&node{kind: kMap})
	}
	rest := &awsAPI{id: "rest", name: service, stage: s.stage}
	http := &awsAPI{id: "http", http: true, name: service, stage: "$default"}
	s.httpAuthorizers(http)
	if c := s.val(im.root.path("provider", "httpApi", "cors")); c != nil {
		http.cors = corsFromHTTP(s.deep(c), tpl)
	}
	fns := s.val(im.root.get("functions"))
	if fns != nil && fns.kind == kMap {
		for i, fname := range fns.keys {
			f := s.val(fns.vals[i])
			for _, e := range s.val(f.get("events")).items() {
				e = s.val(e)
				if e == nil || e.kind != kMap || len(e.keys) == 0 {
					continue
				}
				kind, body := e.keys[0], s.val(e.vals[0])
				switch kind {
				case "http":
					s.restEvent(rest, tpl, fname, fns.keyPos[i], body, e.keyPos[0])
				case "httpApi":
					s.httpEvent(http, fname, body, e.keyPos[0])
				case "websocket", "alb":
					im.warnOnce(kind, "IMP-UNSUPPORTED-API", e.keyPos[0], "%s events (function %s) are not an API Gateway REST or HTTP API; skipped", kind, fname)
				}
			}
		}
	}
	for _, r := range tpl.ofType("AWS::ApiGateway::GatewayResponse") {
		resp := gwResponse{typ: tpl.text(r.props.get("ResponseType"), "ResponseType"), at: r.at}
		if st := r.props.get("StatusCode"); st != nil {
			resp.status = tpl.text(st, "StatusCode")
		}
		if rp := r.props.get("ResponseParameters"); rp != nil {
			for j, k := range rp.keys {
				resp.headers = append(resp.headers, kv{strings.TrimPrefix(k, "gatewayresponse.header."), tpl.text(rp.vals[j], k)})
			}
		}
		if tp := r.props.get("ResponseTemplates"); tp != nil {
			for j, k := range tp.keys {
				resp.templates = append(resp.templates, kv{k, tpl.text(tp.vals[j], k)})
			}
		}
		rest.responses = append(rest.responses, resp)
	}
	if id := im.root.path("provider", "apiGateway", "restApiId"); id != nil {
		im.warn("IMP-IGNORED", id.pos, "the service attaches to an existing REST API (provider.apiGateway.restApiId); only the routes of this service are imported")
	}
	s.apiKeys(rest)
	var apis []*awsAPI
	if len(rest.methods) > 0 || len(http.methods) == 0 {
		apis = append(apis, rest)
	}
	if len(http.methods) > 0 {
		apis = append(apis, http)
	}
	api, err := im.pickAPI(apis)
	if err != nil {
		return nil, err
	}
	if len(apis) > 1 {
		im.apiID = api.id
	}
	g := im.awsGateway(api, service)
	if g.region == "" {
		g.region = s.region
	}
	return g, nil
}

// ---- variables ----

// val resolves a value that is wholly a variable (`${self:custom.auth}`),
// and variables inside text; other values are returned as they are.
func (s *sls) val(n *node) *node {
	if n == nil || n.kind != kScalar || !strings.Contains(n.str, "${") || s.busy > 16 {
		return n
	}
	s.busy++
	defer func() { s.busy-- }()
	if inner, ok := wholeVar(n.str); ok {
		if r, ok := s.variable(inner, n.pos); ok {
			return r
		}
		return &node{kind: kScalar, pos: n.pos, str: "UNRESOLVED(" + n.str + ")", tag: "!unresolved"}
	}
	out, ok := s.substitute(n.str, n.pos)
	if !ok {
		return &node{kind: kScalar, pos: n.pos, str: "UNRESOLVED(" + n.str + ")", tag: "!unresolved"}
	}
	return &node{kind: kScalar, pos: n.pos, str: out, quoted: true}
}

// deep resolves variables throughout a value (for small maps like cors).
func (s *sls) deep(n *node) *node {
	n = s.val(n)
	if n == nil {
		return nil
	}
	switch n.kind {
	case kMap:
		out := &node{kind: kMap, pos: n.pos, keys: n.keys, keyPos: n.keyPos}
		for _, v := range n.vals {
			out.vals = append(out.vals, s.deep(v))
		}
		return out
	case kList:
		out := &node{kind: kList, pos: n.pos}
		for _, v := range n.list {
			out.list = append(out.list, s.deep(v))
		}
		return out
	}
	return n
}

// text is a value's text, or UNRESOLVED(...) with a warning.
func (s *sls) text(n *node, what string) string {
	v := s.val(n)
	if v == nil {
		return ""
	}
	if v.tag == "!unresolved" {
		s.im.warn("IMP-UNRESOLVED", v.pos, "%s: %s cannot be resolved offline (run `serverless print` and import its output for the exact values); written as %s", what, n.str, v.str)
		return v.str
	}
	if t, ok := v.scalar(); ok {
		return t
	}
	return exprText(v)
}

// wholeVar reports whether s is exactly one ${...} and returns its inside.
func wholeVar(s string) (string, bool) {
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return "", false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '}':
			depth--
			if depth == 0 && i != len(s)-1 {
				return "", false
			}
		}
	}
	return s[2 : len(s)-1], true
}

// substitute replaces every ${...} in text; ok is false when one cannot be
// resolved.
func (s *sls) substitute(text string, at pos) (string, bool) {
	var b strings.Builder
	ok := true
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			return b.String(), ok
		}
		b.WriteString(text[:i])
		depth, end := 0, -1
		for j := i; j < len(text); j++ {
			if strings.HasPrefix(text[j:], "${") {
				depth++
				j++
				continue
			}
			if text[j] == '}' {
				depth--
				if depth == 0 {
					end = j
					break
				}
			}
		}
		if end < 0 {
			b.WriteString(text[i:])
			return b.String(), ok
		}
		r, good := s.variable(text[i+2:end], at)
		if t, isText := r.scalar(); good && isText {
			b.WriteString(t)
		} else {
			ok = false
		}
		text = text[end+1:]
	}
}

// variable resolves the inside of ${...}: source:address, fallback.
func (s *sls) variable(inner string, at pos) (*node, bool) {
	// nested variables in the address first: ${self:custom.${sls:stage}}
	if strings.Contains(inner, "${") {
		var ok bool
		if inner, ok = s.substitute(inner, at); !ok {
			return nil, false
		}
	}
	ref, fallback, hasFallback := splitFallback(inner)
	r, ok := s.source(strings.TrimSpace(ref), at)
	if ok && r != nil {
		return r, true
	}
	if hasFallback {
		fb := strings.TrimSpace(fallback)
		if len(fb) >= 2 && (fb[0] == '\'' || fb[0] == '"') && fb[len(fb)-1] == fb[0] {
			return &node{kind: kScalar, pos: at, str: fb[1 : len(fb)-1], quoted: true}, true
		}
		if strings.Contains(fb, ":") && !strings.Contains(fb, " ") {
			if r, ok := s.source(fb, at); ok {
				return r, true
			}
		}
		return &node{kind: kScalar, pos: at, str: fb}, true
	}
	return nil, false
}

// splitFallback cuts "opt:stage, 'dev'" at its top-level comma.
func splitFallback(s string) (ref, fallback string, ok bool) {
	depth, quote := 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (s *sls) source(ref string, at pos) (*node, bool) {
	scalar := func(v string) (*node, bool) { return &node{kind: kScalar, pos: at, str: v, quoted: true}, true }
	switch {
	case strings.HasPrefix(ref, "self:"):
		n := s.root
		addr := strings.TrimPrefix(ref, "self:")
		if addr == "" {
			return n, true
		}
		if v, ok := s.done[addr]; ok {
			return v, v != nil
		}
		s.steps++
		if s.active[addr] || s.steps > 10000 {
			return nil, false // a cycle, or more work than any real file needs
		}
		s.active[addr] = true
		defer delete(s.active, addr)
		for _, k := range strings.Split(addr, ".") {
			n = s.val(n).get(k)
		}
		var v *node
		if n != nil {
			if v = s.val(n); v != nil && v.tag == "!unresolved" {
				v = nil
			}
		}
		s.done[addr] = v
		return v, v != nil
	case ref == "sls:stage" || ref == "opt:stage" && s.im.opts.Stage != "":
		return scalar(s.stage)
	case ref == "opt:region" && s.im.opts.Region != "":
		return scalar(s.im.opts.Region)
	case ref == "aws:region":
		return scalar(s.region)
	case ref == "aws:accountId":
		if s.im.opts.Account != "" {
			return scalar(s.im.opts.Account)
		}
		return scalar("123456789012")
	case strings.HasPrefix(ref, "param:"):
		name := strings.TrimPrefix(ref, "param:")
		for _, st := range []string{s.stage, "default"} {
			if v := s.root.path("stages", st, "params", name); v != nil {
				return s.val(v), true
			}
		}
	case strings.HasPrefix(ref, "file("):
		end := strings.Index(ref, ")")
		if end < 0 {
			return nil, false
		}
		p := strings.TrimSpace(ref[5:end])
		doc := s.file(p)
		if doc == nil {
			return nil, false
		}
		addr := strings.TrimPrefix(ref[end+1:], ":")
		n := doc
		if addr != "" {
			for _, k := range strings.Split(addr, ".") {
				n = n.get(k)
			}
		}
		return n, n != nil
	}
	// env:, ssm:, cf:, s3:, opt: without --stage/--region, sls:instanceId:
	// not known offline (env: is not read, so the import is reproducible).
	return nil, false
}

func (s *sls) file(p string) *node {
	abs := filepath.Join(s.im.dir, filepath.FromSlash(p))
	if n, ok := s.files[abs]; ok {
		return n
	}
	s.files[abs] = nil
	src, _, err := config.ReadFile(abs, "variables file")
	if err != nil || src == nil {
		return nil
	}
	n, err := parse(s.im.rel(abs), src)
	if err != nil {
		return nil
	}
	s.files[abs] = n
	return n
}

// ---- functions ----

func (s *sls) function(name string, at pos) *fnSpec {
	f := s.val(s.root.path("functions", name))
	if f == nil {
		return &fnSpec{ref: name, at: at, notLocal: "no function " + name + " in this service"}
	}
	prov := s.val(s.root.get("provider"))
	sp := &fnSpec{ref: name, names: []string{name}, at: s.root.get("functions").keyAt(name), codeRoot: s.im.dir}
	if f.has("image") {
		sp.image = true
		return sp
	}
	if a := f.path("package", "artifact"); a != nil {
		sp.notLocal, sp.codeRoot = "it is packaged as an artifact ("+s.text(a, "artifact")+")", ""
	}
	sp.handler = s.text(f.get("handler"), "handler of "+name)
	switch {
	case f.has("runtime"):
		sp.runtime = s.text(f.get("runtime"), "runtime of "+name)
	case prov.has("runtime"):
		sp.runtime = s.text(prov.get("runtime"), "provider.runtime")
	default:
		sp.defaultRuntime = "nodejs"
		s.im.warnOnce("sls-runtime", "IMP-FN-RUNTIME", sp.at, "no runtime in the function or provider: assumed Node.js, as the Serverless Framework does")
	}
	sp.timeout = "6s" // the Serverless Framework's default (Lambda's is 3)
	for _, to := range []*node{prov.get("timeout"), f.get("timeout")} {
		if to != nil {
			if n, ok := intText(s.text(to, "timeout")); ok {
				sp.timeout = fmt.Sprintf("%ds", n)
			}
		}
	}
	for _, envs := range []*node{s.val(prov.get("environment")), s.val(f.get("environment"))} {
		if envs == nil || envs.kind != kMap {
			continue
		}
		for i, k := range envs.keys {
			v := s.val(envs.vals[i])
			e := envVar{k: k, at: envs.keyPos[i]}
			if t, ok := v.scalar(); ok && v.tag == "" {
				e.v = t
			} else {
				e.v, e.unresolved = v.str, true
				if v.tag != "!unresolved" {
					e.v = "UNRESOLVED(" + exprText(v) + ")"
				}
			}
			// a function's value replaces the provider's
			replaced := false
			for j := range sp.env {
				if sp.env[j].k == k {
					sp.env[j], replaced = e, true
				}
			}
			if !replaced {
				sp.env = append(sp.env, e)
			}
		}
	}
	sp.layers = f.has("layers") || prov.has("layers")
	return sp
}

// ---- http events (REST) ----

var slsCorsHeaders = []string{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id"}

func (s *sls) restEvent(api *awsAPI, tpl *cfnTemplate, fname string, fnAt pos, ev *node, at pos) {
	m := &awsMethod{at: at, label: fmt.Sprintf("http event of function %s", fname), authSet: true,
		integ: &awsInteg{typ: "aws_proxy", target: "function " + fname, at: at, fn: s.function(fname, fnAt)}}
	if ev.kind == kScalar {
		method, path, _ := strings.Cut(strings.TrimSpace(s.text(ev, "http event")), " ")
		m.method, m.path = method, strings.TrimSpace(path)
		api.methods = append(api.methods, m)
		return
	}
	m.path = s.text(ev.get("path"), "path")
	m.method = s.text(ev.get("method"), "method")
	if a := s.val(ev.get("authorizer")); a != nil {
		s.restAuthorizer(api, tpl, m, a, ev.keyAt("authorizer"))
	}
	if p := ev.get("private"); p != nil {
		if b, _ := s.val(p).boolean(); b {
			m.apiKey, m.apiKeySet, m.apiKeyAt = true, true, p.pos
		}
	}
	if in := ev.get("integration"); in != nil {
		switch strings.ToLower(s.text(in, "integration")) {
		case "mock":
			m.integ = &awsInteg{typ: "mock", at: in.pos, status: 200}
		case "lambda":
			m.integ.typ = "lambda"
			if tpls := s.val(ev.path("request", "template")); tpls != nil {
				for i, k := range tpls.keys {
					m.integ.reqTpl = append(m.integ.reqTpl, kv{k, s.text(tpls.vals[i], "request template")})
				}
			}
		case "http", "http-proxy", "http_proxy":
			m.integ = &awsInteg{typ: "http", at: in.pos, target: s.text(ev.path("request", "uri"), "request.uri")}
		}
	}
	if c := s.val(ev.get("cors")); c != nil {
		if b, ok := c.boolean(); !ok || b {
			cors := &awsCors{at: c.pos, noAuth: true, headers: slsCorsHeaders, origins: []string{"*"}}
			if c.kind == kMap {
				c = s.deep(c)
				if o := c.get("origin"); o != nil {
					cors.origins = []string{s.text(o, "cors.origin")}
				}
				if o := c.get("origins"); o != nil {
					cors.origins = tpl.strList(o, "cors.origins")
				}
				if h := c.get("headers"); h != nil {
					cors.headers = tpl.strList(h, "cors.headers")
				}
				if v := c.get("maxAge"); v != nil {
					cors.maxAge = s.text(v, "cors.maxAge")
				}
				if v := c.get("allowCredentials"); v != nil {
					cors.credentials, _ = v.boolean()
				}
			}
			m.cors = cors
		}
	}
	api.methods = append(api.methods, m)
}

// restAuthorizer reads an http event's authorizer (§6.2).
func (s *sls) restAuthorizer(api *awsAPI, tpl *cfnTemplate, m *awsMethod, a *node, at pos) {
	im := s.im
	a = s.deep(a)
	var name, typ, arn string
	var fnName string
	if a.kind == kScalar {
		v := s.text(a, "authorizer")
		switch {
		case strings.EqualFold(v, "aws_iam"):
			m.iam = true
			return
		case strings.HasPrefix(v, "arn:") && strings.Contains(v, ":cognito-idp:"):
			typ, arn = "cognito", v
			name = arnAuthorizerName(v)
		case strings.HasPrefix(v, "arn:"):
			arn = v
			name = arnAuthorizerName(v)
		default:
			name, fnName = v, v
		}
	} else {
		if strings.EqualFold(s.text(a.get("type"), "authorizer.type"), "aws_iam") {
			m.iam = true
			return
		}
		name = s.text(a.get("name"), "authorizer.name")
		arn = s.text(a.get("arn"), "authorizer.arn")
		typ = strings.ToLower(s.text(a.get("type"), "authorizer.type"))
		if id := a.get("authorizerId"); id != nil {
			ref := tpl.resourceRef(id)
			if r := tpl.byID[ref]; r != nil && r.typ == "AWS::ApiGateway::Authorizer" {
				if !hasAuth(api, ref) {
					api.auths = append(api.auths, im.cfnRestAuthorizer(tpl, r))
				}
				m.auth = ref
				if sc := a.get("scopes"); sc != nil {
					m.scopes, m.scopesSet, m.scopesAt = tpl.strList(sc, "scopes"), true, sc.pos
				}
				return
			}
			im.warn("IMP-UNRESOLVED", id.pos, "authorizerId %s names no AWS::ApiGateway::Authorizer under resources; imported without an authorizer", exprText(id))
			return
		}
		if strings.Contains(arn, ":cognito-idp:") || typ == "cognito_user_pools" {
			typ = "cognito"
		}
		if name == "" {
			switch {
			case typ == "cognito" && arn != "":
				name = arnAuthorizerName(arn)
			case strings.HasPrefix(arn, "arn:"):
				name = arnAuthorizerName(arn)
			}
		}
		if arn == "" && typ != "cognito" {
			fnName = name
		}
		if sc := a.get("scopes"); sc != nil {
			m.scopes, m.scopesSet, m.scopesAt = tpl.strList(sc, "scopes"), true, sc.pos
		}
		if a.has("claims") {
			im.warnOnce("claims", "IMP-IGNORED", a.keyAt("claims"), "authorizer claims (which Cognito claims reach the integration) are not emulated; ignored")
		}
		if a.has("managedExternally") {
			im.warnOnce("managedExternally", "IMP-IGNORED", a.keyAt("managedExternally"), "managedExternally has no meaning locally; ignored")
		}
	}
	if name == "" {
		name = "authorizer"
	}
	au := &awsAuth{name: name, at: at, label: "(http event authorizer)"}
	switch {
	case typ == "cognito":
		au.kind = "cognito"
		if arn != "" {
			au.pools = []string{arn}
		} else if a.kind == kMap {
			au.pools = []string{poolText(tpl, a.get("arn"))}
		}
		src := "method.request.header.Authorization"
		if a.kind == kMap && a.has("identitySource") {
			src = s.text(a.get("identitySource"), "identitySource")
		}
		au.identity = []idSrc{{src, at}}
	default:
		au.kind = "token"
		if typ == "request" {
			au.kind = "request"
		}
		ttl := 300
		if a.kind == kMap && a.has("resultTtlInSeconds") {
			if n, ok := intText(s.text(a.get("resultTtlInSeconds"), "resultTtlInSeconds")); ok {
				ttl = n
			}
		}
		au.ttl = &ttl
		src := "method.request.header.Authorization"
		if a.kind == kMap && a.has("identitySource") {
			src = s.text(a.get("identitySource"), "identitySource")
		} else if au.kind == "request" && ttl == 0 {
			src = ""
		}
		if src != "" {
			au.identity = []idSrc{{src, a.keyAt("identitySource")}}
		}
		if a.kind == kMap && a.has("identityValidationExpression") {
			au.regex, au.regexAt = s.text(a.get("identityValidationExpression"), "identityValidationExpression"), a.get("identityValidationExpression").pos
		}
		if fnName != "" {
			au.fn = s.function(fnName, at)
		} else {
			au.fn = &fnSpec{ref: name, names: []string{arn, arnFunctionName(arn)}, at: at, notLocal: "the authorizer is an external function (" + arn + ")"}
		}
	}
	// Serverless merges authorizers by name: the last event wins.
	for i, prev := range api.auths {
		if prev.name == name {
			if !sameAuth(prev, au) {
				im.warn("IMP-SOURCE-INVALID", at, "authorizer %s is declared with other settings at line %d; the Serverless Framework merges them and the last one wins, as here", name, prev.at.line)
			}
			au.at = prev.at
			api.auths[i] = au
			m.auth = name
			return
		}
	}
	api.auths = append(api.auths, au)
	m.auth = name
}

func sameAuth(a, b *awsAuth) bool {
	ttl := func(p *int) int {
		if p == nil {
			return -1
		}
		return *p
	}
	return a.kind == b.kind && reflect.DeepEqual(idText(a.identity), idText(b.identity)) && ttl(a.ttl) == ttl(b.ttl) && a.regex == b.regex
}

func idText(ids []idSrc) []string {
	var out []string
	for _, i := range ids {
		out = append(out, i.s)
	}
	return out
}

func arnFunctionName(arn string) string {
	if m := lambdaArn.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return ""
}

// arnAuthorizerName names an authorizer given by ARN as the Serverless
// Framework does (naming.js extractAuthorizerNameFromArn): the last ":"
// segment, then its last "-" segment — for a Cognito pool ARN too.
func arnAuthorizerName(arn string) string {
	parts := strings.Split(arn, ":")
	seg := strings.Split(parts[len(parts)-1], "-")
	return seg[len(seg)-1]
}

// ---- httpApi events and provider.httpApi.authorizers (§6.3) ----

func (s *sls) httpAuthorizers(api *awsAPI) {
	az := s.val(s.root.path("provider", "httpApi", "authorizers"))
	if az == nil || az.kind != kMap {
		return
	}
	tpl := s.im.newTemplate(&node{kind: kMap})
	for i, key := range az.keys {
		v := s.deep(az.vals[i])
		a := &awsAuth{name: key, at: az.keyPos[i], label: "(provider.httpApi.authorizers)"}
		switch strings.ToLower(s.text(v.get("type"), "type")) {
		case "request":
			a.kind = "lambda"
			a.payload = "2.0"
			if pv := v.get("payloadVersion"); pv != nil {
				a.payload = payloadVersion(s.text(pv, "payloadVersion"))
			}
			if sr := v.get("enableSimpleResponses"); sr != nil {
				b, _ := sr.boolean()
				a.simple = &b
			}
			if ttl := v.get("resultTtlInSeconds"); ttl != nil {
				if n, ok := intText(s.text(ttl, "resultTtlInSeconds")); ok {
					a.ttl, a.ttlAt = &n, ttl.pos
				}
			}
			switch {
			case v.has("functionName"):
				a.fn = s.function(s.text(v.get("functionName"), "functionName"), a.at)
			case v.has("functionArn"):
				arn := s.text(v.get("functionArn"), "functionArn")
				a.fn = &fnSpec{ref: key, names: []string{arn, arnFunctionName(arn)}, at: v.get("functionArn").pos, notLocal: "the authorizer is an external function (" + arn + ")"}
			}
		default:
			a.kind = "jwt"
			if is := v.get("issuerUrl"); is != nil {
				a.issuer, a.issuerAt = s.text(is, "issuerUrl"), is.pos
			}
			a.audience = tpl.strList(v.get("audience"), "audience")
		}
		for _, x := range v.get("identitySource").items() {
			a.identity = append(a.identity, idSrc{s.text(x, "identitySource"), x.pos})
		}
		if v.has("managedExternally") {
			s.im.warnOnce("managedExternally", "IMP-IGNORED", v.keyAt("managedExternally"), "managedExternally has no meaning locally; ignored")
		}
		api.auths = append(api.auths, a)
	}
}

func (s *sls) httpEvent(api *awsAPI, fname string, ev *node, at pos) {
	m := &awsMethod{at: at, label: fmt.Sprintf("httpApi event of function %s", fname), authSet: true,
		integ: &awsInteg{typ: "aws_proxy", target: "function " + fname, at: at, fn: s.function(fname, at)}}
	if ev.kind == kScalar {
		v := strings.TrimSpace(s.text(ev, "httpApi event"))
		if v == "*" {
			m.path, m.method = "$default", "ANY"
		} else {
			m.path, m.method = routeKey(v)
		}
		api.methods = append(api.methods, m)
		return
	}
	m.method = s.text(ev.get("method"), "method")
	m.path = s.text(ev.get("path"), "path")
	if m.method == "*" || m.method == "" {
		m.method = "ANY"
	}
	if m.path == "*" {
		m.path = "$default"
	}
	if a := s.deep(ev.get("authorizer")); a != nil {
		switch {
		case a.kind == kScalar:
			m.auth = s.text(a, "authorizer")
		case strings.EqualFold(a.get("type").text(), "aws_iam"):
			m.iam = true
		case a.has("name"):
			m.auth = s.text(a.get("name"), "authorizer.name")
		case a.has("id"):
			s.im.warn("IMP-UNRESOLVED", a.keyAt("id"), "authorizer id %s names an authorizer outside this service; imported without an authorizer", exprText(a.get("id")))
		}
		if sc := a.get("scopes"); sc != nil {
			var scopes []string
			for _, x := range sc.items() {
				scopes = append(scopes, s.text(x, "scope"))
			}
			m.scopes, m.scopesSet, m.scopesAt = scopes, true, sc.pos
		}
	}
	api.methods = append(api.methods, m)
}

// apiKeys reads provider.apiGateway.apiKeys and usagePlan: keys by name
// (with a value when given), one plan for all of them, or plans by name
// with keys grouped under the plan's name (serverless v3 forms).
func (s *sls) apiKeys(api *awsAPI) {
	ag := s.val(s.root.path("provider", "apiGateway"))
	if ag == nil {
		return
	}
	limits := func(p *planDef, n *node) {
		n = s.deep(n)
		if th := n.get("throttle"); th != nil {
			p.hasThrottle = true
			p.rate = s.text(th.get("rateLimit"), "rateLimit")
			p.burst, _ = intText(s.text(th.get("burstLimit"), "burstLimit"))
		}
		if q := n.get("quota"); q != nil {
			p.limit, _ = intText(s.text(q.get("limit"), "limit"))
			p.period = strings.ToUpper(s.text(q.get("period"), "period"))
			p.offset, _ = intText(s.text(q.get("offset"), "offset"))
			p.hasQuota = p.limit > 0
		}
	}
	key := func(n *node) (apiKeyDef, bool) {
		n = s.deep(n)
		switch {
		case n.kind == kScalar:
			return apiKeyDef{name: s.text(n, "API key"), at: n.pos}, true
		case n.kind == kMap && n.has("name"):
			k := apiKeyDef{name: s.text(n.get("name"), "API key name"), value: s.text(n.get("value"), "API key value"), at: n.pos}
			if e, ok := n.get("enabled").boolean(); ok && !e {
				k.disabled = true
			}
			return k, true
		}
		return apiKeyDef{}, false
	}
	groups := map[string][]string{}
	for _, k := range s.val(ag.get("apiKeys")).items() {
		k = s.val(k)
		if k.kind == kMap && len(k.keys) == 1 && !k.has("name") && !k.has("value") {
			// - free: [key1, {name: key2, value: ...}]
			plan := k.keys[0]
			for _, x := range k.vals[0].items() {
				if kd, ok := key(x); ok {
					api.keys = append(api.keys, kd)
					groups[plan] = append(groups[plan], kd.name)
				}
			}
			continue
		}
		if kd, ok := key(k); ok {
			api.keys = append(api.keys, kd)
			groups[""] = append(groups[""], kd.name)
		}
	}
	up := s.val(ag.get("usagePlan"))
	switch {
	case up != nil && up.kind == kList:
		for _, p := range up.list {
			p = s.val(p)
			if p.kind != kMap || len(p.keys) != 1 {
				continue
			}
			plan := planDef{name: p.keys[0], keys: groups[p.keys[0]], at: p.keyPos[0]}
			limits(&plan, p.vals[0])
			if len(plan.keys) > 0 {
				api.plans = append(api.plans, plan)
			}
		}
	case len(api.keys) > 0:
		var all []string
		for _, k := range api.keys {
			all = append(all, k.name)
		}
		plan := planDef{name: api.name + "-" + s.stage, keys: all, at: ag.pos}
		if up != nil {
			limits(&plan, up)
			plan.at = up.pos
		}
		api.plans = append(api.plans, plan)
	}
}
