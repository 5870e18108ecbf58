package tui

import (
	"strings"
)

// row is one display line of the composer and the field it belongs to.
type row struct {
	field int
	text  string
}

func (m *composerModel) View() string {
	if m.picker != nil {
		return m.picker.View()
	}
	s := m.c.Styles
	vw := m.valueWidth()
	var rows []row
	add := func(fi int, label, value string) {
		focused := fi == m.focus && m.focused
		lab := s.Label.Render(fit(label, labelWidth))
		if focused {
			lab = s.LabelFocus.Render(fit(label, labelWidth))
		}
		lines := strings.Split(value, "\n")
		for i, l := range lines {
			prefix := "  " + strings.Repeat(" ", labelWidth)
			if i == 0 {
				prefix = s.cursorMark(focused) + lab
			}
			rows = append(rows, row{fi, prefix + truncate(l, vw)})
		}
	}
	placeholder := func(v, ph string) string {
		if v == "" {
			return s.Placeholder.Render(ph)
		}
		return v
	}
	fi := 0
	method := s.Bold.Render(methods[m.method])
	if m.focus == 0 && m.focused {
		method = s.Dim.Render("‹ ") + method + s.Dim.Render(" ›")
	}
	add(fi, "Method", method)
	fi++
	editing := func(i int) bool { return m.editing && m.focus == i }
	if editing(fi) {
		add(fi, "Path", m.path.View())
	} else {
		add(fi, "Path", placeholder(m.path.Value(), "/"))
	}
	fi++
	for _, p := range m.params {
		label := "{" + p.name + "}"
		if p.greedy {
			label = "{" + p.name + "+}"
		}
		if editing(fi) {
			add(fi, label, p.input.View())
		} else {
			add(fi, label, placeholder(p.input.Value(), "(empty)"))
		}
		fi++
	}
	if editing(fi) {
		add(fi, "Query", m.query.View())
	} else {
		add(fi, "Query", placeholder(m.query.Value(), "—"))
	}
	fi++
	if editing(fi) {
		add(fi, "Headers", m.headers.View())
	} else {
		add(fi, "Headers", placeholder(m.redactedHeaders(), "—"))
	}
	fi++
	bodyStart := len(rows)
	if editing(fi) {
		add(fi, "Body", m.body.View())
	} else {
		add(fi, "Body", placeholder(previewBody(m.body.Value(), 3), "—"))
	}
	indent := "  " + strings.Repeat(" ", labelWidth)
	bodyField := fi
	if m.sigv4On() {
		fi++
		if editing(fi) {
			add(fi, "SigV4", m.sigv4.View())
		} else {
			add(fi, "SigV4", placeholder(m.sigv4.Value(), "— (access key id: sign with AWS SigV4)"))
		}
		fi = bodyField
	}
	if line, col, err := bodyError(m.body.Value()); err != nil {
		// A caret under the offending character when its line is shown.
		if at := bodyStart + line - 1; line > 0 && at < len(rows) && !editing(fi) && col <= vw {
			caret := row{fi, indent + strings.Repeat(" ", col-1) + s.ErrorText.Render("^")}
			rows = append(rows[:at+1], append([]row{caret}, rows[at+1:]...)...)
		}
		for _, l := range wrapLines("✗ "+err.Error(), vw) {
			rows = append(rows, row{fi, indent + s.ErrorText.Render(l)})
		}
	}
	if m.err != nil {
		// The reason a request was not sent goes under its field.
		ef := m.errField()
		at := len(rows)
		for i, r := range rows {
			if r.field == ef {
				at = i + 1
			}
		}
		var errRows []row
		for _, l := range wrapLines("✗ "+m.err.Error(), vw) {
			errRows = append(errRows, row{ef, indent + s.ErrorText.Render(l)})
		}
		rows = append(rows[:at], append(errRows, rows[at:]...)...)
	}
	// Scroll so the focused field's rows are in view.
	h := max(1, m.h-2)
	first, last := -1, -1
	for i, r := range rows {
		if r.field == m.focus {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		m.offset = window(m.offset, last, h, len(rows))
		m.offset = window(m.offset, first, h, len(rows))
	}
	var out []string
	for i := m.offset; i < len(rows) && i < m.offset+h; i++ {
		out = append(out, rows[i].text)
	}
	note := ""
	if m.editing {
		note = "editing · esc done"
	}
	return s.box("Request", note, strings.Join(out, "\n"), m.w, m.h, m.focused)
}

// errField is the field index an error belongs to.
func (m *composerModel) errField() int {
	for i, f := range m.fields() {
		if f == m.errKind {
			return i
		}
	}
	return 0
}

// redactedHeaders shows the headers with credential values abbreviated
// unless secrets are revealed: the composer is on screen all the time.
func (m *composerModel) redactedHeaders() string {
	v := m.headers.Value()
	if m.c.S.Reveal || strings.TrimSpace(v) == "" {
		return strings.TrimSpace(v)
	}
	var out []string
	for _, line := range strings.Split(v, "\n") {
		name, val, ok := strings.Cut(line, ":")
		if ok && isSecretHeader(name) && strings.TrimSpace(val) != "" {
			line = name + ": " + abbreviate(strings.TrimSpace(val))
		}
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// previewBody is the first n lines of a body, with a count of the rest.
func previewBody(b string, n int) string {
	lines := strings.Split(strings.TrimRight(b, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:n], "\n") + "\n… " + itoa(len(lines)-n) + " more lines"
}
