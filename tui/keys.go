package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding of the TUI, in one place so the help bar,
// the README table and the handlers cannot drift apart. Panes pick the
// bindings they answer to for their part of the help bar.
type KeyMap struct {
	// Everywhere (unless a text field is being edited).
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	NextPane  key.Binding
	PrevPane  key.Binding
	TabFire   key.Binding
	TabTokens key.Binding
	TabCache  key.Binding
	TabHist   key.Binding
	Tabs      key.Binding // 1-4 together, for the full help
	Fire      key.Binding
	Back      key.Binding
	Cancel    key.Binding
	Advance   key.Binding
	AdvanceBy key.Binding
	Reveal    key.Binding
	Reload    key.Binding
	Problems  key.Binding
	Save      key.Binding

	// Lists and scrolling.
	Up       key.Binding
	Down     key.Binding
	Left     key.Binding
	Right    key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	// Routes, composer, trace.
	UseRoute   key.Binding
	Edit       key.Binding
	DoneEdit   key.Binding
	Confirm    key.Binding // ends a one-line field or a prompt
	NextField  key.Binding // while editing: done, and on to the next field
	Newline    key.Binding // in multi-line fields
	Method     key.Binding
	PickToken  key.Binding
	OpenStage  key.Binding
	PrevStage  key.Binding
	NextStage  key.Binding
	PickChoose key.Binding
	Probe      key.Binding // routes: fire the token attacks at the route
	OpenTrace  key.Binding // probe results: the attack's trace

	// Token workbench.
	Mint     key.Binding
	UseToken key.Binding
	Cycle    key.Binding
	PasteTok key.Binding
	ClearTok key.Binding

	// Cache and clock.
	Flush    key.Binding
	FlushAll key.Binding

	// History.
	Open    key.Binding
	Refire  key.Binding
	Mark    key.Binding
	Compare key.Binding
}

// DefaultKeyMap returns the bindings listed in the README's TUI section.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Quit:      b([]string{"q"}, "q", "quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Help:      b([]string{"?"}, "?", "more keys"),
		NextPane:  b([]string{"tab"}, "tab", "next pane"),
		PrevPane:  b([]string{"shift+tab"}, "⇧tab", "prev pane"),
		TabFire:   b([]string{"1"}, "1", "fire"),
		TabTokens: b([]string{"2"}, "2", "tokens"),
		TabCache:  b([]string{"3"}, "3", "cache & clock"),
		TabHist:   b([]string{"4"}, "4", "history"),
		Tabs:      b([]string{"1", "2", "3", "4"}, "1-4", "switch tab"),
		Fire:      b([]string{"f"}, "f", "fire"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Cancel:    b([]string{"esc"}, "esc", "cancel"),
		Advance:   b([]string{"+"}, "+", "clock +5m"),
		AdvanceBy: b([]string{"a"}, "a", "clock +…"),
		Reveal:    b([]string{"v"}, "v", "show secrets"),
		Reload:    b([]string{"R"}, "R", "reload"),
		Problems:  b([]string{"!"}, "!", "problems"),
		Save:      b([]string{"s"}, "s", "save scenario"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		Left:     b([]string{"left", "h"}, "←/h", "left"),
		Right:    b([]string{"right", "l"}, "→/l", "right"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g", "top"),
		Bottom:   b([]string{"end", "G"}, "G", "bottom"),

		UseRoute:  b([]string{"enter"}, "enter", "use route"),
		Edit:      b([]string{"enter", "e"}, "enter", "edit field"),
		DoneEdit:  b([]string{"esc"}, "esc", "done editing"),
		Confirm:   b([]string{"enter"}, "enter", "ok"),
		NextField: b([]string{"tab"}, "tab", "next field"),
		// ctrl+j is a line feed: what a terminal sends for a pasted newline
		// when it does not use bracketed paste.
		Newline:    b([]string{"enter", "ctrl+m", "ctrl+j"}, "enter", "new line"),
		Method:     b([]string{"left", "right"}, "←/→", "method"),
		PickToken:  b([]string{"t"}, "t", "pick token"),
		OpenStage:  b([]string{"enter"}, "enter", "open stage"),
		PrevStage:  b([]string{"left", "h", "["}, "←/→", "prev/next stage"),
		NextStage:  b([]string{"right", "l", "]"}, "→", "next stage"),
		PickChoose: b([]string{"enter"}, "enter", "choose"),
		Probe:      b([]string{"P"}, "P", "probe route"),
		OpenTrace:  b([]string{"enter"}, "enter", "open trace"),

		Mint:     b([]string{"m"}, "m", "mint"),
		UseToken: b([]string{"u"}, "u", "use this token"),
		Cycle:    b([]string{"left", "right"}, "←/→", "change"),
		PasteTok: b([]string{"p"}, "p", "paste a token"),
		ClearTok: b([]string{"backspace"}, "⌫", "clear token"),

		Flush:    b([]string{"x"}, "x", "flush entry"),
		FlushAll: b([]string{"X"}, "X", "flush all"),

		Open:    b([]string{"enter"}, "enter", "show"),
		Refire:  b([]string{"r"}, "r", "re-fire"),
		Mark:    b([]string{" "}, "space", "mark"),
		Compare: b([]string{"c"}, "c", "compare"),
	}
}
