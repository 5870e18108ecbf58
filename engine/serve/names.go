package serve

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Header names as the client spelled them.
//
// net/http canonicalises header names while parsing (authorization →
// Authorization), but API Gateway hands them to the function as sent, and a
// handler reading event["headers"]["authorization"] works or breaks on
// exactly that. So each connection is wrapped to watch the bytes the server
// reads: a small scanner follows HTTP/1.1 framing (request line, headers,
// Content-Length or chunked body) and queues each request's header names;
// the handler takes them in order. When the scanner meets anything it does
// not follow it gives up on that connection and names stay canonical: the
// spelling is a refinement, never a reason to refuse a request.

// nameListener wraps accepted connections with a scanner.
type nameListener struct{ net.Listener }

func (l nameListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &nameConn{Conn: c, s: &nameScanner{}}, nil
}

type nameConn struct {
	net.Conn
	s *nameScanner
}

func (c *nameConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.s.feed(p[:n])
	}
	return n, err
}

type scannerKey struct{}

// withSentNames is the server's ConnContext: it hands the connection's
// scanner to its requests.
func withSentNames(ctx context.Context, c net.Conn) context.Context {
	if nc, ok := c.(*nameConn); ok {
		return context.WithValue(ctx, scannerKey{}, nc.s)
	}
	return ctx
}

// sentNames maps canonical header names to the client's first spelling.
func sentNames(r *http.Request) map[string]string {
	s, ok := r.Context().Value(scannerKey{}).(*nameScanner)
	if !ok {
		return nil
	}
	return s.take(r.Method, r.RequestURI)
}

// Scanner limits: past them the scanner stops following the connection.
const (
	maxScanLine   = 1 << 20
	maxScanNames  = 1000
	maxScanQueued = 64
)

type scanState int

const (
	scanHead      scanState = iota // request line and headers
	scanBody                       // Content-Length bytes to skip
	scanChunkSize                  // a chunk-size line
	scanChunkData                  // chunk bytes to skip
	scanChunkEnd                   // the CRLF after chunk data
	scanTrailer                    // trailer lines up to the empty one
	scanDead                       // gave up
)

// scannedRequest is one request's head as it went by.
type scannedRequest struct {
	method, target string
	names          map[string]string
	contentLength  int64
	chunked        bool
}

type nameScanner struct {
	mu    sync.Mutex // the server's background read feeds while a handler takes
	state scanState
	line  []byte
	cur   *scannedRequest
	left  int64
	queue []*scannedRequest
}

func (s *nameScanner) feed(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(p) > 0 && s.state != scanDead {
		switch s.state {
		case scanBody, scanChunkData:
			n := int64(len(p))
			if n > s.left {
				n = s.left
			}
			p, s.left = p[n:], s.left-n
			if s.left == 0 {
				if s.state == scanBody {
					s.state = scanHead
				} else {
					s.state = scanChunkEnd
				}
			}
		default:
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				s.line = append(s.line, p...)
				p = nil
			} else {
				s.line = append(s.line, p[:i]...)
				p = p[i+1:]
				s.onLine(string(bytes.TrimSuffix(s.line, []byte("\r"))))
				s.line = s.line[:0]
			}
			if len(s.line) > maxScanLine {
				s.state = scanDead
			}
		}
	}
}

func (s *nameScanner) onLine(line string) {
	switch s.state {
	case scanHead:
		s.headLine(line)
	case scanChunkSize:
		size, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		switch {
		case err != nil || n < 0:
			s.state = scanDead
		case n == 0:
			s.state = scanTrailer
		default:
			s.state, s.left = scanChunkData, n
		}
	case scanChunkEnd:
		if line != "" {
			s.state = scanDead
			return
		}
		s.state = scanChunkSize
	case scanTrailer:
		if line == "" {
			s.state = scanHead
		}
	}
}

func (s *nameScanner) headLine(line string) {
	if s.cur == nil {
		if line == "" {
			return // stray CRLF between requests
		}
		method, rest, ok1 := strings.Cut(line, " ")
		target, _, ok2 := strings.Cut(rest, " ")
		if !ok1 || !ok2 {
			s.state = scanDead
			return
		}
		s.cur = &scannedRequest{method: method, target: target, names: map[string]string{}, contentLength: -1}
		return
	}
	if line == "" {
		r := s.cur
		s.cur = nil
		if len(s.queue) >= maxScanQueued {
			s.queue = s.queue[1:]
		}
		s.queue = append(s.queue, r)
		switch {
		case r.chunked:
			s.state = scanChunkSize
		case r.contentLength > 0:
			s.state, s.left = scanBody, r.contentLength
		}
		return
	}
	name, value, ok := strings.Cut(line, ":")
	if !ok || len(s.cur.names) >= maxScanNames {
		s.state = scanDead
		return
	}
	c := http.CanonicalHeaderKey(name)
	if _, seen := s.cur.names[c]; !seen {
		s.cur.names[c] = name
	}
	switch c {
	case "Content-Length":
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil {
			s.state = scanDead
			return
		}
		s.cur.contentLength = n
	case "Transfer-Encoding":
		if strings.Contains(strings.ToLower(value), "chunked") {
			s.cur.chunked = true
		}
	}
}

// take returns the names of the request with this request line, dropping
// heads of requests the server answered without a handler (OPTIONS *).
func (s *nameScanner) take(method, target string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		if r.method == method && r.target == target {
			return r.names
		}
	}
	return nil
}
