package tui

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/report"
)

// mintedMsg hands a freshly minted token to the decoder (to show it and
// its verdict) and remembers the key that signed it.
type mintedMsg struct {
	Token string
	Key   *jose.Key
}

// Mint form fields, top to bottom.
const (
	mAlg = iota
	mKey
	mKID
	mSub
	mScope
	mAud
	mIss
	mExp
	mClaims
	mPreset
	mFields
)

var mintLabels = [mFields]string{"Alg", "Key", "Kid", "sub", "scope", "aud", "iss", "exp in", "claims", "preset"}

// mintPresets are the preset field's choices: none, then the claim sets of
// jose.Presets (a Cognito ID or access token).
var mintPresets = append([]string{""}, jose.Presets...)

// mintModel is the workbench's mint form: algorithm, key, the common
// claims, expiry and extra claims. Its defaults come from the gateway's
// first jwt authorizer (issuer, audience, a scope a route asks for), so
// the first minted token is one the gateway accepts.
type mintModel struct {
	c       *Common
	w, h    int
	focused bool
	rand    io.Reader

	alg     int
	algs    []string
	preset  int // index into mintPresets
	choices []keyChoice
	choice  int
	inputs  [mFields]textinput.Model
	focus   int
	editing bool
	offset  int

	token string
	err   error
	// fresh holds the key made for each algorithm when the Key field is
	// empty, so that minting again signs with the same key (and RSA keys,
	// slow to make, are made once).
	fresh map[string]*jose.Key
}

var _ Component = (*mintModel)(nil)

func newMint(c *Common, rand io.Reader) *mintModel {
	m := &mintModel{c: c, rand: rand, algs: jose.Algorithms(), fresh: map[string]*jose.Key{}}
	for i := range m.inputs {
		m.inputs[i] = newInput(c.Styles, "")
	}
	m.inputs[mKey].Placeholder = "a fresh key"
	m.inputs[mKID].Placeholder = "the key's own"
	m.inputs[mClaims].Placeholder = "name=value, …"
	m.inputs[mExp].Placeholder = "no exp"
	for _, i := range []int{mSub, mScope, mAud, mIss} {
		m.inputs[i].Placeholder = "—"
	}
	m.reset()
	return m
}

// reset fills the form from the gateway: its first jwt authorizer.
func (m *mintModel) reset() {
	g := m.c.S.Gateway
	m.choices = keyChoices(g)
	m.choice = 0
	m.inputs[mSub].SetValue("alice")
	m.inputs[mExp].SetValue("1h")
	m.inputs[mScope].SetValue("")
	m.inputs[mAud].SetValue("")
	m.inputs[mIss].SetValue("")
	if as := jwtAuthorizers(g); len(as) > 0 {
		a := as[0]
		o := engine.JWTOptionsOf(a)
		m.inputs[mIss].SetValue(o.Issuer)
		if len(o.Audience) > 0 {
			m.inputs[mAud].SetValue(o.Audience[0])
		}
		for _, r := range g.Routes {
			if r.Authorizer == a.Name && r.Authorization != nil && len(r.Authorization.AllowedScope) > 0 {
				m.inputs[mScope].SetValue(r.Authorization.AllowedScope[0])
				break
			}
		}
	}
	m.pickChoice(0)
}

// pickChoice selects a suggested key and the algorithm it signs with.
func (m *mintModel) pickChoice(i int) {
	if len(m.choices) == 0 {
		return
	}
	m.choice = (i + len(m.choices)) % len(m.choices)
	ch := m.choices[m.choice]
	m.inputs[mKey].SetValue(ch.Spec)
	alg := "RS256"
	if strings.HasPrefix(ch.Spec, "secret:") {
		alg = "HS256"
	} else if ch.Spec != "" {
		if k, err := loadSigningKey(ch.Spec, "", m.kid()); err == nil && k.DefaultAlg() != "" {
			alg = k.DefaultAlg()
		}
	}
	m.setAlg(alg)
}

