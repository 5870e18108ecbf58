package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/fixtures"
)

// DefaultGatewayFile is read when -g is not given.
const DefaultGatewayFile = "authlab.yaml"

// gatewayFlag adds -g/--gateway.
func gatewayFlag(c *cobra.Command, p *string) {
	c.Flags().StringVarP(p, "gateway", "g", "", "gateway file (default ./authlab.yaml, else the embedded demo)")
}

// loadGateway reads -g, else ./authlab.yaml, else the embedded demo.
// File errors are printed with carets and mapped to exit 2.
func loadGateway(io *IO, path string) (*config.Gateway, error) {
	var (
		g     *config.Gateway
		diags *config.Diagnostics
		err   error
	)
	switch {
	case path != "":
		g, diags, err = config.LoadFile(path)
	default:
		if _, statErr := os.Stat(DefaultGatewayFile); statErr == nil {
			g, diags, err = config.LoadFile(DefaultGatewayFile)
		} else if errors.Is(statErr, fs.ErrNotExist) {
			g, diags, err = config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
		} else {
			return nil, usageError("%v", statErr)
		}
	}
	if err != nil {
		if diags != nil && diags.HasErrors() {
			fmt.Fprint(io.Err, diags.Format(false))
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%d error(s) in the gateway file", len(diags.Errors()))}
		}
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return g, nil
}

// newEngine builds an engine for a loaded gateway.
func newEngine(g *config.Gateway, opts engine.Options) (*engine.Engine, error) {
	e, err := engine.New(g, opts)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w", g.File, err)}
	}
	return e, nil
}
