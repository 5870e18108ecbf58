// Package tui is authlab's terminal UI: pick a route, compose a request,
// fire it through the engine and read the trace stage by stage; mint and
// decode tokens; watch the authorizer caches against a virtual clock;
// compare two requests; save what happened as a scenario file.
//
// The layout follows soft-serve's: one small model per pane (SetSize, its
// own key help), a root that routes messages, one KeyMap and one Styles.
package tui

import (
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/tui/internal/termprobe"
)

// Options configure the TUI.
type Options struct {
	// Gateway is the gateway file; "" runs the embedded demo. The caller
	// applies the -g / ./authlab.yaml / demo rule (cmd/cli).
	Gateway string
	// Notice, when set, is shown in the status bar as the TUI opens: why
	// it runs the embedded demo.
	Notice string
	In     io.Reader
	Out    io.Writer
	// NoColor drops colours (NO_COLOR); styles keep bold and reverse.
	NoColor bool
	// Start is where the virtual clock starts; zero means now.
	Start time.Time
	// Engine passes sources of time and randomness to the engine (tests
	// fix request ids and durations); its Clock is replaced by the
	// virtual clock.
	Engine engine.Options
	// SaveDir is the folder scenario files are proposed in ("" = here).
	SaveDir string
	// NoWatch turns off reloading on file changes.
	NoWatch bool
	// Renderer draws the styles; nil means one for Out.
	Renderer *lipgloss.Renderer
	// Traces are kept results (serve --trace-dir, fire --json) shown in
	// the history for inspection; they are not re-fired or saved.
	Traces []*engine.Result
	// StatusFor is how long a status message stays; zero means 6 s. Tests
	// set it long, so what a screen shows does not depend on how busy the
	// machine was while it was drawn.
	StatusFor time.Duration
}

// Run opens the TUI and returns when the user quits. Function workers are
// stopped before it returns.
func Run(o Options) error {
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Renderer == nil {
		o.Renderer = lipgloss.NewRenderer(o.Out)
		switch dark, known := backgroundHint(o.NoColor); {
		case known:
			// No terminal query: one that goes unanswered costs a timeout
			// before the first frame.
			o.Renderer.SetHasDarkBackground(dark)
		case o.Out == os.Stdout:
			// termprobe's init already asked the terminal, with a short
			// timeout, and set the answer on Lip Gloss's default renderer
			// (so Bubble Tea's init did not ask): reuse it.
			o.Renderer.SetHasDarkBackground(lipgloss.HasDarkBackground())
		default:
			// Ask now, for at most termprobe.Timeout, before Bubble Tea
			// reads the input: the answer would otherwise arrive as key
			// presses. No answer: dark, as termenv assumes.
			dark, known := true, false
			if f, ok := o.Out.(*os.File); ok {
				dark, known = termprobe.Query(f, termprobe.Timeout)
			}
			o.Renderer.SetHasDarkBackground(dark || !known)
		}
		if o.NoColor {
			// NO_COLOR means no colour, not no bold or reverse video: the
			// styles carry no colours, and the text cursor (reverse) must
			// stay visible.
			o.Renderer.SetColorProfile(termenv.ANSI)
		}
	}
	m := New(o)
	defer m.Close()
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithInput(o.In), tea.WithOutput(o.Out))
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// newRenderer is a renderer for tests and callers without a terminal.
func newRenderer(w io.Writer, color bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return r
}

// backgroundHint says whether the background is dark without asking the
// terminal (see termprobe.Hint).
func backgroundHint(noColor bool) (dark, known bool) { return termprobe.Hint(noColor) }
