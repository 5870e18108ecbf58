package tui

import (
	"context"
	"sort"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/reload"
)

// tab is one page of the TUI.
type tab int

const (
	tabFire tab = iota
	tabTokens
	tabCache
	tabHistory
	tabCount
)

var tabNames = [tabCount]string{"Fire", "Tokens", "Cache & clock", "History"}

// overlay is a view that takes the whole body for a while.
type overlay int

const (
	ovNone overlay = iota
	ovStage
	ovCompare
	ovProblems
	ovProbe
)

// Model is the root: it owns the session, lays the panes out, routes
// messages to them and interprets the keys no pane claims.
type Model struct {
	c    *Common
	opts Options
	w, h int

	tab     tab
	focus   [tabCount]int
	overlay overlay

	routes   *routesModel
	composer *composerModel
	trace    *traceModel
	response *responseModel
	mint     *mintModel
	decode   *decodeModel
	cache    *cacheModel
	history  *historyModel
	stage    *stageModel
	compare  *compareModel
	problems *problemsModel
	prompt   *promptModel
	probe    *probeModel
	// back is the overlay esc returns to (the probe, from an attack's trace).
	back overlay

	help        help.Model
	status      string
	statusLevel statusLevel
	statusID    int

	seq    int
	cancel context.CancelFunc
	shown  *Entry

	saveEntries []*Entry
	saveAdded   []string // entries saved for another's cache hit ("#1 for #3")
	overwrite   string   // a path the user agreed to replace

	// watcher is live reload of the gateway and the files it names;
	// unguarded is the protection the last reload removed, shown in the
	// banner until the next one.
	watcher   *reload.Watcher
	unguarded []reload.Removal
	closed    bool
}

// New builds the TUI and loads the gateway. An invalid gateway does not
// stop it: it opens on the problems screen and reloads when the file is
// fixed.
func New(o Options) *Model {
	if o.Start.IsZero() {
		o.Start = time.Now().UTC().Truncate(time.Second)
	}
	if o.Renderer == nil {
		o.Renderer = newRenderer(o.Out, !o.NoColor)
	}
	s := NewSession(o.Gateway, o.Start, o.Engine)
	c := &Common{Styles: NewStyles(o.Renderer, !o.NoColor), Keys: DefaultKeyMap(), S: s}
	err := s.Load()
	m := &Model{c: c, opts: o,
		routes: newRoutes(c), composer: newComposer(c), trace: newTrace(c), response: newResponse(c),
		mint: newMint(c, o.Engine.Random), decode: newDecode(c), cache: newCache(c), history: newHistory(c),
		stage: newStage(c), compare: newCompare(c), problems: newProblems(c), probe: newProbe(c), help: help.New(),
	}
	m.help.Styles = c.Styles.Help
	// The routes have the focus, with the first protected route already in
	// the composer: arrows and enter choose a route, t and f fire it.
	m.focus[tabFire] = 0
	m.firstRoute()
	if err != nil {
		m.overlay = ovProblems
	}
	if !o.NoWatch && o.Gateway != "" {
		if w, werr := reload.Watch(o.Gateway, s.Gateway, reload.Options{}); werr == nil {
			m.watcher = w
		}
	}
	for _, r := range o.Traces {
		e := &Entry{Spec: specOf(r.Request), Result: r, At: r.Trace.Time, Generation: -1, Kept: true}
		s.record(e)
		m.history.Update(firedMsg{Entry: e})
		m.show(e)
	}
	if o.Notice != "" {
		c.status(levelWarn, "%s", o.Notice)
	}
	if n := len(o.Traces); n > 0 && err == nil {
		// What the user asked to see: the traces, in the history.
		m.tab = tabHistory
		c.status(levelInfo, "%d %s loaded — enter shows one, space marks two and c compares them", n, plural(n, "trace", "traces"))
	}
	m.syncFocus()
	return m
}

// firstRoute selects the first route with an authorizer (else the first
// route) and puts it in the composer.
func (m *Model) firstRoute() {
	rs := m.routes.routes()
	if len(rs) == 0 {
		return
	}
	i := 0
	for j, r := range rs {
		if r.Authorizer != "" {
			i = j
			break
		}
	}
	m.routes.cursor = i
	m.composer.useRoute(UseRouteMsg{Path: rs[i].Path, Methods: rs[i].Methods})
	m.composer.focus = 0 // the method, the first field, when tab gets there
}

// specOf describes a kept request the way the composer would.
func specOf(r *engine.Request) RequestSpec {
	spec := RequestSpec{Method: r.Method, Target: r.Target(), Body: string(r.Body)}
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.Header[k] {
			spec.Headers = append(spec.Headers, k+": "+v)
		}
	}
	return spec
}

// Close stops a request in flight, the file watcher and the engine's
// function workers. Run calls it; tests that drive New directly do too.
func (m *Model) Close() {
	if m.closed {
		return
	}
	m.closed = true
	if m.cancel != nil {
		m.cancel()
	}
	if m.watcher != nil {
		m.watcher.Close()
	}
	m.c.S.Close()
}

