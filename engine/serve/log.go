package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/engine/trace"
)

// requestLog reports each request: a line on stderr, or with --json the
// full trace as a JSON line on stdout (stderr keeps startup and reload
// messages, so stdout stays pure JSON for jq), and optionally a file per
// request in the trace folder.
type requestLog struct {
	out      batch // one request's line is never interleaved with another's
	json     bool
	reveal   bool
	traceDir string
	dirErr   sync.Once
}

func newRequestLog(w io.Writer, asJSON, reveal bool, traceDir string) (*requestLog, error) {
	if traceDir != "" {
		if err := os.MkdirAll(traceDir, 0o755); err != nil {
			return nil, &Error{Usage: true, Err: fmt.Errorf("--trace-dir: %v", err)}
		}
	}
	return &requestLog{out: batch{w: w}, json: asJSON, reveal: reveal, traceDir: traceDir}, nil
}

// serveDoc is a result's JSON line: the trace document of fire --json, plus
// the time the whole exchange took and why the answer did not reach the
// client, if it did not.
type serveDoc struct {
	*report.Doc
	DurationNs  int64  `json:"durationNs"`
	Undelivered string `json:"undelivered,omitempty"`
}

func (l *requestLog) result(res *engine.Result, took time.Duration, copyErr error) {
	if l.traceDir != "" {
		l.keep(res)
	}
	if l.json {
		d := serveDoc{Doc: report.NewDoc(res, l.reveal), DurationNs: took.Nanoseconds()}
		if copyErr != nil {
			d.Undelivered = report.ForResult(res, l.reveal).String(copyErr.Error())
		}
		l.writeJSON(d)
		return
	}
	// One line per request: the path, headers and answers in it come from
	// clients and functions, so secrets are abbreviated and control
	// characters escaped (a %0a in a path must not forge a second line).
	// It is put together in a pooled buffer without fmt, and written in one
	// write (see batch).
	red := report.ForResult(res, l.reveal)
	bp := lineBuffers.Get().(*[]byte)
	b := time.Now().AppendFormat((*bp)[:0], "15:04:05.000")
	b = append(b, ' ')
	b = append(b, red.Line(res.Request.Method)...)
	b = append(b, ' ')
	b = append(b, red.Line(res.Request.Target())...)
	b = append(b, " → "...)
	b = strconv.AppendInt(b, int64(res.Response.Status), 10)
	b = append(b, "  "...)
	b = appendShortDuration(b, took)
	switch {
	case res.Route == "":
		b = append(b, "  no route"...)
	case res.Authorizer == "":
		b = append(b, "  no authorizer"...)
	default:
		b = append(b, "  "...)
		b = append(b, red.Line(res.Authorizer)...)
		b = append(b, ' ')
		b = append(b, res.Outcome...)
	}
	if res.Principal != "" {
		b = append(b, "  principal "...)
		b = append(b, red.Line(res.Principal)...)
	}
	b = append(b, "  req "...)
	b = append(b, shortID(res.Trace.RequestID)...)
	for _, s := range res.Trace.Stages {
		if s.Status == trace.Fail {
			b = append(b, "\n    ✗ "...)
			b = append(b, s.Name...)
			b = append(b, ": "...)
			b = append(b, red.Line(s.Summary)...)
			if len(s.Rules) > 0 {
				b = append(b, "  ["...)
				b = append(b, strings.Join(s.Rules, " ")...)
				b = append(b, ']')
			}
			break
		}
	}
	if copyErr != nil {
		b = append(b, "\n    ✗ answer not delivered: "...)
		b = append(b, red.Line(copyErr.Error())...)
	}
	b = append(b, '\n')
	l.out.write(b)
	*bp = b
	lineBuffers.Put(bp)
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// refusedDoc is the JSON line of a request refused before the gateway ran.
type refusedDoc struct {
	Time       time.Time         `json:"time"`
	Request    report.RequestDoc `json:"request"`
	Status     int               `json:"status"`
	Refused    string            `json:"refused"`
	DurationNs int64             `json:"durationNs"`
}

func (l *requestLog) refused(r *http.Request, f *refusal, took time.Duration) {
	if l.json {
		d := refusedDoc{Time: time.Now().UTC(), Status: f.status, Refused: f.reason, DurationNs: took.Nanoseconds()}
		d.Request = report.RequestDoc{Method: r.Method, Path: r.URL.Path}
		l.writeJSON(d)
		return
	}
	var red *report.Redactor
	if !l.reveal {
		red = report.NewRedactor(nil) // URL passwords only: the gateway did not run
	}
	l.writeText(fmt.Sprintf("%s %s %s → %d  %s  refused before the gateway: %s\n",
		time.Now().Format("15:04:05.000"), red.Line(r.Method), red.Line(r.URL.Path), f.status, shortDuration(took), red.Line(f.reason)))
}

func (l *requestLog) writeText(s string) {
	l.out.write([]byte(s))
}

func (l *requestLog) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		l.writeText(fmt.Sprintf("authlab serve: encoding a trace: %v\n", err))
		return
	}
	b = append(b, '\n')
	// Contract §1: serve's trace lines go to stderr, --json ones too; a JSON
	// line always starts with "{", so `2>&1 | grep '^{' | jq` separates them
	// from the startup and reload notices.
	l.out.write(b)
}

// batch writes each request's lines whole, in order, and under load many
// requests' lines in one write: a request whose line comes while another
// is being written adds it to the next write and goes on, where each used
// to wait for the lock and write on its own. Whoever writes carries on
// until nothing is left, so no line waits for a later request; with one
// request at a time, each line is written before its request ends, as
// before.
type batch struct {
	w       io.Writer
	mu      sync.Mutex
	pending []byte
	spare   []byte
	writing bool
}

func (b *batch) write(p []byte) {
	b.mu.Lock()
	b.pending = append(b.pending, p...)
	if b.writing {
		b.mu.Unlock()
		return
	}
	b.writing = true
	for len(b.pending) > 0 {
		out := b.pending
		b.pending = b.spare[:0]
		b.mu.Unlock()
		_, _ = b.w.Write(out)
		b.mu.Lock()
		if cap(out) <= 64<<10 {
			b.spare = out[:0]
		} else {
			b.spare = nil // a burst's buffer is not kept
		}
	}
	b.writing = false
	b.mu.Unlock()
}

// keep writes the full trace to the trace folder, named so that a listing
// is in time order: 20260102T150405.123456789Z-<request id>.json.
func (l *requestLog) keep(res *engine.Result) {
	name := res.Trace.Time.UTC().Format("20060102T150405.000000000Z") + "-" + res.Trace.RequestID + ".json"
	f, err := os.OpenFile(filepath.Join(l.traceDir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err == nil {
		err = report.JSON(f, res, l.reveal)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		// Said once: a full disk would otherwise repeat it per request.
		l.dirErr.Do(func() {
			l.writeText(fmt.Sprintf("authlab serve: writing traces to %s: %v (further errors not shown)\n", l.traceDir, err))
		})
	}
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func shortDuration(d time.Duration) string {
	return string(appendShortDuration(nil, d))
}

// appendShortDuration writes 850µs, 12.3ms or 1.234s.
func appendShortDuration(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Millisecond:
		return append(strconv.AppendInt(b, d.Microseconds(), 10), "µs"...)
	case d < time.Second:
		return append(strconv.AppendFloat(b, float64(d)/float64(time.Millisecond), 'f', 1, 64), "ms"...)
	}
	return append(b, d.Round(time.Millisecond).String()...)
}
