package scenario

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/report"
)

// TextOptions control the text report.
type TextOptions struct {
	Color  bool // ANSI colours
	Reveal bool // secrets in full in traces
	// Verbose lists every step of passing scenarios too.
	Verbose bool
}

type textStyles struct {
	pass, fail, skip, dim, bold lipgloss.Style
}

func newTextStyles(color bool) textStyles {
	r := lipgloss.NewRenderer(io.Discard)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return textStyles{
		pass: r.NewStyle().Foreground(lipgloss.Color("42")),
		fail: r.NewStyle().Foreground(lipgloss.Color("203")).Bold(true),
		skip: r.NewStyle().Foreground(lipgloss.Color("245")),
		dim:  r.NewStyle().Foreground(lipgloss.Color("245")),
		bold: r.NewStyle().Bold(true),
	}
}

// WriteScenario writes one scenario's lines: a line for the scenario and,
// for each failed step, what failed and the full trace of its request.
func WriteScenario(w io.Writer, r *ScenarioResult, o TextOptions) error {
	st := newTextStyles(o.Color)
	var b strings.Builder
	c := r.Counts()
	sc := r.Scenario
	switch r.Status() {
	case Failed:
		detail := fmt.Sprintf("%d passed, %d failed", c.Passed, c.Failed)
		if c.Skipped > 0 {
			detail += fmt.Sprintf(", %d not run", c.Skipped)
		}
		fmt.Fprintf(&b, "%s %s  %s\n", st.fail.Render("✗"), st.bold.Render(sc.Name), st.dim.Render(fmt.Sprintf("%s (%s, %s)", sc.File, detail, roundDuration(r.Duration))))
	case Skipped:
		fmt.Fprintf(&b, "%s %s  %s\n", st.skip.Render("·"), sc.Name, st.dim.Render(fmt.Sprintf("%s (not run)", sc.File)))
	case Passed:
		if c.Skipped > 0 {
			// Cut short by --fail-fast elsewhere: not a pass.
			fmt.Fprintf(&b, "%s %s  %s\n", st.skip.Render("·"), sc.Name, st.dim.Render(fmt.Sprintf("%s (interrupted: %d of %d steps run)", sc.File, c.Passed, c.Passed+c.Skipped)))
			break
		}
		fallthrough
	default:
		fmt.Fprintf(&b, "%s %s  %s\n", st.pass.Render("✓"), sc.Name, st.dim.Render(fmt.Sprintf("%s (%d step%s, %s)", sc.File, c.Passed, plural(c.Passed), roundDuration(r.Duration))))
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "    %s\n", redact.EscapeBlock(shownError(r.Err, o.Reveal)))
	}
	for _, s := range r.Steps {
		switch {
		case s.Status == Failed:
			writeFailedStep(&b, sc, s, st, o)
		case o.Verbose:
			mark := st.pass.Render("✓")
			if s.Status == Skipped {
				mark = st.skip.Render("·")
			}
			line := fmt.Sprintf("    %s %d. %s", mark, s.Plan.Index+1, s.Plan.Name)
			switch {
			case s.Probe != nil:
				c := s.Probe.Counts()
				line += st.dim.Render(fmt.Sprintf("  → %d refused, %d accepted, %d note%s, %d skipped", c.Refused, c.Accepted, c.Notes, plural(c.Notes), c.Skipped))
			case s.Result != nil:
				line += st.dim.Render(fmt.Sprintf("  → %d, authorizer %s", s.Result.Response.Status, s.Result.Outcome))
			}
			if s.Note != "" {
				line += st.dim.Render("  " + redact.Escape(s.Note))
			}
			b.WriteString(line + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFailedStep(b *strings.Builder, sc *Scenario, s *StepResult, st textStyles, o TextOptions) {
	b.WriteByte('\n')
	fmt.Fprintf(b, "    %s %s  %s\n", st.fail.Render("✗"), st.bold.Render(fmt.Sprintf("step %d: %s", s.Plan.Index+1, s.Plan.Name)),
		st.dim.Render(fmt.Sprintf("%s:%d, virtual time %s", sc.File, s.Plan.Line, s.Clock.UTC().Format(time.RFC3339))))
	for _, f := range shownFailures(s, o.Reveal) {
		// Bodies and headers come from functions and upstreams: their
		// control characters are escaped, as in the trace below.
		fmt.Fprintf(b, "      %s\n", redact.EscapeBlock(f.Message))
		if f.Diff != "" {
			fmt.Fprintf(b, "        %s\n", st.dim.Render("(- expected, + actual)"))
			writeIndented(b, redact.EscapeBlock(f.Diff), "        ")
		} else if f.Expected != "" || f.Actual != "" {
			if strings.Contains(f.Expected+f.Actual, "\n") || len(f.Expected)+len(f.Actual) > 60 {
				fmt.Fprintf(b, "        expected:\n")
				writeIndented(b, redact.EscapeBlock(f.Expected), "          ")
				fmt.Fprintf(b, "        actual:\n")
				writeIndented(b, redact.EscapeBlock(f.Actual), "          ")
			}
		}
	}
	if s.Result != nil {
		var tr strings.Builder
		if err := report.Text(&tr, s.Result, report.Options{Color: o.Color, Reveal: o.Reveal}); err == nil {
			fmt.Fprintf(b, "\n      %s\n", st.dim.Render("trace:"))
			writeIndented(b, tr.String(), "      ")
		}
	}
	b.WriteByte('\n')
}

func writeIndented(b *strings.Builder, text, indent string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" {
			b.WriteByte('\n')
			continue
		}
		b.WriteString(indent + line + "\n")
	}
}

// WriteSummary writes the summary: `N passed, M failed` (request steps)
// alone on its line, so CI logs can be grepped for it, then the counts of
// scenarios and skipped steps and the time taken.
func WriteSummary(w io.Writer, r *Report, o TextOptions) error {
	st := newTextStyles(o.Color)
	c := r.Counts()
	line := fmt.Sprintf("%d passed, %d failed", c.Passed, c.Failed)
	if c.Failed > 0 {
		line = st.fail.Render(line)
	} else {
		line = st.pass.Render(line)
	}
	failedScenarios := 0
	for _, s := range r.Scenarios {
		if s.Status() == Failed {
			failedScenarios++
		}
	}
	detail := fmt.Sprintf("%d scenario%s", len(r.Scenarios), plural(len(r.Scenarios)))
	if failedScenarios > 0 {
		detail += fmt.Sprintf(" (%d failed)", failedScenarios)
	}
	if c.Skipped > 0 {
		detail += fmt.Sprintf(", %d step%s not run", c.Skipped, plural(c.Skipped))
	}
	_, err := fmt.Fprintf(w, "\n%s\n%s\n", line, st.dim.Render(fmt.Sprintf("%s in %s", detail, roundDuration(r.Duration))))
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// roundDuration keeps times short: 3ms, 1.2s.
func roundDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
