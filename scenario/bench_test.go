package scenario_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/scenario"
)

// BenchmarkScenarioReplay replays the multi-step cache scenario (4 requests,
// a clock move, 20-odd expectations): engine start, requests, checks.
func BenchmarkScenarioReplay(b *testing.B) {
	sc := loadSrc(b, cacheScenario)
	o := scenario.Options{Elapsed: noElapsed}
	b.ReportAllocs()
	for b.Loop() {
		if rep := scenario.Run(context.Background(), []*scenario.Scenario{sc}, o); !rep.OK() {
			b.Fatal("replay failed")
		}
	}
}

// longScenario is n request steps against gateway: every step calls the
// function (ttl 0) and checks status, authorizer, principal, an upstream
// header and calls; every tenth step also moves the clock.
func longScenario(gateway string, n int) string {
	var s strings.Builder
	fmt.Fprintf(&s, "name: %d steps\ngateway:\n%s\nsteps:\n", n, gateway)
	for i := 1; i <= n; i++ {
		if i%10 == 0 {
			s.WriteString("  - advance: 1s\n")
		}
		fmt.Fprintf(&s, "  - request: {method: GET, path: /orders/%d, headers: {Authorization: Bearer allow-alice}}\n", i)
		fmt.Fprintf(&s, "    expect: {status: 200, authorizer: called, principal: alice, upstream: {headers: {X-User: alice}}, calls: {tok: %d}}\n", i)
	}
	return s.String()
}

const mockGateway = `  version: 1
  authorizers:
    tok:
      type: aws-token
      identitySource: header:Authorization
      ttl: 0
      function:
        runtime: mock
        responses:
          - when: {token: Bearer allow-alice}
            return: {principalId: alice, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: execute-api:Invoke, Resource: "${event.methodArn}"}]}, context: {user: alice}}
  routes:
    - path: /orders/{id}
      authorizer: tok
      requestTransformations: {setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]}
      backend: {echo: true}`

// pythonGateway runs fixtures/functions/aws_token.py unmodified.
const pythonGateway = `  version: 1
  authorizers:
    tok:
      type: aws-token
      identitySource: header:Authorization
      ttl: 0
      function: {runtime: python, handler: ../../fixtures/functions/aws_token.py:handler, timeout: 10s}
  routes:
    - path: /orders/{id}
      authorizer: tok
      requestTransformations: {setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]}
      backend: {echo: true}`

func benchmarkSteps(b *testing.B, gateway string) {
	const n = 1000
	sc := loadSrc(b, longScenario(gateway, n))
	o := scenario.Options{Elapsed: noElapsed}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		rep := scenario.Run(context.Background(), []*scenario.Scenario{sc}, o)
		if c := rep.Counts(); c.Passed != n {
			b.Fatalf("%+v", c)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "steps/s")
}

// BenchmarkScenario1000StepsMock: a 1,000-step scenario on the mock runtime
// (goal: at least 5,000 steps/s on 2 cores).
func BenchmarkScenario1000StepsMock(b *testing.B) { benchmarkSteps(b, mockGateway) }

// BenchmarkScenario1000StepsPython: the same on a warm Python worker (the
// worker starts once per replay, as each scenario has its own engine).
func BenchmarkScenario1000StepsPython(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not on PATH")
	}
	benchmarkSteps(b, pythonGateway)
}
