package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine/trace"
)

// traceModel shows the trace of the request on display: one line per
// stage with its status, duration and summary. Enter opens a stage.
type traceModel struct {
	c       *Common
	w, h    int
	focused bool
	entry   *Entry
	cursor  int
	offset  int

	busy    *RequestSpec // the request running, if any
	spinner spinner.Model
}

var _ Component = (*traceModel)(nil)

func newTrace(c *Common) *traceModel {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Spinner))
	return &traceModel{c: c, spinner: sp}
}

func (m *traceModel) Init() tea.Cmd     { return nil }
func (m *traceModel) SetSize(w, h int)  { m.w, m.h = w, h }
func (m *traceModel) SetFocused(f bool) { m.focused = f }

func (m *traceModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.busy != nil {
		return []key.Binding{k.Cancel}
	}
	return []key.Binding{k.Up, k.Down, k.OpenStage}
}

func (m *traceModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Show puts an entry on display and selects its deciding stage: the
// failed one, else the authorizer — where a developer looks first.
func (m *traceModel) Show(e *Entry) {
	m.entry = e
	m.cursor = 0
	if e == nil || e.Result == nil {
		return
	}
	for i, st := range e.Result.Trace.Stages {
		if st.Status == trace.Fail {
			m.cursor = i
			return
		}
	}
	for i, st := range e.Result.Trace.Stages {
		if st.Name == "authorizer" {
			m.cursor = i
		}
	}
}

// SetBusy starts (spec non-nil) or stops the spinner.
func (m *traceModel) SetBusy(spec *RequestSpec) tea.Cmd {
	m.busy = spec
	if spec != nil {
		return m.spinner.Tick
	}
	return nil
}

func (m *traceModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if m.busy == nil {
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		if m.entry == nil || m.entry.Result == nil {
			return m, nil
		}
		n := len(m.entry.Result.Trace.Stages)
		k := m.c.Keys
		switch {
		case matches(msg, k.Up):
			m.cursor = max(0, m.cursor-1)
		case matches(msg, k.Down):
			m.cursor = min(n-1, m.cursor+1)
		case matches(msg, k.Top):
			m.cursor = 0
		case matches(msg, k.Bottom):
			m.cursor = n - 1
		case matches(msg, k.OpenStage):
			i := m.cursor
			m.c.post(OpenStageMsg{Index: i})
			return m, nil
		}
	}
	return m, nil
}

func (m *traceModel) View() string {
	s := m.c.Styles
	h := max(1, m.h-2)
	var lines []string
	note := ""
	switch {
	case m.busy != nil:
		lines = append(lines, m.spinner.View()+" "+m.busy.String()+s.Dim.Render("  running… esc cancels"))
	case m.entry == nil:
		lines = append(lines, s.Dim.Render("Nothing fired yet."),
			s.Dim.Render("↑/↓ and enter put a route in the composer (the first"),
			s.Dim.Render("protected one is there); t picks a token, f fires."))
	}
	if m.busy == nil && m.entry != nil && m.entry.Result != nil {
		res := m.entry.Result
		red := redactorFor(res, m.c.S.Reveal)
		head := s.resultLine(res, red)
		if m.entry.Cancelled {
			// No answer came back: the status the engine gave up with is
			// not one (history and saved scenarios say the same).
			head = fmt.Sprintf("%s %s → %s", s.Bold.Render(red.Line(res.Request.Method)), red.Line(res.Request.Target()),
				s.StatusWarn.Render("cancelled — no answer"))
		}
		lines = append(lines, head)
		stages := res.Trace.Stages
		visible := max(1, h-1)
		m.offset = window(m.offset, m.cursor, visible, len(stages))
		for i := m.offset; i < len(stages) && i < m.offset+visible; i++ {
			lines = append(lines, s.listMark(i == m.cursor, m.focused)+s.stageLine(stages[i], red))
		}
		// Spare rows preview the selected stage, so the deciding facts
		// (the policy statement, the header changes) show without Enter.
		if spare := h - len(lines); spare >= 3 && m.cursor < len(stages) && hasDetails(stages[m.cursor]) {
			st := stages[m.cursor]
			lines = append(lines, s.Border.Render("── "+st.Name+" "+strings.Repeat("─", max(0, m.w-6-len(st.Name)))))
			detail := strings.Split(hardwrap(s.stageDetail(st, red, m.w-4), m.w-4), "\n")
			// Skip the stage's name, summary and rules (on its line above):
			// the details start after the first blank line.
			rest := []string(nil)
			for i, l := range detail {
				if l == "" {
					rest = detail[i+1:]
					break
				}
			}
			detail = rest
			for i, l := range detail {
				if i == spare-2 && len(detail) > spare-1 {
					lines = append(lines, s.Dim.Render("  … enter shows all"))
					break
				}
				lines = append(lines, "  "+l)
			}
		}
		note = fmt.Sprintf("#%d · %s", m.entry.N, m.entry.At.UTC().Format("15:04:05"))
	}
	return s.box("Trace", note, strings.Join(lines, "\n"), m.w, m.h, m.focused)
}

// hasDetails reports whether a stage recorded more than its summary.
func hasDetails(st *trace.Stage) bool { return len(st.Details) > 0 || len(st.Changes) > 0 }
