package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
)

// pickerItem is one choice of the token picker.
type pickerItem struct {
	label string
	note  string
	value string // header value; "" removes the header
	// secret marks a label that is the credential itself: abbreviated
	// until v reveals it (ALL-2).
	secret bool
	// typed: choosing it opens a field to type the token (an opaque token,
	// an API key: anything the lists do not offer).
	typed bool
}

// pickerModel chooses a credential for the composer: the literal tokens of
// the gateway's mock tables, tokens minted in the workbench, one typed in,
// or none.
type pickerModel struct {
	c      *Common
	w, h   int
	slot   engine.TokenSlot
	items  []pickerItem
	cursor int
	offset int
	// typing: the field for a typed token is open.
	typing bool
	input  textinput.Model
}

// newPicker offers the gateway's named tokens and the literal tokens of the
// mock table of authorizer (all mock tables when it is "").
func newPicker(c *Common, slot engine.TokenSlot, authorizer string) *pickerModel {
	p := &pickerModel{c: c, slot: slot}
	if g := c.S.Gateway; g != nil {
		// The gateway file's named tokens, minted at the virtual clock so
		// their exp counts from now.
		for _, t := range g.Tokens {
			now := c.S.Clock.Now()
			tok, err := g.MintToken(t.Name, now)
			if err != nil {
				continue // validate reports it; the picker offers the rest
			}
			c.S.noteToken(tok, TokenSource{Name: t.Name, Spec: absSpec(*t, g.Dir), At: now})
			p.items = append(p.items, pickerItem{label: t.Name, note: "tokens." + t.Name + " (minted now)", value: tok})
		}
	}
	for _, t := range namedTokens(c.S.Gateway, authorizer) {
		p.items = append(p.items, pickerItem{label: t.Value, note: t.Note, value: t.Value, secret: true})
	}
	for i := len(c.S.Minted) - 1; i >= 0; i-- {
		t := c.S.Minted[i]
		p.items = append(p.items, pickerItem{label: "Bearer " + t.Token, note: t.Label, value: "Bearer " + t.Token, secret: true})
	}
	typeNote := "an opaque token, an API key: anything"
	if slot.Scheme != "" {
		typeNote += " (" + strings.TrimSpace(slot.Scheme) + " is added unless it has a scheme)"
	}
	p.items = append(p.items, pickerItem{label: "(type a token)", note: typeNote, typed: true})
	p.items = append(p.items, pickerItem{label: "(none)", note: "remove " + slotName(slot)})
	p.input = newInput(c.Styles, "the token")
	return p
}

func (p *pickerModel) SetSize(w, h int) { p.w, p.h = w, h }

func (p *pickerModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.typing {
		return []key.Binding{k.Confirm, k.Back}
	}
	return []key.Binding{k.Up, k.Down, k.PickChoose, k.Reveal, k.Back}
}

// handle moves the cursor or ends the pick: done, the chosen value, and
// whether a value was chosen (false: dismissed).
func (p *pickerModel) handle(msg tea.KeyMsg) (done bool, value string, ok bool) {
	k := p.c.Keys
	if p.typing {
		switch {
		case matches(msg, k.Confirm):
			if v := strings.TrimSpace(p.input.Value()); v != "" {
				return true, v, true
			}
		case matches(msg, k.Back):
			p.typing = false
			p.input.Blur()
		default:
			p.input, _ = p.input.Update(msg)
		}
		return false, "", false
	}
	switch {
	case matches(msg, k.PickChoose) && p.items[p.cursor].typed:
		p.typing = true
		p.input.Focus()
		return false, "", false
	case matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case matches(msg, k.Down):
		p.cursor = min(len(p.items)-1, p.cursor+1)
	case matches(msg, k.Top):
		p.cursor = 0
	case matches(msg, k.Bottom):
		p.cursor = len(p.items) - 1
	case matches(msg, k.PickChoose):
		return true, p.items[p.cursor].value, true
	case matches(msg, k.Reveal):
		// The picker holds the keys, so v works here too (ALL-2).
		p.c.S.Reveal = !p.c.S.Reveal
	case matches(msg, k.Back), matches(msg, k.Quit):
		return true, "", false
	}
	return false, "", false
}

func (p *pickerModel) View() string {
	s := p.c.Styles
	h := max(1, p.h-2)
	per := 2
	visible := max(1, h/per)
	p.offset = window(p.offset, p.cursor, visible, len(p.items))
	var lines []string
	for i := p.offset; i < len(p.items) && i < p.offset+visible; i++ {
		it := p.items[i]
		label := it.label
		if it.secret && !p.c.S.Reveal {
			label = abbreviate(label)
		}
		if i == p.cursor {
			label = s.Selected.Render(label)
		}
		lines = append(lines, s.cursorMark(i == p.cursor)+label, "    "+s.Dim.Render(it.note))
	}
	note := fmt.Sprintf("%d/%d", p.cursor+1, len(p.items))
	if p.typing {
		// The field replaces the list: what is typed is the credential,
		// shown as typed (the user is writing it).
		p.input.Width = max(10, p.w-12)
		lines = []string{s.cursorMark(true) + "Token  " + p.input.View(), "    " + s.Dim.Render(p.items[p.cursor].note),
			"", s.Dim.Render("enter puts it in the request · esc goes back to the list")}
		note = "typing"
	}
	return s.box("Token for "+slotName(p.slot), note, strings.Join(lines, "\n"), p.w, p.h, true)
}

// slotName says where a token goes, as the status line and picker title do.
func slotName(s engine.TokenSlot) string {
	if s.Kind == "query" {
		return "the " + s.Name + " query parameter"
	}
	return "the " + s.Name + " header"
}
