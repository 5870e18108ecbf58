package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/trace"
)

// awsJWT is an API Gateway HTTP API JWT authorizer (semantics AWSH-J*):
// no function, API Gateway verifies the token itself against the issuer's
// keys and answers 401 with a WWW-Authenticate header, or 403 when the
// route's scopes are not granted.
type awsJWT struct {
	source    config.IdentitySource
	issuer    string
	audiences []string
	keys      *awsKeys
}

// AWS answers the HTTP API JWT authorizer's refusals with these texts in
// error_description; only the audience one is documented (AWSH-J7).
const (
	jwtTextNoToken  = "token not provided"
	jwtTextAudience = "the token does not have a valid audience"
)

func newAWSJWT(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	o := awsJWTOptions(a)
	src := config.IdentitySource{Kind: config.SrcHeader, Name: "Authorization"}
	if s := a.Sources(); len(s) > 0 {
		src = s[0]
	}
	keys, err := newAWSKeys(g, o.JWKS, o.JWKSURL, o.Issuer)
	if err != nil {
		return nil, err
	}
	return &awsJWT{source: src, issuer: o.Issuer, audiences: o.Audience, keys: keys}, nil
}

// DefaultTTL: JWT authorizers have no result cache (AWSH-J1).
func (d *awsJWT) DefaultTTL() time.Duration { return 0 }

// jwtRefusal is the 401 of AWSH-J7: {"message":"Unauthorized"} and the
// WWW-Authenticate header, parameters separated by spaces, no commas.
func jwtRefusal(rule, reason, desc string) *Failure {
	fl := jsonFailure("", rule, reason, 401, `{"message":"Unauthorized"}`)
	fl.Header.Set("Www-Authenticate", `Bearer scope="" error="invalid_token" error_description="`+strings.ReplaceAll(desc, `"`, `'`)+`"`)
	return fl
}

// bearerPrefix is "Bearer" and one or more spaces, in any case (AWSH-J2).
var bearerPrefix = regexp.MustCompile(`^(?i:bearer) +`)

func (d *awsJWT) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	raw := sourceValue(f, d.source)
	st.Rule("AWSH-J2")
	if strings.TrimSpace(raw) == "" {
		st.Add(d.source.String(), "(missing)")
		return Identity{Missing: true}, jwtRefusal("AWSH-J7", fmt.Sprintf("no token in %s: 401, the integration is not called", d.source), jwtTextNoToken)
	}
	st.Add(d.source.String(), raw)
	tok := raw
	if m := bearerPrefix.FindString(raw); m != "" {
		tok = raw[len(m):]
		st.Summary = "token present (Bearer prefix removed)"
	} else {
		st.Summary = "token present (no Bearer prefix)"
	}
	if tok == "" {
		return Identity{Missing: true, Secrets: []string{raw}}, jwtRefusal("AWSH-J7", "the Bearer prefix is followed by no token: 401", jwtTextNoToken)
	}
	return Identity{Values: []string{tok}, Secrets: []string{raw, tok}}, nil
}

// sourceValue reads a header (repeated values joined with commas, as HTTP
// APIs do) or a query parameter.
func sourceValue(f *Flow, s config.IdentitySource) string {
	switch s.Kind {
	case config.SrcQuery:
		return strings.Join(f.Req.Query[s.Name], ",")
	default:
		return strings.Join(f.Req.Header.Values(s.Name), ",")
	}
}

// Decide verifies the token as AWSH-J3..J5 say, in that order.
func (d *awsJWT) Decide(ctx context.Context, f *Flow, id Identity, st *trace.Stage) (*Decision, *Failure) {
	v := d.check(ctx, id.Values[0], f.Now, false, st)
	if !v.ok {
		st.Summary = "rejected (" + v.check + "): " + v.detail
		st.Add("verdict", v.check+": "+v.detail)
		st.Add("error_description", v.text+v.own())
		return nil, jwtRefusal("AWSH-J7", fmt.Sprintf("%s check failed: %s", v.check, v.detail), v.text)
	}
	dec := claimsDecision(v.token)
	st.Add("verdict", "valid: "+v.detail)
	st.Summary = fmt.Sprintf("valid %s token for %q", v.token.Alg, dec.Principal)
	return dec, nil
}

