package reqpath

import (
	"strings"
	"testing"
)

func TestPATH4_SplitThenDecode(t *testing.T) {
	cases := []struct {
		raw     string
		decoded string
		segs    []string
		slash   string
	}{
		{"/", "/", nil, ""},
		{"/orders/42", "/orders/42", []string{"orders", "42"}, ""},
		{"/orders/42/", "/orders/42/", []string{"orders", "42", ""}, ""},
		{"/adm%69n/x", "/admin/x", []string{"admin", "x"}, ""},
		{"/a%20b/c+d", "/a b/c+d", []string{"a b", "c+d"}, ""},
		{"/files/a%2Fb", "/files/a/b", []string{"files", "a/b"}, "a%2Fb"},
		{"/files/a%5cb", "/files/a\\b", []string{"files", "a\\b"}, "a%5cb"},
		{"/discount/50%25off", "/discount/50%off", []string{"discount", "50%off"}, ""},
		{"/caf%C3%A9", "/café", []string{"café"}, ""},
		{"/.well-known/jwks.json", "/.well-known/jwks.json", []string{".well-known", "jwks.json"}, ""},
		{"/a/...", "/a/...", []string{"a", "..."}, ""},
		{"/a/..x", "/a/..x", []string{"a", "..x"}, ""},
		{"/q%3Fx", "/q?x", []string{"q?x"}, ""},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			p, err := Parse(c.raw)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.raw, err)
			}
			if p.Decoded != c.decoded || p.EncodedSlash != c.slash || strings.Join(p.Segments, "|") != strings.Join(c.segs, "|") || len(p.Segments) != len(c.segs) {
				t.Errorf("Parse(%q) = %q %q slash %q, want %q %q slash %q", c.raw, p.Decoded, p.Segments, p.EncodedSlash, c.decoded, c.segs, c.slash)
			}
			if p.Raw != c.raw {
				t.Errorf("Raw = %q", p.Raw)
			}
		})
	}
}

func TestPATH5_Refused(t *testing.T) {
	cases := []struct{ raw, why string }{
		{"/public/../admin", "dot segment (..)"},
		{"/public/./admin", "dot segment (.)"},
		{"/public/%2e%2e/admin", "dot segment (..)"},
		{"/public/%2E%2E/admin", "dot segment (..)"},
		{"/public/.%2e/admin", "dot segment (..)"},
		{"/public/%2e./admin", "dot segment (..)"},
		{"/public/%2e/admin", "dot segment (.)"},
		{"/public/..;/admin", "dot segment (.. with ;)"},
		{"/public/..;jsessionid=1/admin", "dot segment (.. with ;)"},
		{"/public/..", "dot segment (..)"},
		{"/public/%252e%252e/admin", "double percent-encoding (%2e"},
		{"/public/%25252e%25252e/admin", "double percent-encoding (%2e"},
		{"/public/..%252f..%252fadmin", "double percent-encoding (%2f"},
		{"/public/%255cadmin", "double percent-encoding (%5c"},
		{"//admin", "empty segment"},
		{"/public//admin", "empty segment"},
		{"/public///", "empty segment"},
		{"/a%00/../..", "encoded control character 0x00"},
		{"/a%00", "encoded control character 0x00"},
		{"/a%0a", "encoded control character 0x0a"},
		{"/a%0D%0AX-Injected:1", "encoded control character 0x0d"},
		{"/a%1b[31m", "encoded control character 0x1b"},
		{"/a%7f", "encoded control character 0x7f"},
		{"/a%25%30%30", "encoded control character 0x00"},
		{"/a\x00b", "control character 0x00"},
		{"/a\tb", "control character 0x09"},
		{"/public\\..\\admin", "backslash"},
		{"/a%zz", "invalid percent-encoding"},
		{"/a%2", "invalid percent-encoding"},
		{"/a%", "invalid percent-encoding"},
		{"/a%g0/b", "invalid percent-encoding"},
		{"/files/..%2F..%2Fadmin", "dot segment (..) behind an encoded slash"},
		{"/files/a%2F.%2Fb", "dot segment (.) behind an encoded slash"},
		{"/files/..%5cadmin", "dot segment (..) behind an encoded slash"},
		{"/files/a%2F%2Fb", "empty segment behind encoded slashes"},
		{"admin", "does not start with /"},
		{"", "does not start with /"},
		{"*", "does not start with /"},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			_, err := Parse(c.raw)
			if err == nil {
				t.Fatalf("Parse(%q) accepted a path a backend could read as another", c.raw)
			}
			if !strings.Contains(err.Error(), c.why) {
				t.Errorf("Parse(%q) = %v, want it to say %q", c.raw, err, c.why)
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error %T is not *Error", err)
			}
		})
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, d := range []string{"/", "/orders/42", "/a b/c", "/café/x", "/50%off", "/x/"} {
		p, err := Parse(Escape(d))
		if err != nil || p.Decoded != d {
			t.Errorf("Parse(Escape(%q)) = %q, %v", d, p.Decoded, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/a/b", "/a/%2e%2e/b", "/a%2Fb", "//x", "/a%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := Parse(raw)
		if err != nil {
			return
		}
		// An accepted path has no segment a backend resolves to another path.
		for _, s := range p.Segments {
			if s == "." || s == ".." {
				t.Fatalf("%q accepted with dot segment", raw)
			}
			if strings.ContainsAny(s, "\x00\r\n") {
				t.Fatalf("%q accepted with control character", raw)
			}
		}
		if strings.Contains(raw, "//") {
			t.Fatalf("%q accepted with an empty segment", raw)
		}
	})
}
