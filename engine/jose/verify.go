package jose

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Reason says why a token is or is not valid. The values are stable: they
// appear in `decode --json` and traces.
type Reason string

const (
	ReasonValid            Reason = "valid"
	ReasonMalformed        Reason = "malformed"         // Decode failed, or an unsupported "crit"
	ReasonNoKey            Reason = "no-key"            // nothing to verify with
	ReasonAlgNotAllowed    Reason = "alg-not-allowed"   // none, unknown, outside the allow-list, or not for this key
	ReasonKidNotFound      Reason = "kid-not-found"     // the token's kid is not in the key set
	ReasonBadSignature     Reason = "bad-signature"     // no candidate key verifies the signature
	ReasonExpired          Reason = "expired"           // exp + leeway <= now
	ReasonNotYetValid      Reason = "not-yet-valid"     // nbf - leeway > now
	ReasonIssuedInFuture   Reason = "issued-in-future"  // iat - leeway > now
	ReasonIssuerMismatch   Reason = "issuer-mismatch"   // iss differs from the expected issuer, or is missing
	ReasonAudienceMismatch Reason = "audience-mismatch" // aud holds none of the expected audiences, or is missing
	ReasonMissingClaim     Reason = "missing-claim"     // a required claim (exp with RequireExp) is absent
	ReasonInvalidClaims    Reason = "invalid-claims"    // a registered claim has the wrong type
)

// VerifyOptions configure Verify. The zero value checks the signature, exp,
// nbf and iat against the wall clock and nothing else.
type VerifyOptions struct {
	// Now is the time the token is checked at; zero = the wall clock.
	Now time.Time
	// Leeway widens the exp, nbf and iat checks for clock skew.
	Leeway time.Duration
	// Issuer, when set, must equal "iss".
	Issuer string
	// Audience, when set, must share at least one value with "aud".
	Audience []string
	// Algs is the allow-list; empty = each key's own family (Key.Algs).
	// "none" is never allowed, and neither is an HMAC algorithm with a
	// public key, whatever the list says.
	Algs []string
	// RequireExp refuses tokens without "exp".
	RequireExp bool
}

// Verdict is the outcome of Verify. Message is a sentence for people (and
// for WWW-Authenticate error_description); Reason is for programs.
type Verdict struct {
	Valid   bool
	Reason  Reason
	Message string
	Alg     string
	KID     string
	Key     *Key   // the key that verified the signature, or the one refused
	Token   *Token // nil when the token is malformed
}

func (v Verdict) String() string { return string(v.Reason) + ": " + v.Message }

// Verify decodes and verifies a token against a key set.
func Verify(raw string, keys *KeySet, opts VerifyOptions) Verdict {
	t, err := Decode(raw)
	if err != nil {
		return Verdict{Reason: ReasonMalformed, Message: err.Error()}
	}
	return VerifyToken(t, keys, opts)
}

