package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// promptModel asks for one line (a duration, a file name) in the status
// bar, so the panes stay visible while the user types.
type promptModel struct {
	c     *Common
	kind  promptKind
	label string
	input textinput.Model
	w     int
	// fresh: the suggested value is still untouched; typing replaces it
	// (typing 299s after the suggested 5m must not give 5m299s).
	fresh bool
}

var _ Component = (*promptModel)(nil)

func newPrompt(c *Common, kind promptKind, label, value string) (*promptModel, tea.Cmd) {
	p := &promptModel{c: c, kind: kind, label: label, input: newInput(c.Styles, "")}
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.fresh = value != ""
	return p, p.input.Focus()
}

func (p *promptModel) Init() tea.Cmd   { return nil }
func (p *promptModel) Capturing() bool { return true }

func (p *promptModel) SetSize(w, _ int) {
	p.w = w
	p.input.Width = max(4, w-len(p.label)-4)
}

func (p *promptModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Confirm, k.Back}
}

func (p *promptModel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

func (p *promptModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case matches(km, p.c.Keys.Confirm):
			v, kind := p.input.Value(), p.kind
			p.c.post(promptDoneMsg{Kind: kind, Value: v, OK: true})
			return p, nil
		case matches(km, p.c.Keys.Back):
			kind := p.kind
			p.c.post(promptDoneMsg{Kind: kind})
			return p, nil
		}
		if p.fresh && km.Type == tea.KeyRunes {
			p.input.SetValue("")
		}
		p.fresh = false
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return p, cmd
}

func (p *promptModel) View() string {
	return p.c.Styles.LabelFocus.Render(p.label+" ") + p.input.View()
}
