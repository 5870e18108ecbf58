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
	Path   string // decoded path, without the query
	Query  url.Values
	Header http.Header
	Body   []byte
	Host   string
	// SourceIP is the client address (requestContext.identity.sourceIp).
	SourceIP string
	// Cert is the client certificate (PEM), for ${request.cert}.
	Cert string
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
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, fmt.Errorf("invalid path %q: %w", target, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("invalid query string %q: %w", u.RawQuery, err)
	}
	r := &Request{Method: method, Path: u.Path, Query: q, Header: http.Header{}, Body: body,
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

// Target is the path with its query.
func (r *Request) Target() string {
	if len(r.Query) == 0 {
		return r.Path
	}
	return r.Path + "?" + r.Query.Encode()
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
