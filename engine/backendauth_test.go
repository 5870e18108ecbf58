package engine_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

const backendAuthGateway = `version: 1
platform: huawei
authorizers:
  front:
    type: huawei
    identitySource: [header:Authorization]
    ttl: 0
    function: {runtime: mock, responses: [{return: {statusCode: 200, body: '{"status":"allow","context":{"user":"ann"}}'}}]}
  back:
    type: huawei
    stage: backend
    identitySource: [header:X-Svc]
    ttl: 60s
    function:
      runtime: mock
      responses:
        - when: {headers.x-svc: good}
          delay: 50ms
          return: {statusCode: 200, body: '{"status":"allow","context":{"svc":"s1"}}'}
        - return: {statusCode: 200, body: '{"status":"deny"}'}
routes:
  - path: /o
    authorizer: front
    backendAuthorizer: back
    requestTransformations:
      setHeaders: [{name: X-Svc-Ctx, values: ["${request.auth[backend.svc]}"]}]
    backend: {echo: true}
`

// TestHuaweiBackendAuthorizerStage_HWB1: the backend authorizer has a stage
// of its own and takes the route authorizer's path: identity, cache (with
// expiry), one call for concurrent misses, check, decision.
func TestHuaweiBackendAuthorizerStage_HWB1(t *testing.T) {
	t.Parallel()
	e, clk := newTestEngine(t, backendAuthGateway)

	// concurrent misses for one identity make one call
	var wg sync.WaitGroup
	res := make([]*engine.Result, 4)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = fire(t, e, "GET", "/o", "Authorization: Bearer x", "X-Svc: good")
		}()
	}
	wg.Wait()
	for _, r := range res {
		if r.Response.Status != 200 || !strings.Contains(string(r.Response.Body), `"X-Svc-Ctx":"s1"`) {
			t.Fatalf("allowed request: %d %s", r.Response.Status, r.Response.Body)
		}
		st := r.Trace.Stage(trace.BackendAuthorizer)
		if st == nil || st.Status != trace.OK || !strings.Contains(strings.Join(st.Rules, " "), "HW-B1") {
			t.Fatalf("no backend-authorizer stage: %+v", st)
		}
	}
	if n := e.Calls()["back"]; n != 1 {
		t.Errorf("backend authorizer called %d times for 4 concurrent requests, want 1", n)
	}
	// a cache hit within the TTL, a call after it
	r := fire(t, e, "GET", "/o", "Authorization: Bearer x", "X-Svc: good")
	if st := r.Trace.Stage(trace.BackendAuthorizer); !strings.Contains(st.Summary, "(cached)") {
		t.Errorf("second request: %q, want a cache hit", st.Summary)
	}
	clk.Advance(61 * time.Second)
	fire(t, e, "GET", "/o", "Authorization: Bearer x", "X-Svc: good")
	if n := e.Calls()["back"]; n != 2 {
		t.Errorf("after the TTL: %d calls, want 2 (the entry expired)", n)
	}
	// a refusal is the backend authorizer's, on its stage (HW-R3: deny → 500)
	r = fire(t, e, "GET", "/o", "Authorization: Bearer x", "X-Svc: bad")
	st := r.Trace.Stage(trace.BackendAuthorizer)
	if r.Response.Status != 500 || st.Status != trace.Fail || r.Upstream == nil && r.Trace.Stage(trace.Backend).Status != trace.Skip {
		t.Errorf("denied: %d, stage %+v", r.Response.Status, st)
	}
	if fs := r.Trace.Stage(trace.FailureResponse); !strings.Contains(fs.Summary, "from backend-authorizer") {
		t.Errorf("failure response: %q", fs.Summary)
	}
	if r.Outcome != engine.Called || r.Authorizer != "front" {
		t.Errorf("outcome %s of %s: the route's authorizer's, not the backend one's", r.Outcome, r.Authorizer)
	}
	// a route without a backend authorizer does not list the stage
	e2, _ := newTestEngine(t, strings.Replace(backendAuthGateway, "    backendAuthorizer: back\n", "", 1))
	if st := fire(t, e2, "GET", "/o", "Authorization: Bearer x").Trace.Stage(trace.BackendAuthorizer); st != nil {
		t.Errorf("stage recorded on a route without a backend authorizer: %+v", st)
	}
}
