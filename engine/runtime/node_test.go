package runtime

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func nodeFn(t testing.TB, file, function string, mod ...func(*Spec)) Function {
	t.Helper()
	needs(t, "node")
	spec := Spec{Runtime: "node", Handler: testdata(t, "node", file) + ":" + function}
	for _, m := range mod {
		m(&spec)
	}
	return newFn(t, spec)
}

func TestNodeAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		function, event, want string
	}{
		{"asyncReturn", `{"a":1}`, `{"principalId":"alice","echo":{"a":1},"requestId":"req-1"}`},
		{"promiseReturn", `{"n":7}`, `{"via":"promise","n":7}`},
		{"jsonString", `{}`, `{"statusCode":200,"body":"{\"status\":\"allow\"}"}`},
		{"callbackAllow", `{"authorizationToken":"t"}`, `{"principalId":"cb","token":"t"}`},
		{"succeed", `{}`, `{"principalId":"legacy"}`},
		{"done", `{}`, `{"principalId":"done"}`},
		{"asyncUndefined", `{}`, `null`},
		// As on Lambda, a plain return value without callback is ignored:
		// the answer is null once the event loop is empty.
		{"syncReturn", `{}`, `null`},
		{"neverResolves", `{}`, `null`},
		{"usesPackage", `{"token":"ok.alice"}`, `{"user":"alice","shout":"HI!"}`},
		{"nested.handler", `{}`, `{"nested":true}`},
	}
	for _, c := range cases {
		t.Run(c.function, func(t *testing.T) {
			res := mustInvoke(t, nodeFn(t, "handlers.js", c.function), c.event)
			if res.Err != nil || string(res.Payload) != c.want {
				t.Fatalf("got payload %s err %v, want %s", res.Payload, res.Err, c.want)
			}
		})
	}
}

func TestNodeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		function string
		want     FunctionError
	}{
		{"throwsError", FunctionError{Type: "Error", Message: "Unauthorized"}},
		{"throwsCustom", FunctionError{Type: "TokenExpiredError", Message: "jwt expired"}},
		// Lambda reports a non-Error value with its typeof as the type.
		{"callbackString", FunctionError{Type: "string", Message: "Unauthorized"}},
		{"callbackError", FunctionError{Type: "Error", Message: "boom"}},
		{"fail", FunctionError{Type: "Error", Message: "legacy failure"}},
	}
	for _, c := range cases {
		t.Run(c.function, func(t *testing.T) {
			res := mustInvoke(t, nodeFn(t, "handlers.js", c.function), `{}`)
			if res.Err == nil || *res.Err != c.want {
				t.Fatalf("Err = %+v, want %+v", res.Err, c.want)
			}
			if !strings.Contains(res.Logs, "Invoke Error") {
				t.Fatalf("the error belongs in the logs: %q", res.Logs)
			}
		})
	}
	// A handler that requires a package and gets a bad token throws.
	res := mustInvoke(t, nodeFn(t, "handlers.js", "usesPackage"), `{"token":"bad"}`)
	if res.Err == nil || res.Err.Message != "invalid token" {
		t.Fatalf("Err = %+v", res.Err)
	}
}

func TestNodeESM(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, nodeFn(t, "esm.mjs", "handler"), `{"word":"yes"}`)
	if string(res.Payload) != `{"module":"esm","shout":"YES"}` {
		t.Fatalf(".mjs payload = %s", res.Payload)
	}
	needs(t, "node")
	fn := newFn(t, Spec{Runtime: "node", Handler: testdata(t, "node_esm_pkg", "index.js") + ":handler"})
	res = mustInvoke(t, fn, `{"token":"abc"}`)
	if string(res.Payload) != `{"module":"type-module","digest":"ba7816bf"}` {
		t.Fatalf(`"type":"module" payload = %s`, res.Payload)
	}
}

func TestNodeLogsPerCall(t *testing.T) {
	t.Parallel()
	fn := nodeFn(t, "handlers.js", "logs")
	first := mustInvoke(t, fn, `{"n":1}`)
	second := mustInvoke(t, fn, `{"n":2}`)
	if !strings.Contains(first.Logs, "module loaded") || !strings.Contains(first.Logs, "log line 1") || !strings.Contains(first.Logs, "error line") {
		t.Fatalf("first logs = %q", first.Logs)
	}
	if strings.Contains(second.Logs, "log line 1") || strings.Contains(second.Logs, "module loaded") || !strings.Contains(second.Logs, "log line 2") {
		t.Fatalf("second logs = %q", second.Logs)
	}
	if !first.ColdStart || second.ColdStart {
		t.Fatalf("cold flags: %v %v", first.ColdStart, second.ColdStart)
	}
}