// fitAlg switches the algorithm to one the typed key can sign with, so
// typing secret:… does not leave RS256 selected.
func (m *mintModel) fitAlg() {
	spec := strings.TrimSpace(m.inputs[mKey].Value())
	if spec == "" {
		return
	}
	k, err := loadSigningKey(spec, "", m.kid())
	if err != nil || k.CheckAlg(m.algs[m.alg]) == nil {
		return
	}
	if alg := k.DefaultAlg(); alg != "" {
		m.setAlg(alg)
	}
}

func (m *mintModel) setAlg(alg string) {
	for i, a := range m.algs {
		if a == alg {
			m.alg = i
		}
	}
}

func (m *mintModel) Init() tea.Cmd     { return nil }
func (m *mintModel) SetFocused(f bool) { m.focused = f }
func (m *mintModel) Capturing() bool   { return m.editing }

func (m *mintModel) SetSize(w, h int) {
	m.w, m.h = w, h
	for i := range m.inputs {
		m.inputs[i].Width = max(4, w-4-labelWidth-1)
	}
}

func (m *mintModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.editing {
		return []key.Binding{k.DoneEdit}
	}
	return []key.Binding{k.Up, k.Down, k.Edit, k.Cycle, k.Mint, k.UseToken}
}

func (m *mintModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Edit, k.DoneEdit}, {k.Cycle, k.Mint, k.UseToken}}
}

func (m *mintModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case GatewayMsg:
		// A reload (often just a saved handler) keeps what was typed; only
		// the keys on offer follow the new file.
		if msg.Err == nil {
			m.choices = keyChoices(m.c.S.Gateway)
			m.choice = min(m.choice, len(m.choices)-1)
		}
	case tea.KeyMsg:
		k := m.c.Keys
		if m.editing {
			if matches(msg, k.DoneEdit) || matches(msg, k.Confirm) || matches(msg, k.NextField) {
				m.editing = false
				m.inputs[m.focus].Blur()
				if m.focus == mKey {
					m.fitAlg()
				}
				if matches(msg, k.NextField) {
					m.focus = min(mFields-1, m.focus+1)
				}
				return m, nil
			}
			var cmd tea.Cmd
			m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
			return m, cmd
		}
		switch {
		case matches(msg, k.Up):
			m.focus = max(0, m.focus-1)
		case matches(msg, k.Down):
			m.focus = min(mFields-1, m.focus+1)
		case m.focus == mAlg && matches(msg, k.Left):
			m.alg = (m.alg + len(m.algs) - 1) % len(m.algs)
		case m.focus == mAlg && (matches(msg, k.Right) || matches(msg, k.Edit)):
			m.alg = (m.alg + 1) % len(m.algs)
		case m.focus == mPreset && matches(msg, k.Left):
			m.preset = (m.preset + len(mintPresets) - 1) % len(mintPresets)
		case m.focus == mPreset && (matches(msg, k.Right) || matches(msg, k.Edit)):
			m.preset = (m.preset + 1) % len(mintPresets)
		case m.focus == mKey && matches(msg, k.Left):
			m.pickChoice(m.choice - 1)
		case m.focus == mKey && matches(msg, k.Right):
			m.pickChoice(m.choice + 1)
		case matches(msg, k.Edit):
			m.editing = true
			m.inputs[m.focus].CursorEnd()
			return m, m.inputs[m.focus].Focus()
		case matches(msg, k.Mint):
			return m, m.mint()
		case matches(msg, k.UseToken):
			if m.token == "" {
				return m, m.c.status(levelWarn, "mint a token first (m)")
			}
			tok := m.token
			m.c.post(UseTokenMsg{Value: tok})
			return m, nil
		}
	}
	return m, nil
}

