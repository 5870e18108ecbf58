package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestPythonTimeoutRestartsWorker(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy", func(s *Spec) { s.Timeout = 300 * time.Millisecond })
	start := time.Now()
	res, err := invoke(t, fn, `{"seconds": 30}`)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	// The handler sleeps 30 s: ending before that is the timeout's doing,
	// however busy the machine (no bound on Python's start).
	if elapsed := time.Since(start); elapsed >= 30*time.Second {
		t.Fatalf("the call lasted the handler's whole sleep (%s): no timeout", elapsed)
	}
	if !strings.Contains(res.Logs, "going to sleep") {
		t.Fatalf("logs before the timeout should be kept: %q", res.Logs)
	}
	// The next call gets a fresh worker and succeeds.
	res = mustInvoke(t, fn, `{"seconds": 0}`)
	if !res.ColdStart || decode(t, res.Payload)["slept"] != true {
		t.Fatalf("after a timeout: %+v", res)
	}
}

func TestInvocationTimeoutOverridesSpec(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy")
	ctx := context.Background()
	_, err := fn.Invoke(ctx, Invocation{Event: []byte(`{"seconds": 5}`), Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "200ms") {
		t.Fatalf("err = %v", err)
	}
}

func TestContextCancelKillsCall(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy")
	mustInvoke(t, fn, `{"seconds": 0}`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := fn.Invoke(ctx, Invocation{Event: []byte(`{"seconds": 30}`)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if res := mustInvoke(t, fn, `{"seconds": 0}`); !res.ColdStart {
		t.Fatal("a cancelled call must not leave its worker in the pool")
	}
}

// The caller reads the answer under a read deadline that a cancelled
// context cuts short: a context cancelled just after its call answered
// must neither break that call nor cut short the next call's read.
func TestCancelAfterAnswerLeavesWorkerWarm(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy", func(s *Spec) { s.Pool = 1 })
	mustInvoke(t, fn, `{"seconds": 0}`)
	for i := range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		res, err := fn.Invoke(ctx, Invocation{Event: []byte(`{"seconds": 0}`)})
		cancel()
		if err != nil || res.ColdStart {
			t.Fatalf("call %d: err %v, cold start %v", i, err, res.ColdStart)
		}
		// A call that takes a while: a stale cancellation would end it early.
		res, err = invoke(t, fn, `{"seconds": 0.05}`)
		if err != nil || res.ColdStart || decode(t, res.Payload)["slept"] != true {
			t.Fatalf("call %d after a cancelled one: err %v, %+v", i, err, res)
		}
	}
}

func TestPythonCrashRestarts(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "crash")
	res, err := invoke(t, fn, `{}`)
	if !errors.Is(err, ErrExited) {
		t.Fatalf("err = %v, want ErrExited", err)
	}
	for _, want := range []string{"exit status 3", "fatal: giving up"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("crash report %q lacks %q", err, want)
		}
	}
	if !strings.Contains(res.Logs, "about to crash") {
		t.Errorf("logs = %q", res.Logs)
	}
	// Each call gets a new worker, which crashes again: no hang, same report.
	if _, err := invoke(t, fn, `{}`); !errors.Is(err, ErrExited) {
		t.Fatalf("second call: %v", err)
	}
}

func TestCrashedIdleWorkerIsReplaced(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "pid")
	first := decode(t, mustInvoke(t, fn, `{}`).Payload)["pid"].(float64)
	if err := syscall.Kill(int(first), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitIdleDead(t, fn)
	res := mustInvoke(t, fn, `{}`)
	if second := decode(t, res.Payload)["pid"].(float64); second == first || !res.ColdStart {
		t.Fatalf("a worker killed between calls should be replaced: %+v", res)
	}
}

func TestPythonTooLarge(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "huge", func(s *Spec) { s.MaxResponse = 1 << 20 })
	_, err := invoke(t, fn, `{"size": 1100000}`)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	// The worker stays warm: only the answer was refused.
	res := mustInvoke(t, fn, `{"size": 10}`)
	if res.ColdStart {
		t.Fatal("an oversized answer should not cost the worker")
	}
	// The default limit is Lambda's 6 MB.
	if _, err := invoke(t, pyFn(t, "huge"), `{"size": 7340032}`); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("7 MB with the default limit: %v", err)
	}
}

