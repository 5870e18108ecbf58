package tui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/probe"
	"github.com/authlab/authlab/engine/trace"
)

// ProbeMsg asks the root to probe a route (P in the routes pane).
type ProbeMsg struct{ Route *config.Route }

// probedMsg brings a finished probe back.
type probedMsg struct {
	Seq    int
	Report *probe.Report
	Err    error
}

// probeModel shows a probe's report: one row per attack with its verdict;
// enter opens the attack's trace in the stage view.
type probeModel struct {
	c      *Common
	w, h   int
	rep    *probe.Report
	rows   []*probe.Attack
	cursor int
	offset int
	// done and total count the requests of the probe in flight, which
	// runs off the UI goroutine.
	done, total atomic.Int64
}

var _ Component = (*probeModel)(nil)

func newProbe(c *Common) *probeModel { return &probeModel{c: c} }

func (m *probeModel) Init() tea.Cmd    { return nil }
func (m *probeModel) SetSize(w, h int) { m.w, m.h = w, h }

func (m *probeModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.OpenTrace, k.Reveal, k.Back}
}

func (m *probeModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.OpenTrace, k.Reveal, k.Back}}
}

// Show puts a report on display; the first accepted attack is selected,
// else the first one.
func (m *probeModel) Show(r *probe.Report) {
	m.rep, m.cursor, m.offset = r, 0, 0
	m.rows = rowsOf(r)
	for i, a := range m.rows {
		if a.Verdict == probe.Accepted && a.ID != "baseline" {
			m.cursor = i
			return
		}
	}
}

func (m *probeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || m.rep == nil {
		return m, nil
	}
	k := m.c.Keys
	switch {
	case matches(km, k.Up):
		m.cursor = max(0, m.cursor-1)
	case matches(km, k.Down):
		m.cursor = min(len(m.rows)-1, m.cursor+1)
	case matches(km, k.Top):
		m.cursor = 0
	case matches(km, k.Bottom):
		m.cursor = max(0, len(m.rows)-1)
	case matches(km, k.OpenTrace):
		if m.cursor >= len(m.rows) {
			return m, nil
		}
		a := m.rows[m.cursor]
		if a.Result == nil {
			return m, m.c.status(levelInfo, "%s was not sent: %s", a.Name, a.Why)
		}
		m.c.post(openProbeTraceMsg{Attack: a, N: m.cursor})
	}
	return m, nil
}

// openProbeTraceMsg opens an attack's trace in the stage view.
type openProbeTraceMsg struct {
	Attack *probe.Attack
	N      int
}

func (m *probeModel) View() string {
	s := m.c.Styles
	if m.rep == nil {
		msg := "probing…"
		if t := m.total.Load(); t > 0 {
			msg = fmt.Sprintf("probing: %d of about %d requests sent…", m.done.Load(), t)
		}
		return s.box("Probe", "", s.Dim.Render(msg+" esc cancels"), m.w, m.h, true)
	}
	r := m.rep.Shown(m.c.S.Reveal)
	inner := m.w - 2
	var head []string
	c := r.Counts()
	title := fmt.Sprintf("%s %s", r.Method, r.Target)
	if r.Route != "" {
		title += s.Dim.Render(" → " + r.Route)
	}
	if r.Authorizer != "" {
		title += s.Dim.Render(fmt.Sprintf(" · %s (%s)", r.Authorizer, r.AuthorizerType))
	}
	head = append(head, title)
	sum := fmt.Sprintf("%d refused · %d accepted · %d %s · %d skipped", c.Refused, c.Accepted, c.Notes, plural(c.Notes, "note", "notes"), c.Skipped)
	switch {
	case r.Problem != "":
		head = append(head, s.Fail.Render("not probed: ")+r.Problem)
	case c.Accepted > 0:
		head = append(head, s.Fail.Render(sum))
	default:
		head = append(head, s.OK.Render(sum))
	}
	for _, n := range r.Notes {
		head = append(head, s.StatusWarn.Render("note: ")+n)
	}
	// The selected row's details take the bottom lines.
	rows := rowsOf(r)
	var detail []string
	if m.cursor < len(rows) {
		detail = m.detail(rows[m.cursor], inner)
	}
	visible := max(1, m.h-2-len(head)-len(detail))
	m.offset = window(m.offset, m.cursor, visible, len(rows))
	lines := append([]string(nil), head...)
	for i := m.offset; i < len(rows) && i < m.offset+visible; i++ {
		lines = append(lines, fit(s.listMark(i == m.cursor, true)+m.row(rows[i]), inner))
	}
	for len(lines) < m.h-2-len(detail) {
		lines = append(lines, "")
	}
	lines = append(lines, detail...)
	note := fmt.Sprintf("%d/%d", m.cursor+1, len(m.rows))
	return s.box("Probe", note, strings.Join(lines, "\n"), m.w, m.h, true)
}

