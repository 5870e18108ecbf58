package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/authlab/authlab/engine"
)

// BenchmarkRequestCacheHit is the hot path of serve and run: a cached
// TOKEN decision, policy evaluation, header mapping, echo backend.
func BenchmarkRequestCacheHit(b *testing.B) {
	e, _ := newTestEngine(b, awsGateway(allowAliceExact))
	req := func() *engine.Request {
		r, _ := engine.NewRequest("GET", "/orders/1", []string{"Authorization: Bearer alice"}, nil)
		return r
	}
	if res := e.Do(context.Background(), req()); res.Response.Status != 200 {
		b.Fatalf("warm-up: %d", res.Response.Status)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := e.Do(context.Background(), req())
		if res.Outcome != engine.Cached {
			b.Fatal("not a cache hit")
		}
	}
}

// BenchmarkRequestCacheMiss calls the mock function on every request (a new
// token each time), so it measures event building, invocation and the
// response check as well.
func BenchmarkRequestCacheMiss(b *testing.B) {
	e, _ := newTestEngine(b, awsGateway(`
        - return:
            principalId: p
            policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "${event.methodArn}"}]}
            context: {user: alice, tier: 3}`))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := engine.NewRequest("GET", "/orders/1", []string{fmt.Sprintf("Authorization: Bearer t%d", i)}, nil)
		res := e.Do(context.Background(), r)
		if res.Outcome != engine.Called || res.Response.Status != 200 {
			b.Fatalf("want a call and 200, got %s %d", res.Outcome, res.Response.Status)
		}
	}
}

// A cache hit (the request above: a TOKEN decision from the cache, policy,
// three header mappings, the echo backend) allocates at most 30 times,
// request parsing included (issue 18: it was 155). Each of a trace's
// stages, details and strings used to be an allocation of its own.
func TestCacheHitAllocations(t *testing.T) {
	e, _ := newTestEngine(t, awsGateway(allowAliceExact))
	do := func() *engine.Result {
		r, _ := engine.NewRequest("GET", "/orders/1", []string{"Authorization: Bearer alice"}, nil)
		return e.Do(context.Background(), r)
	}
	if res := do(); res.Response.Status != 200 {
		t.Fatalf("warm-up: %d", res.Response.Status)
	}
	if n := testing.AllocsPerRun(200, func() {
		if do().Outcome != engine.Cached {
			t.Fatal("not a cache hit")
		}
	}); n > 30 {
		t.Errorf("a cache hit allocated %.0f times, want at most 30", n)
	}
}
