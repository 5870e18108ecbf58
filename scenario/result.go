package scenario

import (
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/probe"
)

// Status of a step or a scenario. One result model feeds the text, JSON
// and JUnit reports, so they cannot disagree.
type Status string

const (
	Passed Status = "passed"
	Failed Status = "failed"
	// Skipped: not run because an earlier step of the scenario failed, or
	// --fail-fast stopped the run.
	Skipped Status = "skipped"
)

// Report is the outcome of a run.
type Report struct {
	Scenarios []*ScenarioResult
	Duration  time.Duration
}

// Counts are request steps by status (clock moves are not counted).
type Counts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// Counts adds up the request steps of every scenario.
func (r *Report) Counts() Counts {
	var c Counts
	for _, s := range r.Scenarios {
		sc := s.Counts()
		c.Passed += sc.Passed
		c.Failed += sc.Failed
		c.Skipped += sc.Skipped
	}
	return c
}

// OK reports whether every scenario passed.
func (r *Report) OK() bool {
	for _, s := range r.Scenarios {
		if s.Status() == Failed {
			return false
		}
	}
	return true
}

// ScenarioResult is one scenario's replay.
type ScenarioResult struct {
	Scenario *Scenario
	Steps    []*StepResult
	Duration time.Duration
	// Err is a replay that could not start (the engine refused the
	// gateway); the scenario counts as failed.
	Err error
}

// Counts adds up the scenario's request steps.
func (s *ScenarioResult) Counts() Counts {
	var c Counts
	for _, st := range s.Steps {
		if st.Plan.Request == nil && st.Plan.Probe == nil {
			continue
		}
		switch st.Status {
		case Passed:
			c.Passed++
		case Failed:
			c.Failed++
		default:
			c.Skipped++
		}
	}
	return c
}

// Status is failed when a step failed or the replay could not start,
// skipped when nothing ran, else passed.
func (s *ScenarioResult) Status() Status {
	if s.Err != nil {
		return Failed
	}
	ran := false
	for _, st := range s.Steps {
		if st.Status == Failed {
			return Failed
		}
		ran = ran || st.Status == Passed
	}
	if !ran && len(s.Steps) > 0 {
		return Skipped
	}
	return Passed
}

// StepResult is one step's replay.
type StepResult struct {
	Plan     *StepPlan
	Status   Status
	Failures []Failure
	// Result is the engine's result of the request; nil for a clock move
	// or a step that did not run.
	Result *engine.Result
	// Clock is the virtual time the step ran at.
	Clock    time.Time
	Duration time.Duration
	// Note says why a step was skipped.
	Note string
	// Probe is a probe step's report (Result is then the trace of its
	// first accepted attack, or of the refused baseline).
	Probe *probe.Report
}
