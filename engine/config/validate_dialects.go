package config

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine/expr"
)

// typeKeys says which authorizer keys each type reads; a key set on another
// type is an error, not silently ignored.
var typeKeys = map[string][]string{
	"identitySource":           {"aws-token", "aws-request", "aws-http", "huawei", "jwt"},
	"validationRegex":          {"aws-token", "huawei"},
	"ttl":                      {"aws-token", "aws-request", "aws-http", "huawei"},
	"function":                 {"aws-token", "aws-request", "aws-http", "oci", "huawei"},
	"payloadFormat":            {"aws-http"},
	"simpleResponses":          {"aws-http"},
	"token":                    {"oci"},
	"arguments":                {"oci"},
	"cacheKey":                 {"oci"},
	"isAnonymousAccessAllowed": {"oci"},
	"validationFailurePolicy":  {"oci"},
	"stage":                    {"huawei"},
	"userData":                 {"huawei"},
	"sendBody":                 {"huawei"},
	"issuer":                   {"jwt"},
	"audience":                 {"jwt"},
	"jwks":                     {"jwt"},
	"jwksUrl":                  {"jwt"},
	"secret":                   {"jwt"},
	"publicKey":                {"jwt"},
	"algorithms":               {"jwt"},
	"leeway":                   {"jwt"},
	"requiredClaims":           {"jwt"},
	"mode":                     {"forward"},
	"url":                      {"forward"},
	"authRequestHeaders":       {"forward"},
	"authResponseHeaders":      {"forward"},
	"timeout":                  {"forward", "jwt"},
}

// platformOf maps authorizer types to the platform whose answers they imply.
var platformOf = map[string]string{
	"aws-token": "aws", "aws-request": "aws", "aws-http": "aws-http",
	"oci": "oci", "huawei": "huawei", "forward": "generic", "jwt": "generic",
}

// JWTAlgorithms lists the algorithms the jwt authorizer accepts in a list.
var JWTAlgorithms = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// ociVariable matches the context variables an OCI argument may read.
var ociVariable = regexp.MustCompile(`^request\.(headers|query)\[([^\]]+)\]$|^request\.(host|cert|body)$`)

// OCIArgument is a parsed multi-argument source.
type OCIArgument struct {
	Name  string
	Table string // headers | query | host | cert | body
	Key   string // header or query name
}

// ParseOCIVariable reads request.headers[X], request.query[X],
// request.host, request.cert, request.body (and header:X / query:X).
func ParseOCIVariable(s string) (table, key string, err error) {
	if k, v, ok := strings.Cut(s, ":"); ok && (k == "header" || k == "query") && v != "" {
		if k == "header" {
			return "headers", v, nil
		}
		return "query", v, nil
	}
	m := ociVariable.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("%q: expected request.headers[NAME], request.query[NAME], request.host, request.cert or request.body", s)
	}
	if m[1] != "" {
		return m[1], m[2], nil
	}
	return m[3], "", nil
}

// OCIArguments returns the arguments sorted by name (the event's data keys).
func (a *Authorizer) OCIArguments() []OCIArgument {
	names := make([]string, 0, len(a.Arguments))
	for n := range a.Arguments {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]OCIArgument, 0, len(names))
	for _, n := range names {
		t, k, err := ParseOCIVariable(a.Arguments[n])
		if err == nil {
			out = append(out, OCIArgument{Name: n, Table: t, Key: k})
		}
	}
	return out
}

// OCICacheKey returns the arguments that key the cache (OCI-C1).
func (a *Authorizer) OCICacheKey() []string {
	if len(a.CacheKey) > 0 {
		return a.CacheKey
	}
	var out []string
	for _, arg := range a.OCIArguments() {
		if arg.Table != "body" {
			out = append(out, arg.Name)
		}
	}
	return out
}

