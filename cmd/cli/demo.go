package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/fixtures"
)

// DemoOptions are demo's flags.
type DemoOptions struct {
	IO     *IO
	Full   bool
	JSON   bool
	Reveal bool
	Engine engine.Options
}

// demoStep is one request of the tour and what it shows.
type demoStep struct {
	title   string
	method  string
	path    string
	headers []string
}

var demoTour = []demoStep{
	{"A route without an authorizer", "GET", "/health", nil},
	{"No token: 401 without calling the function (AWS-I1)", "GET", "/orders/42", nil},
	{"A token that fails validationRegex: 401, function not called (AWS-I2)", "GET", "/orders/42", []string{"Authorization: Basic YWxpY2U6cHc="}},
	{"Allowed: context mapped to X-User / X-User-Tier; the client's forged X-User is overwritten (ALL-1)", "GET", "/orders/42",
		[]string{"Authorization: Bearer allow-alice", "X-User: mallory", "X-Internal-Debug: 1"}},
	{"Same token again: answered from the cache, function not called (AWS-C2)", "GET", "/orders/42", []string{"Authorization: Bearer allow-alice"}},
	{"The gotcha: another route, same token — the cached policy names /orders/42 only: 403 (AWS-C3)", "GET", "/users/7", []string{"Authorization: Bearer allow-alice"}},
	{"Explicit Deny: 403 with the explicit-deny message (AWS-R2)", "GET", "/orders/42", []string{"Authorization: Bearer deny-bob"}},
	{"The function throws \"Unauthorized\": 401 (AWS-R1)", "GET", "/orders/42", []string{"Authorization: Bearer who-knows"}},
	{"A context value that is an array: 500 AuthorizerConfigurationException (AWS-R5)", "GET", "/orders/42", []string{"Authorization: Bearer nested-context"}},
	{"REQUEST authorizer: header + query identity, wildcard policy, context to header and query", "GET", "/reports/2026/q1?tenant=acme", []string{"Authorization: Bearer svc-token"}},
	{"REQUEST authorizer with caching on and an identity source missing: 401 (AWS-I3)", "GET", "/reports/2026/q1", []string{"Authorization: Bearer svc-token"}},
	{"No route: 403 Missing Authentication Token (AWS-R7)", "GET", "/nowhere", nil},
}

func newDemoCmd(io *IO) *cobra.Command {
	o := &DemoOptions{IO: io}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Tour the embedded demo gateway: allow, deny, cache, the cached-policy gotcha, failures",
		Long: `demo fires a short series of requests through the embedded demo gateway (an AWS
REST API with a TOKEN and a REQUEST authorizer on mock functions: no files, no
network) and prints each trace, one line per stage. Every refusal names the
semantics rule that produced it.

Fire your own requests at the same gateway with 'authlab fire' (it uses the
demo when there is no ./authlab.yaml); print the demo file with --print.`,
		Example: `  authlab demo
  authlab demo --full          # every stage's details: events, answers, headers
  authlab demo --print > authlab.yaml   # start your own gateway from the demo`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if p, _ := c.Flags().GetBool("print"); p {
				_, err := io.Out.Write(printableDemo())
				return err
			}
			return runDemo(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.Full, "full", false, "print every stage's details")
	c.Flags().BoolVar(&o.JSON, "json", false, "print the results as a JSON array")
	c.Flags().BoolVar(&o.Reveal, "reveal", false, "show tokens in full")
	c.Flags().Bool("print", false, "print the demo gateway file and exit")
	return c
}

func runDemo(ctx context.Context, o *DemoOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	g, _, err := config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	if err != nil {
		return fmt.Errorf("the embedded demo is invalid: %w", err)
	}
	e, err := newEngine(g, o.Engine)
	if err != nil {
		return err
	}
	defer e.Close()
	var docs []*report.Doc
	st := newStylesForIO(o.IO)
	for i, step := range demoTour {
		req, err := engine.NewRequest(step.method, step.path, step.headers, nil)
		if err != nil {
			return err
		}
		res := e.Do(ctx, req)
		if o.JSON {
			docs = append(docs, report.NewDoc(res, o.Reveal))
			continue
		}
		fmt.Fprintf(o.IO.Out, "%s %s\n", st.Render(fmt.Sprintf("%2d.", i+1)), st.Render(step.title))
		if err := report.Text(o.IO.Out, res, report.Options{Color: o.IO.Color(), Reveal: o.Reveal, Brief: !o.Full}); err != nil {
			return err
		}
		fmt.Fprintln(o.IO.Out)
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(docs)
	}
	fmt.Fprintf(o.IO.Out, "Calls per authorizer: %v\n", e.Calls())
	fmt.Fprintln(o.IO.Out, "Next: authlab fire GET /orders/42 --token allow-alice --then 'GET /users/7'   (full trace of the gotcha)")
	return nil
}

// printableDemo is the demo gateway as `demo --print` writes it: its
// modeline, relative to the repository's fixtures folder, points at the
// schema the repository publishes instead.
func printableDemo() []byte {
	src := fixtures.DemoGateway
	if i := bytes.IndexByte(src, '\n'); i > 0 && bytes.HasPrefix(src, []byte("# yaml-language-server:")) {
		src = src[i+1:]
	}
	return append([]byte(config.Modeline("gateway")+"\n"), src...)
}
