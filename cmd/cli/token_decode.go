package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	goio "io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/limits"
)

// tokenDecodeOptions are `token decode`'s flags plus what tests inject.
type tokenDecodeOptions struct {
	IO    *IO
	Token string // the argument; "" or "-" = stdin
	Keys  tokenKeyFlags

	Iss        string
	Aud        []string
	Leeway     time.Duration
	Algs       []string
	Now        string
	RequireExp bool
	JSON       bool
	// Verify is `token verify`: a key is required and only the verdict
	// is printed.
	Verify bool

	Ctx   context.Context
	Clock func() time.Time
}

func newTokenDecodeCmd(io *IO) *cobra.Command {
	opts := &tokenDecodeOptions{IO: io, Clock: time.Now}
	cmd := &cobra.Command{
		Use:   "decode [JWT|-]",
		Short: "Show a JWT's header and claims, and verify it when given a key",
		Long: `Show a JWT's header and claims, with its times as dates and relative to now
("expires in 12m", "expired 3h ago"). The token is the argument, or stdin when
the argument is - or missing; a "Bearer " prefix is ignored.

With --key, --secret, --secret-file, --secret-base64 or --jwks it also
verifies the token and prints the verdict and its reason: valid, bad
signature, algorithm not allowed for this key, kid not in the JWKS, expired,
not yet valid, issuer or audience mismatch (with --iss / --aud).

Allowed algorithms default to the key's own family; "none" and HMAC with a
public key are never accepted.

Exit status: 0 valid or not verified, 1 invalid, 2 bad input (malformed
token, unreadable key, bad flags).`,
		Example: `  # just look inside
  authlab token decode eyJhbGciOi...

  # from an Authorization header value on stdin
  echo "Bearer $TOKEN" | authlab token decode

  # verify against a JWKS file or URL, with the issuer and audience the gateway expects
  authlab token decode "$TOKEN" --jwks fixtures/keys/jwks.json --iss https://issuer.example --aud orders
  authlab token decode "$TOKEN" --jwks https://issuer.example/.well-known/jwks.json

  # verify an HS256 token; as JSON for scripts
  authlab token decode "$TOKEN" --secret s3cret --json | jq .verdict.reason`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Token = args[0]
			}
			opts.Ctx = cmd.Context()
			return runTokenDecode(opts)
		},
	}
	opts.registerChecks(cmd.Flags())
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// registerChecks adds the key and claim flags decode and verify share.
func (opts *tokenDecodeOptions) registerChecks(f *pflag.FlagSet) {
	opts.Keys.register(f, true)
	f.StringVar(&opts.Iss, "iss", "", "expected issuer")
	f.StringArrayVar(&opts.Aud, "aud", nil, "expected audience (repeat: any one must match)")
	f.DurationVar(&opts.Leeway, "leeway", 0, "clock skew allowed for exp, nbf and iat")
	f.StringSliceVar(&opts.Algs, "alg", nil, "allowed algorithms (default: the key's family)")
	f.StringVar(&opts.Now, "now", "", "check the token as if the time were this (duration from now, date or @unix)")
	f.BoolVar(&opts.RequireExp, "require-exp", false, "refuse tokens without exp")
}

func runTokenDecode(opts *tokenDecodeOptions) error {
	if opts.Verify && len(opts.Keys.given()) == 0 {
		return usageError("token verify needs a key: --key FILE, --jwks FILE|URL, --secret, --secret-file or --secret-base64")
	}
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	now := opts.Clock()
	if opts.Now != "" {
		t, err := jose.ParseTime(opts.Now, now)
		if err != nil {
			return usageError("--now: %w", err)
		}
		now = t
	}
	var algs []string
	for _, a := range opts.Algs {
		canon, err := jose.ParseAlg(a)
		if err != nil {
			return usageError("--alg: %w", err)
		}
		algs = append(algs, canon)
	}

	raw := opts.Token
	if raw == "" || raw == "-" {
		// Bounded, and never cut silently: a cut token would fail with a
		// misleading signature or JSON error.
		data, err := limits.ReadAll(opts.IO.In, "stdin", "token", limits.MaxTokenBytes)
		if err != nil {
			return usageError("reading the token from stdin: %w", err)
		}
		raw = string(data)
	}
	raw = jose.StripBearer(raw)
	if raw == "" {
		return usageError("no token: give it as an argument or on stdin")
	}
	tok, err := jose.Decode(raw)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}

	ks, err := opts.Keys.load(ctx)
	if err != nil {
		return err
	}
	tokenNoteSkipped(opts.IO, ks)
	var verdict *jose.Verdict
	if ks != nil {
		v := jose.VerifyToken(tok, ks, jose.VerifyOptions{
			Now: now, Leeway: opts.Leeway, Issuer: opts.Iss, Audience: opts.Aud,
			Algs: algs, RequireExp: opts.RequireExp,
		})
		verdict = &v
	}

	switch {
	case opts.JSON:
		err = tokenWriteDecodeJSON(opts.IO.Out, tok, verdict, now)
	case opts.Verify:
		err = tokenWriteVerdict(opts.IO.Out, verdict, opts.IO.Color())
	default:
		err = tokenWriteDecodeText(opts.IO.Out, tok, verdict, now, opts.IO.Color())
	}
	if err != nil {
		return err
	}
	if verdict != nil && !verdict.Valid {
		// The verdict is already on stdout; the exit status says the rest.
		return &ExitError{Code: ExitFailed}
	}
	return nil
}

