package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/probe"
)

// ProbeOptions are probe's flags and inputs.
type ProbeOptions struct {
	IO        *IO
	Gateway   string
	Method    string
	Path      string
	Headers   []string
	Data      string
	Token     string
	Keys      tokenKeyFlags
	KID       string
	Alg       string
	Claims    []string
	PublicKey string
	JSON      bool
	JUnit     string
	Reveal    bool
	// Engine options, injected by tests for stable output.
	Engine engine.Options
}

func newProbeCmd(io *IO) *cobra.Command {
	o := &ProbeOptions{IO: io}
	c := &cobra.Command{
		Use:   "probe METHOD PATH",
		Short: "Fire the known token attacks at a route's authorizer and judge each answer",
		Long: `probe starts from a credential the route's authorizer accepts (the baseline)
and fires the known token attacks at it through the whole gateway engine:
signature stripped or truncated, alg none in every casing, HS256 signed with
the public key, the ECDSA psychic signature, expired or wrong-audience claims
signed with the real key, kid path traversal and SQL, jku/x5u pointing at a
key server authlab runs on 127.0.0.1, an embedded jwk, unknown crit, the
token in odd places, a forged identity header, the cached decision reused on
another route. Each attack gets a verdict: refused ✓, accepted ✗, note !
(accepted but not a way in) or skipped – with the reason.

The baseline: --token NAME mints the gateway file's named token now (its
key then signs the claims attacks); --token VALUE sends a literal (add --key
to sign claims attacks); --key alone mints a token with it. With none of
them, the gateway's named tokens are tried in order.

Exit 0: every attack that ran was refused. 1: an attack was accepted.
2: usage error, or no baseline (the authorizer refuses the credential, or
the route has no authorizer): the attacks would prove nothing, so none is
judged. See docs/probe.md for every attack and its reference.`,
		Example: `  # the named token of the gateway file, its key signs the claims attacks
  authlab probe -g authlab.yaml GET /orders/1 --token alice

  # a literal token; the public key feeds the HS256 key-confusion attacks
  authlab probe GET /orders/1 --token "$JWT" --public-key keys/rsa.pub.pem

  # mint the baseline with a key; JUnit for the CI's test tab
  authlab probe GET /orders/1 --key keys/rsa.pem --claim scope=read:orders --junit probe.xml`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError("probe needs METHOD and PATH, e.g. authlab probe GET /orders/1 --token alice")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Method, o.Path = strings.ToUpper(args[0]), args[1]
			return runProbe(c.Context(), o)
		},
	}
	gatewayFlag(c, &o.Gateway)
	f := c.Flags()
	f.StringArrayVarP(&o.Headers, "header", "H", nil, "request header 'Name: value' sent with every attack (repeatable)")
	f.StringVarP(&o.Data, "data", "d", "", "request body; @FILE reads a file, - reads stdin")
	f.StringVar(&o.Token, "token", "", "the baseline credential: NAME of a gateway token (tokens:), or a literal token")
	f.StringVar(&o.Keys.Key, "key", "", "private key file (PEM, JWK, JWKS) that signs the route's tokens: claims attacks are re-signed with it")
	f.StringVar(&o.Keys.Secret, "secret", "", "HMAC secret that signs the route's tokens, as text")
	f.StringVar(&o.Keys.SecretFile, "secret-file", "", "file holding that HMAC secret")
	f.StringVar(&o.KID, "kid", "", "with --key and no --token: the kid of the minted baseline (also picks the key from a JWKS)")
	f.StringVar(&o.Alg, "alg", "", "with --key and no --token: the algorithm of the minted baseline (default: the key's)")
	f.StringArrayVar(&o.Claims, "claim", nil, "with --key and no --token: extra claim k=v of the minted baseline (repeatable)")
	f.StringVar(&o.PublicKey, "public-key", "", "the public key the authorizer verifies with (PEM, JWK, JWKS), for the HS256 key-confusion attacks")
	f.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	f.StringVar(&o.JUnit, "junit", "", "also write a JUnit XML report to FILE (a test case per attack)")
	f.BoolVar(&o.Reveal, "reveal", false, "show tokens in full")
	return c
}

