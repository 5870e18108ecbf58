package importer

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine/config"
)

// SAM (§3) and plain CloudFormation (§4) templates: one reader, since SAM
// templates mix in plain API Gateway resources and CloudFormation APIs
// often use SAM functions.

// importCloudFormation finds the template's APIs, picks one, and maps it.
func (im *imp) importCloudFormation() (*gateway, error) {
	t := im.newTemplate(im.root)
	var apis []*awsAPI
	for _, r := range t.resources {
		switch r.typ {
		case "AWS::Serverless::Api":
			apis = append(apis, im.samRestAPI(t, r.id, r))
		case "AWS::Serverless::HttpApi":
			apis = append(apis, im.samHTTPAPI(t, r.id, r))
		case "AWS::ApiGateway::RestApi":
			apis = append(apis, im.cfnRestAPI(t, r))
		case "AWS::ApiGatewayV2::Api":
			if strings.EqualFold(t.text(r.props.get("ProtocolType"), "ProtocolType"), "WEBSOCKET") {
				im.warn("IMP-UNSUPPORTED-API", r.at, "%s is a WebSocket API, which authlab does not emulate; skipped", r.id)
				continue
			}
			apis = append(apis, im.cfnHTTPAPI(t, r))
		case "AWS::Serverless::GraphQLApi", "AWS::AppSync::GraphQLApi", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::Lambda::Url", "AWS::Serverless::WebSocketApi":
			im.warn("IMP-UNSUPPORTED-API", r.at, "%s (%s) is not an API Gateway REST or HTTP API; skipped", r.id, r.typ)
		}
	}
	// Implicit SAM APIs: events without RestApiId / ApiId.
	if im.samEventsUse(t, "Api", "") {
		apis = append(apis, im.samRestAPI(t, "ServerlessRestApi", nil))
	}
	if im.samEventsUse(t, "HttpApi", "") {
		apis = append(apis, im.samHTTPAPI(t, "ServerlessHttpApi", nil))
	}
	for _, r := range t.resources {
		if r.typ == "AWS::Serverless::Function" {
			im.samFunctionEvents(t, r, apis)
		}
	}
	api, err := im.pickAPI(apis)
	if err != nil {
		return nil, err
	}
	im.apiID = api.id
	name := api.name
	if name == "" {
		name = api.id
	}
	return im.awsGateway(api, name), nil
}

// pickAPI chooses the API to import: --api, else the only one with routes.
func (im *imp) pickAPI(apis []*awsAPI) (*awsAPI, error) {
	var ids []string
	for _, a := range apis {
		ids = append(ids, a.id)
	}
	if im.opts.API != "" {
		for _, a := range apis {
			if a.id == im.opts.API {
				return a, nil
			}
		}
		return nil, &Error{Code: "IMP-MULTI-API", Pos: Pos{im.file, 1, 1}, Candidates: ids,
			Msg: fmt.Sprintf("no API %q in the source; it defines %s", im.opts.API, listOr(ids))}
	}
	var withRoutes []*awsAPI
	for _, a := range apis {
		if len(a.methods) > 0 {
			withRoutes = append(withRoutes, a)
		}
	}
	switch {
	case len(withRoutes) == 1:
		for _, a := range apis {
			if a != withRoutes[0] {
				im.warn("IMP-MULTI-API", a.at, "the source also defines API %s, without routes; not imported (--api %s picks it)", a.id, a.id)
			}
		}
		return withRoutes[0], nil
	case len(withRoutes) == 0 && len(apis) == 1:
		return apis[0], nil
	case len(apis) == 0:
		return nil, &Error{Code: "IMP-FORMAT", Pos: Pos{im.file, 1, 1}, Msg: fmt.Sprintf("the %s defines no API Gateway REST or HTTP API (no AWS::Serverless::Api/HttpApi, AWS::ApiGateway::RestApi, AWS::ApiGatewayV2::Api, nor function Api/HttpApi events)", im.format.Title())}
	}
	var cands []string
	for _, a := range withRoutes {
		cands = append(cands, a.id)
	}
	if len(cands) == 0 {
		cands = ids
	}
	return nil, &Error{Code: "IMP-MULTI-API", Pos: Pos{im.file, 1, 1}, Candidates: cands,
		Msg: fmt.Sprintf("the source defines several APIs (%s); choose one with --api ID (or --api all for one file each)", strings.Join(cands, ", "))}
}

