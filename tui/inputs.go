package tui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
)

// newInput is a one-line text field drawn with the TUI's styles. The cursor
// does not blink: a blinking cursor redraws the screen twice a second for
// nothing, and makes screenshots and golden files flaky.
func newInput(s *Styles, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.PlaceholderStyle = s.Placeholder
	ti.TextStyle = s.Bold
	ti.Cursor.Style = s.Cursor
	ti.Cursor.TextStyle = s.Bold
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

// newArea is a multi-line text field (headers, body, a pasted token).
func newArea(s *Styles, keys *KeyMap, placeholder string) textarea.Model {
	ta := textarea.New()
	ta.Prompt = ""
	ta.Placeholder = placeholder
	ta.ShowLineNumbers = false
	ta.KeyMap.InsertNewline = keys.Newline
	ta.CharLimit = 0
	ta.MaxHeight = 0
	st := textarea.Style{
		Base:             s.Bold.UnsetBold(),
		CursorLine:       s.Bold,
		CursorLineNumber: s.Dim,
		EndOfBuffer:      s.Dim,
		LineNumber:       s.Dim,
		Placeholder:      s.Placeholder,
		Prompt:           s.Dim,
		Text:             s.Bold,
	}
	ta.FocusedStyle, ta.BlurredStyle = st, st
	ta.Cursor.Style = s.Cursor
	ta.Cursor.TextStyle = s.Bold
	ta.Cursor.SetMode(cursor.CursorStatic)
	return ta
}
