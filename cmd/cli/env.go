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

// Color reports whether output may use colour: a terminal and no NO_COLOR.
func (s *IO) Color() bool {
	return s.OutTTY && s.Getenv("NO_COLOR") == ""
}

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
	if !io.Color() {
		r.SetColorProfile(termenv.Ascii)
	}
	return r.NewStyle().Bold(true)
}
