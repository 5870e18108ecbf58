package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/policy"
	"github.com/authlab/authlab/engine/route"
)

// API key values: 20 to 128 letters and digits (AWS-K7).
var apiKeyValue = regexp.MustCompile(`^[A-Za-z0-9]{20,128}$`)

// maxRouteScopes is the most authorizationScopes a route may list (AWS-E8).
const maxRouteScopes = 10

// APIKeySourceOf is the gateway's API key source, HEADER by default.
func (a *AWS) APIKeySourceOf() string {
	if a.APIKeySource == "" {
		return "HEADER"
	}
	return a.APIKeySource
}

// StageOf is the stage requests arrive on, prod by default.
func (a *AWS) StageOf() string {
	if a.Stage == "" {
		return DefaultStage
	}
	return a.Stage
}

// PlanStages are the stages a usage plan covers: its own, else the gateway's.
func (a *AWS) PlanStages(p *UsagePlan) []string {
	if len(p.Stages) > 0 {
		return p.Stages
	}
	return []string{a.StageOf()}
}

// APIKey returns the named key, or nil.
func (a *AWS) APIKey(name string) *APIKey {
	for _, k := range a.APIKeys {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Credential returns the credentials of an access key id, or nil.
func (a *AWS) Credential(keyID string) *Credential {
	for _, c := range a.Credentials {
		if c.Name == keyID {
			return c
		}
	}
	return nil
}

// ExpiresAt parses a temporary credential's expiration (zero: none).
func (c *Credential) ExpiresAt() (time.Time, error) {
	if c.Expiration == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, c.Expiration)
}

// awsChecks validates aws.apiKeys, aws.usagePlans and aws.credentials
// (AWS-K7, AWS-S1).
func (v *validator) awsChecks() {
	a := &v.g.AWS
	if a.APIKeySource != "" && a.APIKeySource != "HEADER" && a.APIKeySource != "AUTHORIZER" {
		v.errf("aws.apiKeySource", "aws.apiKeySource %q: expected HEADER or AUTHORIZER (AWS-K2)", a.APIKeySource)
	}
	values := map[string]string{}
	names := make([]string, 0, len(a.APIKeys))
	for _, k := range a.APIKeys {
		names = append(names, k.Name)
		p := "aws.apiKeys." + k.Name
		switch {
		case k.Value == "":
			v.errAtKey(p, "API key %q needs value: the key clients send in x-api-key", k.Name)
		case !apiKeyValue.MatchString(k.Value):
			v.errf(p+".value", "API key %q: a value must be 20 to 128 letters and digits, this one is %d characters%s (AWS-K7)", k.Name, len(k.Value), nonAlnum(k.Value))
		case values[k.Value] != "":
			v.errf(p+".value", "API key %q has the same value as %q: API Gateway refuses a second key with the same value", k.Name, values[k.Value])
		default:
			values[k.Value] = k.Name
		}
	}
	// stage -> key -> plan, for "at most one plan per stage" (AWS-K7)
	planOf := map[string]map[string]string{}
	inPlan := map[string]bool{}
	for _, p := range a.UsagePlans {
		base := "aws.usagePlans." + p.Name
		stages := a.PlanStages(p)
		for i, key := range p.Keys {
			kp := fmt.Sprintf("%s.keys[%d]", base, i)
			if _, ok := v.g.pos[kp]; !ok {
				kp = base + ".keys"
			}
			if a.APIKey(key) == nil {
				v.errf(kp, "usage plan %q: unknown API key %q%s; defined: %s", p.Name, key, suggest(key, names), listOrNone(names))
				continue
			}
			inPlan[key] = true
			for _, st := range stages {
				if planOf[st] == nil {
					planOf[st] = map[string]string{}
				}
				if other := planOf[st][key]; other != "" && other != p.Name {
					v.errf(kp, "API key %q is in usage plans %q and %q, both on stage %s: a key belongs to at most one plan per stage (AWS-K7)", key, other, p.Name, st)
				}
				planOf[st][key] = p.Name
			}
		}
		if len(p.Keys) == 0 && !v.reported(base) {
			v.warnf(base, "AWS-K1", "usage plan %q has no keys: it lets no request through", p.Name)
		}
		if !slices.Contains(stages, a.StageOf()) {
			v.warnf(base+".stages", "AWS-K7", "usage plan %q does not include stage %s, the stage this file serves: its keys answer 403 here (AWS-K1)", p.Name, a.StageOf())
		}
		v.throttle(base+".throttle", p.Name, p.Throttle)
		if q := p.Quota; q != nil {
			qp := base + ".quota"
			if q.Period != "DAY" && q.Period != "WEEK" && q.Period != "MONTH" && !v.reported(qp+".period") {
				v.errf(qp+".period", "usage plan %q: quota period %q; expected DAY, WEEK or MONTH (AWS-K5)", p.Name, q.Period)
			}
			if q.Limit < 1 && !v.reported(qp+".limit") {
				v.errf(qp+".limit", "usage plan %q: a quota limit of %d can never be satisfied: every request would answer 429 Limit Exceeded; give a limit of at least 1 (AWS-K5)", p.Name, q.Limit)
			}
			if q.Offset < 0 {
				v.errf(qp+".offset", "usage plan %q: quota offset must not be negative", p.Name)
			} else if q.Limit >= 1 && q.Offset >= q.Limit {
				v.errf(qp+".offset", "usage plan %q: offset %d leaves nothing of the limit %d in the first period: every request of that period would answer 429; the offset must be below the limit (AWS-K5)", p.Name, q.Offset, q.Limit)
			}
		}
		mts := make([]string, 0, len(p.MethodThrottle))
		for k := range p.MethodThrottle {
			mts = append(mts, k)
		}
		sort.Strings(mts)
		if len(mts) > 20 {
			v.errf(base+".methodThrottle", "usage plan %q: %d method throttles; API Gateway allows at most 20 per stage (AWS-K4)", p.Name, len(mts))
		}
		for _, k := range mts {
			mp := base + ".methodThrottle." + k
			if msg := v.methodKey(k); msg != "" {
				v.errAtKey(mp, "usage plan %q: methodThrottle %q: %s (AWS-K4)", p.Name, k, msg)
			}
			v.throttle(mp, p.Name, p.MethodThrottle[k])
		}
	}
	for _, k := range a.APIKeys {
		if !inPlan[k.Name] {
			v.warnf("aws.apiKeys."+k.Name, "AWS-K1", "API key %q is in no usage plan: API Gateway answers 403 Forbidden to it on every method that requires a key", k.Name)
		}
	}
	for _, c := range a.Credentials {
		v.credential(c)
	}
}

func nonAlnum(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Sprintf(" and contains %q", r)
		}
	}
	return ""
}

