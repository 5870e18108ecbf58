package importer

import (
	"strings"
)

// OpenAPI 2 / 3 with API Gateway extensions (§5): standalone files, SAM
// DefinitionBody / DefinitionUri and CloudFormation Body all read here.

// importOpenAPIFile imports a standalone OpenAPI file.
func (im *imp) importOpenAPIFile() (*gateway, error) {
	t := im.newTemplate(&node{kind: kMap})
	api := &awsAPI{id: "", at: im.root.pos}
	api.http = openAPIIsHTTP(im.root)
	im.readOpenAPI(im.root, t, api)
	name := im.root.path("info", "title").text()
	if api.stage == "" && !api.http {
		api.stage = "" // the file names no stage: authlab's default
	}
	return im.awsGateway(api, name), nil
}

// openAPIIsHTTP decides REST or HTTP API (§5.1).
func openAPIIsHTTP(doc *node) bool {
	if doc.has("x-amazon-apigateway-cors") {
		return true
	}
	for _, s := range securitySchemes(doc) {
		az := s.n.get("x-amazon-apigateway-authorizer")
		if az == nil {
			continue
		}
		if strings.EqualFold(az.get("type").text(), "jwt") || az.has("authorizerPayloadFormatVersion") || az.has("enableSimpleResponses") {
			return true
		}
		if strings.HasPrefix(az.get("identitySource").text(), "$") {
			return true
		}
		for _, x := range az.get("identitySource").items() {
			if strings.HasPrefix(x.text(), "$") {
				return true
			}
		}
	}
	paths := doc.get("paths")
	if paths != nil {
		for _, item := range paths.vals {
			for _, op := range item.vals {
				if op.path("x-amazon-apigateway-integration", "payloadFormatVersion") != nil {
					return true
				}
			}
		}
	}
	return false
}

type scheme struct {
	name string
	n    *node
	at   pos
}

func securitySchemes(doc *node) []scheme {
	var out []scheme
	for _, c := range []*node{doc.get("securityDefinitions"), doc.path("components", "securitySchemes")} {
		if c == nil || c.kind != kMap {
			continue
		}
		for i, k := range c.keys {
			out = append(out, scheme{k, c.vals[i], c.keyPos[i]})
		}
	}
	return out
}

var operations = []string{"get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method", "any"}

