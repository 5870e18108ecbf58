// Package cli holds authlab's commands. Each command has an options struct
// and a run function that never touches cobra, so tests drive it directly.
package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/redact"
)

// NewRoot builds the command tree.
func NewRoot(io *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "authlab",
		Short: "Debug API-gateway custom authorizers locally",
		Long: `authlab runs a faithful API-gateway auth engine in-process: fire requests
through AWS, OCI, Huawei and generic authorizers, replay scenarios in CI, mint
tokens, or serve the gateway locally.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// `authlab` alone opens the TUI; without a terminal it
	// says so and exits 2 instead of hanging a CI job.
	tuiOpts := &TUIOptions{IO: io}
	gatewayFlag(root, &tuiOpts.Gateway)
	root.RunE = func(c *cobra.Command, args []string) error { return runTUI(tuiOpts) }
	root.PersistentFlags().Var(colorFlag{io}, "color", "colour the output: auto (a terminal, unless NO_COLOR or CLICOLOR=0; CLICOLOR_FORCE=1 forces it), always or never")
	_ = root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(ColorModes, cobra.ShellCompDirectiveNoFileComp))
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		//lint:ignore ST1005 the hint is a sentence of its own, on its own line
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\nSee '%s --help'.", err, c.CommandPath())}
	})
	// Explicit and ordered: this is the order of `authlab --help`.
	root.AddCommand(
		newTUICmd(io),
		newDemoCmd(io),
		newFireCmd(io),
		newProbeCmd(io),
		newRunCmd(io),
		newServeCmd(io),
		newValidateCmd(io),
		newImportCmd(io),
		newTokenCmd(io),
		newSchemaCmd(io),
		newInitCmd(io),
		newExplainCmd(io),
		newVersionCmd(io),
	)
	registerCompletions(root, io)
	root.Version = Build().String()
	root.SetVersionTemplate("{{.Version}}\n")
	return root
}

// Execute runs the CLI and returns the process exit code.
func Execute(io *IO, args []string) int {
	root := NewRoot(io)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err != nil {
		var ee *ExitError
		if !(errors.As(err, &ee) && (ee.Silent || ee.Err == nil)) {
			fmt.Fprintln(io.Err, "authlab:", errorRedactor(cmd).Error(err))
		}
	}
	return exitCode(err)
}

// errorRedactor shows an error message as every output shows secrets: a
// password in a URL abbreviated unless the command was given --reveal, and
// control characters escaped (ALL-2).
func errorRedactor(c *cobra.Command) *redact.Redactor {
	if c != nil {
		if f := c.Flags().Lookup("reveal"); f != nil && f.Value.String() == "true" {
			return nil
		}
	}
	return redact.New(nil)
}