// row is one attack: verdict, group, name, status and the authorizer.
func (m *probeModel) row(a *probe.Attack) string {
	s := m.c.Styles
	mark := a.Verdict.Mark() + " " + fmt.Sprintf("%-8s", probe.VerdictWord(a.Verdict))
	switch a.Verdict {
	case probe.Refused, probe.Passed:
		mark = s.OK.Render(mark)
	case probe.Accepted:
		mark = s.Fail.Render(mark)
	case probe.Note:
		mark = s.StatusWarn.Render(mark)
	default:
		mark = s.Skip.Render(mark)
	}
	group := a.Group
	name := a.Name
	if a.ID == "baseline" {
		// The credential the attacks start from, or one that was refused.
		group, name, mark = "", strings.TrimPrefix(a.Name, "baseline: "), s.OK.Render("● baseline")
		if a.Verdict == probe.Refused {
			mark = s.Fail.Render("✗ refused ")
		}
	}
	status := ""
	if a.Result != nil {
		status = s.StatusCode(a.Status).Render(fmt.Sprintf("%d", a.Status)) + s.Dim.Render(" "+a.Outcome)
	}
	return fmt.Sprintf("%s %s %s  %s", mark, s.Dim.Render(fmt.Sprintf("%-13s", truncate(group, 13))), name, status)
}

// rowsOf lists the report's rows: the baseline, the refused candidates,
// then the attacks.
func rowsOf(r *probe.Report) []*probe.Attack {
	var out []*probe.Attack
	if r.Baseline != nil {
		out = append(out, r.Baseline)
	}
	return append(append(out, r.Tried...), r.Attacks...)
}

// detail is what the selected row sent and got, and its reference.
func (m *probeModel) detail(a *probe.Attack, w int) []string {
	s := m.c.Styles
	out := []string{s.Border.Render(strings.Repeat("─", w))}
	add := func(label, text string) {
		if text == "" {
			return
		}
		for j, l := range wrapLines(text, max(10, w-10)) {
			if j == 0 {
				out = append(out, s.Key.Render(fmt.Sprintf("%-9s", label))+" "+l)
			} else {
				out = append(out, "          "+l)
			}
		}
	}
	for _, pl := range a.Sent {
		add("sent", pl.Where+": "+pl.Value)
	}
	add("header", a.Header)
	if a.Result != nil {
		add("answer", fmt.Sprintf("%d %s · authorizer %s: %s", a.Status, http.StatusText(a.Status), a.Outcome, a.Answer))
	}
	add("why", a.Why)
	add("ref", a.Reference)
	if a.Result != nil {
		out = append(out, s.Dim.Render("enter opens the trace"))
	}
	return out
}

// startProbe runs the battery on the selected route off the UI
// goroutine, on an engine of its own at the session's virtual time: the
// attacks flush caches and count calls there, not in the session.
func (m *Model) startProbe(r *config.Route) tea.Cmd {
	if m.cancel != nil {
		return m.c.status(levelWarn, "a request is running — esc cancels it")
	}
	s := m.c.S
	if s.Gateway == nil {
		return m.c.status(levelError, "no gateway is loaded: fix the gateway file first (! shows its problems)")
	}
	if r.Authorizer == "" {
		return m.c.status(levelWarn, "%s has no authorizer: there is nothing to probe", r.Path)
	}
	opts := s.opts
	opts.Clock = clock.NewVirtual(s.Clock.Now())
	e, err := engine.New(s.Gateway, opts)
	if err != nil {
		return m.c.status(levelError, "probe: %v", err)
	}
	po := m.probeOptions(r, e)
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.seq++
	seq := m.seq
	m.probe.rep = nil
	m.probe.done.Store(0)
	m.probe.total.Store(0)
	po.Progress = func(done, total int) {
		m.probe.done.Store(int64(done))
		m.probe.total.Store(int64(total))
	}
	m.overlay = ovProbe
	m.syncFocus()
	run := func() tea.Msg {
		defer e.Close()
		rep, err := probe.Run(ctx, e, po)
		return probedMsg{Seq: seq, Report: rep, Err: err}
	}
	return tea.Batch(m.trace.SetBusy(&RequestSpec{Method: po.Method, Target: po.Target + " (probe)"}), run,
		m.c.status(levelInfo, "probing %s %s — esc cancels", po.Method, po.Target))
}

