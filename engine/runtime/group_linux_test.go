//go:build linux

package runtime

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWorkerGroupDiesWithAuthlab: a child test binary stands in for
// authlab, starts a python and a process worker whose handlers spawn
// `sleep 600` and fork a copy of themselves, and is then killed with
// SIGKILL, so no cleanup of its own runs. Nothing of either worker's
// process group may survive it (the parent-death signal alone reaches only
// the worker, not what it spawned).
func TestWorkerGroupDiesWithAuthlab(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	needs(t, "sleep")
	if os.Getenv("AUTHLAB_GROUP_HELPER") == "1" {
		groupHelper()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerGroupDiesWithAuthlab$")
	cmd.Env = append(os.Environ(), "AUTHLAB_GROUP_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "group" {
			groups[f[1]], _ = strconv.Atoi(f[2])
		}
		if sc.Text() == "ready" {
			break
		}
	}
	if len(groups) != 2 {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper reported groups %v, want python and process", groups)
	}
	for rt, pgid := range groups {
		// The worker, its guard, the sleep and the forked copy.
		members := groupMembers(pgid)
		t.Logf("%s worker group %d before kill -9: %s", rt, pgid, describe(members))
		if len(members) < 4 {
			t.Errorf("%s group %d has %d live processes before the kill, want the worker, its guard, sleep and the fork", rt, pgid, len(members))
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	for rt, pgid := range groups {
		if left := waitGroupGone(pgid); len(left) > 0 {
			t.Errorf("%s worker group %d survived kill -9 of its parent: %s", rt, pgid, describe(left))
		} else {
			t.Logf("%s worker group %d after kill -9: no live process", rt, pgid)
		}
	}
}

func groupHelper() {
	dir, _ := os.Getwd()
	specs := map[string]struct {
		spec  Spec
		event string
	}{
		"python":  {Spec{Runtime: "python", Handler: filepath.Join(dir, "testdata", "py", "handlers.py") + ":spawn_and_fork"}, `{}`},
		"process": {Spec{Runtime: "process", Command: []string{"python3", "lines.py"}, Dir: filepath.Join(dir, "testdata", "proc")}, `{"mode":"spawn"}`},
	}
	for name, s := range specs {
		fn, err := NewWorkerFunction(s.spec)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		res, err := fn.Invoke(context.Background(), Invocation{Event: []byte(s.event), Timeout: time.Minute})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		var pgid int
		if _, err := fmt.Sscanf(string(res.Payload[strings.Index(string(res.Payload), `"pgid": `)+8:]), "%d", &pgid); err != nil {
			fmt.Println("error", err, string(res.Payload))
			os.Exit(1)
		}
		fmt.Println("group", name, pgid)
	}
	fmt.Println("ready")
	select {} // until killed
}

// proc is one process found in /proc.
type procEntry struct {
	pid   int
	state string
	comm  string
}

// groupMembers lists the live (not zombie) processes of process group pgid.
func groupMembers(pgid int) []procEntry {
	ents, _ := os.ReadDir("/proc")
	var out []procEntry
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		// After the command: state, ppid, pgrp, ...
		f := strings.Fields(s[end+1:])
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) || f[0] == "Z" || f[0] == "X" {
			continue
		}
		out = append(out, procEntry{pid: pid, state: f[0], comm: s[open+1 : end]})
	}
	return out
}

// waitGroupGone waits for the group to empty and returns what is left. The
// limit only keeps a broken build from hanging the test; it is not a
// measure of speed.
func waitGroupGone(pgid int) []procEntry {
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := groupMembers(pgid)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func describe(ps []procEntry) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%d %s (%s)", p.pid, p.comm, p.state))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