// awsVerdict is the outcome of an AWS JWT check: the rule that failed, the
// check's name for the trace, the public text and the details.
type awsVerdict struct {
	ok     bool
	rule   string
	check  string // kid, alg, signature, iss, aud, exp, nbf, iat, token_use, ...
	text   string // what the client is told
	ours   bool   // text is authlab's own, not documented by AWS
	detail string // for the trace only
	token  *jose.Token
}

func (v awsVerdict) own() string {
	if v.ours {
		return " (authlab's wording; AWS documents only the audience text)"
	}
	return ""
}

// check verifies one token for the HTTP API JWT authorizer.
func (d *awsJWT) check(ctx context.Context, raw string, now time.Time, noFetch bool, st *trace.Stage) awsVerdict {
	t, _, v := verifyRSAToken(ctx, d.keys, raw, now, noFetch, st, "AWSH-J3")
	if !v.ok && v.check != "" {
		return v
	}
	fail := func(rule, check, text, detail string, ours bool) awsVerdict {
		if st != nil {
			st.Rule(rule)
		}
		return awsVerdict{rule: rule, check: check, text: text, detail: detail, ours: ours, token: t}
	}
	if st != nil {
		st.Rule("AWSH-J5")
	}
	if iss := t.StringClaim("iss"); iss != d.issuer {
		return fail("AWSH-J5", "iss", "the token does not have a valid issuer", fmt.Sprintf("iss %q, expected %q (an exact match)", iss, d.issuer), true)
	}
	if aud := t.Audience(); len(aud) > 0 {
		if !overlaps(aud, d.audiences) {
			return fail("AWSH-J5", "aud", jwtTextAudience, fmt.Sprintf("aud %q is none of %q (client_id is not looked at when aud is present)", aud, d.audiences), false)
		}
	} else if cid := t.StringClaim("client_id"); !overlaps([]string{cid}, d.audiences) {
		return fail("AWSH-J5", "aud", jwtTextAudience, fmt.Sprintf("no aud, and client_id %q is none of %q", cid, d.audiences), false)
	}
	if r, text, detail := timeChecks(t, now); r != "" {
		return fail("AWSH-J5", r, text, detail, true)
	}
	return awsVerdict{ok: true, token: t, detail: v.detail}
}

// verifyRSAToken decodes a token and verifies its signature against the
// keys (an RSA algorithm, a kid naming a key: AWSH-J3, AWS-U3). The
// returned verdict has ok false and check set on failure; on success ok is
// false and check empty, detail naming the key (claims still to check).
func verifyRSAToken(ctx context.Context, keys *awsKeys, raw string, now time.Time, noFetch bool, st *trace.Stage, rule string) (*jose.Token, *jose.KeySet, awsVerdict) {
	rec := func(k, v string) {
		if st != nil {
			st.Add(k, v)
		}
	}
	if st != nil {
		st.Rule(rule)
	}
	fail := func(check, text, detail string) awsVerdict {
		return awsVerdict{rule: rule, check: check, text: text, detail: detail, ours: true}
	}
	t, err := jose.Decode(raw)
	if err != nil {
		return nil, nil, fail("decode", "the token is malformed", err.Error())
	}
	rec("alg", t.Alg)
	if !strings.HasPrefix(t.Alg, "RS") || (t.Alg != "RS256" && t.Alg != "RS384" && t.Alg != "RS512") {
		v := fail("alg", "signing method "+t.Alg+" is invalid", fmt.Sprintf("alg %q: only RSA-based algorithms (RS256, RS384, RS512) are supported", t.Alg))
		v.token = t
		return t, nil, v
	}
	if t.KID == "" {
		v := fail("kid", "kid header not found", "the token header has no kid; AWS requires one naming a key of the issuer's JWKS")
		v.token = t
		return t, nil, v
	}
	rec("kid", t.KID)
	ks, logs, err := keys.get(ctx, now, t.KID, noFetch)
	for _, l := range logs {
		rec("keys", l)
	}
	if err != nil {
		v := fail("jwks", "unable to fetch the issuer's keys", err.Error())
		v.token = t
		return t, nil, v
	}
	known := false
	for _, k := range ks.KIDs() {
		known = known || k == t.KID
	}
	if !known {
		v := fail("kid", "kid not found in jwks", fmt.Sprintf("kid %q is not in %s (known: %s)", t.KID, ks.Source, strings.Join(ks.KIDs(), ", ")))
		v.token = t
		return t, ks, v
	}
	// Time claims are checked later, in the gateway's order: judge the
	// signature at a time every token is valid at.
	jv := jose.VerifyToken(t, ks, jose.VerifyOptions{Algs: []string{"RS256", "RS384", "RS512"}, Now: now, Leeway: 100 * 365 * 24 * time.Hour})
	if !jv.Valid {
		v := fail("signature", "signature is invalid", jv.Message)
		if jv.Reason == jose.ReasonAlgNotAllowed {
			v = fail("alg", "signing method "+t.Alg+" is invalid", jv.Message)
		}
		v.token = t
		return t, ks, v
	}
	return t, ks, awsVerdict{token: t, detail: jv.Message}
}

