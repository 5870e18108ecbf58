package scenario_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/scenario"
)

// noElapsed makes stage durations 0, for stable traces.
func noElapsed(time.Time) time.Duration { return 0 }

func run(t testing.TB, o scenario.Options, scs ...*scenario.Scenario) *scenario.Report {
	t.Helper()
	if o.Elapsed == nil {
		o.Elapsed = noElapsed
	}
	return scenario.Run(context.Background(), scs, o)
}

// cacheScenario replays the AWS REST cache and the cached-policy gotcha.
const cacheScenario = `
name: AWS REST cache
gateway: gateway.yaml
clock: 2026-03-01T10:00:00Z
vars: {alice: "Bearer allow-alice"}
steps:
  - name: AWS-C2 first call
    request: {method: GET, path: /orders/42, headers: {Authorization: "${vars.alice}", X-User: mallory}}
    expect:
      status: 200
      authorizer: called
      principal: alice
      route: /orders/{id}
      upstream: {method: GET, path: /orders/42, headers: {X-User: alice, X-Missing: null}}
      headers: {X-Served-For: alice, Content-Type: "~json"}
      body: {contains: /orders/42, jq: ['.path == "/orders/42"', '.headers["X-User"] == "alice"']}
      calls: {tok: 1, jwt: 0}
      rules: [AWS-C2, ALL-1]
  - name: AWS-C3 cached policy reused on another route
    request: {method: GET, path: /users/7, headers: {Authorization: "${vars.alice}"}}
    expect:
      status: 403
      authorizer: cached
      upstream: none
      body: {equals: {Message: User is not authorized to access this resource}}
      rules: [AWS-C3]
  - advance: 300s
  - name: AWS-C1 the entry expired at the TTL
    request: {method: GET, path: /users/7, headers: {Authorization: "${vars.alice}"}}
    expect: {status: 200, authorizer: called, calls: {tok: 2}}
  - name: AWS-R7 no route
    request: {method: POST, path: /users/7}
    expect: {status: 403, route: none, authorizer: skipped, body: {equals: '{"message": "Missing Authentication Token"}'}}
`

func TestRunPasses(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, cacheScenario)
	rep := run(t, scenario.Options{}, sc)
	r := rep.Scenarios[0]
	for _, st := range r.Steps {
		if st.Status != scenario.Passed {
			t.Errorf("step %q: %s %v", st.Plan.Name, st.Status, st.Failures)
		}
	}
	if c := rep.Counts(); c.Passed != 4 || c.Failed != 0 || !rep.OK() {
		t.Errorf("counts %+v", c)
	}
	// The clock moved 300s before step 4, and only there.
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if !r.Steps[1].Clock.Equal(start) || !r.Steps[3].Clock.Equal(start.Add(300*time.Second)) {
		t.Errorf("clock %v, %v", r.Steps[1].Clock, r.Steps[3].Clock)
	}
}