// Session exposes the state, for tests and for callers embedding the TUI.
func (m *Model) Session() *Session { return m.c.S }

func (m *Model) Init() tea.Cmd { return m.nextReload() }

// panes of a tab, in tab order.
func (m *Model) panes(t tab) []Component {
	switch t {
	case tabFire:
		return []Component{m.routes, m.composer, m.trace, m.response}
	case tabTokens:
		return []Component{m.mint, m.decode}
	case tabCache:
		return []Component{m.cache}
	}
	return []Component{m.history}
}

// active is the component that gets keys: the prompt, an overlay, or the
// focused pane of the tab.
func (m *Model) active() Component {
	if m.prompt != nil {
		return m.prompt
	}
	switch m.overlay {
	case ovStage:
		return m.stage
	case ovCompare:
		return m.compare
	case ovProblems:
		return m.problems
	case ovProbe:
		return m.probe
	}
	ps := m.panes(m.tab)
	return ps[min(m.focus[m.tab], len(ps)-1)]
}

func (m *Model) capturing() bool {
	c, ok := m.active().(capturer)
	return ok && c.Capturing()
}

// syncFocus tells each pane whether it has the focus.
func (m *Model) syncFocus() {
	for t := tab(0); t < tabCount; t++ {
		for i, p := range m.panes(t) {
			if f, ok := p.(focuser); ok {
				f.SetFocused(t == m.tab && i == m.focus[t] && m.overlay == ovNone)
			}
		}
	}
}

func (m *Model) setTab(t tab) {
	m.tab, m.back = t, ovNone
	if m.overlay != ovProblems || m.c.S.Engine != nil {
		m.overlay = ovNone
	}
	m.syncFocus()
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmds := []tea.Cmd{m.update(msg)}
	// Messages the panes posted while handling msg, and those they post in
	// turn, are handled now, in order.
	for len(m.c.queue) > 0 {
		next := m.c.queue[0]
		m.c.queue = m.c.queue[1:]
		cmds = append(cmds, m.update(next))
	}
	return m, tea.Batch(cmds...)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
		return nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case spinner.TickMsg:
		_, cmd := m.trace.Update(msg)
		return cmd
	case FireMsg:
		if msg.FromHistory {
			m.composer.Load(msg.Spec)
		}
		return m.startFire(msg.Spec)
	case firedMsg:
		return m.finishFire(msg)
	case ProbeMsg:
		return m.startProbe(msg.Route)
	case probedMsg:
		return m.finishProbe(msg)
	case openProbeTraceMsg:
		m.openProbeTrace(msg)
	case ShowEntryMsg:
		m.show(msg.Entry)
		m.composer.Load(msg.Entry.Spec) // the composer shows what is shown
		m.setTab(tabFire)
		m.focus[tabFire] = 2
		m.syncFocus()
	case UseRouteMsg:
		m.composer.Update(msg)
		m.focus[tabFire] = 1
		m.syncFocus()
		return m.c.status(levelInfo, "%s in the composer — t picks a token, f fires", msg.Path)
	case UseTokenMsg:
		m.composer.Update(msg)
		m.setTab(tabFire)
		m.focus[tabFire] = 1
		m.syncFocus()
		return m.c.status(levelInfo, "token set in %s — f fires", slotName(m.composer.tokenSlot()))
	case OpenStageMsg:
		if m.shown != nil {
			m.stage.Open(m.shown, msg.Index)
			m.overlay, m.back = ovStage, ovNone
			m.syncFocus()
		}
	case CompareMsg:
		m.compare.Open(msg.A, msg.B)
		m.overlay = ovCompare
		m.syncFocus()
	case promptDoneMsg:
		return m.promptDone(msg)
	case reloadMsg:
		return tea.Batch(m.reloadEvent(msg.ev), m.nextReload())
	case mintedMsg:
		m.decode.Update(msg)
	case StatusMsg:
		m.statusID++
		m.status, m.statusLevel = msg.Text, msg.Level
		id := m.statusID
		ttl := m.opts.StatusFor
		if ttl <= 0 {
			ttl = 6 * time.Second
		}
		return tea.Tick(ttl, func(time.Time) tea.Msg { return clearStatusMsg{ID: id} })
	case clearStatusMsg:
		if msg.ID == m.statusID {
			m.status = ""
		}
	}
	return nil
}

