package cli

import (
	"errors"
	"fmt"
	"github.com/authlab/authlab/engine/report"
	"io"
	"io/fs"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/authlab/authlab/tui"
)

// TUIOptions are tui's flags and inputs.
type TUIOptions struct {
	IO      *IO
	Gateway string
	// Traces are trace files or folders (serve --trace-dir) to inspect.
	Traces []string
	// Run opens the TUI; tests replace it to check what it would open.
	Run func(tui.Options) error
}

func newTUICmd(io *IO) *cobra.Command {
	o := &TUIOptions{IO: io}
	c := &cobra.Command{
		Use:   "tui",
		Short: "Debug auth flows interactively: routes, request composer, trace inspector, tokens, cache and clock",
		Long: `tui opens the terminal UI on the gateway file (-g, else ./authlab.yaml, else
the embedded demo). Compose a request, fire it and read every stage of its
trace; mint and decode tokens; watch the authorizer caches against a virtual
clock (+ moves it 5 minutes); compare two requests; save the history as a
scenario for 'authlab run'. The gateway file and its handlers are watched and
reloaded on save. 'authlab' with no command does the same.`,
		Example: `  authlab                       # ./authlab.yaml, else the demo
  authlab tui -g gateways/orders.yaml
  authlab tui --traces traces/   # inspect what 'serve --trace-dir traces' kept`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error { return runTUI(o) },
	}
	gatewayFlag(c, &o.Gateway)
	c.Flags().StringArrayVar(&o.Traces, "traces", nil, "open trace files or folders (serve --trace-dir, fire --json) in the history (repeatable)")
	return c
}

// runTUI opens the TUI, or explains why it cannot: without a terminal
// (CI, a pipe) it must fail at once rather than wait for keys forever.
func runTUI(o *TUIOptions) error {
	if !isTerminal(o.IO.In) || !o.IO.OutTTY {
		fmt.Fprintln(o.IO.Err, "authlab: the TUI needs a terminal; try 'authlab demo' or 'authlab fire ...'")
		return &ExitError{Code: ExitUsage, Silent: true}
	}
	path, err := tuiGateway(o.Gateway)
	if err != nil {
		return err
	}
	kept, err := report.ReadTraces(o.Traces)
	if err != nil {
		return usageError("--traces: %v", err)
	}
	run := o.Run
	if run == nil {
		run = tui.Run
	}
	return run(tui.Options{Gateway: path, In: o.IO.In, Out: o.IO.Out, NoColor: o.IO.Getenv("NO_COLOR") != "", Traces: kept})
}

// tuiGateway applies loadGateway's rule — -g, else ./authlab.yaml, else
// the demo ("") — without loading: an invalid file opens the TUI on its
// problems screen, where it can be fixed and reloaded. A file that does
// not exist at all is a usage error.
func tuiGateway(flag string) (string, error) {
	if flag != "" {
		if _, err := os.Stat(flag); err != nil {
			return "", usageError("reading gateway file: %v", err)
		}
		return flag, nil
	}
	_, err := os.Stat(DefaultGatewayFile)
	switch {
	case err == nil:
		return DefaultGatewayFile, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	}
	return "", usageError("%v", err)
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}
