package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
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

// stageMark is a stage's status glyph and style.
func (s *Styles) stageMark(st trace.Status) string {
	switch st {
	case trace.Skip:
		return s.Skip.Render("·")
	case trace.Fail:
		return s.Fail.Render("✗")
	}
	return s.OK.Render("✓")
}

// stageLine is one stage on one line: glyph, name, duration, summary,
// rules — the same columns as `fire`, styled for the TUI.
func (s *Styles) stageLine(st *trace.Stage, red *report.Redactor) string {
	name := s.Dim.Render(fmt.Sprintf("%-18s", st.Name))
	switch st.Status {
	case trace.OK:
		name = fmt.Sprintf("%-18s", st.Name)
	case trace.Fail:
		name = s.Fail.Render(fmt.Sprintf("%-18s", st.Name))
	}
	dur := ""
	if st.Status != trace.Skip {
		dur = report.FormatDuration(st.Duration)
	}
	// Pad before styling: escape codes would count as width in %6s.
	line := fmt.Sprintf("%s %s %s  %s", s.stageMark(st.Status), name, s.Dim.Render(fmt.Sprintf("%6s", dur)), red.Line(st.Summary))
	if st.Status == trace.Skip {
		line = fmt.Sprintf("%s %s %6s  %s", s.stageMark(st.Status), name, "", s.Dim.Render(red.Line(st.Summary)))
	}
	if len(st.Rules) > 0 {
		line += "  " + s.Rule.Render("["+strings.Join(st.Rules, " ")+"]")
	}
	return line
}

// resultLine is the one-line outcome: "GET /orders/42 → 200 OK · token-auth called · alice".
func (s *Styles) resultLine(res *engine.Result, red *report.Redactor) string {
	code := res.Response.Status
	line := fmt.Sprintf("%s %s → %s", s.Bold.Render(red.Line(res.Request.Method)), red.Line(res.Request.Target()),
		s.StatusCode(code).Render(fmt.Sprintf("%d %s", code, http.StatusText(code))))
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
	for _, d := range st.Details {
		if d.JSON != nil {
			b.WriteString(s.Key.Render(red.Line(d.Key)+":") + "\n")
			for _, line := range strings.Split(prettyJSON(d.JSON), "\n") {
				b.WriteString("  " + red.Line(line) + "\n")
			}
			continue
		}
		// Handler logs keep their lines; other control characters are
		// escaped, so a logged ESC sequence shows as text.
		val := red.Block(d.Value)
		if strings.Contains(val, "\n") {
			b.WriteString(s.Key.Render(red.Line(d.Key)+":") + "\n")
			for _, line := range strings.Split(strings.TrimRight(val, "\n"), "\n") {
				b.WriteString("  " + line + "\n")
			}
			continue
		}
		b.WriteString(s.Key.Render(red.Line(d.Key)+":") + " " + red.Line(d.Value) + "\n")
	}
	if len(st.Changes) > 0 {
		b.WriteString("\n" + s.Bold.Render("changes") + "\n")
		for _, c := range st.Changes {
			style := s.OK
			switch c.Op {
			case "overwritten", "removed", "blocked":
				style = s.Changed
			case "skipped":
				style = s.Dim
			}
			b.WriteString(style.Render("• ") + red.Line(report.ChangeLine(c)) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// responseText renders status, headers and the (pretty) body.
func (s *Styles) responseText(r *engine.Response, red *report.Redactor) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", s.StatusCode(r.Status).Render(fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s %s\n", s.Key.Render(red.Line(k)+":"), red.Line(v))
		}
	}
	if len(r.Body) > 0 {
		b.WriteString("\n")
		body := string(r.Body)
		if json.Valid(r.Body) {
			body = prettyJSON(r.Body)
		}
		b.WriteString(red.Block(strings.TrimRight(body, "\n")))
	}
	return strings.TrimRight(b.String(), "\n")
}

// prettyJSON indents a JSON document; anything else is returned as is.
func prettyJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

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
