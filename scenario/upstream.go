package scenario

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

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