// TestEachExpectationFails: every expectation kind fails alone, with a
// message that says what was expected and what happened.
func TestEachExpectationFails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expect string
		check  string
		msg    string
	}{
		{`{status: 201}`, "status", "status: expected 201, got 200 OK"},
		{`{authorizer: cached}`, "authorizer", "authorizer: expected cached, got called"},
		{`{principal: bob}`, "principal", `principal: expected "bob", got "alice"`},
		{`{principal: ""}`, "principal", `principal: expected "", got "alice"`},
		{`{route: "/users/{id}"}`, "route", "route: expected /users/{id}, got /orders/{id}"},
		{`{route: none}`, "route", "route: expected none, got /orders/{id}"},
		{`{upstream: none}`, "upstream", "upstream: expected none (backend not reached), but the backend got GET /orders/42"},
		{`{upstream: {method: PUT}}`, "upstream.method", "upstream.method: expected PUT, got GET"},
		{`{upstream: {path: /orders/43}}`, "upstream.path", "upstream.path: expected /orders/43, got /orders/42"},
		{`{upstream: {headers: {X-User: bob}}}`, "upstream.headers", "upstream.headers: X-User differs"},
		{`{upstream: {headers: {Authorization: null}}}`, "upstream.headers", "upstream.headers: Authorization differs"},
		{`{upstream: {query: {page: "2"}}}`, "upstream.query", "upstream.query: page differs"},
		{`{upstream: {body: {contains: x}}}`, "upstream.body.contains", `upstream.body: does not contain "x"`},
		{`{headers: {X-Served-For: "~^bob$"}}`, "headers", "headers: X-Served-For differs"},
		{`{headers: {Content-Type: null}}`, "headers", "headers: Content-Type differs"},
		{`{body: {contains: "/orders/43"}}`, "body.contains", `body: does not contain "/orders/43"`},
		{`{body: {equals: "plain"}}`, "body.equals", "body: not equal to the expected text"},
		{`{body: {equals: {path: /orders/42}}}`, "body.equals", "body: JSON differs from the expected value"},
		{`{body: {jq: '.path == "/x"'}}`, "body.jq", `body.jq .path == "/x": yielded false`},
		{`{body: {jq: '.path'}}`, "body.jq", `body.jq .path: yielded "/orders/42" (not a boolean)`},
		{`{body: {jq: 'empty'}}`, "body.jq", "body.jq empty: yielded nothing"},
		{`{body: {jq: '.path | error'}}`, "body.jq", "body.jq .path | error: error: /orders/42"},
		{`{calls: {tok: 2}}`, "calls.tok", "calls: expected authorizer tok to have been called 2 time(s) since the scenario began, got 1"},
		{`{rules: [AWS-R2]}`, "rules", "rules: the trace does not cite AWS-R2 (it cites"},
	}
	for _, c := range cases {
		t.Run(c.check+" "+c.expect, func(t *testing.T) {
			sc := loadSrc(t, fmt.Sprintf(`
gateway: gateway.yaml
steps:
  - name: the step
    request: {method: GET, path: /orders/42?page=1, headers: {Authorization: Bearer allow-alice}}
    expect: %s
  - name: after
    request: {method: GET, path: /health}
    expect: {status: 200}
`, c.expect))
			rep := run(t, scenario.Options{}, sc)
			st := rep.Scenarios[0].Steps[0]
			if st.Status != scenario.Failed || len(st.Failures) != 1 {
				t.Fatalf("status %s, failures %+v", st.Status, st.Failures)
			}
			f := st.Failures[0]
			if f.Check != c.check || !strings.Contains(f.Message, c.msg) {
				t.Errorf("failure %s %q, want %s %q", f.Check, f.Message, c.check, c.msg)
			}
			if after := rep.Scenarios[0].Steps[1]; after.Status != scenario.Skipped || !strings.Contains(after.Note, "step 1 (the step) failed") {
				t.Errorf("a step after a failure is not run: %s %q", after.Status, after.Note)
			}
			if rep.OK() || rep.Counts() != (scenario.Counts{Failed: 1, Skipped: 1}) {
				t.Errorf("counts %+v", rep.Counts())
			}
		})
	}
}

// TestFailureShowsDiffAndTrace: a failed step prints expected against
// actual, a diff for header sets and bodies, and the trace of `fire`.
func TestFailureShowsDiffAndTrace(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, `
gateway: gateway.yaml
steps:
  - name: JSON body and headers
    request: {method: GET, path: /health}
    expect:
      headers: {Cache-Control: no-cache, Content-Type: application/json}
      body: {equals: {status: down}}
`)
	rep := run(t, scenario.Options{}, sc)
	var out bytes.Buffer
	if err := scenario.WriteScenario(&out, rep.Scenarios[0], scenario.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"✗ step 1: JSON body and headers  testdata/t.yaml:4, virtual time 2026-01-01T00:00:00Z",
		"headers: Cache-Control differs",
		"- Cache-Control: no-cache\n        + Cache-Control: no-store\n          Content-Type: application/json",
		"body: JSON differs from the expected value",
		`-   "status": "down"` + "\n" + `        +   "status": "ok"`,
		"trace:",
		"✓ route",
		"· authorizer",
		"Response 200 OK",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q\n%s", want, got)
		}
	}
}

