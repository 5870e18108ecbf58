package engine

import (
	"net/http"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/config"
)

// Decorate sets the request id under the name net/http would use: it skips
// h.Set's canonicalization, so the names must already be canonical.
func TestDecorateUsesCanonicalHeaderNames(t *testing.T) {
	t.Parallel()
	for name, pf := range platforms {
		f := &Flow{RequestID: "id-1"}
		h := http.Header{}
		pf(&config.Gateway{}).Decorate(f, h)
		for k, v := range h {
			if k != http.CanonicalHeaderKey(k) || len(v) != 1 || v[0] != "id-1" {
				t.Errorf("%s: %q: %q", name, k, v)
			}
		}
	}
}

func TestTextArenaStringsStayPut(t *testing.T) {
	t.Parallel()
	var a textArena
	a.buf = make([]byte, 0, 8)
	first := a.concat("abc", "def")
	m := a.mark()
	second := a.str("x").int(42).dur(1500 * time.Millisecond).since(m)
	third := a.concat("a long string that does not fit the first buffer")
	if first != "abcdef" || second != "x421.5s" || third != "a long string that does not fit the first buffer" {
		t.Errorf("%q %q %q", first, second, third)
	}
}
