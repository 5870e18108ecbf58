//go:build !unix

package main

import (
	"os"
	"syscall"
)

// ownGroup: no process groups here; the child alone is stopped.
func ownGroup() *syscall.SysProcAttr { return nil }

func signalGroup(pid int, _ bool) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