func TestSecretsAbbreviatedInFailures(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, `
gateway: gateway.yaml
steps:
  - request: {method: GET, path: /orders/1, headers: {Authorization: Bearer allow-alice}}
    expect: {body: {contains: nothing}}
`)
	rep := run(t, scenario.Options{}, sc)
	var hidden, shown bytes.Buffer
	_ = scenario.WriteScenario(&hidden, rep.Scenarios[0], scenario.TextOptions{})
	_ = scenario.WriteScenario(&shown, rep.Scenarios[0], scenario.TextOptions{Reveal: true})
	if strings.Contains(hidden.String(), "allow-alice") {
		t.Errorf("ALL-2: the token shows in full without --reveal:\n%s", hidden.String())
	}
	if !strings.Contains(shown.String(), "Bearer allow-alice") {
		t.Errorf("--reveal shows the token")
	}
}

// TestTokenExpiresOnVirtualClock: a token minted with expiresIn 5m is
// refused after advance 6m (JWT-2), on the virtual clock alone.
func TestTokenExpiresOnVirtualClock(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, `
gateway: gateway.yaml
clock: 2031-01-01T00:00:00Z
tokens:
  t: {secret: "0123456789abcdef0123456789abcdef", claims: {sub: ann}, expiresIn: 5m}
steps:
  - name: JWT-2 valid at first
    request: {method: GET, path: /jwt, headers: {X-Token: "Bearer ${tokens.t}"}}
    expect: {status: 200, principal: ann}
  - advance: 6m
  - name: JWT-2 expired after 6m
    request: {method: GET, path: /jwt, headers: {X-Token: "Bearer ${tokens.t}"}}
    expect: {status: 401, rules: [JWT-2], headers: {WWW-Authenticate: "~expired"}}
`)
	rep := run(t, scenario.Options{}, sc)
	if !rep.OK() {
		var out bytes.Buffer
		_ = scenario.WriteScenario(&out, rep.Scenarios[0], scenario.TextOptions{})
		t.Fatalf("token expiry:\n%s", out.String())
	}
}

// TestScenariosDoNotShareState: each scenario has its own engine, so the
// same "first call" expectations hold for every copy, in any order and in
// parallel, even for one Scenario value replayed twice.
func TestScenariosDoNotShareState(t *testing.T) {
	t.Parallel()
	src := `
gateway: gateway.yaml
steps:
  - request: {method: GET, path: /orders/1, headers: {Authorization: Bearer allow-alice}}
    expect: {authorizer: called, calls: {tok: 1}, body: {jq: '.path == "/orders/1"'}, headers: {X-Served-For: "~^al"}}
  - request: {method: GET, path: /orders/1, headers: {Authorization: Bearer allow-alice}}
    expect: {authorizer: cached, calls: {tok: 1}}
`
	one := loadSrc(t, src)
	scs := []*scenario.Scenario{one, one, loadSrc(t, src), loadSrc(t, src)}
	for _, parallel := range []int{1, 4} {
		rep := run(t, scenario.Options{Parallel: parallel}, scs...)
		if !rep.OK() || rep.Counts().Passed != 8 {
			t.Errorf("parallel %d: %+v", parallel, rep.Counts())
		}
	}
}

