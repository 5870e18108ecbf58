package serve

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/trace"
)

// handler turns HTTP requests into engine requests and engine responses
// back into HTTP.
type handler struct {
	e       *engine.Engine
	log     *requestLog
	maxBody int64
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	req, refusal := h.toEngine(w, r)
	if refusal != nil {
		refusal.write(w)
		h.log.refused(r, refusal, time.Since(start))
		return
	}
	// Streaming: a url backend hands back the upstream body unread, and it
	// is copied to the client as it arrives.
	res := h.e.Do(backend.WithStreaming(r.Context()), req)
	copyErr := writeResult(w, r, res)
	if copyErr == nil && r.Context().Err() != nil {
		// The client hung up while the gateway worked: say so, or the
		// line would blame the upstream for a cancelled call.
		copyErr = errors.New("the client closed the connection before the answer")
	}
	h.log.result(res, time.Since(start), copyErr)
}

// refusal is an answer given before the engine runs: the request could not
// be read as the gateway would receive it.
type refusal struct {
	status int
	body   string
	reason string
}

func (f *refusal) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.body)))
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, f.body)
}

// toEngine reads the request. The body is read whole, up to the limit,
// because authorizers may read it (${request.body}, OCI body arguments,
// Huawei sendBody) and the gateway buffers it too.
func (h *handler) toEngine(w http.ResponseWriter, r *http.Request) (*engine.Request, *refusal) {
	if r.ContentLength > h.maxBody {
		return nil, tooLarge(h.maxBody)
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, tooLarge(h.maxBody)
		case err != nil:
			// Most often the client was too slow for --read-timeout or
			// went away; either way there is no whole request to serve.
			return nil, &refusal{status: http.StatusRequestTimeout, body: `{"message":"Request Timeout"}`,
				reason: "reading the request body: " + err.Error()}
		}
		if len(b) > 0 {
			body = b
		}
	}
	rawPath, rawQuery := requestTarget(r)
	// A malformed query keeps the pairs that parse, as gateways do.
	query, _ := url.ParseQuery(rawQuery)
	req := &engine.Request{
		Method: r.Method, Path: r.URL.Path, RawPath: rawPath, RawQuery: rawQuery, Query: query,
		Body: body, Host: r.Host, SourceIP: clientIP(r.RemoteAddr),
		// The scanner's names are canonical name → first spelling on the
		// wire, what Request.Names holds: handed over as they are.
		Names: sentNames(r),
	}
	if len(r.Trailer) > 0 {
		// complete now that the body has been read to its end
		req.Trailer = r.Trailer.Clone()
	}
	req.Header = copyHeader(r)
	return req, nil
}

// copyHeader is the request's header for the engine, Host included: net/http
// moves Host out of the header map, and gateways keep it (the REQUEST
// event's headers, requestContext.domainName). Its names are canonical
// already; the values share one allocation.
func copyHeader(r *http.Request) http.Header {
	n := 0
	for _, vs := range r.Header {
		n += len(vs)
	}
	h := make(http.Header, len(r.Header)+1)
	vals := make([]string, 0, n+1)
	if r.Host != "" {
		vals = append(vals, r.Host)
		h["Host"] = vals[0:1:1]
	}
	for k, vs := range r.Header {
		start := len(vals)
		vals = append(vals, vs...)
		if prior, ok := h[k]; ok { // a Host header net/http left in place
			h[k] = append(prior[:len(prior):len(prior)], vs...)
			continue
		}
		h[k] = vals[start:len(vals):len(vals)]
	}
	return h
}

// requestTarget is the path and query exactly as the client wrote them on
// the request line: the engine checks and routes that, and the backend gets
// it byte for byte (PATH-4, PATH-7). net/http's URL.Path is already decoded
// and its RawPath is dropped whenever it is the default escaping.
func requestTarget(r *http.Request) (path, query string) {
	t := r.RequestURI
	if !strings.HasPrefix(t, "/") {
		// absolute-form (a client talking to a proxy): drop scheme and host
		if i := strings.Index(t, "://"); i >= 0 {
			rest := t[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				t = rest[j:]
			} else {
				t = "/"
			}
		}
		if strings.HasPrefix(t, "?") {
			t = "/" + t
		}
	}
	path, query, _ = strings.Cut(t, "?")
	return path, query
}

func tooLarge(limit int64) *refusal {
	s := ByteSize(limit)
	return &refusal{status: http.StatusRequestEntityTooLarge, body: `{"message":"Request Too Long"}`,
		reason: "request body over " + s.String() + " (--max-body-size)"}
}

func clientIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// writeResult sends the engine's answer. It returns the error of copying a
// streamed upstream body, which the log reports.
func writeResult(w http.ResponseWriter, r *http.Request, res *engine.Result) error {
	resp := res.Response
	status := resp.Status
	if resp.Upgraded {
		return joinUpgrade(w, resp)
	}
	if status < 200 || status > 999 {
		// net/http cannot send a final 1xx (or a nonsense code); the
		// client gets what a proxy answers for a broken upstream.
		if resp.Stream != nil {
			resp.Stream.Close()
		}
		markBadStatus(res, status)
		resp.Status, resp.Header, resp.Body, resp.Stream = http.StatusBadGateway, http.Header{}, nil, nil
		status = http.StatusBadGateway
	}
	dst := w.Header()
	for k, v := range resp.Header {
		dst[k] = v
	}
	if resp.Stream == nil {
		dst.Set("Content-Length", strconv.Itoa(len(resp.Body)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(resp.Body)
		}
		return nil
	}
	defer resp.Stream.Close()
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	if err := copyStream(w, resp.Stream, flushesAsItGoes(resp.Header)); err != nil {
		abort(w)
		return err
	}
	// The upstream's trailers are known only now that its body has ended;
	// the prefix makes net/http send them after the chunked body.
	for k, vs := range resp.Trailer {
		w.Header()[http.TrailerPrefix+k] = vs
	}
	return nil
}

// markBadStatus records on the backend stage why the client got a 502.
func markBadStatus(res *engine.Result, status int) {
	st := res.Trace.Stage(trace.Backend)
	if st == nil {
		st = &trace.Stage{Name: trace.Backend}
		res.Trace.Stages = append(res.Trace.Stages, st)
	}
	st.Status = trace.Fail
	st.Summary = fmt.Sprintf("status %d cannot be relayed as a final HTTP status: answered 502", status)
}

// flushesAsItGoes tells answers whose parts must reach the client as they
// come (server-sent events, bodies of unknown length) from ordinary ones,
// which net/http's buffering serves best.
func flushesAsItGoes(h http.Header) bool {
	ct := h.Get("Content-Type")
	return h.Get("Content-Length") == "" || strings.HasPrefix(ct, "text/event-stream")
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func copyStream(w http.ResponseWriter, src io.Reader, flush bool) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	rc := http.NewResponseController(w)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fmt.Errorf("writing to the client: %w", werr)
			}
			if flush {
				if ferr := rc.Flush(); ferr != nil {
					return fmt.Errorf("writing to the client: %w", ferr)
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the upstream body: %w", err)
		}
	}
}

// abort drops the connection of a response cut short, so the client sees a
// truncated body as an error instead of a short but complete-looking one.
func abort(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}
