package tui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// historyModel lists every fired request with its status. Entries can be
// shown again, re-fired, marked, compared two by two, and saved as a
// scenario file.
type historyModel struct {
	c       *Common
	w, h    int
	focused bool
	cursor  int
	offset  int
	marked  map[int]bool // by entry number
}

var _ Component = (*historyModel)(nil)

func newHistory(c *Common) *historyModel { return &historyModel{c: c, marked: map[int]bool{}} }

func (m *historyModel) Init() tea.Cmd     { return nil }
func (m *historyModel) SetSize(w, h int)  { m.w, m.h = w, h }
func (m *historyModel) SetFocused(f bool) { m.focused = f }

func (m *historyModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Refire, k.Mark, k.Compare, k.Save}
}

func (m *historyModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Refire, k.Mark}, {k.Compare, k.Save}}
}

// Selected returns the marked entries in order, or all when none is marked.
func (m *historyModel) Selected() []*Entry {
	var out []*Entry
	for _, e := range m.c.S.History {
		if m.marked[e.N] {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return m.c.S.History
	}
	return out
}

// comparePair picks what to compare: two marked entries; one marked and
// the one under the cursor; else the one under the cursor and the one
// before it (typically the 200 and the 403 that followed).
func (m *historyModel) comparePair() (*Entry, *Entry, error) {
	h := m.c.S.History
	var marked []*Entry
	for _, e := range h {
		if m.marked[e.N] {
			marked = append(marked, e)
		}
	}
	cur := (*Entry)(nil)
	if m.cursor < len(h) {
		cur = h[m.cursor]
	}
	switch {
	case len(marked) >= 2:
		return marked[len(marked)-2], marked[len(marked)-1], nil
	case len(marked) == 1 && cur != nil && cur != marked[0]:
		a, b := marked[0], cur
		if a.N > b.N {
			a, b = b, a
		}
		return a, b, nil
	case cur != nil && m.cursor > 0:
		return h[m.cursor-1], cur, nil
	case len(h) >= 2:
		return h[0], h[1], nil
	}
	return nil, nil, fmt.Errorf("compare needs two requests in the history")
}

func (m *historyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	h := m.c.S.History
	switch msg := msg.(type) {
	case firedMsg:
		// Follow the newest entry, as a log does.
		m.cursor = max(0, len(h)-1)
	case tea.KeyMsg:
		k := m.c.Keys
		switch {
		case matches(msg, k.Up):
			m.cursor = max(0, m.cursor-1)
		case matches(msg, k.Down):
			m.cursor = min(max(0, len(h)-1), m.cursor+1)
		case matches(msg, k.Top):
			m.cursor = 0
		case matches(msg, k.Bottom):
			m.cursor = max(0, len(h)-1)
		case len(h) == 0:
			return m, nil
		case matches(msg, k.Open):
			e := h[m.cursor]
			m.c.post(ShowEntryMsg{Entry: e})
			return m, nil
		case matches(msg, k.Refire):
			spec := h[m.cursor].Spec
			m.c.post(FireMsg{Spec: spec, FromHistory: true})
			return m, nil
		case matches(msg, k.Mark):
			n := h[m.cursor].N
			m.marked[n] = !m.marked[n]
			m.cursor = min(len(h)-1, m.cursor+1)
		case matches(msg, k.Compare):
			a, b, err := m.comparePair()
			if err != nil {
				return m, m.c.status(levelWarn, "%v", err)
			}
			m.c.post(CompareMsg{A: a, B: b})
			return m, nil
		}
	}
	return m, nil
}

func (m *historyModel) View() string {
	s := m.c.Styles
	h := m.c.S.History
	inner := m.w - 2
	var lines []string
	lines = append(lines, s.Dim.Render(truncate(fmt.Sprintf("    %-3s %-5s %-16s %-22s %s", "#", "TIME", "STATUS", "AUTHORIZER", "REQUEST"), inner)))
	if len(h) == 0 {
		lines = append(lines, s.Dim.Render("  nothing fired yet — f fires the composed request"))
	}
	avail := max(1, m.h-3)
	m.offset = window(m.offset, m.cursor, avail, len(h))
	for i := m.offset; i < len(h) && i < m.offset+avail; i++ {
		e := h[i]
		mark := " "
		if m.marked[e.N] {
			mark = s.Marked.Render("●")
		}
		code, auth := 0, ""
		red := redactorFor(e.Result, m.c.S.Reveal)
		if e.Result != nil && e.Result.Response != nil {
			code = e.Result.Response.Status
			if e.Result.Authorizer != "" {
				auth = e.Result.Authorizer + " " + e.Result.Outcome
			}
		}
		st := s.StatusCode(code).Render(fmt.Sprintf("%-16s", truncate(fmt.Sprintf("%d %s", code, http.StatusText(code)), 16)))
		if e.Cancelled {
			st = s.StatusWarn.Render(fmt.Sprintf("%-16s", "cancelled"))
		}
		line := fmt.Sprintf("%s%s %-3d %s %s %-22s %s", s.listMark(i == m.cursor, m.focused), mark, e.N,
			e.At.UTC().Format("15:04"), st, truncate(auth, 22), red.Line(e.Spec.String()))
		switch {
		case e.Kept:
			line += s.Dim.Render("  (kept trace)")
		case e.Generation != m.c.S.Generation:
			line += s.Dim.Render("  (before reload)")
		}
		lines = append(lines, line)
	}
	note := fmt.Sprintf("%d %s", len(h), plural(len(h), "request", "requests"))
	if n := len(m.markedList()); n > 0 {
		note = fmt.Sprintf("%d marked · ", n) + note
	}
	return s.box("History", note, strings.Join(lines, "\n"), m.w, m.h, m.focused)
}

func (m *historyModel) markedList() []int {
	var out []int
	for _, e := range m.c.S.History {
		if m.marked[e.N] {
			out = append(out, e.N)
		}
	}
	return out
}

// shortStatus is a status text that fits a column: "Forbidden", "OK".
func shortStatus(code int) string {
	t := http.StatusText(code)
	if len(t) > 5 {
		if i := strings.IndexByte(t, ' '); i > 0 {
			return t[:i]
		}
	}
	return t
}
