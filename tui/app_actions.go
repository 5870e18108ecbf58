package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/reload"
)

// startFire sends a request through the engine off the UI goroutine: the
// UI keeps drawing (a spinner) and Esc cancels the request's context.
func (m *Model) startFire(spec RequestSpec) tea.Cmd {
	if m.cancel != nil {
		return m.c.status(levelWarn, "a request is running — esc cancels it")
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.seq++
	run, err := m.c.S.fire(ctx, m.seq, spec)
	if err != nil {
		cancel()
		m.composer.SetError(err)
		m.setTab(tabFire)
		m.focus[tabFire] = 1
		m.syncFocus()
		return m.c.status(levelError, "not fired: %v", err)
	}
	m.cancel = cancel
	// The tab stays: firing from the cache tab shows the entries change
	// there; the header's spinner says a request runs.
	return tea.Batch(m.trace.SetBusy(&spec), func() tea.Msg { return run() })
}

// finishFire records a finished request and shows it.
func (m *Model) finishFire(msg firedMsg) tea.Cmd {
	if msg.Seq != m.seq {
		return nil
	}
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.trace.SetBusy(nil)
	m.c.S.record(msg.Entry)
	m.show(msg.Entry)
	m.cache.Update(msg)
	m.history.Update(msg)
	e := msg.Entry
	if e.Cancelled {
		return m.c.status(levelWarn, "request #%d cancelled", e.N)
	}
	if m.tab != tabFire || m.overlay != ovNone {
		return m.c.status(levelInfo, "#%d %s", e.N, ansi.Strip(m.c.Styles.resultLine(e.Result, redactorFor(e.Result, m.c.S.Reveal)))+" — 1 shows the trace")
	}
	return nil
}

// show puts an entry in the trace and response panes.
func (m *Model) show(e *Entry) {
	m.shown = e
	m.trace.Show(e)
	m.response.Show(e)
}

// advance moves the virtual clock and says what expired.
func (m *Model) advance(d time.Duration) tea.Cmd {
	if d <= 0 {
		return m.c.status(levelWarn, "the virtual clock only moves forward")
	}
	before := 0
	if e := m.c.S.Engine; e != nil {
		before = len(e.CacheEntries(""))
	}
	m.c.S.Advance(d)
	after := before
	if e := m.c.S.Engine; e != nil {
		after = len(e.CacheEntries(""))
	}
	m.broadcast(ClockMovedMsg{By: d})
	now := m.c.S.Clock.Now().UTC().Format("15:04:05")
	if before > after {
		return m.c.status(levelWarn, "clock +%s → %s: %d cache entr%s expired", compactDuration(d), now, before-after, plural(before-after, "y", "ies"))
	}
	return m.c.status(levelInfo, "clock +%s → %s", compactDuration(d), now)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (m *Model) openPrompt(kind promptKind, label, value string) tea.Cmd {
	p, cmd := newPrompt(m.c, kind, label, value)
	p.SetSize(m.w, 1)
	m.prompt = p
	return cmd
}

func (m *Model) promptDone(msg promptDoneMsg) tea.Cmd {
	m.prompt = nil
	if !msg.OK {
		return nil
	}
	switch msg.Kind {
	case promptAdvance:
		d, err := config.ParseDuration(msg.Value)
		if err != nil {
			return m.c.status(levelError, "%v", err)
		}
		return m.advance(d)
	case promptSave:
		return m.save(strings.TrimSpace(msg.Value))
	}
	return nil
}

// startSave asks where to save the marked entries (all when none is marked).
func (m *Model) startSave() tea.Cmd {
	entries := m.history.Selected()
	if len(entries) == 0 {
		return m.c.status(levelWarn, "nothing to save: fire a request first")
	}
	// A marked entry answered from the cache needs the request that
	// stored the answer, or its replay is a call, not a hit.
	entries, added := withDependencies(entries, m.c.S.History)
	m.saveEntries, m.saveAdded = entries, added
	n := len(entries)
	label := fmt.Sprintf("Save %d %s as a scenario to:", n, plural(n, "request", "requests"))
	if len(added) > 0 {
		label = fmt.Sprintf("Save %d %s (%s) as a scenario to:", n, plural(n, "request", "requests"), addedText(added))
	}
	return m.openPrompt(promptSave, label, m.freeName())
}

// freeName proposes a file name that does not exist yet.
func (m *Model) freeName() string {
	for i := 1; ; i++ {
		name := "authlab-session.yaml"
		if i > 1 {
			name = fmt.Sprintf("authlab-session-%d.yaml", i)
		}
		p := filepath.Join(m.opts.SaveDir, name)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) || i > 99 {
			return p
		}
	}
}

// save writes the scenario; an existing file is replaced only when the
// user confirms by pressing enter on the same name again.
func (m *Model) save(path string) tea.Cmd {
	if path == "" {
		return m.c.status(levelWarn, "not saved: no file name")
	}
	if _, err := os.Stat(path); err == nil && m.overwrite != path {
		m.overwrite = path
		return m.openPrompt(promptSave, path+" exists — enter replaces it:", path)
	}
	s := m.c.S
	entries := m.saveEntries
	var warn string
	cancelled, kept := 0, 0
	var saved []*Entry // what buildScenario writes: neither cancelled nor kept
	for _, e := range entries {
		switch {
		case e.Cancelled:
			cancelled++
		case e.Kept:
			kept++
		default:
			saved = append(saved, e)
		}
	}
	for _, e := range saved {
		if e.Generation != s.Generation {
			warn = " (some requests ran on an earlier version of the gateway file)"
		}
	}
	for _, e := range saved {
		if e.Flushes != saved[0].Flushes {
			warn += " (a cache flush cannot be replayed: steps after it do not expect called/cached)"
			break
		}
	}
	if cancelled > 0 {
		warn += fmt.Sprintf(" (%d cancelled %s left out)", cancelled, plural(cancelled, "request", "requests"))
	}
	if kept > 0 {
		warn += fmt.Sprintf(" (%d kept %s left out)", kept, plural(kept, "trace", "traces"))
	}
	if len(m.saveAdded) > 0 {
		warn += " (" + addedText(m.saveAdded) + ")"
	}
	if embedsGeneratedToken(saved, s) {
		warn += " (a token signed with a key generated here is written as it is: no file can mint it again)"
	}
	steps := len(saved)
	name := s.Name() + " session"
	data, err := buildScenario(entries, path, s.Path, name, s.tokens)
	if err != nil {
		return m.c.status(levelError, "not saved: %v", err)
	}
	overwrite := m.overwrite == path
	m.overwrite = ""
	// A small local file: written here, so the status line tells the truth
	// as soon as enter is pressed.
	if err := writeScenario(path, data, overwrite); err != nil {
		return m.c.status(levelError, "not saved: %v", err)
	}
	if warn != "" {
		return m.c.status(levelWarn, "saved %d %s to %s%s", steps, plural(steps, "step", "steps"), path, warn)
	}
	return m.c.status(levelInfo, "saved %d %s to %s — replay: authlab run %s", steps, plural(steps, "step", "steps"), path, path)
}

// reload loads the gateway file again. A broken file leaves the engine on
// the previous configuration and says where the file is wrong. A reload
// by hand is applied at once; if it takes protection away from a route,
// that is shown as a warning.
func (m *Model) reload(why string) tea.Cmd {
	s := m.c.S
	old := s.Gateway
	err := s.Load()
	var removed []reload.Removal
	if err == nil {
		removed = reload.Removed(old, s.Gateway)
		if m.watcher != nil {
			m.watcher.Loaded(s.Gateway)
		}
	}
	return m.loaded(why, err, removed)
}

// nextReload waits for the next live reload event, the Bubble Tea way of
// listening: the root issues it again after each one.
func (m *Model) nextReload() tea.Cmd {
	if m.watcher == nil {
		return nil
	}
	events := m.watcher.Events()
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		return reloadMsg{ev}
	}
}