// timeChecks applies exp, nbf and iat with no leeway (AWSH-J5): the failing
// claim, the client's text and the trace's.
func timeChecks(t *jose.Token, now time.Time) (claim, text, detail string) {
	for _, c := range []string{"exp", "nbf", "iat"} {
		at, ok, err := t.TimeClaim(c)
		switch {
		case err != nil:
			return c, "the token is malformed", err.Error()
		case !ok:
			if c == "exp" {
				return c, "the token has no expiry", "the token has no exp"
			}
		case c == "exp" && !now.Before(at):
			return c, "the token has expired", "the token " + jose.DescribeTime(c, at, now) + " (exp " + at.Format(time.RFC3339) + ")"
		case c != "exp" && at.After(now):
			return c, "the token is not valid yet", "the token's " + c + " " + at.Format(time.RFC3339) + " is after now " + now.UTC().Format(time.RFC3339)
		}
	}
	return "", "", ""
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y && x != "" {
				return true
			}
		}
	}
	return false
}

// claimsDecision makes the decision of a valid token: its claims as AWS
// hands them on, every value a string (AWSH-J9, AWS-U6), under claims.NAME
// (${request.auth[claims.sub]}, $context.authorizer.claims.sub).
func claimsDecision(t *jose.Token) *Decision {
	claims := StringClaims(t.Claims)
	dec := &Decision{Context: make(map[string]string, len(claims)), Principal: claims["sub"]}
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		dec.Context["claims."+k] = claims[k]
		dec.ContextOrder = append(dec.ContextOrder, "claims."+k)
	}
	dec.Scopes = tokenScopes(t.Claims)
	dec.Policy = claimSet{claims: claims, names: names}
	return dec
}

// claimSet is the claims a JWT or Cognito authorizer passes on.
type claimSet struct {
	claims map[string]string
	names  []string
}

func (c claimSet) Describe() string { return fmt.Sprintf("%d claim(s)", len(c.names)) }

// StringClaims renders claims the way API Gateway passes them on: numbers
// as decimal text, booleans as true/false, arrays as [a b c], objects as
// JSON, null claims left out (AWSH-J9).
func StringClaims(c map[string]any) map[string]string {
	out := make(map[string]string, len(c))
	for k, v := range c {
		if v == nil {
			continue
		}
		out[k] = claimString(v)
	}
	return out
}

func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case float64:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if e == nil {
				continue
			}
			parts = append(parts, claimString(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// tokenScopes reads scp (string or list) first, then scope (a
// space-separated string), as AWSH-J6 says.
func tokenScopes(c map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, name := range []string{"scp", "scope"} {
		switch v := c[name].(type) {
		case string:
			for _, s := range strings.Fields(v) {
				add(s)
			}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					add(s)
				}
			}
		}
	}
	return out
}

