package engine

import (
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// Entries belong to the key set they verified against: a new set (a JWKS
// refresh) drops them all.
func TestSigCacheDroppedWhenTheKeysChange(t *testing.T) {
	t.Parallel()
	ks1 := jose.NewKeySet("a", jose.NewSecretKey([]byte("0123456789abcdef0123456789abcdef"), "a"))
	ks2 := jose.NewKeySet("b", jose.NewSecretKey([]byte("0123456789abcdef0123456789abcdef"), "b"))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var c sigCache
	tok := &jose.Token{Raw: "t", Claims: map[string]any{}}
	c.put("t", ks1, newSigEntry(tok, ks1.Keys[0], 0), now)
	if c.get("t", ks1, now) == nil {
		t.Fatal("not kept")
	}
	if c.get("t", ks2, now) != nil {
		t.Error("kept across a key set change")
	}
	if c.get("t", ks1, now) != nil {
		t.Error("kept after the key set changed and back")
	}
	for i := range sigCacheMax + 10 {
		c.put(string(rune(i)), ks1, newSigEntry(tok, ks1.Keys[0], 0), now)
	}
	if len(c.m) > sigCacheMax {
		t.Errorf("%d entries, bound %d", len(c.m), sigCacheMax)
	}
}
