package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/jose"
)

// decodeModel is the workbench's decoder: paste a token (or mint one) to
// see its header and claims, its times relative to the virtual clock, and
// the verdict of each of the gateway's JWT verifiers. A malformed token is
// marked where it breaks.
type decodeModel struct {
	c       *Common
	w, h    int
	focused bool
	input   textarea.Model
	editing bool
	vp      viewport.Model
	// keys remembers the key each minted token was signed with, so a
	// token minted with a fresh key still gets a signature verdict.
	keys map[string]*jose.Key
}

var _ Component = (*decodeModel)(nil)

func newDecode(c *Common) *decodeModel {
	return &decodeModel{c: c, input: newArea(c.Styles, c.Keys, "paste a JWT (Bearer prefix optional)"),
		vp: viewport.New(0, 0), keys: map[string]*jose.Key{}}
}

func (m *decodeModel) Init() tea.Cmd     { return nil }
func (m *decodeModel) SetFocused(f bool) { m.focused = f }
func (m *decodeModel) Capturing() bool   { return m.editing }

func (m *decodeModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.SetWidth(max(4, w-2))
	m.input.SetHeight(3)
	m.vp.Width, m.vp.Height = max(1, w-2), max(1, h-2-4)
	m.refresh()
}

func (m *decodeModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.editing {
		return []key.Binding{k.DoneEdit}
	}
	return []key.Binding{k.PasteTok, k.Up, k.Down, k.UseToken, k.ClearTok}
}

func (m *decodeModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.PasteTok, k.DoneEdit, k.ClearTok}, {k.Up, k.Down, k.UseToken}}
}

func (m *decodeModel) token() string {
	return jose.StripBearer(strings.Join(strings.Fields(m.input.Value()), ""))
}

func (m *decodeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case mintedMsg:
		m.keys[msg.Token] = msg.Key
		m.input.SetValue(msg.Token)
		m.refresh()
	case GatewayMsg, ClockMovedMsg:
		m.refresh()
	case tea.KeyMsg:
		k := m.c.Keys
		if m.editing {
			if matches(msg, k.DoneEdit) || matches(msg, k.NextField) {
				m.editing = false
				m.input.Blur()
				m.refresh()
				return m, nil
			}
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			m.refresh()
			return m, cmd
		}
		switch {
		case matches(msg, k.PasteTok), matches(msg, k.Edit):
			if matches(msg, k.PasteTok) {
				// A paste replaces the token; editing (e) keeps it.
				m.input.SetValue("")
				m.refresh()
			}
			m.editing = true
			m.input.CursorEnd()
			return m, m.input.Focus()
		case matches(msg, k.ClearTok):
			m.input.SetValue("")
			m.refresh()
		case scroll(&m.vp, k, msg):
		case matches(msg, k.UseToken):
			tok := m.token()
			if tok == "" {
				return m, m.c.status(levelWarn, "paste or mint a token first")
			}
			m.c.post(UseTokenMsg{Value: tok})
			return m, nil
		}
	}
	return m, nil
}

// refresh decodes the token and renders header, claims and verdicts.
func (m *decodeModel) refresh() {
	s := m.c.Styles
	w := m.vp.Width
	raw := m.token()
	if raw == "" {
		m.vp.SetContent(s.Dim.Render("p pastes a token; m in the mint form makes one."))
		return
	}
	t, err := jose.Decode(raw)
	if err != nil {
		m.vp.SetContent(markMalformed(s, raw, err, w))
		return
	}
	now := m.c.S.Clock.Now()
	var b strings.Builder
	// The verdict first: it is the question the user came with.
	b.WriteString(s.Bold.Render("Verdict") + s.Dim.Render(" at virtual "+now.UTC().Format("15:04:05")) + "\n")
	b.WriteString(m.verdicts(t) + "\n")
	var times []string
	for _, c := range []string{"iat", "nbf", "exp"} {
		at, ok, err := t.TimeClaim(c)
		switch {
		case err != nil:
			times = append(times, s.ErrorText.Render(fmt.Sprintf("%s: %v", c, err)))
		case ok:
			line := fmt.Sprintf("%-4s %s  %s", c, at.UTC().Format("2006-01-02 15:04:05Z"), jose.DescribeTime(c, at, now))
			if c == "exp" && !now.Before(at) {
				line = s.Fail.Render(line)
			}
			times = append(times, line)
		}
	}
	if len(times) > 0 {
		b.WriteString("\n" + s.Bold.Render("Times") + "\n" + strings.Join(times, "\n") + "\n")
	}
	b.WriteString("\n" + s.Bold.Render("Header") + "\n" + prettyJSON(t.HeaderJSON) + "\n\n")
	b.WriteString(s.Bold.Render("Claims") + "\n" + prettyJSON(t.ClaimsJSON))
	m.vp.SetContent(hardwrap(b.String(), w))
}

