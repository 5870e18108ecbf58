package engine

import "time"

// CacheEntry is one cached authorizer result, for display and assertions.
type CacheEntry struct {
	Authorizer string        `json:"authorizer"`
	Key        string        `json:"key"`
	Principal  string        `json:"principal"`
	IssuedFor  string        `json:"issuedFor,omitempty"`
	Stored     time.Time     `json:"stored"`
	Expires    time.Time     `json:"expires"`
	TTLLeft    time.Duration `json:"ttlLeftNs"`
}

// CacheEntries lists live cache entries of one authorizer, or of all when
// name is "", in authorizer file order then key order.
func (e *Engine) CacheEntries(name string) []CacheEntry {
	g := e.gw.Load()
	now := e.opts.Clock.Now()
	var out []CacheEntry
	for _, n := range g.order {
		if name != "" && n != name {
			continue
		}
		for _, en := range g.authorizers[n].cache.Entries() {
			out = append(out, CacheEntry{Authorizer: n, Key: en.Key, Principal: en.Value.Principal,
				IssuedFor: en.Value.IssuedFor, Stored: en.Stored, Expires: en.Expires, TTLLeft: en.TTLLeft(now)})
		}
	}
	return out
}

// FlushCache removes one key of an authorizer, all of its keys (key ""),
// or every authorizer's entries (name ""). It reports how many went.
func (e *Engine) FlushCache(name, key string) int {
	g := e.gw.Load()
	n := 0
	for _, an := range g.order {
		if name != "" && an != name {
			continue
		}
		c := g.authorizers[an].cache
		if key != "" {
			if c.Delete(key) {
				n++
			}
			continue
		}
		n += len(c.Entries())
		c.Flush()
	}
	return n
}