// readOpenAPI adds an OpenAPI document's authorizers, methods and root
// extensions to api. t evaluates intrinsics (an empty template for a
// standalone file).
func (im *imp) readOpenAPI(doc *node, t *cfnTemplate, api *awsAPI) {
	if api.name == "" {
		api.name = t.text(doc.path("info", "title"), "info.title")
	}
	authSchemes := map[string]bool{}
	iamSchemes := map[string]bool{}
	keySchemes := map[string]bool{}
	for _, s := range securitySchemes(doc) {
		ext := t.resolve(s.n.get("x-amazon-apigateway-authorizer"))
		authtype := strings.ToLower(s.n.get("x-amazon-apigateway-authtype").text())
		switch {
		case ext != nil:
			a := im.openAPIAuthorizer(s, ext, t, api.http)
			if a != nil && !hasAuth(api, a.name) {
				api.auths = append(api.auths, a)
			}
			authSchemes[s.name] = true
		case authtype == "awssigv4" || authtype == "aws_iam":
			iamSchemes[s.name] = true
		case strings.EqualFold(s.n.get("type").text(), "apiKey"):
			keySchemes[s.name] = true
		}
	}
	// requirement reads a security requirement list.
	type req struct {
		set    bool
		auth   string
		none   bool
		iam    bool
		apiKey bool
		scopes []string
		at     pos
	}
	readReq := func(n *node) req {
		r := req{set: n != nil, at: n.at(pos{})}
		if n == nil {
			return r
		}
		if n.kind == kList && len(n.list) == 0 {
			r.none = true
			return r
		}
		chosen := 0
		for _, alt := range n.items() {
			if alt.kind != kMap {
				continue
			}
			for i, k := range alt.keys {
				switch {
				case k == "NONE":
					r.none = true
				case authSchemes[k] || hasAuth(api, k):
					chosen++
					if chosen == 1 {
						r.auth = k
						for _, sc := range alt.vals[i].items() {
							r.scopes = append(r.scopes, t.text(sc, "scope"))
						}
					}
				case iamSchemes[k]:
					r.iam = true
				case keySchemes[k]:
					r.apiKey = true
				}
			}
		}
		if chosen > 1 {
			im.warn("IMP-IGNORED", r.at, "several alternative authorizers in one security requirement; the first (%s) is imported", r.auth)
		}
		return r
	}
	root := readReq(doc.get("security"))
	if root.set && api.defaultAuth == "" && !api.defaultIAM {
		api.defaultAuth, api.defaultAuthAt = root.auth, root.at
		api.defaultIAM = root.iam
		if len(root.scopes) > 0 {
			for _, a := range api.auths {
				if a.name == root.auth && len(a.scopes) == 0 {
					a.scopes = root.scopes
				}
			}
		}
	}
	paths := doc.get("paths")
	if paths != nil && paths.kind == kMap {
		for i, p := range paths.keys {
			item := t.resolve(paths.vals[i])
			if item == nil || item.kind != kMap {
				continue
			}
			for j, op := range item.keys {
				if !containsFold(operations, op) {
					continue
				}
				o := t.resolve(item.vals[j])
				if o == nil {
					continue
				}
				m := &awsMethod{path: p, method: op, at: item.keyPos[j], fromBody: true,
					label: strings.ToUpper(strings.TrimPrefix(op, "x-amazon-apigateway-")) + " " + p}
				if strings.HasPrefix(op, "x-amazon") || op == "any" {
					m.method = "ANY"
					m.label = "ANY " + p
				}
				if r := readReq(o.get("security")); r.set {
					m.authSet = true
					m.auth = r.auth
					m.iam = r.iam
					m.apiKey = r.apiKey
					m.apiKeyAt = r.at
					if r.auth != "" && len(r.scopes) > 0 {
						m.scopes, m.scopesSet, m.scopesAt = r.scopes, true, r.at
					}
				} else if root.apiKey {
					m.apiKey, m.apiKeyAt = true, root.at
				}
				if in := t.resolve(o.get("x-amazon-apigateway-integration")); in != nil {
					m.integ = im.openAPIIntegration(in, t, api.http)
				}
				api.methods = append(api.methods, m)
			}
		}
	}
	if bp := doc.get("basePath"); bp != nil && bp.text() != "/" {
		im.warn("IMP-IGNORED", bp.pos, "basePath %s is ignored, as API Gateway's import does by default (basepath=ignore): routes are the paths as written", bp.text())
	}
	if gr := doc.get("x-amazon-apigateway-gateway-responses"); gr != nil {
		api.responses = append(api.responses, openAPIResponses(gr, t)...)
	}
	if ks := doc.get("x-amazon-apigateway-api-key-source"); ks != nil {
		api.keySource = strings.ToUpper(ks.text())
	}
	if c := doc.get("x-amazon-apigateway-cors"); c != nil {
		api.cors = corsFromHTTP(c, t)
	}
	for _, ext := range []string{"x-amazon-apigateway-policy", "x-amazon-apigateway-endpoint-configuration", "x-amazon-apigateway-binary-media-types",
		"x-amazon-apigateway-request-validators", "x-amazon-apigateway-documentation", "x-amazon-apigateway-minimum-compression-size",
		"x-amazon-apigateway-importexport-version", "x-amazon-apigateway-tag-value"} {
		if n := doc.get(ext); n != nil {
			code := "IMP-IGNORED"
			if ext == "x-amazon-apigateway-policy" {
				code = "IMP-RESOURCE-POLICY"
			}
			im.warn(code, doc.keyAt(ext), "%s has no meaning in authlab; ignored", ext)
		}
	}
}

