package backend

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Echo answers 200 with a JSON description of the request it received.
type Echo struct{}

// EchoBody is the JSON the echo backend answers with.
type EchoBody struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// RawPath and RawQuery are the target as a URL backend would receive
	// it, shown when it is not simply the escaped Path / encoded Query.
	RawPath  string            `json:"rawPath,omitempty"`
	RawQuery string            `json:"rawQuery,omitempty"`
	Query    map[string]string `json:"query"`
	Headers  map[string]string `json:"headers"`
	Body     string            `json:"body"`
}

// Serve writes EchoBody as encoding/json would (HTML left unescaped, a
// trailing newline), by hand: fire, scenarios and the engine's benchmarks
// echo on every step, and the reflection, maps and copies of a
// json.Encoder were most of what a cached request allocated.
func (Echo) Serve(_ context.Context, req *Request) (*Response, error) {
	rawPath, rawQuery := "", ""
	if p := req.EscapedPath(); p != (&url.URL{Path: req.Path}).EscapedPath() {
		rawPath = p
	}
	if q := req.EncodedQuery(); q != req.Query.Encode() {
		rawQuery = q
	}
	n := 64 + len(req.Method) + len(req.Path) + len(rawPath) + len(rawQuery) + len(req.Body)
	for k, v := range req.Query {
		n += len(k) + 8
		for _, x := range v {
			n += len(x) + 1
		}
	}
	for k, v := range req.Header {
		n += len(k) + 8
		for _, x := range v {
			n += len(x) + 2
		}
	}
	b := make([]byte, 0, n+n/8)
	b = append(b, `{"method":`...)
	b = appendJSONString(b, req.Method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, req.Path)
	if rawPath != "" {
		b = append(b, `,"rawPath":`...)
		b = appendJSONString(b, rawPath)
	}
	if rawQuery != "" {
		b = append(b, `,"rawQuery":`...)
		b = appendJSONString(b, rawQuery)
	}
	b = append(b, `,"query":`...)
	b = appendJoinedMap(b, req.Query, ",")
	b = append(b, `,"headers":`...)
	b = appendJoinedMap(b, req.Header, ", ")
	b = append(b, `,"body":`...)
	b = appendJSONString(b, string(req.Body))
	b = append(b, "}\n"...)
	return &Response{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: b}, nil
}

func (Echo) Describe() string { return "echo" }

// appendJoinedMap writes m as a JSON object of its values joined by sep,
// keys sorted as encoding/json sorts map keys.
func appendJoinedMap[M ~map[string][]string](b []byte, m M, sep string) []byte {
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		v := m[k]
		if len(v) == 1 {
			b = appendJSONString(b, v[0])
		} else {
			b = appendJSONString(b, strings.Join(v, sep))
		}
	}
	return append(b, '}')
}

// appendJSONString is encoding/json's string encoding with HTML escaping
// off: quotes, backslashes and control characters escaped, invalid UTF-8 as
// \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