// throttle checks one token bucket: it must let some request through.
func (v *validator) throttle(p, plan string, t *Throttle) {
	if t == nil {
		return
	}
	rate, burst := -1.0, -1
	if t.RateLimit != nil {
		rate = *t.RateLimit
		if rate < 0 {
			v.errf(p+".rateLimit", "usage plan %q: rateLimit must not be negative", plan)
		}
	}
	if t.BurstLimit != nil {
		burst = *t.BurstLimit
		if burst < 0 {
			v.errf(p+".burstLimit", "usage plan %q: burstLimit must not be negative", plan)
		}
	}
	switch {
	case t.RateLimit == nil || t.BurstLimit == nil:
		missing := "rateLimit"
		if t.RateLimit != nil {
			missing = "burstLimit"
		}
		v.errAtKey(p, "usage plan %q: a throttle needs both rateLimit and burstLimit; %s is missing (AWS-K4)", plan, missing)
	case burst == 0:
		v.errf(p+".burstLimit", "usage plan %q: burstLimit 0 can never be satisfied: the bucket holds no request, so every request answers 429 Too Many Requests (AWS-K4)", plan)
	case rate == 0 && burst > 0:
		v.warnf(p+".rateLimit", "AWS-K4", "usage plan %q: rateLimit 0 never refills the bucket: after %d request(s) every request answers 429 Too Many Requests for good", plan, burst)
	}
}

// methodKey checks a methodThrottle key, RESOURCEPATH/METHOD: the
// resource and method must be a route of this file.
func (v *validator) methodKey(k string) string {
	i := strings.LastIndex(k, "/")
	if i < 0 || !strings.HasPrefix(k, "/") {
		return "expected RESOURCEPATH/METHOD, e.g. /pets/{id}/GET (//GET for the root resource)"
	}
	path, method := k[:i], strings.ToUpper(k[i+1:])
	if path == "" || path == "/" {
		path = "/"
	}
	if !slices.Contains(methods, method) && method != "*" {
		return fmt.Sprintf("unknown method %q", k[i+1:])
	}
	var paths []string
	for _, r := range v.g.Routes {
		paths = append(paths, r.Path)
		if r.Path == path && (method == "*" || len(r.Methods) == 0 || slices.ContainsFunc(r.Methods, func(m string) bool {
			return strings.EqualFold(m, method) || strings.EqualFold(m, "ANY")
		})) {
			return ""
		}
	}
	return fmt.Sprintf("no route %s %s in this file%s", method, path, suggest(path, paths))
}

