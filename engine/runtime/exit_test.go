package runtime

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestWorkersDieWithAuthlab runs a child test binary that starts a worker
// and exits without Close (as on a crash or kill -9): the worker must not
// outlive it.
func TestWorkersDieWithAuthlab(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	if os.Getenv("AUTHLAB_EXIT_HELPER") == "1" {
		exitHelper()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkersDieWithAuthlab$")
	cmd.Env = append(os.Environ(), "AUTHLAB_EXIT_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "worker-pid "); ok {
			pid, _ = strconv.Atoi(v)
		}
	}
	_ = cmd.Wait()
	if pid == 0 {
		t.Fatal("helper did not report a worker")
	}
	waitGone(t, pid)
}

func exitHelper() {
	dir, _ := os.Getwd()
	fn, err := NewWorkerFunction(Spec{Runtime: "python", Handler: dir + "/testdata/py/handlers.py:pid"})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if _, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{}`)}); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("worker-pid", fn.(*pool).pids()[0])
	os.Exit(0)
}
