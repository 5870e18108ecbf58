package importer

import (
	"regexp"
	"strings"
)

// This file is the one place that decides how AWS's identity constructs
// and what authlab does not emulate yet are imported:
//
//   - Cognito user-pool authorizers → type cognito; HTTP API JWT
//     authorizers → type aws-jwt; their scopes → a route's
//     authorizationScopes; AWS_IAM → an aws-iam authorizer; API keys →
//     apiKeyRequired, aws.apiKeys and aws.usagePlans (issue 16);
//   - REST gateway responses → aws.gatewayResponses; HTTP API CORS →
//     aws.cors; Lambda proxy integrations → backend function: (issue 15).
//     Other integrations still become echo backends (IMP-BACKEND).

// cognitoAuthorizer maps a REST Cognito user-pool authorizer (§3.3) to
// authlab's cognito type, which checks tokens as API Gateway does.
func (im *imp) cognitoAuthorizer(api *awsAPI, a *awsAuth, az *authorizer) {
	az.typ = "cognito"
	ids := im.identity(a.identity, false, a.name)
	if len(ids) == 0 {
		ids = []string{"header:Authorization"}
	}
	az.identity = ids[:1]
	var arns, unresolved []string
	for _, p := range a.pools {
		if cognitoArn.MatchString(p) {
			arns = append(arns, p)
		} else {
			unresolved = append(unresolved, p)
		}
	}
	switch {
	case len(arns) == 1:
		az.set("userPoolArn", arns[0], "")
	case len(arns) > 1:
		az.set("providerARNs", strList(arns), "")
	default:
		region := im.region()
		az.set("userPoolId", region+"_UNRESOLVED", "import: the pool's id (REGION_ID); the source names it as "+strings.Join(unresolved, ", "))
		im.warn("IMP-UNRESOLVED", a.at, "authorizer %s: the user pool %s has no id in the source; written as userPoolId %s_UNRESOLVED: put the pool's id there (its keys come from the pool's JWKS URL, or a local jwks: file)", a.name, strings.Join(unresolved, ", "), region)
	}
	if len(arns) > 0 && len(unresolved) > 0 {
		im.warn("IMP-UNRESOLVED", a.at, "authorizer %s: user pool %s cannot be resolved offline; only %s imported", a.name, strings.Join(unresolved, ", "), strings.Join(arns, ", "))
	}
	if a.regex != "" {
		az.set("identityValidationExpression", a.regex, "")
	}
	if a.ttl != nil {
		az.ttl = a.ttl
	}
}

// httpJWTAuthorizer maps an HTTP API JWT authorizer (§3.7) to aws-jwt:
// Bearer optional, aud or client_id, keys by discovery from the issuer.
func (im *imp) httpJWTAuthorizer(api *awsAPI, a *awsAuth, az *authorizer) {
	az.typ = "aws-jwt"
	ids := im.identity(a.identity, true, a.name)
	if len(ids) == 0 {
		ids = []string{"header:Authorization"}
	}
	if len(ids) > 1 {
		im.warn("IMP-IDENTITY-DROPPED", a.at, "authorizer %s: a JWT authorizer reads one source; %s kept", a.name, ids[0])
	}
	az.identity = ids[:1]
	issuer := a.issuer
	if issuer == "" || strings.HasPrefix(issuer, "UNRESOLVED(") || !strings.Contains(issuer, "://") {
		was := issuer
		if was == "" {
			was = "none"
		}
		issuer = "https://unresolved.invalid/issuer"
		im.warn("IMP-UNRESOLVED", a.issuerAt.or(a.at), "authorizer %s: issuer %s is not a URL known offline; written as %s: put the issuer there", a.name, was, issuer)
	}
	az.set("issuer", issuer, "")
	aud := a.audience
	if len(aud) == 0 {
		aud = []string{"UNRESOLVED(audience)"}
		im.warn("IMP-SOURCE-INVALID", a.at, "authorizer %s has no audience, which API Gateway requires; written as UNRESOLVED(audience), which no token carries", a.name)
	}
	az.set("audience", strList(aud), "")
	if a.ttl != nil {
		im.warn("IMP-IGNORED", a.ttlAt.or(a.at), "authorizer %s: JWT authorizers have no result cache; TTL dropped", a.name)
	}
}