// reloadEvent applies what live reload saw: a new version is swapped into
// the engine; one that does not load is shown where it is wrong while the
// previous one keeps running. A version that removes a route's authorizer
// (or its protection otherwise) may be half a save, the authorizer line not
// written yet: live reload holds it until the files have stayed the same
// for reload.Confirm, and it is then applied with a warning.
func (m *Model) reloadEvent(ev reload.Event) tea.Cmd {
	s := m.c.S
	why := "changed: " + baseNames(ev.Paths)
	switch ev.Kind {
	case reload.Held:
		return m.c.status(levelWarn, "%s: this version removes protection (%s); loading it once the file stays unchanged for %s",
			why, ev.Removed[0], reload.Confirm)
	case reload.Failed:
		s.fail(ev.Err, ev.Diags)
		return m.loaded(why, ev.Err, nil)
	case reload.Changed:
		err := s.Install(ev.Gateway)
		ev.Done(err)
		return m.loaded(why, err, ev.Removed)
	}
	return nil
}

// loaded reports a load's outcome: where the file is wrong, or what now
// runs, and loudly any protection the new version took away.
func (m *Model) loaded(why string, err error, removed []reload.Removal) tea.Cmd {
	s := m.c.S
	hadEngine := s.Engine != nil
	m.broadcast(GatewayMsg{Err: err})
	if err != nil {
		if !hadEngine {
			m.overlay = ovProblems
			m.syncFocus()
		}
		first, more := s.FirstProblem()
		if more > 0 {
			first += fmt.Sprintf(" (+%d more)", more)
		}
		return m.c.status(levelError, "%s does not load: %s", s.FileLabel(), first)
	}
	if m.overlay == ovProblems {
		m.overlay = ovNone
	}
	m.syncFocus()
	m.unguarded = removed
	if len(removed) > 0 {
		more := ""
		if len(removed) > 1 {
			more = fmt.Sprintf(" (+%d more)", len(removed)-1)
		}
		return m.c.status(levelWarn, "WARNING: %s: loaded %s, which removed protection: %s%s", why, s.FileLabel(), removed[0], more)
	}
	g := s.Gateway
	return m.c.status(levelInfo, "%s: loaded %s — %d %s, %d %s; caches start empty", why, s.FileLabel(),
		len(g.Routes), plural(len(g.Routes), "route", "routes"), len(g.Authorizers), plural(len(g.Authorizers), "authorizer", "authorizers"))
}

// baseNames lists file names for a status line.
func baseNames(paths []string) string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return strings.Join(out, ", ")
}
