package scenario

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/engine/trace"
)

// Failure is one expectation that did not hold, worded for the reader.
type Failure struct {
	// Check names the expectation: status, authorizer, headers, body.jq,
	// upstream.headers, calls.token-lambda, ...
	Check    string `json:"check"`
	Message  string `json:"message"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	// Diff is a line diff ("- " expected, "+ " actual) for bodies and
	// header sets.
	Diff string `json:"diff,omitempty"`
}

// observed is what a check looks at: one request's result and the
// scenario's authorizer call counts after it.
type observed struct {
	res   *engine.Result
	calls map[string]int
}

// check is one named expectation; it returns what failed, or nothing.
type check struct {
	name string
	run  func(o *observed) []Failure
}

func fail(name, msg, expected, actual string) []Failure {
	return []Failure{{Check: name, Message: msg, Expected: expected, Actual: actual}}
}

func statusCheck(want int) check {
	return check{"status", func(o *observed) []Failure {
		got := o.res.Response.Status
		if got == want {
			return nil
		}
		return fail("status", fmt.Sprintf("status: expected %d, got %d %s", want, got, http.StatusText(got)),
			strconv.Itoa(want), strconv.Itoa(got))
	}}
}

func authorizerCheck(want string) check {
	return check{"authorizer", func(o *observed) []Failure {
		got := o.res.Outcome
		if got == want {
			return nil
		}
		return fail("authorizer", fmt.Sprintf("authorizer: expected %s, got %s%s", want, got, whySkipped(o.res)), want, got)
	}}
}

// whySkipped says why no authorizer ran, from the first refusing stage.
func whySkipped(res *engine.Result) string {
	if res.Outcome != engine.Skipped {
		return ""
	}
	if res.Authorizer == "" && res.Route != "" {
		return " (route " + res.Route + " has no authorizer)"
	}
	for _, s := range res.Trace.Stages {
		if s.Status == trace.Fail {
			return fmt.Sprintf(" (%s: %s)", s.Name, s.Summary)
		}
	}
	return ""
}

func principalCheck(want string) check {
	return check{"principal", func(o *observed) []Failure {
		got := o.res.Principal
		if got == want {
			return nil
		}
		return fail("principal", fmt.Sprintf("principal: expected %q, got %q", want, got), want, got)
	}}
}

// routeNone is the `route:` value that expects no route to match.
const routeNone = "none"

func routeCheck(want string) check {
	return check{"route", func(o *observed) []Failure {
		got := o.res.Route
		if got == "" {
			got = routeNone
		}
		if got == want {
			return nil
		}
		return fail("route", fmt.Sprintf("route: expected %s, got %s", want, got), want, got)
	}}
}

func callsCheck(name string, want int) check {
	label := "calls." + name
	return check{label, func(o *observed) []Failure {
		got := o.calls[name]
		if got == want {
			return nil
		}
		return fail(label, fmt.Sprintf("calls: expected authorizer %s to have been called %d time(s) since the scenario began, got %d", name, want, got),
			strconv.Itoa(want), strconv.Itoa(got))
	}}
}

func rulesCheck(ids []string) check {
	return check{"rules", func(o *observed) []Failure {
		cited := map[string]bool{}
		var all []string
		for _, s := range o.res.Trace.Stages {
			for _, r := range s.Rules {
				if !cited[r] {
					cited[r] = true
					all = append(all, r)
				}
			}
		}
		var missing []string
		for _, id := range ids {
			if !cited[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return fail("rules", fmt.Sprintf("rules: the trace does not cite %s (it cites %s)", strings.Join(missing, ", "), orNone(all)),
			strings.Join(ids, ", "), strings.Join(all, ", "))
	}}
}

// shownFailures are a step's failures as reports print them: the request's
// secrets (tokens, identity values) abbreviated as in its trace (ALL-2),
// unless reveal.
func shownFailures(st *StepResult, reveal bool) []Failure {
	if reveal {
		return st.Failures
	}
	red := report.ForResult(st.Result, reveal)
	out := make([]Failure, len(st.Failures))
	for i, f := range st.Failures {
		out[i] = Failure{Check: f.Check, Message: red.String(f.Message), Expected: red.String(f.Expected),
			Actual: red.String(f.Actual), Diff: red.String(f.Diff)}
	}
	return out
}

// shownError is a scenario's error (a gateway that would not start) as
// reports print it: a password in a URL abbreviated unless reveal.
func shownError(err error, reveal bool) string {
	if err == nil {
		return ""
	}
	if reveal {
		return err.Error()
	}
	return report.NewRedactor(nil).String(err.Error())
}
