package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/report"
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
		Long: `tui opens the terminal UI on the gateway file (-g, else $AUTHLAB_GATEWAY,
else ./authlab.yaml or ./authlab.yml, else the embedded demo, which the status
bar then says). Compose a request, fire it and read every stage of its trace;
mint and decode tokens; watch the authorizer caches against a virtual clock
(+ moves it 5 minutes); compare two requests; save the history as a scenario
for 'authlab run'. The gateway file and its handlers are watched and reloaded
on save. 'authlab' with no command does the same.`,
		Example: `  authlab                       # ./authlab.yaml or ./authlab.yml, else the demo
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
	ch, err := tuiGateway(o.IO, o.Gateway)
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
	if ch.Demo {
		// Also on stderr, where it stays after the TUI closes.
		fmt.Fprintln(o.IO.Err, "authlab: note:", ch.Notice)
	}
	return run(tui.Options{Gateway: ch.Path, Notice: ch.Notice, In: o.IO.In, Out: o.IO.Out, NoColor: !o.IO.TermColor(), Traces: kept})
}

// tuiGateway applies loadGateway's rule (chooseGateway) without loading:
// an invalid file opens the TUI on its problems screen, where it can be
// fixed and reloaded. A file that does not exist at all is a usage error.
func tuiGateway(io *IO, flag string) (gatewayChoice, error) {
	ch, err := chooseGateway(io, flag)
	if err != nil {
		return ch, err
	}
	if !ch.Demo {
		if _, err := os.Stat(ch.Path); err != nil {
			return ch, usageError("reading gateway file: %v", err)
		}
	}
	return ch, nil
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}
