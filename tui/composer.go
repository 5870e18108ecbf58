package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine"
)

// methods the composer cycles through with ←/→.
var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// Field kinds of the composer, top to bottom.
type fieldKind int

const (
	fMethod fieldKind = iota
	fPath
	fParam
	fQuery
	fHeaders
	fBody
	fSigV4 // only for a gateway with aws.credentials (AWS-S1)
)

type param struct {
	name   string
	greedy bool // {name+}: the rest of the path
	input  textinput.Model
}

// composerModel edits the request to fire: method, path (with a field per
// path parameter), query, headers and body. It is modal: arrows move
// between fields, Enter edits one, Esc stops editing — so that single keys
// (f, t, q) stay commands while no field is being edited.
type composerModel struct {
	c       *Common
	w, h    int
	focused bool

	method  int
	path    textinput.Model
	params  []*param
	query   textinput.Model
	headers textarea.Model
	body    textarea.Model
	sigv4   textinput.Model // an access key id to sign with, or empty

	focus   int // index into fields()
	editing bool
	offset  int

	picker  *pickerModel // token picker, when open
	err     error        // why the last fire was refused, shown in place
	errKind fieldKind
}

var _ Component = (*composerModel)(nil)

func newComposer(c *Common) *composerModel {
	m := &composerModel{c: c,
		path:    newInput(c.Styles, "/path/{param}"),
		query:   newInput(c.Styles, "name=value&…"),
		headers: newArea(c.Styles, c.Keys, "Name: value (one per line)"),
		body:    newArea(c.Styles, c.Keys, "request body (JSON is checked)"),
		sigv4:   newInput(c.Styles, "access key id of aws.credentials"),
	}
	m.path.SetValue("/")
	return m
}

func (m *composerModel) Init() tea.Cmd     { return nil }
func (m *composerModel) SetFocused(f bool) { m.focused = f }

func (m *composerModel) SetSize(w, h int) {
	m.w, m.h = w, h
	vw := m.valueWidth()
	m.path.Width = vw - 1
	m.query.Width = vw - 1
	m.sigv4.Width = vw - 1
	for _, p := range m.params {
		p.input.Width = vw - 1
	}
	m.headers.SetWidth(vw)
	m.body.SetWidth(vw)
	if m.picker != nil {
		m.picker.SetSize(w, h)
	}
}

const labelWidth = 9

func (m *composerModel) valueWidth() int { return max(8, m.w-2-2-labelWidth) }

// Capturing: while a field is edited or the picker is open, every key is
// the composer's.
func (m *composerModel) Capturing() bool { return m.editing || m.picker != nil }

// fields lists the field kinds in display order (one fParam per parameter).
func (m *composerModel) fields() []fieldKind {
	f := []fieldKind{fMethod, fPath}
	for range m.params {
		f = append(f, fParam)
	}
	f = append(f, fQuery, fHeaders, fBody)
	if m.sigv4On() {
		f = append(f, fSigV4)
	}
	return f
}

// sigv4On: the gateway has IAM credentials, so a request can be signed
// with one of them (an aws-iam authorizer's AWS_IAM methods, AWS-S1).
func (m *composerModel) sigv4On() bool {
	g := m.c.S.Gateway
	return g != nil && len(g.AWS.Credentials) > 0
}

func (m *composerModel) current() (fieldKind, int) {
	fs := m.fields()
	m.focus = min(max(0, m.focus), len(fs)-1)
	k := fs[m.focus]
	return k, m.focus - 2 // param index when k == fParam
}

func (m *composerModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.picker != nil {
		return m.picker.ShortHelp()
	}
	if m.editing {
		return []key.Binding{k.DoneEdit, k.NextField}
	}
	if f, _ := m.current(); f == fMethod {
		return []key.Binding{k.Up, k.Down, k.Method, k.PickToken, k.Fire}
	}
	return []key.Binding{k.Up, k.Down, k.Edit, k.PickToken, k.Fire}
}

func (m *composerModel) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Edit, k.DoneEdit}, {k.Method, k.PickToken}}
}

func (m *composerModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case UseRouteMsg:
		m.useRoute(msg)
		return m, nil
	case UseTokenMsg:
		m.setToken(msg.Value)
		return m, nil
	case tea.KeyMsg:
		if m.picker != nil {
			return m, m.updatePicker(msg)
		}
		if m.editing {
			return m, m.updateEditing(msg)
		}
		return m, m.updateNav(msg)
	}
	return m, nil
}