// verdicts checks the token as each jwt authorizer of the gateway would,
// and against the key it was minted with when it was minted here.
func (m *decodeModel) verdicts(t *jose.Token) string {
	s := m.c.Styles
	now := m.c.S.Clock.Now()
	var lines []string
	line := func(name string, v jose.Verdict) {
		if v.Valid {
			lines = append(lines, s.OK.Render("✓ "+name+": valid")+s.Dim.Render(" "+v.Message))
			return
		}
		lines = append(lines, s.Fail.Render("✗ "+name+": "+string(v.Reason))+" "+v.Message)
	}
	if e := m.c.S.Engine; e != nil {
		// The engine answers as the authorizer would; the workbench never
		// waits on the network for a JWKS URL.
		for _, name := range e.TokenCheckers() {
			v, err := e.CheckToken(context.Background(), name, t.Raw, engine.CheckOptions{Now: now, NoFetch: true})
			if err != nil {
				lines = append(lines, s.StatusWarn.Render("? "+name+": ")+err.Error())
				continue
			}
			line("authorizer "+name, v)
		}
	}
	if k, ok := m.keys[t.Raw]; ok {
		line("the key it was minted with", jose.VerifyToken(t, jose.NewKeySet("workbench", k.PublicOnly()), jose.VerifyOptions{Now: now}))
	}
	if len(lines) == 0 {
		return s.Dim.Render("The gateway has no jwt authorizer to check it against; its authorizer functions decide.")
	}
	return strings.Join(lines, "\n")
}

// markMalformed shows a token that does not decode with the broken part
// underlined by carets and the reason below, so the fault is found in place.
func markMalformed(s *Styles, raw string, err error, w int) string {
	var me *jose.MalformedError
	var b strings.Builder
	b.WriteString(s.Fail.Render("✗ malformed token") + "\n\n")
	if errors.As(err, &me) {
		start, end := partSpan(raw, me)
		for _, seg := range chunk(raw, w) {
			b.WriteString(seg.text + "\n")
			lo, hi := max(start, seg.off), min(end, seg.off+len(seg.text))
			if lo < hi {
				b.WriteString(strings.Repeat(" ", lo-seg.off) + s.Fail.Render(strings.Repeat("^", hi-lo)) + "\n")
			}
		}
	} else {
		b.WriteString(hardwrap(raw, w) + "\n")
	}
	b.WriteString("\n" + s.ErrorText.Render(hardwrap(err.Error(), w)))
	return b.String()
}

// partSpan is the byte range to mark: the offending byte when the error
// has an offset, else the whole named part.
func partSpan(raw string, me *jose.MalformedError) (int, int) {
	if me.Offset >= 0 && me.Offset < len(raw) {
		return me.Offset, me.Offset + 1
	}
	parts := strings.Split(raw, ".")
	idx := map[jose.Part]int{jose.PartHeader: 0, jose.PartClaims: 1, jose.PartSignature: 2}
	i, ok := idx[me.Part]
	if !ok || i >= len(parts) {
		return 0, len(raw)
	}
	off := 0
	for _, p := range parts[:i] {
		off += len(p) + 1
	}
	return off, off + max(1, len(parts[i]))
}

type span struct {
	off  int
	text string
}

// chunk cuts an ASCII token into lines of w bytes, remembering offsets.
func chunk(s string, w int) []span {
	w = max(1, w)
	var out []span
	for off := 0; off < len(s); off += w {
		out = append(out, span{off, s[off:min(len(s), off+w)]})
	}
	return out
}

func (m *decodeModel) View() string {
	s := m.c.Styles
	var top string
	if m.editing {
		top = m.input.View()
	} else {
		v := strings.Join(strings.Fields(m.input.Value()), "")
		switch {
		case v == "":
			top = s.Placeholder.Render("p: paste a token")
		case !m.c.S.Reveal:
			// The token is a credential: abbreviated until v (ALL-2);
			// its header and claims below are what the pane is for.
			top = truncate(abbreviate(v)+"  (v shows it in full)", m.w-2)
		default:
			top = breakLines(truncate(v, (m.w-2)*3-1), m.w-2)
		}
		top = clip(top, 3)
	}
	lines := strings.Split(top, "\n")
	for len(lines) < 3 {
		lines = append(lines, "")
	}
	content := strings.Join(lines[:3], "\n") + "\n" + s.Border.Render(strings.Repeat("─", max(0, m.w-2))) + "\n" + m.vp.View()
	note := ""
	if m.editing {
		note = "editing · esc done"
	}
	return s.box("Decode", note, content, m.w, m.h, m.focused)
}