// CheckScopes: a route with authorizationScopes needs one of them in the
// token (AWSH-J6), else 403 (AWSH-J8). What the integration receives is
// recorded either way (AWSH-J9).
func (d *awsJWT) CheckScopes(f *Flow, dec *Decision, want []string, st *trace.Stage) *Failure {
	cs, _ := dec.Policy.(claimSet)
	var scopes any // null when the route has no scopes (AWSH-J9)
	defer func() {
		b, _ := marshalEvent(map[string]any{"jwt": map[string]any{"claims": cs.claims, "scopes": scopes}})
		st.AddJSON("requestContext.authorizer", b)
		st.Rule("AWSH-J9")
	}()
	if len(want) == 0 {
		st.Add("scopes", "the route has no authorizationScopes: not checked (AWSH-J6)")
		return nil
	}
	st.Rule("AWSH-J6")
	st.Add("authorizationScopes", strings.Join(want, " ")).Add("tokenScopes", strings.Join(dec.Scopes, " "))
	if w, ok := grantedScope(want, dec.Scopes); ok {
		scopes = dec.Scopes
		st.Add("scope", "granted "+w)
		return nil
	}
	st.Rule("AWSH-J8")
	st.Summary = fmt.Sprintf("valid token for %q, but it holds none of the route's scopes %v (token scopes: %v)", dec.Principal, want, dec.Scopes)
	fl := jsonFailure("", "AWSH-J8", fmt.Sprintf("none of the route's authorizationScopes %v is in the token's scope/scp %v: 403", want, dec.Scopes), 403, `{"message":"Forbidden"}`)
	fl.Header.Set("Www-Authenticate", `Bearer scope="`+strings.Join(want, " ")+`" error="insufficient_scope" error_description="the token does not have the required scope"`)
	return fl
}

func (d *awsJWT) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	st.Summary = fmt.Sprintf("authenticated as %q", dec.Principal)
	return nil
}

func (d *awsJWT) TokenSlot() (TokenSlot, bool) {
	return slotOf([]config.IdentitySource{d.source})
}

// CheckToken answers as this authorizer would for raw at now, for the
// token workbench (route scopes aside).
func (d *awsJWT) CheckToken(ctx context.Context, raw string, now time.Time, noFetch bool) (jose.Verdict, error) {
	v := d.check(ctx, jose.StripBearer(raw), now, noFetch, nil)
	return v.joseVerdict(), nil
}

// joseVerdict expresses an AWS verdict for the token workbench.
func (v awsVerdict) joseVerdict() jose.Verdict {
	out := jose.Verdict{Valid: v.ok, Token: v.token, Message: v.detail}
	if v.token != nil {
		out.Alg, out.KID = v.token.Alg, v.token.KID
	}
	switch {
	case v.ok:
		out.Reason = jose.ReasonValid
	case v.check == "decode":
		out.Reason = jose.ReasonMalformed
	case v.check == "alg":
		out.Reason = jose.ReasonAlgNotAllowed
	case v.check == "kid":
		out.Reason = jose.ReasonKidNotFound
	case v.check == "signature":
		out.Reason = jose.ReasonBadSignature
	case v.check == "iss":
		out.Reason = jose.ReasonIssuerMismatch
	case v.check == "aud" || v.check == "identityValidationExpression":
		out.Reason = jose.ReasonAudienceMismatch
	case v.check == "exp":
		out.Reason = jose.ReasonExpired
	case v.check == "nbf", v.check == "iat":
		out.Reason = jose.ReasonNotYetValid
	case v.check == "jwks":
		out.Reason = jose.ReasonNoKey
	default:
		out.Reason = jose.ReasonInvalidClaims
	}
	if !v.ok && v.text != "" {
		out.Message = v.text + ": " + v.detail
	}
	return out
}

