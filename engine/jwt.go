package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/trace"
)

// jwtDialect is the built-in JWT verifier (semantics.md §5, JWT-1, JWT-2).
// It has no function: a verifier stands in for one, so the trace still shows
// what was checked (the token) and the answer (verdict and claims).
type jwtDialect struct {
	source   config.IdentitySource
	verifier *jwtVerifier
}

func newJWT(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	src := config.IdentitySource{Kind: config.SrcHeader, Name: "Authorization"}
	if s := a.Sources(); len(s) > 0 {
		src = s[0]
	}
	o := JWTOptionsOf(a)
	v := &jwtVerifier{opts: jose.VerifyOptions{Issuer: o.Issuer, Audience: o.Audience, Algs: o.Algorithms}, required: o.RequiredClaims,
		timeout: 3 * time.Second}
	if o.Leeway != nil {
		v.opts.Leeway = o.Leeway.Duration
	}
	if a.Timeout != nil {
		v.timeout = a.Timeout.Duration
	}
	var err error
	switch {
	case o.Secret != "":
		v.keys = jose.NewKeySet("secret", jose.NewSecretKey([]byte(o.Secret), "secret"))
	case o.JWKS != "":
		v.keys, err = jose.LoadKeys(g.Abs(o.JWKS))
	case o.PublicKey != "":
		v.keys, err = jose.LoadKeys(g.Abs(o.PublicKey))
	case o.JWKSURL != "":
		v.url = o.JWKSURL // fetched on first use, refreshed on unknown kid
	}
	if err != nil {
		return nil, fmt.Errorf("loading the JWT key: %w", err)
	}
	return &jwtDialect{source: src, verifier: v}, nil
}

func (d *jwtDialect) DefaultTTL() time.Duration { return 0 }
func jwtUnauthorized(reason, desc string) *Failure {
	fl := jsonFailure("", "JWT-2", reason, 401, `{"message":"Unauthorized"}`)
	v := `Bearer error="invalid_token"`
	if desc != "" {
		v += `, error_description="` + strings.ReplaceAll(desc, `"`, `'`) + `"`
	}
	fl.Header.Set("WWW-Authenticate", v)
	return fl
}

func (d *jwtDialect) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	var raw string
	switch d.source.Kind {
	case config.SrcQuery:
		raw = f.Req.Query.Get(d.source.Name)
	default:
		raw = f.Req.Header.Get(d.source.Name)
	}
	if raw == "" {
		fl := jwtUnauthorized(fmt.Sprintf("no token in %s: 401", d.source), "")
		fl.Header.Set("WWW-Authenticate", "Bearer")
		return Identity{Missing: true}, fl
	}
	tok := raw
	if d.source.Kind == config.SrcHeader {
		scheme, rest, ok := strings.Cut(raw, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return Identity{Missing: true, Secrets: []string{raw}}, jwtUnauthorized(fmt.Sprintf("%s is not 'Bearer <token>'", d.source), "expected a Bearer token")
		}
		tok = strings.TrimSpace(rest)
	}
	st.Add(d.source.String(), raw)
	st.Summary = "bearer token present"
	return Identity{Values: []string{tok}, Secrets: []string{raw, tok}}, nil
}

// Decide verifies the token in process (JWT-1) and returns the claims as
// the decision, or the 401 (JWT-2). No event or answer is encoded: the trace
// records the token checked and the verdict.
func (d *jwtDialect) Decide(ctx context.Context, f *Flow, id Identity, st *trace.Stage) (*Decision, *Failure) {
	var logs strings.Builder
	verdict, entry, err := d.verifier.checkCached(ctx, id.Values[0], f.Now, &logs)
	if logs.Len() > 0 {
		defer st.Add("logs", logs.String())
	}
	st.Rule("JWT-1", "JWT-2")
	if err != nil {
		// The key could not be had (JWKS URL down): the gateway cannot verify.
		st.Status, st.Summary = trace.Fail, "cannot verify: "+err.Error()
		return nil, jwtUnauthorized("cannot verify: "+err.Error(), "key unavailable")
	}
	st.Add("alg", verdict.Alg)
	if verdict.KID != "" {
		st.Add("kid", verdict.KID)
	}
	if !verdict.Valid {
		st.Summary = fmt.Sprintf("rejected (%s): %s", verdict.Reason, verdict.Message)
		st.Add("verdict", string(verdict.Reason)+": "+verdict.Message)
		return nil, jwtUnauthorized(fmt.Sprintf("token rejected (%s): %s", verdict.Reason, verdict.Message), publicDescription(verdict.Reason))
	}
	// The decision is the token's claims: made once per token and shared,
	// as a cached decision is.
	e := entry.decision()
	st.Add("verdict", f.text.concat("valid: ", verdict.Message))
	if e.claims != nil {
		st.AddRawJSON("claims", e.claims)
	}
	st.Summary = e.summary
	return e.dec, nil
}

