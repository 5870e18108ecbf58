package engine_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
)

// blockingFn answers once released and records Close, so a test can see
// whether a function was closed under a running call.
type blockingFn struct {
	release        chan struct{}
	entered        chan struct{}
	closed         atomic.Bool
	closeWhileBusy atomic.Bool
	busy           atomic.Int32
}

func (f *blockingFn) Invoke(ctx context.Context, inv runtime.Invocation) (runtime.Result, error) {
	f.busy.Add(1)
	defer f.busy.Add(-1)
	select {
	case f.entered <- struct{}{}:
	default:
	}
	<-f.release
	return runtime.Result{Payload: []byte(`{"principalId":"p","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}}`)}, nil
}

func (f *blockingFn) Close() error {
	if f.busy.Load() > 0 {
		f.closeWhileBusy.Store(true)
	}
	f.closed.Store(true)
	return nil
}

const processGateway = `
version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: process, command: [sh, -c, "cat"]}
routes:
  - path: /x
    authorizer: tok
    backend: {echo: true}
`

// TestReloadLetsRequestsInFlightFinish: Reload must not stop the function
// workers of the old gateway under a request that is still calling them.
func TestReloadLetsRequestsInFlightFinish(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var built []*blockingFn
	var pools []int
	opts := engine.Options{Workers: 3, Functions: func(name string, g *config.Gateway, f *config.Function, _ int) (runtime.Function, error) {
		fn := &blockingFn{release: make(chan struct{}), entered: make(chan struct{}, 1)}
		mu.Lock()
		built, pools = append(built, fn), append(pools, f.Pool)
		mu.Unlock()
		return fn, nil
	}}
	g, diags, err := config.Load("gw.yaml", []byte(processGateway), t.TempDir())
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	e, err := engine.New(g, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if g.Authorizers[0].Function.Pool != 0 {
		t.Errorf("Workers edited the caller's config: pool %d", g.Authorizers[0].Function.Pool)
	}

	old := built[0]
	done := make(chan int, 1)
	go func() {
		req, _ := engine.NewRequest("GET", "/x", []string{"Authorization: Bearer t"}, nil)
		done <- e.Do(context.Background(), req).Response.Status
	}()
	<-old.entered
	if err := e.Reload(g); err != nil {
		t.Fatal(err)
	}
	if old.closed.Load() {
		t.Fatal("Reload closed the old gateway's function while a request was calling it")
	}
	close(old.release)
	if status := <-done; status != 200 {
		t.Errorf("the request in flight got %d, want 200", status)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !old.closed.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !old.closed.Load() || old.closeWhileBusy.Load() {
		t.Errorf("old function: closed=%v, closed while busy=%v; want closed once its last request ended", old.closed.Load(), old.closeWhileBusy.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(built) != 2 || built[1].closed.Load() {
		t.Errorf("want the new gateway's function built and open")
	}
	for i, p := range pools {
		if p != 3 {
			t.Errorf("function %d built with pool %d, want Options.Workers 3", i, p)
		}
	}
}