// tokenTimeClaims are shown as dates, in this order, when present.
var tokenTimeClaims = []string{"iat", "nbf", "exp", "auth_time"}

type tokenTimeJSON struct {
	Unix     json.Number `json:"unix"`
	Time     string      `json:"time,omitempty"`
	Relative string      `json:"relative,omitempty"`
	Error    string      `json:"error,omitempty"`
}

type tokenVerdictJSON struct {
	Valid   bool   `json:"valid"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Key     string `json:"key,omitempty"`
	KID     string `json:"kid,omitempty"`
}

type tokenDecodeJSON struct {
	Header    json.RawMessage          `json:"header"`
	Claims    json.RawMessage          `json:"claims"`
	Signature tokenSignatureJSON       `json:"signature"`
	Times     map[string]tokenTimeJSON `json:"times,omitempty"`
	Verdict   *tokenVerdictJSON        `json:"verdict,omitempty"`
}

type tokenSignatureJSON struct {
	Alg      string `json:"alg"`
	Bytes    int    `json:"bytes"`
	Verified bool   `json:"verified"`
}

func tokenTimes(tok *jose.Token, now time.Time) (names []string, times map[string]tokenTimeJSON) {
	times = map[string]tokenTimeJSON{}
	for _, c := range tokenTimeClaims {
		t, ok, err := tok.TimeClaim(c)
		if !ok {
			continue
		}
		names = append(names, c)
		tj := tokenTimeJSON{}
		if n, isNum := tok.Claims[c].(json.Number); isNum {
			tj.Unix = n
		}
		if err != nil {
			tj.Error = err.Error()
		} else {
			tj.Time = t.Format(time.RFC3339)
			tj.Relative = jose.DescribeTime(c, t, now)
		}
		times[c] = tj
	}
	return names, times
}

func tokenWriteDecodeJSON(w goio.Writer, tok *jose.Token, v *jose.Verdict, now time.Time) error {
	out := tokenDecodeJSON{
		Header:    tok.HeaderJSON,
		Claims:    tok.ClaimsJSON,
		Signature: tokenSignatureJSON{Alg: tok.Alg, Bytes: len(tok.Signature), Verified: v != nil && v.Valid},
	}
	if _, times := tokenTimes(tok, now); len(times) > 0 {
		out.Times = times
	}
	if v != nil {
		vj := &tokenVerdictJSON{Valid: v.Valid, Reason: string(v.Reason), Message: v.Message, KID: tok.KID}
		if v.Key != nil {
			vj.Key = v.Key.Describe()
		}
		out.Verdict = vj
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func tokenWriteDecodeText(w goio.Writer, tok *jose.Token, v *jose.Verdict, now time.Time, color bool) error {
	var b strings.Builder
	title := func(s string) { b.WriteString(tokenPaint(color, "1", s) + "\n") }

	title("HEADER")
	b.WriteString(tokenIndentJSON(tok.HeaderJSON) + "\n")
	title("CLAIMS")
	b.WriteString(tokenIndentJSON(tok.ClaimsJSON) + "\n")

	if names, times := tokenTimes(tok, now); len(names) > 0 {
		title("TIMES")
		for _, n := range names {
			t := times[n]
			if t.Error != "" {
				fmt.Fprintf(&b, "  %-9s %s\n", n, tokenPaint(color, "31", t.Error))
				continue
			}
			fmt.Fprintf(&b, "  %-9s %s  %s\n", n, t.Time, t.Relative)
		}
	}

	title("SIGNATURE")
	fmt.Fprintf(&b, "  %s, %d bytes", tok.Alg, len(tok.Signature))
	if v == nil {
		b.WriteString(", not verified (give --key, --secret or --jwks to verify)")
	}
	b.WriteString("\n")

	if v != nil {
		title("VERDICT")
		b.WriteString("  " + tokenVerdictLine(v, color) + "\n")
	}
	_, err := goio.WriteString(w, b.String())
	return err
}

// tokenVerdictLine is "valid: …" or "INVALID (reason): …".
func tokenVerdictLine(v *jose.Verdict, color bool) string {
	if v.Valid {
		return tokenPaint(color, "32", "valid") + ": " + v.Message
	}
	return fmt.Sprintf("%s (%s): %s", tokenPaint(color, "31", "INVALID"), v.Reason, v.Message)
}

// tokenWriteVerdict is `token verify`'s output: the verdict alone.
func tokenWriteVerdict(w goio.Writer, v *jose.Verdict, color bool) error {
	_, err := fmt.Fprintln(w, tokenVerdictLine(v, color))
	return err
}

// tokenIndentJSON pretty-prints decoded JSON in its original member order.
func tokenIndentJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// tokenPaint wraps s in an ANSI style when colour is on.
func tokenPaint(on bool, code, s string) string {
	if !on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
