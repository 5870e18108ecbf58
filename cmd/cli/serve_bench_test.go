package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// BenchmarkServe measures requests per second and p50 / p99 latency of, in
// one run and with one load generator (benchConns keep-alive connections on
// loopback, a fixed number of requests per benchmark):
//
//	a-bare-proxy        httputil.ReverseProxy to the upstream, no auth
//	b-aws-token-cached  authlab serve, aws-token authorizer, cache hit
//	c-jwt               authlab serve, built-in jwt authorizer (RS256, JWKS)
//	d-python-miss       authlab serve, aws-token on a warm Python handler,
//	                    a new token (a cache miss) on every request
//
// Each reports x-bare: its requests per second over (a)'s.
//
//	go test -run '^$' -bench Serve -benchtime 20000x ./cmd/cli
//
// Server, load generator and upstream share the machine's CPUs, as they
// would on a developer's laptop; compare the ratios, not the absolute
// numbers, across machines.
func BenchmarkServe(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"42","item":"book","quantity":1,"user":"`+r.Header.Get("X-User")+`"}`)
	}))
	defer up.Close()

	var bare float64
	b.Run("a-bare-proxy", func(b *testing.B) {
		target, _ := url.Parse(up.URL)
		rp := httputil.NewSingleHostReverseProxy(target)
		// The same connection pool as authlab's upstreams: Go's default
		// of 2 idle connections per host would handicap the baseline.
		rp.Transport = &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 512, IdleConnTimeout: 90 * time.Second}
		srv := httptest.NewServer(rp)
		defer srv.Close()
		bare = runLoad(b, srv.URL+"/orders/42", func(int64) string { return "Bearer allow-alice" }, 0)
	})

	b.Run("b-aws-token-cached", func(b *testing.B) {
		base := startBenchServe(b, fmt.Sprintf(`
version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 3600s
    function:
      runtime: mock
      responses:
        - return:
            principalId: alice
            policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}
            context: {user: alice}
routes:
  - path: /orders/{id}
    authorizer: tok
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]
    backend: {url: %s}
`, up.URL), 0)
		runLoad(b, base+"/orders/42", func(int64) string { return "Bearer allow-alice" }, bare)
	})

	b.Run("c-jwt", func(b *testing.B) {
		keys, err := filepath.Abs("../../fixtures/keys")
		if err != nil {
			b.Fatal(err)
		}
		ks, err := jose.LoadKeys(filepath.Join(keys, "rsa.pem"))
		if err != nil {
			b.Fatal(err)
		}
		tok, err := jose.Mint(jose.MintOptions{Alg: "RS256", Key: ks.Keys[0], ExpiresIn: time.Hour,
			Claims: map[string]any{"sub": "alice", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders"}})
		if err != nil {
			b.Fatal(err)
		}
		base := startBenchServe(b, fmt.Sprintf(`
version: 1
platform: generic
authorizers:
  jwt:
    type: jwt
    identitySource: header:Authorization
    issuer: https://issuer.example
    audience: [orders]
    jwks: %s
routes:
  - path: /orders/{id}
    authorizer: jwt
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[sub]}"]}]
    backend: {url: %s}
`, filepath.Join(keys, "rsa.jwks.json"), up.URL), 0)
		runLoad(b, base+"/orders/42", func(int64) string { return "Bearer " + tok }, bare)
	})

	b.Run("d-python-miss", func(b *testing.B) {
		handler, err := filepath.Abs("../../fixtures/functions/aws_token.py")
		if err != nil {
			b.Fatal(err)
		}
		base := startBenchServe(b, fmt.Sprintf(`
version: 1
authorizers:
  py:
    type: aws-token
    identitySource: header:Authorization
    ttl: 3600s
    function: {runtime: python, handler: "%s:handler", timeout: 3s}
routes:
  - path: /orders/{id}
    authorizer: py
    backend: {url: %s}
`, handler, up.URL), 2)
		runLoad(b, base+"/orders/42", func(i int64) string { return "Bearer allow-u" + strconv.FormatInt(i, 10) }, bare)
	})
}

// benchConns is the load generator's concurrency: enough to keep a
// laptop's cores busy without measuring the scheduler.
const benchConns = 32

// tokenSeq numbers tokens across every round of every benchmark, so a
// "new token" is never one a previous round cached.
var tokenSeq atomic.Int64

// startBenchServe runs `authlab serve` in-process (the same runServe the
// command runs) on a free loopback port and returns its base URL. A gateway
// whose runtime is not available here skips the benchmark.
func startBenchServe(b *testing.B, gateway string, workers int) string {
	b.Helper()
	dir := b.TempDir()
	gw := filepath.Join(dir, "authlab.yaml")
	if err := os.WriteFile(gw, []byte(gateway), 0o644); err != nil {
		b.Fatal(err)
	}
	stderr := &syncBuffer{}
	o := &ServeOptions{
		IO:      &IO{Out: io.Discard, Err: stderr, Getenv: func(string) string { return "" }},
		Gateway: gw, Listen: "127.0.0.1:0", Workers: workers, NoWatch: true,
		MaxBodySize: defaultMaxBody, MaxHeaderBytes: defaultMaxHeaderBytes,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute, ShutdownTimeout: 5 * time.Second,
	}
	ready := make(chan net.Addr, 1)
	o.Ready = func(a net.Addr) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, o) }()
	select {
	case a := <-ready:
		b.Cleanup(func() {
			cancel()
			<-done
		})
		return "http://" + a.String()
	case err := <-done:
		cancel()
		b.Skipf("authlab serve cannot run this gateway here: %v\n%s", err, stderr.String())
	}
	return ""
}

// runLoad sends b.N GET requests over benchConns connections, reports
// req/s, p50-µs, p99-µs and, given the bare proxy's rate, x-bare; it
// returns the rate. Every request must answer 200.
func runLoad(b *testing.B, target string, token func(seq int64) string, bare float64) float64 {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: benchConns, MaxConnsPerHost: benchConns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	do := func() (time.Duration, error) {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", token(tokenSeq.Add(1)))
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %s", resp.Status)
		}
		return took, nil
	}

	// Open the connections and warm caches and workers outside the clock.
	var wg sync.WaitGroup
	warm := make(chan error, benchConns)
	for i := 0; i < benchConns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := do()
			warm <- err
		}()
	}
	wg.Wait()
	close(warm)
	for err := range warm {
		if err != nil {
			b.Fatalf("warm-up: %v", err)
		}
	}

	var next atomic.Int64
	lat := make([][]time.Duration, benchConns)
	errs := make(chan error, benchConns)
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < benchConns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]time.Duration, 0, b.N/benchConns+1)
			for next.Add(1) <= int64(b.N) {
				took, err := do()
				if err != nil {
					errs <- err
					return
				}
				mine = append(mine, took)
			}
			lat[w] = mine
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))]) / float64(time.Microsecond)
	}
	rps := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	if bare > 0 {
		b.ReportMetric(rps/bare, "x-bare")
	}
	return rps
}
