package runtime

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// OCI Functions handlers, written against the Fn FDK, run with ContextFlavor
// "oci" on real interpreters.

func ociPy(t testing.TB, handler string, mod ...func(*Spec)) Function {
	t.Helper()
	needs(t, "python3")
	spec := Spec{Runtime: "python", Handler: handler, ContextFlavor: "oci"}
	for _, m := range mod {
		m(&spec)
	}
	return newFn(t, spec)
}

func ociNode(t testing.TB, file string, mod ...func(*Spec)) Function {
	t.Helper()
	needs(t, "node")
	spec := Spec{Runtime: "node", Handler: testdata(t, "node_oci", file), ContextFlavor: "oci"}
	for _, m := range mod {
		m(&spec)
	}
	return newFn(t, spec)
}

func TestOCIPythonFDK(t *testing.T) {
	t.Parallel()
	file := testdata(t, "py", "fdk_handlers.py")
	// No ":FUNCTION": "handler", as Fn's `fdk func.py handler`.
	fn := ociPy(t, file)
	res := mustInvoke(t, fn, `{"type":"TOKEN","token":"alice"}`)
	if res.Err != nil || string(res.Payload) != `{"active": true, "principal": "alice", "scope": ["read"]}` {
		t.Fatalf("Response: payload %s err %v", res.Payload, res.Err)
	}
	res = mustInvoke(t, fn, `{"type":"TOKEN","token":"nope"}`)
	if got := decode(t, res.Payload); got["active"] != false || got["wwwAuthenticate"] != `Bearer realm="example.com"` {
		t.Fatalf("inactive: %s", res.Payload)
	}

	cases := []struct{ function, event, want string }{
		{"dict_answer", `{"type":"USER_DEFINED","data":{"user":"bob"}}`, `{"active": true, "principal": "bob"}`},
		{"str_answer", `{}`, `{"active": false}`},
		{"async_answer", `{}`, `{"active": true, "async": true}`},
		{"nothing", `{}`, ``},
	}
	for _, c := range cases {
		res := mustInvoke(t, ociPy(t, file+":"+c.function), c.event)
		if res.Err != nil || string(res.Payload) != c.want {
			t.Errorf("%s: payload %q err %v, want %q", c.function, res.Payload, res.Err, c.want)
		}
	}

	res = mustInvoke(t, ociPy(t, file+":raises"), `{"type":"TOKEN","token":"xyz"}`)
	if res.Err == nil || res.Err.Type != "ValueError" || res.Err.Message != "bad token: xyz" {
		t.Fatalf("raise: %+v", res.Err)
	}
	if !strings.Contains(res.Logs, "fdk_handlers.py") || strings.Contains(res.Logs, "<string>") {
		t.Fatalf("the traceback should show the handler, not the loop: %q", res.Logs)
	}
}

func TestOCIPythonContext(t *testing.T) {
	t.Parallel()
	fn := ociPy(t, testdata(t, "py", "fdk_handlers.py")+":context_info", func(s *Spec) {
		s.Name = "oci-fn"
		s.Env = map[string]string{"TOKEN_SECRET": "s3cret"}
	})
	res := mustInvoke(t, fn, `{"type":"TOKEN","token":"t"}`)
	got := decode(t, res.Payload)
	want := map[string]any{
		"secret": "s3cret", "requestId": "req-1", "callId": "req-1", "callHeader": "req-1",
		"appId": "ocid1.fnapp.oc1..authlab", "fnId": "ocid1.fnfunc.oc1..authlab-oci-fn", "fnName": "oci-fn",
		"lambdaEnv": false, "ctxType": "fdk.context.InvokeContext", "raw": `{"type":"TOKEN","token":"t"}`,
		// The virtual clock (2026-01-01) plus the 3 s default timeout.
		"deadline": "2026-01-01T00:00:03.000Z",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if !strings.Contains(res.Logs, "fdk shim: authlab's stand-in") {
		t.Errorf("without fdk installed the shim answers the import: %q", res.Logs)
	}
}

// An importable fdk (here a stand-in beside the handler) wins over the shim,
// and its Response, which calls ctx.SetResponseHeaders, is unwrapped too.
func TestOCIPythonRealFDK(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, ociPy(t, testdata(t, "py_fdk", "func.py")), `{"type":"TOKEN","token":"t"}`)
	if res.Err != nil || string(res.Payload) != `{"active": true, "real": true}` {
		t.Fatalf("payload %s err %v", res.Payload, res.Err)
	}
}

