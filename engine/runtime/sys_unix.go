//go:build unix

package runtime

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
)

// workersSupported: the worker runtimes rely on process groups and extra
// inherited file descriptors.
const workersSupported = true

// groupAttr puts the worker in its own process group, so one signal reaches
// everything the handler spawned, and the terminal's Ctrl-C reaches authlab
// (which then closes its workers) rather than the workers directly.
func groupAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(attr)
	return attr
}

// lifeline is a pipe whose only write end authlab holds and never writes
// to: when authlab dies, however it dies (kill -9 runs no cleanup), the
// kernel closes that end and every reader sees end of file. Each worker
// group gets a guard process reading the other end (see guardArgv).
var lifeline struct {
	once sync.Once
	r, w *os.File // w stays referenced here for authlab's lifetime
}

// lifelineFile is the read end handed to each worker, or nil if the pipe
// could not be made (workers then rely on the parent-death signal alone).
func lifelineFile() *os.File {
	lifeline.once.Do(func() {
		r, w, err := os.Pipe() // close-on-exec: no other child inherits w
		if err == nil {
			lifeline.r, lifeline.w = r, w
		}
	})
	return lifeline.r
}

// guardArgv wraps a worker's argv in a shell that first forks a guard into
// the worker's process group, then execs the worker in its own place (same
// pid, so the exit status and the group are the worker's). The guard drops
// every descriptor but the lifeline (held, it would hide the end of file
// that reports a crash), blocks reading the lifeline, and at end of file —
// authlab is gone — kills the whole group: the worker, and whatever the
// handler spawned or forked, which the parent-death signal misses (it only
// reaches the group leader). fd is the lifeline's number in the child.
func guardArgv(fd int, argv []string) []string {
	var closes []string
	for n := 3; n < fd; n++ {
		closes = append(closes, fmt.Sprintf("%d<&-", n))
	}
	script := fmt.Sprintf(`(exec </dev/null >/dev/null 2>&1 %s; read _ <&%d; kill -s KILL 0) & exec %d<&- "$@"`,
		strings.Join(closes, " "), fd, fd)
	return append([]string{"/bin/sh", "-c", script, "authlab-worker"}, argv...)
}

// killGroup kills the worker's whole process group.
func killGroup(pid int) {
	if pid <= 0 {
		return
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// readNonblock reads what the pipe holds now. again reports an empty pipe
// whose writer is still open; n == 0 && !again is end of file.
func readNonblock(fd uintptr, buf []byte) (n int, again bool) {
	for {
		n, err := syscall.Read(int(fd), buf)
		switch {
		case n > 0:
			return n, false
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EAGAIN):
			return 0, true
		default:
			return 0, false
		}
	}
}