// awsKeys are the signing keys of an AWS JWT or Cognito authorizer: a
// local JWKS file, or a JWKS URL (given, or found through the issuer's
// OpenID discovery document). Fetched keys are kept up to an hour of the
// gateway's (virtual) time; a kid they lack triggers one refetch, at most
// every 30 s (AWSH-J4).
type awsKeys struct {
	static    *jose.KeySet
	url       string // a JWKS URL
	discovery string // {issuer}/.well-known/openid-configuration

	mu      sync.Mutex
	keys    *jose.KeySet
	fetched time.Time // when keys were fetched (virtual time)
	kidTry  time.Time // the last refetch for an unknown kid
}

// AWS's fetch limits (AWSH-J4).
const (
	awsKeysTimeout  = 1500 * time.Millisecond
	awsKeysMaxBytes = 150000
	awsKeysMaxAge   = time.Hour
	awsKeysRefetch  = 30 * time.Second
)

func newAWSKeys(g *config.Gateway, file, url, issuer string) (*awsKeys, error) {
	k := &awsKeys{url: url}
	switch {
	case file != "":
		ks, err := jose.LoadKeys(g.Abs(file))
		if err != nil {
			return nil, fmt.Errorf("loading jwks: %w", err)
		}
		k.static = ks
	case url == "" && issuer != "":
		k.discovery = strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	}
	return k, nil
}

