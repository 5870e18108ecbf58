package tui

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
)

// cacheModel shows the authorizer result caches against the virtual clock:
// key, principal, TTL left and the request the entry was issued for. The
// clock moves with + and a; entries that expire stay listed, dimmed, so a
// TTL that is too long or too short is seen happening.
type cacheModel struct {
	c       *Common
	w, h    int
	focused bool
	entries []engine.CacheEntry
	expired []expiredEntry
	cursor  int
	offset  int
}

type expiredEntry struct {
	engine.CacheEntry
	SeenGoneAt time.Time
}

var _ Component = (*cacheModel)(nil)

func newCache(c *Common) *cacheModel { return &cacheModel{c: c} }

func (m *cacheModel) Init() tea.Cmd     { return nil }
func (m *cacheModel) SetSize(w, h int)  { m.w, m.h = w, h }
func (m *cacheModel) SetFocused(f bool) { m.focused = f }

func (m *cacheModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Advance, k.AdvanceBy, k.Flush, k.FlushAll}
}

func (m *cacheModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down}, {k.Advance, k.AdvanceBy}, {k.Flush, k.FlushAll}}
}

// refresh reads the caches; entries gone since the last look because their
// TTL ran out move to the expired list.
func (m *cacheModel) refresh() {
	e := m.c.S.Engine
	if e == nil {
		m.entries = nil
		return
	}
	now := m.c.S.Clock.Now()
	cur := e.CacheEntries("")
	live := map[string]bool{}
	for _, en := range cur {
		live[en.Authorizer+"\x00"+en.Key] = true
	}
	for _, en := range m.entries {
		if !live[en.Authorizer+"\x00"+en.Key] && !now.Before(en.Expires) {
			m.expired = append([]expiredEntry{{en, now}}, m.expired...)
		}
	}
	if len(m.expired) > 20 {
		m.expired = m.expired[:20]
	}
	m.entries = cur
	m.cursor = min(m.cursor, max(0, len(cur)-1))
}

func (m *cacheModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case GatewayMsg:
		if msg.Err == nil {
			// A reload starts the caches afresh: what was there did not expire.
			m.entries, m.expired = nil, nil
		}
		m.refresh()
	case firedMsg, ClockMovedMsg:
		m.refresh()
	case tea.KeyMsg:
		k := m.c.Keys
		switch {
		case matches(msg, k.Up):
			m.cursor = max(0, m.cursor-1)
		case matches(msg, k.Down):
			m.cursor = min(max(0, len(m.entries)-1), m.cursor+1)
		case matches(msg, k.Flush):
			if m.cursor < len(m.entries) && m.c.S.Engine != nil {
				en := m.entries[m.cursor]
				m.c.S.Engine.FlushCache(en.Authorizer, en.Key)
				m.c.S.Flushes++
				m.entries = append(m.entries[:m.cursor:m.cursor], m.entries[m.cursor+1:]...)
				m.refresh()
				return m, m.c.status(levelInfo, "flushed %s entry for %s", en.Authorizer, m.key(en.Key))
			}
		case matches(msg, k.FlushAll):
			if m.c.S.Engine != nil {
				n := m.c.S.Engine.FlushCache("", "")
				m.c.S.Flushes++
				m.entries = nil
				m.refresh()
				return m, m.c.status(levelInfo, "flushed %d cache %s", n, plural(n, "entry", "entries"))
			}
		}
	}
	return m, nil
}

// key is a cache key as shown: identity values are credentials.
func (m *cacheModel) key(k string) string {
	if m.c.S.Reveal {
		return k
	}
	return abbreviate(k)
}

var arnPrefix = regexp.MustCompile(`arn:aws:execute-api:[^:]*:[^:]*:[^/]*`)

// shortARN keeps the part of a methodArn that differs between requests.
func shortARN(s string) string { return arnPrefix.ReplaceAllString(s, "arn:…") }

