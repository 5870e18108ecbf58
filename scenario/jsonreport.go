package scenario

import (
	"encoding/json"
	"io"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/probe"
	"github.com/authlab/authlab/engine/report"
)

// JSONReport is `authlab run --json`.
type JSONReport struct {
	OK bool `json:"ok"`
	Counts
	DurationMs float64        `json:"durationMs"`
	Scenarios  []JSONScenario `json:"scenarios"`
	// Errors are the problems of invalid files; nothing ran when set.
	Errors []config.Diagnostic `json:"errors,omitempty"`
}

// JSONScenario is one scenario's replay.
type JSONScenario struct {
	Name       string     `json:"name"`
	File       string     `json:"file"`
	Gateway    string     `json:"gateway,omitempty"`
	Clock      time.Time  `json:"clock"`
	Status     Status     `json:"status"`
	DurationMs float64    `json:"durationMs"`
	Error      string     `json:"error,omitempty"`
	Steps      []JSONStep `json:"steps"`
}

// JSONStep is one step; Result is the same document as `fire --json`.
type JSONStep struct {
	Index      int         `json:"index"` // 1-based, as in the text report
	Name       string      `json:"name"`
	Line       int         `json:"line"`
	Kind       string      `json:"kind"` // request | probe | advance
	Status     Status      `json:"status"`
	Clock      *time.Time  `json:"clock,omitempty"`
	Advance    string      `json:"advance,omitempty"`
	DurationMs float64     `json:"durationMs"`
	Note       string      `json:"note,omitempty"`
	Failures   []Failure   `json:"failures,omitempty"`
	Result     *report.Doc `json:"result,omitempty"`
	// Probe is a probe step's report, as authlab probe --json prints it.
	Probe *probe.Doc `json:"probe,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// NewJSONReport builds the JSON report; reveal shows secrets in results.
func NewJSONReport(r *Report, reveal bool) *JSONReport {
	out := &JSONReport{OK: r.OK(), Counts: r.Counts(), DurationMs: ms(r.Duration), Scenarios: []JSONScenario{}}
	for _, s := range r.Scenarios {
		js := JSONScenario{Name: s.Scenario.Name, File: s.Scenario.File, Clock: s.Scenario.Start, Status: s.Status(),
			DurationMs: ms(s.Duration), Steps: []JSONStep{}}
		if s.Scenario.Gateway != nil {
			js.Gateway = s.Scenario.Gateway.File
		}
		if s.Err != nil {
			js.Error = shownError(s.Err, reveal)
		}
		for _, st := range s.Steps {
			step := JSONStep{Index: st.Plan.Index + 1, Name: st.Plan.Name, Line: st.Plan.Line, Kind: "request",
				Status: st.Status, DurationMs: ms(st.Duration), Note: st.Note, Failures: shownFailures(st, reveal)}
			switch {
			case st.Plan.Probe != nil:
				step.Kind = "probe"
			case st.Plan.Request == nil:
				step.Kind = "advance"
			}
			if st.Probe != nil {
				step.Probe = probe.NewDoc(st.Probe, reveal)
			}
			if st.Plan.Advance > 0 {
				step.Advance = st.Plan.Advance.String()
			}
			if !st.Clock.IsZero() {
				c := st.Clock
				step.Clock = &c
			}
			if st.Result != nil {
				step.Result = report.NewDoc(st.Result, reveal)
			}
			js.Steps = append(js.Steps, step)
		}
		out.Scenarios = append(out.Scenarios, js)
	}
	return out
}

// WriteJSON writes a JSON document, indented.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
