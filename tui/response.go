package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// responseModel shows what the client got: status, headers and body.
type responseModel struct {
	c       *Common
	w, h    int
	focused bool
	entry   *Entry
	vp      viewport.Model
}

var _ Component = (*responseModel)(nil)

func newResponse(c *Common) *responseModel {
	return &responseModel{c: c, vp: viewport.New(0, 0)}
}

func (m *responseModel) Init() tea.Cmd     { return nil }
func (m *responseModel) SetFocused(f bool) { m.focused = f }

func (m *responseModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vp.Width, m.vp.Height = max(1, w-2), max(1, h-2)
	m.refresh()
}

func (m *responseModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.PageDown}
}

func (m *responseModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Show displays an entry's response from the top.
func (m *responseModel) Show(e *Entry) {
	m.entry = e
	m.refresh()
	m.vp.GotoTop()
}

// refresh re-renders the content (after a resize or a reveal toggle).
func (m *responseModel) refresh() {
	if m.entry == nil || m.entry.Result == nil || m.entry.Result.Response == nil {
		m.vp.SetContent(m.c.Styles.Dim.Render("No response yet."))
		return
	}
	if m.entry.Cancelled {
		m.vp.SetContent(m.c.Styles.Dim.Render("Cancelled: no answer."))
		return
	}
	res := m.entry.Result
	text := m.c.Styles.responseText(res.Response, redactorFor(res, m.c.S.Reveal))
	m.vp.SetContent(hardwrap(text, m.vp.Width))
}

func (m *responseModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if msg, ok := msg.(tea.KeyMsg); ok {
		scroll(&m.vp, m.c.Keys, msg)
	}
	return m, nil
}

func (m *responseModel) View() string {
	note := scrollNote(m.vp)
	return m.c.Styles.box("Response", note, m.vp.View(), m.w, m.h, m.focused)
}