func (m *cacheModel) View() string {
	s := m.c.Styles
	inner := m.w - 2
	now := m.c.S.Clock.Now()
	var lines []string
	lines = append(lines,
		s.Bold.Render("Virtual time ")+now.UTC().Format("2006-01-02 15:04:05 MST")+
			s.Dim.Render(fmt.Sprintf("  (%s since start)", signedDuration(m.c.S.Elapsed()))),
		"")
	keyW := max(12, inner/4)
	forW := max(10, inner-2-12-keyW-12-18-4)
	header := fmt.Sprintf("  %-12s %s %-12s %-18s %s", "AUTHORIZER", fit("KEY", keyW), "PRINCIPAL", "TTL LEFT", "ISSUED FOR")
	lines = append(lines, s.Dim.Render(truncate(header, inner)))
	if len(m.entries) == 0 {
		lines = append(lines, s.Dim.Render("  no cached results — fire a request through a caching authorizer"))
	}
	avail := max(1, m.h-2-len(lines)-3)
	m.offset = window(m.offset, m.cursor, avail, len(m.entries))
	for i := m.offset; i < len(m.entries) && i < m.offset+avail; i++ {
		en := m.entries[i]
		ttl := en.Expires.Sub(en.Stored)
		row := fmt.Sprintf("%-12s %s %-12s %s %s", truncate(en.Authorizer, 12), fit(m.key(en.Key), keyW),
			truncate(en.Principal, 12), ttlBar(en.TTLLeft, ttl), truncate(shortARN(en.IssuedFor), forW))
		lines = append(lines, s.listMark(i == m.cursor, m.focused)+row)
	}
	if len(m.expired) > 0 {
		lines = append(lines, "", s.Bold.Render("Expired")+s.Dim.Render(" (TTL ran out as the clock moved)"))
		for _, en := range m.expired {
			lines = append(lines, s.Dim.Render(truncate(fmt.Sprintf("  %-12s %s %-12s expired %s (ttl %s, stored %s)",
				truncate(en.Authorizer, 12), fit(m.key(en.Key), keyW), truncate(en.Principal, 12),
				en.Expires.UTC().Format("15:04:05"), en.Expires.Sub(en.Stored), en.Stored.UTC().Format("15:04:05")), inner)))
		}
	}
	lines = append(lines, "", m.callsLine(), "",
		s.Dim.Render("+ moves the virtual clock 5 minutes, a by any duration (299s, 1h). Fire again after it"),
		s.Dim.Render("moves: a cached answer turns into a new call once its TTL has run out."))
	return s.box("Cache & clock", fmt.Sprintf("%d live", len(m.entries)), strings.Join(lines, "\n"), m.w, m.h, m.focused)
}

// callsLine counts authorizer invocations, in file order.
func (m *cacheModel) callsLine() string {
	e, g := m.c.S.Engine, m.c.S.Gateway
	if e == nil || g == nil {
		return ""
	}
	calls := e.Calls()
	var parts []string
	for _, a := range g.Authorizers {
		parts = append(parts, fmt.Sprintf("%s %d", a.Name, calls[a.Name]))
	}
	return m.c.Styles.Dim.Render("Function calls since load: " + strings.Join(parts, " · "))
}

// ttlBar is "██████░░░░ 4m0s": how much of the TTL is left at a glance.
func ttlBar(left, total time.Duration) string {
	const w = 8
	filled := 0
	if total > 0 {
		filled = int((left*w + total - 1) / total)
	}
	filled = min(max(0, filled), w)
	return fmt.Sprintf("%s%s %-9s", strings.Repeat("█", filled), strings.Repeat("░", w-filled), left.Round(time.Second))
}

// signedDuration is "+5m0s" (the virtual clock only moves forward).
func signedDuration(d time.Duration) string {
	if d < 0 {
		return "-" + (-d).String()
	}
	return "+" + d.String()
}
