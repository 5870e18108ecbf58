// Package reqpath parses a request path the one way authlab routes,
// authorizes and forwards it (PATH-4, PATH-5).
//
// No gateway documents what it does with dot segments, encoded slashes or
// duplicate slashes, and a backend that normalises differently from the
// router is how a request to /public/%2e%2e/admin reaches /admin without
// its authorizer. So the raw path is split on literal slashes only, each
// segment is decoded exactly once, and anything a backend could read as a
// different path is refused before routing rather than guessed at.
package reqpath

import (
	"fmt"
	"strings"
)

// Path is a request path that passed the checks.
type Path struct {
	// Raw is the path exactly as the client sent it (still escaped): what
	// the backend receives (PATH-7).
	Raw string
	// Segments are the decoded segments between literal slashes. A
	// trailing slash leaves a final empty segment; "/" has none.
	Segments []string
	// Decoded is the canonical decoded path ("/" + segments joined by "/").
	Decoded string
	// EncodedSlash names the first segment that holds an encoded / or \
	// (%2F, %5C), which only routes with allowEncodedSlash accept.
	EncodedSlash string
}

// Error is a path refused before routing: the segment and why.
type Error struct {
	Segment string // the offending raw segment ("" for the whole path)
	Reason  string
}

func (e *Error) Error() string {
	if e.Segment == "" {
		return e.Reason
	}
	return fmt.Sprintf("segment %q: %s", e.Segment, e.Reason)
}

// maxDecodes bounds how often a segment is decoded again to look for a
// hidden dot segment or slash: %25252e is %2e after two rounds.
const maxDecodes = 4

// Parse checks raw (the path part of the request target, without the query)
// and splits it into decoded segments.
func Parse(raw string) (Path, error) {
	p := Path{Raw: raw}
	if !strings.HasPrefix(raw, "/") {
		return p, &Error{Reason: fmt.Sprintf("the path %q does not start with /", raw)}
	}
	if raw == "/" {
		p.Decoded = "/"
		return p, nil
	}
	// The split parts become the decoded segments in place; the decoded
	// path is the raw one unless a segment decoded to something else.
	parts := strings.Split(raw[1:], "/")
	same := true
	for i, seg := range parts {
		if seg == "" {
			if i == len(parts)-1 {
				continue // one trailing slash is significant, not empty (PATH-6)
			}
			return p, &Error{Segment: "", Reason: "empty segment (//): a backend may collapse it and see another path"}
		}
		dec, slash, err := segment(seg)
		if err != nil {
			return p, err
		}
		if slash && p.EncodedSlash == "" {
			p.EncodedSlash = seg
		}
		same = same && dec == seg
		parts[i] = dec
	}
	p.Segments = parts
	if same {
		p.Decoded = raw
		return p, nil
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i, dec := range parts {
		if dec == "" && i == len(parts)-1 {
			b.WriteByte('/')
			continue
		}
		b.WriteByte('/')
		b.WriteString(dec)
	}
	p.Decoded = b.String()
	return p, nil
}

// segment decodes one raw segment and checks it.
func segment(raw string) (dec string, encodedSlash bool, err error) {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c < 0x20 || c == 0x7f:
			return "", false, &Error{Segment: raw, Reason: fmt.Sprintf("control character %#02x", c)}
		case c == '\\':
			return "", false, &Error{Segment: raw, Reason: `a backslash, which some backends read as a path separator`}
		case c == '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return "", false, &Error{Segment: raw, Reason: "invalid percent-encoding"}
			}
			switch strings.ToLower(raw[i+1 : i+3]) {
			case "2f", "5c":
				encodedSlash = true
			}
			i += 2
		}
	}
	dec = unescape(raw)
	if isDot(dec) {
		return "", false, &Error{Segment: raw, Reason: "dot segment (" + dotName(dec) + "): a backend would resolve it to another path"}
	}
	if encodedSlash {
		// A backend that decodes %2F before resolving dots would see
		// these as segments of their own: ..%2F..%2Fadmin is ../../admin.
		for _, part := range strings.FieldsFunc(dec, func(r rune) bool { return r == '/' || r == '\\' }) {
			if isDot(part) {
				return "", false, &Error{Segment: raw, Reason: "dot segment (" + dotName(part) + ") behind an encoded slash"}
			}
		}
		if strings.Contains(dec, "//") || strings.Contains(dec, "\\\\") {
			return "", false, &Error{Segment: raw, Reason: "empty segment behind encoded slashes"}
		}
	}
	// Decode again, as a backend that decodes twice would, and refuse what
	// that turns into: %252e%252e is .. to such a backend.
	cur := dec
	for n := 0; n < maxDecodes && strings.IndexByte(cur, '%') >= 0; n++ {
		if c := ctl(cur); c >= 0 {
			return "", false, &Error{Segment: raw, Reason: fmt.Sprintf("encoded control character %#02x", c)}
		}
		low := strings.ToLower(cur)
		for _, enc := range []string{"%2e", "%2f", "%5c"} {
			if strings.Contains(low, enc) {
				return "", false, &Error{Segment: raw, Reason: "double percent-encoding (" + enc + " after decoding): a backend that decodes again would see another path"}
			}
		}
		next, ok := tryUnescape(cur)
		if !ok || next == cur {
			break
		}
		cur = next
		if isDot(cur) {
			return "", false, &Error{Segment: raw, Reason: "multiply-encoded dot segment"}
		}
		if c := ctl(cur); c >= 0 {
			return "", false, &Error{Segment: raw, Reason: fmt.Sprintf("encoded control character %#02x (double percent-encoding)", c)}
		}
	}
	if c := ctl(dec); c >= 0 {
		return "", false, &Error{Segment: raw, Reason: fmt.Sprintf("encoded control character %#02x", c)}
	}
	return dec, encodedSlash, nil
}

// isDot reports a dot segment, also with a matrix parameter (..;x), which
// servlet containers strip before resolving the dots.
func isDot(s string) bool {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return s == "." || s == ".."
}

func dotName(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return s[:i] + " with ;"
	}
	return s
}

func ctl(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return int(c)
		}
	}
	return -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// unescape decodes a segment already checked for valid escapes. '+' stays
// '+': it means a space only in queries.
func unescape(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	out, _ := tryUnescape(s)
	return out
}

// tryUnescape decodes %XX sequences, reporting false when one is invalid.
func tryUnescape(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return s, false
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), true
}

// Escape is the raw form of a decoded path for requests built without one
// (a trace read back, a test): each segment escaped as Go's url package does.
func Escape(decoded string) string {
	var b strings.Builder
	for i, seg := range strings.Split(decoded, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(escapeSegment(seg))
	}
	return b.String()
}

func escapeSegment(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

// unreserved are the bytes a path segment carries unescaped (RFC 3986
// unreserved and sub-delims, ':' and '@').
func unreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}
