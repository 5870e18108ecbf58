//go:build !unix

package runtime

import "syscall"

const workersSupported = false

func groupAttr() *syscall.SysProcAttr { return nil }

func killGroup(int) {}

func readNonblock(uintptr, []byte) (int, bool) { return 0, false }