// TestParallelKeepsOrder: results stream in input order and match a
// sequential run, whatever finishes first.
func TestParallelKeepsOrder(t *testing.T) {
	t.Parallel()
	var scs []*scenario.Scenario
	for i := range 24 {
		status := 200
		if i%5 == 3 {
			status = 418 // some fail
		}
		scs = append(scs, loadSrc(t, fmt.Sprintf(`
name: s%02d
gateway: gateway.yaml
steps:
  - request: {method: GET, path: /orders/%d, headers: {Authorization: Bearer allow-alice}}
    expect: {status: %d}
  - advance: 1s
  - request: {method: GET, path: /orders/%d, headers: {Authorization: Bearer allow-alice}}
    expect: {authorizer: cached}
`, i, i, status, i)))
	}
	summary := func(parallel int) string {
		var order []string
		rep := run(t, scenario.Options{Parallel: parallel, OnResult: func(r *scenario.ScenarioResult) {
			order = append(order, fmt.Sprintf("%s:%s", r.Scenario.Name, r.Status()))
		}}, scs...)
		c := rep.Counts()
		return fmt.Sprintf("%v %d/%d/%d", order, c.Passed, c.Failed, c.Skipped)
	}
	seq := summary(1)
	if !strings.Contains(seq, "s03:failed") || !strings.Contains(seq, "s04:passed") {
		t.Fatalf("sequential %s", seq)
	}
	for range 3 {
		if par := summary(8); par != seq {
			t.Errorf("parallel run differs:\n%s\n%s", par, seq)
		}
	}
}

func TestFailFast(t *testing.T) {
	t.Parallel()
	failing := loadSrc(t, `
name: fails
gateway: gateway.yaml
steps:
  - request: {method: GET, path: /health}
    expect: {status: 500}
`)
	passing := loadSrc(t, `
name: passes
gateway: gateway.yaml
steps:
  - request: {method: GET, path: /health}
    expect: {status: 200}
  - request: {method: GET, path: /health}
    expect: {status: 200}
`)
	rep := run(t, scenario.Options{FailFast: true}, failing, passing, passing)
	if c := rep.Counts(); c != (scenario.Counts{Failed: 1, Skipped: 4}) {
		t.Errorf("fail-fast counts %+v", c)
	}
	if st := rep.Scenarios[1].Steps[0]; !strings.Contains(st.Note, "--fail-fast") {
		t.Errorf("note %q", st.Note)
	}
	rep = run(t, scenario.Options{}, failing, passing, passing)
	if c := rep.Counts(); c != (scenario.Counts{Passed: 4, Failed: 1}) {
		t.Errorf("without fail-fast %+v", c)
	}
}

// TestFilter: --run selects whole scenarios by name, or the steps up to the
// last one whose scenario/step name matches (earlier steps build its state).
func TestFilter(t *testing.T) {
	t.Parallel()
	a := loadSrc(t, cacheScenario)
	b := loadSrc(t, `
name: health
gateway: gateway.yaml
steps:
  - request: {method: GET, path: /health}
    expect: {status: 200}
`)
	cases := []struct {
		re    string
		names []string
		steps int
	}{
		{"health", []string{"health"}, 1},
		{"AWS REST cache", []string{"AWS REST cache"}, 5},
		{"AWS-C3", []string{"AWS REST cache"}, 2},
		{"cache/AWS-C2", []string{"AWS REST cache"}, 1},
		{"^AWS-C1 the entry", []string{"AWS REST cache"}, 4},
		{"^AWS-C3", []string{"AWS REST cache"}, 2},
		{"nothing", nil, 0},
	}
	for _, c := range cases {
		rep := run(t, scenario.Options{Filter: regexp.MustCompile(c.re)}, a, b)
		var names []string
		steps := 0
		for _, s := range rep.Scenarios {
			names = append(names, s.Scenario.Name)
			steps += len(s.Steps)
		}
		if fmt.Sprint(names) != fmt.Sprint(c.names) || steps != c.steps || !rep.OK() {
			t.Errorf("--run %s: %v, %d steps, want %v, %d", c.re, names, steps, c.names, c.steps)
		}
	}
}

// TestSummaryLine: the summary is "N passed, M failed" alone on its line
// (CI greps it), followed by the time taken.
func TestSummaryLine(t *testing.T) {
	t.Parallel()
	rep := run(t, scenario.Options{}, loadSrc(t, cacheScenario))
	var out bytes.Buffer
	if err := scenario.WriteSummary(&out, rep, scenario.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || lines[0] != "4 passed, 0 failed" || !regexp.MustCompile(`^1 scenario in [0-9.]+[µm]?s$`).MatchString(lines[1]) {
		t.Errorf("summary %q", out.String())
	}
}