// probeOptions picks the request and the candidate credentials: the
// composer's request and token when it is on this route, then the
// gateway's named tokens, the mock tables' tokens and the minted ones.
func (m *Model) probeOptions(r *config.Route, e *engine.Engine) probe.Options {
	s := m.c.S
	method := "GET"
	if len(r.Methods) > 0 && !containsFold(r.Methods, "GET") && !containsFold(r.Methods, "ANY") {
		method = strings.ToUpper(r.Methods[0])
	}
	po := probe.Options{Method: method, Target: probe.ConcretePath(r.Path)}
	spec := m.composer.Spec()
	path, _, _ := strings.Cut(spec.Target, "?")
	var creds []probe.Credential
	if probe.MatchesTemplate(r.Path, path) {
		po.Method, po.Target = spec.Method, spec.Target
		slot, err := e.TokenSlot(spec.Method, path)
		for _, h := range spec.Headers {
			name, value, _ := strings.Cut(h, ":")
			if err == nil && slot.Kind == config.SrcHeader && strings.EqualFold(strings.TrimSpace(name), slot.Name) {
				creds = append(creds, probe.Credential{Label: "the composer's token", Token: strings.TrimSpace(value)})
				continue
			}
			po.Headers = append(po.Headers, h)
		}
		if req, rerr := spec.Build(); err == nil && rerr == nil && slot.Kind == config.SrcQuery {
			if v := req.Query.Get(slot.Name); v != "" {
				creds = append(creds, probe.Credential{Label: "the composer's token", Token: v})
			}
		}
	}
	creds = append(creds, probe.GatewayTokens(s.Gateway, s.Clock.Now())...)
	for _, t := range namedTokens(s.Gateway, r.Authorizer) {
		creds = append(creds, probe.Credential{Label: "mock token " + abbreviate(t.Value), Token: t.Value})
	}
	for i := len(s.Minted) - 1; i >= 0; i-- {
		creds = append(creds, probe.Credential{Label: "minted: " + s.Minted[i].Label, Token: s.Minted[i].Token})
	}
	po.Credentials = creds
	return po
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// finishProbe shows a finished probe.
func (m *Model) finishProbe(msg probedMsg) tea.Cmd {
	if msg.Seq != m.seq {
		return nil
	}
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.trace.SetBusy(nil)
	if msg.Err != nil {
		m.overlay = ovNone
		m.syncFocus()
		return m.c.status(levelError, "probe: %v", msg.Err)
	}
	m.probe.Show(msg.Report)
	m.overlay = ovProbe
	m.syncFocus()
	c := msg.Report.Counts()
	switch {
	case msg.Report.Problem != "":
		return m.c.status(levelError, "not probed: %s", msg.Report.Problem)
	case c.Accepted > 0:
		return m.c.status(levelError, "%d %s accepted — enter opens the trace", c.Accepted, plural(c.Accepted, "attack", "attacks"))
	}
	return m.c.status(levelInfo, "every attack that ran was refused (%d skipped)", c.Skipped)
}

// openProbeTrace shows an attack's trace in the stage view, at the stage
// that decided; esc comes back to the probe.
func (m *Model) openProbeTrace(msg openProbeTraceMsg) {
	res := msg.Attack.Result
	e := &Entry{N: msg.N + 1, Spec: specOf(res.Request), Result: res, At: res.Trace.Time, Generation: -1}
	idx := 0
	for i, st := range res.Trace.Stages {
		if st.Status == trace.Fail {
			idx = i
			break
		}
		if st.Name == trace.Authorizer {
			idx = i
		}
	}
	m.stage.Open(e, idx)
	m.overlay, m.back = ovStage, ovProbe
	m.syncFocus()
}
