package engine

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/trace"
)

// Request is a client request as the gateway received it.
type Request struct {
	Method string
	// Path is the decoded path without the query. The route stage sets it to
	// the canonical form of RawPath (reqpath), which is what every later
	// stage and event sees.
	Path string
	// RawPath is the path exactly as the client sent it, still escaped: what
	// the route stage checks and what the backend receives (PATH-4, PATH-7).
	// Empty for requests built from a decoded path only; the engine then
	// escapes Path.
	RawPath string
	// RawQuery is the query string as sent (order and encoding kept), for
	// the backend and HTTP API rawQueryString. Empty means Query.Encode().
	RawQuery string
	Query    url.Values
	Header   http.Header
	Body     []byte
	Host     string
	// SourceIP is the client address (requestContext.identity.sourceIp).
	SourceIP string
	// Cert is the client certificate (PEM), for ${request.cert}.
	Cert string
	// Trailer holds request trailers (serve), forwarded to a URL backend.
	Trailer http.Header
	// Names keeps header names as the client spelled them (canonical → sent),
	// because AWS passes them to the function as sent.
	Names map[string]string
}

// NewRequest parses "METHOD", a target "/path?query" and "Name: value"
// header lines, the way `fire` and scenarios describe requests.
func NewRequest(method, target string, headers []string, body []byte) (*Request, error) {
	if method == "" {
		return nil, fmt.Errorf("missing method")
	}
	for _, c := range method {
		if c < 'A' || c > 'Z' {
			return nil, fmt.Errorf("invalid method %q: expected an upper-case HTTP method such as GET", method)
		}
	}
	if !strings.HasPrefix(target, "/") {
		return nil, fmt.Errorf("invalid path %q: must start with /", target)
	}
	// The path is kept as written: a malformed or hostile one (%zz, /../,
	// %2F) is the gateway's to refuse with its 400 (PATH-5), not a usage
	// error, so that fire and scenarios can show that answer.
	rawPath, rawQuery, _ := strings.Cut(target, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("invalid query string %q: %w", rawQuery, err)
	}
	path := rawPath
	if u, err := url.PathUnescape(rawPath); err == nil {
		path = u
	}
	r := &Request{Method: method, Path: path, RawPath: rawPath, RawQuery: rawQuery, Query: q, Header: http.Header{}, Body: body,
		SourceIP: "127.0.0.1", Names: map[string]string{}}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("invalid header %q: expected 'Name: value'", h)
		}
		r.AddHeader(name, strings.TrimSpace(value))
	}
	if r.Host = r.Header.Get("Host"); r.Host == "" {
		r.Host = "localhost"
	}
	return r, nil
}

// AddHeader adds a header, remembering how the client spelled its name.
func (r *Request) AddHeader(name, value string) {
	if r.Names == nil {
		r.Names = map[string]string{}
	}
	c := http.CanonicalHeaderKey(name)
	if _, ok := r.Names[c]; !ok {
		r.Names[c] = name
	}
	r.Header.Add(c, value)
}

// SentName returns the header name as the client wrote it.
func (r *Request) SentName(canonical string) string {
	if n, ok := r.Names[canonical]; ok {
		return n
	}
	return canonical
}

// Target is the path with its query, as sent when known.
func (r *Request) Target() string {
	p := r.RawPath
	if p == "" {
		p = r.Path
	}
	switch {
	case r.RawQuery != "":
		return p + "?" + r.RawQuery
	case len(r.Query) > 0:
		return p + "?" + r.Query.Encode()
	}
	return p
}

// Query string as sent, else encoded from Query.
func (r *Request) rawQuery() string {
	if r.RawQuery != "" || len(r.Query) == 0 {
		return r.RawQuery
	}
	return r.Query.Encode()
}

// Response is what the gateway answered.
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"headers"`
	Body   []byte      `json:"-"`
	// Stream, when set, is an upstream body still to be read: Body is empty
	// and the caller copies Stream to its client and closes it. Only a
	// caller that asked for streaming (backend.WithStreaming) gets one.
	Stream io.ReadCloser `json:"-"`
	// Trailer is the upstream's trailers (on a streamed answer, complete
	// once Stream is read to its end).
	Trailer http.Header `json:"trailers,omitempty"`
	// Upgraded: the backend switched protocols (WebSocket); Stream is its
	// connection, an io.ReadWriteCloser for the caller to join.
	Upgraded bool `json:"-"`
}

// Outcomes of the authorizer for one request.
const (
	Called  = "called"
	Cached  = "cached"
	Skipped = "skipped"
)

// Result is everything the engine knows about one request.
type Result struct {
	Request    *Request
	Response   *Response
	Trace      *trace.Trace
	Route      string // the matched route template, "" when none matched
	Authorizer string // the route's authorizer name, "" when none
	Outcome    string // called | cached | skipped
	Principal  string
	// Upstream is what reached the backend; nil when it was not reached.
	Upstream *backend.Request
}
