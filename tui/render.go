package tui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/engine/trace"
)

// redactorFor abbreviates a result's secrets unless the user revealed them
// (ALL-2): a shoulder-surfer or a screenshot must not get a usable token.
// Its Line and Block also escape control characters, revealed or not: a
// handler's log line must not drive the terminal.
func redactorFor(res *engine.Result, reveal bool) *report.Redactor {
	return report.ForResult(res, reveal)
}

// role styles a piece of the report's text the TUI's way (see
// report.Role); values and bodies stay as they are.
func (s *Styles) role(r report.Role, text string) string {
	switch r {
	case report.Title:
		return s.Bold.Render(text)
	case report.OK, report.Added:
		return s.OK.Render(text)
	case report.Fail:
		return s.Fail.Render(text)
	case report.Skip:
		return s.Skip.Render(text)
	case report.Dim, report.Skipped:
		return s.Dim.Render(text)
	case report.Key:
		return s.Key.Render(text)
	case report.Rule:
		return s.Rule.Render(text)
	case report.Changed:
		return s.Changed.Render(text)
	case report.Status2xx:
		return s.Status2xx.Render(text)
	case report.Status4xx:
		return s.Status4xx.Render(text)
	case report.Status5xx:
		return s.Status5xx.Render(text)
	}
	return text
}

// stageMark is a stage's status glyph and style.
func (s *Styles) stageMark(st trace.Status) string {
	return s.role(report.StageRole(st), report.Mark(st))
}

// stageLine is one stage on one line: glyph, name, duration, summary,
// rules — the facts `fire` shows, in the TUI's columns and styles (padded
// before styling: escape codes would count as width in %6s).
func (s *Styles) stageLine(st *trace.Stage, red *report.Redactor) string {
	f := report.Stage(st, red)
	name := fmt.Sprintf("%-18s", f.Name.Text)
	switch st.Status {
	case trace.Skip:
		name = s.Dim.Render(name)
	case trace.Fail:
		name = s.Fail.Render(name)
	}
	mark := s.role(f.Mark.Role, f.Mark.Text)
	line := fmt.Sprintf("%s %s %s  %s", mark, name, s.Dim.Render(fmt.Sprintf("%6s", f.Duration)), f.Summary)
	if st.Status == trace.Skip {
		line = fmt.Sprintf("%s %s %6s  %s", mark, name, "", s.Dim.Render(f.Summary))
	}
	if f.Rules != "" {
		line += "  " + s.Rule.Render(f.Rules)
	}
	return line
}

// resultLine is the one-line outcome: "GET /orders/42 → 200 OK · token-auth called · alice".
func (s *Styles) resultLine(res *engine.Result, red *report.Redactor) string {
	code := res.Response.Status
	line := fmt.Sprintf("%s %s → %s", s.Bold.Render(red.Line(res.Request.Method)), red.Line(res.Request.Target()),
		s.role(report.StatusRole(code), report.StatusText(code)))
	if res.Authorizer != "" {
		line += s.Dim.Render(" · " + red.Line(res.Authorizer) + " " + res.Outcome)
	}
	if res.Principal != "" {
		line += s.Dim.Render(" · " + red.Line(res.Principal))
	}
	return line
}

// stageDetail renders everything a stage recorded: its summary and rules,
// every detail (events and raw answers as indented JSON), and every
// header or query change, for the detail view.
func (s *Styles) stageDetail(st *trace.Stage, red *report.Redactor, width int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s  %s\n", s.stageMark(st.Status), s.Bold.Render(st.Name), s.Dim.Render(string(st.Status)+" · "+report.FormatDuration(st.Duration)))
	for _, line := range wrapLines(red.Line(st.Summary), width) {
		b.WriteString(line + "\n")
	}
	if len(st.Rules) > 0 {
		b.WriteString(s.ruleNotes(st.Rules, width))
	}
	if len(st.Details) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(report.Block(report.DetailLines(st, red), s.role, "", "  "))
	if len(st.Changes) > 0 {
		b.WriteString("\n" + s.Bold.Render("changes") + "\n")
		for _, c := range report.ChangeLines(st, red) {
			// A bullet in the colour of what the edit did.
			seg := c.Segments[0]
			b.WriteString(s.role(seg.Role, "• ") + seg.Text + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// responseText renders status, headers and the (pretty) body.
func (s *Styles) responseText(r *engine.Response, red *report.Redactor) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", s.role(report.StatusRole(r.Status), report.StatusText(r.Status)))
	b.WriteString(report.Block(report.ResponseLines(r, red), s.role, "", ""))
	return strings.TrimRight(b.String(), "\n")
}

// prettyJSON indents a JSON document; anything else is returned as is.
func prettyJSON(raw []byte) string { return report.PrettyJSON(raw) }

// wrapLines wraps plain text to width (long tokens are broken, not lost).
func wrapLines(s string, width int) []string {
	if width <= 0 {
		return []string{s}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, strings.Split(hardwrap(para, width), "\n")...)
	}
	return out
}

// isSecretHeader reports whether a header carries a credential.
func isSecretHeader(name string) bool { return redact.SecretHeader(name) }

// abbreviate shortens a credential as traces do: "Bearer eyJhbG…Q3xw".
func abbreviate(v string) string { return report.Abbreviate(v) }

func itoa(n int) string { return strconv.Itoa(n) }

// sortedKeys lists a map's keys in order (Go maps have none).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
