package serve

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// TestHandler drives the gateway as an http.Handler in process: the
// authorizer's answer, the log line, and a body over the limit refused
// before the engine runs.
func TestHandler(t *testing.T) {
	t.Parallel()
	g, diags, err := config.Load("gw.yaml", []byte(`version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: mock, responses: [{when: {token: allow}, return: {principalId: alice, policyDocument: {Version: "2012-10-17", Statement: [{Action: "execute-api:Invoke", Effect: Allow, Resource: "*"}]}}}, {return: Unauthorized}]}
routes:
  - path: /orders/{id}
    authorizer: tok
    backend: {stock: {status: 200, body: ok}}
`), t.TempDir())
	if err != nil {
		t.Fatalf("%s", diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var logged bytes.Buffer
	h, err := NewHandler(e, Options{Err: &logged, MaxBodySize: 8})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	do := func(token, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/orders/1", strings.NewReader(body))
		req.Header.Set("Authorization", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := do("allow", ""); st != 200 || body != "ok" {
		t.Errorf("allowed: %d %s", st, body)
	}
	if st, _ := do("deny", ""); st != 401 {
		t.Errorf("denied: %d", st)
	}
	if st, body := do("allow", "0123456789"); st != 413 || !strings.Contains(body, "Request Too Long") {
		t.Errorf("a body over the limit: %d %s", st, body)
	}
	srv.Close() // waits for the handlers, and so for their log lines
	for _, want := range []string{"POST /orders/1 → 200", "tok called  principal alice", "POST /orders/1 → 401",
		"→ 413", "refused before the gateway: request body over 8B (--max-body-size)"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logged.String())
		}
	}
}
