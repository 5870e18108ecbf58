//go:build !unix

package runtime

import (
	"os"
	"syscall"
)

const workersSupported = false

func groupAttr() *syscall.SysProcAttr { return nil }

func killGroup(int) {}

func lifelineFile() *os.File { return nil }

func guardArgv(_ int, argv []string) []string { return argv }

func readNonblock(uintptr, []byte) (int, bool) { return 0, false }