func (m *composerModel) updateNav(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	f, _ := m.current()
	switch {
	case matches(msg, k.Up):
		m.focus = max(0, m.focus-1)
	case matches(msg, k.Down):
		m.focus = min(len(m.fields())-1, m.focus+1)
	case f == fMethod && matches(msg, k.Left):
		m.method = (m.method + len(methods) - 1) % len(methods)
	case f == fMethod && (matches(msg, k.Right) || matches(msg, k.Edit)):
		m.method = (m.method + 1) % len(methods)
	case matches(msg, k.Edit):
		return m.startEditing()
	case matches(msg, k.PickToken):
		m.picker = newPicker(m.c, m.tokenSlot(), routeAuthorizer(m.c.S.Gateway, m.path.Value()))
		m.picker.SetSize(m.w, m.h)
	}
	return nil
}

func (m *composerModel) startEditing() tea.Cmd {
	f, i := m.current()
	m.editing = true
	switch f {
	case fPath:
		m.path.CursorEnd()
		return m.path.Focus()
	case fParam:
		m.params[i].input.CursorEnd()
		return m.params[i].input.Focus()
	case fQuery:
		m.query.CursorEnd()
		return m.query.Focus()
	case fSigV4:
		m.sigv4.CursorEnd()
		return m.sigv4.Focus()
	case fHeaders:
		m.headers.SetHeight(min(8, max(2, m.headers.LineCount()+1)))
		return m.headers.Focus()
	case fBody:
		m.body.SetHeight(min(8, max(2, m.body.LineCount()+1)))
		return m.body.Focus()
	}
	m.editing = false
	return nil
}

func (m *composerModel) stopEditing() {
	m.editing = false
	m.path.Blur()
	m.query.Blur()
	m.sigv4.Blur()
	for _, p := range m.params {
		p.input.Blur()
	}
	m.headers.Blur()
	m.body.Blur()
	m.syncParams()
	m.err = nil
}

func (m *composerModel) updateEditing(msg tea.KeyMsg) tea.Cmd {
	f, i := m.current()
	k := m.c.Keys
	single := f == fPath || f == fParam || f == fQuery || f == fSigV4
	switch {
	case matches(msg, k.DoneEdit), single && matches(msg, k.Confirm):
		m.stopEditing()
		return nil
	case matches(msg, k.NextField):
		m.stopEditing()
		m.focus = min(len(m.fields())-1, m.focus+1)
		return nil
	}
	var cmd tea.Cmd
	switch f {
	case fPath:
		m.path, cmd = m.path.Update(msg)
	case fParam:
		m.params[i].input, cmd = m.params[i].input.Update(msg)
	case fQuery:
		m.query, cmd = m.query.Update(msg)
	case fSigV4:
		m.sigv4, cmd = m.sigv4.Update(msg)
	case fHeaders:
		m.headers, cmd = m.headers.Update(msg)
		m.headers.SetHeight(min(8, max(2, m.headers.LineCount()+1)))
	case fBody:
		m.body, cmd = m.body.Update(msg)
		m.body.SetHeight(min(8, max(2, m.body.LineCount()+1)))
	}
	return cmd
}

func (m *composerModel) updatePicker(msg tea.KeyMsg) tea.Cmd {
	done, value, ok := m.picker.handle(msg)
	if !done {
		return nil
	}
	slot := m.picker.slot
	m.picker = nil
	if ok {
		m.putToken(slot, value)
	}
	return nil
}

// useRoute copies a route into the composer: its first method, its path
// template, a field per path parameter, and — for an authorizer reading
// query parameters — those names, so the identity sources are visible.
func (m *composerModel) useRoute(r UseRouteMsg) {
	if len(r.Methods) > 0 {
		for i, mt := range methods {
			if strings.EqualFold(mt, r.Methods[0]) {
				m.method = i
			}
		}
	}
	m.path.SetValue(r.Path)
	m.syncParams()
	if g := m.c.S.Gateway; g != nil && m.query.Value() == "" {
		var names []string
		for _, rt := range g.Routes {
			if rt.Path != r.Path || rt.Authorizer == "" {
				continue
			}
			if a := g.Authorizer(rt.Authorizer); a != nil {
				for _, src := range a.Sources() {
					if src.Kind == "query" {
						names = append(names, src.Name+"=")
					}
				}
			}
		}
		m.query.SetValue(strings.Join(names, "&"))
	}
	m.focus = 1
	m.err = nil
}

var paramRE = regexp.MustCompile(`\{([A-Za-z0-9_.-]+)(\+?)\}`)

// syncParams makes one field per {param} of the path, keeping the values
// of parameters that survive an edit of the path.
func (m *composerModel) syncParams() {
	old := map[string]string{}
	for _, p := range m.params {
		old[p.name] = p.input.Value()
	}
	m.params = nil
	for _, sm := range paramRE.FindAllStringSubmatch(m.path.Value(), -1) {
		p := &param{name: sm[1], greedy: sm[2] == "+", input: newInput(m.c.Styles, "value")}
		p.input.Width = m.valueWidth() - 1
		v, ok := old[p.name]
		if !ok {
			v = "1" // a value that routes: a blank parameter would not match
			if p.greedy {
				v = "a/b"
			}
		}
		p.input.SetValue(v)
		m.params = append(m.params, p)
	}
}