// handleKey gives a key to whoever owns it: a pane that is capturing
// text, else the global bindings, else the active pane.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if matches(msg, k.ForceQuit) {
		return m.quit()
	}
	if m.capturing() {
		_, cmd := m.active().Update(msg)
		return cmd
	}
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		// Keys typed faster than a frame arrive as one message ("jj"):
		// outside a text field each is a command of its own.
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	if m.c.S.Engine == nil {
		// Nothing runs yet: only the problems screen, reload and quit.
		switch {
		case matches(msg, k.Quit):
			return m.quit()
		case matches(msg, k.Reload):
			return m.reload("reloaded by hand")
		case matches(msg, k.Help):
			m.help.ShowAll = !m.help.ShowAll
			m.layout()
			return nil
		}
		_, cmd := m.problems.Update(msg)
		return cmd
	}
	switch {
	case matches(msg, k.Quit):
		return m.quit()
	case matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return nil
	case matches(msg, k.Cancel) && m.cancel != nil:
		m.cancel()
		return m.c.status(levelWarn, "cancelling the request…")
	case matches(msg, k.Back) && m.overlay != ovNone:
		m.overlay, m.back = m.back, ovNone
		m.syncFocus()
		return nil
	case m.overlay == ovNone && matches(msg, k.NextPane):
		m.focus[m.tab] = (m.focus[m.tab] + 1) % len(m.panes(m.tab))
		m.syncFocus()
		return nil
	case m.overlay == ovNone && matches(msg, k.PrevPane):
		n := len(m.panes(m.tab))
		m.focus[m.tab] = (m.focus[m.tab] + n - 1) % n
		m.syncFocus()
		return nil
	case matches(msg, k.TabFire):
		m.setTab(tabFire)
		return nil
	case matches(msg, k.TabTokens):
		m.setTab(tabTokens)
		return nil
	case matches(msg, k.TabCache):
		m.setTab(tabCache)
		return nil
	case matches(msg, k.TabHist):
		m.setTab(tabHistory)
		return nil
	case matches(msg, k.Fire):
		return m.startFire(m.composer.Spec())
	case matches(msg, k.Advance):
		return m.advance(5 * time.Minute)
	case matches(msg, k.AdvanceBy):
		return m.openPrompt(promptAdvance, "Advance the virtual clock by:", "5m")
	case matches(msg, k.Reveal):
		m.c.S.Reveal = !m.c.S.Reveal
		m.refreshAll()
		if m.c.S.Reveal {
			return m.c.status(levelWarn, "secrets are shown in full (v hides them)")
		}
		return m.c.status(levelInfo, "secrets are abbreviated")
	case matches(msg, k.Reload):
		return m.reload("reloaded by hand")
	case matches(msg, k.Problems):
		m.problems.refresh()
		m.overlay = ovProblems
		m.syncFocus()
		return nil
	case matches(msg, k.Save):
		return m.startSave()
	}
	_, cmd := m.active().Update(msg)
	return cmd
}

func (m *Model) quit() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Quit
}

// refreshAll re-renders the panes that cache rendered text.
func (m *Model) refreshAll() {
	m.response.refresh()
	m.stage.refresh()
	m.compare.refresh()
	m.decode.refresh()
	m.problems.refresh()
}

// broadcast gives a message every pane reacts to (a reload, a clock move).
func (m *Model) broadcast(msg tea.Msg) {
	for _, p := range []Component{m.routes, m.mint, m.decode, m.cache, m.problems} {
		p.Update(msg)
	}
}

// helpKeys is the help bar: the active pane's keys, then the global ones.
func (m *Model) helpKeys() help.KeyMap {
	return helpMap{m: m}
}

type helpMap struct{ m *Model }

func (h helpMap) ShortHelp() []key.Binding {
	m, k := h.m, h.m.c.Keys
	a := m.active()
	out := append([]key.Binding(nil), a.ShortHelp()...)
	if m.capturing() {
		return out
	}
	if m.c.S.Engine == nil {
		return append(out, k.Help)
	}
	if m.cancel != nil {
		out = append([]key.Binding{k.Cancel}, out...)
	}
	if m.overlay == ovNone {
		out = append(out, k.NextPane)
		if m.tab != tabFire || m.focus[tabFire] != 1 {
			out = append(out, k.Fire)
		}
	}
	return onceEach([][]key.Binding{append(out, k.Help, k.Quit)})[0]
}

func (h helpMap) FullHelp() [][]key.Binding {
	m, k := h.m, h.m.c.Keys
	groups := append([][]key.Binding(nil), m.active().FullHelp()...)
	if m.capturing() {
		return groups
	}
	// The pane's keys in one column, then the global ones: narrow
	// terminals show as many columns as fit.
	var pane []key.Binding
	for _, g := range groups {
		pane = append(pane, g...)
	}
	global := []key.Binding{k.Fire, k.Advance, k.AdvanceBy, k.Save, k.Quit}
	if m.cancel != nil {
		// esc cancels only while a request is in flight.
		global = append([]key.Binding{k.Cancel}, global...)
	}
	return onceEach([][]key.Binding{pane, global,
		{k.NextPane, k.PrevPane, k.Tabs, k.Reveal, k.Reload, k.Problems, k.Help}})
}

// onceEach lists each key once: a binding whose key an earlier one already
// shows (the pane's own, which says what the key does there) is left out,
// and so is a column left empty.
func onceEach(cols [][]key.Binding) [][]key.Binding {
	seen := map[string]bool{}
	var out [][]key.Binding
	for _, col := range cols {
		var kept []key.Binding
		for _, b := range col {
			if k := b.Help().Key; !seen[k] {
				seen[k] = true
				kept = append(kept, b)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}