func TestNodeContext(t *testing.T) {
	t.Parallel()
	fn := nodeFn(t, "handlers.js", "contextInfo", func(s *Spec) {
		s.Name = "request-lambda"
		s.Env = map[string]string{"FROM_ENV": "env-value"}
		s.UserData = map[string]string{"tenant": "acme"}
	})
	res := mustInvoke(t, fn, `{}`)
	got := decode(t, res.Payload)
	want := map[string]any{
		"awsRequestId": "req-1", "functionName": "request-lambda", "memoryLimitInMB": "128",
		"fgRequestId": "req-1", "fgUserData": "acme", "env": "env-value", "cwd": testdata(t, "node"),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for _, k := range []string{"remaining", "fgRemaining"} {
		if ms, _ := got[k].(float64); ms <= 0 || ms > 3000 {
			t.Errorf("%s = %v", k, got[k])
		}
	}
	if !strings.Contains(res.Logs, "2026-01-01T00:00:00") || !strings.Contains(res.Logs, "req-1 INFO hello from the FunctionGraph logger") {
		t.Errorf("logs = %q", res.Logs)
	}
}

func TestNodeFaults(t *testing.T) {
	t.Parallel()
	fn := nodeFn(t, "handlers.js", "sleepy", func(s *Spec) { s.Timeout = 300 * time.Millisecond })
	res, err := invoke(t, fn, `{}`)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(res.Logs, "going to sleep") {
		t.Fatalf("timeout: err %v logs %q", err, res.Logs)
	}
	if res := mustInvoke(t, fn, `{"ms": 1}`); !res.ColdStart {
		t.Fatal("a timed-out worker must be replaced")
	}

	_, err = invoke(t, nodeFn(t, "handlers.js", "crash"), `{}`)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "fatal: giving up") {
		t.Fatalf("crash: %v", err)
	}

	big := nodeFn(t, "handlers.js", "huge", func(s *Spec) { s.MaxResponse = 1 << 20 })
	if _, err := invoke(t, big, `{"size": 1100000}`); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	if res := mustInvoke(t, big, `{"size": 3}`); res.ColdStart {
		t.Fatal("an oversized answer should not cost the worker")
	}

	chatty := nodeFn(t, "handlers.js", "chatty")
	res = mustInvoke(t, chatty, `{}`)
	if string(res.Payload) != `{"ok":true}` || !strings.Contains(res.Logs, "more bytes of output dropped") {
		t.Fatalf("megabytes of output: payload %s, %d bytes of logs", res.Payload, len(res.Logs))
	}

	// An exception thrown by background work is the call's error, and the
	// runtime restarts, as on Lambda.
	bg := nodeFn(t, "handlers.js", "background")
	res = mustInvoke(t, bg, `{}`)
	if res.Err == nil || res.Err.Message != "background failure" {
		t.Fatalf("background: %+v", res)
	}
	if res := mustInvoke(t, bg, `{}`); !res.ColdStart {
		t.Fatal("the runtime should restart after an uncaught exception")
	}
}

func TestNodeLoadErrors(t *testing.T) {
	t.Parallel()
	needs(t, "node")
	cases := []struct{ handler, want string }{
		{"broken.js:handler", "broken.js:2"},
		{"handlers.js:missing", "handler 'missing' is not a function"},
		{"handlers.js:notAFunction", "is not a function"},
		{"esm.mjs:nope", "exports: handler"},
	}
	for _, c := range cases {
		fn := newFn(t, Spec{Runtime: "node", Handler: testdata(t, "node", c.handler)})
		res, err := invoke(t, fn, `{}`)
		if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrLoad with %q", c.handler, err, c.want)
		}
		if !strings.Contains(res.Logs, "Init Error") {
			t.Errorf("%s: the stack belongs in the logs: %q", c.handler, res.Logs)
		}
	}
}
