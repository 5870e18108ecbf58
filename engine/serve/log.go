package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	w        io.Writer
	mu       sync.Mutex // one request's line is never interleaved with another's
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
	return &requestLog{w: w, json: asJSON, reveal: reveal, traceDir: traceDir}, nil
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
	red := report.ForResult(res, l.reveal)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s → %d  %s", time.Now().Format("15:04:05.000"), red.Line(res.Request.Method),
		red.Line(res.Request.Target()), res.Response.Status, shortDuration(took))
	switch {
	case res.Route == "":
		b.WriteString("  no route")
	case res.Authorizer == "":
		b.WriteString("  no authorizer")
	default:
		fmt.Fprintf(&b, "  %s %s", red.Line(res.Authorizer), res.Outcome)
	}
	if res.Principal != "" {
		fmt.Fprintf(&b, "  principal %s", red.Line(res.Principal))
	}
	fmt.Fprintf(&b, "  req %s", shortID(res.Trace.RequestID))
	for _, s := range res.Trace.Stages {
		if s.Status == trace.Fail {
			fmt.Fprintf(&b, "\n    ✗ %s: %s", s.Name, red.Line(s.Summary))
			if len(s.Rules) > 0 {
				fmt.Fprintf(&b, "  [%s]", strings.Join(s.Rules, " "))
			}
			break
		}
	}
	if copyErr != nil {
		fmt.Fprintf(&b, "\n    ✗ answer not delivered: %s", red.Line(copyErr.Error()))
	}
	b.WriteByte('\n')
	l.writeText(b.String())
}

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
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = fmt.Fprint(l.w, s)
}

func (l *requestLog) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		l.writeText(fmt.Sprintf("authlab serve: encoding a trace: %v\n", err))
		return
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	// Contract §1: serve's trace lines go to stderr, --json ones too; a JSON
	// line always starts with "{", so `2>&1 | grep '^{' | jq` separates them
	// from the startup and reload notices.
	_, _ = l.w.Write(b)
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
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return d.Round(time.Millisecond).String()
}
