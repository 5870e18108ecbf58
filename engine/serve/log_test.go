package serve

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer records writes, one per call.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

// Lines written at once from many requests all arrive, each whole, and a
// line written alone is written before write returns.
func TestBatchKeepsLinesWhole(t *testing.T) {
	var out lockedBuffer
	b := batch{w: &out}
	b.write([]byte("first\n"))
	if out.buf.String() != "first\n" {
		t.Fatalf("a lone line was not written at once: %q", out.buf.String())
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				b.write([]byte(fmt.Sprintf("g%d line %d %s\n", g, i, strings.Repeat("x", i%50))))
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.buf.String(), "\n"), "\n")
	if len(lines) != 1+8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 1+8*200)
	}
	next := map[string]int{}
	for _, l := range lines[1:] {
		g := strings.Fields(l)[0]
		i := next[g]
		if want := fmt.Sprintf("%s line %d %s", g, i, strings.Repeat("x", i%50)); l != want {
			t.Fatalf("line %q: out of order or cut, want %q", l, want)
		}
		next[g]++
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{850 * time.Microsecond: "850µs", 12345 * time.Microsecond: "12.3ms", 1234567 * time.Microsecond: "1.235s"} {
		if got := shortDuration(d); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}

func TestCopyHeaderKeepsHostAndValues(t *testing.T) {
	r := &http.Request{Host: "api.example", Header: http.Header{"Accept": {"a", "b"}, "X-One": {"1"}}}
	h := copyHeader(r)
	if h.Get("Host") != "api.example" || strings.Join(h["Accept"], ",") != "a,b" || h.Get("X-One") != "1" || len(h) != 3 {
		t.Errorf("%v", h)
	}
	h["Accept"] = append(h["Accept"], "c")
	if h.Get("X-One") != "1" || len(r.Header["Accept"]) != 2 {
		t.Errorf("appending to one header changed another: %v / %v", h, r.Header)
	}
}
