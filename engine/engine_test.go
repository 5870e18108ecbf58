package engine_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/trace"
)

// fixedStart is the virtual clock's start in every engine test.
var fixedStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0
	}
	return len(p), nil
}

// newTestEngine loads src and builds an engine on a virtual clock with
// zero durations and fixed request ids, so results are reproducible.
func newTestEngine(t testing.TB, src string) (*engine.Engine, *clock.Virtual) {
	t.Helper()
	g, diags, err := config.Load("test.yaml", []byte(src), t.TempDir())
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	clk := clock.NewVirtual(fixedStart)
	e, err := engine.New(g, engine.Options{Clock: clk, Random: zeroReader{},
		Elapsed: func(time.Time) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, clk
}

func fire(t testing.TB, e *engine.Engine, method, target string, headers ...string) *engine.Result {
	t.Helper()
	req, err := engine.NewRequest(method, target, headers, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e.Do(context.Background(), req)
}

// stageRules returns every rule id any stage recorded.
func stageRules(res *engine.Result) string {
	var ids []string
	for _, s := range res.Trace.Stages {
		ids = append(ids, s.Rules...)
	}
	return strings.Join(ids, " ")
}

func TestTraceHasEveryStageInOrder(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGateway(allowAliceExact))
	// every stage but those that apply only to some routes (a Huawei
	// backend authorizer: TestHuaweiBackendAuthorizerStage)
	var want []string
	for _, name := range trace.Stages {
		if !trace.Optional(name) {
			want = append(want, name)
		}
	}
	for _, target := range []string{"/orders/1", "/nowhere"} {
		res := fire(t, e, "GET", target, "Authorization: Bearer alice")
		if len(res.Trace.Stages) != len(want) {
			t.Fatalf("%s: %d stages, want %d", target, len(res.Trace.Stages), len(want))
		}
		for i, s := range res.Trace.Stages {
			if s.Name != want[i] {
				t.Errorf("%s: stage %d is %s, want %s", target, i, s.Name, want[i])
			}
			if s.Status == trace.Skip && s.Summary == "" {
				t.Errorf("%s: skipped stage %s does not say why", target, s.Name)
			}
		}
	}
}

func TestRouteMatching(t *testing.T) {
	t.Parallel()
	src := `version: 1
routes:
  - {path: /, backend: {stock: {status: 200, body: root}}}
  - {path: /orders, methods: [GET], backend: {stock: {status: 200, body: list}}}
  - {path: "/orders/{id}", methods: [GET, PUT], backend: {echo: true}}
  - {path: /orders/new, methods: [GET], backend: {stock: {status: 200, body: literal-wins}}}
  - {path: "/files/{path+}", backend: {echo: true}}
`
	e, _ := newTestEngine(t, src)
	cases := []struct {
		method, target string
		status         int
		route          string
		body           string
	}{
		{"GET", "/", 200, "/", "root"},
		{"GET", "/orders", 200, "/orders", "list"},
		{"POST", "/orders", 403, "", `{"message":"Missing Authentication Token"}`}, // AWS-R7: method not allowed answers like no route
		{"GET", "/orders/42", 200, "/orders/{id}", `"path":"/orders/42"`},
		{"PUT", "/orders/42", 200, "/orders/{id}", `"method":"PUT"`},
		{"DELETE", "/orders/42", 403, "", "Missing Authentication Token"},
		{"GET", "/orders/new", 200, "/orders/new", "literal-wins"}, // most specific first, not file order
		{"GET", "/files/a/b/c.txt", 200, "/files/{path+}", `"path":"/files/a/b/c.txt"`},
		{"GET", "/files", 403, "", "Missing Authentication Token"}, // greedy needs at least one segment
		{"GET", "/orders/42/items", 403, "", "Missing Authentication Token"},
	}
	for _, c := range cases {
		res := fire(t, e, c.method, c.target)
		if res.Response.Status != c.status || res.Route != c.route || !strings.Contains(string(res.Response.Body), c.body) {
			t.Errorf("%s %s: got %d route %q body %s; want %d %q containing %q", c.method, c.target,
				res.Response.Status, res.Route, res.Response.Body, c.status, c.route, c.body)
		}
	}
	res := fire(t, e, "DELETE", "/orders/42")
	if st := res.Trace.Stage(trace.Route); !strings.Contains(st.Summary, "does not allow DELETE") {
		t.Errorf("route stage should explain the method mismatch, got %q", st.Summary)
	}
}

func TestPathParametersAreDecoded(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, `version: 1
routes:
  - path: /users/{name}
    requestTransformations:
      setHeaders: [{name: X-Name, values: ["${request.path[name]}"]}]
    backend: {echo: true}
`)
	res := fire(t, e, "GET", "/users/ann%20lee")
	if got := res.Upstream.Header.Get("X-Name"); got != "ann lee" {
		t.Errorf("X-Name = %q, want decoded %q", got, "ann lee")
	}
}

func TestResultIsReproducible(t *testing.T) {
	t.Parallel()
	run := func() string {
		e, _ := newTestEngine(t, awsGateway(allowAliceExact))
		res := fire(t, e, "GET", "/orders/1", "Authorization: Bearer alice")
		var b bytes.Buffer
		for _, s := range res.Trace.Stages {
			b.WriteString(s.Name + string(s.Status) + s.Summary)
			for _, d := range s.Details {
				b.WriteString(d.Key + d.Value + string(d.JSON))
			}
		}
		return res.Trace.RequestID + b.String()
	}
	if a, b := run(), run(); a != b {
		t.Errorf("same inputs, different traces:\n%s\n%s", a, b)
	}
}

func TestConcurrentMissesAreCoalesced(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, awsGateway(`
        - delay: 100ms
          return: {principalId: x, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}`))
	const n = 8
	done := make(chan *engine.Result, n)
	for i := 0; i < n; i++ {
		go func() { done <- fire(t, e, "GET", "/orders/1", "Authorization: Bearer same") }()
	}
	for i := 0; i < n; i++ {
		if res := <-done; res.Response.Status != 200 {
			t.Errorf("status %d", res.Response.Status)
		}
	}
	if got := e.Calls()["tok"]; got != 1 {
		t.Errorf("%d concurrent misses for one key made %d calls, want 1", n, got)
	}
}
