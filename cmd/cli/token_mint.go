package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	goio "io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/limits"
)

// tokenMintOptions are `token mint`'s flags plus what tests inject.
type tokenMintOptions struct {
	IO   *IO
	Keys tokenKeyFlags

	Alg        string
	KID        string
	Sub        string
	Scope      string
	Iss        string
	Aud        []string
	Exp        string // duration or time; "" = 1h unless the claims give exp; "none" = no exp
	Nbf        string
	Iat        string // "" = now; "none" = no iat
	Now        string // "" = the clock
	JTI        string
	Claims     []string // k=v
	ClaimsFile string   // JSON object; "-" = stdin
	Headers    []string // k=v
	Typ        string
	TypSet     bool // --typ was given, even empty (which drops typ)
	UnsafeNone bool
	JSON       bool
	NoKID      bool   // --kid "": no kid header, not even the thumbprint
	Preset     string // cognito-id | cognito-access
	UserPool   string
	ClientID   string
	Username   string

	Ctx   context.Context
	Clock func() time.Time // wall clock; tests fix it
	Rand  goio.Reader      // jti randomness; nil = crypto/rand
}

// tokenDefaultExp is the lifetime of a minted token when none is asked for:
// long enough for a debugging session, short enough to notice.
const tokenDefaultExp = "1h"

func newTokenMintCmd(io *IO) *cobra.Command {
	opts := &tokenMintOptions{IO: io, Clock: time.Now}
	cmd := &cobra.Command{
		Use:   "mint",
		Short: "Print a signed JWT",
		Long: `Print a signed JWT on stdout, and nothing else, so $(authlab token mint ...) works
(--json prints it with its header and claims instead).

The algorithm defaults to the key's (RS256 for RSA, ES256/384/512 by curve,
EdDSA for Ed25519, HS256 for a secret). Claims are layered: --claims FILE,
then --claim k=v, then --sub/--scope/--aud/--iss, then --iat/--nbf/--exp.
iat is now and jti is random unless given; exp is 1h from now unless given
or present in the claims. The kid header is --kid, else the key's own kid,
else, for a public-key algorithm, the key's RFC 7638 thumbprint: the kid
'token keygen' writes in its JWKS, so the token finds its key there.

Times (--exp, --nbf, --iat, --now) are a duration from now (1h, -5m, 7d), a
date (2026-01-01T10:00:00Z, 2026-01-01) or @unix-seconds. --claim and
--header values are JSON when they parse as JSON (admin=true, n=5,
roles=["a","b"]), else strings; quote to force a string: id='"123"'.`,
		Example: `  # RS256 with the fixture key, for alice, 1h
  authlab token mint --key fixtures/keys/rsa.pem --sub alice --scope "read:orders write:orders"

  # the token, its header and its claims as JSON
  authlab token mint --key fixtures/keys/rsa.pem --sub alice --json | jq -r .kid

  # HS256 with a shared secret, an audience and an issuer
  authlab token mint --secret s3cret --sub bob --aud orders --iss https://issuer.example

  # an ES256 token that expired an hour ago, with a kid and a custom claim
  authlab token mint --key fixtures/keys/ec-p256.pem --kid k1 --exp -1h --claim tenant=acme

  # reproducible: a fixed clock and jti
  authlab token mint --key fixtures/keys/ed25519.pem --now 2026-01-01T00:00:00Z --jti t1

  # a Cognito access token for the cognito fixture's pool (sub, iss, client_id,
  # token_use, scope, auth_time, username as Cognito writes them)
  authlab token mint --preset cognito-access --user-pool eu-west-1_Example1 --client-id 7abc1example2client3id \
    --key fixtures/keys/rsa.pem --username alice --scope "orders/read"

  # claims from a file, and an unsigned token to test that authorizers refuse it
  authlab token mint --claims claims.json --alg none --unsafe-none`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.TypSet = cmd.Flags().Changed("typ")
			opts.NoKID = cmd.Flags().Changed("kid") && opts.KID == ""
			opts.Ctx = cmd.Context()
			return runTokenMint(opts)
		},
	}
	f := cmd.Flags()
	opts.Keys.register(f, false)
	f.StringVar(&opts.Alg, "alg", "", "algorithm: "+strings.Join(jose.Algorithms(), ", ")+" (default: the key's)")
	f.StringVar(&opts.KID, "kid", "", `kid header; also picks the key from a JWKS (default: the key's kid, else its RFC 7638 thumbprint for a public-key algorithm; "" for none)`)
	f.StringVar(&opts.Sub, "sub", "", "subject claim")
	f.StringVar(&opts.Scope, "scope", "", `scope claim, space-separated ("read:orders write:orders")`)
	f.StringVar(&opts.Iss, "iss", "", "issuer claim")
	f.StringArrayVar(&opts.Aud, "aud", nil, "audience claim (repeat for several)")
	f.StringVar(&opts.Exp, "exp", "", `expiry: duration from now or time; "none" for no exp (default 1h)`)
	f.StringVar(&opts.Nbf, "nbf", "", "not-before: duration from now or time")
	f.StringVar(&opts.Iat, "iat", "", `issued-at: duration from now or time; "none" for no iat (default now)`)
	f.StringVar(&opts.Now, "now", "", "mint as if the time were this (a fixed clock for reproducible tokens)")
	f.StringVar(&opts.JTI, "jti", "", "token id (default: random)")
	f.StringArrayVar(&opts.Claims, "claim", nil, "extra claim k=v (repeat)")
	f.StringVar(&opts.ClaimsFile, "claims", "", "claims as a JSON object from FILE, or - for stdin")
	f.StringArrayVar(&opts.Headers, "header", nil, "extra JOSE header member k=v (repeat)")
	f.StringVar(&opts.Typ, "typ", "JWT", `typ header; "" drops it`)
	f.BoolVar(&opts.JSON, "json", false, "print the token with its header and claims as JSON")
	f.BoolVar(&opts.UnsafeNone, "unsafe-none", false, `allow --alg none (an unsigned token, to test that authorizers refuse it)`)
	f.StringVar(&opts.Preset, "preset", "", "start from the claims an identity provider writes: "+strings.Join(jose.Presets, ", ")+" (needs --user-pool and --client-id; the flags above override)")
	f.StringVar(&opts.UserPool, "user-pool", "", "--preset cognito-*: the user pool id, REGION_ID (eu-west-1_AbCdEf123), which makes iss")
	f.StringVar(&opts.ClientID, "client-id", "", "--preset cognito-*: the app client id (aud of an ID token, client_id of an access token)")
	f.StringVar(&opts.Username, "username", "", "--preset cognito-*: cognito:username / username (default user); sub is derived from it")
	return cmd
}

