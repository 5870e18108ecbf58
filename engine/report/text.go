package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

// Options control rendering.
type Options struct {
	Color  bool // ANSI colours (off with NO_COLOR or when not a terminal)
	Reveal bool // show secrets in full
	// Brief prints one line per stage without details.
	Brief bool
}

// styles are every style the text renderer uses.
type styles struct {
	ok, skip, fail, dim, key, title, status2xx, status4xx, status5xx, rule lipgloss.Style
}

func newStyles(color bool) styles {
	r := lipgloss.NewRenderer(io.Discard)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	c := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	return styles{
		ok:        r.NewStyle().Foreground(c("28", "42")),
		skip:      r.NewStyle().Foreground(c("244", "245")),
		fail:      r.NewStyle().Foreground(c("160", "203")).Bold(true),
		dim:       r.NewStyle().Foreground(c("244", "245")),
		key:       r.NewStyle().Foreground(c("25", "75")),
		title:     r.NewStyle().Bold(true),
		status2xx: r.NewStyle().Foreground(c("28", "42")).Bold(true),
		status4xx: r.NewStyle().Foreground(c("166", "214")).Bold(true),
		status5xx: r.NewStyle().Foreground(c("160", "203")).Bold(true),
		rule:      r.NewStyle().Foreground(c("97", "141")),
	}
}

func (s styles) status(code int) lipgloss.Style {
	switch StatusRole(code) {
	case Status5xx:
		return s.status5xx
	case Status4xx:
		return s.status4xx
	}
	return s.status2xx
}

// style colours a role as the CLI does; values, bodies and changes stay
// as they are.
func (s styles) style(r Role, text string) string {
	switch r {
	case Title:
		return s.title.Render(text)
	case OK:
		return s.ok.Render(text)
	case Fail:
		return s.fail.Render(text)
	case Skip:
		return s.skip.Render(text)
	case Dim:
		return s.dim.Render(text)
	case Key:
		return s.key.Render(text)
	case Rule:
		return s.rule.Render(text)
	case Status2xx:
		return s.status2xx.Render(text)
	case Status4xx:
		return s.status4xx.Render(text)
	case Status5xx:
		return s.status5xx.Render(text)
	}
	return text
}

// Text writes the trace and response of a result.
func Text(w io.Writer, res *engine.Result, o Options) error {
	st := newStyles(o.Color)
	red := redactor(res, o)
	var b strings.Builder
	resp := res.Response
	fmt.Fprintf(&b, "%s %s  →  %s", st.title.Render(red.Line(res.Request.Method)), red.Line(res.Request.Target()),
		st.status(resp.Status).Render(StatusText(resp.Status)))
	if res.Authorizer != "" {
		fmt.Fprintf(&b, "  %s", st.dim.Render(fmt.Sprintf("authorizer %s %s", red.Line(res.Authorizer), res.Outcome)))
	}
	if res.Principal != "" {
		fmt.Fprintf(&b, "  %s", st.dim.Render("principal "+red.Line(res.Principal)))
	}
	fmt.Fprintf(&b, "\n%s\n\n", st.dim.Render("request "+res.Trace.RequestID+" at "+res.Trace.Time.UTC().Format(time.RFC3339)))
	for _, s := range res.Trace.Stages {
		writeStage(&b, s, st, red, o)
	}
	b.WriteString("\n")
	writeResponse(&b, resp, st, red)
	_, err := io.WriteString(w, b.String())
	return err
}

func redactor(res *engine.Result, o Options) *Redactor {
	return ForResult(res, o.Reveal)
}

// StageLine renders one stage as a single line (serve, TUI lists), its
// secrets abbreviated by red (nil: in full).
func StageLine(s *trace.Stage, color bool, red *Redactor) string {
	return stageLine(s, newStyles(color), red)
}

// stageLine lays a stage's facts out in the CLI's columns (the styles'
// escape codes count in the padding, as they always have).
func stageLine(s *trace.Stage, st styles, red *Redactor) string {
	f := Stage(s, red)
	line := fmt.Sprintf("%s %-18s %8s  %s", st.style(f.Mark.Role, f.Mark.Text), st.style(f.Name.Role, f.Name.Text), st.dim.Render(f.Duration), f.Summary)
	if f.Rules != "" {
		line += "  " + st.rule.Render(f.Rules)
	}
	return line
}

// FormatDuration prints a stage duration compactly: 12µs, 1.2ms, 3s.
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return d.Round(time.Millisecond).String()
}

// writeStage writes a stage's line, then (unless brief) its details and
// changes indented under it.
func writeStage(b *strings.Builder, s *trace.Stage, st styles, red *Redactor, o Options) {
	b.WriteString(stageLine(s, st, red))
	b.WriteByte('\n')
	if o.Brief || s.Status == trace.Skip {
		return
	}
	b.WriteString(Block(DetailLines(s, red), st.style, "      ", "  "))
	b.WriteString(Block(ChangeLines(s, red), st.style, "      ", ""))
}

// ChangeLine describes one transformation edit.
func ChangeLine(c trace.Change) string {
	q := func(v []string) string { return strings.Join(v, ", ") }
	var s string
	switch c.Op {
	case "set":
		s = fmt.Sprintf("set %s %s: %s", c.Target, c.Name, q(c.New))
	case "overwritten":
		s = fmt.Sprintf("overwrote %s %s: client sent %q, now %q", c.Target, c.Name, q(c.Old), q(c.New))
	case "appended":
		s = fmt.Sprintf("appended to %s %s: %q + %q", c.Target, c.Name, q(c.Old), q(c.New))
	case "removed":
		s = fmt.Sprintf("removed %s %s (was %q)", c.Target, c.Name, q(c.Old))
	case "renamed":
		s = fmt.Sprintf("renamed %s %s → %s", c.Target, c.From, c.Name)
	case "blocked":
		s = fmt.Sprintf("removed %s %s (was %q)", c.Target, c.Name, q(c.Old))
	default:
		s = fmt.Sprintf("%s %s %s", c.Op, c.Target, c.Name)
	}
	if c.Note != "" {
		s += " — " + c.Note
	}
	return s
}

func prettyJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

func writeResponse(b *strings.Builder, r *engine.Response, st styles, red *Redactor) {
	fmt.Fprintf(b, "%s %s\n", st.title.Render("Response"), st.status(r.Status).Render(StatusText(r.Status)))
	b.WriteString(Block(ResponseLines(r, red), st.style, "", "  "))
}
