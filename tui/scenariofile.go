package tui

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/trace"
	"github.com/authlab/authlab/fixtures"
)

// The types below write a scenario file (contract §3). The scenario
// package's own types decode (they hold YAML AST nodes), so writing uses
// plain structs whose field order is the order of the file.

type scenarioDoc struct {
	Name    string         `yaml:"name"`
	Clock   string         `yaml:"clock"`
	Gateway any            `yaml:"gateway"`
	Tokens  yaml.MapSlice  `yaml:"tokens,omitempty"`
	Steps   []scenarioStep `yaml:"steps"`
}

type scenarioStep struct {
	Name    string           `yaml:"name,omitempty"`
	Advance string           `yaml:"advance,omitempty"`
	Request *scenarioRequest `yaml:"request,omitempty"`
	Expect  *scenarioExpect  `yaml:"expect,omitempty"`
}

type scenarioRequest struct {
	Method  string        `yaml:"method"`
	Path    string        `yaml:"path"`
	Headers yaml.MapSlice `yaml:"headers,omitempty"`
	Body    string        `yaml:"body,omitempty"`
	SigV4   *scenarioSign `yaml:"sigv4,omitempty"`
}

// scenarioSign signs the step's request when it runs, as the composer did.
type scenarioSign struct {
	AccessKeyID string `yaml:"accessKeyId"`
}

type scenarioExpect struct {
	Status     int      `yaml:"status"`
	Authorizer string   `yaml:"authorizer,omitempty"`
	Principal  *string  `yaml:"principal,omitempty"`
	Route      string   `yaml:"route,omitempty"`
	Upstream   any      `yaml:"upstream,omitempty"`
	Rules      []string `yaml:"rules,omitempty,flow"`
}

type scenarioUpstream struct {
	Headers yaml.MapSlice `yaml:"headers,omitempty"`
}

