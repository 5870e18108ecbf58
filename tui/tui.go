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
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/authlab/authlab/engine"
)

// Options configure the TUI.
type Options struct {
	// Gateway is the gateway file; "" runs the embedded demo. The caller
	// applies the -g / ./authlab.yaml / demo rule (cmd/cli).
	Gateway string
	In      io.Reader
	Out     io.Writer
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
		if dark, known := backgroundHint(o.NoColor); known {
			// No terminal query: one that goes unanswered costs two
			// 5-second timeouts before the first frame.
			o.Renderer.SetHasDarkBackground(dark)
		} else {
			// Ask the terminal for its background now, before Bubble Tea
			// reads the input: the answer would otherwise arrive as key
			// presses.
			o.Renderer.HasDarkBackground()
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
// terminal: NO_COLOR needs no adaptive colours, AUTHLAB_BACKGROUND=light|dark
// overrides, COLORFGBG (rxvt, Konsole, some others) tells, and consoles
// that never answer the query are dark.
func backgroundHint(noColor bool) (dark, known bool) {
	if noColor {
		return true, true
	}
	switch strings.ToLower(os.Getenv("AUTHLAB_BACKGROUND")) {
	case "light":
		return false, true
	case "dark":
		return true, true
	}
	if v := os.Getenv("COLORFGBG"); v != "" {
		parts := strings.Split(v, ";")
		if bg, err := strconv.Atoi(parts[len(parts)-1]); err == nil {
			return bg < 7 || bg == 8, true
		}
	}
	switch os.Getenv("TERM") {
	case "dumb", "linux", "":
		return true, true
	}
	return false, false
}
