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
	"github.com/authlab/authlab/engine/reloadguard"
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
	m.saveEntries = entries
	n := len(entries)
	return m.openPrompt(promptSave, fmt.Sprintf("Save %d %s as a scenario to:", n, plural(n, "request", "requests")), m.freeName())
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
	steps := len(saved)
	name := s.Name() + " session"
	data, err := buildScenario(entries, path, s.Path, name)
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
	m.held = nil
	old := s.Gateway
	err := s.Load()
	var removed []reloadguard.Removal
	if err == nil {
		removed = reloadguard.Removed(old, s.Gateway)
	}
	return m.loaded(why, err, removed)
}

// heldReload is a saved version of the file that would take protection
// away from a route, waiting to be sure the save is finished.
type heldReload struct {
	g       *config.Gateway
	why     string
	removed []reloadguard.Removal
}

// reloadConfirmMsg comes reloadguard.Confirm after a reload was held.
type reloadConfirmMsg struct{ h *heldReload }

// reloadChanged reloads after the watcher saw the files change. A version
// that removes a route's authorizer (or its protection otherwise) may be
// half a save, the authorizer line not written yet: it is held until the
// file has stayed the same for reloadguard.Confirm, then applied with a
// warning. A newer change replaces what is held.
func (m *Model) reloadChanged(why string) tea.Cmd {
	s := m.c.S
	m.held = nil
	if s.Engine == nil || s.Path == "" {
		return m.reload(why)
	}
	g, err := s.Parse()
	if err != nil {
		return m.loaded(why, err, nil)
	}
	removed := reloadguard.Removed(s.Gateway, g)
	if len(removed) == 0 {
		return m.loaded(why, s.Install(g), nil)
	}
	h := &heldReload{g: g, why: why, removed: removed}
	m.held = h
	m.c.status(levelWarn, "%s: this version removes protection (%s); loading it once the file stays unchanged for %s",
		why, removed[0], reloadguard.Confirm)
	return tea.Tick(reloadguard.Confirm, func(time.Time) tea.Msg { return reloadConfirmMsg{h} })
}

// confirmReload applies a held reload if nothing changed since.
func (m *Model) confirmReload(h *heldReload) tea.Cmd {
	if m.held != h {
		return nil // superseded by a newer change
	}
	m.held = nil
	if !reloadguard.Unchanged(m.c.S.Path, h.g.Source) {
		return nil // still being written: its next change reloads
	}
	return m.loaded(h.why, m.c.S.Install(h.g), h.removed)
}

// loaded reports a load's outcome: where the file is wrong, or what now
// runs, and loudly any protection the new version took away.
func (m *Model) loaded(why string, err error, removed []reloadguard.Removal) tea.Cmd {
	s := m.c.S
	hadEngine := s.Engine != nil
	if m.watcher != nil {
		m.watcher.Set(s.watchList())
	}
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
