//go:build unix

package main

import "syscall"

// ownGroup starts a child in a process group of its own, so that stopping
// it also stops what it started (authlab's workers, nginx's workers).
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// signalGroup sends sig to the child's whole group; kill says SIGKILL
// rather than SIGTERM.
func signalGroup(pid int, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-pid, sig)
}
