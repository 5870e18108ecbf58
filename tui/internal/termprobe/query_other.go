//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package termprobe

import (
	"os"
	"time"
)

// Query does not ask: termenv does not query these terminals either.
func Query(f *os.File, timeout time.Duration) (dark, known bool) { return false, false }
