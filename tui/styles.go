package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
)

// Styles is every style the TUI draws with, built once for one renderer.
// Colours are adaptive (light and dark terminals); without colour (NO_COLOR)
// the same styles keep bold, faint and reverse only, so focus, selection and
// the text cursor stay visible — every state is also marked with a glyph
// (▸, ✓ ✗ ·, ●) so nothing depends on colour alone.
type Styles struct {
	Header      lipgloss.Style
	Brand       lipgloss.Style
	Tab         lipgloss.Style
	ActiveTab   lipgloss.Style
	Border      lipgloss.Style
	BorderFocus lipgloss.Style
	Title       lipgloss.Style
	TitleFocus  lipgloss.Style

	OK, Skip, Fail         lipgloss.Style
	Dim, Key, Rule, Bold   lipgloss.Style
	Status2xx, Status4xx   lipgloss.Style
	Status5xx              lipgloss.Style
	Selected, Marked       lipgloss.Style
	Label, LabelFocus      lipgloss.Style
	Placeholder, ErrorText lipgloss.Style
	Changed                lipgloss.Style
	Cursor                 lipgloss.Style

	StatusInfo, StatusWarn, StatusError lipgloss.Style
	Spinner                             lipgloss.Style
	Help                                help.Styles
}

// NewStyles builds the styles for r; color false drops every colour.
func NewStyles(r *lipgloss.Renderer, color bool) *Styles {
	c := func(light, dark string) lipgloss.TerminalColor {
		if !color {
			return lipgloss.NoColor{}
		}
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	var (
		accent = c("25", "75")
		green  = c("28", "42")
		orange = c("166", "214")
		red    = c("160", "203")
		grey   = c("244", "245")
		purple = c("97", "141")
	)
	n := r.NewStyle
	s := &Styles{
		Header:      n().Bold(true),
		Brand:       n().Bold(true).Foreground(purple),
		Tab:         n().Foreground(grey),
		ActiveTab:   n().Bold(true).Underline(true).Foreground(accent),
		Border:      n().Foreground(grey),
		BorderFocus: n().Foreground(accent),
		Title:       n().Foreground(grey),
		TitleFocus:  n().Bold(true).Foreground(accent),

		OK:         n().Foreground(green),
		Skip:       n().Foreground(grey),
		Fail:       n().Foreground(red).Bold(true),
		Dim:        n().Foreground(grey),
		Key:        n().Foreground(accent),
		Rule:       n().Foreground(purple),
		Bold:       n().Bold(true),
		Status2xx:  n().Foreground(green).Bold(true),
		Status4xx:  n().Foreground(orange).Bold(true),
		Status5xx:  n().Foreground(red).Bold(true),
		Selected:   n().Bold(true).Foreground(accent),
		Marked:     n().Foreground(orange),
		Label:      n().Foreground(grey),
		LabelFocus: n().Bold(true).Foreground(accent),

		Placeholder: n().Foreground(grey).Faint(true),
		ErrorText:   n().Foreground(red),
		Changed:     n().Foreground(orange).Bold(true),
		Cursor:      n().Reverse(true),

		StatusInfo:  n().Foreground(green),
		StatusWarn:  n().Foreground(orange),
		StatusError: n().Foreground(red).Bold(true),
		Spinner:     n().Foreground(purple),
	}
	s.Help = help.Styles{
		Ellipsis:       n().Foreground(grey),
		ShortKey:       n().Foreground(accent),
		ShortDesc:      n().Foreground(grey),
		ShortSeparator: n().Foreground(grey),
		FullKey:        n().Foreground(accent),
		FullDesc:       n().Foreground(grey),
		FullSeparator:  n().Foreground(grey),
	}
	return s
}

// StatusCode picks the style of an HTTP status.
func (s *Styles) StatusCode(code int) lipgloss.Style {
	switch {
	case code >= 500:
		return s.Status5xx
	case code >= 400:
		return s.Status4xx
	}
	return s.Status2xx
}
