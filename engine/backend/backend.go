// Package backend is where authorized requests go: a stock response, an echo
// of what arrived (for assertions), or a real HTTP upstream.
package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
)

// Request is what reaches the backend after transformations.
type Request struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Query  url.Values  `json:"query"`
	Header http.Header `json:"headers"`
	Body   []byte      `json:"-"`
	Host   string      `json:"host,omitempty"`
	// ClientIP is the client's address, for X-Forwarded-For.
	ClientIP string `json:"-"`
}

// Response is the backend's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Stream is set instead of Body when the caller asked for streaming
	// (WithStreaming); the caller must close it.
	Stream io.ReadCloser
}

// Backend answers requests.
type Backend interface {
	Serve(ctx context.Context, req *Request) (*Response, error)
	Describe() string
}

// Error kinds the gateway answers differently.
var (
	ErrTimeout     = errors.New("upstream timed out")
	ErrUnreachable = errors.New("upstream unreachable")
)

// Stock always answers the same.
type Stock struct {
	Status int
	Header http.Header
	Body   []byte
}

func (s *Stock) Serve(context.Context, *Request) (*Response, error) {
	return &Response{Status: s.Status, Header: s.Header.Clone(), Body: append([]byte(nil), s.Body...)}, nil
}

func (s *Stock) Describe() string { return fmt.Sprintf("stock %d", s.Status) }

// Echo answers 200 with a JSON description of the request it received.
type Echo struct{}