func runProbe(ctx context.Context, o *ProbeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	body, err := readBody(o.IO, o.Data)
	if err != nil {
		return err
	}
	if _, err := engine.NewRequest(o.Method, o.Path, o.Headers, body); err != nil {
		return usageError("%v", err)
	}
	g, _, err := loadGateway(o.IO, o.Gateway)
	if err != nil {
		return err
	}
	var pub *probe.PublicKey
	if o.PublicKey != "" {
		if pub, err = probe.LoadPublicKey(o.PublicKey); err != nil {
			return usageError("--public-key: %v", err)
		}
	}
	e, err := newEngine(g, o.Engine)
	if err != nil {
		return err
	}
	defer e.Close()
	creds, err := probeCredentials(ctx, o, g, e)
	if err != nil {
		return err
	}
	rep, err := probe.Run(ctx, e, probe.Options{Method: o.Method, Target: o.Path, Headers: o.Headers, Body: body, Credentials: creds, PublicKey: pub})
	if err != nil {
		return usageError("%v", err)
	}
	if o.JSON {
		err = probe.WriteJSON(o.IO.Out, rep, o.Reveal)
	} else {
		err = probe.WriteText(o.IO.Out, rep, probe.TextOptions{Color: o.IO.Color(), Reveal: o.Reveal})
	}
	if err != nil {
		return err
	}
	if o.JUnit != "" {
		if err := writeProbeJUnit(o.JUnit, rep, o.Reveal); err != nil {
			return err
		}
	}
	switch rep.ExitCode() {
	case probe.ExitNoProbe:
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s", rep.Shown(o.Reveal).Problem)}
	case probe.ExitAccepted:
		c := rep.Counts()
		return &ExitError{Code: ExitFailed, Silent: true, Err: fmt.Errorf("%d attack(s) accepted", c.Accepted)}
	}
	return nil
}

// probeCredentials turns --token, --key and the gateway's named tokens
// into the baseline candidates.
func probeCredentials(ctx context.Context, o *ProbeOptions, g *config.Gateway, e *engine.Engine) ([]probe.Credential, error) {
	if o.Keys.JWKS != "" {
		return nil, usageError("--jwks is not a probe flag: give the signing key with --key")
	}
	ks, err := o.Keys.load(ctx)
	if err != nil {
		return nil, err
	}
	var key *jose.Key
	keyLabel := ""
	if ks != nil {
		if key, err = ks.Select(o.KID); err != nil {
			return nil, usageError("%v", err)
		}
		keyLabel = strings.Join(o.Keys.given(), "")
		for _, v := range []string{o.Keys.Key, o.Keys.SecretFile} {
			if v != "" {
				keyLabel = v
			}
		}
		if !key.IsPrivate() {
			return nil, usageError("--key %s holds %s: probe signs with it, give the private key (the public one goes in --public-key)", o.Keys.Key, key.Describe())
		}
	}
	now := e.Clock().Now()
	switch {
	case o.Token != "" && g.Token(o.Token) != nil:
		if key != nil {
			return nil, usageError("--token %s is a named token of the gateway file: it brings its own key, drop %s", o.Token, strings.Join(o.Keys.given(), ""))
		}
		c, err := probe.NamedToken(g, o.Token, now)
		if err != nil {
			return nil, usageError("%v", err)
		}
		return []probe.Credential{c}, nil
	case o.Token != "":
		return []probe.Credential{{Label: "--token", Token: o.Token, Key: key, KeyLabel: keyLabel}}, nil
	case key != nil:
		claims, err := tokenParsePairs("--claim", o.Claims)
		if err != nil {
			return nil, err
		}
		tok, err := probe.MintFor(e, o.Method, o.Path, key, o.Alg, o.KID, claims, now)
		if err != nil {
			return nil, usageError("%v", err)
		}
		return []probe.Credential{{Label: "minted with " + keyLabel, Token: tok, Key: key, KeyLabel: keyLabel}}, nil
	}
	if len(o.Claims) > 0 || o.Alg != "" {
		return nil, usageError("--claim and --alg shape a token minted with --key; give --key")
	}
	return probe.GatewayTokens(g, now), nil
}

func writeProbeJUnit(path string, rep *probe.Report, reveal bool) error {
	f, err := os.Create(path)
	if err != nil {
		return usageError("--junit: %v", err)
	}
	if err := probe.WriteJUnit(f, rep, reveal); err != nil {
		f.Close()
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	return f.Close()
}