func TestOCINodeFDK(t *testing.T) {
	t.Parallel()
	// sync.js's folder has a node_modules/@fnproject/fdk that exits when
	// loaded: the shim must answer the require instead.
	fn := ociNode(t, "sync.js", func(s *Spec) {
		s.Name = "oci-node"
		s.Env = map[string]string{"TOKEN_SECRET": "s3cret"}
	})
	res := mustInvoke(t, fn, `{"type":"TOKEN","token":"alice"}`)
	got := decode(t, res.Payload)
	want := map[string]any{
		"active": true, "principal": "alice", "secret": "s3cret", "configKey": "s3cret",
		"callID": "req-1", "header": "req-1", "fnID": "ocid1.fnfunc.oc1..authlab-oci-node", "appName": "authlab",
		"lambdaEnv": false,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if h, _ := got["headers"].([]any); len(h) != 3 || h[0] != "Content-Type" || h[1] != "Fn-Call-Id" || h[2] != "Fn-Deadline" {
		t.Errorf("headers = %v", got["headers"])
	}
	if !strings.Contains(res.Logs, "checking alice") {
		t.Errorf("logs = %q", res.Logs)
	}
	res = mustInvoke(t, fn, `{"type":"TOKEN","token":"bad"}`)
	if res.Err == nil || *res.Err != (FunctionError{Type: "Error", Message: "invalid token"}) {
		t.Fatalf("throw: %+v", res.Err)
	}
}

func TestOCINodeAsync(t *testing.T) {
	t.Parallel()
	fn := ociNode(t, "async.js:handler") // FUNCTION is only a label
	cases := []struct{ event, want string }{
		{`{"type":"USER_DEFINED","data":{"user":"bob"}}`, `{"active":true,"principal":"bob","scope":["read","write"]}`},
		{`{"mode":"string"}`, `"{\"active\":false}"`},
		{`{"mode":"text"}`, `{"active":false,"text":true}`},
		{`{"mode":"raw"}`, `{"active":true,"raw":true}`},
		{`{"mode":"null"}`, ``},
	}
	for _, c := range cases {
		res := mustInvoke(t, fn, c.event)
		if res.Err != nil || string(res.Payload) != c.want {
			t.Errorf("%s: payload %q err %v, want %q", c.event, res.Payload, res.Err, c.want)
		}
	}
	res := mustInvoke(t, fn, `{"mode":"reject"}`)
	if res.Err == nil || *res.Err != (FunctionError{Type: "TypeError", Message: "no token"}) {
		t.Fatalf("reject: %+v", res.Err)
	}
	res = mustInvoke(t, fn, `{"mode":"pending"}`)
	if res.Err == nil || res.Err.Type != "Runtime.NoAnswer" {
		t.Fatalf("pending: %+v", res.Err)
	}
}

func TestOCINodeModules(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, ociNode(t, "esm.mjs"), `{"type":"TOKEN","token":"carol"}`)
	if res.Err != nil || string(res.Payload) != `{"active":true,"principal":"carol","module":"esm"}` {
		t.Fatalf("ESM: payload %s err %v logs %q", res.Payload, res.Err, res.Logs)
	}
	// Without fdk.handle, FUNCTION names an export called fn(input, ctx).
	res = mustInvoke(t, ociNode(t, "exported.js:check"), `{"token":"dave"}`)
	if res.Err != nil || string(res.Payload) != `{"active":true,"principal":"dave","callID":"req-1"}` {
		t.Fatalf("export: payload %s err %v", res.Payload, res.Err)
	}
	for file, want := range map[string]string{
		"exported.js": "no fdk.handle(...) call",
		"twice.js":    "fdk.handle was called 2 times",
	} {
		_, err := invoke(t, ociNode(t, file), `{}`)
		if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want ErrLoad with %q", file, err, want)
		}
	}
}

