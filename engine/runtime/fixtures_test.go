package runtime

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The user-facing example handlers in fixtures/functions, run unmodified.

const methodArn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders/42"

func fixture(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "functions", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func call(t *testing.T, fn Function, event any, now time.Time) Result {
	t.Helper()
	raw, _ := json.Marshal(event)
	res, err := fn.Invoke(context.Background(), Invocation{Event: raw, Now: now})
	if err != nil {
		t.Fatalf("Invoke: %v (logs %q)", err, res.Logs)
	}
	return res
}

// statement returns the single statement of an IAM policy answer.
func statement(t *testing.T, res Result) map[string]any {
	t.Helper()
	doc, _ := decode(t, res.Payload)["policyDocument"].(map[string]any)
	stmts, _ := doc["Statement"].([]any)
	if len(stmts) != 1 {
		t.Fatalf("want one statement: %s", res.Payload)
	}
	return stmts[0].(map[string]any)
}

func wantUnauthorized(t *testing.T, res Result) {
	t.Helper()
	if res.Err == nil || res.Err.Message != "Unauthorized" {
		t.Fatalf("want the Unauthorized error (AWS-R1), got %+v / %s", res.Err, res.Payload)
	}
}

func TestFixtureAWSToken(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	fn := newFn(t, Spec{Runtime: "python", Handler: fixture(t, "aws_token.py") + ":handler"})
	now := time.Now()
	res := call(t, fn, map[string]any{"type": "TOKEN", "authorizationToken": "Bearer allow-alice", "methodArn": methodArn}, now)
	if s := statement(t, res); s["Effect"] != "Allow" || s["Resource"] != methodArn {
		t.Fatalf("allow: %s", res.Payload)
	}
	ctx := decode(t, res.Payload)["context"].(map[string]any)
	if ctx["user"] != "alice" || ctx["tier"] != float64(3) || ctx["admin"] != true || !strings.Contains(res.Logs, "allow alice") {
		t.Fatalf("context %v, logs %q", ctx, res.Logs)
	}
	res = call(t, fn, map[string]any{"type": "TOKEN", "authorizationToken": "Bearer deny-bob", "methodArn": methodArn}, now)
	if s := statement(t, res); s["Effect"] != "Deny" {
		t.Fatalf("deny: %s", res.Payload)
	}
	wantUnauthorized(t, call(t, fn, map[string]any{"type": "TOKEN", "authorizationToken": "Bearer nope", "methodArn": methodArn}, now))
}

func TestFixtureAWSRequest(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	fn := newFn(t, Spec{Runtime: "node", Handler: fixture(t, "aws_request.js") + ":handler"})
	now := time.Now()
	event := func(auth, tenant string) map[string]any {
		return map[string]any{
			"type": "REQUEST", "methodArn": methodArn,
			"headers":               map[string]any{"Authorization": auth},
			"queryStringParameters": map[string]any{"tenant": tenant},
		}
	}
	res := call(t, fn, event("Bearer allow-alice", "acme"), now)
	if s := statement(t, res); s["Effect"] != "Allow" || s["Resource"] != "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*" {
		t.Fatalf("allow: %s", res.Payload)
	}
	if s := statement(t, call(t, fn, event("Bearer allow-alice", "initech"), now)); s["Effect"] != "Deny" {
		t.Fatal("an unknown tenant is denied")
	}
	wantUnauthorized(t, call(t, fn, map[string]any{"type": "REQUEST", "methodArn": methodArn, "headers": map[string]any{}}, now))
}

func TestFixtureHuawei(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	event := func(auth string) map[string]any {
		return map[string]any{"headers": map[string]any{"authorization": auth}, "httpMethod": "GET", "path": "/orders"}
	}
	check := func(fn Function) {
		t.Helper()
		res := call(t, fn, event("Bearer allow-alice"), time.Now())
		got := decode(t, res.Payload)
		if got["statusCode"] != float64(200) || got["body"] != `{"status": "allow", "context": {"user": "alice"}}` {
			t.Fatalf("allow: %s", res.Payload)
		}
		if body := decode(t, call(t, fn, event("Bearer x"), time.Now()).Payload)["body"]; body != `{"status": "deny"}` {
			t.Fatalf("deny: %v", body)
		}
	}
	check(newFn(t, Spec{Runtime: "python", Handler: fixture(t, "huawei.py") + ":handler", ContextFlavor: "functiongraph", MaxResponse: 1 << 20}))
	// As the contract's example runs it: a process speaking JSON lines.
	check(newFn(t, Spec{Runtime: "process", Command: []string{"python3", fixture(t, "huawei.py")}}))
}

func TestFixtureAWSCallback(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	fn := newFn(t, Spec{Runtime: "node", Handler: fixture(t, "aws_callback.js") + ":handler"})
	now := time.Now()
	ev := func(token string) map[string]any {
		return map[string]any{"type": "TOKEN", "authorizationToken": token, "methodArn": methodArn}
	}
	if s := statement(t, call(t, fn, ev("allow"), now)); s["Effect"] != "Allow" {
		t.Fatal("allow")
	}
	if s := statement(t, call(t, fn, ev("deny"), now)); s["Effect"] != "Deny" {
		t.Fatal("deny")
	}
	wantUnauthorized(t, call(t, fn, ev("unauthorized"), now))
	if res := call(t, fn, ev("other"), now); res.Err == nil || res.Err.Message != "Error: Invalid token" {
		t.Fatalf("other: %+v", res.Err)
	}
}

func hs256(t *testing.T, secret string, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(claims)
	signing := head + "." + enc.EncodeToString(body)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

func TestFixtureAWSJWT(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	fn := newFn(t, Spec{Runtime: "node", Handler: fixture(t, "aws_jwt.js") + ":handler", Env: map[string]string{"JWT_SECRET": "s3cret"}})
	// A virtual clock far from today: the handler's Date.now() follows it.
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(token string) map[string]any {
		return map[string]any{"type": "REQUEST", "methodArn": methodArn, "headers": map[string]any{"Authorization": "Bearer " + token}}
	}
	valid := hs256(t, "s3cret", map[string]any{"sub": "alice", "scope": "read:orders", "exp": now.Add(time.Hour).Unix()})
	res := call(t, fn, ev(valid), now)
	if s := statement(t, res); s["Effect"] != "Allow" || decode(t, res.Payload)["principalId"] != "alice" {
		t.Fatalf("valid token: %s", res.Payload)
	}
	res = call(t, fn, ev(valid), now.Add(2*time.Hour))
	wantUnauthorized(t, res)
	if !strings.Contains(res.Logs, "token expired") {
		t.Fatalf("logs = %q", res.Logs)
	}
	wantUnauthorized(t, call(t, fn, ev(hs256(t, "other", map[string]any{"sub": "eve"})), now))
	narrow := hs256(t, "s3cret", map[string]any{"sub": "bob", "scope": "write:orders"})
	if s := statement(t, call(t, fn, ev(narrow), now)); s["Effect"] != "Deny" {
		t.Fatal("a token without read:orders is denied")
	}
}

func TestFixtureAPIKey(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	var hits atomic.Int32
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/keys/k-123" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"owner":"acme","plan":"gold"}`))
	}))
	defer keys.Close()
	fn := newFn(t, Spec{Runtime: "python", Handler: fixture(t, "apikey.py") + ":handler", Env: map[string]string{"KEY_SERVICE_URL": keys.URL}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(key string) map[string]any {
		return map[string]any{"type": "REQUEST", "methodArn": methodArn, "headers": map[string]any{"X-Api-Key": key}}
	}
	for i := range 3 {
		res := call(t, fn, ev("k-123"), now.Add(time.Duration(i)*time.Second))
		if decode(t, res.Payload)["principalId"] != "acme" {
			t.Fatalf("call %d: %s", i, res.Payload)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("the function's own cache should answer repeats: %d upstream calls", hits.Load())
	}
	call(t, fn, ev("k-123"), now.Add(2*time.Minute)) // past its 60 s cache
	if hits.Load() != 2 {
		t.Fatalf("after the cache expired: %d upstream calls", hits.Load())
	}
	wantUnauthorized(t, call(t, fn, ev("k-unknown"), now))
	wantUnauthorized(t, call(t, fn, map[string]any{"type": "REQUEST", "methodArn": methodArn, "headers": map[string]any{}}, now))
}
