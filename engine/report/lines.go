package report

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

// Role says what a piece of a trace's text is. The report emits text as
// lines of segments tagged with a role and no styling; each surface (the
// CLI's ANSI text below, the TUI) colours the roles its own way.
type Role uint8

const (
	Plain     Role = iota // as is: values, summaries, bodies
	Title                 // a heading, the request's method
	OK                    // a stage that passed
	Fail                  // a stage that failed
	Skip                  // a stage that did not run
	Dim                   // secondary facts: durations, ids
	Key                   // a detail's or header's name, with its colon
	Rule                  // the rule ids a stage cites
	Status2xx             // an HTTP status, by class
	Status4xx
	Status5xx
	Added   // a change that adds (set, appended, renamed)
	Changed // a change that replaces or removes what the client sent
	Skipped // a change that was not made
)

// Segment is a run of text in one role.
type Segment struct {
	Role Role
	Text string
}

// Line is one line of a block. Depth is its nesting under the block's
// first level: a detail's key line is 0, the lines of its value 1.
type Line struct {
	Depth    int
	Segments []Segment
}

// Styler styles a segment; nil leaves every segment as is.
type Styler func(r Role, text string) string

// Render writes the line: indent, then step once per depth, then the
// segments through st.
func (l Line) Render(st Styler, indent, step string) string {
	var b strings.Builder
	b.WriteString(indent)
	for range l.Depth {
		b.WriteString(step)
	}
	for _, s := range l.Segments {
		if st == nil {
			b.WriteString(s.Text)
		} else {
			b.WriteString(st(s.Role, s.Text))
		}
	}
	return b.String()
}

// Block renders lines, each followed by a newline.
func Block(lines []Line, st Styler, indent, step string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Render(st, indent, step))
		b.WriteByte('\n')
	}
	return b.String()
}

func line(depth int, segs ...Segment) Line { return Line{Depth: depth, Segments: segs} }

// StatusRole is the role of an HTTP status code.
func StatusRole(code int) Role {
	switch {
	case code >= 500:
		return Status5xx
	case code >= 400:
		return Status4xx
	}
	return Status2xx
}

// StatusText is a status as shown: "403 Forbidden".
func StatusText(code int) string { return fmt.Sprintf("%d %s", code, http.StatusText(code)) }

// StageRole is the role of a stage's status, and Mark its glyph.
func StageRole(s trace.Status) Role {
	switch s {
	case trace.Skip:
		return Skip
	case trace.Fail:
		return Fail
	}
	return OK
}

// Mark is a stage status's glyph: ✓, · or ✗.
func Mark(s trace.Status) string {
	switch s {
	case trace.Skip:
		return "·"
	case trace.Fail:
		return "✗"
	}
	return "✓"
}

// StageFacts are what a stage's one-line form shows, each surface laying
// them out in its own columns.
type StageFacts struct {
	Mark     Segment // ✓ · ✗ in the stage's role
	Name     Segment // the stage's name in the stage's role
	Duration string  // "" for a stage that did not run
	Summary  string  // redacted, control characters escaped
	Rules    string  // "[AWS-C1 AWS-C2]", "" when none
}

// Stage returns a stage's one-line facts, its secrets abbreviated by red
// (nil: in full).
func Stage(s *trace.Stage, red *Redactor) StageFacts {
	role := StageRole(s.Status)
	f := StageFacts{Mark: Segment{role, Mark(s.Status)}, Name: Segment{role, s.Name}, Summary: red.Line(s.Summary)}
	if s.Status != trace.Skip {
		f.Duration = FormatDuration(s.Duration)
	}
	if len(s.Rules) > 0 {
		f.Rules = "[" + strings.Join(s.Rules, " ") + "]"
	}
	return f
}

// DetailLines are what a stage recorded besides its summary: each detail
// as "key: value" (depth 0), or its key alone followed by its value's
// lines (depth 1) when the value is an event or answer (indented JSON) or
// spans lines (handler logs keep their lines; every other control
// character is escaped).
func DetailLines(s *trace.Stage, red *Redactor) []Line {
	var out []Line
	for _, d := range s.Details {
		key := Segment{Key, red.Line(d.Key) + ":"}
		if d.JSON != nil {
			out = append(out, line(0, key))
			for _, l := range strings.Split(prettyJSON(d.JSON), "\n") {
				out = append(out, line(1, Segment{Plain, red.Line(l)}))
			}
			continue
		}
		val := red.Block(d.Value)
		if strings.Contains(val, "\n") {
			out = append(out, line(0, key))
			for _, l := range strings.Split(strings.TrimRight(val, "\n"), "\n") {
				out = append(out, line(1, Segment{Plain, l}))
			}
			continue
		}
		out = append(out, line(0, key, Segment{Plain, " " + red.Line(d.Value)}))
	}
	return out
}

// ChangeLines describe a stage's header and query edits, one line each,
// in the role of what the edit did.
func ChangeLines(s *trace.Stage, red *Redactor) []Line {
	out := make([]Line, 0, len(s.Changes))
	for _, c := range s.Changes {
		out = append(out, line(0, Segment{ChangeRole(c.Op), red.Line(ChangeLine(c))}))
	}
	return out
}

// ChangeRole is the role of a change by its op.
func ChangeRole(op string) Role {
	switch op {
	case "overwritten", "removed", "blocked":
		return Changed
	case "skipped":
		return Skipped
	}
	return Added
}

// ResponseLines are a response's headers, sorted, at depth 1, then, when
// it has a body, an empty line and the body (indented when JSON) at
// depth 0.
func ResponseLines(r *engine.Response, red *Redactor) []Line {
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Line
	for _, k := range keys {
		for _, v := range r.Header[k] {
			out = append(out, line(1, Segment{Key, red.Line(k) + ":"}, Segment{Plain, " " + red.Line(v)}))
		}
	}
	if len(r.Body) > 0 {
		out = append(out, Line{})
		body := string(r.Body)
		if json.Valid(r.Body) {
			body = prettyJSON(r.Body)
		}
		for _, l := range strings.Split(red.Block(strings.TrimRight(body, "\n")), "\n") {
			out = append(out, line(0, Segment{Plain, l}))
		}
	}
	return out
}

// PrettyJSON indents a JSON document; anything else is returned as is.
func PrettyJSON(raw []byte) string { return prettyJSON(raw) }