// buildScenario turns history entries into a scenario: each request with
// what was observed as its expectations, and an `advance` step wherever
// the virtual clock moved between two of them. file is where it will be
// written (the gateway path is made relative to it); gatewayPath is the
// session's gateway file, "" for the embedded demo (then inlined).
func buildScenario(entries []*Entry, file, gatewayPath, name string, tokens map[string]TokenSource) ([]byte, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("nothing to save: fire a request first")
	}
	doc := scenarioDoc{Name: name, Clock: entries[0].At.UTC().Format(time.RFC3339)}
	if gatewayPath == "" {
		var inline yaml.MapSlice
		if err := yaml.UnmarshalWithOptions(fixtures.DemoGateway, &inline, yaml.UseOrderedMap()); err != nil {
			return nil, fmt.Errorf("inlining the demo gateway: %w", err)
		}
		doc.Gateway = inline
	} else {
		rel, err := relativeTo(file, gatewayPath)
		if err != nil {
			return nil, err
		}
		doc.Gateway = rel
	}
	var kept []*Entry
	for _, e := range entries {
		// A cancelled request has no answer to expect; a kept trace ran
		// on another engine, in another state.
		if !e.Cancelled && !e.Kept {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("nothing to save: no request fired here completed (cancelled requests and kept traces are left out)")
	}
	entries = kept
	prev := entries[0].At
	for _, e := range entries {
		if d := e.At.Sub(prev); d > 0 {
			doc.Steps = append(doc.Steps, scenarioStep{Advance: compactDuration(d)})
		}
		prev = e.At
		st := stepOf(e)
		if e.Flushes != entries[0].Flushes {
			// A cache flush cannot be written as a step: whether the
			// authorizer is called or cached would not replay.
			st.Expect.Authorizer = ""
		}
		doc.Steps = append(doc.Steps, st)
	}
	// Tokens minted here are named, not written out (they are credentials,
	// and they expire): the file mints them again.
	doc.Tokens = scenarioTokens(doc.Steps, tokens, file, entries[0].At)
	out, err := yaml.MarshalWithOptions(doc, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf(config.Modeline("scenario")+"\n"+
		"# Saved by authlab tui: %d %s and what was observed. Replay: authlab run %s\n"+
		"# A session file is scratch: rename it to keep it, or add authlab-session*.yaml to .gitignore.\n",
		len(entries), plural(len(entries), "request", "requests"), filepath.Base(file))
	return append([]byte(head), out...), nil
}

// relativeTo is target's path from the folder of file, with forward slashes.
func relativeTo(file, target string) (string, error) {
	af, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	at, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(filepath.Dir(af), at)
	if err != nil {
		return at, nil
	}
	return filepath.ToSlash(rel), nil
}

// stepOf is one request step with the observed result as expectations:
// status, what the authorizer did, the principal, the route, and the
// headers the gateway itself set on (or removed from) the upstream request.
func stepOf(e *Entry) scenarioStep {
	res := e.Result
	req := &scenarioRequest{Method: e.Spec.Method, Path: e.Spec.Target, Body: e.Spec.Body}
	if e.Spec.SigV4 != "" {
		req.SigV4 = &scenarioSign{AccessKeyID: e.Spec.SigV4}
	}
	for _, h := range e.Spec.Headers {
		name, val, _ := strings.Cut(h, ":")
		req.Headers = appendHeader(req.Headers, strings.TrimSpace(name), strings.TrimSpace(val))
	}
	st := scenarioStep{Name: fmt.Sprintf("#%d %s", e.N, e.Spec.String()), Request: req}
	if len(st.Name) > 80 {
		st.Name = st.Name[:79] + "…"
	}
	ex := &scenarioExpect{Status: res.Response.Status, Authorizer: res.Outcome, Route: res.Route}
	if res.Route == "" {
		ex.Route = "none"
	}
	if res.Principal != "" {
		p := res.Principal
		ex.Principal = &p
	}
	if res.Upstream == nil {
		ex.Upstream = "none"
	} else if hs := gatewayHeaders(res.Trace); len(hs) > 0 {
		ex.Upstream = scenarioUpstream{Headers: upstreamExpect(hs, res.Upstream.Header)}
	} else {
		ex.Upstream = scenarioUpstream{}
	}
	// The rules cited where the request was refused say why, and keep
	// saying it: a replay that is refused for another reason fails.
	for _, stage := range res.Trace.Stages {
		if stage.Status == trace.Fail {
			for _, r := range stage.Rules {
				if !slices.Contains(ex.Rules, r) {
					ex.Rules = append(ex.Rules, r)
				}
			}
		}
	}
	st.Expect = ex
	return st
}

// appendHeader adds a header, turning a repeated name into a list.
func appendHeader(ms yaml.MapSlice, name, value string) yaml.MapSlice {
	for i, it := range ms {
		if k, _ := it.Key.(string); strings.EqualFold(k, name) {
			switch v := it.Value.(type) {
			case string:
				ms[i].Value = []string{v, value}
			case []string:
				ms[i].Value = append(v, value)
			}
			return ms
		}
	}
	return append(ms, yaml.MapItem{Key: name, Value: value})
}

// gatewayHeaders are the header names the request transformation touched,
// in order: set ones must hold their value, removed ones must be absent.
func gatewayHeaders(t *trace.Trace) []trace.Change {
	st := t.Stage(trace.RequestTransform)
	if st == nil {
		return nil
	}
	var out []trace.Change
	for _, c := range st.Changes {
		if c.Target == "header" {
			out = append(out, c)
		}
	}
	return out
}

// upstreamExpect is the expected upstream headers: each touched header
// with the value that reached the backend, or null when it was removed.
func upstreamExpect(changes []trace.Change, got http.Header) yaml.MapSlice {
	var ms yaml.MapSlice
	seen := map[string]bool{}
	for _, c := range changes {
		name := http.CanonicalHeaderKey(c.Name)
		if seen[name] {
			continue
		}
		seen[name] = true
		vals, ok := got[name]
		if !ok {
			ms = append(ms, yaml.MapItem{Key: name, Value: nil})
			continue
		}
		ms = append(ms, yaml.MapItem{Key: name, Value: strings.Join(vals, ", ")})
	}
	if c := gatewayRenamedFrom(changes); c != "" && !seen[c] {
		if _, ok := got[c]; !ok {
			ms = append(ms, yaml.MapItem{Key: c, Value: nil})
		}
	}
	return ms
}

// gatewayRenamedFrom is the old name of a renamed header (now absent).
func gatewayRenamedFrom(changes []trace.Change) string {
	for _, c := range changes {
		if c.Op == "renamed" && c.From != "" {
			return http.CanonicalHeaderKey(c.From)
		}
	}
	return ""
}

// compactDuration writes 5m, 301s, 1h — what a person writes in a file.
func compactDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// writeScenario writes the file, refusing to replace one unless overwrite.
func writeScenario(path string, data []byte, overwrite bool) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !overwrite {
		flag |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(bytes.TrimRight(data, "\n")); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write([]byte("\n")); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