// claimScopes reads scope (space-separated) or scp (string or list).
func claimScopes(c map[string]any) []string {
	var out []string
	for _, name := range []string{"scope", "scp"} {
		switch v := c[name].(type) {
		case string:
			out = append(out, strings.Fields(v)...)
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func (d *jwtDialect) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	st.Summary = fmt.Sprintf("authenticated as %q", dec.Principal)
	return nil
}

// jwtVerifier verifies tokens against static keys or a JWKS URL.
type jwtVerifier struct {
	opts     jose.VerifyOptions
	required map[string]string
	timeout  time.Duration

	url       string
	mu        sync.Mutex
	keys      *jose.KeySet
	lastFetch time.Time

	sigs sigCache // tokens found valid, per token string (the gateway's path only)
}

// minRefresh rate-limits JWKS refreshes triggered by unknown kids.
const minRefresh = 30 * time.Second

// errNotFetched: the keys live at a JWKS URL not fetched yet, and the
// caller asked not to wait on the network.
var errNotFetched = errors.New("keys not fetched yet")

func (v *jwtVerifier) keySet(ctx context.Context, kid string, noFetch bool, logs *strings.Builder) (*jose.KeySet, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.url == "" {
		return v.keys, nil
	}
	known := false
	if v.keys != nil {
		for _, k := range v.keys.KIDs() {
			known = known || k == kid
		}
	}
	now := time.Now()
	if v.keys == nil || (!known && kid != "" && now.Sub(v.lastFetch) >= minRefresh) {
		if noFetch {
			if v.keys == nil {
				return nil, fmt.Errorf("%w: the keys at %s are fetched by the first request", errNotFetched, v.url)
			}
			return v.keys, nil
		}
		ks, err := jose.FetchJWKS(ctx, v.url, v.timeout)
		v.lastFetch = now
		if err != nil {
			if v.keys == nil {
				return nil, fmt.Errorf("fetching JWKS %s: %w", v.url, err)
			}
			fmt.Fprintf(logs, "JWKS refresh failed, keeping the old keys: %v\n", err)
		} else {
			fmt.Fprintf(logs, "fetched JWKS %s: %d key(s)\n", v.url, len(ks.KIDs()))
			v.keys = ks
		}
	}
	return v.keys, nil
}

// check is the verdict on one token: signature against the authorizer's
// keys, the claim rules, then the required claims (JWT-1). The gateway's
// Invoke and CheckToken (the token workbench) both ask it, so they agree.
func (v *jwtVerifier) check(ctx context.Context, raw string, now time.Time, noFetch bool, logs *strings.Builder) (jose.Verdict, error) {
	verdict, _, err := v.verify(ctx, raw, now, noFetch, logs)
	return verdict, err
}

// verify is check, also returning the key set it verified against.
func (v *jwtVerifier) verify(ctx context.Context, raw string, now time.Time, noFetch bool, logs *strings.Builder) (jose.Verdict, *jose.KeySet, error) {
	t, err := jose.Decode(raw)
	if err != nil {
		return jose.Verdict{Reason: jose.ReasonMalformed, Message: err.Error()}, nil, nil
	}
	ks, err := v.keySet(ctx, t.KID, noFetch, logs)
	if err != nil {
		return jose.Verdict{}, nil, err
	}
	opts := v.opts
	opts.Now = now
	verdict := jose.VerifyToken(t, ks, opts)
	if !verdict.Valid {
		return verdict, ks, nil
	}
	names := make([]string, 0, len(v.required))
	for name := range v.required {
		names = append(names, name)
	}
	sort.Strings(names) // the same claim is reported first every time
	for _, name := range names {
		want := v.required[name]
		got, ok := t.Claims[name]
		if !ok || (want != "" && fmt.Sprint(got) != want) {
			verdict.Valid, verdict.Reason = false, "missing-claim"
			verdict.Message = fmt.Sprintf("required claim %s", name)
			if want != "" {
				verdict.Message += fmt.Sprintf(" must be %q", want)
			}
			break
		}
	}
	return verdict, ks, nil
}

// checkCached is check for a request: a token found valid before, with
// the same keys, has its time claims checked again and nothing else (see
// sigCache). For a valid verdict it returns the token's entry.
func (v *jwtVerifier) checkCached(ctx context.Context, raw string, now time.Time, logs *strings.Builder) (jose.Verdict, *sigEntry, error) {
	if v.url == "" {
		// static keys: the set never changes (a reload compiles a new verifier)
		if e := v.sigs.get(raw, v.keys, now); e != nil && e.validAt(now, v.opts.Leeway) {
			return v.cachedVerdict(e), e, nil
		}
	} else if ks, _ := v.currentKeys(); ks != nil {
		if e := v.sigs.get(raw, ks, now); e != nil && e.validAt(now, v.opts.Leeway) {
			return v.cachedVerdict(e), e, nil
		}
	}
	verdict, ks, err := v.verify(ctx, raw, now, false, logs)
	if err != nil || !verdict.Valid {
		return verdict, nil, err
	}
	e := newSigEntry(verdict.Token, verdict.Key, v.opts.Leeway)
	v.sigs.put(raw, ks, e, now)
	return verdict, e, nil
}

// cachedVerdict is the verdict on a token of the cache whose time claims
// hold: valid, with the key that verified it before.
func (v *jwtVerifier) cachedVerdict(e *sigEntry) jose.Verdict {
	return jose.Verdict{Valid: true, Reason: jose.ReasonValid, Message: e.message(), Alg: e.tok.Alg, KID: e.tok.KID, Key: e.key, Token: e.tok}
}

// currentKeys is the key set a JWKS URL authorizer holds now, without
// fetching.
func (v *jwtVerifier) currentKeys() (*jose.KeySet, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.keys, nil
}

// CheckToken answers as this authorizer would for raw at now.
func (d *jwtDialect) CheckToken(ctx context.Context, raw string, now time.Time, noFetch bool) (jose.Verdict, error) {
	var logs strings.Builder
	return d.verifier.check(ctx, raw, now, noFetch, &logs)
}

// publicDescription is the error_description a client sees (RFC 6750): the
// reason without the details that belong in the trace only (key files, kids).
func publicDescription(r jose.Reason) string {
	switch r {
	case "expired":
		return "The access token expired"
	case "not-yet-valid", "issued-in-future":
		return "The access token is not valid yet"
	case "bad-signature":
		return "The access token signature is invalid"
	case "alg-not-allowed":
		return "The access token algorithm is not allowed"
	case "kid-not-found", "no-key":
		return "The access token was signed with an unknown key"
	case "issuer-mismatch":
		return "The access token issuer is not accepted"
	case "audience-mismatch":
		return "The access token audience is not accepted"
	case "missing-claim":
		return "The access token lacks a required claim"
	case "malformed":
		return "The access token is malformed"
	}
	return "The access token is invalid"
}

func (d *jwtDialect) TokenSlot() (TokenSlot, bool) {
	return slotOf([]config.IdentitySource{d.source})
}

// The built-in JWT verifier (JWT-*).
var _ = register(&Spec{Rank: 90, Type: "jwt", New: newJWT, CacheRules: [2]string{"JWT-1", "JWT-1"}, ScopeRule: "JWT-2",
	Fixture: "jwt.yaml",
	Config: config.TypeSpec{Platform: "generic", Scopes: true,
		Common:  []string{"identitySource", "timeout"},
		Options: func() any { return &JWTOptions{} }, Validate: validateJWT}})

// JWTOptions are a jwt authorizer's own keys.
type JWTOptions struct {
	Issuer         string            `yaml:"issuer" doc:"Required iss."`
	Audience       config.StringList `yaml:"audience" doc:"Accepted aud values (one must match)."`
	JWKS           string            `yaml:"jwks" doc:"A JWKS file, relative to this file."`
	JWKSURL        string            `yaml:"jwksUrl" doc:"A JWKS URL, fetched and refreshed (an unknown kid triggers one rate-limited refresh)." format:"uri"`
	Secret         string            `yaml:"secret" doc:"An HMAC secret (HS256/384/512)."`
	PublicKey      string            `yaml:"publicKey" doc:"A PEM public key or certificate file."`
	Algorithms     config.StringList `yaml:"algorithms" doc:"Allowed algorithms (default: the key's own family; never none)."`
	Leeway         *config.Duration  `yaml:"leeway" doc:"Clock skew allowed on exp / nbf / iat (default 0)."`
	RequiredClaims map[string]string `yaml:"requiredClaims" doc:"Claims that must be present with these values (empty value: present with any value)."`
}

// JWTOptionsOf returns a jwt authorizer's options (empty for other types),
// for surfaces that mint or check tokens against it.
func JWTOptionsOf(a *config.Authorizer) *JWTOptions {
	if o, ok := a.Options.(*JWTOptions); ok {
		return o
	}
	return &JWTOptions{}
}

// Secrets: the HMAC secret, a password in the JWKS URL.
func (o *JWTOptions) Secrets() []string {
	out := redact.URLSecrets(o.JWKSURL)
	if o.Secret != "" {
		out = append(out, o.Secret)
	}
	return out
}

// KeyFiles are the files the authorizer reads its keys from, relative to
// the gateway file (watched for live reload, named in load errors).
func (o *JWTOptions) KeyFiles() map[string]string {
	out := map[string]string{}
	if o.JWKS != "" {
		out["jwks"] = o.JWKS
	}
	if o.PublicKey != "" {
		out["publicKey"] = o.PublicKey
	}
	return out
}

// JWTAlgorithms lists the algorithms a jwt authorizer accepts in a list.
var JWTAlgorithms = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

func validateJWT(c *config.Check) {
	a, o := c.A, JWTOptionsOf(c.A)
	var keys []string
	for _, k := range []struct{ name, val string }{{"jwks", o.JWKS}, {"jwksUrl", o.JWKSURL}, {"secret", o.Secret}, {"publicKey", o.PublicKey}} {
		if k.val != "" {
			keys = append(keys, k.name)
		}
	}
	switch {
	case len(keys) == 0:
		c.ErrAtKey("", "authorizer %q: jwt needs a key: jwks (file), jwksUrl, secret or publicKey", a.Name)
	case len(keys) > 1:
		c.ErrAtKey(keys[1], "authorizer %q: give one key source, not %s", a.Name, strings.Join(keys, " and "))
	}
	c.File("jwks", o.JWKS)
	c.File("publicKey", o.PublicKey)
	if o.JWKSURL != "" && !config.IsHTTPURL(o.JWKSURL) {
		c.Err("jwksUrl", "jwksUrl %q: expected an absolute http:// or https:// URL", o.JWKSURL)
	}
	for i, alg := range o.Algorithms {
		key := fmt.Sprintf("algorithms[%d]", i)
		if !c.Has(key) {
			key = "algorithms"
		}
		if strings.EqualFold(alg, "none") {
			c.Err(key, "algorithm none is never accepted (JWT-1)")
			continue
		}
		if !slices.Contains(JWTAlgorithms, alg) {
			c.Err(key, "unknown algorithm %q; expected one of %s%s", alg, strings.Join(JWTAlgorithms, ", "), config.Suggest(alg, JWTAlgorithms))
		}
		if o.Secret == "" && strings.HasPrefix(alg, "HS") && len(keys) == 1 {
			c.Err(key, "algorithm %s needs a secret; with a public key it would let anyone sign tokens (JWT-1)", alg)
		}
	}
	if len(o.Audience) == 0 && len(keys) > 0 {
		c.Warn("", "JWT-2", "authorizer %q has no audience: tokens issued for any other API of the same issuer are accepted; set audience", a.Name)
	}
	if o.Secret != "" {
		need := 32
		for _, alg := range o.Algorithms {
			switch alg {
			case "HS384":
				need = max(need, 48)
			case "HS512":
				need = max(need, 64)
			}
		}
		if len(o.Secret) < need {
			c.Warn("secret", "JWT-1", "authorizer %q: the HMAC secret is %d bytes; RFC 7518 wants at least %d for the hash size (brute-forceable otherwise)", a.Name, len(o.Secret), need)
		}
	}
}
