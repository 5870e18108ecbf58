package redact

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape makes text from outside (a decoded request path, a header, a
// handler's log line, an authorizer's answer) safe to print in a one-line
// field of a terminal or log: C0 controls, DEL, C1 controls and bytes that
// are not UTF-8 are written as Go escapes (\n, \r, \t, \x1b, \x9b), so a
// client cannot forge log lines or recolour the operator's terminal with
// %0a or %1b[31m. A backslash stays a backslash: the escapes are for
// reading, not for decoding back.
func Escape(s string) string { return escape(s, false) }

// EscapeBlock is Escape for multi-line text: line feeds and tabs are kept.
func EscapeBlock(s string) string { return escape(s, true) }

func escape(s string, block bool) string {
	if clean(s, block) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case block && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no escaping (the common case, kept cheap).
func clean(s string, block bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return cleanUTF8(s[i:], block)
		}
		if c < 0x20 || c == 0x7f {
			if block && (c == '\n' || c == '\t') {
				continue
			}
			return false
		}
	}
	return true
}

func cleanUTF8(s string, block bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if block && (r == '\n' || r == '\t') {
			i += size
			continue
		}
		if (r == utf8.RuneError && size <= 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return false
		}
		i += size
	}
	return true
}
