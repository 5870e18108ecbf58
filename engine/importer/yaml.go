package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A small YAML writer: authlab files written by the importer are read by
// people, so they are block style with short flow collections, a comment
// above each authorizer and route naming its source, and "# import:"
// comments where something was translated. Every output line remembers the
// source position it came from (Lines), so that diagnostics about the
// translation point into the user's own file.

// ymap is a mapping in key order.
type ymap struct {
	entries []yentry
	flow    flowMode
}

// ylist is a sequence.
type ylist struct {
	items []any
	flow  flowMode
	above [][]string // comment lines above each item (block style only)
	at    []pos      // source position of each item
}

type flowMode int

const (
	flowAuto flowMode = iota
	flowNever
	flowAlways
)

// yentry is one key of a mapping.
type yentry struct {
	key     string
	val     any // string, int, bool, *ymap, *ylist
	above   []string
	comment string // trailing comment
	at      pos
}

func (m *ymap) add(key string, val any) *yentry {
	m.entries = append(m.entries, yentry{key: key, val: val})
	return &m.entries[len(m.entries)-1]
}

func (m *ymap) addAt(key string, val any, at pos, comment string) {
	m.entries = append(m.entries, yentry{key: key, val: val, at: at, comment: comment})
}

func (l *ylist) add(v any, at pos, above ...string) {
	l.items = append(l.items, v)
	l.at = append(l.at, at)
	l.above = append(l.above, above)
}

// number is a numeric scalar written as it is (a rate like 0.5).
type number string

// writer renders nodes line by line.
type writer struct {
	b     bytes.Buffer
	lines []pos
	cur   pos
}

func (w *writer) line(indent int, text string) {
	w.b.WriteString(strings.Repeat(" ", indent))
	w.b.WriteString(text)
	w.b.WriteByte('\n')
	w.lines = append(w.lines, w.cur)
}

func (w *writer) comments(indent int, lines []string) {
	for _, c := range lines {
		for _, l := range strings.Split(c, "\n") {
			w.line(indent, strings.TrimRight("# "+sanitizeComment(l), " "))
		}
	}
}

// sanitizeComment keeps a comment on its line: control characters from a
// hostile source become spaces.
func sanitizeComment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0x85 {
			return ' '
		}
		return r
	}, s)
}

func withComment(text, comment string) string {
	if comment == "" {
		return text
	}
	return text + "  # " + sanitizeComment(comment)
}

// mapping writes a block mapping's entries at indent; first, when set, is
// the prefix of the first line ("- " of a list item).
func (w *writer) mapping(indent int, m *ymap, first string) {
	saved := w.cur
	defer func() { w.cur = saved }()
	for i, e := range m.entries {
		if e.val == nil {
			continue
		}
		if e.at.valid() {
			w.cur = e.at
		} else {
			w.cur = saved
		}
		prefix, ind := "", indent
		if i == 0 && first != "" {
			prefix, ind = first, indent-len(first)
		}
		if len(e.above) > 0 {
			if prefix != "" {
				w.line(ind, strings.TrimRight(prefix, " "))
				prefix, ind = "", indent
			}
			w.comments(indent, e.above)
		}
		key := scalarText(e.key, false) + ":"
		if s, ok := inline(e.val, false); ok {
			w.line(ind, withComment(prefix+key+" "+s, e.comment))
			continue
		}
		w.line(ind, withComment(prefix+key, e.comment))
		w.block(indent+2, e.val)
	}
}

func (w *writer) block(indent int, v any) {
	switch x := v.(type) {
	case *ymap:
		w.mapping(indent, x, "")
	case *ylist:
		saved := w.cur
		for i, it := range x.items {
			if x.at[i].valid() {
				w.cur = x.at[i]
			} else {
				w.cur = saved
			}
			w.comments(indent, x.above[i])
			if m, ok := it.(*ymap); ok {
				if s, ok := inline(m, false); ok {
					w.line(indent, "- "+s)
				} else {
					w.mapping(indent+2, m, "- ")
				}
				continue
			}
			if s, ok := inline(it, false); ok {
				w.line(indent, "- "+s)
				continue
			}
			w.line(indent, "-")
			w.block(indent+2, it)
		}
		w.cur = saved
	}
}

// inline renders v on one line when it is a scalar or a collection that
// fits (flow style); ok is false for a block collection.
func inline(v any, inFlow bool) (string, bool) {
	switch x := v.(type) {
	case string:
		return scalarText(x, inFlow), true
	case int:
		return strconv.Itoa(x), true
	case number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	case *ymap:
		if x.flow == flowNever || (x.flow == flowAuto && hasComments(x)) {
			return "", false
		}
		if len(x.entries) == 0 {
			return "{}", true
		}
		parts := make([]string, 0, len(x.entries))
		for _, e := range x.entries {
			if e.val == nil {
				continue
			}
			s, ok := inline(e.val, true)
			if !ok {
				return "", false
			}
			parts = append(parts, scalarText(e.key, true)+": "+s)
		}
		s := "{" + strings.Join(parts, ", ") + "}"
		if x.flow == flowAuto && len(s) > 88 {
			return "", false
		}
		return s, true
	case *ylist:
		if x.flow == flowNever {
			return "", false
		}
		for _, a := range x.above {
			if len(a) > 0 {
				return "", false
			}
		}
		parts := make([]string, 0, len(x.items))
		for _, it := range x.items {
			s, ok := inline(it, true)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		s := "[" + strings.Join(parts, ", ") + "]"
		if x.flow == flowAuto && len(s) > 88 {
			return "", false
		}
		return s, true
	}
	return "", false
}

func hasComments(m *ymap) bool {
	for _, e := range m.entries {
		if e.comment != "" || len(e.above) > 0 {
			return true
		}
	}
	return false
}

var (
	plainStart  = regexp.MustCompile(`^[A-Za-z0-9_/.$^(~+<=]`)
	ambiguous   = regexp.MustCompile(`(?i)^(y|n|yes|no|on|off|true|false|null|~|[-+]?(\.inf|\.nan)|[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-f_]+|0o[0-7_]+|[-+]?\.[0-9_]+([eE][-+]?[0-9]+)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|[0-9_]+(:[0-5]?[0-9])+(\.[0-9_]*)?)$`)
	nonPrintabl = regexp.MustCompile(`[\x00-\x1f\x7f\x{85}\x{2028}\x{2029}\x{feff}]`)
)

// scalarText writes a string so that YAML reads it back unchanged: plain
// when that is unambiguous, else single-quoted, else double-quoted.
func scalarText(s string, inFlow bool) string {
	if plain(s, inFlow) {
		return s
	}
	if !nonPrintabl.MatchString(s) && strings.Contains(s, "'") && !strings.ContainsAny(s, "\"\\") {
		// 'literal' gateway-response sources read better double-quoted
		return `"` + s + `"`
	}
	if !nonPrintabl.MatchString(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimRight(b.String(), "\n")
}

func plain(s string, inFlow bool) bool {
	if s == "" || !plainStart.MatchString(s) || ambiguous.MatchString(s) || nonPrintabl.MatchString(s) {
		return false
	}
	if strings.TrimSpace(s) != s || strings.Contains(s, ": ") || strings.Contains(s, "#") || strings.HasSuffix(s, ":") ||
		strings.ContainsAny(s, "\"'`") || strings.Contains(s, "  ") {
		return false
	}
	if inFlow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	// "- x" or "? x" would start a list item or a complex key.
	return !strings.HasPrefix(s, "<<")
}