// VerifyToken verifies an already decoded token: allow-list, key selection by
// kid, signature, then claims. It never panics and always returns a reason.
func VerifyToken(t *Token, keys *KeySet, opts VerifyOptions) Verdict {
	v := Verdict{Token: t, Alg: t.Alg, KID: t.KID}
	fail := func(r Reason, format string, a ...any) Verdict {
		v.Reason, v.Message = r, fmt.Sprintf(format, a...)
		return v
	}
	if keys == nil || len(keys.Keys) == 0 {
		return fail(ReasonNoKey, "no key to verify with")
	}
	if t.Alg == AlgNone {
		return fail(ReasonAlgNotAllowed, `alg "none" (an unsigned token) is never accepted`)
	}
	if _, ok := lookupAlg(t.Alg); !ok {
		return fail(ReasonAlgNotAllowed, "alg %q is not a supported JWS algorithm (%s)", t.Alg, strings.Join(Algorithms(), ", "))
	}
	// Allow-lists come from config files and flags: accept any spelling.
	allow := make([]string, 0, len(opts.Algs))
	for _, a := range opts.Algs {
		if canon, err := ParseAlg(a); err == nil && canon != AlgNone {
			allow = append(allow, canon)
		}
	}
	if len(opts.Algs) > 0 && len(allow) == 0 {
		// An allow-list of nothing usable must not fall back to the
		// key's family: that would widen what the caller meant to narrow.
		return fail(ReasonAlgNotAllowed, "the allowed algorithms (%s) hold no supported JWS algorithm", strings.Join(opts.Algs, ", "))
	}
	opts.Algs = allow
	if len(opts.Algs) > 0 && !slices.Contains(opts.Algs, t.Alg) {
		return fail(ReasonAlgNotAllowed, "alg %s is not in the allowed algorithms (%s)", t.Alg, strings.Join(opts.Algs, ", "))
	}
	if crit, ok := t.Header["crit"]; ok {
		// RFC 7515 §4.1.11: extensions we do not understand must be refused.
		return fail(ReasonMalformed, "the header lists critical extensions %v that authlab does not understand", crit)
	}

	candidates := keys.Keys
	if t.KID != "" && keys.hasKIDs() {
		candidates = nil
		for _, k := range keys.Keys {
			if k.KID == t.KID {
				candidates = append(candidates, k)
			}
		}
		if len(candidates) == 0 {
			return fail(ReasonKidNotFound, "%s", (&KidNotFoundError{KID: t.KID, Source: keys.Source, Known: keys.KIDs()}).Error())
		}
	}

	var usable []*Key
	var refusal string
	for _, k := range candidates {
		if why := refuseAlg(t.Alg, k, opts.Algs); why != "" {
			if refusal == "" {
				v.Key, refusal = k, why
			}
			continue
		}
		usable = append(usable, k)
	}
	if len(usable) == 0 {
		return fail(ReasonAlgNotAllowed, "%s", refusal)
	}

	for _, k := range usable {
		err := parseWith(t, k, opts)
		v.Key = k
		if err == nil {
			v.Valid, v.Reason = true, ReasonValid
			v.Message = "signature verified with " + keyLabel(k)
			return v
		}
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			continue
		}
		// The signature is good; a claim is not.
		return claimVerdict(v, t, err, opts)
	}
	// A token without a kid is checked against every key of its
	// algorithm: when the set names its keys, that is why these were tried.
	noKID := ""
	if t.KID == "" && keys.hasKIDs() {
		noKID = "the token has no kid; tried " + triedKeys(keys, usable) + ": "
	}
	if len(usable) == 1 {
		return fail(ReasonBadSignature, "%sthe signature does not verify with %s", noKID, keyLabel(usable[0]))
	}
	v.Key = nil
	return fail(ReasonBadSignature, "%sthe signature verifies with none of the %d %s keys in %s", noKID, len(usable), t.Alg, keys.Source)
}

// triedKeys names keys by their place in the set ("keys[0], keys[2]").
func triedKeys(keys *KeySet, tried []*Key) string {
	names := make([]string, len(tried))
	for i, k := range tried {
		names[i] = k.source()
		if rest, ok := strings.CutPrefix(k.Source, keys.Source+" "); ok && keys.Source != "" {
			names[i] = rest
		}
	}
	return strings.Join(names, ", ")
}

// refuseAlg says why alg may not be used with k, "" if it may.
func refuseAlg(alg string, k *Key, allow []string) string {
	a, _ := lookupAlg(alg)
	if a.keyType == KeyOct && k.Type != KeyOct {
		// RFC 8725 §2.1: accepting HS* with a public key lets anyone who
		// has the public key forge tokens.
		return fmt.Sprintf("%s is an HMAC algorithm and %s is %s: HMAC with a public key is never accepted (key confusion)", alg, k.source(), k.describeA())
	}
	if err := k.CheckAlg(alg); err != nil {
		return err.Error()
	}
	if len(allow) == 0 && !slices.Contains(k.Algs(), alg) {
		return fmt.Sprintf("%s is not allowed for this key (%s allows %s)", alg, keyLabel(k), strings.Join(k.Algs(), ", "))
	}
	return ""
}

// parseWith checks the already decoded token with one key as golang-jwt's
// parser would (signature first, the claims only when the signature holds)
// without parsing the token a second time: the signature over the signing
// input, then golang-jwt's claim validator. Errors wrap the parser's own
// (ErrTokenSignatureInvalid, ErrTokenInvalidClaims and the claim's), with
// the parser's words.
func parseWith(t *Token, k *Key, opts VerifyOptions) error {
	a, ok := lookupAlg(t.Alg)
	if !ok || a.method == nil {
		return fmt.Errorf("%w: signing method (alg) is unavailable", jwt.ErrTokenUnverifiable)
	}
	dot := strings.LastIndexByte(t.Raw, '.')
	if dot < 0 {
		return fmt.Errorf("%w: token contains an invalid number of segments", jwt.ErrTokenMalformed)
	}
	if err := a.method.Verify(t.Raw[:dot], t.Signature, k.verifyMaterial()); err != nil {
		return fmt.Errorf("%w: %w", jwt.ErrTokenSignatureInvalid, err)
	}
	return validateClaims(t, opts)
}

