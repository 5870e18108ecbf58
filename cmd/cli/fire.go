package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/limits"
	"github.com/authlab/authlab/engine/report"
)

// FireOptions are fire's flags and inputs.
type FireOptions struct {
	IO      *IO
	Gateway string
	Method  string
	Path    string
	Headers []string
	Data    string
	Token   string
	SigV4   string // an access key id of aws.credentials
	Then    []string
	JSON    bool
	Reveal  bool
	Brief   bool
	// Engine options, injected by tests for stable output.
	Engine engine.Options
}

func newFireCmd(io *IO) *cobra.Command {
	o := &FireOptions{IO: io}
	c := &cobra.Command{
		Use:   "fire METHOD PATH",
		Short: "Send one request through the gateway and print the stage-by-stage trace",
		Long: `fire sends one request through the gateway engine — route, identity, cache,
authorizer, response check, policy, transformations, backend — and prints what
each stage did and the response the client gets. It reports; it does not judge:
the exit code is 0 whatever the status.

Secrets (tokens, Authorization and API-key values) are abbreviated unless
--reveal is given.`,
		Example: `  # the embedded demo (no authlab.yaml here)
  authlab fire GET /orders/42 -H 'Authorization: Bearer allow-alice'

  # the cached-policy gotcha: the second request reuses the first one's policy
  authlab fire GET /orders/42 --token allow-alice --then 'GET /users/7'

  # a named token of the gateway file (tokens: alice: {key: keys/rsa.pem, claims: ..., expiresIn: 15m})
  authlab fire -g authlab.yaml GET /orders/42 --token alice

  # an AWS_IAM method: sign the request with credentials of the gateway file
  authlab fire -g fixtures/gateways/aws-iam.yaml GET /orders/42 --sigv4 AKIAALICEEXAMPLE0001

  # your gateway, a body from a file, JSON output for jq
  authlab fire -g authlab.yaml POST /orders -d @order.json --token "$JWT" --json | jq .response.status`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError("fire needs METHOD and PATH, e.g. authlab fire GET /orders/42")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Method, o.Path = strings.ToUpper(args[0]), args[1]
			return runFire(c.Context(), o)
		},
	}
	gatewayFlag(c, &o.Gateway)
	c.Flags().StringArrayVarP(&o.Headers, "header", "H", nil, "request header 'Name: value' (repeatable)")
	c.Flags().StringVarP(&o.Data, "data", "d", "", "request body; @FILE reads a file, - reads stdin")
	c.Flags().StringVar(&o.Token, "token", "", "send TOKEN where the route's authorizer reads it (default 'Authorization: Bearer TOKEN'); NAME mints the gateway file's named token (tokens:) now")
	c.Flags().StringVar(&o.SigV4, "sigv4", "", "sign the request with AWS SigV4 (execute-api, the gateway's aws.region) as access key id KEYID of the gateway's aws.credentials, for aws-iam authorizers (AWS-S1)")
	c.Flags().StringArrayVar(&o.Then, "then", nil, "fire another request 'METHOD PATH' afterwards on the same engine and cache (repeatable)")
	c.Flags().BoolVar(&o.JSON, "json", false, "print the result as JSON")
	c.Flags().BoolVar(&o.Reveal, "reveal", false, "show tokens and identity values in full")
	c.Flags().BoolVar(&o.Brief, "brief", false, "one line per stage, no details")
	return c
}

func readBody(io *IO, data string) ([]byte, error) {
	switch {
	case data == "":
		return nil, nil
	case data == "-":
		if io.In == nil {
			return nil, nil
		}
		b, err := limits.ReadAll(io.In, "stdin", "request body", limits.MaxBodyBytes)
		if err != nil {
			return nil, usageError("reading body: %v", err)
		}
		return b, nil
	case strings.HasPrefix(data, "@"):
		// Bounded: the gateways refuse a larger payload anyway (AWS-E6).
		b, err := limits.ReadFile(data[1:], "request body", limits.MaxBodyBytes)
		if err != nil {
			return nil, usageError("reading body: %v", err)
		}
		return b, nil
	}
	return []byte(data), nil
}

func runFire(ctx context.Context, o *FireOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	body, err := readBody(o.IO, o.Data)
	if err != nil {
		return err
	}
	// The requests are checked before the gateway is loaded: a typo in
	// them is reported alone, not after a note about the gateway.
	headers := append([]string(nil), o.Headers...)
	type call struct{ method, path string }
	calls := []call{{o.Method, o.Path}}
	for _, t := range o.Then {
		m, p, ok := strings.Cut(strings.TrimSpace(t), " ")
		if !ok {
			return usageError("--then %q: expected 'METHOD PATH'", t)
		}
		calls = append(calls, call{strings.ToUpper(m), strings.TrimSpace(p)})
	}
	var reqs []*engine.Request
	for _, c := range calls {
		req, err := engine.NewRequest(c.method, c.path, headers, body)
		if err != nil {
			return usageError("%v", err)
		}
		reqs = append(reqs, req)
	}
	g, choice, err := loadGateway(o.IO, o.Gateway)
	if err != nil {
		return err
	}
	tok := o.Token
	if tok != "" && g.Token(tok) != nil {
		// A named token of the gateway file, minted now so it is fresh.
		now := time.Now()
		if o.Engine.Clock != nil {
			now = o.Engine.Clock.Now()
		}
		if tok, err = g.MintToken(o.Token, now); err != nil {
			return usageError("%v", err)
		}
	}
	e, err := newEngine(g, o.Engine)
	if err != nil {
		return err
	}
	defer e.Close()
	var docs []*report.Doc
	for i, req := range reqs {
		if tok != "" {
			putToken(e, req, tok)
		}
		if o.SigV4 != "" {
			// Signed last, over the request as sent, at the engine's time.
			if err := engine.SignRequest(ctx, g, req, o.SigV4, e.Clock().Now()); err != nil {
				return usageError("--sigv4: %v", err)
			}
		}
		res := e.Do(ctx, req)
		if o.JSON {
			d := report.NewDoc(res, o.Reveal)
			if choice.Demo {
				// Said in the document too: a script reading only stdout
				// must not take the demo's answers for its gateway's.
				d.Gateway = &report.GatewayDoc{File: g.File, Demo: true, Notice: choice.Notice}
			}
			docs = append(docs, d)
			continue
		}
		if i > 0 {
			fmt.Fprintln(o.IO.Out, strings.Repeat("─", 72))
		}
		if err := report.Text(o.IO.Out, res, report.Options{Color: o.IO.Color(), Reveal: o.Reveal, Brief: o.Brief}); err != nil {
			return err
		}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if len(docs) == 1 {
			return enc.Encode(docs[0])
		}
		return enc.Encode(docs)
	}
	return nil
}

// putToken puts a token where the route's authorizer reads it (an OCI
// authorizer's X-Token header, a query parameter); a route without one gets
// 'Authorization: Bearer TOKEN'.
func putToken(e *engine.Engine, req *engine.Request, tok string) {
	slot, err := e.TokenSlot(req.Method, req.RawPath)
	if err != nil {
		slot = engine.DefaultTokenSlot
	}
	slot.Put(req, tok)
}