var cognitoArn = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):[0-9]*:userpool/([A-Za-z0-9_-]+)$`)

func (im *imp) region() string {
	if im.opts.Region != "" {
		return im.opts.Region
	}
	return "us-east-1"
}

// iamAuthorizer is the name of the aws-iam authorizer AWS_IAM methods get.
const iamAuthorizer = "aws-iam"

// iamRoute: AWS_IAM methods get the gateway's aws-iam authorizer; the
// credentials it verifies against are not in any source (IMP-IAM).
func (im *imp) iamRoute(g *gateway, m *awsMethod, r *route, byName map[string]*authorizer) {
	az := byName[iamAuthorizer]
	if az == nil {
		az = &authorizer{name: iamAuthorizer, typ: "aws-iam", at: m.at, label: "AWS_IAM authorization (SigV4)"}
		byName[iamAuthorizer] = az
		g.authorizers = append(g.authorizers, az)
		im.warn("IMP-IAM", m.at, "%s %s uses AWS_IAM: routes with AWS_IAM get the aws-iam authorizer, which verifies SigV4 against aws.credentials; the source holds no credentials: add the access keys (secret, policies) under aws.credentials, then sign requests with authlab fire --sigv4 KEYID or a scenario step's sigv4:", m.method, m.path)
	}
	az.used = true
	r.authorizer = iamAuthorizer
}

// apiKeyRoute: the route needs an API key (AWS-K1).
func (im *imp) apiKeyRoute(api *awsAPI, m *awsMethod, r *route) {
	if api.http {
		im.warn("IMP-SOURCE-INVALID", m.apiKeyAt.or(m.at), "%s %s requires an API key, which HTTP APIs do not support; ignored", m.method, m.path)
		return
	}
	r.apiKeyRequired = true
	if !api.firstKeyAt.valid() {
		api.firstKeyAt = m.apiKeyAt.or(m.at)
	}
}

// apiKeys writes the source's API keys and usage plans; when routes need
// a key and the source holds no key values (API Gateway generates them),
// a placeholder key in a placeholder plan stands in.
func (im *imp) apiKeys(api *awsAPI, g *gateway) {
	g.apiKeySource = api.keySource
	need := false
	for _, r := range g.routes {
		need = need || r.apiKeyRequired
	}
	if !need && len(api.keys) == 0 {
		return
	}
	g.apiKeys, g.usagePlans = api.keys, api.plans
	for i, k := range g.apiKeys {
		if !apiKeyValue.MatchString(k.value) {
			v := placeholderKey(k.name)
			im.warn("IMP-APIKEY", k.at, "API key %s: its value is not in the source (API Gateway generates it) or is not 20-128 letters and digits; written as %s: put the real value there", k.name, v)
			g.apiKeys[i].value = v
			g.apiKeys[i].comment = "import: placeholder value"
		}
	}
	if len(g.apiKeys) == 0 {
		k := apiKeyDef{name: "import-placeholder", value: "authlabImportPlaceholderKey1", comment: "import: the source holds no key values; send this one as x-api-key"}
		g.apiKeys = append(g.apiKeys, k)
		im.warn("IMP-APIKEY", api.firstKeyAt.or(api.at), "routes require an API key but the source holds no key values: a placeholder key %s in a placeholder usage plan stands in; put your keys under aws.apiKeys", k.value)
	}
	if len(g.usagePlans) == 0 {
		var names []string
		for _, k := range g.apiKeys {
			names = append(names, k.name)
		}
		g.usagePlans = append(g.usagePlans, planDef{name: "import-placeholder", keys: names, comment: "import: every key, no throttle or quota"})
	}
	// a key in no plan is refused like an unknown one (AWS-K1)
	inPlan := map[string]bool{}
	for _, p := range g.usagePlans {
		for _, k := range p.keys {
			inPlan[k] = true
		}
	}
	for _, k := range g.apiKeys {
		if !inPlan[k.name] {
			im.warn("IMP-APIKEY", k.at, "API key %s is in no usage plan of this API: API Gateway refuses it (403), and so does authlab", k.name)
		}
	}
}

var apiKeyValue = regexp.MustCompile(`^[A-Za-z0-9]{20,128}$`)

// placeholderKey is a valid key value derived from a name.
func placeholderKey(name string) string {
	v := "authlabImport" + regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(name, "")
	for len(v) < 24 {
		v += "0"
	}
	if len(v) > 128 {
		v = v[:128]
	}
	return v
}

// lambdaBackend: Lambda proxy integrations become backend function:
// (AWS-L1 to AWS-L9), their handler resolved as authorizer handlers are
// (a mock answering a fixed proxy response when it cannot run); other
// integrations authlab cannot reach become echo backends (IMP-BACKEND,
// once per kind), or --backend-url.
func (im *imp) lambdaBackend(api *awsAPI, m *awsMethod, in *awsInteg) backend {
	kind, target := "none", "(no integration)"
	if in != nil {
		kind, target = in.typ, in.target
	}
	desc := strings.TrimSpace(kindName(kind) + " " + target)
	if im.opts.BackendURL != "" {
		im.warnOnce("backend-url", "IMP-BACKEND", m.at, "integrations are sent to --backend-url %s (authlab forwards the request path and query)", im.opts.BackendURL)
		return backend{url: im.opts.BackendURL, comment: "import: backend was " + desc}
	}
	at := m.at
	if in != nil && in.at.valid() {
		at = in.at
	}
	if in == nil {
		return backend{echo: true, comment: "import: the source defines no integration"}
	}
	if in.typ == "aws_proxy" && in.fn != nil {
		if api.fns == nil {
			api.fns = map[string]*function{}
		}
		key := in.fn.ref + "\x00" + in.fn.handler
		fn := api.fns[key]
		if fn == nil {
			fn = im.resolveFunction(in.fn, proxyFn, false)
			api.fns[key] = fn
		}
		b := backend{fn: fn, comment: "import: Lambda proxy integration, " + target}
		if api.http && in.payload == "1.0" {
			b.payload = "1.0"
		}
		return b
	}
	im.warnOnce("backend-"+kind, "IMP-BACKEND", at, "%s integrations are replaced by {echo: true}: the backend answers with what reached it (--backend-url URL sends them to a local service instead)", kindName(kind))
	return backend{echo: true, comment: "import: backend was " + desc}
}

func kindName(k string) string {
	switch strings.ToLower(k) {
	case "aws_proxy", "lambda-proxy":
		return "Lambda"
	case "lambda":
		return "Lambda (non-proxy)"
	case "http_proxy", "http", "http-proxy":
		return "HTTP"
	case "aws":
		return "AWS service"
	}
	return k
}

// gatewayResponses: a REST API's gateway responses become
// aws.gatewayResponses (AWS-G4 to AWS-G11), header sources and templates
// as the source writes them; HTTP APIs have none (IMP-SOURCE-INVALID), and
// templates using VTL directives are written but not evaluated (IMP-VTL).
func (im *imp) gatewayResponses(api *awsAPI, g *gateway) {
	for _, r := range api.responses {
		if api.http {
			im.warn("IMP-SOURCE-INVALID", r.at, "gateway response %s: HTTP APIs have no gateway responses; ignored", r.typ)
			continue
		}
		for _, t := range r.templates {
			if vtlDirective.MatchString(t.v) {
				im.warn("IMP-VTL", r.at, "gateway response %s: its %s template uses VTL directives, which authlab does not evaluate (only $variables are substituted, AWS-G9); the directives stay as text", r.typ, t.k)
				break
			}
		}
		g.awsResponses = append(g.awsResponses, r)
	}
}

var vtlDirective = regexp.MustCompile(`#(if|set|foreach|else|elseif|end)\b`)
