package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// problemsModel shows why the gateway file does not load, compiler style:
// file:line:col, the source line and a caret, for every problem. It is the
// whole screen when no configuration has ever loaded, and an overlay (!)
// when an edit broke a file that was running.
type problemsModel struct {
	c  *Common
	w  int
	h  int
	vp viewport.Model
}

var _ Component = (*problemsModel)(nil)

func newProblems(c *Common) *problemsModel { return &problemsModel{c: c, vp: viewport.New(0, 0)} }

func (m *problemsModel) Init() tea.Cmd { return nil }

func (m *problemsModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vp.Width, m.vp.Height = max(1, w-2), max(1, h-2)
	m.refresh()
}

func (m *problemsModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.c.S.Engine == nil {
		return []key.Binding{k.Reload, k.Up, k.Down, k.Quit}
	}
	return []key.Binding{k.Reload, k.Up, k.Down, k.Back}
}

func (m *problemsModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *problemsModel) refresh() {
	s := m.c.Styles
	var b strings.Builder
	text := m.c.S.ProblemText()
	if text == "" {
		b.WriteString(s.OK.Render("✓ " + m.c.S.FileLabel() + " loads without errors."))
	} else {
		if m.c.S.Engine == nil {
			b.WriteString(s.Fail.Render("✗ "+m.c.S.FileLabel()+" does not load") + "\n")
		} else {
			b.WriteString(s.Fail.Render("✗ "+m.c.S.FileLabel()+" does not load") + s.Dim.Render(" — the previous configuration keeps running") + "\n")
		}
		b.WriteString(s.Dim.Render("Fix the file and save: it reloads by itself (or press R).") + "\n\n")
		b.WriteString(strings.TrimRight(text, "\n"))
	}
	m.vp.SetContent(hardwrap(b.String(), m.vp.Width))
}

func (m *problemsModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case GatewayMsg:
		m.refresh()
	case tea.KeyMsg:
		scroll(&m.vp, m.c.Keys, msg)
	}
	return m, nil
}

func (m *problemsModel) View() string {
	return m.c.Styles.box("Gateway problems", m.c.S.FileLabel(), m.vp.View(), m.w, m.h, true)
}