// get returns the keys to verify a token whose kid is kid, fetching them
// when needed; logs says what was fetched.
func (k *awsKeys) get(ctx context.Context, now time.Time, kid string, noFetch bool) (*jose.KeySet, []string, error) {
	if k.static != nil {
		return k.static, nil, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	where := k.url
	if where == "" {
		where = k.discovery
	}
	var logs []string
	need := ""
	switch {
	case k.keys == nil:
		need = "first use"
	case now.Sub(k.fetched) >= awsKeysMaxAge:
		need = fmt.Sprintf("cached keys are %s old (kept up to 1h)", now.Sub(k.fetched).Round(time.Second))
	case !slicesContains(k.keys.KIDs(), kid) && (k.kidTry.IsZero() || now.Sub(k.kidTry) >= awsKeysRefetch):
		need = fmt.Sprintf("kid %q is unknown", kid)
		k.kidTry = now
	}
	if need == "" {
		logs = append(logs, fmt.Sprintf("cached keys from %s, fetched %s ago", where, now.Sub(k.fetched).Round(time.Second)))
		return k.keys, logs, nil
	}
	if noFetch {
		if k.keys == nil {
			return nil, nil, fmt.Errorf("%w: the keys at %s are fetched by the first request", errNotFetched, where)
		}
		return k.keys, nil, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ks, err := jose.FetchJWKSLimited(ctx, where, awsKeysTimeout, awsKeysMaxBytes)
	if err != nil {
		if k.keys == nil {
			return nil, nil, fmt.Errorf("fetching keys (%s): %w", need, err)
		}
		logs = append(logs, fmt.Sprintf("refetch (%s) failed, keeping the cached keys: %v", need, err))
		return k.keys, logs, nil
	}
	k.keys, k.fetched = ks, now
	logs = append(logs, fmt.Sprintf("fetched %d key(s) from %s (%s)", len(ks.KIDs()), where, need))
	return k.keys, logs, nil
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The HTTP API JWT authorizer (AWSH-J*).
var _ = register(&Spec{Rank: 40, Type: "aws-jwt", New: newAWSJWT, CacheRules: [2]string{"AWSH-J1", "AWSH-J1"}, ScopeRule: "AWSH-J8",
	Fixture: "aws-jwt.yaml",
	Config: config.TypeSpec{Platform: "aws-http", Scopes: true,
		Common:  []string{"identitySource"},
		Options: func() any { return &AWSJWTOptions{} }, Validate: validateAWSJWT}})

// AWSJWTOptions are an aws-jwt authorizer's own keys, named as in
// AWS::ApiGatewayV2::Authorizer's JwtConfiguration.
type AWSJWTOptions struct {
	Issuer   string            `yaml:"issuer" doc:"jwtConfiguration.issuer: iss must equal it exactly; the keys are found from its /.well-known/openid-configuration unless jwks or jwksUrl is given (AWSH-J4, AWSH-J5)." format:"uri"`
	Audience config.StringList `yaml:"audience" doc:"jwtConfiguration.audience (1 to 50): aud must hold one, or, for a token without aud, client_id must be one (AWSH-J5)."`
	JWKS     string            `yaml:"jwks" doc:"authlab only: a local JWKS file (relative to this file) instead of the issuer's discovery document."`
	JWKSURL  string            `yaml:"jwksUrl" doc:"authlab only: a JWKS URL instead of the issuer's discovery document; kept 1 h, refetched for an unknown kid (AWSH-J4)." format:"uri"`
}

func awsJWTOptions(a *config.Authorizer) *AWSJWTOptions {
	if o, ok := a.Options.(*AWSJWTOptions); ok {
		return o
	}
	return &AWSJWTOptions{}
}

// Secrets: a password in the JWKS or issuer URL.
func (o *AWSJWTOptions) Secrets() []string {
	return append(redact.URLSecrets(o.JWKSURL), redact.URLSecrets(o.Issuer)...)
}

// KeyFiles are the files the keys come from, for reload and diagnostics.
func (o *AWSJWTOptions) KeyFiles() map[string]string {
	if o.JWKS == "" {
		return map[string]string{}
	}
	return map[string]string{"jwks": o.JWKS}
}

func validateAWSJWT(c *config.Check) {
	a, o := c.A, awsJWTOptions(c.A)
	if len(a.IdentitySource) > 1 {
		c.Err("identitySource", "authorizer %q: a JWT authorizer takes exactly one identity source, a header or a query parameter (AWSH-J1)", a.Name)
	}
	for i, s := range c.Sources {
		if s.Kind != config.SrcHeader && s.Kind != config.SrcQuery {
			c.Err(fmt.Sprintf("identitySource[%d]", i), "authorizer %q: a JWT authorizer reads a header ($request.header.NAME) or a query parameter ($request.querystring.NAME), not %s (AWSH-J1)", a.Name, s.Kind)
		}
	}
	if o.Issuer == "" {
		c.ErrAtKey("", "authorizer %q: aws-jwt needs issuer: the iss tokens must carry (AWSH-J1)", a.Name)
	} else if !config.IsHTTPURL(o.Issuer) {
		c.Err("issuer", "issuer %q: expected an https:// URL (http:// for a local issuer)", o.Issuer)
	}
	switch {
	case len(o.Audience) == 0:
		c.ErrAtKey("", "authorizer %q: aws-jwt needs audience: the app client ids or aud values it accepts (AWSH-J1)", a.Name)
	case len(o.Audience) > 50:
		c.Err("audience", "authorizer %q: %d audiences; API Gateway allows at most 50 (AWS-E8)", a.Name, len(o.Audience))
	}
	if o.JWKS != "" && o.JWKSURL != "" {
		c.ErrAtKey("jwksUrl", "authorizer %q: give jwks or jwksUrl, not both", a.Name)
	}
	c.File("jwks", o.JWKS)
	if o.JWKSURL != "" && !config.IsHTTPURL(o.JWKSURL) {
		c.Err("jwksUrl", "jwksUrl %q: expected an absolute http:// or https:// URL", o.JWKSURL)
	}
}

// IDTokensOn says why routes without scopes accept ID tokens: with a
// Cognito issuer the audience is an app client id, which Cognito also puts
// in the aud of its ID tokens, and token_use is not checked (AWSH-J5).
func (o *AWSJWTOptions) IDTokensOn() string {
	if strings.HasPrefix(o.Issuer, "https://cognito-idp.") {
		return "a JWT authorizer with a Cognito issuer does not check token_use: an ID token whose aud is the app client passes too (AWSH-J5)"
	}
	return ""
}
