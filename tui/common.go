package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Common is what every pane shares: styles, keys and the session (engine,
// clock, gateway, history). Panes keep a pointer; the root owns it.
type Common struct {
	Styles *Styles
	Keys   *KeyMap
	S      *Session
	// queue holds messages panes post to the root. The root handles them
	// right after the message that caused them, in order — a Cmd would run
	// on another goroutine and could arrive after the next key press.
	queue []tea.Msg
}

// post hands a message to the root, to be handled before the next event.
func (c *Common) post(msg tea.Msg) { c.queue = append(c.queue, msg) }

// status shows a line in the status bar. It returns no command, so that
// `return m, m.c.status(...)` reads naturally in an Update.
func (c *Common) status(level statusLevel, format string, a ...any) tea.Cmd {
	c.post(StatusMsg{Text: fmt.Sprintf(format, a...), Level: level})
	return nil
}

// Component is one pane: a Bubble Tea model that knows its size and the
// keys it answers to (for the help bar), as in soft-serve's components.
// Update mutates the pane in place and returns it.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// capturer is a pane that, at times, wants every key for itself (a text
// field being edited, a prompt): global keys are then not interpreted.
type capturer interface {
	Capturing() bool
}

// focuser is a pane that draws itself differently when it has the focus.
type focuser interface {
	SetFocused(bool)
}

// box draws content in a border with a title in the top edge and an
// optional note at its right end. The focused box gets a thick border so
// focus shows without colour.
func (s *Styles) box(title, note, content string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return ""
	}
	b, bs, ts := lipgloss.RoundedBorder(), s.Border, s.Title
	if focused {
		b, bs, ts = lipgloss.ThickBorder(), s.BorderFocus, s.TitleFocus
	}
	inner := w - 2
	// Top edge: ╭─ Title ───── note ─╮
	head := ""
	if title != "" {
		head = " " + ts.Render(truncate(title, max(1, inner-4))) + " "
	}
	if note != "" {
		note = " " + truncate(note, max(0, inner-lipgloss.Width(head)-5)) + " "
	}
	fill := inner - 1 - lipgloss.Width(head)
	if note != "" {
		fill -= lipgloss.Width(note) + 1
		if fill < 0 {
			note, fill = "", max(0, inner-1-lipgloss.Width(head))
		}
	}
	var out strings.Builder
	out.WriteString(bs.Render(b.TopLeft + b.Top))
	out.WriteString(head)
	out.WriteString(bs.Render(strings.Repeat(b.Top, fill)))
	if note != "" {
		out.WriteString(note + bs.Render(b.Top))
	}
	out.WriteString(bs.Render(b.TopRight))
	out.WriteByte('\n')
	lines := strings.Split(content, "\n")
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		out.WriteString(bs.Render(b.Left) + fit(line, inner) + bs.Render(b.Right) + "\n")
	}
	out.WriteString(bs.Render(b.BottomLeft + strings.Repeat(b.Bottom, inner) + b.BottomRight))
	return out.String()
}

// truncate shortens s (which may hold ANSI styles) to w cells with "…".
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fit truncates or pads s to exactly w cells.
func fit(s string, w int) string {
	s = truncate(s, w)
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// clip keeps at most h lines of s.
func clip(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:max(0, h)]
	}
	return strings.Join(lines, "\n")
}

// window returns the first visible index so that cursor stays in a view of
// h rows, scrolling as little as possible from the previous offset.
func window(offset, cursor, h, n int) int {
	if h <= 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	if offset > n-h {
		offset = n - h
	}
	return max(0, offset)
}

// cursorMark is the selection glyph in front of list rows.
func (s *Styles) cursorMark(selected bool) string {
	if selected {
		return s.Selected.Render("▸ ")
	}
	return "  "
}

// listMark marks the selected row of a list: ▸ when the list has the
// focus, a quieter › when it does not, so only one ▸ is on screen.
func (s *Styles) listMark(selected, focused bool) string {
	switch {
	case selected && focused:
		return s.Selected.Render("▸ ")
	case selected:
		return s.Dim.Render("› ")
	}
	return "  "
}

// matches reports whether msg is a key press of b.
func matches(msg tea.KeyMsg, b key.Binding) bool { return key.Matches(msg, b) }

// hardwrap wraps s at word boundaries to w cells, breaking words longer
// than a line (tokens, ARNs) rather than letting them overflow.
func hardwrap(s string, w int) string { return ansi.Wrap(s, w, "") }

// scrollNote tells whether a viewport has more above or below.
func scrollNote(vp viewport.Model) string {
	switch {
	case vp.AtTop() && vp.AtBottom():
		return ""
	case vp.AtTop():
		return "↓ more"
	case vp.AtBottom():
		return "↑ more"
	}
	return "↑↓ " + itoa(int(vp.ScrollPercent()*100)) + "%"
}

// breakLines cuts every line of s at exactly w cells: for tokens and JSON,
// where a word wrap would break at a '-' and leave ragged lines.
func breakLines(s string, w int) string { return ansi.Hardwrap(s, w, true) }

// scroll moves a viewport for the scrolling keys every scrollable pane
// shares; it reports whether msg was one of them.
func scroll(vp *viewport.Model, k *KeyMap, msg tea.KeyMsg) bool {
	switch {
	case matches(msg, k.Up):
		vp.ScrollUp(1)
	case matches(msg, k.Down):
		vp.ScrollDown(1)
	case matches(msg, k.PageUp):
		vp.PageUp()
	case matches(msg, k.PageDown):
		vp.PageDown()
	case matches(msg, k.Top):
		vp.GotoTop()
	case matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}
