package runtime

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The request line splits on spaces whatever the names hold; the loops
// read the names back exactly.
func TestRequestLineNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, out string }{
		{"0a1b2c3d-aaaa-4bbb-8ccc-0123456789ab", "0a1b2c3d-aaaa-4bbb-8ccc-0123456789ab"},
		{"token-lambda", "token-lambda"},
		{"", `""`},
		{`my fn "x"`, `"my\u0020fn\u0020\"x\""`},
		{"café\n", `"café\n"`},
	} {
		if got := string(appendToken(nil, c.in)); got != c.out || strings.Contains(got, " ") {
			t.Errorf("appendToken(%q) = %s, want %s", c.in, got, c.out)
		}
	}
	rq := request{event: []byte(`{"a":1}`), requestID: "r 1", functionName: "fn", now: time.UnixMilli(1767225600000), timeout: 3 * time.Second}
	if got := string(appendRequest(nil, 7, rq)); got != `7 7 1767225600000 3000 "r\u00201" fn`+"\n"+`{"a":1}` {
		t.Errorf("request %q", got)
	}
}

func TestParseResultHeader(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]bool{
		`{"kind":"result","id":12,"len":345}`:                 true,
		`{"kind":"result","id":12,"len":345,"exit":false}`:    true,
		`{"kind":"result","id":12,"len":345,"exit":true}`:     false, // left to encoding/json
		`{"kind": "result", "id": 12, "len": 345}`:            false,
		`{"kind":"result","id":012,"len":345}`:                false,
		`{"kind":"result","id":12,"len":-1}`:                  false,
		`{"kind":"result","id":12,"len":345}x`:                false,
		`{"kind":"result","id":99999999999999999999,"len":1}`: false,
	} {
		h, ok := parseResultHeader([]byte(line))
		if ok != want || (ok && (h.Kind != "result" || h.ID != 12 || h.Len != 345 || h.Exit)) {
			t.Errorf("%s: %+v %v", line, h, ok)
		}
	}
}

func TestLoopsReadOddNames(t *testing.T) {
	t.Parallel()
	const rid, name = `req "1" é`, `my fn "x" é`
	inv := Invocation{Event: []byte(`{}`), RequestID: rid, FunctionName: name, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	py := pyFn(t, "context_info")
	res, err := py.Invoke(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, res.Payload); got["aws_request_id"] != rid || got["function_name"] != name {
		t.Errorf("python saw %v / %v", got["aws_request_id"], got["function_name"])
	}
	js := nodeFn(t, "handlers.js", "contextInfo")
	res, err = js.Invoke(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, res.Payload); got["awsRequestId"] != rid || got["functionName"] != name {
		t.Errorf("node saw %v / %v", got["awsRequestId"], got["functionName"])
	}
}