func listOr(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// samEventsUse reports whether any function has an event of type typ on
// the API apiID ("" = the implicit one).
func (im *imp) samEventsUse(t *cfnTemplate, typ, apiID string) bool {
	for _, r := range t.ofType("AWS::Serverless::Function") {
		ev := t.prop(r.props, "Events")
		if ev == nil {
			continue
		}
		for _, e := range ev.vals {
			if e.get("Type").text() != typ {
				continue
			}
			idKey := "RestApiId"
			if typ == "HttpApi" {
				idKey = "ApiId"
			}
			ref := t.resourceRef(e.path("Properties", idKey))
			if (apiID == "" && e.path("Properties", idKey) == nil) || (apiID != "" && ref == apiID) {
				return true
			}
		}
	}
	return false
}

// ---- functions ----

var lambdaArn = regexp.MustCompile(`arn:aws[a-z-]*:lambda:[a-z0-9-]*:[0-9]*:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?`)

// functionFor finds the Lambda function behind an ARN or URI value (§2.3).
// what names the authorizer ("authorizer X"): --function X=... matches it
// when the function itself has no usable name.
func (t *cfnTemplate) functionFor(n *node, what string) *fnSpec {
	if n == nil {
		return nil
	}
	owner := strings.TrimPrefix(what, "authorizer ")
	if id := t.resourceRef(n); id != "" {
		if sp := t.functionSpec(id, 0); sp != nil {
			sp.names = append(sp.names, owner)
			return sp
		}
	}
	if s, ok := t.str(n); ok {
		if m := lambdaArn.FindStringSubmatch(s); m != nil {
			name := m[1]
			for _, r := range t.ofType("AWS::Serverless::Function", "AWS::Lambda::Function") {
				if fn, ok := t.str(r.props.get("FunctionName")); (ok && fn == name) || r.id == name {
					sp := t.functionSpec(r.id, 0)
					sp.names = append(sp.names, owner)
					return sp
				}
			}
			return &fnSpec{ref: name, names: []string{m[0], owner}, at: n.pos, notLocal: "it is not defined in this file (" + m[0] + ")"}
		}
		if strings.Contains(s, "${") || strings.Contains(s, "{{") {
			return &fnSpec{ref: owner, names: []string{s}, at: n.pos, notLocal: "its ARN is a placeholder (" + s + ": a Terraform templatefile variable?)"}
		}
		if s != "" && !strings.Contains(s, ":") {
			return &fnSpec{ref: s, names: []string{owner}, at: n.pos, notLocal: "no function named " + s + " in the source"}
		}
		return &fnSpec{ref: owner, names: []string{s}, at: n.pos, notLocal: "not a Lambda function ARN: " + s}
	}
	e := exprText(n)
	return &fnSpec{ref: owner, at: n.pos, notLocal: "its ARN " + e + " cannot be resolved offline"}
}

// functionSpec reads a SAM or Lambda function resource.
func (t *cfnTemplate) functionSpec(id string, depth int) *fnSpec {
	r := t.byID[id]
	if r == nil || depth > 4 {
		return nil
	}
	switch r.typ {
	case "AWS::Lambda::Alias", "AWS::Lambda::Version":
		if ref := t.resourceRef(r.props.get("FunctionName")); ref != "" {
			return t.functionSpec(ref, depth+1)
		}
		return nil
	case "AWS::Serverless::Function":
		return t.samFunction(r)
	case "AWS::Lambda::Function":
		return t.lambdaFunction(r)
	}
	return nil
}

func (t *cfnTemplate) samFunction(r *cfnRes) *fnSpec {
	im := t.im
	g := t.globals.get("Function")
	p := deepMerge(g, r.props)
	sp := &fnSpec{ref: r.id, names: []string{r.id}, at: r.at}
	if fn, ok := t.str(p.get("FunctionName")); ok {
		sp.names = append(sp.names, fn)
	}
	if strings.EqualFold(p.get("PackageType").text(), "Image") || p.has("ImageUri") {
		sp.image = true
		return sp
	}
	sp.runtime = t.text(p.get("Runtime"), "Runtime of "+r.id)
	if p.get("Runtime") == nil {
		sp.runtime = ""
	}
	sp.handler = t.text(p.get("Handler"), "Handler of "+r.id)
	if ic := p.get("InlineCode"); ic != nil {
		sp.inline = t.text(ic, "InlineCode of "+r.id)
	}
	cu := t.resolve(p.get("CodeUri"))
	switch {
	case sp.inline != "":
	case cu == nil:
		sp.codeRoot = im.dir // sam build / sam local use the template's folder
	case cu.kind == kMap:
		sp.notLocal = "its CodeUri is an S3 object"
	default:
		s, ok := t.str(cu)
		switch {
		case !ok:
			sp.notLocal = "its CodeUri " + exprText(cu) + " cannot be resolved offline"
		case strings.HasPrefix(s, "s3://"):
			sp.notLocal = "its CodeUri is " + s
		default:
			sp.codeRoot = filepath.Join(im.dir, filepath.FromSlash(s))
			if !isDir(sp.codeRoot) {
				if exists(sp.codeRoot) { // a zip file
					sp.notLocal, sp.codeRoot = "its CodeUri is an archive ("+s+")", ""
				} else {
					sp.notLocal, sp.codeRoot = "its CodeUri "+s+" does not exist", ""
				}
			}
		}
	}
	if md := r.n.get("Metadata"); strings.EqualFold(md.get("BuildMethod").text(), "esbuild") {
		if eps := md.path("BuildProperties", "EntryPoints"); eps != nil && len(eps.items()) > 0 {
			sp.entry = eps.items()[0].text()
		}
	}
	if to := p.get("Timeout"); to != nil {
		if n, ok := t.num(to); ok {
			sp.timeout = fmt.Sprintf("%ds", n)
		}
	}
	sp.env = t.envVars(p.path("Environment", "Variables"), r.id)
	sp.layers = p.get("Layers") != nil && len(p.get("Layers").items()) > 0
	return sp
}

func (t *cfnTemplate) lambdaFunction(r *cfnRes) *fnSpec {
	p := r.props
	sp := &fnSpec{ref: r.id, names: []string{r.id}, at: r.at}
	if fn, ok := t.str(p.get("FunctionName")); ok {
		sp.names = append(sp.names, fn)
	}
	if strings.EqualFold(p.get("PackageType").text(), "Image") || p.path("Code", "ImageUri") != nil {
		sp.image = true
		return sp
	}
	if p.get("Runtime") != nil {
		sp.runtime = t.text(p.get("Runtime"), "Runtime of "+r.id)
	}
	sp.handler = t.text(p.get("Handler"), "Handler of "+r.id)
	code := p.get("Code")
	switch {
	case code.get("ZipFile") != nil:
		sp.inline = t.text(code.get("ZipFile"), "ZipFile of "+r.id)
	case code.get("S3Bucket") != nil:
		sp.notLocal = "its Code is an S3 object"
	default:
		if s, ok := t.str(code); ok && !strings.HasPrefix(s, "s3://") && isDir(filepath.Join(t.im.dir, s)) {
			sp.codeRoot = filepath.Join(t.im.dir, s) // a packaged template's local path (cfn package input)
		} else {
			sp.notLocal = "its Code is not local"
		}
	}
	if to := p.get("Timeout"); to != nil {
		if n, ok := t.num(to); ok {
			sp.timeout = fmt.Sprintf("%ds", n)
		}
	}
	sp.env = t.envVars(p.path("Environment", "Variables"), r.id)
	sp.layers = p.get("Layers") != nil && len(p.get("Layers").items()) > 0
	return sp
}

func (t *cfnTemplate) envVars(vars *node, fn string) []envVar {
	vars = t.resolve(vars)
	if vars == nil || vars.kind != kMap {
		return nil
	}
	var out []envVar
	for i, k := range vars.keys {
		v := t.resolve(vars.vals[i])
		if v == nil {
			continue
		}
		if s, ok := t.str(v); ok {
			out = append(out, envVar{k: k, v: s, at: vars.keyPos[i]})
			continue
		}
		out = append(out, envVar{k: k, v: "UNRESOLVED(" + exprText(v) + ")", unresolved: true, at: v.pos})
	}
	return out
}

// ---- SAM ----

// samRestAPI reads an AWS::Serverless::Api (r nil: the implicit one).
func (im *imp) samRestAPI(t *cfnTemplate, id string, r *cfnRes) *awsAPI {
	api := &awsAPI{id: id, corsPreflightAuth: true}
	var props *node
	if r != nil {
		props, api.at = r.props, r.at
		api.stage = t.text(r.props.get("StageName"), "StageName")
	} else {
		api.stage = "Prod"
		api.at = pos{im.file, 1, 1}
		props = &node{kind: kMap, pos: api.at}
	}
	p := deepMerge(t.globals.get("Api"), props)
	if n := p.get("Name"); n != nil {
		api.name = t.text(n, "Name")
	}
	if r == nil && t.globals.get("Api") != nil {
		if st := t.globals.path("Api", "StageName"); st != nil {
			api.stage = t.text(st, "StageName")
		}
	}
	api.vars = im.stageVariables(t, p.get("Variables"))
	if auth := t.resolve(p.get("Auth")); auth != nil {
		im.samRestAuth(t, api, auth)
	}
	if c := t.resolve(p.get("Cors")); c != nil {
		api.cors = samCors(c, t)
	}
	if gr := t.resolve(p.get("GatewayResponses")); gr != nil && gr.kind == kMap {
		for i, typ := range gr.keys {
			v := gr.vals[i]
			resp := gwResponse{typ: typ, at: gr.keyPos[i], status: t.text(v.get("StatusCode"), "StatusCode")}
			for j, h := range v.path("ResponseParameters", "Headers").keysOrNil() {
				resp.headers = append(resp.headers, kv{h, t.text(v.path("ResponseParameters", "Headers").vals[j], h)})
			}
			if tp := v.get("ResponseTemplates"); tp != nil {
				for j, k := range tp.keys {
					resp.templates = append(resp.templates, kv{k, t.text(tp.vals[j], k)})
				}
			}
			api.responses = append(api.responses, resp)
		}
	}
	if k := p.get("ApiKeySourceType"); k != nil {
		api.keySource = strings.ToUpper(t.text(k, "ApiKeySourceType"))
	}
	im.samBody(t, api, p)
	im.ignored(p, "Api", "MethodSettings", "BinaryMediaTypes", "EndpointConfiguration", "Domain", "AccessLogSetting", "CanarySetting",
		"MinimumCompressionSize", "CacheClusterEnabled", "CacheClusterSize", "TracingEnabled", "Mode", "DisableExecuteApiEndpoint", "AlwaysDeploy")
	return api
}

func (n *node) keysOrNil() []string {
	if n == nil || n.kind != kMap {
		return nil
	}
	return n.keys
}

// ignored reports recognised properties with no authlab meaning, once
// per kind.
func (im *imp) ignored(p *node, what string, keys ...string) {
	for _, k := range keys {
		if p.has(k) {
			im.warnOnce(what+k, "IMP-IGNORED", p.keyAt(k), "%s %s has no meaning in authlab (it does not change authorization); ignored", what, k)
		}
	}
}

func (im *imp) stageVariables(t *cfnTemplate, vars *node) []kv {
	vars = t.resolve(vars)
	if vars == nil || vars.kind != kMap {
		return nil
	}
	var out []kv
	for i, k := range vars.keys {
		if v := t.resolve(vars.vals[i]); v != nil { // AWS::NoValue removes it
			out = append(out, kv{k, t.text(v, "stage variable "+k)})
		}
	}
	return out
}

// samBody reads DefinitionBody / DefinitionUri (§3.5).
func (im *imp) samBody(t *cfnTemplate, api *awsAPI, p *node) {
	body := t.resolve(p.get("DefinitionBody"))
	if body != nil && body.kind == kMap && len(body.keys) == 1 && body.keys[0] == "Fn::Transform" {
		loc := body.path("Fn::Transform", "Parameters", "Location")
		body = nil
		if s, ok := t.str(loc); ok && !strings.HasPrefix(s, "s3://") {
			body = im.includeFile(filepath.Join(im.dir, filepath.FromSlash(s)), loc.pos)
		} else if loc != nil {
			im.warn("IMP-UNRESOLVED", loc.pos, "AWS::Include from %s is not a local file; the API's definition body is not imported (routes come from events only)", exprText(loc))
		}
	}
	if u := t.resolve(p.get("DefinitionUri")); u != nil && body == nil {
		if s, ok := t.str(u); ok && u.kind == kScalar && !strings.HasPrefix(s, "s3://") {
			body = im.includeFile(filepath.Join(im.dir, filepath.FromSlash(s)), u.pos)
		} else {
			im.warn("IMP-UNRESOLVED", u.pos, "DefinitionUri %s is not a local file; routes come from the functions' events only", exprText(u))
		}
		if p.has("Auth") || p.has("Cors") {
			im.warn("IMP-SOURCE-INVALID", u.pos, "SAM refuses Auth or Cors together with DefinitionUri; imported as written")
		}
	}
	if body != nil {
		im.readOpenAPI(body, t, api)
	}
}

// includeFile parses a local OpenAPI file a template names.
func (im *imp) includeFile(path string, at pos) *node {
	src, _, err := config.ReadFile(path, "definition file")
	if err != nil || src == nil {
		im.warn("IMP-UNRESOLVED", at, "cannot read %s: %v; routes come from the functions' events only", im.rel(path), err)
		return nil
	}
	n, err := parse(im.rel(path), src)
	if err != nil {
		im.warn("IMP-UNRESOLVED", at, "%s: %v", im.rel(path), err)
		return nil
	}
	return n
}

func samCors(c *node, t *cfnTemplate) *awsCors {
	out := &awsCors{at: c.pos}
	if c.kind == kScalar || isIntrinsic(c) {
		out.origins = []string{unquote(t.text(c, "Cors"))}
		return out
	}
	if v := c.get("AllowOrigin"); v != nil {
		out.origins = []string{unquote(t.text(v, "AllowOrigin"))}
	}
	if v := c.get("AllowMethods"); v != nil {
		out.methods = splitList(unquote(t.text(v, "AllowMethods")))
	}
	if v := c.get("AllowHeaders"); v != nil {
		out.headers = splitList(unquote(t.text(v, "AllowHeaders")))
	}
	if v := c.get("MaxAge"); v != nil {
		out.maxAge = unquote(t.text(v, "MaxAge"))
	}
	if v := c.get("AllowCredentials"); v != nil {
		out.credentials, _ = t.boolean(v)
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// samRestAuth reads a REST API's Auth (§3.2).
func (im *imp) samRestAuth(t *cfnTemplate, api *awsAPI, auth *node) {
	if az := t.resolve(auth.get("Authorizers")); az != nil && az.kind == kMap {
		for i, name := range az.keys {
			v := t.resolve(az.vals[i])
			if v == nil {
				continue
			}
			a := &awsAuth{name: name, at: az.keyPos[i], label: "(" + api.id + " Auth.Authorizers)"}
			id := t.resolve(v.get("Identity"))
			if up := v.get("UserPoolArn"); up != nil {
				a.kind = "cognito"
				for _, p := range t.listOf(up, 0) {
					a.pools = append(a.pools, poolText(t, p))
				}
				h := "Authorization"
				if hv := id.get("Header"); hv != nil {
					h = t.text(hv, "Identity.Header")
				}
				a.identity = []idSrc{{"header:" + h, id.at(a.at)}}
				if re := id.get("ValidationExpression"); re != nil {
					a.regex, a.regexAt = t.text(re, "ValidationExpression"), re.pos
				}
				if ttl := id.get("ReauthorizeEvery"); ttl != nil {
					im.warn("IMP-IGNORED", ttl.pos, "authorizer %s: SAM documents ReauthorizeEvery for Cognito authorizers but emits no TTL for them, so API Gateway's default (300 s) applies; ignored", name)
				}
				a.scopes = t.strList(v.get("AuthorizationScopes"), "AuthorizationScopes")
			} else {
				a.kind = "token"
				if strings.EqualFold(t.text(v.get("FunctionPayloadType"), "FunctionPayloadType"), "REQUEST") {
					a.kind = "request"
				}
				a.fn = t.functionFor(v.get("FunctionArn"), "authorizer "+name)
				if a.fn == nil {
					im.warn("IMP-SOURCE-INVALID", a.at, "authorizer %s has no FunctionArn", name)
				}
				if a.kind == "token" {
					h := "Authorization"
					if hv := id.get("Header"); hv != nil {
						h = t.text(hv, "Identity.Header")
					}
					a.identity = []idSrc{{"header:" + h, id.at(a.at)}}
					if re := id.get("ValidationExpression"); re != nil {
						a.regex, a.regexAt = t.text(re, "ValidationExpression"), re.pos
					}
				} else {
					// SAM's order: headers, query strings, stage variables, context.
					for _, part := range []struct{ key, prefix string }{{"Headers", "header:"}, {"QueryStrings", "query:"}, {"StageVariables", "stageVariable:"}, {"Context", "context:"}} {
						for _, x := range t.listOf(id.get(part.key), 0) {
							a.identity = append(a.identity, idSrc{part.prefix + t.text(x, "Identity."+part.key), x.pos})
						}
					}
					if re := id.get("ValidationExpression"); re != nil {
						a.regex, a.regexAt = t.text(re, "ValidationExpression"), re.pos
					}
					if hv := id.get("Header"); hv != nil {
						im.warn("IMP-IGNORED", hv.pos, "authorizer %s: Identity.Header is read by TOKEN authorizers only; SAM ignores it on REQUEST", name)
					}
				}
				if ttl := id.get("ReauthorizeEvery"); ttl != nil {
					if n, ok := t.num(ttl); ok {
						a.ttl, a.ttlAt = &n, ttl.pos
					}
				}
				for _, k := range []string{"FunctionInvokeRole", "DisableFunctionDefaultPermissions"} {
					if v.has(k) {
						im.warnOnce(k, "IMP-IGNORED", v.keyAt(k), "%s has no meaning locally; ignored", k)
					}
				}
			}
			for _, k := range []string{"AuthorizerPayloadFormatVersion", "EnableSimpleResponses", "JwtConfiguration"} {
				if v.has(k) {
					im.warn("IMP-IGNORED", v.keyAt(k), "authorizer %s: %s belongs to HTTP APIs; SAM ignores it on a REST API", name, k)
				}
			}
			api.auths = append(api.auths, a)
		}
	}
	if d := auth.get("DefaultAuthorizer"); d != nil {
		name := t.text(d, "DefaultAuthorizer")
		if name == "AWS_IAM" {
			api.defaultIAM = true
		} else {
			api.defaultAuth = name
		}
		api.defaultAuthAt = d.pos
	}
	if v := auth.get("AddDefaultAuthorizerToCorsPreflight"); v != nil {
		api.corsPreflightAuth, _ = t.boolean(v)
	}
	if v := auth.get("ApiKeyRequired"); v != nil {
		if b, _ := t.boolean(v); b {
			api.apiKeyAll, api.apiKeyAt = true, v.pos
		}
	}
	if v := t.resolve(auth.get("UsagePlan")); v != nil {
		// SAM creates a key (its value generated by API Gateway) and a plan.
		if create := strings.ToUpper(t.text(v.get("CreateUsagePlan"), "CreateUsagePlan")); create == "PER_API" || create == "SHARED" {
			key := apiKeyDef{name: api.id + "ApiKey", at: v.pos}
			plan := planDef{name: api.id + "UsagePlan", keys: []string{key.name}, at: v.pos}
			if n := t.text(v.get("UsagePlanName"), "UsagePlanName"); n != "" {
				plan.name = n
			}
			t.planLimits(&plan, v)
			api.keys, api.plans = append(api.keys, key), append(api.plans, plan)
		}
	}
	if v := auth.get("ResourcePolicy"); v != nil {
		im.warn("IMP-RESOURCE-POLICY", v.pos, "resource policies are not emulated: requests are not filtered by source IP, VPC or account here")
	}
	if v := auth.get("InvokeRole"); v != nil {
		im.warn("IMP-IGNORED", v.pos, "InvokeRole has no meaning locally; ignored")
	}
}

// planLimits reads a usage plan's Throttle and Quota (CloudFormation and
// SAM spell them the same).
func (t *cfnTemplate) planLimits(p *planDef, n *node) {
	if th := t.resolve(n.get("Throttle")); th != nil {
		p.hasThrottle = true
		p.rate = t.text(th.get("RateLimit"), "RateLimit")
		if _, err := strconv.ParseFloat(p.rate, 64); err != nil {
			p.rate = ""
		}
		p.burst, _ = t.num(th.get("BurstLimit"))
	}
	if q := t.resolve(n.get("Quota")); q != nil {
		p.limit, _ = t.num(q.get("Limit"))
		p.period = strings.ToUpper(t.text(q.get("Period"), "Period"))
		p.offset, _ = t.num(q.get("Offset"))
		p.hasQuota = p.limit > 0 && (p.period == "DAY" || p.period == "WEEK" || p.period == "MONTH")
	}
}

// cfnUsagePlans reads the API keys and usage plans that name this API
// (AWS::ApiGateway::ApiKey, UsagePlan, UsagePlanKey).
func (im *imp) cfnUsagePlans(t *cfnTemplate, api *awsAPI) {
	keyOf := map[string]bool{}
	for _, p := range t.ofType("AWS::ApiGateway::UsagePlan") {
		mine := false
		for _, st := range t.listOf(p.props.get("ApiStages"), 0) {
			mine = mine || t.resourceRef(st.get("ApiId")) == api.id
		}
		if !mine {
			continue
		}
		plan := planDef{name: p.id, at: p.at}
		t.planLimits(&plan, p.props)
		for _, pk := range t.ofType("AWS::ApiGateway::UsagePlanKey") {
			if t.resourceRef(pk.props.get("UsagePlanId")) == p.id {
				if k := t.resourceRef(pk.props.get("KeyId")); k != "" {
					plan.keys = append(plan.keys, k)
					keyOf[k] = true
				}
			}
		}
		if len(plan.keys) == 0 {
			im.warn("IMP-APIKEY", p.at, "usage plan %s has no AWS::ApiGateway::UsagePlanKey in this template; imported without keys", p.id)
			continue
		}
		api.plans = append(api.plans, plan)
	}
	for _, k := range t.ofType("AWS::ApiGateway::ApiKey") {
		if !keyOf[k.id] {
			continue
		}
		key := apiKeyDef{name: k.id, at: k.at}
		if v, ok := t.str(k.props.get("Value")); ok {
			key.value = v
		}
		if e, ok := t.boolean(k.props.get("Enabled")); ok && !e {
			key.disabled = true
		}
		api.keys = append(api.keys, key)
	}
}

// samHTTPAPI reads an AWS::Serverless::HttpApi (r nil: the implicit one).
func (im *imp) samHTTPAPI(t *cfnTemplate, id string, r *cfnRes) *awsAPI {
	api := &awsAPI{id: id, http: true}
	var props *node
	if r != nil {
		props, api.at = r.props, r.at
	} else {
		api.at = pos{im.file, 1, 1}
		props = &node{kind: kMap, pos: api.at}
	}
	p := deepMerge(t.globals.get("HttpApi"), props)
	api.stage = "$default"
	if st := p.get("StageName"); st != nil {
		api.stage = t.text(st, "StageName")
	}
	if n := p.get("Name"); n != nil {
		api.name = t.text(n, "Name")
	}
	api.vars = im.stageVariables(t, p.get("StageVariables"))
	if auth := t.resolve(p.get("Auth")); auth != nil {
		if az := t.resolve(auth.get("Authorizers")); az != nil && az.kind == kMap {
			for i, name := range az.keys {
				v := t.resolve(az.vals[i])
				if v == nil {
					continue
				}
				a := &awsAuth{name: name, at: az.keyPos[i], label: "(" + id + " Auth.Authorizers)"}
				if jc := t.resolve(v.get("JwtConfiguration")); jc != nil {
					a.kind = "jwt"
					if is := jc.getFold("issuer"); is != nil {
						a.issuer, a.issuerAt = t.text(is, "issuer"), is.pos
					}
					a.audience = t.strList(jc.getFold("audience"), "audience")
					if src := v.get("IdentitySource"); src != nil {
						a.identity = []idSrc{{t.text(src, "IdentitySource"), src.pos}}
					}
					a.scopes = t.strList(v.get("AuthorizationScopes"), "AuthorizationScopes")
				} else {
					a.kind = "lambda"
					a.fn = t.functionFor(v.get("FunctionArn"), "authorizer "+name)
					if pv := v.get("AuthorizerPayloadFormatVersion"); pv != nil {
						a.payload = payloadVersion(t.text(pv, "AuthorizerPayloadFormatVersion"))
					} else {
						im.warn("IMP-SOURCE-INVALID", a.at, "authorizer %s: SAM requires AuthorizerPayloadFormatVersion; imported as 2.0", name)
						a.payload = "2.0"
					}
					if sr := v.get("EnableSimpleResponses"); sr != nil {
						b, _ := t.boolean(sr)
						a.simple = &b
					}
					id := t.resolve(v.get("Identity"))
					for _, part := range []struct{ key, prefix string }{{"Headers", "$request.header."}, {"QueryStrings", "$request.querystring."}, {"StageVariables", "$stageVariables."}, {"Context", "$context."}} {
						for _, x := range t.listOf(id.get(part.key), 0) {
							a.identity = append(a.identity, idSrc{part.prefix + t.text(x, "Identity."+part.key), x.pos})
						}
					}
					if ttl := id.get("ReauthorizeEvery"); ttl != nil {
						if n, ok := t.num(ttl); ok {
							a.ttl, a.ttlAt = &n, ttl.pos
						}
					}
					for _, k := range []string{"FunctionInvokeRole", "EnableFunctionDefaultPermissions"} {
						if v.has(k) {
							im.warnOnce(k, "IMP-IGNORED", v.keyAt(k), "%s has no meaning locally; ignored", k)
						}
					}
				}
				api.auths = append(api.auths, a)
			}
		}
		if d := auth.get("DefaultAuthorizer"); d != nil {
			name := t.text(d, "DefaultAuthorizer")
			if name == "AWS_IAM" {
				api.defaultIAM = true
			} else {
				api.defaultAuth = name
			}
			api.defaultAuthAt = d.pos
		}
	}
	if c := t.resolve(p.get("CorsConfiguration")); c != nil {
		api.cors = corsFromHTTP(c, t)
	}
	im.samBody(t, api, p)
	im.ignored(p, "HttpApi", "RouteSettings", "DefaultRouteSettings", "Domain", "AccessLogSettings", "FailOnWarnings", "DisableExecuteApiEndpoint")
	return api
}

// samFunctionEvents adds a function's Api / HttpApi events to their APIs
// (§3.4, §3.7).
func (im *imp) samFunctionEvents(t *cfnTemplate, r *cfnRes, apis []*awsAPI) {
	ev := t.prop(r.props, "Events")
	if ev == nil || ev.kind != kMap {
		return
	}
	find := func(id string) *awsAPI {
		for _, a := range apis {
			if a.id == id {
				return a
			}
		}
		return nil
	}
	for i, evName := range ev.keys {
		e := t.resolve(ev.vals[i])
		typ := e.get("Type").text()
		if typ != "Api" && typ != "HttpApi" {
			continue
		}
		props := t.resolve(e.get("Properties"))
		at := ev.keyPos[i]
		var api *awsAPI
		if typ == "Api" {
			if id := props.get("RestApiId"); id != nil {
				api = find(t.resourceRef(id))
			} else {
				api = find("ServerlessRestApi")
			}
		} else {
			if id := props.get("ApiId"); id != nil {
				api = find(t.resourceRef(id))
			} else {
				api = find("ServerlessHttpApi")
			}
		}
		if api == nil {
			im.warn("IMP-UNRESOLVED", at, "event %s of %s names an API that is not in this template; skipped", evName, r.id)
			continue
		}
		path, method := t.text(props.get("Path"), "Path"), t.text(props.get("Method"), "Method")
		if typ == "HttpApi" && props.get("Path") == nil && props.get("Method") == nil {
			path, method = "$default", "ANY"
		}
		if strings.EqualFold(method, "any") {
			method = "ANY"
		}
		m := &awsMethod{path: path, method: method, at: at, label: fmt.Sprintf("%s (%s event of %s)", evName, typ, r.id),
			integ: &awsInteg{typ: "aws_proxy", target: "function " + r.id, at: at, fn: t.functionSpec(r.id, 0)}}
		if v := props.get("PayloadFormatVersion"); v != nil && typ == "HttpApi" {
			m.integ.payload = payloadVersion(t.text(v, "PayloadFormatVersion"))
		}
		if auth := t.resolve(props.get("Auth")); auth != nil {
			if a := auth.get("Authorizer"); a != nil {
				name := t.text(a, "Auth.Authorizer")
				m.authSet = true
				switch name {
				case "NONE":
				case "AWS_IAM":
					m.iam = true
				default:
					m.auth = name
				}
			}
			if sc := auth.get("AuthorizationScopes"); sc != nil {
				m.scopes, m.scopesSet, m.scopesAt = t.strList(sc, "AuthorizationScopes"), true, sc.pos
			}
			if k := auth.get("ApiKeyRequired"); k != nil {
				b, _ := t.boolean(k)
				m.apiKey, m.apiKeySet, m.apiKeyAt = b, true, k.pos
			}
			for _, k := range []string{"ResourcePolicy", "InvokeRole"} {
				if auth.has(k) {
					code := "IMP-IGNORED"
					if k == "ResourcePolicy" {
						code = "IMP-RESOURCE-POLICY"
					}
					im.warn(code, auth.keyAt(k), "event %s: Auth.%s is not emulated; ignored", evName, k)
				}
			}
		}
		for _, k := range []string{"RequestModel", "RequestParameters", "TimeoutInMillis"} {
			if props.has(k) {
				im.warnOnce("event"+k, "IMP-IGNORED", props.keyAt(k), "event %s: %s does not change authorization; ignored", evName, k)
			}
		}
		api.methods = append(api.methods, m)
	}
}

// ---- plain CloudFormation, REST (§4.1) ----

func (t *cfnTemplate) belongs(r *cfnRes, key, apiID string) bool {
	return t.resourceRef(r.props.get(key)) == apiID
}

func (im *imp) cfnRestAPI(t *cfnTemplate, r *cfnRes) *awsAPI {
	api := &awsAPI{id: r.id, at: r.at}
	if n := r.props.get("Name"); n != nil {
		api.name = t.text(n, "Name")
	}
	if b := t.resolve(r.props.get("Body")); b != nil {
		im.readOpenAPI(b, t, api)
	}
	if b := r.props.get("BodyS3Location"); b != nil {
		im.warn("IMP-UNRESOLVED", b.pos, "BodyS3Location is not local; the API's definition body is not imported (routes come from Method resources only)")
	}
	if p := r.props.get("Policy"); p != nil {
		im.warn("IMP-RESOURCE-POLICY", p.pos, "resource policies are not emulated: requests are not filtered by source IP, VPC or account here")
	}
	if k := r.props.get("ApiKeySourceType"); k != nil {
		api.keySource = strings.ToUpper(t.text(k, "ApiKeySourceType"))
	}
	// authorizers
	for _, a := range t.ofType("AWS::ApiGateway::Authorizer") {
		if !t.belongs(a, "RestApiId", r.id) {
			continue
		}
		api.auths = append(api.auths, im.cfnRestAuthorizer(t, a))
	}
	// the path tree
	paths := map[string]string{}
	var pathOf func(id string, depth int) (string, bool)
	pathOf = func(id string, depth int) (string, bool) {
		if p, ok := paths[id]; ok {
			return p, true
		}
		res := t.byID[id]
		if res == nil || res.typ != "AWS::ApiGateway::Resource" || depth > 64 {
			return "", false
		}
		parent := "/"
		pn := res.props.get("ParentId")
		if ga := pn.get("Fn::GetAtt"); ga == nil || !strings.Contains(exprText(pn), "RootResourceId") {
			pid := t.resourceRef(pn)
			pp, ok := pathOf(pid, depth+1)
			if !ok {
				return "", false
			}
			parent = pp
		}
		part := t.text(res.props.get("PathPart"), "PathPart")
		p := strings.TrimSuffix(parent, "/") + "/" + part
		paths[id] = p
		return p, true
	}
	for _, m := range t.ofType("AWS::ApiGateway::Method") {
		if !t.belongs(m, "RestApiId", r.id) {
			continue
		}
		rn := m.props.get("ResourceId")
		path := "/"
		if !strings.Contains(exprText(rn), "RootResourceId") {
			p, ok := pathOf(t.resourceRef(rn), 0)
			if !ok {
				im.warn("IMP-UNRESOLVED", rn.at(m.at), "method %s: its resource %s cannot be resolved to a path in this template; skipped", m.id, exprText(rn))
				continue
			}
			path = p
		}
		am := &awsMethod{path: path, method: t.text(m.props.get("HttpMethod"), "HttpMethod"), at: m.at, label: m.id, authSet: true}
		switch at := strings.ToUpper(t.text(m.props.get("AuthorizationType"), "AuthorizationType")); at {
		case "CUSTOM", "COGNITO_USER_POOLS":
			am.auth = t.resourceRef(m.props.get("AuthorizerId"))
			if am.auth == "" {
				im.warn("IMP-UNRESOLVED", m.props.keyAt("AuthorizerId"), "method %s: AuthorizerId %s names no authorizer of this template; imported without one", m.id, exprText(m.props.get("AuthorizerId")))
			}
		case "AWS_IAM":
			am.iam = true
		}
		if sc := m.props.get("AuthorizationScopes"); sc != nil {
			am.scopes, am.scopesSet, am.scopesAt = t.strList(sc, "AuthorizationScopes"), true, sc.pos
		}
		if k := m.props.get("ApiKeyRequired"); k != nil {
			am.apiKey, _ = t.boolean(k)
			am.apiKeySet, am.apiKeyAt = true, k.pos
		}
		if in := t.resolve(m.props.get("Integration")); in != nil {
			am.integ = im.cfnIntegration(t, in)
		}
		api.methods = append(api.methods, am)
	}
	for _, gr := range t.ofType("AWS::ApiGateway::GatewayResponse") {
		if !t.belongs(gr, "RestApiId", r.id) {
			continue
		}
		resp := gwResponse{typ: t.text(gr.props.get("ResponseType"), "ResponseType"), at: gr.at}
		if s := gr.props.get("StatusCode"); s != nil {
			resp.status = t.text(s, "StatusCode")
		}
		if rp := gr.props.get("ResponseParameters"); rp != nil {
			for i, k := range rp.keys {
				resp.headers = append(resp.headers, kv{strings.TrimPrefix(k, "gatewayresponse.header."), t.text(rp.vals[i], k)})
			}
		}
		if tp := gr.props.get("ResponseTemplates"); tp != nil {
			for j, k := range tp.keys {
				resp.templates = append(resp.templates, kv{k, t.text(tp.vals[j], k)})
			}
		}
		api.responses = append(api.responses, resp)
	}
	for _, st := range t.ofType("AWS::ApiGateway::Stage") {
		if t.belongs(st, "RestApiId", r.id) {
			api.stage = t.text(st.props.get("StageName"), "StageName")
			api.vars = im.stageVariables(t, st.props.get("Variables"))
			break
		}
	}
	if api.stage == "" {
		for _, d := range t.ofType("AWS::ApiGateway::Deployment") {
			if t.belongs(d, "RestApiId", r.id) && d.props.has("StageName") {
				api.stage = t.text(d.props.get("StageName"), "StageName")
				break
			}
		}
	}
	im.cfnUsagePlans(t, api)
	return api
}

func (im *imp) cfnRestAuthorizer(t *cfnTemplate, r *cfnRes) *awsAuth {
	p := r.props
	a := &awsAuth{name: r.id, at: r.at, label: "(AWS::ApiGateway::Authorizer)"}
	if n, ok := t.str(p.get("Name")); ok && n != r.id {
		a.label = fmt.Sprintf("(AWS::ApiGateway::Authorizer, Name %s)", n)
	}
	switch strings.ToUpper(t.text(p.get("Type"), "Type")) {
	case "REQUEST":
		a.kind = "request"
	case "COGNITO_USER_POOLS":
		a.kind = "cognito"
		for _, x := range t.listOf(p.get("ProviderARNs"), 0) {
			a.pools = append(a.pools, poolText(t, x))
		}
	default:
		a.kind = "token"
	}
	if src := p.get("IdentitySource"); src != nil {
		a.identity = []idSrc{{t.text(src, "IdentitySource"), src.pos}}
	}
	if re := p.get("IdentityValidationExpression"); re != nil {
		a.regex, a.regexAt = t.text(re, "IdentityValidationExpression"), re.pos
	}
	if ttl := p.get("AuthorizerResultTtlInSeconds"); ttl != nil {
		if n, ok := t.num(ttl); ok {
			a.ttl, a.ttlAt = &n, ttl.pos
		}
	}
	if a.kind != "cognito" {
		a.fn = t.functionFor(p.get("AuthorizerUri"), "authorizer "+r.id)
	}
	for _, k := range []string{"AuthorizerCredentials", "AuthType"} {
		if p.has(k) {
			im.warnOnce(k, "IMP-IGNORED", p.keyAt(k), "%s has no meaning locally; ignored", k)
		}
	}
	return a
}

func (im *imp) cfnIntegration(t *cfnTemplate, in *node) *awsInteg {
	out := &awsInteg{typ: strings.ToLower(t.text(in.get("Type"), "Integration.Type")), at: in.pos}
	uri := in.get("Uri")
	switch out.typ {
	case "aws_proxy", "aws":
		if fn := t.functionFor(uri, ""); fn != nil {
			out.target = "function " + fn.ref
			if out.typ == "aws" && (t.byID[fn.ref] != nil || lambdaArn.MatchString(exprText(uri))) {
				out.typ = "lambda"
			}
			if out.typ == "aws_proxy" {
				out.fn = fn
			}
		}
	case "http", "http_proxy":
		if s, ok := t.str(uri); ok {
			out.target = s
		}
	case "mock":
		if rs := in.get("IntegrationResponses"); rs != nil && len(rs.items()) > 0 {
			def := rs.items()[0]
			if n, ok := t.num(def.get("StatusCode")); ok {
				out.status = n
			}
			if rp := def.get("ResponseParameters"); rp != nil {
				for i, k := range rp.keys {
					if h, ok := strings.CutPrefix(k, "method.response.header."); ok {
						out.headers = append(out.headers, kv{h, unquote(t.text(rp.vals[i], k))})
					}
				}
			}
			if tp := def.get("ResponseTemplates"); tp != nil && len(tp.vals) > 0 {
				body := tp.get("application/json")
				if body == nil {
					body = tp.vals[0]
				}
				out.body = t.text(body, "ResponseTemplates")
			}
		}
	}
	if rp := in.get("RequestParameters"); rp != nil && rp.kind == kMap {
		for i, k := range rp.keys {
			out.params = append(out.params, param{k, t.text(rp.vals[i], k), rp.keyPos[i]})
		}
	}
	if rt := in.get("RequestTemplates"); rt != nil && rt.kind == kMap {
		for i, k := range rt.keys {
			out.reqTpl = append(out.reqTpl, kv{k, t.text(rt.vals[i], "RequestTemplates")})
		}
	}
	return out
}

// ---- plain CloudFormation, HTTP APIs (§4.2) ----

func (im *imp) cfnHTTPAPI(t *cfnTemplate, r *cfnRes) *awsAPI {
	api := &awsAPI{id: r.id, http: true, at: r.at}
	if n := r.props.get("Name"); n != nil {
		api.name = t.text(n, "Name")
	}
	if b := t.resolve(r.props.get("Body")); b != nil {
		im.readOpenAPI(b, t, api)
	}
	if c := t.resolve(r.props.get("CorsConfiguration")); c != nil {
		api.cors = corsFromHTTP(c, t)
	}
	for _, a := range t.ofType("AWS::ApiGatewayV2::Authorizer") {
		if !t.belongs(a, "ApiId", r.id) {
			continue
		}
		p := a.props
		au := &awsAuth{name: a.id, at: a.at, label: "(AWS::ApiGatewayV2::Authorizer)"}
		if strings.EqualFold(t.text(p.get("AuthorizerType"), "AuthorizerType"), "JWT") {
			au.kind = "jwt"
			jc := p.get("JwtConfiguration")
			if is := jc.getFold("Issuer"); is != nil {
				au.issuer, au.issuerAt = t.text(is, "Issuer"), is.pos
			}
			au.audience = t.strList(jc.getFold("Audience"), "Audience")
		} else {
			au.kind = "lambda"
			au.fn = t.functionFor(p.get("AuthorizerUri"), "authorizer "+a.id)
			au.payload = payloadVersion(t.text(p.get("AuthorizerPayloadFormatVersion"), "AuthorizerPayloadFormatVersion"))
			if sr := p.get("EnableSimpleResponses"); sr != nil {
				b, _ := t.boolean(sr)
				au.simple = &b
			}
			if ttl := p.get("AuthorizerResultTtlInSeconds"); ttl != nil {
				if n, ok := t.num(ttl); ok {
					au.ttl, au.ttlAt = &n, ttl.pos
				}
			}
		}
		for _, x := range t.listOf(p.get("IdentitySource"), 0) {
			au.identity = append(au.identity, idSrc{t.text(x, "IdentitySource"), x.pos})
		}
		if p.has("IdentityValidationExpression") {
			im.warn("IMP-IGNORED", p.keyAt("IdentityValidationExpression"), "IdentityValidationExpression is not used by HTTP APIs; ignored")
		}
		api.auths = append(api.auths, au)
	}
	integ := func(target *node) *awsInteg {
		s, _ := t.str(target)
		id := t.resourceRef(target)
		if id == "" {
			id = strings.TrimPrefix(s, "integrations/")
		}
		ir := t.byID[id]
		if ir == nil || ir.typ != "AWS::ApiGatewayV2::Integration" {
			return nil
		}
		out := &awsInteg{typ: strings.ToLower(t.text(ir.props.get("IntegrationType"), "IntegrationType")), at: ir.at, http: true}
		if fn := t.functionFor(ir.props.get("IntegrationUri"), ""); fn != nil && out.typ == "aws_proxy" {
			out.target = "function " + fn.ref
			out.fn = fn
		} else if s, ok := t.str(ir.props.get("IntegrationUri")); ok {
			out.target = s
		}
		if v := ir.props.get("PayloadFormatVersion"); v != nil {
			out.payload = payloadVersion(t.text(v, "PayloadFormatVersion"))
		}
		if rp := ir.props.get("RequestParameters"); rp != nil && rp.kind == kMap {
			for i, k := range rp.keys {
				out.params = append(out.params, param{k, t.text(rp.vals[i], k), rp.keyPos[i]})
			}
		}
		if rp := ir.props.get("ResponseParameters"); rp != nil {
			im.warn("IMP-TRANSFORM-DROPPED", rp.pos, "integration %s: response parameter mappings are not imported", ir.id)
		}
		return out
	}
	for _, rt := range t.ofType("AWS::ApiGatewayV2::Route") {
		if !t.belongs(rt, "ApiId", r.id) {
			continue
		}
		api.methods = append(api.methods, im.cfnV2Route(t, rt.props, rt.at, rt.id, integ))
	}
	// quick create: Target (+ RouteKey) makes one route
	if tg := r.props.get("Target"); tg != nil {
		key := "$default"
		if rk := r.props.get("RouteKey"); rk != nil {
			key = t.text(rk, "RouteKey")
		}
		m := &awsMethod{at: r.at, label: r.id + " (quick create)", integ: &awsInteg{typ: "aws_proxy", target: exprText(tg), at: tg.pos, http: true}}
		m.path, m.method = routeKey(key)
		if fn := t.functionFor(tg, ""); fn != nil {
			m.integ.target = "function " + fn.ref
		}
		for _, ov := range t.ofType("AWS::ApiGatewayV2::ApiGatewayManagedOverrides") {
			if t.belongs(ov, "ApiId", r.id) {
				if rp := ov.props.get("Route"); rp != nil {
					o := im.cfnV2Route(t, rp, ov.at, ov.id, nil)
					m.auth, m.authSet, m.iam, m.scopes, m.scopesSet, m.scopesAt = o.auth, o.authSet, o.iam, o.scopes, o.scopesSet, o.scopesAt
					m.label += ", overridden by " + ov.id
				}
				if st := ov.props.path("Stage", "StageVariables"); st != nil {
					api.vars = im.stageVariables(t, st)
				}
			}
		}
		api.methods = append(api.methods, m)
		api.stage = "$default"
	}
	for _, st := range t.ofType("AWS::ApiGatewayV2::Stage") {
		if t.belongs(st, "ApiId", r.id) {
			api.stage = t.text(st.props.get("StageName"), "StageName")
			api.vars = im.stageVariables(t, st.props.get("StageVariables"))
			break
		}
	}
	return api
}

func (im *imp) cfnV2Route(t *cfnTemplate, p *node, at pos, id string, integ func(*node) *awsInteg) *awsMethod {
	m := &awsMethod{at: at, label: id, authSet: true}
	if rk := p.get("RouteKey"); rk != nil {
		m.path, m.method = routeKey(t.text(rk, "RouteKey"))
	}
	switch strings.ToUpper(t.text(p.get("AuthorizationType"), "AuthorizationType")) {
	case "CUSTOM", "JWT":
		m.auth = t.resourceRef(p.get("AuthorizerId"))
		if m.auth == "" {
			im.warn("IMP-UNRESOLVED", p.keyAt("AuthorizerId"), "route %s: AuthorizerId %s names no authorizer of this template; imported without one", id, exprText(p.get("AuthorizerId")))
		}
	case "AWS_IAM":
		m.iam = true
	}
	if sc := p.get("AuthorizationScopes"); sc != nil {
		m.scopes, m.scopesSet, m.scopesAt = t.strList(sc, "AuthorizationScopes"), true, sc.pos
	}
	if k := p.get("ApiKeyRequired"); k != nil {
		m.apiKey, _ = t.boolean(k)
		m.apiKeyAt = k.pos
	}
	if integ != nil {
		if tg := p.get("Target"); tg != nil {
			m.integ = integ(tg)
		}
	}
	return m
}

// routeKey splits "GET /pets/{id}" (or "$default").
func routeKey(k string) (path, method string) {
	k = strings.TrimSpace(k)
	if k == "$default" {
		return "$default", "ANY"
	}
	method, path, ok := strings.Cut(k, " ")
	if !ok {
		return k, "ANY"
	}
	return strings.TrimSpace(path), strings.ToUpper(method)
}
