package importer

import (
	"fmt"
	"regexp"
	"strings"
)

// This file is the one place that decides what happens to AWS constructs
// authlab does not emulate yet: Cognito and HTTP API JWT authorizers
// (mapped to the generic jwt verifier), AWS_IAM, API keys and usage plans,
// gateway responses, and Lambda integrations (echo backends). When authlab
// gains one of them (issues 15 and 16), map it here to the real construct
// and keep the warning only for what still cannot be expressed.

// cognitoAuthorizer maps a REST Cognito user-pool authorizer to jwt
// (IMP-COGNITO, §3.3).
func (im *imp) cognitoAuthorizer(api *awsAPI, a *awsAuth, az *authorizer) {
	az.typ = "jwt"
	ids := im.identity(a.identity, false, a.name)
	if len(ids) == 0 {
		ids = []string{"header:Authorization"}
	}
	az.identity = ids[:1]
	pool := ""
	if len(a.pools) > 0 {
		pool = a.pools[0]
	}
	issuer := cognitoIssuer(pool, im.region())
	if issuer == "" {
		issuer = fmt.Sprintf("UNRESOLVED(%s)", strings.TrimPrefix(pool, "UNRESOLVED("))
		if strings.HasPrefix(pool, "UNRESOLVED(") {
			issuer = pool
		}
		im.warn("IMP-UNRESOLVED", a.at, "authorizer %s: the user pool %s has no pool id in the template; issuer written as %s and jwksUrl as a placeholder: put the pool's issuer https://cognito-idp.REGION.amazonaws.com/POOL_ID and its JWKS (or a local jwks: file) there", a.name, pool, issuer)
		az.set("issuer", issuer, "")
		az.set("jwksUrl", "https://unresolved.invalid/cognito-user-pool/jwks.json", "import: the pool's <issuer>/.well-known/jwks.json")
	} else {
		az.set("issuer", issuer, "")
		az.set("jwksUrl", issuer+"/.well-known/jwks.json", "")
	}
	more := ""
	if len(a.pools) > 1 {
		more = fmt.Sprintf(" It lists %d user pools; only the first is imported.", len(a.pools))
	}
	im.warn("IMP-COGNITO", a.at, "authorizer %s is a Cognito user-pool authorizer, imported as authlab's jwt verifier: no audience (Cognito accepts ID tokens of any app client, and access tokens carry client_id, not aud — validate's JWT-2 warning is expected); with route scopes AWS requires an access token, authlab checks the scope claim only.%s", a.name, more)
	im.warn("IMP-BEARER", a.at, "authorizer %s: Cognito REST authorizers read the raw token from %s; authlab's jwt requires \"Bearer <token>\"", a.name, ids[0])
	if a.regex != "" {
		im.warn("IMP-REGEX-DROPPED", a.regexAt.or(a.at), "authorizer %s: Cognito matches the validation expression against the token's aud claim; jwt has no validationRegex, dropped", a.name)
	}
	if a.ttl != nil {
		im.warn("IMP-IGNORED", a.ttlAt.or(a.at), "authorizer %s: the Cognito result TTL has no jwt equivalent (jwt verifies every request); dropped", a.name)
	}
	az.notes = append(az.notes, "Cognito user pool authorizer, approximated by the jwt verifier (see the warnings)")
	if a.fn != nil {
		a.fn = nil
	}
}

// httpJWTAuthorizer maps an HTTP API JWT authorizer to jwt (§3.7).
func (im *imp) httpJWTAuthorizer(api *awsAPI, a *awsAuth, az *authorizer) {
	az.typ = "jwt"
	ids := im.identity(a.identity, true, a.name)
	if len(ids) == 0 {
		ids = []string{"header:Authorization"}
	}
	if len(ids) > 1 {
		im.warn("IMP-IDENTITY-DROPPED", a.at, "authorizer %s: a JWT authorizer reads one source; %s kept", a.name, ids[0])
	}
	az.identity = ids[:1]
	issuer := a.issuer
	if issuer == "" {
		issuer = "UNRESOLVED(issuer)"
		im.warn("IMP-UNRESOLVED", a.at, "authorizer %s has no issuer; written as %s", a.name, issuer)
	}
	az.set("issuer", issuer, "")
	if len(a.audience) > 0 {
		az.set("audience", strList(a.audience), "")
	}
	jwks, guessed := jwksFor(issuer)
	switch {
	case strings.HasPrefix(issuer, "UNRESOLVED("):
		az.set("jwksUrl", "https://unresolved.invalid/jwks.json", "import: the issuer's JWKS URL")
	case guessed:
		az.set("jwksUrl", jwks, "import: guessed from the issuer; check jwks_uri in its openid-configuration")
		im.warn("IMP-JWKS-GUESS", a.issuerAt.or(a.at), "authorizer %s: jwksUrl %s is derived from the issuer by pattern, not from discovery; check jwks_uri in %s/.well-known/openid-configuration", a.name, jwks, strings.TrimSuffix(issuer, "/"))
	default:
		az.set("jwksUrl", jwks, "")
	}
	note := ""
	if strings.Contains(issuer, "cognito-idp.") {
		note = "; this issuer is Cognito: access tokens carry client_id, not aud, and AWS accepts either, authlab checks aud"
	}
	im.warn("IMP-BEARER", a.at, "authorizer %s: HTTP API JWT authorizers accept the token with or without \"Bearer \"; authlab's jwt requires \"Bearer <token>\"%s", a.name, note)
	if a.ttl != nil {
		im.warn("IMP-IGNORED", a.ttlAt.or(a.at), "authorizer %s: JWT authorizers have no result cache; TTL dropped", a.name)
	}
}

