package tui

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/engine/trace"
)

// compareModel puts two traces side by side, stage against stage, and
// lists what changed between them — what turned the 200 into a 403.
type compareModel struct {
	c    *Common
	w, h int
	a, b *Entry
	vp   viewport.Model
}

var _ Component = (*compareModel)(nil)

func newCompare(c *Common) *compareModel { return &compareModel{c: c, vp: viewport.New(0, 0)} }

func (m *compareModel) Init() tea.Cmd { return nil }

func (m *compareModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vp.Width, m.vp.Height = max(1, w-2), max(1, h-2)
	m.refresh()
}

func (m *compareModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.PageDown, k.Reveal, k.Back}
}

func (m *compareModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Open compares a (the earlier) with b.
func (m *compareModel) Open(a, b *Entry) {
	m.a, m.b = a, b
	m.refresh()
	m.vp.GotoTop()
}

func (m *compareModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if msg, ok := msg.(tea.KeyMsg); ok {
		scroll(&m.vp, m.c.Keys, msg)
	}
	return m, nil
}

func (m *compareModel) refresh() {
	if m.a == nil || m.b == nil || m.a.Result == nil || m.b.Result == nil {
		return
	}
	s := m.c.Styles
	w := m.vp.Width
	col := max(10, (w-3)/2)
	ra, rb := m.a.Result, m.b.Result
	reda, redb := redactorFor(ra, m.c.S.Reveal), redactorFor(rb, m.c.S.Reveal)
	var lines []string
	pair := func(gutter, l, r string) {
		lines = append(lines, fit(l, col)+" "+gutter+" "+fit(r, col))
	}
	pair(" ", s.Bold.Render(fmt.Sprintf("#%d", m.a.N))+" "+reda.String(m.a.Spec.String()),
		s.Bold.Render(fmt.Sprintf("#%d", m.b.N))+" "+redb.String(m.b.Spec.String()))
	pair(" ", "→ "+outcomeText(s, m.a), "→ "+outcomeText(s, m.b))
	pair(" ", s.Dim.Render("at "+m.a.At.UTC().Format("15:04:05")), s.Dim.Render("at "+m.b.At.UTC().Format("15:04:05")))
	lines = append(lines, "")
	type diff struct {
		name, a, b    string
		statusChanged bool
	}
	var diffs []diff
	for _, name := range trace.Stages {
		sa, sb := ra.Trace.Stage(name), rb.Trace.Stage(name)
		if sa == nil && sb == nil {
			continue
		}
		la, lb := "", ""
		if sa != nil {
			la = compactStage(s, sa, reda)
		}
		if sb != nil {
			lb = compactStage(s, sb, redb)
		}
		gutter := " "
		if !sameStage(sa, sb, reda, redb) {
			gutter = s.Changed.Render("≠")
			diffs = append(diffs, diff{name, stageText(sa, reda), stageText(sb, redb), sa == nil || sb == nil || sa.Status != sb.Status})
		}
		pair(gutter, la, lb)
	}
	lines = append(lines, "")
	if v := verdictChange(m.a, m.b, reda, redb); v != "" {
		for _, l := range wrapLines(v, w) {
			lines = append(lines, s.Bold.Render(l))
		}
	}
	// What the client sent differently is often the whole story.
	if ra.Request.Method != rb.Request.Method || ra.Request.Target() != rb.Request.Target() {
		lines = append(lines, "", s.Changed.Render("≠ request")+fmt.Sprintf(": %s %s → %s %s", ra.Request.Method,
			reda.String(ra.Request.Target()), rb.Request.Method, redb.String(rb.Request.Target())))
	}
	lines = append(lines, headerDiff(s, "request headers", ra.Request.Header, rb.Request.Header, m.a.N, m.b.N, reda, redb)...)
	lines = append(lines, "")
	// Stages whose status changed explain the outcome; list them first.
	sort.SliceStable(diffs, func(i, j int) bool { return diffs[i].statusChanged && !diffs[j].statusChanged })
	if len(diffs) == 0 {
		lines = append(lines, s.OK.Render("The two traces are the same, stage for stage."))
	} else {
		lines = append(lines, s.Bold.Render(fmt.Sprintf("What changed (%d %s)", len(diffs), plural(len(diffs), "stage", "stages"))))
		for _, d := range diffs {
			lines = append(lines, s.Changed.Render("≠ "+d.name))
			for _, l := range wrapLines(fmt.Sprintf("#%d: %s", m.a.N, d.a), w-4) {
				lines = append(lines, "    "+l)
			}
			for _, l := range wrapLines(fmt.Sprintf("#%d: %s", m.b.N, d.b), w-4) {
				lines = append(lines, "    "+l)
			}
		}
	}
	lines = append(lines, headerDiff(s, "upstream headers", upstreamHeaders(m.a), upstreamHeaders(m.b), m.a.N, m.b.N, reda, redb)...)
	m.vp.SetContent(strings.Join(lines, "\n"))
}

func (m *compareModel) View() string {
	if m.a == nil || m.b == nil {
		return ""
	}
	note := scrollNote(m.vp)
	return m.c.Styles.box(fmt.Sprintf("Compare #%d ↔ #%d", m.a.N, m.b.N), note, m.vp.View(), m.w, m.h, true)
}

// outcomeText is "403 Forbidden · token-auth cached".
func outcomeText(s *Styles, e *Entry) string {
	res := e.Result
	code := res.Response.Status
	t := s.StatusCode(code).Render(fmt.Sprintf("%d %s", code, shortStatus(code)))
	if res.Authorizer != "" {
		t += s.Dim.Render(" · " + res.Authorizer + " " + res.Outcome)
	}
	return t
}

// compactStage is a stage on a half-width line: glyph, name, summary.
func compactStage(s *Styles, st *trace.Stage, red *report.Redactor) string {
	return s.stageMark(st.Status) + " " + fmt.Sprintf("%-18s", st.Name) + " " + red.Line(st.Summary)
}

func stageText(st *trace.Stage, red *report.Redactor) string {
	if st == nil {
		return "(absent)"
	}
	t := string(st.Status) + ": " + red.Line(st.Summary)
	if len(st.Rules) > 0 {
		t += " [" + strings.Join(st.Rules, " ") + "]"
	}
	return t
}

// sameStage compares what a reader sees of two stages: status, summary
// and rules (durations always differ and say nothing).
func sameStage(a, b *trace.Stage, ra, rb *report.Redactor) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Status == b.Status && ra.String(a.Summary) == rb.String(b.Summary) &&
		strings.Join(a.Rules, " ") == strings.Join(b.Rules, " ")
}