// dialectChecks validates the keys of each authorizer type.
func (v *validator) dialectChecks(a *Authorizer, base string, sources []IdentitySource) {
	if !slices.Contains(AuthorizerTypes, a.Type) {
		return // the unknown type was reported; which keys it takes is moot
	}
	for key, types := range typeKeys {
		if _, set := v.g.keyPos[base+"."+key]; set && !slices.Contains(types, a.Type) {
			v.errAtKey(base+"."+key, "authorizer %q: %s is not used by type %s (only by %s)", a.Name, key, a.Type, strings.Join(types, ", "))
		}
	}
	needsFunction := a.Type != "jwt" && a.Type != "forward" && a.Type != ""
	if needsFunction && a.Function == nil {
		v.errAtKey(base, "authorizer %q: type %s needs function: {runtime: ...}", a.Name, a.Type)
	}
	switch a.Type {
	case "aws-http":
		if a.SimpleResponses && a.PayloadFormat == "1.0" {
			v.errf(base+".simpleResponses", "authorizer %q: simpleResponses needs payloadFormat \"2.0\" (AWSH-R1)", a.Name)
		}
		for i, s := range sources {
			if s.Kind == SrcPath {
				v.errf(fmt.Sprintf("%s.identitySource[%d]", base, i), "authorizer %q: path parameters cannot be identity sources", a.Name)
			}
		}
		if a.TTLValue() > 0 && len(a.IdentitySource) == 0 {
			v.warnf(base, "AWSH-C1", "authorizer %q has ttl %gs but no identitySource: HTTP APIs cache only with at least one identity source, so every request calls the function; add an identity source or set ttl: 0", a.Name, a.TTLValue().Seconds())
		}
	case "oci":
		v.ociChecks(a, base)
	case "huawei":
		if len(a.UserData) > 2048 {
			v.errf(base+".userData", "authorizer %q: userData is %d characters; Huawei allows at most 2048 (HW-E1)", a.Name, len(a.UserData))
		}
		for i, s := range sources {
			if s.Kind != SrcHeader && s.Kind != SrcQuery {
				v.errf(fmt.Sprintf("%s.identitySource[%d]", base, i), "authorizer %q: Huawei identity sources are located in a header or the query, not %s (HW-I1)", a.Name, s.Kind)
			}
		}
		if a.ValidationRegex != "" {
			if _, err := regexp.Compile(a.ValidationRegex); err != nil {
				v.errf(base+".validationRegex", "authorizer %q: invalid validationRegex: %v", a.Name, unwrapRegexErr(err))
			}
		}
	case "jwt":
		v.jwtChecks(a, base)
	case "forward":
		if a.URL == "" {
			v.errAtKey(base, "authorizer %q: forward needs url: the auth service", a.Name)
		} else if !isHTTPURL(a.URL) {
			v.errf(base+".url", "url %q: expected an absolute http:// or https:// URL", a.URL)
		}
		for i, h := range a.AuthResponseHeaders {
			if !validHeaderName(h) {
				v.errf(fmt.Sprintf("%s.authResponseHeaders[%d]", base, i), "invalid header name %q", h)
			}
		}
	}
}

func (v *validator) ociChecks(a *Authorizer, base string) {
	switch {
	case a.Token == "" && len(a.Arguments) == 0:
		v.errAtKey(base, "authorizer %q: oci needs token: (single-argument) or arguments: (multi-argument)", a.Name)
	case a.Token != "" && len(a.Arguments) > 0:
		v.errf(base+".token", "authorizer %q: give token: (single-argument) or arguments: (multi-argument), not both", a.Name)
	}
	if a.Token != "" {
		if t, _, err := ParseOCIVariable(a.Token); err != nil || (t != "headers" && t != "query") {
			v.errf(base+".token", "authorizer %q: token must come from one header or query parameter: request.headers[NAME] or request.query[NAME] (OCI-E1)", a.Name)
		}
		if len(a.CacheKey) > 0 {
			v.errf(base+".cacheKey", "authorizer %q: cacheKey applies to multi-argument authorizers; a single-argument one is keyed by its token", a.Name)
		}
	}
	names := make([]string, 0, len(a.Arguments))
	for n, src := range a.Arguments {
		names = append(names, n)
		if _, _, err := ParseOCIVariable(src); err != nil {
			v.errf(base+".arguments."+n, "argument %q: %v (OCI-E2)", n, err)
		}
	}
	sort.Strings(names)
	for i, k := range a.CacheKey {
		if !slices.Contains(names, k) {
			p := fmt.Sprintf("%s.cacheKey[%d]", base, i)
			if _, ok := v.g.pos[p]; !ok {
				p = base + ".cacheKey"
			}
			v.errf(p, "authorizer %q: cacheKey names %q, which is not an argument%s; arguments: %s (OCI-C1)", a.Name, k, suggest(k, names), listOrNone(names))
		}
	}
	if len(a.CacheKey) > 0 {
		var dropped []string
		for _, arg := range a.OCIArguments() {
			if !slices.Contains(a.CacheKey, arg.Name) && arg.Table != "body" {
				dropped = append(dropped, arg.Name)
			}
		}
		if len(dropped) > 0 {
			v.warnf(base+".cacheKey", "OCI-C2", "authorizer %q: cacheKey leaves out %s: a request with an invalid %s can match a valid cached answer (the OCI docs warn); include every argument unless you are sure",
				a.Name, strings.Join(dropped, ", "), strings.Join(dropped, "/"))
		}
	}
	if p := a.ValidationFailurePolicy; p != nil {
		pb := base + ".validationFailurePolicy"
		if p.ResponseCode != "" {
			if strings.Contains(p.ResponseCode, "${") || strings.HasPrefix(p.ResponseCode, "context.") {
				v.policyExpr(pb+".responseCode", p.ResponseCode)
			} else if n, err := strconv.Atoi(p.ResponseCode); err != nil || n < 100 || n > 599 {
				v.errf(pb+".responseCode", "responseCode %q: expected a status code (100-599) or ${request.auth[NAME]}", p.ResponseCode)
			}
		}
		if p.ResponseMessage != "" {
			v.policyExpr(pb+".responseMessage", p.ResponseMessage)
		}
		v.transforms(pb+".responseHeaderTransformations", p.ResponseHeaderTransformations, nil, nil)
	}
}

