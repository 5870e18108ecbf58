package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"
)

// worker is one warm process behind a pool.
type worker interface {
	// start spawns the process and, for runtime loops, waits until the
	// handler is loaded.
	start(ctx context.Context) error
	// call runs one invocation. keep=false means the worker was killed and
	// must not be reused.
	call(ctx context.Context, rq request) (res Result, keep bool, err error)
	readySignal() bool
	alive() bool
	takeLogs() string
	kill()
	pid() int
}

// request is an Invocation with defaults applied.
type request struct {
	event        []byte
	requestID    string
	functionName string
	now          time.Time
	timeout      time.Duration // the whole call's limit, queueing included
	queued       time.Duration // how long the call waited for a free worker
}

// budget is what is left of the timeout for the handler itself: the
// call's deadline runs from when it was made, not from when a worker
// became free. (A cold start is not charged, as Lambda's init phase.)
func (rq request) budget() time.Duration {
	return max(rq.timeout-rq.queued, time.Millisecond)
}

// timedOut reports a call that ran out of time after limit, saying how
// much of it was spent waiting for a worker.
func (rq request) timedOut(limit time.Duration) error {
	if rq.queued <= 0 {
		return TimeoutError(limit)
	}
	return fmt.Errorf("%w (%s of it waiting for a free worker)", TimeoutError(limit), roundWait(rq.queued))
}

// roundWait keeps a wait readable (120ms, 2.5s).
func roundWait(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

// pool is the Function behind NewWorkerFunction: up to Spec.Pool warm
// workers, started on demand, each serving one call at a time.
type pool struct {
	r         *resolved
	newWorker func() worker
	sem       chan struct{} // one token per worker slot
	waiting   atomic.Int32  // calls blocked in waitForWorker
	watch     *watcher

	mu     sync.Mutex
	idle   []*slot
	live   map[*slot]struct{}
	gen    uint64 // bumped when the handler's folder changes
	closed bool
}

type slot struct {
	w   worker
	gen uint64
}

var (
	_ Function = (*pool)(nil)
	_ worker   = (*framedWorker)(nil)
	_ worker   = (*lineWorker)(nil)
)

func newPool(r *resolved) (*pool, error) {
	if !workersSupported {
		return nil, fmt.Errorf("function %q: %w: the %s runtime needs a Unix-like system", r.Name, ErrLoad, r.Runtime)
	}
	p := &pool{
		r:     r,
		sem:   make(chan struct{}, r.Pool),
		watch: newWatcher(r.watchDir),
		live:  map[*slot]struct{}{},
	}
	p.newWorker = func() worker { return newFramedWorker(r) }
	if r.Runtime == "process" {
		p.newWorker = func() worker { return newLineWorker(r) }
	}
	return p, nil
}

// Interpreter is the program the workers run: the python or node
// interpreter, or the process runtime's command.
func (p *pool) Interpreter() string { return p.r.interpreter() }

// Load starts a worker and waits until it has loaded the handler — the
// Python import, the Node require or import — as the first call would,
// and keeps it warm for the calls that follow. The error of a handler that
// does not load wraps a *LoadError when the interpreter said why.
func (p *pool) Load(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return p.wrap(ctxError(ctx))
	}
	defer func() { <-p.sem }()
	s, cold, err := p.acquire()
	if err != nil {
		return p.wrap(err)
	}
	if cold {
		if err := s.w.start(ctx); err != nil {
			s.w.takeLogs()
			p.release(s, false)
			return p.wrap(err)
		}
	}
	p.release(s, true)
	return nil
}

// Invoke runs one call on a warm worker, starting one if none is free.
// When it returns an error, the Result still carries the logs the call
// produced (a traceback before a crash, prints before a timeout).
func (p *pool) Invoke(ctx context.Context, inv Invocation) (Result, error) {
	if !json.Valid(inv.Event) {
		return Result{}, p.wrap(errors.New("the event is not valid JSON"))
	}
	made := time.Now()
	rq := p.request(inv)
	if err := p.waitForWorker(ctx, &rq, made); err != nil {
		return Result{Queued: rq.queued}, p.wrap(err)
	}
	defer p.handOff()

	p.reloadIfChanged()
	res, err := p.invokeOnce(ctx, rq)
	if errors.Is(err, errGoneBeforeCall) {
		res, err = p.invokeOnce(ctx, rq)
	}
	res.Queued = rq.queued
	return res, err
}

// waitForWorker takes a worker slot, waiting while all are busy for no
// longer than the call's timeout, which runs from when the call was made:
// hanging calls ahead in the queue must not hold an unrelated call past
// its own deadline. rq.queued records the wait.
func (p *pool) waitForWorker(ctx context.Context, rq *request, made time.Time) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	default:
	}
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	timer := time.NewTimer(rq.timeout - time.Since(made))
	defer timer.Stop()
	select {
	case p.sem <- struct{}{}:
		rq.queued = time.Since(made)
		return nil
	case <-timer.C:
		rq.queued = time.Since(made)
		return fmt.Errorf("%w: it waited %s for a free worker (all %d busy) and never started", TimeoutError(rq.timeout), roundWait(rq.queued), cap(p.sem))
	case <-ctx.Done():
		rq.queued = time.Since(made)
		return fmt.Errorf("%w (after waiting %s for a free worker)", ctxError(ctx), roundWait(rq.queued))
	}
}