func hasAuth(api *awsAPI, name string) bool {
	for _, a := range api.auths {
		if a.name == name {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// openAPIAuthorizer reads x-amazon-apigateway-authorizer (§5.2).
func (im *imp) openAPIAuthorizer(s scheme, ext *node, t *cfnTemplate, http bool) *awsAuth {
	a := &awsAuth{name: s.name, at: s.at, label: "security scheme " + s.name}
	typ := strings.ToLower(t.text(ext.get("type"), "authorizer type"))
	idsrc := func() {
		for _, x := range ext.get("identitySource").items() {
			a.identity = append(a.identity, idSrc{t.text(x, "identitySource"), x.pos})
		}
	}
	switch typ {
	case "token":
		a.kind = "token"
		name := s.n.get("name").text()
		if name == "" || !strings.EqualFold(s.n.get("in").text(), "header") {
			name = "Authorization"
		}
		a.identity = []idSrc{{"header:" + name, s.n.pos}}
	case "request":
		if http {
			a.kind = "lambda"
		} else {
			a.kind = "request"
		}
		idsrc()
	case "cognito_user_pools":
		a.kind = "cognito"
		name := s.n.get("name").text()
		if name == "" {
			name = "Authorization"
		}
		a.identity = []idSrc{{"header:" + name, s.n.pos}}
		for _, p := range t.listOf(ext.get("providerARNs"), 0) {
			a.pools = append(a.pools, poolText(t, p))
		}
	case "jwt":
		a.kind = "jwt"
		idsrc()
		jc := ext.get("jwtConfiguration")
		if is := jc.getFold("issuer"); is != nil {
			a.issuer, a.issuerAt = t.text(is, "issuer"), is.pos
		} else if u := s.n.get("openIdConnectUrl"); u != nil {
			a.issuer, a.issuerAt = strings.TrimSuffix(t.text(u, "openIdConnectUrl"), "/.well-known/openid-configuration"), u.pos
		}
		a.audience = t.strList(jc.getFold("audience"), "audience")
	default:
		im.warn("IMP-SOURCE-INVALID", ext.pos, "security scheme %s: authorizer type %q is not token, request, cognito_user_pools or jwt; imported as token", s.name, typ)
		a.kind = "token"
	}
	if v := ext.get("authorizerResultTtlInSeconds"); v != nil {
		if n, ok := t.num(v); ok {
			a.ttl, a.ttlAt = &n, v.pos
		}
	}
	if v := ext.get("identityValidationExpression"); v != nil {
		a.regex, a.regexAt = t.text(v, "identityValidationExpression"), v.pos
	}
	if v := ext.get("authorizerPayloadFormatVersion"); v != nil {
		a.payload = payloadVersion(t.text(v, "payload format"))
	} else if a.kind == "lambda" {
		a.payload = "2.0"
		im.warn("IMP-SOURCE-INVALID", ext.pos, "security scheme %s: an HTTP API Lambda authorizer needs authorizerPayloadFormatVersion; imported as 2.0", s.name)
	}
	if v := ext.get("enableSimpleResponses"); v != nil {
		b, _ := t.boolean(v)
		a.simple = &b
	}
	if v := ext.get("authorizerCredentials"); v != nil {
		im.warnOnce("authorizerCredentials", "IMP-IGNORED", v.pos, "authorizerCredentials (the role API Gateway invokes the function with) has no meaning locally; ignored")
	}
	if a.kind != "cognito" && a.kind != "jwt" {
		a.fn = t.functionFor(ext.get("authorizerUri"), "authorizer "+s.name)
	}
	return a
}

// payloadVersion: 2.0 read as a float, 1 → "1.0" (§1.3).
func payloadVersion(s string) string {
	switch strings.TrimSpace(s) {
	case "1", "1.0":
		return "1.0"
	case "2", "2.0":
		return "2.0"
	}
	return s
}

// poolText is a user pool ARN's text, or UNRESOLVED(<expr>).
func poolText(t *cfnTemplate, n *node) string {
	if s, ok := t.str(n); ok {
		return s
	}
	return "UNRESOLVED(" + exprText(n) + ")"
}

// openAPIIntegration reads x-amazon-apigateway-integration (§5.4).
func (im *imp) openAPIIntegration(in *node, t *cfnTemplate, http bool) *awsInteg {
	out := &awsInteg{typ: strings.ToLower(t.text(in.get("type"), "integration type")), at: in.pos, http: http}
	uri := in.get("uri")
	if v := in.get("payloadFormatVersion"); v != nil {
		out.payload = payloadVersion(v.text())
	}
	switch out.typ {
	case "aws_proxy", "aws":
		if fn := t.functionFor(uri, ""); fn != nil && fn.ref != "" && (t.byID[fn.ref] != nil || lambdaArn.MatchString(exprText(uri))) {
			out.target = "function " + fn.ref
			if out.typ == "aws" {
				out.typ = "lambda"
			} else {
				out.fn = fn
			}
		} else if uri != nil {
			out.target = exprText(uri)
		}
		if st := in.get("integrationSubtype"); st != nil {
			out.target = t.text(st, "integrationSubtype")
		}
	case "http", "http_proxy":
		if uri != nil {
			out.target = exprText(uri)
			if s, ok := t.str(uri); ok {
				out.target = s
			}
		}
	case "mock":
		def := in.path("responses", "default")
		if def == nil {
			if rs := in.get("responses"); rs != nil && len(rs.vals) > 0 {
				def = rs.vals[0]
			}
		}
		if def != nil {
			if n, ok := t.num(def.get("statusCode")); ok {
				out.status = n
			}
			if rp := def.get("responseParameters"); rp != nil {
				for i, k := range rp.keys {
					if h, ok := strings.CutPrefix(k, "method.response.header."); ok {
						out.headers = append(out.headers, kv{h, unquote(t.text(rp.vals[i], k))})
					}
				}
			}
			if tp := def.get("responseTemplates"); tp != nil && len(tp.vals) > 0 {
				body := tp.get("application/json")
				if body == nil {
					body = tp.vals[0]
				}
				out.body = t.text(body, "response template")
			}
		}
	}
	if rp := in.get("requestParameters"); rp != nil && rp.kind == kMap {
		for i, k := range rp.keys {
			out.params = append(out.params, param{k, t.text(rp.vals[i], "request parameter "+k), rp.keyPos[i]})
		}
	}
	if rt := in.get("requestTemplates"); rt != nil && rt.kind == kMap {
		for i, k := range rt.keys {
			out.reqTpl = append(out.reqTpl, kv{k, t.text(rt.vals[i], "request template")})
		}
	}
	return out
}

// openAPIResponses reads x-amazon-apigateway-gateway-responses.
func openAPIResponses(gr *node, t *cfnTemplate) []gwResponse {
	var out []gwResponse
	if gr.kind != kMap {
		return nil
	}
	for i, typ := range gr.keys {
		v := gr.vals[i]
		r := gwResponse{typ: typ, at: gr.keyPos[i], status: v.get("statusCode").text()}
		if rp := v.get("responseParameters"); rp != nil {
			for j, k := range rp.keys {
				h := strings.TrimPrefix(k, "gatewayresponse.header.")
				r.headers = append(r.headers, kv{h, rp.vals[j].text()})
			}
		}
		if rt := v.get("responseTemplates"); rt != nil {
			for j, k := range rt.keys {
				r.templates = append(r.templates, kv{k, rt.vals[j].text()})
			}
		}
		out = append(out, r)
	}
	return out
}

// corsFromHTTP reads an HTTP API CORS configuration (OpenAPI
// x-amazon-apigateway-cors, CFN/SAM CorsConfiguration, serverless
// httpApi.cors); keys in either case.
func corsFromHTTP(c *node, t *cfnTemplate) *awsCors {
	out := &awsCors{at: c.pos}
	if b, ok := c.boolean(); ok {
		if !b {
			return nil
		}
		out.origins, out.methods, out.headers = []string{"*"}, []string{"*"}, []string{"*"}
		return out
	}
	out.origins = t.strList(c.getFold("allowOrigins", "AllowOrigins", "allowedOrigins"), "allowOrigins")
	out.methods = t.strList(c.getFold("allowMethods", "allowedMethods"), "allowMethods")
	out.headers = t.strList(c.getFold("allowHeaders", "allowedHeaders"), "allowHeaders")
	out.expose = t.strList(c.getFold("exposeHeaders", "exposedResponseHeaders"), "exposeHeaders")
	if v := c.getFold("maxAge"); v != nil {
		out.maxAge = t.text(v, "maxAge")
	}
	if v := c.getFold("allowCredentials"); v != nil {
		out.credentials, _ = t.boolean(v)
	}
	return out
}
