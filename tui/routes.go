package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/authlab/authlab/engine/config"
)

// routesModel lists the gateway's routes: methods, path, authorizer and
// authorization type. Enter copies a route into the composer.
type routesModel struct {
	c       *Common
	w, h    int
	cursor  int
	offset  int
	focused bool
}

var _ Component = (*routesModel)(nil)

func newRoutes(c *Common) *routesModel { return &routesModel{c: c} }

func (m *routesModel) Init() tea.Cmd     { return nil }
func (m *routesModel) SetSize(w, h int)  { m.w, m.h = w, h }
func (m *routesModel) SetFocused(f bool) { m.focused = f }
func (m *routesModel) routes() []*config.Route {
	if m.c.S.Gateway == nil {
		return nil
	}
	return m.c.S.Gateway.Routes
}

func (m *routesModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.UseRoute, k.Probe}
}

func (m *routesModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *routesModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	rs := m.routes()
	switch msg := msg.(type) {
	case GatewayMsg:
		m.cursor = min(m.cursor, max(0, len(rs)-1))
	case tea.KeyMsg:
		k := m.c.Keys
		switch {
		case matches(msg, k.Up):
			m.cursor = max(0, m.cursor-1)
		case matches(msg, k.Down):
			m.cursor = min(max(0, len(rs)-1), m.cursor+1)
		case matches(msg, k.Top):
			m.cursor = 0
		case matches(msg, k.Bottom):
			m.cursor = max(0, len(rs)-1)
		case matches(msg, k.UseRoute):
			if m.cursor < len(rs) {
				r := rs[m.cursor]
				m.c.post(UseRouteMsg{Path: r.Path, Methods: r.Methods})
				return m, nil
			}
		case matches(msg, k.Probe):
			if m.cursor < len(rs) {
				m.c.post(ProbeMsg{Route: rs[m.cursor]})
				return m, nil
			}
		}
	}
	return m, nil
}

// rowsPerRoute is 1 when a route fits on one line with its authorizer,
// else 2 (narrow terminals): the authorizer goes under the path.
func (m *routesModel) rowsPerRoute() int {
	if m.w-2 >= 56 {
		return 1
	}
	return 2
}

func (m *routesModel) View() string {
	s := m.c.Styles
	rs := m.routes()
	inner := m.w - 2
	per := m.rowsPerRoute()
	visible := max(1, (m.h-2)/per)
	m.offset = window(m.offset, m.cursor, visible, len(rs))
	var lines []string
	if len(rs) == 0 {
		lines = append(lines, s.Dim.Render("no routes"))
	}
	for i := m.offset; i < len(rs) && i < m.offset+visible; i++ {
		r := rs[i]
		sel := i == m.cursor
		methods := "ANY"
		if len(r.Methods) > 0 {
			methods = strings.Join(r.Methods, ",")
		}
		path := r.Path
		if sel && m.focused {
			path = s.Selected.Render(path)
		}
		auth := authLabel(r)
		if per == 1 {
			lines = append(lines, fit(s.listMark(sel, m.focused)+fmt.Sprintf("%-8s ", methods)+fit(path, inner-36)+"  "+s.Dim.Render(auth), inner))
			continue
		}
		lines = append(lines, s.listMark(sel, m.focused)+fmt.Sprintf("%-8s ", methods)+path, "    "+s.Dim.Render(auth))
	}
	note := ""
	if len(rs) > visible {
		note = fmt.Sprintf("%d/%d", m.cursor+1, len(rs))
	}
	return s.box("Routes", note, strings.Join(lines, "\n"), m.w, m.h, m.focused)
}

// authLabel is "token-auth · AUTHENTICATION_ONLY", or "open" for a route
// without an authorizer.
func authLabel(r *config.Route) string {
	if r.Authorizer == "" {
		return "open (no authorizer)"
	}
	typ := "AUTHENTICATION_ONLY"
	if r.Authorization != nil && r.Authorization.Type != "" {
		typ = r.Authorization.Type
		if len(r.Authorization.AllowedScope) > 0 {
			typ += " " + strings.Join(r.Authorization.AllowedScope, ",")
		}
	}
	return r.Authorizer + " · " + typ
}
