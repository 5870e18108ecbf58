// Package clock provides the time source the engine reads. Production uses the
// wall clock; scenarios and tests use a virtual clock they advance by hand, so
// cache TTLs and token expiry replay identically.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
type Real struct{}

func (Real) Now() time.Time { return time.Now() }

// Virtual is a clock that moves only when told to.
type Virtual struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtual returns a virtual clock set to start.
func NewVirtual(start time.Time) *Virtual { return &Virtual{now: start} }

func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Advance moves the clock forward by d.
func (v *Virtual) Advance(d time.Duration) {
	v.mu.Lock()
	v.now = v.now.Add(d)
	v.mu.Unlock()
}

// Set moves the clock to t.
func (v *Virtual) Set(t time.Time) {
	v.mu.Lock()
	v.now = t
	v.mu.Unlock()
}
