package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

// Doc is the JSON form of a result (fire --json, serve --json, run --json).
type Doc struct {
	RequestID  string            `json:"requestId"`
	Time       time.Time         `json:"time"`
	Request    RequestDoc        `json:"request"`
	Route      string            `json:"route,omitempty"`
	Authorizer string            `json:"authorizer,omitempty"`
	Outcome    string            `json:"authorizerOutcome"`
	Principal  string            `json:"principal,omitempty"`
	Response   ResponseDoc       `json:"response"`
	Upstream   *RequestDoc       `json:"upstream"`
	Stages     []*trace.Stage    `json:"stages"`
	Summary    map[string]string `json:"stageStatus"`
	// Gateway is set by fire when it ran the embedded demo because no
	// gateway file was found.
	Gateway *GatewayDoc `json:"gateway,omitempty"`
}

// GatewayDoc names the gateway a document's request went through.
type GatewayDoc struct {
	File   string `json:"file"`
	Demo   bool   `json:"demo,omitempty"`
	Notice string `json:"notice,omitempty"`
}

// RequestDoc is a request in JSON.
type RequestDoc struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   map[string][]string `json:"query,omitempty"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    string              `json:"body,omitempty"`
}

// ResponseDoc is a response in JSON; a JSON body is embedded as JSON.
type ResponseDoc struct {
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Body    json.RawMessage     `json:"body,omitempty"`
	Text    string              `json:"bodyText,omitempty"`
}

// NewDoc builds the JSON document, redacting secrets unless reveal.
func NewDoc(res *engine.Result, reveal bool) *Doc {
	red := ForResult(res, reveal)
	d := &Doc{
		RequestID: res.Trace.RequestID, Time: res.Trace.Time, Route: res.Route,
		Authorizer: res.Authorizer, Outcome: res.Outcome, Principal: red.String(res.Principal),
		Request: RequestDoc{Method: res.Request.Method, Path: red.String(res.Request.Path), Query: redactHeader(res.Request.Query, red),
			Headers: redactHeader(res.Request.Header, red), Body: red.String(string(res.Request.Body))},
		Response: ResponseDoc{Status: res.Response.Status, Headers: redactHeader(res.Response.Header, red)},
		Summary:  map[string]string{},
	}
	if json.Valid(res.Response.Body) && len(res.Response.Body) > 0 {
		d.Response.Body = redactJSON(res.Response.Body, red)
		if d.Response.Body == nil {
			d.Response.Text = red.String(string(res.Response.Body))
		}
	} else {
		d.Response.Text = red.String(string(res.Response.Body))
	}
	if up := res.Upstream; up != nil && res.Trace.Stage(trace.Backend) != nil {
		d.Upstream = &RequestDoc{Method: up.Method, Path: red.String(up.Path), Query: redactHeader(up.Query, red),
			Headers: redactHeader(up.Header, red), Body: red.String(string(up.Body))}
	}
	for _, s := range res.Trace.Stages {
		d.Stages = append(d.Stages, redactStage(s, red))
		d.Summary[s.Name] = string(s.Status)
	}
	return d
}

// redactHeader copies headers or query parameters with their secrets
// abbreviated.
func redactHeader[M ~map[string][]string](h M, red *Redactor) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, v := range h {
		vv := make([]string, len(v))
		for i, x := range v {
			vv[i] = red.String(x)
		}
		out[k] = vv
	}
	return out
}

func redactStage(s *trace.Stage, red *Redactor) *trace.Stage {
	if red == nil {
		return s
	}
	c := *s
	c.Summary = red.String(s.Summary)
	c.Details = make([]trace.Detail, len(s.Details))
	for i, d := range s.Details {
		d.Value = red.String(d.Value)
		if d.JSON != nil {
			if j := redactJSON(d.JSON, red); j != nil {
				d.JSON = j
			} else {
				d.JSON, d.Value = nil, red.String(string(d.JSON))
			}
		}
		c.Details[i] = d
	}
	c.Changes = make([]trace.Change, len(s.Changes))
	for i, ch := range s.Changes {
		ch.Old = redactList(ch.Old, red)
		ch.New = redactList(ch.New, red)
		c.Changes[i] = ch
	}
	return &c
}

// redactJSON abbreviates the secrets of a JSON document; nil when the
// result would not be JSON any more (the caller keeps it as text).
func redactJSON(doc []byte, red *Redactor) json.RawMessage {
	out := json.RawMessage(red.String(string(doc)))
	if !json.Valid(out) {
		return nil
	}
	return out
}

func redactList(v []string, red *Redactor) []string {
	if v == nil {
		return nil
	}
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = red.String(x)
	}
	return out
}

// JSON writes the document, indented.
func JSON(w io.Writer, res *engine.Result, reveal bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(NewDoc(res, reveal))
}