func TestOCISpec(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	// The node FUNCTION may be left out; python's defaults to "handler".
	for _, s := range []Spec{
		{Runtime: "node", Handler: testdata(t, "node_oci", "sync.js"), ContextFlavor: "oci"},
		{Runtime: "node", Handler: testdata(t, "node_oci", "sync.js") + ":handler", ContextFlavor: "oci"},
	} {
		r, err := s.normalize()
		if err != nil || r.file != testdata(t, "node_oci", "sync.js") {
			t.Fatalf("%s: %v %+v", s.Handler, err, r)
		}
	}
	r, err := Spec{Runtime: "node", Handler: testdata(t, "node_oci", "sync.js"), ContextFlavor: "oci"}.normalize()
	if err != nil || r.function != "" {
		t.Fatalf("omitted FUNCTION: %v %q", err, r.function)
	}
	if _, err := (Spec{Runtime: "node", Handler: testdata(t, "node_oci", "sync.js") + ":not-a-name", ContextFlavor: "oci"}).normalize(); err == nil {
		t.Fatal("a bad FUNCTION must still be refused")
	}
}

func TestFixtureOCIMulti(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	fn := newFn(t, Spec{Runtime: "python", Handler: fixture(t, "oci_multi.py") + ":handler", ContextFlavor: "oci"})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(data map[string]any) map[string]any { return map[string]any{"type": "USER_DEFINED", "data": data} }
	res := call(t, fn, ev(map[string]any{"xapikey": []any{"admin456", "x"}, "state": "s1", "host": "api.example.com", "cert": "MIIB...", "body": "{}"}), now)
	got := decode(t, res.Payload)
	if got["active"] != true || got["principal"] != "admin" || got["expiresAt"] != "2026-01-01T00:05:00+00:00" {
		t.Fatalf("active: %s", res.Payload)
	}
	if scope, _ := got["scope"].([]any); len(scope) != 2 || scope[1] != "orders:write" {
		t.Fatalf("scope: %s", res.Payload)
	}
	ctx, _ := got["context"].(map[string]any)
	if ctx["host"] != "api.example.com" || ctx["mtls"] != "true" || ctx["state"] != "s1" || ctx["bodyBytes"] != "2" {
		t.Fatalf("context: %s", res.Payload)
	}
	res = call(t, fn, ev(map[string]any{"xapikey": "nope", "referer": "https://shop.example.com/cart", "state": "s2"}), now)
	got = decode(t, res.Payload)
	ctx, _ = got["context"].(map[string]any)
	if got["active"] != false || got["wwwAuthenticate"] != `Bearer realm="example.com"` || ctx["responseCode"] != "302" ||
		ctx["location"] != "https://login.example.com/authorize?return_to=https%3A%2F%2Fshop.example.com%2Fcart&state=s2" {
		t.Fatalf("inactive: %s", res.Payload)
	}
	// Keys from the function's configuration.
	fn = newFn(t, Spec{Runtime: "python", Handler: fixture(t, "oci_multi.py") + ":handler", ContextFlavor: "oci",
		Env: map[string]string{"API_KEYS": "k1=bob:a b"}})
	if got := decode(t, call(t, fn, ev(map[string]any{"xapikey": "k1"}), now).Payload); got["principal"] != "bob" {
		t.Fatalf("configured key: %v", got)
	}
}

func TestFixtureOCIToken(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	fn := newFn(t, Spec{Runtime: "node", Handler: fixture(t, "oci_token.js"), ContextFlavor: "oci", Env: map[string]string{"REALM": "shop"}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := call(t, fn, map[string]any{"type": "TOKEN", "token": "Bearer admin-ann"}, now)
	got := decode(t, res.Payload)
	expires, _ := got["expiresAt"].(string)
	if got["active"] != true || got["principal"] != "ann" || !strings.HasPrefix(expires, "2026-01-01T00:10:00.") || !strings.Contains(res.Logs, "active: ann") {
		t.Fatalf("active: %s (logs %q)", res.Payload, res.Logs)
	}
	res = call(t, fn, map[string]any{"type": "TOKEN", "token": "Bearer x"}, now)
	if got := decode(t, res.Payload); got["active"] != false || got["wwwAuthenticate"] != `Bearer realm="shop"` {
		t.Fatalf("inactive: %s", res.Payload)
	}
}
