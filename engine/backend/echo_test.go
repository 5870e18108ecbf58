package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// echoByEncoder is what Echo answered before it wrote its JSON by hand.
func echoByEncoder(req *Request) []byte {
	eb := EchoBody{Method: req.Method, Path: req.Path, Query: map[string]string{}, Headers: map[string]string{}, Body: string(req.Body)}
	if p := req.EscapedPath(); p != (&url.URL{Path: req.Path}).EscapedPath() {
		eb.RawPath = p
	}
	if q := req.EncodedQuery(); q != req.Query.Encode() {
		eb.RawQuery = q
	}
	for k, v := range req.Query {
		eb.Query[k] = strings.Join(v, ",")
	}
	for k, v := range req.Header {
		eb.Headers[k] = strings.Join(v, ", ")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(eb)
	return buf.Bytes()
}

func TestEchoWritesWhatEncodingJSONWould(t *testing.T) {
	odd := []string{"", "plain", `q"uote\back`, "ctl\x00\x01\b\f\n\r\t\x1f\x7f", "<a>&b", "caf\u00e9 \u2028\u2029 \U0001F600",
		"bad\xffutf8\xc3", "%2F/a b", "\xe2\x80"}
	for i, s := range odd {
		h := http.Header{"X-Odd": {s}, "Multi": {"a", s}, "Content-Type": {"text/plain"}}
		if i%2 == 0 {
			h["Zz"+s] = []string{s}
		}
		req := &Request{Method: "POST", Path: "/p/" + s, RawPath: "/p/" + url.PathEscape(s), RawQuery: "k=" + url.QueryEscape(s) + "&k=2",
			Query: url.Values{"k": {s, "2"}, s: {"v"}}, Header: h, Body: []byte(s)}
		if i == 3 {
			req.RawPath, req.RawQuery, req.Query = "", "", url.Values{}
		}
		resp, err := Echo{}.Serve(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if want := echoByEncoder(req); !bytes.Equal(resp.Body, want) {
			t.Errorf("%q:\n got %s\nwant %s", s, resp.Body, want)
		}
		if !json.Valid(resp.Body) || resp.Header.Get("Content-Type") != "application/json" || resp.Status != 200 {
			t.Errorf("%q: %d %v %s", s, resp.Status, resp.Header, resp.Body)
		}
	}
}
