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
}

// Response is the backend's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
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
	body, err := json.MarshalIndent(eb, "", "  ")
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
	client  *resty.Client
}

// DefaultUpstreamTimeout is API Gateway's integration timeout.
const DefaultUpstreamTimeout = 29 * time.Second

// NewURL returns an upstream at base.
func NewURL(base string, timeout time.Duration) (*URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("backend url: %w", err)
	}
	if timeout <= 0 {
		timeout = DefaultUpstreamTimeout
	}
	c := resty.New().SetDoNotParseResponse(true).SetRedirectPolicy(resty.NoRedirectPolicy())
	return &URL{base: u, timeout: timeout, maxBody: 10 << 20, client: c}, nil
}

func (u *URL) Describe() string { return u.base.String() }

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

func (u *URL) target(req *Request) string {
	t := *u.base
	t.Path = strings.TrimSuffix(u.base.Path, "/") + req.Path
	t.RawPath = ""
	t.RawQuery = req.Query.Encode()
	return t.String()
}

func (u *URL) Serve(ctx context.Context, req *Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	h := req.Header.Clone()
	StripHopByHop(h)
	r := u.client.R().SetContext(ctx).SetBody(req.Body)
	r.Header = h
	resp, err := r.Execute(req.Method, u.target(req))
	if err != nil {
		var ne net.Error
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return nil, fmt.Errorf("%w after %s: %s", ErrTimeout, u.timeout, u.base)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	raw := resp.RawBody()
	defer raw.Close()
	body, err := io.ReadAll(io.LimitReader(raw, u.maxBody+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w after %s reading the body", ErrTimeout, u.timeout)
		}
		return nil, fmt.Errorf("%w: reading body: %v", ErrUnreachable, err)
	}
	if int64(len(body)) > u.maxBody {
		return nil, fmt.Errorf("upstream body over %d bytes", u.maxBody)
	}
	out := resp.Header().Clone()
	StripHopByHop(out)
	out.Del("Content-Length")
	return &Response{Status: resp.StatusCode(), Header: out, Body: body}, nil
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