// tokenSlot is where the route's authorizer reads its token: the engine
// answers (an OCI X-Token header, a query parameter), not the TUI.
func (m *composerModel) tokenSlot() engine.TokenSlot {
	if e := m.c.S.Engine; e != nil {
		if s, err := e.TokenSlot(methods[m.method], m.path.Value()); err == nil {
			return s
		}
	}
	return engine.DefaultTokenSlot
}

func (m *composerModel) setHeader(name, value string) {
	m.headers.SetValue(setHeaderLine(m.headers.Value(), name, value))
}

// setToken puts a token where the route's authorizer reads it.
func (m *composerModel) setToken(tok string) { m.putToken(m.tokenSlot(), tok) }

// putToken writes tok into slot: the slot's scheme ("Bearer ") is added to
// a bare token; "" removes the header or parameter.
func (m *composerModel) putToken(slot engine.TokenSlot, tok string) {
	v := tok
	if tok != "" && slot.Scheme != "" && !strings.Contains(tok, " ") {
		v = slot.Scheme + tok
	}
	if slot.Kind == "query" {
		m.query.SetValue(setQueryParam(m.query.Value(), slot.Name, v))
		return
	}
	m.setHeader(slot.Name, v)
}

// Target is the path with parameters filled in, plus the query.
func (m *composerModel) Target() string {
	path := m.path.Value()
	for _, p := range m.params {
		v := p.input.Value()
		if p.greedy {
			segs := strings.Split(v, "/")
			for i, s := range segs {
				segs[i] = url.PathEscape(s)
			}
			v = strings.Join(segs, "/")
		} else {
			v = url.PathEscape(v)
		}
		suffix := "}"
		if p.greedy {
			suffix = "+}"
		}
		path = strings.ReplaceAll(path, "{"+p.name+suffix, v)
	}
	q := strings.TrimPrefix(strings.TrimSpace(m.query.Value()), "?")
	if q == "" {
		return path
	}
	if strings.Contains(path, "?") {
		return path + "&" + q
	}
	return path + "?" + q
}

// Spec is the request as composed.
func (m *composerModel) Spec() RequestSpec {
	var hs []string
	for _, line := range strings.Split(m.headers.Value(), "\n") {
		if strings.TrimSpace(line) != "" {
			hs = append(hs, strings.TrimSpace(line))
		}
	}
	spec := RequestSpec{Method: methods[m.method], Target: m.Target(), Headers: hs, Body: m.body.Value()}
	if m.sigv4On() {
		spec.SigV4 = strings.TrimSpace(m.sigv4.Value())
	}
	return spec
}

// Load fills the composer from a spec (a history entry shown again).
func (m *composerModel) Load(spec RequestSpec) {
	for i, mt := range methods {
		if mt == spec.Method {
			m.method = i
		}
	}
	path, query, _ := strings.Cut(spec.Target, "?")
	m.path.SetValue(path)
	m.params = nil
	m.query.SetValue(query)
	m.headers.SetValue(strings.Join(spec.Headers, "\n"))
	m.body.SetValue(spec.Body)
	m.sigv4.SetValue(spec.SigV4)
	m.err = nil
}

// SetError marks a request the engine refused to build, at its field.
func (m *composerModel) SetError(err error) {
	m.err = err
	msg := err.Error()
	switch {
	case strings.Contains(msg, "sigv4") || strings.Contains(msg, "credentials"):
		m.errKind = fSigV4
	case strings.Contains(msg, "header"):
		m.errKind = fHeaders
	case strings.Contains(msg, "method"):
		m.errKind = fMethod
	case strings.Contains(msg, "query"):
		m.errKind = fQuery
	default:
		m.errKind = fPath
	}
}

// bodyError says where a body that looks like JSON stops being JSON: the
// 1-based line and column of the offending character (0, 0 when the
// error has no position).
func bodyError(body string) (line, col int, err error) {
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return 0, 0, nil
	}
	var v any
	err = json.Unmarshal([]byte(body), &v)
	if err == nil {
		return 0, 0, nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the bad one included.
		line, col = lineCol(body, int(se.Offset)-1)
		return line, col, fmt.Errorf("invalid JSON at %d:%d: %s", line, col, se.Error())
	}
	return 0, 0, fmt.Errorf("invalid JSON: %v", err)
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(s string, off int) (int, int) {
	off = min(max(0, off), len(s))
	line, col := 1, 1
	for _, r := range s[:off] {
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return line, col
}
