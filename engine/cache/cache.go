// Package cache holds authorizer results with a TTL measured on the engine's
// (possibly virtual) clock, and coalesces concurrent misses for one key.
package cache

import (
	"sort"
	"sync"
	"time"

	"github.com/authlab/authlab/engine/clock"
)

// Entry is one cached result.
type Entry[V any] struct {
	Key     string
	Value   V
	Stored  time.Time
	Expires time.Time
}

// TTLLeft is the time until the entry expires at now.
func (e Entry[V]) TTLLeft(now time.Time) time.Duration {
	if d := e.Expires.Sub(now); d > 0 {
		return d
	}
	return 0
}

// Cache maps keys to entries.
type Cache[V any] struct {
	clock clock.Clock
	mu    sync.Mutex
	m     map[string]Entry[V]
	calls map[string]*call[V]
}

type call[V any] struct {
	done chan struct{}
	val  V
	ok   bool // the leader produced a cacheable value
}

// New returns an empty cache reading time from c.
func New[V any](c clock.Clock) *Cache[V] {
	return &Cache[V]{clock: c, m: map[string]Entry[V]{}, calls: map[string]*call[V]{}}
}

// Get returns a live entry. An expired entry is removed and reported as
// expired so the trace can say "expired 3s ago" rather than just "miss".
func (c *Cache[V]) Get(key string) (e Entry[V], hit bool, expired *Entry[V]) {
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	found, ok := c.m[key]
	if !ok {
		return found, false, nil
	}
	if !now.Before(found.Expires) {
		delete(c.m, key)
		// A copy, not the named result (returning zeroes e before the
		// caller reads the pointer) nor found itself, which would then
		// be moved to the heap on every hit too.
		gone := found
		return Entry[V]{}, false, &gone
	}
	return found, true, nil
}

// Put stores v for ttl from now.
func (c *Cache[V]) Put(key string, v V, ttl time.Duration) Entry[V] {
	now := c.clock.Now()
	e := Entry[V]{Key: key, Value: v, Stored: now, Expires: now.Add(ttl)}
	c.mu.Lock()
	c.m[key] = e
	c.mu.Unlock()
	return e
}

// Delete removes one key; it reports whether it was there.
func (c *Cache[V]) Delete(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.m[key]
	delete(c.m, key)
	return ok
}

// Flush removes every entry.
func (c *Cache[V]) Flush() {
	c.mu.Lock()
	c.m = map[string]Entry[V]{}
	c.mu.Unlock()
}

// Entries lists live entries ordered by key.
func (c *Cache[V]) Entries() []Entry[V] {
	now := c.clock.Now()
	c.mu.Lock()
	out := make([]Entry[V], 0, len(c.m))
	for _, e := range c.m {
		if now.Before(e.Expires) {
			out = append(out, e)
		}
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Do coalesces concurrent misses: the first caller for key runs fn; callers
// arriving while it runs wait and share its value when fn reports it
// cacheable (ok), else run fn themselves (failures are not shared, because
// the gateway does not cache them either). shared tells a waiter it got the
// leader's value.
func (c *Cache[V]) Do(key string, fn func() (V, bool)) (v V, ok bool, shared bool) {
	c.mu.Lock()
	if cl, busy := c.calls[key]; busy {
		c.mu.Unlock()
		<-cl.done
		if cl.ok {
			return cl.val, true, true
		}
		v, ok = fn()
		return v, ok, false
	}
	cl := &call[V]{done: make(chan struct{})}
	c.calls[key] = cl
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.calls, key)
		c.mu.Unlock()
		close(cl.done)
	}()
	cl.val, cl.ok = fn()
	return cl.val, cl.ok, false
}
