package scenario

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
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

// valueMatch is an expected header or query value: exact, ~REGEX, or absent.
type valueMatch struct {
	raw    string
	re     *regexp.Regexp
	absent bool
}

func (m valueMatch) String() string {
	if m.absent {
		return "(absent)"
	}
	return m.raw
}

func (m valueMatch) matches(vals []string, sep string) bool {
	if m.absent {
		return len(vals) == 0
	}
	if len(vals) == 0 {
		return false
	}
	got := strings.Join(vals, sep)
	if m.re != nil {
		return m.re.MatchString(got)
	}
	return got == m.raw
}

// setPlan is an expected set of named values (headers or query).
type setPlan struct {
	names []string // in sorted order
	want  map[string]valueMatch
	// fold marks header names (case-insensitive), not query names.
	fold bool
}

// setCheck compares one set; a mismatch is one failure with a diff of the
// expected names, so a reader sees the whole set at once.
func setCheck(label string, plan *setPlan, get func(o *observed) (map[string][]string, bool)) check {
	sep := ","
	if plan.fold {
		sep = ", "
	}
	return check{label, func(o *observed) []Failure {
		actual, ok := get(o)
		if !ok {
			return nil // reported by the caller (e.g. upstream not reached)
		}
		var wantLines, gotLines, bad []string
		for _, name := range plan.names {
			m := plan.want[name]
			vals, shown := lookupValues(actual, name, plan.fold)
			wantLines = append(wantLines, name+": "+m.String())
			got := "(absent)"
			if len(vals) > 0 {
				got = strings.Join(vals, sep)
			}
			if m.matches(vals, sep) {
				// Equal lines keep the diff quiet where the set agrees.
				gotLines = append(gotLines, name+": "+m.String())
				continue
			}
			gotLines = append(gotLines, shown+": "+got)
			bad = append(bad, name)
		}
		if len(bad) == 0 {
			return nil
		}
		return []Failure{{Check: label,
			Message:  fmt.Sprintf("%s: %s differ%s", label, strings.Join(bad, ", "), pluralS(len(bad) == 1)),
			Expected: strings.Join(wantLines, "\n"), Actual: strings.Join(gotLines, "\n"),
			Diff: lineDiff(strings.Join(wantLines, "\n"), strings.Join(gotLines, "\n"))}}
	}}
}

func pluralS(one bool) string {
	if one {
		return "s"
	}
	return ""
}

// lookupValues finds name in a header or query map; shown is the name as
// the map spells it.
func lookupValues(m map[string][]string, name string, fold bool) (vals []string, shown string) {
	if !fold {
		return m[name], name
	}
	c := http.CanonicalHeaderKey(name)
	if v, ok := m[c]; ok {
		return v, c
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.EqualFold(k, name) {
			return m[k], k
		}
	}
	return nil, name
}

func responseHeaders(o *observed) (map[string][]string, bool) {
	return o.res.Response.Header, true
}

// upstreamPlan is the compiled `upstream:` expectation.
type upstreamPlan struct {
	none    bool
	method  string
	path    string
	headers *setPlan
	query   *setPlan
	body    *bodyPlan
}

// upstreamChecks returns the checks of `upstream:`. When the backend was
// not reached only that is reported, not every detail that then differs.
func upstreamChecks(p *upstreamPlan) []check {
	if p.none {
		return []check{{"upstream", func(o *observed) []Failure {
			up := o.res.Upstream
			if up == nil {
				return nil
			}
			return fail("upstream", fmt.Sprintf("upstream: expected none (backend not reached), but the backend got %s %s", up.Method, targetOf(up.Path, up.Query)),
				"none", up.Method+" "+targetOf(up.Path, up.Query))
		}}}
	}
	reached := func(o *observed) bool { return o.res.Upstream != nil }
	checks := []check{{"upstream", func(o *observed) []Failure {
		if reached(o) {
			return nil
		}
		return fail("upstream", "upstream: expected the request to reach the backend, but it did not"+refusedAt(o.res), "reached", "none")
	}}}
	if p.method != "" {
		checks = append(checks, check{"upstream.method", func(o *observed) []Failure {
			if !reached(o) || o.res.Upstream.Method == p.method {
				return nil
			}
			got := o.res.Upstream.Method
			return fail("upstream.method", fmt.Sprintf("upstream.method: expected %s, got %s", p.method, got), p.method, got)
		}})
	}
	if p.path != "" {
		checks = append(checks, check{"upstream.path", func(o *observed) []Failure {
			if !reached(o) || o.res.Upstream.Path == p.path {
				return nil
			}
			got := o.res.Upstream.Path
			return fail("upstream.path", fmt.Sprintf("upstream.path: expected %s, got %s", p.path, got), p.path, got)
		}})
	}
	if p.headers != nil {
		checks = append(checks, setCheck("upstream.headers", p.headers, func(o *observed) (map[string][]string, bool) {
			if !reached(o) {
				return nil, false
			}
			return o.res.Upstream.Header, true
		}))
	}
	if p.query != nil {
		checks = append(checks, setCheck("upstream.query", p.query, func(o *observed) (map[string][]string, bool) {
			if !reached(o) {
				return nil, false
			}
			return o.res.Upstream.Query, true
		}))
	}
	if p.body != nil {
		checks = append(checks, bodyCheck("upstream.body", p.body, func(o *observed) ([]byte, bool) {
			if !reached(o) {
				return nil, false
			}
			return o.res.Upstream.Body, true
		}))
	}
	return checks
}

// refusedAt names the stage that refused a request, for messages.
func refusedAt(res *engine.Result) string {
	for _, s := range res.Trace.Stages {
		if s.Status == trace.Fail {
			return fmt.Sprintf(" (refused at %s: %s)", s.Name, s.Summary)
		}
	}
	return ""
}

func targetOf(path string, q map[string][]string) string {
	if len(q) == 0 {
		return path
	}
	var parts []string
	for _, k := range keys(q) {
		for _, v := range q[k] {
			parts = append(parts, k+"="+v)
		}
	}
	return path + "?" + strings.Join(parts, "&")
}

// shownFailures are a step's failures as reports print them: the request's
// secrets (tokens, identity values) abbreviated as in its trace (ALL-2),
// unless reveal.
func shownFailures(st *StepResult, reveal bool) []Failure {
	if reveal || st.Result == nil || len(st.Result.Trace.Secrets) == 0 {
		return st.Failures
	}
	red := report.NewRedactor(st.Result.Trace.Secrets)
	out := make([]Failure, len(st.Failures))
	for i, f := range st.Failures {
		out[i] = Failure{Check: f.Check, Message: red.String(f.Message), Expected: red.String(f.Expected),
			Actual: red.String(f.Actual), Diff: red.String(f.Diff)}
	}
	return out
}
