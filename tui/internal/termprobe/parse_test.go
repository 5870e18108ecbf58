package termprobe

import "testing"

func TestParseOSC11(t *testing.T) {
	for _, c := range []struct {
		in       string
		dark, ok bool
	}{
		{"\x1b]11;rgb:0000/0000/0000\x1b\\", true, true},
		{"\x1b]11;rgb:ffff/ffff/ffff\x07", false, true},
		{"\x1b]11;rgb:fd/f6/e3\x1b\\", false, true},
		{"\x1b]11;rgb:1e1e/1e1e/2e2e\x1b\\", true, true},
		{"\x1b]11;?", false, false},
	} {
		dark, ok := parseOSC11(c.in)
		if dark != c.dark || ok != c.ok {
			t.Errorf("parseOSC11(%q) = %v, %v; want %v, %v", c.in, dark, ok, c.dark, c.ok)
		}
	}
}