// validateClaims is golang-jwt's claim validation of a token whose
// signature holds: exp, nbf, iat (with leeway), iss, aud, a required exp.
func validateClaims(t *Token, opts VerifyOptions) error {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	vopts := []jwt.ParserOption{
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithLeeway(opts.Leeway),
		jwt.WithIssuedAt(),
	}
	if opts.Issuer != "" {
		vopts = append(vopts, jwt.WithIssuer(opts.Issuer))
	}
	if len(opts.Audience) > 0 {
		vopts = append(vopts, jwt.WithAudience(opts.Audience...))
	}
	if opts.RequireExp {
		vopts = append(vopts, jwt.WithExpirationRequired())
	}
	if err := jwt.NewValidator(vopts...).Validate(jwt.MapClaims(t.Claims)); err != nil {
		return fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, err)
	}
	return nil
}

// CachedMessage is a valid verdict's message when the signature check was
// not repeated: a verifier that remembers tokens found valid with k (the
// gateway's jwt authorizer) says so in its traces.
func CachedMessage(k *Key) string {
	return "signature verified (cached) with " + keyLabel(k)
}

// claimVerdict turns golang-jwt's (possibly joined) claim errors into the
// single most useful reason, in the order a person fixes them.
func claimVerdict(v Verdict, t *Token, err error, opts VerifyOptions) Verdict {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	set := func(r Reason, msg string) Verdict {
		v.Reason, v.Message = r, msg
		return v
	}
	at := func(claim string) string {
		tm, _, _ := t.TimeClaim(claim)
		s := fmt.Sprintf("%s (%s %s", DescribeTime(claim, tm, now), claim, tm.Format(time.RFC3339))
		if opts.Leeway > 0 {
			s += ", leeway " + opts.Leeway.String()
		}
		return s + ")"
	}
	for _, c := range []string{"exp", "nbf", "iat"} {
		if _, _, terr := t.TimeClaim(c); terr != nil {
			return set(ReasonInvalidClaims, terr.Error())
		}
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed), errors.Is(err, jwt.ErrTokenUnverifiable):
		// Decode accepted what golang-jwt did not; say so rather than
		// blame a claim.
		return set(ReasonMalformed, err.Error())
	case errors.Is(err, jwt.ErrTokenExpired):
		return set(ReasonExpired, "the token "+at("exp"))
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return set(ReasonNotYetValid, "the token is "+at("nbf"))
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return set(ReasonIssuedInFuture, "the token was "+at("iat"))
	case errors.Is(err, jwt.ErrTokenInvalidIssuer) || opts.Issuer != "" && t.StringClaim("iss") == "":
		if _, ok := t.Claims["iss"]; !ok {
			return set(ReasonIssuerMismatch, fmt.Sprintf("the token has no iss; expected %q", opts.Issuer))
		}
		return set(ReasonIssuerMismatch, fmt.Sprintf("issuer %q, expected %q", fmt.Sprint(t.Claims["iss"]), opts.Issuer))
	case errors.Is(err, jwt.ErrTokenInvalidAudience) || len(opts.Audience) > 0 && len(t.Audience()) == 0:
		if _, ok := t.Claims["aud"]; !ok {
			return set(ReasonAudienceMismatch, fmt.Sprintf("the token has no aud; expected one of %q", opts.Audience))
		}
		return set(ReasonAudienceMismatch, fmt.Sprintf("audience %q, expected one of %q", t.Audience(), opts.Audience))
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return set(ReasonMissingClaim, "the token has no exp and one is required")
	}
	return set(ReasonInvalidClaims, err.Error())
}

// keyLabel names a key with its kid and origin: "RSA 2048 public key (kid
// abc) from jwks.json".
func keyLabel(k *Key) string {
	s := k.describeA()
	if k.KID != "" {
		s += fmt.Sprintf(" (kid %s)", k.KID)
	}
	if k.Source != "" {
		s += " from " + k.Source
	}
	return s
}