// mint signs a token at the virtual clock's time.
func (m *mintModel) mint() tea.Cmd {
	alg := m.algs[m.alg]
	m.token, m.err = "", nil
	spec := strings.TrimSpace(m.inputs[mKey].Value())
	k, err := m.fresh[alg], error(nil)
	if spec != "" || k == nil {
		if k, err = loadSigningKey(spec, alg, m.kid()); err != nil {
			m.err = err
			return nil
		}
		if spec == "" {
			m.fresh[alg] = k
		}
	}
	claims := map[string]any{}
	for _, f := range []struct {
		name string
		i    int
	}{{"sub", mSub}, {"scope", mScope}, {"aud", mAud}, {"iss", mIss}} {
		if v := strings.TrimSpace(m.inputs[f.i].Value()); v != "" {
			claims[f.name] = v
		}
	}
	if err := parseClaims(m.inputs[mClaims].Value(), claims); err != nil {
		m.err = err
		return nil
	}
	var exp time.Duration
	if v := strings.TrimSpace(m.inputs[mExp].Value()); v != "" {
		if exp, err = jose.ParseDuration(v); err != nil {
			m.err = fmt.Errorf("exp in: %w", err)
			return nil
		}
	}
	now := m.c.S.Clock.Now()
	ts := config.TokenSpec{Alg: alg, KID: m.kid(), Claims: claims}
	if p := mintPresets[m.preset]; p != "" {
		// The claims Cognito writes: the form's iss names the pool, aud
		// the app client and sub the username they are derived from.
		ts.Preset, ts.Username = p, str(claims["sub"])
		ts.UserPool = poolOf(str(claims["iss"]))
		ts.ClientID = str(claims["aud"])
		delete(claims, "sub")
		delete(claims, "iss")
		delete(claims, "aud")
	}
	if exp != 0 {
		ts.ExpiresIn = &config.Duration{Duration: exp}
	}
	tok, err := ts.MintWith(k, now, func(mo *jose.MintOptions) { mo.Rand = m.rand })
	if err != nil {
		m.err = err
		return nil
	}
	m.token = tok
	label := fmt.Sprintf("minted %s %s", now.UTC().Format("15:04:05"), alg)
	if sub, ok := claims["sub"].(string); ok {
		label += " sub=" + sub
	}
	if exp != 0 {
		label += " exp " + jose.HumanDuration(exp)
	}
	m.c.S.Minted = append(m.c.S.Minted, MintedToken{Label: label, Token: tok})
	if spec != "" {
		// A key on disk or a secret: a saved scenario can mint it again.
		// (A key generated here exists nowhere else: its tokens stay as
		// they are.)
		src := ts
		src.Claims = claims
		if strings.HasPrefix(spec, "secret:") {
			src.Secret = spec[len("secret:"):]
		} else {
			src.Key = spec
		}
		m.c.S.noteToken(tok, TokenSource{Name: m.c.S.tokenName(claims), Spec: absSpec(src, "."), At: now})
	}
	m.c.post(mintedMsg{Token: tok, Key: k})
	return m.c.status(levelInfo, "minted %s %s token — u puts it in the request", article(alg), alg)
}