func runTokenMint(opts *tokenMintOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if len(opts.Keys.JWKS) > 0 {
		return usageError("--jwks is for verifying; sign with --key")
	}
	now := opts.Clock()
	if opts.Now != "" {
		t, err := jose.ParseTime(opts.Now, now)
		if err != nil {
			return usageError("--now: %w", err)
		}
		now = t
	}

	alg := ""
	if opts.Alg != "" {
		a, err := jose.ParseAlg(opts.Alg)
		if err != nil {
			return usageError("--alg: %w", err)
		}
		alg = a
	}
	if alg == jose.AlgNone && !opts.UnsafeNone {
		return usageError("%w", jose.ErrNoneNotAllowed)
	}

	var key *jose.Key
	if alg != jose.AlgNone {
		ks, err := opts.Keys.load(ctx)
		if err != nil {
			return err
		}
		if ks == nil {
			need := "--key FILE"
			if alg == "" || jose.FamilyOf(alg) == jose.FamilyHMAC {
				need = "--key FILE, --secret, --secret-file or --secret-base64"
			}
			return usageError("nothing to sign with: give %s (or --alg none --unsafe-none for an unsigned token)", need)
		}
		if key, err = ks.Select(opts.KID); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
	}

	claims, err := tokenMintClaims(opts)
	if err != nil {
		return err
	}
	header, err := tokenParsePairs("--header", opts.Headers)
	if err != nil {
		return err
	}
	var times jose.MintOptions
	if err := tokenMintTimes(opts, claims, now, &times); err != nil {
		return err
	}
	// The flags describe the token as an entry of a gateway's or a
	// scenario's tokens: does, and it is signed the same way; absolute
	// times, the jti and typ are what only the command line says.
	spec := config.TokenSpec{Alg: alg, KID: opts.KID, Header: header, Claims: claims,
		Preset: opts.Preset, UserPool: opts.UserPool, ClientID: opts.ClientID, Username: opts.Username}
	if spec.KID == "" && !opts.NoKID && key != nil && key.KID == "" && (key.Type != jose.KeyOct || opts.Preset != "") {
		// A key without a kid (a PEM file) is named by its RFC 7638
		// thumbprint, the kid keygen's JWKS gives it, so the token picks
		// its key from that JWKS as an issuer's tokens do (Cognito's
		// always name theirs). A shared secret is not: its thumbprint is
		// a hash of the secret, which would help guess a weak one.
		if tp, err := key.Thumbprint(); err == nil {
			spec.KID = tp
		}
	}
	tok, err := spec.MintWith(key, now, func(mo *jose.MintOptions) {
		mo.AllowNone = opts.UnsafeNone
		mo.JTI, mo.Rand = opts.JTI, opts.Rand
		mo.IssuedAt, mo.NoIssuedAt = times.IssuedAt, times.NoIssuedAt
		mo.NotBefore, mo.ExpiresAt = times.NotBefore, times.ExpiresAt
		if opts.NoKID {
			if mo.Header == nil {
				mo.Header = map[string]any{}
			}
			mo.Header["kid"] = nil
		}
		if opts.TypSet {
			if opts.Typ == "" {
				if mo.Header == nil {
					mo.Header = map[string]any{}
				}
				mo.Header["typ"] = nil
			} else {
				mo.Typ = opts.Typ
			}
		}
	})
	if err != nil {
		var km *jose.KeyMismatchError
		if errors.As(err, &km) || errors.Is(err, jose.ErrNoKey) || errors.Is(err, jose.ErrNoneNotAllowed) {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		var te *config.TokenError
		if errors.As(err, &te) && te.Field == "preset" {
			return usageError("--preset: %v", te.Err)
		}
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("minting: %w", err)}
	}
	signAlg := alg
	if signAlg == "" && key != nil {
		signAlg = key.DefaultAlg()
	}
	for _, w := range jose.KeyWarnings(signAlg, key) {
		fmt.Fprintln(opts.IO.Err, "authlab: warning:", w)
	}
	if signAlg == jose.AlgNone {
		fmt.Fprintln(opts.IO.Err, `authlab: warning: alg "none": this token is unsigned and every correct verifier must refuse it`)
	}
	if opts.JSON {
		return tokenWriteMintJSON(opts.IO.Out, tok)
	}
	_, err = fmt.Fprintln(opts.IO.Out, tok)
	return err
}

