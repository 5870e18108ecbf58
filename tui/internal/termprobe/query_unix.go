//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package termprobe

import (
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"golang.org/x/sys/unix"
)

// Query asks the terminal on f for its background colour (OSC 11) and for
// the cursor position (DSR, which every terminal answers, so a terminal
// that ignores OSC 11 is told apart without waiting), and waits at most
// timeout. known is false when no colour came back.
func Query(f *os.File, timeout time.Duration) (dark, known bool) {
	t := os.Getenv("TERM")
	if strings.HasPrefix(t, "screen") || strings.HasPrefix(t, "tmux") || strings.HasPrefix(t, "dumb") {
		// As termenv: a multiplexer may be attached to several terminals.
		return false, false
	}
	fd := f.Fd()
	if !term.IsTerminal(fd) {
		return false, false
	}
	if pg, err := unix.IoctlGetInt(int(fd), unix.TIOCGPGRP); err != nil || pg != unix.Getpgrp() {
		return false, false // in the background: the terminal is not ours
	}
	old, err := term.MakeRaw(fd)
	if err != nil {
		return false, false
	}
	defer term.Restore(fd, old) //nolint:errcheck
	if _, err := f.WriteString("\x1b]11;?\x1b\\\x1b[6n"); err != nil {
		return false, false
	}
	deadline := time.Now().Add(timeout)
	var buf []byte
	b := make([]byte, 256)
	for {
		s := string(buf)
		if i := strings.Index(s, "\x1b["); i >= 0 && strings.Contains(s[i:], "R") {
			// The cursor position came back; a colour, if the terminal
			// knows OSC 11, came before it.
			if osc := strings.Index(s, "\x1b]11;"); osc >= 0 && osc < i {
				return parseOSC11(s[osc:i])
			}
			return false, false
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, false
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left/time.Millisecond)+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return false, false
		}
		r, err := unix.Read(int(fd), b)
		if err != nil || r <= 0 {
			return false, false
		}
		buf = append(buf, b[:r]...)
	}
}