// EchoBody is the JSON the echo backend answers with.
type EchoBody struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   map[string]string `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

func (Echo) Serve(_ context.Context, req *Request) (*Response, error) {
	eb := EchoBody{Method: req.Method, Path: req.Path, Query: map[string]string{}, Headers: map[string]string{}, Body: string(req.Body)}
	for k, v := range req.Query {
		eb.Query[k] = strings.Join(v, ",")
	}
	for k, v := range req.Header {
		eb.Headers[k] = strings.Join(v, ", ")
	}
	body, err := json.Marshal(eb)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &Response{Status: 200, Header: h, Body: append(body, '\n')}, nil
}

func (Echo) Describe() string { return "echo" }

// URL forwards to a real upstream like a reverse proxy.
type URL struct {
	base    *url.URL
	timeout time.Duration
	maxBody int64
}

// DefaultUpstreamTimeout is API Gateway's integration timeout.
const DefaultUpstreamTimeout = 29 * time.Second

// DefaultMaxBody bounds a buffered upstream answer (API Gateway's 10 MB
// payload limit); streamed answers are not bounded.
const DefaultMaxBody = 10 << 20

// NewURL returns an upstream at base.
func NewURL(base string, timeout time.Duration) (*URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("backend url: %w", err)
	}
	if timeout <= 0 {
		timeout = DefaultUpstreamTimeout
	}
	return &URL{base: u, timeout: timeout, maxBody: DefaultMaxBody}, nil
}

func (u *URL) Describe() string { return u.base.String() }

// transport is shared by every URL upstream of every gateway: connections
// to an upstream stay pooled across requests and across reloads. Go's
// default keeps 2 idle connections per host, so under concurrent load most
// requests would dial afresh; a gateway keeps many.
var transport = &http.Transport{
	Proxy: http.ProxyFromEnvironment,
	DialContext: (&net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
	}).DialContext,
	ForceAttemptHTTP2:     true,
	MaxIdleConns:          1024,
	MaxIdleConnsPerHost:   512,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   10 * time.Second,
	ExpectContinueTimeout: time.Second,
	// A proxy passes bodies through as encoded: Go's transparent gzip would
	// decode the answer and drop Content-Encoding behind the client's back.
	DisableCompression: true,
}

// client is the one resty client of URL upstreams. Its defaults are wrong
// for a proxy and are turned off: a cookie jar (upstream cookies would be
// replayed to every later client), following redirects (the client must
// see them), dropping GET bodies.
var client = resty.New().
	SetTransport(transport).
	SetCookieJar(nil).
	SetRedirectPolicy(NoRedirects).
	SetDoNotParseResponse(true).
	SetAllowGetMethodPayload(true).
	SetPreRequestHook(exactHeaders)

// sentKey carries the headers a request must go out with.
type sentKey struct{}

// exactHeaders puts back the headers the gateway forwards: resty's request
// middleware adds a User-Agent and sniffs a Content-Type, which a proxy
// must not invent.
func exactHeaders(_ *resty.Client, r *http.Request) error {
	if h, ok := r.Context().Value(sentKey{}).(http.Header); ok {
		r.Header = h
	}
	if r.ContentLength == 0 {
		// An empty body of known length: without NoBody, Go sends a
		// POST with no body as "Transfer-Encoding: chunked".
		r.Body, r.GetBody = http.NoBody, nil
	}
	return nil
}

// streamKey marks a context whose caller copies upstream bodies itself.
type streamKey struct{}

// WithStreaming asks URL upstreams to hand back the body unread
// (Response.Stream) instead of buffering it: serve copies it to the client
// as it arrives. fire and scenarios do not ask, because they show and assert
// on the body.
func WithStreaming(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamKey{}, true)
}

func streaming(ctx context.Context) bool {
	v, _ := ctx.Value(streamKey{}).(bool)
	return v
}

// hopByHop headers apply to one connection and are never forwarded (RFC 9110 §7.6.1).
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// StripHopByHop removes hop-by-hop headers, including those Connection names.
func StripHopByHop(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
}

// Forwarded adds the X-Forwarded-* headers a reverse proxy sends: the
// client's address appended to any X-Forwarded-For it came with, and the
// host and scheme the client asked for (authlab serve speaks plain HTTP).
func Forwarded(h http.Header, req *Request) {
	if req.ClientIP != "" {
		if prior := h.Values("X-Forwarded-For"); len(prior) > 0 {
			h.Set("X-Forwarded-For", strings.Join(prior, ", ")+", "+req.ClientIP)
		} else {
			h.Set("X-Forwarded-For", req.ClientIP)
		}
	}
	if req.Host != "" {
		h.Set("X-Forwarded-Host", req.Host)
	}
	h.Set("X-Forwarded-Proto", "http")
}

func (u *URL) target(req *Request) string {
	t := *u.base
	t.Path = strings.TrimSuffix(u.base.Path, "/") + req.Path
	t.RawPath = ""
	t.RawQuery = req.Query.Encode()
	return t.String()
}

func (u *URL) Serve(ctx context.Context, req *Request) (*Response, error) {
	stream := streaming(ctx)
	// The timeout bounds the wait for the answer (API Gateway's integration
	// timeout); a streamed body (server-sent events) may then run on.
	ctx, cancel := context.WithCancel(ctx)
	var timedOut atomic.Bool
	timer := time.AfterFunc(u.timeout, func() { timedOut.Store(true); cancel() })
	defer timer.Stop()
	// A streamed body outlives Serve: its reader cancels when closed.
	defer func() {
		if cancel != nil {
			cancel()
		}
	}()
	h := req.Header.Clone()
	StripHopByHop(h)
	// The upstream gets its own host name, as from API Gateway; the
	// client's goes in X-Forwarded-Host.
	h.Del("Host")
	// The body is already read whole: a forwarded Expect: 100-continue
	// would only make the transport wait for an upstream's go-ahead.
	h.Del("Expect")
	Forwarded(h, req)
	if _, ok := h["User-Agent"]; !ok {
		// An empty value keeps Go from sending its own User-Agent.
		h["User-Agent"] = []string{""}
	}
	r := client.R().SetContext(context.WithValue(ctx, sentKey{}, h))
	if len(req.Body) > 0 {
		r.SetBody(req.Body)
	}
	resp, err := r.Execute(req.Method, u.target(req))
	if err != nil {
		return nil, u.failed(timedOut.Load(), err, "")
	}
	raw := resp.RawBody()
	out := resp.Header().Clone()
	StripHopByHop(out)
	if stream {
		timer.Stop()
		body := &cancelOnClose{ReadCloser: raw, cancel: cancel}
		cancel = nil
		out.Del("Content-Length")
		if n := resp.RawResponse.ContentLength; n >= 0 {
			out.Set("Content-Length", fmt.Sprint(n))
		}
		return &Response{Status: resp.StatusCode(), Header: out, Stream: body}, nil
	}
	defer raw.Close()
	body, err := io.ReadAll(io.LimitReader(raw, u.maxBody+1))
	if err != nil {
		return nil, u.failed(timedOut.Load(), err, " reading the body")
	}
	if int64(len(body)) > u.maxBody {
		return nil, fmt.Errorf("upstream body over %d bytes", u.maxBody)
	}
	out.Del("Content-Length")
	return &Response{Status: resp.StatusCode(), Header: out, Body: body}, nil
}

// failed sorts a transport error into timeout or unreachable, the two
// answers gateways give (504 / 502 or 500).
func (u *URL) failed(timedOut bool, err error, while string) error {
	var ne net.Error
	if timedOut || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w after %s%s: %s", ErrTimeout, u.timeout, while, u.base)
	}
	return fmt.Errorf("%w%s: %w", ErrUnreachable, while, err)
}

// cancelOnClose releases a streamed answer's timeout when the body is done.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// SortedKeys lists header names in order, for stable output.
func SortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Send makes one bodiless request through the shared upstream client with
// exactly the headers given (nothing invented), for subrequests such as
// forward auth. The caller closes the response body.
func Send(ctx context.Context, method, url string, h http.Header) (*http.Response, error) {
	h = h.Clone()
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{""} // keep Go from sending its own
	}
	resp, err := client.R().SetContext(context.WithValue(ctx, sentKey{}, h)).Execute(method, url)
	if err != nil {
		return nil, err
	}
	return resp.RawResponse, nil
}