// policyExpr checks an expression of a validation failure policy: it may
// read the failed answer's context and the request, but not its body (OCI-V1).
func (v *validator) policyExpr(path, src string) {
	t, err := expr.Compile(src)
	if err != nil {
		v.errf(path, "%v", err)
		return
	}
	for _, r := range t.Refs() {
		if r.Table == expr.Body {
			v.errf(path, "%s: a validation failure policy cannot read request.body (OCI-V1)", r)
		}
	}
}

func (v *validator) jwtChecks(a *Authorizer, base string) {
	var keys []string
	for _, k := range []struct{ name, val string }{{"jwks", a.JWKS}, {"jwksUrl", a.JWKSURL}, {"secret", a.Secret}, {"publicKey", a.PublicKey}} {
		if k.val != "" {
			keys = append(keys, k.name)
		}
	}
	switch {
	case len(keys) == 0:
		v.errAtKey(base, "authorizer %q: jwt needs a key: jwks (file), jwksUrl, secret or publicKey", a.Name)
	case len(keys) > 1:
		v.errAtKey(base+"."+keys[1], "authorizer %q: give one key source, not %s", a.Name, strings.Join(keys, " and "))
	}
	for _, f := range []struct{ key, path string }{{"jwks", a.JWKS}, {"publicKey", a.PublicKey}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(v.g.Abs(f.path)); err != nil {
			v.errf(base+"."+f.key, "%s file %s: %s", f.key, f.path, errText(err))
		}
	}
	if a.JWKSURL != "" && !isHTTPURL(a.JWKSURL) {
		v.errf(base+".jwksUrl", "jwksUrl %q: expected an absolute http:// or https:// URL", a.JWKSURL)
	}
	for i, alg := range a.Algorithms {
		p := fmt.Sprintf("%s.algorithms[%d]", base, i)
		if _, ok := v.g.pos[p]; !ok {
			p = base + ".algorithms"
		}
		if strings.EqualFold(alg, "none") {
			v.errf(p, "algorithm none is never accepted (JWT-1)")
			continue
		}
		if !slices.Contains(JWTAlgorithms, alg) {
			v.errf(p, "unknown algorithm %q; expected one of %s%s", alg, strings.Join(JWTAlgorithms, ", "), suggest(alg, JWTAlgorithms))
		}
		if a.Secret == "" && strings.HasPrefix(alg, "HS") && len(keys) == 1 {
			v.errf(p, "algorithm %s needs a secret; with a public key it would let anyone sign tokens (JWT-1)", alg)
		}
	}
	if len(a.Audience) == 0 && len(keys) > 0 {
		v.warnf(base, "JWT-2", "authorizer %q has no audience: tokens issued for any other API of the same issuer are accepted; set audience", a.Name)
	}
	if a.Secret != "" {
		need := 32
		for _, alg := range a.Algorithms {
			switch alg {
			case "HS384":
				need = max(need, 48)
			case "HS512":
				need = max(need, 64)
			}
		}
		if len(a.Secret) < need {
			v.warnf(base+".secret", "JWT-1", "authorizer %q: the HMAC secret is %d bytes; RFC 7518 wants at least %d for the hash size (brute-forceable otherwise)", a.Name, len(a.Secret), need)
		}
	}
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
