package runtime

import "syscall"

// setParentDeathSignal makes the kernel kill a worker if authlab dies without
// closing it (kill -9, a crash), so no interpreter outlives its gateway.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