// credential checks one IAM access key of aws.credentials (AWS-S1, AWS-S7).
func (v *validator) credential(c *Credential) {
	p := "aws.credentials." + c.Name
	if !regexp.MustCompile(`^[A-Za-z0-9]{1,128}$`).MatchString(c.Name) {
		v.errAtKey(p, "credentials %q: an access key id is letters and digits (AKIA..., ASIA...), at most 128", c.Name)
	}
	if c.Secret == "" {
		v.errAtKey(p, "credentials %q need secretAccessKey", c.Name)
	}
	if c.ARN != "" && !regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:.+`).MatchString(c.ARN) {
		v.errf(p+".arn", "credentials %q: arn %q: expected arn:aws:iam::ACCOUNT:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", c.Name, c.ARN)
	}
	if c.AccountID != "" && !regexp.MustCompile(`^[0-9]{12}$`).MatchString(c.AccountID) {
		v.errf(p+".accountId", "credentials %q: accountId %q: expected 12 digits", c.Name, c.AccountID)
	}
	if _, err := c.ExpiresAt(); err != nil {
		v.errf(p+".expiration", "credentials %q: expiration %q: expected an RFC 3339 time such as 2026-01-01T12:00:00Z", c.Name, c.Expiration)
	}
	if c.Expiration != "" && c.SessionToken == "" {
		v.errf(p+".expiration", "credentials %q: expiration is for temporary credentials; give their sessionToken too", c.Name)
	}
	if len(c.Policies) == 0 && !v.reported(p) {
		v.warnf(p, "AWS-S7", "credentials %q have no policies: every request they sign is authenticated, then denied with 403 (no identity-based policy allows execute-api:Invoke)", c.Name)
	}
	for i, doc := range c.Policies {
		raw, _ := json.Marshal(doc)
		if _, err := policy.Parse(raw); err != nil {
			v.errf(fmt.Sprintf("%s.policies[%d]", p, i), "credentials %q: policy %d: %v", c.Name, i+1, err)
		}
	}
}

// routeAWS checks a route's authorizationScopes and apiKeyRequired.
func (v *validator) routeAWS(base string, r *Route, az *Authorizer, tpl *route.Template) {
	if len(r.AuthorizationScopes) > 0 {
		p := base + ".authorizationScopes"
		var spec *TypeSpec
		if az != nil {
			spec = TypeSpecOf(az.Type)
		}
		switch {
		case r.Authorization != nil && (r.Authorization.Type != "" || len(r.Authorization.AllowedScope) > 0):
			v.errAtKey(p, "route %s: give authorizationScopes or authorization, not both (authorizationScopes is AWS's spelling of authorization: {type: ANY_OF, allowedScope: [...]})", r.Path)
		case r.Authorizer == "":
			v.errAtKey(p, "route %s: authorizationScopes need an authorizer on the route", r.Path)
		case spec != nil && !spec.Scopes:
			// AWS refuses the deployment with this text.
			v.errAtKey(p, "route %s: Authorization Scopes are only valid for COGNITO_USER_POOLS and JWT authorization types; authorizer %q is %s", r.Path, az.Name, az.Type)
		}
		if len(r.AuthorizationScopes) > maxRouteScopes {
			v.errf(p, "route %s: %d authorizationScopes; API Gateway allows at most %d (AWS-E8)", r.Path, len(r.AuthorizationScopes), maxRouteScopes)
		}
	}
	if az != nil && len(r.Scopes()) == 0 {
		if o, ok := az.Options.(interface{ IDTokensOn() string }); ok {
			if why := o.IDTokensOn(); why != "" {
				v.warnf(base+".authorizer", "AWSH-J5", "route %s has no authorizationScopes, so it accepts ID tokens as well as access tokens: %s; list the scopes access tokens carry", r.Path, why)
			}
		}
	}
	if !r.APIKeyRequired {
		return
	}
	p := base + ".apiKeyRequired"
	if v.g.Platform != "" && v.g.Platform != "aws" {
		v.errf(p, "route %s: API keys and usage plans are a feature of API Gateway REST APIs (platform aws), not of platform %s", r.Path, v.g.Platform)
		return
	}
	if len(v.g.AWS.APIKeys) == 0 || len(v.g.AWS.UsagePlans) == 0 {
		v.warnf(p, "AWS-K1", "route %s requires an API key, but the file defines no aws.apiKeys and aws.usagePlans: every request answers 403 Forbidden", r.Path)
	}
	if v.g.AWS.APIKeySourceOf() == "AUTHORIZER" {
		if az == nil || (az.Type != "aws-token" && az.Type != "aws-request") {
			v.errf(p, "route %s: with aws.apiKeySource AUTHORIZER the key is a Lambda authorizer's usageIdentifierKey; the route needs an aws-token or aws-request authorizer (AWS-K2)", r.Path)
		}
	}
	if r.Authorizer == "" {
		v.warnf(p, "AWS-K1", "route %s is protected by an API key only: API keys identify callers for usage plans, they do not authenticate them (a key travels in clear in every request and is easily shared); add an authorizer", r.Path)
	}
}
