package runtime

import (
	"errors"
	"strings"
	"testing"
)

func pyFn(t testing.TB, function string, mod ...func(*Spec)) Function {
	t.Helper()
	needs(t, "python3")
	spec := Spec{Runtime: "python", Handler: testdata(t, "py", "handlers.py") + ":" + function}
	for _, m := range mod {
		m(&spec)
	}
	return newFn(t, spec)
}

func TestPythonDictReturn(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "dict_return")
	res := mustInvoke(t, fn, `{"type":"TOKEN","authorizationToken":"Bearer x"}`)
	got := decode(t, res.Payload)
	if got["principalId"] != "alice" || got["requestId"] != "req-1" {
		t.Fatalf("payload = %s", res.Payload)
	}
	if echo, _ := got["echo"].(map[string]any); echo["authorizationToken"] != "Bearer x" {
		t.Fatalf("event not passed through: %s", res.Payload)
	}
	if !res.ColdStart || res.ColdStartCost <= 0 {
		t.Fatalf("first call should be cold with a cost: %+v", res)
	}
	if !strings.Contains(res.Logs, "module loaded") {
		t.Fatalf("import-time print missing from the cold call's logs: %q", res.Logs)
	}
	res = mustInvoke(t, fn, `{}`)
	if res.ColdStart || res.ColdStartCost != 0 {
		t.Fatalf("second call should be warm: %+v", res)
	}
}

func TestPythonJSONStringReturn(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, pyFn(t, "json_string"), `{}`)
	got := decode(t, res.Payload)
	if got["statusCode"] != float64(200) || got["body"] != `{"status": "allow"}` {
		t.Fatalf("payload = %s", res.Payload)
	}
}

func TestPythonRaise(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "unauthorized")
	res := mustInvoke(t, fn, `{}`)
	if res.Err == nil || res.Err.Type != "Exception" || res.Err.Message != "Unauthorized" {
		t.Fatalf("Err = %+v, want Exception: Unauthorized", res.Err)
	}
	if !strings.Contains(res.Logs, "Traceback") || !strings.Contains(res.Logs, "handlers.py") {
		t.Fatalf("the traceback belongs in the logs: %q", res.Logs)
	}
	if strings.Contains(res.Logs, "<string>") {
		t.Fatalf("the runtime loop's own frames leak into the traceback: %q", res.Logs)
	}
	// The worker survives a handler error.
	res = mustInvoke(t, fn, `{}`)
	if res.ColdStart || res.Err == nil {
		t.Fatalf("second call: %+v", res)
	}
	res = mustInvoke(t, pyFn(t, "value_error"), `{"token":"abc"}`)
	if res.Err == nil || res.Err.Type != "ValueError" || res.Err.Message != "bad token: abc" {
		t.Fatalf("Err = %+v", res.Err)
	}
}

func TestPythonLogsPerCall(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "prints")
	first := mustInvoke(t, fn, `{"n":1}`)
	second := mustInvoke(t, fn, `{"n":2}`)
	if !strings.Contains(first.Logs, "to stdout 1") || !strings.Contains(first.Logs, "to stderr") {
		t.Fatalf("first logs = %q", first.Logs)
	}
	if strings.Contains(second.Logs, "to stdout 1") || !strings.Contains(second.Logs, "to stdout 2") || strings.Contains(second.Logs, "module loaded") {
		t.Fatalf("second logs = %q", second.Logs)
	}
	if string(second.Payload) != `{"n": 2}` {
		t.Fatalf("payload = %s", second.Payload)
	}
}

func TestPythonSiblingImport(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, pyFn(t, "sibling"), `{"name":"bob"}`)
	if decode(t, res.Payload)["greeting"] != "hello, bob" {
		t.Fatalf("payload = %s", res.Payload)
	}
}

func TestPythonNoneAndUnserialisable(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, pyFn(t, "none"), `{}`)
	if string(res.Payload) != "null" || res.Err != nil {
		t.Fatalf("None should answer null: %+v", res)
	}
	res = mustInvoke(t, pyFn(t, "not_json"), `{}`)
	if res.Err == nil || res.Err.Type != "Runtime.MarshalError" {
		t.Fatalf("a set is not JSON: %+v", res)
	}
}

func TestPythonContext(t *testing.T) {
	t.Parallel()
	fn := pyFn(t, "context_info", func(s *Spec) {
		s.Name = "token-lambda"
		s.Env = map[string]string{"FROM_ENV": "env-value"}
		s.UserData = map[string]string{"tenant": "acme"}
		s.Dir = testdata(t)
	})
	res := mustInvoke(t, fn, `{}`)
	got := decode(t, res.Payload)
	want := map[string]any{
		"aws_request_id":     "req-1",
		"function_name":      "token-lambda",
		"function_version":   "$LATEST",
		"memory_limit_in_mb": "128",
		"log_group_name":     "/aws/lambda/token-lambda",
		"fg_request_id":      "req-1",
		"fg_user_data":       "acme",
		"fg_env_user_data":   "env-value",
		"fg_function_name":   "token-lambda",
		"env":                "env-value",
		"cwd":                testdata(t),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if arn, _ := got["invoked_function_arn"].(string); !strings.HasSuffix(arn, ":function:token-lambda") {
		t.Errorf("invoked_function_arn = %q", arn)
	}
	for _, k := range []string{"remaining", "fg_remaining"} {
		if ms, _ := got[k].(float64); ms <= 0 || ms > 3000 {
			t.Errorf("%s = %v, want within the 3 s default timeout", k, got[k])
		}
	}
	if !strings.Contains(res.Logs, "2026-01-01T00:00:00") || !strings.Contains(res.Logs, "req-1 INFO hello from the FunctionGraph logger") {
		t.Errorf("logger line should carry the virtual time and request id: %q", res.Logs)
	}
}

func TestPythonLoadErrors(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	cases := []struct{ handler, want string }{
		{"broken_syntax.py:handler", "broken_syntax.py, line"},
		{"handlers.py:missing", "handler 'missing' not found"},
		{"handlers.py:not_callable", "not callable"},
	}
	for _, c := range cases {
		fn := newFn(t, Spec{Runtime: "python", Handler: testdata(t, "py", c.handler)})
		res, err := invoke(t, fn, `{}`)
		if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `"test-fn"`) {
			t.Errorf("%s: err = %v, want ErrLoad naming the function and %q", c.handler, err, c.want)
		}
		if !strings.Contains(res.Logs, "[ERROR]") || !strings.Contains(res.Logs, "Error") {
			t.Errorf("%s: the traceback belongs in the logs: %q", c.handler, res.Logs)
		}
	}
}
