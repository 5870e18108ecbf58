// Package backend is where authorized requests go: a stock response, an echo
// of what arrived (for assertions), or a real HTTP upstream.
package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Request is what reaches the backend after transformations.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// RawPath is the path as the client sent it, still escaped: what goes
	// on the wire to a URL backend, byte for byte (PATH-7). Empty means
	// Path escaped.
	RawPath string `json:"rawPath,omitempty"`
	// RawQuery is the query as sent (order and encoding kept), rebuilt only
	// when a transformation changed the query. Empty means Query.Encode().
	RawQuery string      `json:"rawQuery,omitempty"`
	Query    url.Values  `json:"query"`
	Header   http.Header `json:"headers"`
	Body     []byte      `json:"-"`
	Host     string      `json:"host,omitempty"`
	// ClientIP is the client's address, for X-Forwarded-For.
	ClientIP string `json:"-"`
	// Upgrade is the protocol the client asked to switch to (WebSocket),
	// kept apart because Upgrade and Connection are hop-by-hop headers.
	Upgrade string `json:"upgrade,omitempty"`
	// Trailer holds the client's request trailers, forwarded as sent.
	Trailer http.Header `json:"-"`
}

// EscapedPath is the path as it goes on the wire.
func (r *Request) EscapedPath() string {
	if r.RawPath != "" {
		return r.RawPath
	}
	return (&url.URL{Path: r.Path}).EscapedPath()
}

// EncodedQuery is the query as it goes on the wire.
func (r *Request) EncodedQuery() string {
	if r.RawQuery != "" || len(r.Query) == 0 {
		return r.RawQuery
	}
	return r.Query.Encode()
}

// Target is the request target as it goes on the wire.
func (r *Request) Target() string {
	if q := r.EncodedQuery(); q != "" {
		return r.EscapedPath() + "?" + q
	}
	return r.EscapedPath()
}

// Response is the backend's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Stream is set instead of Body when the caller asked for streaming
	// (WithStreaming); the caller must close it.
	Stream io.ReadCloser
	// Trailer holds the upstream's trailers; on a streamed answer it is
	// filled in once Stream has been read to its end.
	Trailer http.Header
	// Upgraded: the upstream switched protocols (101); Stream is the
	// upstream connection (an io.ReadWriteCloser) for the caller to join
	// with its client.
	Upgraded bool
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

// URL forwards to a real upstream like a reverse proxy.
type URL struct {
	base    *url.URL
	prefix  string // the base URL's path, escaped, without a trailing slash
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
	return &URL{base: u, prefix: strings.TrimSuffix(u.EscapedPath(), "/"), timeout: timeout, maxBody: DefaultMaxBody}, nil
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

// UpgradeType is the protocol a request asks to switch to ("websocket"),
// or "" when it asks for none (RFC 9110 §7.8: Connection must name upgrade).
func UpgradeType(h http.Header) string {
	for _, v := range h.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return h.Get("Upgrade")
			}
		}
	}
	return ""
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

// target is the upstream URL with the request's path and query exactly as
// the client sent them (PATH-7): Opaque keeps net/url from re-escaping the
// path, so %2F stays %2F and the backend decodes what routing decoded.
func (u *URL) target(req *Request) *url.URL {
	return &url.URL{Scheme: u.base.Scheme, Host: u.base.Host,
		Opaque: u.prefix + req.EscapedPath(), RawQuery: req.EncodedQuery()}
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
	r, err := u.outgoing(ctx, req, stream)
	if err != nil {
		return nil, err
	}
	resp, err := transport.RoundTrip(r)
	if err != nil {
		return nil, u.failed(timedOut.Load(), err, "")
	}
	// The answer's header is ours to change: no copy.
	upgrade := resp.Header.Get("Upgrade")
	out := resp.Header
	StripHopByHop(out)
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// The upstream accepted the upgrade (WebSocket): the caller joins
		// the two connections; the integration timeout no longer applies.
		timer.Stop()
		conn, ok := resp.Body.(io.ReadWriteCloser)
		if !stream || !ok || req.Upgrade == "" {
			resp.Body.Close()
			return nil, fmt.Errorf("%w: the upstream switched protocols unasked", ErrUnreachable)
		}
		out.Set("Connection", "Upgrade")
		out.Set("Upgrade", upgrade)
		cancel = nil
		return &Response{Status: resp.StatusCode, Header: out, Stream: conn, Upgraded: true}, nil
	}
	if stream {
		timer.Stop()
		body := &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		cancel = nil
		out.Del("Content-Length")
		if resp.ContentLength >= 0 {
			out["Content-Length"] = []string{strconv.FormatInt(resp.ContentLength, 10)}
		}
		// Trailer is filled in as the body reaches its end.
		return &Response{Status: resp.StatusCode, Header: out, Stream: body, Trailer: resp.Trailer}, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, u.maxBody+1))
	if err != nil {
		return nil, u.failed(timedOut.Load(), err, " reading the body")
	}
	if int64(len(body)) > u.maxBody {
		return nil, fmt.Errorf("upstream body over %d bytes", u.maxBody)
	}
	out.Del("Content-Length")
	var trailer http.Header
	if len(resp.Trailer) > 0 {
		trailer = resp.Trailer.Clone()
	}
	return &Response{Status: resp.StatusCode, Header: out, Body: body, Trailer: trailer}, nil
}

// outgoing builds the request sent upstream: the headers the gateway
// forwards and nothing invented (no User-Agent, no sniffed Content-Type).
func (u *URL) outgoing(ctx context.Context, req *Request, stream bool) (*http.Request, error) {
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
	if u.base.User != nil && h.Get("Authorization") == "" {
		// credentials in the backend URL, as an HTTP client sends them
		pw, _ := u.base.User.Password()
		r := &http.Request{Header: h}
		r.SetBasicAuth(u.base.User.Username(), pw)
	}
	if req.Upgrade != "" && stream {
		h.Set("Connection", "Upgrade")
		h.Set("Upgrade", req.Upgrade)
	}
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	// No URL to parse: the target is built from its parts just below.
	r, err := http.NewRequestWithContext(ctx, req.Method, "", body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	r.URL = u.target(req)
	r.Host = ""
	r.Header = h
	if len(req.Trailer) > 0 {
		// Trailers go out only on a chunked body.
		r.Trailer = req.Trailer.Clone()
		r.ContentLength = -1
		if r.Body == nil {
			r.Body = http.NoBody
		}
	}
	return r, nil
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

// Send makes one bodiless request through the shared upstream transport
// with exactly the headers given (nothing invented, no redirect followed),
// for subrequests such as forward auth. The caller closes the response body.
func Send(ctx context.Context, method, rawURL string, h http.Header) (*http.Response, error) {
	r, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return nil, err
	}
	r.Header = h.Clone()
	if _, ok := r.Header["User-Agent"]; !ok {
		r.Header["User-Agent"] = []string{""} // keep Go from sending its own
	}
	return transport.RoundTrip(r)
}
