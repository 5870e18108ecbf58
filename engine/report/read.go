package report

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/limits"
	"github.com/authlab/authlab/engine/trace"
)

// ReadDoc turns a JSON document (fire --json, serve --json, a --trace-dir
// file) back into a result, so a kept trace can be inspected like a fresh
// one. Secrets stay as they were written (abbreviated unless --reveal).
func ReadDoc(b []byte) (*engine.Result, error) {
	var d Doc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("not an authlab trace: %w", err)
	}
	if d.RequestID == "" || len(d.Stages) == 0 {
		return nil, fmt.Errorf("not an authlab trace: no requestId or stages")
	}
	res := &engine.Result{
		Route: d.Route, Authorizer: d.Authorizer, Outcome: d.Outcome, Principal: d.Principal,
		Trace: &trace.Trace{RequestID: d.RequestID, Time: d.Time, Stages: d.Stages},
		Request: &engine.Request{Method: d.Request.Method, Path: d.Request.Path, Query: url.Values(d.Request.Query),
			Header: http.Header(d.Request.Headers), Body: []byte(d.Request.Body)},
		Response: &engine.Response{Status: d.Response.Status, Header: http.Header(d.Response.Headers)},
	}
	if len(d.Response.Body) > 0 {
		res.Response.Body = []byte(d.Response.Body)
	} else {
		res.Response.Body = []byte(d.Response.Text)
	}
	if res.Request.Header == nil {
		res.Request.Header = http.Header{}
	}
	if up := d.Upstream; up != nil {
		res.Upstream = &backend.Request{Method: up.Method, Path: up.Path, Query: url.Values(up.Query),
			Header: http.Header(up.Headers), Body: []byte(up.Body)}
	}
	return res, nil
}

// ReadTraces reads trace files (or every *.json in a folder, in name order,
// which --trace-dir makes time order). A file over limits.MaxTraceBytes is
// refused before it is read whole.
func ReadTraces(paths []string) ([]*engine.Result, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		files = append(files, matches...)
	}
	var out []*engine.Result
	for _, f := range files {
		b, err := limits.ReadFile(f, "trace file", limits.MaxTraceBytes)
		if err != nil {
			return nil, err
		}
		b = limits.StripBOM(b)
		// A file may hold one document, or JSON lines (serve --json).
		for i, line := range splitDocs(b) {
			r, err := ReadDoc(line)
			if err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", f, i+1, err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func splitDocs(b []byte) [][]byte {
	s := strings.TrimSpace(string(b))
	if !strings.Contains(s, "\n{") {
		return [][]byte{[]byte(s)}
	}
	var out [][]byte
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "{") {
			out = append(out, []byte(line))
		}
	}
	return out
}
