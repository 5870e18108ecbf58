package scenario

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
)

// Options control a run.
type Options struct {
	// Parallel is how many scenarios replay at once (steps stay in
	// order); 0 or 1 replays one at a time.
	Parallel int
	// FailFast stops starting steps after the first failure.
	FailFast bool
	// Filter selects scenarios whose name matches, and steps whose name,
	// or "scenario/step", matches; nil selects everything. A scenario
	// selected by a step replays up to that step, because earlier steps
	// build the state (cache, clock) it depends on.
	Filter *regexp.Regexp
	// Functions builds python / node / process runtimes; nil means the
	// engine's warm workers.
	Functions engine.FunctionFactory
	// Elapsed measures stage durations (engine.Options); tests pass a
	// function returning 0 for stable output.
	Elapsed func(time.Time) time.Duration
	// OnResult is called with each scenario's result in input order, as
	// soon as it and every scenario before it are done, so output streams
	// in a stable order even when scenarios run in parallel.
	OnResult func(*ScenarioResult)
}

// Selected returns the scenarios the filter selects.
func Selected(scs []*Scenario, filter *regexp.Regexp) []*Scenario {
	var out []*Scenario
	for _, sc := range scs {
		if lastSelected(sc, filter) >= 0 {
			out = append(out, sc)
		}
	}
	return out
}

// lastSelected is the index of the last step to replay, -1 for none.
func lastSelected(sc *Scenario, filter *regexp.Regexp) int {
	if filter == nil || filter.MatchString(sc.Name) {
		return len(sc.Plan) - 1
	}
	last := -1
	for i, st := range sc.Plan {
		if filter.MatchString(st.Name) || filter.MatchString(sc.Name+"/"+st.Name) {
			last = i
		}
	}
	return last
}

// Run replays the scenarios the filter selects, each on its own engine and
// virtual clock: no cache entry, call count or worker is shared, so the
// order and parallelism of a run never change its outcome.
func Run(ctx context.Context, scs []*Scenario, o Options) *Report {
	start := time.Now()
	scs = Selected(scs, o.Filter)
	results := make([]*ScenarioResult, len(scs))
	done := make([]chan struct{}, len(scs))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var stop atomic.Bool
	// Workers take scenarios in input order, so with --parallel 1 (and
	// --fail-fast) the run is the file order exactly.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(max(o.Parallel, 1), max(len(scs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = replay(ctx, scs[i], o, &stop)
				close(done[i])
			}
		}()
	}
	go func() {
		for i := range scs {
			jobs <- i
		}
		close(jobs)
	}()
	// Report in input order as results arrive.
	for i := range scs {
		<-done[i]
		if o.OnResult != nil {
			o.OnResult(results[i])
		}
	}
	wg.Wait()
	return &Report{Scenarios: results, Duration: time.Since(start)}
}

// replay runs one scenario on a fresh engine.
func replay(ctx context.Context, sc *Scenario, o Options, stop *atomic.Bool) *ScenarioResult {
	start := time.Now()
	last := lastSelected(sc, o.Filter)
	res := &ScenarioResult{Scenario: sc}
	defer func() { res.Duration = time.Since(start) }()
	skipAll := func(from int, note string) {
		for _, p := range sc.Plan[from : last+1] {
			res.Steps = append(res.Steps, &StepResult{Plan: p, Status: Skipped, Note: note})
		}
	}
	if stop.Load() {
		skipAll(0, "not run: --fail-fast stopped the run after a failure")
		return res
	}
	clk := clock.NewVirtual(sc.Start)
	e, err := engine.New(sc.Gateway, engine.Options{
		Clock: clk, Elapsed: o.Elapsed, Functions: o.Functions,
		// Request ids from a fixed seed: a replay's traces are the same
		// every time.
		Random: rand.NewChaCha8([32]byte{'a', 'u', 't', 'h', 'l', 'a', 'b'}),
	})
	if err != nil {
		res.Err = fmt.Errorf("%s: starting the gateway: %w", sc.File, err)
		skipAll(0, "not run: the gateway did not start")
		return res
	}
	defer e.Close()
	for i, p := range sc.Plan[:last+1] {
		if ctx.Err() != nil || stop.Load() {
			note := "not run: --fail-fast stopped the run after a failure"
			if ctx.Err() != nil {
				note = "not run: " + ctx.Err().Error()
			}
			skipAll(i, note)
			break
		}
		var st *StepResult
		if p.Probe != nil {
			if p.Advance > 0 {
				clk.Advance(p.Advance)
			}
			st = probeStep(ctx, sc, o, clk, p)
		} else {
			st = step(ctx, e, clk, p)
		}
		res.Steps = append(res.Steps, st)
		if st.Status == Failed {
			if o.FailFast {
				stop.Store(true)
			}
			// Later steps build on this one's state; their results would
			// only echo this failure.
			skipAll(i+1, fmt.Sprintf("not run: step %d (%s) failed", i+1, p.Name))
			break
		}
	}
	return res
}

// step moves the clock, sends the request and checks the result.
func step(ctx context.Context, e *engine.Engine, clk *clock.Virtual, p *StepPlan) *StepResult {
	if p.Advance > 0 {
		clk.Advance(p.Advance)
	}
	st := &StepResult{Plan: p, Status: Passed, Clock: clk.Now()}
	if p.Request == nil {
		return st
	}
	req, err := p.Request.Build()
	if err != nil {
		// The loader built this request once already; only a bug lands here.
		st.Status = Failed
		st.Failures = []Failure{{Check: "request", Message: "request: " + err.Error()}}
		return st
	}
	if sp := p.Request.SigV4; sp != nil {
		if err := sp.Sign(ctx, req, clk.Now()); err != nil {
			st.Status = Failed
			st.Failures = []Failure{{Check: "request", Message: "signing: " + err.Error()}}
			return st
		}
	}
	start := time.Now()
	st.Result = e.Do(ctx, req)
	st.Duration = time.Since(start)
	obs := &observed{res: st.Result, calls: e.Calls()}
	for _, c := range p.Checks {
		st.Failures = append(st.Failures, c.run(obs)...)
	}
	if len(st.Failures) > 0 {
		st.Status = Failed
	}
	return st
}