var cognitoArn = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):[0-9]*:userpool/([A-Za-z0-9_-]+)$`)

// cognitoIssuer is the issuer of a user pool ARN, or "".
func cognitoIssuer(arn, region string) string {
	m := cognitoArn.FindStringSubmatch(arn)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", m[1], m[2])
}

func (im *imp) region() string {
	if im.opts.Region != "" {
		return im.opts.Region
	}
	return "us-east-1"
}

// jwksFor derives a JWKS URL from an issuer (§9.6); guessed is true when
// no known pattern applies.
func jwksFor(issuer string) (string, bool) {
	is := strings.TrimSuffix(issuer, "/")
	switch {
	case strings.Contains(is, "cognito-idp.") && strings.Contains(is, ".amazonaws.com/"):
		return is + "/.well-known/jwks.json", false
	case strings.HasSuffix(issuer, ".auth0.com/") || (strings.HasSuffix(issuer, "/") && strings.Contains(issuer, "auth0")):
		return issuer + ".well-known/jwks.json", false
	case strings.Contains(is, ".okta.com/oauth2/"):
		return is + "/v1/keys", false
	case strings.HasSuffix(is, ".okta.com"):
		return is + "/oauth2/v1/keys", false
	case is == "https://accounts.google.com":
		return "https://www.googleapis.com/oauth2/v3/certs", false
	case strings.HasPrefix(is, "https://login.microsoftonline.com/") && strings.HasSuffix(is, "/v2.0"):
		return strings.TrimSuffix(is, "/v2.0") + "/discovery/v2.0/keys", false
	case strings.Contains(is, "/realms/"):
		return is + "/protocol/openid-connect/certs", false
	}
	return is + "/.well-known/jwks.json", true
}

// iamRoute: AWS_IAM / SigV4 is not emulated: the route is imported open
// (IMP-IAM).
func (im *imp) iamRoute(m *awsMethod, r *route) {
	im.warn("IMP-IAM", m.at, "%s %s uses AWS_IAM (SigV4) authorization, which authlab does not emulate: imported WITHOUT an authorizer, so it is open here", m.method, m.path)
	r.notes = append(r.notes, "AWS_IAM on the source: open here (SigV4 is not emulated)")
}

// apiKeyRoute: API keys and usage plans are not emulated (IMP-APIKEY).
func (im *imp) apiKeyRoute(m *awsMethod, r *route) {
	im.warn("IMP-APIKEY", m.apiKeyAt.or(m.at), "%s %s requires an API key (x-api-key), which authlab does not check yet: requests without one are not refused here", m.method, m.path)
	r.notes = append(r.notes, "requires an API key on the source (not checked here)")
}

// lambdaBackend: integrations authlab cannot reach become echo backends
// (IMP-BACKEND, once per kind), or --backend-url.
func (im *imp) lambdaBackend(m *awsMethod, in *awsInteg) backend {
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

// gatewayResponses: AWS gateway responses are not emulated yet
// (IMP-GATEWAY-RESPONSES); the message keeps their data, and says when
// they carry the CORS headers browsers need on 401/403.
func (im *imp) gatewayResponses(api *awsAPI) {
	for _, r := range api.responses {
		var parts []string
		if r.status != "" {
			parts = append(parts, "status "+r.status)
		}
		cors := false
		for _, h := range r.headers {
			parts = append(parts, h.k+": "+h.v)
			if strings.EqualFold(h.k, "Access-Control-Allow-Origin") {
				cors = true
			}
		}
		if r.body != "" {
			parts = append(parts, "body "+r.body)
		}
		extra := ""
		if cors && (r.typ == "UNAUTHORIZED" || r.typ == "ACCESS_DENIED" || r.typ == "EXPIRED_TOKEN" || strings.HasPrefix(r.typ, "DEFAULT_")) {
			extra = "; it adds CORS headers, so on AWS a browser can read this refusal — here it cannot (AWS-G13)"
		}
		im.warn("IMP-GATEWAY-RESPONSES", r.at, "gateway response %s (%s) is not emulated yet: authlab answers with the default%s", r.typ, strings.Join(parts, ", "), extra)
	}
}
