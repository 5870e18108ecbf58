package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Smallest terminal the layout is drawn for.
const (
	minWidth  = 60
	minHeight = 16
)

// chrome is the rows around the body: header, banner, status, help.
func (m *Model) chrome() (top, bottom int) {
	top = 1
	if m.banner() != "" {
		top++
	}
	bottom = 1 + 1 // status line + help bar
	if m.help.ShowAll {
		bottom = 1 + lipgloss.Height(m.help.FullHelpView(m.helpKeys().FullHelp()))
	}
	return top, bottom
}

// fireRows splits the Fire tab's height between the routes/composer row
// and the trace/response row; the trace gets the larger share because it
// is what the user reads.
func fireRows(body int) (top, bottom int) {
	top = min(max(body*2/5, 7), 12)
	return top, body - top
}

// layout gives every pane its size for the current terminal and help.
func (m *Model) layout() {
	if m.w == 0 || m.h == 0 {
		return
	}
	m.help.Width = m.w
	top, bottom := m.chrome()
	body := max(1, m.h-top-bottom)
	w := m.w
	tr, br := fireRows(body)
	rw := min(max(w*2/5, 26), 50)
	m.routes.SetSize(rw, tr)
	m.composer.SetSize(w-rw, tr)
	tw := w * 3 / 5
	if w < 100 {
		tw = w * 13 / 20
	}
	m.trace.SetSize(tw, br)
	m.response.SetSize(w-tw, br)
	m.mint.SetSize(w/2, body)
	m.decode.SetSize(w-w/2, body)
	m.cache.SetSize(w, body)
	m.history.SetSize(w, body)
	m.stage.SetSize(w, body)
	m.compare.SetSize(w, body)
	m.problems.SetSize(w, body)
	m.probe.SetSize(w, body)
	if m.prompt != nil {
		m.prompt.SetSize(w, 1)
	}
}

func (m *Model) View() string {
	if m.w == 0 {
		return ""
	}
	if m.w < minWidth || m.h < minHeight {
		return fmt.Sprintf("authlab needs a terminal of at least %d×%d (this one is %d×%d).\nq quits.", minWidth, minHeight, m.w, m.h)
	}
	// The help bar's height can change with the focused pane (full help).
	m.layout()
	top, bottom := m.chrome()
	body := max(1, m.h-top-bottom)
	var b strings.Builder
	b.WriteString(m.headerView() + "\n")
	if bn := m.banner(); bn != "" {
		b.WriteString(bn + "\n")
	}
	b.WriteString(clip(m.bodyView(), body) + "\n")
	b.WriteString(m.statusView() + "\n")
	if m.help.ShowAll {
		b.WriteString(m.help.FullHelpView(m.helpKeys().FullHelp()))
	} else {
		b.WriteString(fit(m.help.ShortHelpView(m.helpKeys().ShortHelp()), m.w))
	}
	return b.String()
}

func (m *Model) bodyView() string {
	switch {
	case m.overlay == ovStage:
		return m.stage.View()
	case m.overlay == ovCompare:
		return m.compare.View()
	case m.overlay == ovProblems:
		return m.problems.View()
	case m.overlay == ovProbe:
		return m.probe.View()
	}
	switch m.tab {
	case tabFire:
		return lipgloss.JoinVertical(lipgloss.Left,
			lipgloss.JoinHorizontal(lipgloss.Top, m.routes.View(), m.composer.View()),
			lipgloss.JoinHorizontal(lipgloss.Top, m.trace.View(), m.response.View()))
	case tabTokens:
		return lipgloss.JoinHorizontal(lipgloss.Top, m.mint.View(), m.decode.View())
	case tabCache:
		return m.cache.View()
	}
	return m.history.View()
}

// headerView: brand, tabs, and on the right the gateway and virtual time.
func (m *Model) headerView() string {
	s := m.c.Styles
	left := s.Brand.Render("authlab") + " "
	narrow := m.w < 100
	for t := tab(0); t < tabCount; t++ {
		label := tabNames[t]
		if narrow {
			label, _, _ = strings.Cut(label, " ")
		}
		name := fmt.Sprintf("%d %s", t+1, label)
		if t == m.tab && m.overlay == ovNone {
			left += " " + s.ActiveTab.Render("["+name+"]")
		} else {
			left += " " + s.Tab.Render(" "+name+" ")
		}
	}
	sess := m.c.S
	clock := "⏱ " + sess.Clock.Now().UTC().Format("15:04:05")
	if d := sess.Elapsed(); d > 0 {
		clock += " " + signedDuration(d)
	}
	// The clock matters more than the name: it is what + moves.
	right := sess.Name() + s.Dim.Render(" · ") + clock
	if lipgloss.Width(left)+lipgloss.Width(right)+1 > m.w {
		right = clock
	}
	if m.cancel != nil {
		right = m.trace.spinner.View() + " " + right
	}
	gap := m.w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		right = truncate(right, max(0, m.w-lipgloss.Width(left)-1))
		gap = max(1, m.w-lipgloss.Width(left)-lipgloss.Width(right))
	}
	return fit(left+strings.Repeat(" ", gap)+right, m.w)
}

// banner warns, on every tab, that the file on disk does not load while
// the previous configuration keeps running, or else that the last reload
// took protection away from a route.
func (m *Model) banner() string {
	s := m.c.S
	if s.Engine == nil || m.overlay == ovProblems {
		return ""
	}
	if s.LoadErr == nil {
		return m.unguardedBanner()
	}
	st := m.c.Styles
	first, more := s.FirstProblem()
	suffix := " — previous config runs · ! details"
	if more > 0 {
		suffix = fmt.Sprintf(" (+%d more)", more) + suffix
	}
	// The position and the start of the message matter most; the suffix
	// says what to do, so the message is what gets cut.
	msg := truncate("✗ "+first, max(10, m.w-lipgloss.Width(suffix)))
	return fit(st.StatusError.Render(msg)+st.Dim.Render(suffix), m.w)
}

// unguardedBanner names the protection the last reload removed.
func (m *Model) unguardedBanner() string {
	if len(m.unguarded) == 0 {
		return ""
	}
	st := m.c.Styles
	suffix := ""
	if n := len(m.unguarded); n > 1 {
		suffix = fmt.Sprintf(" (+%d more)", n-1)
	}
	msg := truncate("⚠ reload removed protection: "+m.unguarded[0].String(), max(10, m.w-lipgloss.Width(suffix)))
	return fit(st.StatusWarn.Render(msg)+st.Dim.Render(suffix), m.w)
}

func (m *Model) statusView() string {
	if m.prompt != nil {
		return fit(m.prompt.View(), m.w)
	}
	s := m.c.Styles
	if m.status == "" {
		return ""
	}
	style := s.StatusInfo
	switch m.statusLevel {
	case levelWarn:
		style = s.StatusWarn
	case levelError:
		style = s.StatusError
	}
	return fit(style.Render(m.status), m.w)
}