// handOff gives the call's worker slot back and, when calls are waiting
// for one, yields so that the next of them writes its event to the worker
// now. Left to the scheduler, the woken call would run only when this one
// next blocks, after its backend request: under load the worker then sat
// idle for most of that leg, and warm python workers served about 10 %
// fewer calls a second (issue 18).
func (p *pool) handOff() {
	<-p.sem
	if p.waiting.Load() > 0 {
		goruntime.Gosched()
	}
}

// invokeOnce runs one call on a warm or new worker.
func (p *pool) invokeOnce(ctx context.Context, rq request) (Result, error) {
	s, cold, err := p.acquire()
	if err != nil {
		return Result{}, p.wrap(err)
	}
	var cost time.Duration
	if cold {
		t0 := time.Now()
		if err := s.w.start(ctx); err != nil {
			logs := s.w.takeLogs()
			p.release(s, false)
			return Result{Logs: logs, ColdStart: true, ColdStartCost: time.Since(t0)}, p.wrap(err)
		}
		cost = time.Since(t0)
	}
	t1 := time.Now()
	res, keep, err := s.w.call(ctx, rq)
	if cold {
		res.ColdStart, res.ColdStartCost = true, cost
		if !s.w.readySignal() {
			res.ColdStartCost += time.Since(t1)
		}
	}
	p.release(s, keep)
	if err != nil {
		return res, p.wrap(err)
	}
	return res, nil
}

func (p *pool) request(inv Invocation) request {
	rq := request{
		event:        inv.Event,
		requestID:    inv.RequestID,
		functionName: inv.FunctionName,
		now:          inv.Now,
		timeout:      inv.Timeout,
	}
	if rq.requestID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		h := hex.EncodeToString(b[:])
		rq.requestID = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	if rq.functionName == "" {
		rq.functionName = p.r.functionName()
	}
	if rq.now.IsZero() {
		rq.now = time.Now()
	}
	if rq.timeout <= 0 {
		rq.timeout = p.r.Timeout
	}
	return rq
}

// acquire returns an idle worker of the current code generation, or a new
// unstarted one (cold). Dead or outdated idle workers are discarded here,
// which is what restarts a crashed or edited function on the next call.
func (p *pool) acquire() (*slot, bool, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, errClosed
	}
	var discard []*slot
	var found *slot
	for len(p.idle) > 0 && found == nil {
		s := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if s.gen == p.gen && s.w.alive() {
			found = s
			continue
		}
		delete(p.live, s)
		discard = append(discard, s)
	}
	cold := found == nil
	if cold {
		found = &slot{w: p.newWorker(), gen: p.gen}
		p.live[found] = struct{}{}
	}
	p.mu.Unlock()
	for _, s := range discard {
		s.w.kill()
	}
	return found, cold, nil
}

// release returns a worker to the idle list, or ends it.
func (p *pool) release(s *slot, keep bool) {
	p.mu.Lock()
	if keep && !p.closed && s.gen == p.gen {
		p.idle = append(p.idle, s)
		p.mu.Unlock()
		return
	}
	delete(p.live, s)
	p.mu.Unlock()
	s.w.kill()
}

func (p *pool) reloadIfChanged() {
	if p.watch == nil || !p.watch.changed() {
		return
	}
	p.mu.Lock()
	p.gen++
	stale := p.idle
	p.idle = nil
	for _, s := range stale {
		delete(p.live, s)
	}
	p.mu.Unlock()
	for _, s := range stale {
		s.w.kill()
	}
}

// Close kills every worker, busy ones included, and waits until they are
// reaped. Calls in progress fail; later calls return an error.
func (p *pool) Close() error {
	p.mu.Lock()
	p.closed = true
	all := make([]*slot, 0, len(p.live))
	for s := range p.live {
		all = append(all, s)
	}
	p.live, p.idle = map[*slot]struct{}{}, nil
	p.mu.Unlock()
	p.watch.close()
	var wg sync.WaitGroup
	for _, s := range all {
		wg.Go(s.w.kill)
	}
	wg.Wait()
	return nil
}

func (p *pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// wrap names the function, and reports a call cut short by Close as such
// rather than as the crash it looks like from inside.
func (p *pool) wrap(err error) error {
	if p.isClosed() && !errors.Is(err, errClosed) {
		err = fmt.Errorf("%w: %w", errClosed, err)
	}
	return fmt.Errorf("function %q: %w", p.r.functionName(), err)
}

// pids lists the live workers' process ids (tests check none survive Close).
func (p *pool) pids() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for s := range p.live {
		if pid := s.w.pid(); pid > 0 {
			out = append(out, pid)
		}
	}
	return out
}
