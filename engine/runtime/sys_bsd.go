//go:build unix && !linux

package runtime

import "syscall"

// setParentDeathSignal: only Linux has a parent-death signal; elsewhere a
// worker notices authlab's exit when its request channel reaches end of file.
func setParentDeathSignal(*syscall.SysProcAttr) {}
