package engine

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/trace"
)

// cognito is a REST API COGNITO_USER_POOLS authorizer (semantics AWS-U*):
// API Gateway verifies the token against the user pool's keys; the method
// decides which token it wants (an ID token, or with authorizationScopes
// an access token holding one of them), and every refusal is a 401.
type cognito struct {
	source  config.IdentitySource
	issuers []string // https://cognito-idp.REGION.amazonaws.com/POOL, per pool
	keys    *awsKeys
	audRe   *regexp.Regexp // identityValidationExpression, against aud (AWS-U2)
	caching bool
}

// CognitoIssuer is the iss Cognito writes for a pool (AWSH-J10, AWS-U3).
func CognitoIssuer(region, poolID string) string {
	return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
}

// CognitoPoolRegion is the region a pool id names (eu-west-1_AbC → eu-west-1).
func CognitoPoolRegion(poolID string) string {
	r, _, ok := strings.Cut(poolID, "_")
	if !ok {
		return ""
	}
	return r
}

var poolARN = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):([0-9]{12}):userpool/([a-z0-9-]+_[0-9A-Za-z]+)$`)

// Pools lists the (region, pool id) pairs an authorizer accepts tokens of.
func (o *CognitoOptions) Pools(defaultRegion string) [][2]string {
	var out [][2]string
	if o.UserPoolID != "" {
		region := o.Region
		if region == "" {
			region = CognitoPoolRegion(o.UserPoolID)
		}
		if region == "" {
			region = defaultRegion
		}
		out = append(out, [2]string{region, o.UserPoolID})
	}
	arns := append([]string{}, o.ProviderARNs...)
	if o.UserPoolARN != "" {
		arns = append(arns, o.UserPoolARN)
	}
	for _, a := range arns {
		if m := poolARN.FindStringSubmatch(a); m != nil {
			out = append(out, [2]string{m[1], m[3]})
		}
	}
	return out
}

func newCognito(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	o := cognitoOptions(a)
	d := &cognito{source: config.IdentitySource{Kind: config.SrcHeader, Name: "Authorization"}, caching: a.TTLValue() > 0}
	if s := a.Sources(); len(s) > 0 {
		d.source = s[0]
	}
	for _, p := range o.Pools(awsOf(g).region) {
		d.issuers = append(d.issuers, CognitoIssuer(p[0], p[1]))
	}
	if len(d.issuers) == 0 {
		return nil, fmt.Errorf("no user pool: give userPoolId or providerARNs")
	}
	url := o.JWKSURL
	keys, err := newAWSKeys(g, o.JWKS, url, "")
	if err != nil {
		return nil, err
	}
	if o.JWKS == "" && url == "" {
		// the pool's own JWKS (AWS-U3); only with one pool
		keys.url = d.issuers[0] + "/.well-known/jwks.json"
	}
	d.keys = keys
	if o.IdentityValidationExpression != "" {
		re, err := regexp.Compile(`^(?:` + o.IdentityValidationExpression + `)$`)
		if err != nil {
			return nil, fmt.Errorf("identityValidationExpression: %w", err)
		}
		d.audRe = re
	}
	return d, nil
}

// cognitoUnauthorized is AWS-U4's 401: UNAUTHORIZED, Unauthorized.
func cognitoUnauthorized(rule, reason string) *Failure {
	return awsAnswer("UNAUTHORIZED", rule, reason, 401, "UnauthorizedException", "Unauthorized")
}

// cognitoExpired is the one 401 with its own text (AWS-U4).
func cognitoExpired(reason string) *Failure {
	return awsAnswer("UNAUTHORIZED", "AWS-U4", reason, 401, "UnauthorizedException", "The incoming token has expired")
}

func (d *cognito) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	v := f.Req.Header.Get(d.source.Name)
	st.Rule("AWS-U2")
	if strings.TrimSpace(v) == "" {
		st.Add(d.source.String(), "(missing)")
		return Identity{Missing: true}, cognitoUnauthorized("AWS-U2", fmt.Sprintf("token header %s missing or empty: 401, the integration is not called", d.source.Name))
	}
	st.Add(d.source.String(), v)
	tok := v
	if m := bearerPrefix.FindString(v); m != "" {
		tok = v[len(m):]
		st.Rule("AWS-U5")
		st.Add("form", "Bearer <token>: prefix removed (unconfirmed on AWS that the prefix is accepted)")
		st.Summary = "token present, with a Bearer prefix"
	} else {
		st.Add("form", "the raw token")
		st.Summary = "token present"
	}
	id := Identity{Values: []string{tok}, Secrets: []string{v, tok}}
	if d.caching {
		id.CacheKey = v // the validation result is cached under the token (AWS-U7)
	}
	return id, nil
}

// Decide verifies the token against the pool (AWS-U2, AWS-U3); which kind
// of token the method wants is decided per request (CheckScopes), cached
// results included.
func (d *cognito) Decide(ctx context.Context, f *Flow, id Identity, st *trace.Stage) (*Decision, *Failure) {
	v := d.check(ctx, id.Values[0], f.Now, false, st)
	if !v.ok {
		st.Summary = "rejected (" + v.check + "): " + v.detail
		st.Add("verdict", v.check+": "+v.detail)
		if v.check == "exp" {
			return nil, cognitoExpired("the token has expired: " + v.detail)
		}
		return nil, cognitoUnauthorized(v.rule, fmt.Sprintf("%s check failed: %s", v.check, v.detail))
	}
	dec := claimsDecision(v.token)
	st.Add("verdict", "valid: "+v.detail).Add("token_use", v.token.StringClaim("token_use"))
	st.Summary = fmt.Sprintf("valid %s token of %s for %q", v.token.StringClaim("token_use"), v.token.StringClaim("iss"), dec.Principal)
	if exp, ok, _ := v.token.TimeClaim("exp"); ok {
		dec.IssuedFor = "exp " + exp.UTC().Format(time.RFC3339)
	}
	return dec, nil
}

// check verifies one token for the pool: signature, iss, token_use, exp,
// and the validation expression against aud.
func (d *cognito) check(ctx context.Context, raw string, now time.Time, noFetch bool, st *trace.Stage) awsVerdict {
	t, _, v := verifyRSAToken(ctx, d.keys, raw, now, noFetch, st, "AWS-U3")
	if !v.ok && v.check != "" {
		return v
	}
	fail := func(rule, check, detail string) awsVerdict {
		return awsVerdict{rule: rule, check: check, detail: detail, token: t}
	}
	iss := t.StringClaim("iss")
	if !slicesContains(d.issuers, iss) {
		return fail("AWS-U3", "iss", fmt.Sprintf("iss %q is not the user pool (%s)", iss, strings.Join(d.issuers, ", ")))
	}
	use := t.StringClaim("token_use")
	if use != "id" && use != "access" {
		return fail("AWS-U3", "token_use", fmt.Sprintf("token_use %q: a Cognito token says id or access", use))
	}
	at, ok, err := t.TimeClaim("exp")
	switch {
	case err != nil:
		return fail("AWS-U3", "exp", err.Error())
	case !ok:
		return fail("AWS-U3", "exp", "the token has no exp")
	case !now.Before(at):
		return fail("AWS-U4", "exp", "the token "+jose.DescribeTime("exp", at, now)+" (exp "+at.Format(time.RFC3339)+")")
	}
	if d.audRe != nil {
		aud := t.StringClaim("aud")
		if !d.audRe.MatchString(aud) {
			why := fmt.Sprintf("aud %q does not match identityValidationExpression %s", aud, d.audRe)
			if use == "access" {
				why = "an access token has no aud, so identityValidationExpression rejects it"
			}
			return fail("AWS-U2", "identityValidationExpression", why)
		}
	}
	return awsVerdict{ok: true, token: t, detail: v.detail}
}

// Authorize: a cached result is served only until the token's exp (AWS-U7).
func (d *cognito) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	if cached != nil {
		st.Rule("AWS-U7")
		if exp, ok := strings.CutPrefix(dec.IssuedFor, "exp "); ok {
			if at, err := time.Parse(time.RFC3339, exp); err == nil && !f.Now.Before(at) {
				st.Summary = "cached claims, but the token expired at " + exp
				return cognitoExpired("cached result of an expired token: the token expired at " + exp)
			}
		}
		st.Add("cached", "claims validated earlier; the method's scopes are compared again")
	}
	st.Summary = fmt.Sprintf("authenticated as %q", dec.Principal)
	return nil
}

// CheckScopes decides which token the method takes (AWS-U3): without
// authorizationScopes an ID token; with them an access token holding one.
// Anything else is a 401, not a 403.
func (d *cognito) CheckScopes(f *Flow, dec *Decision, want []string, st *trace.Stage) *Failure {
	cs, _ := dec.Policy.(claimSet)
	use := cs.claims["token_use"]
	st.Rule("AWS-U3")
	if len(want) == 0 {
		st.Add("method", "no authorizationScopes: an ID token is required")
		if use != "id" {
			st.Summary = "an access token on a method without authorizationScopes (only ID tokens are accepted)"
			return cognitoUnauthorized("AWS-U3", "the method has no authorizationScopes, so it takes ID tokens only; this is an "+use+" token: 401")
		}
	} else {
		st.Add("method", "authorizationScopes "+strings.Join(want, " ")+": an access token holding one is required")
		st.Add("tokenScopes", cs.claims["scope"])
		if use != "access" {
			st.Summary = "an ID token on a method with authorizationScopes (only access tokens are accepted)"
			return cognitoUnauthorized("AWS-U3", "the method has authorizationScopes, so it takes access tokens only; this is an ID token: 401")
		}
		w, ok := grantedScope(want, strings.Fields(cs.claims["scope"]))
		if !ok {
			st.Summary = fmt.Sprintf("access token without any of %v (scope %q): Cognito authorizers answer 401, not 403", want, cs.claims["scope"])
			return cognitoUnauthorized("AWS-U3", fmt.Sprintf("the access token's scope %q holds none of %v: 401", cs.claims["scope"], want))
		}
		st.Add("scope", "granted "+w)
	}
	b, _ := marshalEvent(map[string]any{"claims": cs.claims})
	st.AddJSON("requestContext.authorizer", b)
	st.Rule("AWS-U6")
	return nil
}

func (d *cognito) TokenSlot() (TokenSlot, bool) {
	s, ok := slotOf([]config.IdentitySource{d.source})
	s.Scheme = "" // the raw token is what Cognito authorizers document (AWS-U5)
	return s, ok
}

// CheckToken answers as this authorizer would for raw at now (the
// method's token kind aside).
func (d *cognito) CheckToken(ctx context.Context, raw string, now time.Time, noFetch bool) (jose.Verdict, error) {
	return d.check(ctx, jose.StripBearer(raw), now, noFetch, nil).joseVerdict(), nil
}

// The REST API Cognito user pool authorizer (AWS-U*).
var _ = register(&Spec{Rank: 50, Type: "cognito", New: newCognito, CacheRules: [2]string{"AWS-C1", "AWS-U7"}, ScopeRule: "AWS-U3",
	Fixture: "cognito.yaml",
	Config: config.TypeSpec{Platform: "aws", Scopes: true,
		Common:  []string{"identitySource", "ttl"},
		Options: func() any { return &CognitoOptions{} }, Validate: validateCognito}})

// CognitoOptions are a cognito authorizer's own keys, named as in
// AWS::ApiGateway::Authorizer (providerARNs, identityValidationExpression).
type CognitoOptions struct {
	UserPoolID                   string            `yaml:"userPoolId" doc:"The user pool, e.g. eu-west-1_AbCdEf123: tokens must carry iss https://cognito-idp.REGION.amazonaws.com/POOL (AWS-U3)." pattern:"^[a-z0-9-]+_[0-9A-Za-z]+$"`
	Region                       string            `yaml:"region" doc:"The pool's region (default: the one the pool id starts with)."`
	UserPoolARN                  string            `yaml:"userPoolArn" doc:"The pool as an ARN, arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL, instead of userPoolId."`
	ProviderARNs                 config.StringList `yaml:"providerARNs" doc:"AWS's list of pool ARNs: tokens of any of them are accepted (one JWKS file holding all their keys)."`
	JWKS                         string            `yaml:"jwks" doc:"The pool's keys: a JWKS file (authlab token keygen writes one), relative to this file."`
	JWKSURL                      string            `yaml:"jwksUrl" doc:"The pool's keys at a URL (default, with neither jwks nor jwksUrl: the pool's own https://cognito-idp.REGION.amazonaws.com/POOL/.well-known/jwks.json)." format:"uri"`
	IdentityValidationExpression string            `yaml:"identityValidationExpression" doc:"A regular expression the token's aud claim (not the header) must match as a whole; access tokens have no aud and are all rejected (AWS-U2)." format:"regex"`
}

func cognitoOptions(a *config.Authorizer) *CognitoOptions {
	if o, ok := a.Options.(*CognitoOptions); ok {
		return o
	}
	return &CognitoOptions{}
}

// Secrets: a password in the JWKS URL.
func (o *CognitoOptions) Secrets() []string { return redact.URLSecrets(o.JWKSURL) }

// KeyFiles are the files the keys come from.
func (o *CognitoOptions) KeyFiles() map[string]string {
	if o.JWKS == "" {
		return map[string]string{}
	}
	return map[string]string{"jwks": o.JWKS}
}

func validateCognito(c *config.Check) {
	a, o := c.A, cognitoOptions(c.A)
	if len(a.IdentitySource) > 1 {
		c.Err("identitySource", "authorizer %q: a Cognito authorizer reads one header (AWS-U1)", a.Name)
	}
	for i, s := range c.Sources {
		if s.Kind != config.SrcHeader {
			c.Err(fmt.Sprintf("identitySource[%d]", i), "authorizer %q: a Cognito authorizer reads its token from a header (method.request.header.NAME), not %s (AWS-U1)", a.Name, s.Kind)
		}
	}
	n := 0
	for _, set := range []bool{o.UserPoolID != "", o.UserPoolARN != "", len(o.ProviderARNs) > 0} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		c.ErrAtKey("", "authorizer %q: cognito needs its user pool: userPoolId (e.g. eu-west-1_AbCdEf123), userPoolArn or providerARNs (AWS-U1)", a.Name)
	case n > 1:
		c.ErrAtKey("", "authorizer %q: give one of userPoolId, userPoolArn or providerARNs", a.Name)
	}
	if o.UserPoolID != "" && o.Region == "" && CognitoPoolRegion(o.UserPoolID) == "" {
		c.Err("userPoolId", "userPoolId %q: expected REGION_ID, e.g. eu-west-1_AbCdEf123", o.UserPoolID)
	}
	for i, arn := range o.ProviderARNs {
		if !poolARN.MatchString(arn) {
			key := fmt.Sprintf("providerARNs[%d]", i)
			if !c.Has(key) {
				key = "providerARNs"
			}
			c.Err(key, "providerARNs: %q is not a user pool ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL)", arn)
		}
	}
	if o.UserPoolARN != "" && !poolARN.MatchString(o.UserPoolARN) {
		c.Err("userPoolArn", "userPoolArn %q is not a user pool ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL)", o.UserPoolARN)
	}
	if o.JWKS != "" && o.JWKSURL != "" {
		c.ErrAtKey("jwksUrl", "authorizer %q: give jwks or jwksUrl, not both", a.Name)
	}
	c.File("jwks", o.JWKS)
	if o.JWKSURL != "" && !config.IsHTTPURL(o.JWKSURL) {
		c.Err("jwksUrl", "jwksUrl %q: expected an absolute http:// or https:// URL", o.JWKSURL)
	}
	if o.JWKS == "" && o.JWKSURL == "" && len(o.Pools("")) > 1 {
		c.ErrAtKey("", "authorizer %q: several pools need their keys in one jwks file (or jwksUrl)", a.Name)
	}
	if o.IdentityValidationExpression != "" {
		if _, err := regexp.Compile(o.IdentityValidationExpression); err != nil {
			c.Err("identityValidationExpression", "authorizer %q: invalid identityValidationExpression: %v", a.Name, config.RegexError(err))
		} else {
			c.Warn("identityValidationExpression", "AWS-U2", "authorizer %q: identityValidationExpression is matched against the token's aud, which access tokens lack: methods with authorizationScopes will answer 401 to every request", a.Name)
		}
	}
}
