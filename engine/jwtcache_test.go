package engine_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
)

func verdictOf(t *testing.T, res *engine.Result) string {
	t.Helper()
	st := res.Trace.Stage("authorizer")
	if st == nil {
		t.Fatal("no authorizer stage")
	}
	d, _ := st.Get("verdict")
	return d.Value
}

// Issue 18 item 2: the second request with a token verifies nothing but its
// time claims, and the trace says so; everything else is the same.
func TestJWT_SignatureCachedPerToken(t *testing.T) {
	t.Parallel()
	good := map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders"}
	e, _ := newTestEngine(t, jwtGateway(t, ""))
	tok := mintHS(t, good, time.Hour)
	first := fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok)
	second := fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok)
	expect(t, second, outcome{200, "", "", engine.Called, "JWT-1"})
	if v := verdictOf(t, first); !strings.HasPrefix(v, "valid: signature verified with ") {
		t.Errorf("first verdict %q", v)
	}
	if v := verdictOf(t, second); !strings.HasPrefix(v, "valid: signature verified (cached) with ") {
		t.Errorf("second verdict %q", v)
	}
	c1, _ := first.Trace.Stage("authorizer").Get("claims")
	c2, _ := second.Trace.Stage("authorizer").Get("claims")
	if !bytes.Equal(c1.JSON, c2.JSON) || first.Trace.Stage("authorizer").Summary != second.Trace.Stage("authorizer").Summary ||
		!bytes.Equal(first.Response.Body, second.Response.Body) || second.Upstream.Header.Get("X-Sub") != "ann" || second.Principal != "ann" {
		t.Errorf("a cached verdict changed the answer:\n%s\n%s", first.Response.Body, second.Response.Body)
	}

	// Another string is another token: one changed signature byte is refused.
	flip := "A"
	if tok[len(tok)-2] == 'A' {
		flip = "B"
	}
	bad := tok[:len(tok)-2] + flip + tok[len(tok)-1:]
	res := fire(t, e, "GET", "/orders", "Authorization: Bearer "+bad)
	expect(t, res, outcome{401, "", "", engine.Called, "JWT-2"})

	// The token workbench always verifies afresh.
	v, err := e.CheckToken(context.Background(), "jwt", tok, engine.CheckOptions{})
	if err != nil || !v.Valid || strings.Contains(v.Message, "cached") {
		t.Errorf("CheckToken: %v %v", v, err)
	}
}

// A cached token is still judged on time: expired past exp + leeway, and
// refused for its iat when the clock is set back before it.
func TestJWT_CachedTokenTimeClaims(t *testing.T) {
	t.Parallel()
	good := map[string]any{"sub": "ann", "iss": "https://issuer.example", "aud": "orders", "scope": "read:orders"}
	e, clk := newTestEngine(t, jwtGateway(t, ""))
	tok := mintHS(t, good, 5*time.Minute)
	expect(t, fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok), outcome{200, "", "", engine.Called, ""})
	clk.Set(fixedStart.Add(-time.Hour))
	res := fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok)
	expect(t, res, outcome{401, "", "", engine.Called, "JWT-2"})
	if s := res.Trace.Stage("response-check").Summary; !strings.Contains(s, "issued-in-future") {
		t.Errorf("the trace names the reason: %q", s)
	}
	clk.Set(fixedStart.Add(time.Minute))
	if v := verdictOf(t, fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok)); !strings.Contains(v, "(cached)") {
		t.Errorf("back in its lifetime, the token is cached again: %q", v)
	}
	clk.Set(fixedStart.Add(5*time.Minute + 31*time.Second))
	res = fire(t, e, "GET", "/orders", "Authorization: Bearer "+tok)
	expect(t, res, outcome{401, "", "", engine.Called, "JWT-2"})
	if s := res.Trace.Stage("response-check").Summary; !strings.Contains(s, "expired") {
		t.Errorf("the trace names the reason: %q", s)
	}
}