func TestPythonMegabytesOfOutput(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "chatty")
	res := mustInvoke(t, fn, `{}`)
	if len(res.Logs) > maxCallLogs+200 || !strings.Contains(res.Logs, "more bytes of output dropped") {
		t.Fatalf("logs are %d bytes, tail %q", len(res.Logs), res.Logs[max(0, len(res.Logs)-80):])
	}
	if decode(t, res.Payload)["ok"] != true {
		t.Fatalf("payload = %s", res.Payload)
	}
	if res := mustInvoke(t, fn, `{}`); res.ColdStart {
		t.Fatal("worker should survive")
	}
}

func TestGarbageOnProtocolChannel(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "garbage")
	_, err := invoke(t, fn, `{}`)
	if err == nil || !strings.Contains(err.Error(), "garbage on the protocol channel") {
		t.Fatalf("err = %v", err)
	}
	if _, err := invoke(t, fn, `{}`); err == nil {
		t.Fatal("the same handler should fail the same way")
	}
}

func TestEventMustBeJSON(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "dict_return")
	if _, err := invoke(t, fn, `{nope`); err == nil {
		t.Fatal("want an error for a non-JSON event")
	}
}

func TestReloadAfterEdit(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	dir := t.TempDir()
	file := filepath.Join(dir, "version.py")
	src, err := os.ReadFile(testdata(t, "py", "version.py"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	fn := newFn(t, Spec{Runtime: "python", Handler: file + ":handler"})
	if v := decode(t, mustInvoke(t, fn, `{}`).Payload)["version"]; v != float64(1) {
		t.Fatalf("version = %v", v)
	}
	if res := mustInvoke(t, fn, `{}`); res.ColdStart {
		t.Fatal("no edit, no restart")
	}
	edited := strings.Replace(string(src), "VERSION = 1", "VERSION = 2", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustInvoke(t, fn, `{}`)
	if v := decode(t, res.Payload)["version"]; v != float64(2) || !res.ColdStart {
		t.Fatalf("after the edit: version %v, cold %v", v, res.ColdStart)
	}
	// A new file beside the handler counts as an edit too.
	if err := os.WriteFile(filepath.Join(dir, "util.py"), []byte("X = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := mustInvoke(t, fn, `{}`); !res.ColdStart {
		t.Fatal("a new sibling module should restart the worker")
	}
	// A syntax error is reported, and fixing it needs no restart of authlab.
	if err := os.WriteFile(file, []byte("def handler(event, context:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := invoke(t, fn, `{}`); !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("err = %v", err)
	}
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if v := decode(t, mustInvoke(t, fn, `{}`).Payload)["version"]; v != float64(1) {
		t.Fatalf("after the fix: version = %v", v)
	}
}

func TestPoolConcurrency(t *testing.T) {
	t.Parallel()
	// The queue wait counts against the call's timeout (AWS-R4): give 60
	// calls on 3 workers room on a busy machine.
	fn := pyFn(t, "pid", func(s *Spec) { s.Pool = 3; s.Timeout = time.Minute })
	var mu sync.Mutex
	pids := map[float64]int{}
	cold := 0
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			res, err := invoke(t, fn, fmt.Sprintf(`{"i":%d}`, i))
			if err != nil {
				t.Error(err)
				return
			}
			m := decode(t, res.Payload)
			mu.Lock()
			pids[m["pid"].(float64)]++
			if res.ColdStart {
				cold++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(pids) > 3 || cold != len(pids) {
		t.Fatalf("pool of 3 used %d workers with %d cold starts", len(pids), cold)
	}
	if n := len(fn.(*pool).pids()); n > 3 {
		t.Fatalf("%d live workers", n)
	}
}

func TestCloseLeavesNoProcesses(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	fn, err := NewWorkerFunction(Spec{Runtime: "python", Handler: testdata(t, "py", "handlers.py") + ":spawn_child", Pool: 2})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var pids []int
	for range 2 {
		wg.Go(func() {
			res, err := invoke(t, fn, `{}`)
			if err != nil {
				t.Error(err)
				return
			}
			m := decode(t, res.Payload)
			mu.Lock()
			pids = append(pids, int(m["pid"].(float64)), int(m["worker"].(float64)))
			mu.Unlock()
		})
	}
	wg.Wait()
	pids = append(pids, fn.(*pool).pids()...)
	if err := fn.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fn.Close(); err != nil {
		t.Fatal("Close twice:", err)
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
	if _, err := invoke(t, fn, `{}`); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("call after Close: %v", err)
	}
}

func TestCloseKillsBusyWorker(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy")
	mustInvoke(t, fn, `{"seconds": 0}`)
	pids := fn.(*pool).pids()
	done := make(chan error, 1)
	go func() {
		_, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{"seconds": 30}`), Timeout: time.Minute})
		done <- err
	}()
	waitBusy(t, fn)
	start := time.Now()
	if err := fn.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "closed") {
			t.Fatalf("busy call after Close: %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("the busy call did not end when the function was closed")
	}
	if d := time.Since(start); d >= 30*time.Second {
		t.Fatalf("Close waited for the handler's 30 s sleep (%s)", d)
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
}

// waitGone waits until pid is gone or a zombie of some other parent (the
// worker itself must be reaped by us; a grandchild is reaped by init).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if fields := strings.Fields(string(stat)); len(fields) > 3 && fields[2] == "Z" && fields[3] != fmt.Sprint(os.Getpid()) {
			return
		}
	}
	t.Errorf("process %d survived Close", pid)
}

// waitIdleDead waits until the pool has seen its idle workers' deaths
// (the reaper goroutine ran), however long a busy machine takes.
func waitIdleDead(t *testing.T, fn Function) {
	t.Helper()
	p := fn.(*pool)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		p.mu.Lock()
		alive := 0
		for _, s := range p.idle {
			if s.w.alive() {
				alive++
			}
		}
		p.mu.Unlock()
		if alive == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d killed idle workers still look alive", alive)
		}
	}
}

// waitBusy waits until every worker slot of fn is taken.
func waitBusy(t *testing.T, fn Function) {
	t.Helper()
	p := fn.(*pool)
	for len(p.sem) < cap(p.sem) {
		time.Sleep(5 * time.Millisecond)
	}
}

// Waiting for a free worker counts against the call's timeout: behind
// hanging calls on a one-worker pool, a good call fails as a timeout that
// names the queue instead of hanging until the worker frees up.
func TestQueueWaitCountsAgainstTimeout(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy", func(s *Spec) { s.Pool = 1 })
	mustInvoke(t, fn, `{"seconds": 0}`)
	hung := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{"seconds": 30}`), Timeout: time.Minute})
			hung <- err
		}()
	}
	waitBusy(t, fn)
	res, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{"seconds": 0}`), Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	for _, want := range []string{"waited", "for a free worker", "never started", "300ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("timeout reason %q lacks %q", err, want)
		}
	}
	if res.Queued <= 0 {
		t.Errorf("Queued = %s, want the wait recorded", res.Queued)
	}
	_ = fn.Close()
	for range 3 {
		if err := <-hung; err == nil {
			t.Error("a hanging call succeeded")
		}
	}
}

// A call that got a worker after waiting records the wait; one that found
// a free worker records none.
func TestQueueWaitIsRecorded(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "sleepy", func(s *Spec) { s.Pool = 1 })
	mustInvoke(t, fn, `{"seconds": 0}`)
	busy := make(chan error, 1)
	go func() {
		_, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{"seconds": 0.3}`), Timeout: time.Minute})
		busy <- err
	}()
	waitBusy(t, fn)
	res, err := fn.Invoke(context.Background(), Invocation{Event: []byte(`{"seconds": 0}`), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Queued <= 0 || res.ColdStart {
		t.Errorf("after waiting for the busy worker: %+v, want Queued > 0 on the warm worker", res)
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	if res := mustInvoke(t, fn, `{"seconds": 0}`); res.Queued != 0 {
		t.Errorf("a call that found a free worker reports Queued = %s", res.Queued)
	}
}