// upstreamHeaders is what reached the backend, nil when it was not reached.
func upstreamHeaders(e *Entry) map[string][]string {
	if e.Result == nil || e.Result.Upstream == nil {
		return nil
	}
	return e.Result.Upstream.Header
}

// headerDiff lists headers that differ between two header sets.
func headerDiff(s *Styles, what string, a, b map[string][]string, na, nb int, ra, rb *report.Redactor) []string {
	if a == nil && b == nil {
		return nil
	}
	var out []string
	if a == nil || b == nil {
		reached := na
		if a == nil {
			reached = nb
		}
		return []string{"", s.Changed.Render("≠ "+what) + fmt.Sprintf(": only #%d reached the backend", reached)}
	}
	names := map[string]bool{}
	for k := range a {
		names[k] = true
	}
	for k := range b {
		names[k] = true
	}
	for _, k := range sortedKeys(names) {
		va, vb := strings.Join(a[k], ", "), strings.Join(b[k], ", ")
		if va == vb {
			continue
		}
		if va == "" {
			va = "(absent)"
		}
		if vb == "" {
			vb = "(absent)"
		}
		out = append(out, fmt.Sprintf("    %s: %s → %s", k, ra.String(va), rb.String(vb)))
	}
	if len(out) == 0 {
		return []string{"", s.Dim.Render(what + ": the same")}
	}
	return append([]string{"", s.Changed.Render("≠ " + what)}, out...)
}

// verdictChange says in one sentence how the outcome changed: "#1 200 OK,
// #2 403 Forbidden: refused at policy — Statement[0] denies …".
func verdictChange(a, b *Entry, ra, rb *report.Redactor) string {
	ca, cb := a.Result.Response.Status, b.Result.Response.Status
	if ca == cb {
		return fmt.Sprintf("Both answered %d %s.", ca, http.StatusText(ca))
	}
	out := fmt.Sprintf("#%d answered %d %s, #%d %d %s", a.N, ca, http.StatusText(ca), b.N, cb, http.StatusText(cb))
	for _, e := range []struct {
		n   int
		res *Entry
		red *report.Redactor
	}{{b.N, b, rb}, {a.N, a, ra}} {
		for _, st := range e.res.Result.Trace.Stages {
			if st.Status == trace.Fail {
				why := fmt.Sprintf(": #%d was refused at %s — %s", e.n, st.Name, e.red.Line(st.Summary))
				if len(st.Rules) > 0 {
					why += " [" + strings.Join(st.Rules, " ") + "]"
				}
				return out + why
			}
		}
	}
	return out + "."
}