// article is "an" before a word said with a leading vowel sound ("an
// RS256", "an HS256", "an ES256", "an EdDSA"), else "a" ("a PS256").
func article(word string) string {
	if word != "" && strings.ContainsRune("AEFHILMNORSXaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// kid is the form's kid: the header's, and the key picked from a JWKS.
func (m *mintModel) kid() string { return strings.TrimSpace(m.inputs[mKID].Value()) }

// parseClaims reads "name=value, name=value"; a value that is JSON (a
// number, true, a list) is kept as JSON, anything else is a string.
func parseClaims(s string, into map[string]any) error {
	for _, part := range splitClaims(s) {
		name, val, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return fmt.Errorf("claims: %q is not name=value", strings.TrimSpace(part))
		}
		val = strings.TrimSpace(val)
		var v any
		if json.Valid([]byte(val)) && !strings.HasPrefix(val, "\"") {
			v = json.RawMessage(val)
		} else {
			v = strings.Trim(val, "\"")
		}
		into[name] = v
	}
	return nil
}

// splitClaims splits on commas outside brackets, so roles=["a","b"] stays whole.
func splitClaims(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	var kept []string
	for _, p := range out {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return kept
}

func (m *mintModel) View() string {
	s := m.c.Styles
	inner := m.w - 2
	vw := max(4, inner-2-labelWidth)
	var rows []row
	for i := 0; i < mFields; i++ {
		sel := i == m.focus && m.focused
		lab := s.Label.Render(fit(mintLabels[i], labelWidth))
		if sel {
			lab = s.LabelFocus.Render(fit(mintLabels[i], labelWidth))
		}
		var val string
		switch {
		case i == mAlg:
			val = s.Bold.Render(m.algs[m.alg])
			if sel {
				val = s.Dim.Render("‹ ") + val + s.Dim.Render(" ›")
			}
		case i == mPreset:
			val = s.Placeholder.Render("none (sub, scope, aud, iss as written)")
			if p := mintPresets[m.preset]; p != "" {
				val = s.Bold.Render(p) + s.Dim.Render(" — iss names the user pool, aud the app client, sub the username")
			}
			if sel {
				val = s.Dim.Render("‹ ") + val + s.Dim.Render(" ›")
			}
		case m.editing && i == m.focus:
			val = m.inputs[i].View()
		case m.inputs[i].Value() == "":
			val = s.Placeholder.Render(m.inputs[i].Placeholder)
		case i == mKey && strings.HasPrefix(m.inputs[i].Value(), "secret:") && !m.c.S.Reveal:
			// An HMAC secret (often the gateway's own) stays
			// abbreviated until v, like every other secret (ALL-2).
			val = "secret:" + abbreviate(strings.TrimPrefix(m.inputs[i].Value(), "secret:"))
		default:
			val = m.inputs[i].Value()
		}
		rows = append(rows, row{i, s.cursorMark(sel) + lab + truncate(val, vw)})
		if i == mKey {
			note := m.keyNote()
			rows = append(rows, row{i, "  " + strings.Repeat(" ", labelWidth) + s.Dim.Render(truncate(note, vw))})
		}
	}
	rows = append(rows, row{-1, ""})
	switch {
	case m.err != nil:
		for _, l := range wrapLines("✗ "+m.err.Error(), inner) {
			rows = append(rows, row{-1, s.ErrorText.Render(l)})
		}
	case m.token != "":
		rows = append(rows, row{-1, s.OK.Render("✓ minted") + s.Dim.Render(" — u: use this token")})
		shown := report.Abbreviate(m.token) + "  (v shows it in full)"
		if m.c.S.Reveal {
			shown = m.token // tokens stay abbreviated on screen until v (ALL-2)
		}
		for _, l := range strings.Split(breakLines(shown, inner), "\n") {
			rows = append(rows, row{-1, s.Dim.Render(l)})
		}
	default:
		rows = append(rows, row{-1, s.Dim.Render("m mints at the virtual clock's time")})
	}
	h := max(1, m.h-2)
	first := 0
	for i, r := range rows {
		if r.field == m.focus {
			first = i
			break
		}
	}
	m.offset = window(m.offset, first, h, len(rows))
	var out []string
	for i := m.offset; i < len(rows) && i < m.offset+h; i++ {
		out = append(out, rows[i].text)
	}
	note := ""
	if m.editing {
		note = "editing · esc done"
	}
	return s.box("Mint", note, strings.Join(out, "\n"), m.w, m.h, m.focused)
}

// keyNote says what the Key field holds.
func (m *mintModel) keyNote() string {
	v := strings.TrimSpace(m.inputs[mKey].Value())
	for _, ch := range m.choices {
		if ch.Spec == v {
			return ch.Label
		}
	}
	if strings.HasPrefix(v, "secret:") {
		return "an HMAC secret"
	}
	return "a key file (PEM, JWK or JWKS)"
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// poolOf is the user pool id at the end of a Cognito issuer URL
// (https://cognito-idp.REGION.amazonaws.com/POOL), or the text as given.
func poolOf(iss string) string {
	return iss[strings.LastIndex(iss, "/")+1:]
}