// tokenMintJSON is `token mint --json`: the token and what it says, so a
// script needs no second call to decode it.
type tokenMintJSON struct {
	Token  string          `json:"token"`
	Header json.RawMessage `json:"header"`
	Claims json.RawMessage `json:"claims"`
	Alg    string          `json:"alg"`
	KID    string          `json:"kid,omitempty"`
}

func tokenWriteMintJSON(w goio.Writer, raw string) error {
	t, err := jose.Decode(raw)
	if err != nil {
		return fmt.Errorf("decoding the minted token: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(tokenMintJSON{Token: raw, Header: t.HeaderJSON, Claims: t.ClaimsJSON, Alg: t.Alg, KID: t.KID})
}

// tokenMintClaims layers --claims FILE, --claim k=v, then the named claim flags.
func tokenMintClaims(opts *tokenMintOptions) (map[string]any, error) {
	claims := map[string]any{}
	if opts.ClaimsFile != "" {
		var data []byte
		var err error
		if opts.ClaimsFile == "-" {
			data, err = limits.ReadAll(opts.IO.In, "stdin", "claims", limits.MaxKeyBytes)
		} else {
			data, err = limits.ReadFile(opts.ClaimsFile, "claims file", limits.MaxKeyBytes)
		}
		if err != nil {
			return nil, usageError("--claims: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&claims); err != nil {
			return nil, usageError("--claims %s: not a JSON object: %w", opts.ClaimsFile, err)
		}
		if claims == nil { // the file said null
			claims = map[string]any{}
		}
	}
	extra, err := tokenParsePairs("--claim", opts.Claims)
	if err != nil {
		return nil, err
	}
	for k, v := range extra {
		claims[k] = v
	}
	for _, c := range []struct{ name, val string }{{"sub", opts.Sub}, {"scope", opts.Scope}, {"iss", opts.Iss}} {
		if c.val != "" {
			claims[c.name] = c.val
		}
	}
	switch len(opts.Aud) {
	case 0:
	case 1:
		claims["aud"] = opts.Aud[0]
	default:
		claims["aud"] = append([]string(nil), opts.Aud...)
	}
	return claims, nil
}

// tokenMintTimes applies --iat, --nbf and --exp (with exp's default).
func tokenMintTimes(opts *tokenMintOptions, claims map[string]any, now time.Time, mo *jose.MintOptions) error {
	parse := func(flag, v string) (time.Time, error) {
		t, err := jose.ParseTime(v, now)
		if err != nil {
			return time.Time{}, usageError("--%s: %w", flag, err)
		}
		return t, nil
	}
	var err error
	switch {
	case strings.EqualFold(opts.Iat, "none"):
		mo.NoIssuedAt = true
		delete(claims, "iat")
	case opts.Iat != "":
		if mo.IssuedAt, err = parse("iat", opts.Iat); err != nil {
			return err
		}
	}
	if opts.Nbf != "" {
		if mo.NotBefore, err = parse("nbf", opts.Nbf); err != nil {
			return err
		}
	}
	exp := opts.Exp
	if exp == "" {
		if _, given := claims["exp"]; given {
			return nil
		}
		exp = tokenDefaultExp
	}
	if strings.EqualFold(exp, "none") {
		delete(claims, "exp")
		return nil
	}
	mo.ExpiresAt, err = parse("exp", exp)
	return err
}

// tokenParsePairs reads k=v flags; a value that parses as JSON is taken as
// JSON (numbers, booleans, arrays, objects, quoted strings), else as text.
func tokenParsePairs(flag string, pairs []string) (map[string]any, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := map[string]any{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, usageError("%s %q: expected name=value", flag, p)
		}
		out[k] = tokenJSONOrString(v)
	}
	return out, nil
}

func tokenJSONOrString(v string) any {
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var parsed any
	if err := dec.Decode(&parsed); err != nil || dec.More() {
		return v
	}
	if _, err := dec.Token(); err != goio.EOF {
		return v
	}
	return parsed
}
