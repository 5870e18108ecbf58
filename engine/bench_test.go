package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// BenchmarkRequestJWT is the built-in jwt authorizer (HS256) with the same
// token on every request: after the first, its signature is not checked
// again (issue 18 item 2), only its time claims.
func BenchmarkRequestJWT(b *testing.B) {
	e, _ := newTestEngine(b, jwtGateway(nil, ""))
	tok := mintHS(b, map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders"}, time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		r, _ := engine.NewRequest("GET", "/orders", []string{"Authorization: Bearer " + tok}, nil)
		if res := e.Do(context.Background(), r); res.Response.Status != 200 {
			b.Fatalf("status %d", res.Response.Status)
		}
	}
}

// BenchmarkRequestJWTFresh gives every request a new token: decoded once,
// signature and claims checked (the minting is not timed).
func BenchmarkRequestJWTFresh(b *testing.B) {
	e, _ := newTestEngine(b, jwtGateway(nil, ""))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		tok := mintHS(b, map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders", "n": i}, time.Hour)
		b.StartTimer()
		r, _ := engine.NewRequest("GET", "/orders", []string{"Authorization: Bearer " + tok}, nil)
		if res := e.Do(context.Background(), r); res.Response.Status != 200 {
			b.Fatalf("status %d", res.Response.Status)
		}
	}
}
