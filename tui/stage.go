package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine/trace"
)

// stageModel is one stage opened in full: the exact event sent to the
// authorizer, its raw answer and logs, the cache key and TTL, the policy
// statement that decided, every header set, removed or overwritten.
type stageModel struct {
	c     *Common
	w, h  int
	entry *Entry
	index int
	vp    viewport.Model
}

var _ Component = (*stageModel)(nil)

func newStage(c *Common) *stageModel { return &stageModel{c: c, vp: viewport.New(0, 0)} }

func (m *stageModel) Init() tea.Cmd { return nil }

func (m *stageModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vp.Width, m.vp.Height = max(1, w-2), max(1, h-2)
	m.refresh()
}

func (m *stageModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.PrevStage, k.Up, k.Down, k.Reveal, k.Back}
}

func (m *stageModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.PrevStage, k.NextStage}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Reveal, k.Back}}
}

// Open shows stage i of an entry.
func (m *stageModel) Open(e *Entry, i int) {
	m.entry, m.index = e, i
	m.refresh()
	m.vp.GotoTop()
}

func (m *stageModel) refresh() {
	if m.entry == nil || m.entry.Result == nil {
		return
	}
	stages := m.entry.Result.Trace.Stages
	if m.index < 0 || m.index >= len(stages) {
		return
	}
	red := redactorFor(m.entry.Result, m.c.S.Reveal)
	st := stages[m.index]
	text := m.c.Styles.stageDetail(st, red, m.vp.Width)
	if head := m.headline(st); head != "" {
		text = m.c.Styles.Bold.Render(head) + "\n\n" + text
	}
	_, lambda := st.Get("event")
	if up := m.entry.Result.Upstream; st.Name == trace.Backend && up != nil && !lambda {
		// What the backend received, after every transformation: the
		// headers a backend developer trusts.
		text += "\n\n" + m.c.Styles.Bold.Render("what reached the backend") + "\n" + red.Line(up.Method) + " " + red.Line(up.Path)
		if len(up.Query) > 0 {
			text += "?" + red.Line(up.Query.Encode())
		}
		for _, k := range sortedKeys(up.Header) {
			for _, v := range up.Header[k] {
				text += "\n" + m.c.Styles.Key.Render(red.Line(k)+":") + " " + red.Line(v)
			}
		}
	}
	m.vp.SetContent(hardwrap(text, m.vp.Width))
}

// headline says in one line what a stage's gateway-level details mean:
// which gateway response answered a refusal (AWS-G4), that the backend is
// a Lambda function whose event and answer follow (AWS-L1), that the
// gateway answered a preflight itself (AWSH-CORS3).
func (m *stageModel) headline(st *trace.Stage) string {
	switch st.Name {
	case trace.FailureResponse:
		if d, ok := st.Get("gatewayResponse"); ok {
			line := "gateway response " + d.Value
			if t, ok := st.Get("gatewayResponse.template"); ok {
				line += " · template " + t.Value
			}
			return line
		}
		if d, ok := st.Get("cors"); ok {
			return "CORS: " + d.Value
		}
	case trace.Backend:
		if _, ok := st.Get("event"); ok {
			what := "Lambda proxy integration: the event is what the function received"
			if _, ok := st.Get("response"); ok {
				what += ", the response what it returned"
			}
			if _, ok := st.Get("logs"); ok {
				what += ", then its log lines"
			}
			return what
		}
	case trace.Route:
		for _, r := range st.Rules {
			if r == "AWSH-CORS3" {
				return "CORS preflight answered by the gateway: no authorizer, no integration"
			}
		}
	case trace.ResponseTransform:
		if d, ok := st.Get("cors"); ok {
			return "gateway CORS: " + d.Value
		}
	}
	return ""
}

func (m *stageModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	msg2, ok := msg.(tea.KeyMsg)
	if !ok || m.entry == nil || m.entry.Result == nil {
		return m, nil
	}
	n := len(m.entry.Result.Trace.Stages)
	k := m.c.Keys
	switch {
	case matches(msg2, k.PrevStage):
		if m.index > 0 {
			m.Open(m.entry, m.index-1)
		}
	case matches(msg2, k.NextStage):
		if m.index < n-1 {
			m.Open(m.entry, m.index+1)
		}
	default:
		scroll(&m.vp, k, msg2)
	}
	return m, nil
}

func (m *stageModel) View() string {
	if m.entry == nil || m.entry.Result == nil {
		return ""
	}
	res := m.entry.Result
	stages := res.Trace.Stages
	if m.index < 0 || m.index >= len(stages) {
		return ""
	}
	title := fmt.Sprintf("Stage %d/%d · %s", m.index+1, len(stages), stages[m.index].Name)
	note := fmt.Sprintf("#%d %s → %d", m.entry.N, m.entry.Spec.String(), res.Response.Status)
	if sn := scrollNote(m.vp); sn != "" {
		note = sn + " · " + note
	}
	note = redactorFor(res, m.c.S.Reveal).Line(note)
	return m.c.Styles.box(title, note, m.vp.View(), m.w, m.h, true)
}
