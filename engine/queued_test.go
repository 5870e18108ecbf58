package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
)

// queuedFn answers as a worker pool does after the call waited for a free
// worker: with the wait recorded, and either an answer or the timeout.
type queuedFn struct {
	queued time.Duration
	err    error
}

func (f *queuedFn) Invoke(context.Context, runtime.Invocation) (runtime.Result, error) {
	if f.err != nil {
		return runtime.Result{Queued: f.queued}, f.err
	}
	return runtime.Result{Queued: f.queued, Payload: []byte(`{"principalId":"p","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}}`)}, nil
}

func (f *queuedFn) Close() error { return nil }

// The authorizer stage says when a call waited for a free worker, on a
// good call and (AWS-R4) on one whose timeout ran out in the queue.
func TestTraceNamesWaitForFreeWorker_AWS_R4(t *testing.T) {
	t.Parallel()
	queueTimeout := fmt.Errorf(`function "tok": %w: it waited 300ms for a free worker (all 1 busy) and never started`, runtime.TimeoutError(300*time.Millisecond))
	for _, c := range []struct {
		name   string
		fn     *queuedFn
		status int
		want   []string
	}{
		{"answered", &queuedFn{queued: 120 * time.Millisecond}, 200, []string{"queued=waited 120ms for a free worker"}},
		{"timed out in the queue", &queuedFn{queued: 300 * time.Millisecond, err: queueTimeout}, 500, []string{"queued=waited 300ms for a free worker", "never started"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := engine.Options{Functions: func(string, *config.Gateway, *config.Function, int) (runtime.Function, error) { return c.fn, nil }}
			g, diags, err := config.Load("gw.yaml", []byte(processGateway), t.TempDir())
			if err != nil {
				t.Fatalf("gateway does not load:\n%s", diags.Format(true))
			}
			e, err := engine.New(g, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			req, _ := engine.NewRequest("GET", "/x", []string{"Authorization: Bearer t"}, nil)
			res := e.Do(context.Background(), req)
			if res.Response.Status != c.status {
				t.Fatalf("status %d, want %d", res.Response.Status, c.status)
			}
			st := res.Trace.Stage("authorizer")
			var got []string
			for _, d := range st.Details {
				got = append(got, d.Key+"="+d.Value)
			}
			all := strings.Join(got, "\n") + "\n" + st.Summary
			if c.fn.err != nil {
				// The failure the gateway answers with names the queue too.
				rc := res.Trace.Stage("response-check")
				if rc == nil || !strings.Contains(rc.Summary, "free worker") || !slices.Contains(rc.Rules, "AWS-R4") {
					t.Errorf("response-check stage should fail by AWS-R4 naming the queue: %+v", rc)
				}
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("authorizer stage lacks %q:\n%s", w, all)
				}
			}
		})
	}
}
