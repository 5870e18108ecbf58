package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
)

// IO is what commands read from and write to; tests inject buffers.
type IO struct {
	In     io.Reader
	Out    io.Writer // data: traces, tokens, reports
	Err    io.Writer // diagnostics
	OutTTY bool      // stdout is a terminal (colour, tables)
	// Getenv reads the environment (NO_COLOR, ...); injected so tests are hermetic.
	Getenv func(string) string
	// ColorMode is --color: "auto" (or ""), "always" or "never".
	ColorMode string
}

// SystemIO returns the process's streams.
func SystemIO() *IO {
	return &IO{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		OutTTY: isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd()),
		Getenv: os.Getenv,
	}
}

// Color reports whether stdout gets colour: --color always or never if
// given; else none with NO_COLOR (no-color.org), colour with CLICOLOR_FORCE
// set and not 0 even without a terminal, none with CLICOLOR=0
// (bixense.com/clicolors); else colour on a terminal.
func (s *IO) Color() bool {
	switch s.ColorMode {
	case "always":
		return true
	case "never":
		return false
	}
	switch {
	case s.env("NO_COLOR") != "":
		return false
	case s.env("CLICOLOR_FORCE") != "" && s.env("CLICOLOR_FORCE") != "0":
		return true
	case s.env("CLICOLOR") == "0":
		return false
	}
	return s.OutTTY
}

// TermColor reports whether a full-screen UI on the terminal (the TUI)
// may use colour: Color's rule on a terminal.
func (s *IO) TermColor() bool {
	tty := *s
	tty.OutTTY = true
	return tty.Color()
}

func (s *IO) env(k string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(k)
}

// ColorModes are --color's values.
var ColorModes = []string{"auto", "always", "never"}

// colorFlag is --color, on every command.
type colorFlag struct{ io *IO }

func (f colorFlag) String() string {
	if f.io.ColorMode == "" {
		return "auto"
	}
	return f.io.ColorMode
}

func (f colorFlag) Set(v string) error {
	for _, m := range ColorModes {
		if v == m {
			f.io.ColorMode = v
			return nil
		}
	}
	return fmt.Errorf("%q: want auto, always or never", v)
}

func (colorFlag) Type() string { return "when" }

// Exit codes, mapped in one place (Execute).
const (
	ExitOK     = 0
	ExitFailed = 1 // a scenario step failed, a token is invalid
	ExitUsage  = 2 // bad flags, invalid files
)

// ExitError carries an exit code. Its message, if any, has already been
// printed when Silent is set.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks an error as a usage/config problem (exit 2).
func usageError(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// exitCode maps any error from a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitUsage
}

// newStylesForIO returns a bold heading style, plain without colour.
func newStylesForIO(io *IO) lipgloss.Style {
	r := lipgloss.NewRenderer(io.Out)
	if io.Color() {
		// Decided here (--color, CLICOLOR_FORCE), not by the renderer's
		// own look at stdout.
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return r.NewStyle().Bold(true)
}
