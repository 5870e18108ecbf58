//go:build unix

package runtime

import (
	"errors"
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
