package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// Issue 18 item 3: with --workers 2, an identity whose authorizer call
// hangs holds one worker, and the requests waiting on that same identity
// (coalesced) hold none; every other identity keeps being served by the
// other worker meanwhile. Nothing here is timed: the hanging call waits for
// a file the test writes once the others are done.
func TestWorkersNoHeadOfLineBlockingAcrossIdentities(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	dir := t.TempDir()
	gate, started := filepath.Join(dir, "gate"), filepath.Join(dir, "started")
	handler := fmt.Sprintf(`import os, time
def handler(event, context):
    tok = event["authorizationToken"]
    if tok == "Bearer slow":
        open(%q, "w").close()
        while not os.path.exists(%q):
            time.sleep(0.002)
    return {"principalId": tok[7:], "policyDocument": {"Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}
`, started, gate)
	if err := os.WriteFile(filepath.Join(dir, "h.py"), []byte(handler), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 300s
    function: {runtime: python, handler: h.py:handler, timeout: 60s}
routes:
  - path: /r
    authorizer: tok
    backend: {echo: true}
`
	g, diags, err := config.Load(filepath.Join(dir, "gw.yaml"), []byte(src), dir)
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	do := func(tok string) *engine.Result {
		r, _ := engine.NewRequest("GET", "/r", []string{"Authorization: Bearer " + tok}, nil)
		return e.Do(context.Background(), r)
	}
	slow := make(chan *engine.Result, 2)
	go func() { slow <- do("slow") }()
	for {
		if _, err := os.Stat(started); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	go func() { slow <- do("slow") }() // waits on the first: same identity
	for i := range 20 {
		res := do(fmt.Sprintf("user%d", i))
		if res.Response.Status != 200 || res.Principal != fmt.Sprintf("user%d", i) {
			t.Fatalf("user%d: %d %q", i, res.Response.Status, res.Principal)
		}
		select {
		case r := <-slow:
			t.Fatalf("the hanging call ended before its gate opened: %d", r.Response.Status)
		default:
		}
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := <-slow; r.Response.Status != 200 || r.Principal != "slow" {
			t.Errorf("slow: %d %q", r.Response.Status, r.Principal)
		}
	}
	if n := e.Calls()["tok"]; n != 21 {
		t.Errorf("%d calls, want 21: the two slow requests share one", n)
	}
}
