//go:build linux

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeKill9LeavesNoWorkerProcesses: `kill -9` of authlab runs none of
// its cleanup, yet nothing a worker started may outlive it. The python
// handler and the process command each spawn `sleep 600` and fork a copy of
// themselves; after the kill, /proc must hold no live process of either
// worker's process group.
func TestServeKill9LeavesNoWorkerProcesses(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	for _, prog := range []string{"python3", "sleep"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s not on PATH", prog)
		}
	}
	dir := t.TempDir()
	spawn := `
    sleeper = subprocess.Popen(["sleep", "600"])
    child = os.fork()
    if child == 0:
        time.sleep(600)
        os._exit(0)
    with open(os.environ["GROUP_FILE"], "w") as f:
        f.write("%d" % os.getpgrp())
`
	policy := `{"principalId": "alice", "policyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}}`
	writeFile(t, filepath.Join(dir, "handler.py"), "import os, subprocess, time\n\ndef handler(event, context):"+spawn+"    return "+policy+"\n")
	writeFile(t, filepath.Join(dir, "lines.py"), "import json, os, subprocess, sys, time\n\nfor line in sys.stdin:"+spawn+"    print(json.dumps("+policy+"), flush=True)\n")
	groupFile := func(name string) string { return filepath.Join(dir, "group-"+name) }
	gw := writeFile(t, filepath.Join(dir, "gw.yaml"), fmt.Sprintf(`
version: 1
authorizers:
  py:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: python, handler: handler.py:handler, timeout: 30s, env: {GROUP_FILE: %q}}
  proc:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: process, command: [python3, lines.py], timeout: 30s, env: {GROUP_FILE: %q}}
routes:
  - path: /py
    authorizer: py
    backend: {echo: true}
  - path: /proc
    authorizer: proc
    backend: {echo: true}
`, groupFile("py"), groupFile("proc")))
	p := startServe(t, gw)
	groups := map[string]int{}
	for _, name := range []string{"py", "proc"} {
		if status, body, _ := get(t, p.base+"/"+name, "Authorization", "Bearer x"); status != 200 {
			t.Fatalf("/%s: %d %s; stderr:\n%s", name, status, body, p.err.String())
		}
		raw, err := os.ReadFile(groupFile(name))
		if err != nil {
			t.Fatal(err)
		}
		pgid, err := strconv.Atoi(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		groups[name] = pgid
		members := liveGroupMembers(pgid)
		t.Logf("%s worker group %d before kill -9 of authlab %d: %s", name, pgid, p.cmd.Process.Pid, describeProcs(members))
		if len(members) < 3 {
			t.Errorf("%s group %d: %d live processes before the kill, want at least the worker, sleep and the fork", name, pgid, len(members))
		}
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	for name, pgid := range groups {
		// The limit only stops a broken build from hanging the test.
		deadline := time.Now().Add(30 * time.Second)
		left := liveGroupMembers(pgid)
		for len(left) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			left = liveGroupMembers(pgid)
		}
		if len(left) > 0 {
			t.Errorf("%s worker group %d survived kill -9 of authlab: %s", name, pgid, describeProcs(left))
			continue
		}
		t.Logf("%s worker group %d after kill -9: no live process", name, pgid)
	}
}

type procInfo struct {
	pid         int
	state, comm string
}

// liveGroupMembers lists the processes of group pgid in /proc, zombies
// excepted (whether they are reaped depends on the machine's init).
func liveGroupMembers(pgid int) []procInfo {
	ents, _ := os.ReadDir("/proc")
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(raw)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		f := strings.Fields(s[end+1:]) // state, ppid, pgrp, ...
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) || f[0] == "Z" || f[0] == "X" {
			continue
		}
		out = append(out, procInfo{pid: pid, state: f[0], comm: s[open+1 : end]})
	}
	return out
}

func describeProcs(ps []procInfo) string {
	if len(ps) == 0 {
		return "none"
	}
	var parts []string
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%d %s (%s)", p.pid, p.comm, p.state))
	}
	return strings.Join(parts, ", ")
}
