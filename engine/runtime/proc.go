package runtime

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// errClosed is returned for calls on a closed Function.
var errClosed = errors.New("function is closed")

// errStopped ends a call whose worker was killed from outside (Close).
var errStopped = errors.New("worker stopped during the call")

// errWorkerExited ends a call whose worker process died while a child it
// forked or spawned still holds the pipes, so no end of file reports it.
var errWorkerExited = errors.New("the worker process ended")

// exitGrace is how long a dead worker's last message may take to come
// through the reader after its exit was seen.
const exitGrace = 200 * time.Millisecond

// proc is one worker process: its pipes, its logs and its exit.
type proc struct {
	cmd     *exec.Cmd
	logs    *logSink
	exited  chan struct{} // closed once the process is reaped
	woken   chan struct{} // closed once its exit has cut short the reads of procIO.wake
	parent  []*os.File    // our ends of the protocol pipes
	once    sync.Once
	started time.Time
}

// procIO names the child's ends of its pipes; the parent keeps the rest.
type procIO struct {
	stdin, stdout, stderr *os.File
	extra                 []*os.File
	child                 []*os.File // closed in the parent once started
	parent                []*os.File
	logs                  *os.File // parent read end of the log pipe
	// wake are parent read ends whose pending read the process's exit cuts
	// short: a child it forked may hold their write ends open, so end of
	// file may never come.
	wake []*os.File
}

func startProc(r *resolved, io procIO) (*proc, error) {
	argv, extra, env := r.argv, io.extra, r.workerEnv()
	if real := behindShim(r.Runtime, argv[0], r.Dir, env); real != "" {
		argv = append([]string{real}, argv[1:]...)
		env = withPathFirst(env, filepath.Dir(real))
	}
	if lf := lifelineFile(); lf != nil {
		// A guard in the worker's group ends it when authlab dies (kill -9
		// runs no Close); see guardArgv.
		argv = guardArgv(3+len(extra), argv)
		extra = append(extra[:len(extra):len(extra)], lf)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = r.Dir
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = io.stdin, io.stdout, io.stderr
	cmd.ExtraFiles = extra
	cmd.SysProcAttr = groupAttr()
	err := cmd.Start()
	// The child holds its own copies now; ours would keep the pipes open
	// after it dies and hide the end of file that reports the crash.
	for _, f := range io.child {
		_ = f.Close()
	}
	if err != nil {
		for _, f := range io.parent {
			_ = f.Close()
		}
		_ = io.logs.Close()
		return nil, fmt.Errorf("%w: start %s: %w", ErrLoad, r.argv[0], err)
	}
	p := &proc{
		cmd:     cmd,
		logs:    newLogSink(io.logs),
		exited:  make(chan struct{}),
		woken:   make(chan struct{}),
		parent:  io.parent,
		started: time.Now(),
	}
	go func() {
		_ = cmd.Wait()
		// After exited closes: a read armed before a caller saw the process
		// alive is cut short. woken then tells a reader that no such cut
		// is still to come for the reads it arms next.
		close(p.exited)
		for _, f := range io.wake {
			_ = f.SetReadDeadline(time.Now())
		}
		close(p.woken)
	}()
	return p, nil
}

func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill ends the process group and reaps the worker; safe to call twice.
func (p *proc) kill() {
	p.once.Do(func() {
		killGroup(p.cmd.Process.Pid)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
		}
		for _, f := range p.parent {
			_ = f.Close()
		}
		p.logs.drain() // what it printed before dying belongs to the report
		p.logs.close()
	})
}

// waitExit gives a worker that closed its channel a moment to finish dying,
// so the report can say how it ended.
func (p *proc) waitExit(d time.Duration) bool {
	select {
	case <-p.exited:
		return true
	case <-time.After(d):
		return false
	}
}

// exitReport describes how the worker ended and what it last printed.
func (p *proc) exitReport() string {
	how := "still running"
	if !p.alive() && p.cmd.ProcessState != nil {
		how = p.cmd.ProcessState.String()
	}
	p.logs.drain()
	tail := strings.TrimSpace(p.logs.lastOutput())
	if tail == "" {
		return how + "; it printed nothing"
	}
	return how + "; last output:\n" + tail
}

// pipes creates n pipes, returning read and write ends.
func pipes(n int) (r, w []*os.File, err error) {
	for range n {
		pr, pw, err := os.Pipe()
		if err != nil {
			for i := range r {
				_ = r[i].Close()
				_ = w[i].Close()
			}
			return nil, nil, fmt.Errorf("pipe: %w", err)
		}
		r, w = append(r, pr), append(w, pw)
	}
	return r, w, nil
}

// holder guards a worker's process against Close racing a start.
type holder struct {
	mu     sync.Mutex
	p      *proc
	killed bool
	dead   chan struct{} // closed by kill; stops the worker's reader
}

func newHolder() holder { return holder{dead: make(chan struct{})} }

func (h *holder) set(p *proc) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.killed {
		p.kill()
		return errClosed
	}
	h.p = p
	return nil
}

func (h *holder) kill() {
	h.mu.Lock()
	if !h.killed {
		h.killed = true
		close(h.dead)
	}
	p := h.p
	h.mu.Unlock()
	if p != nil {
		p.kill()
	}
}

func (h *holder) alive() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p != nil && !h.killed && h.p.alive()
}

func (h *holder) pid() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.p == nil {
		return 0
	}
	return h.p.cmd.Process.Pid
}

func (h *holder) proc() *proc {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p
}

// takeLogs returns what the worker printed since the last call.
func (h *holder) takeLogs() string {
	if p := h.proc(); p != nil {
		p.logs.drain()
		return p.logs.take()
	}
	return ""
}
