package cache

import (
	"testing"
	"time"

	"github.com/authlab/authlab/engine/clock"
)

func TestGetReportsWhenAnEntryExpired(t *testing.T) {
	clk := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := New[string](clk)
	c.Put("k", "v", 300*time.Second)
	clk.Advance(299 * time.Second)
	if e, hit, _ := c.Get("k"); !hit || e.Value != "v" || e.TTLLeft(clk.Now()) != time.Second {
		t.Fatalf("at 299s: hit %v, %+v", hit, e)
	}
	clk.Advance(61 * time.Second)
	_, hit, expired := c.Get("k")
	if hit || expired == nil {
		t.Fatalf("at 360s: hit %v, expired %v", hit, expired)
	}
	if ago := clk.Now().Sub(expired.Expires); ago != time.Minute {
		t.Errorf("expired %s ago, want 1m", ago)
	}
	if _, _, again := c.Get("k"); again != nil {
		t.Errorf("an expired entry is reported once, then gone")
	}
}
