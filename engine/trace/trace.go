// Package trace is the one record of what the engine did with a request.
// Every surface (fire, run, serve, the TUI) renders this type and nothing else.
package trace

import (
	"encoding/json"
	"time"
)

// Status of one stage.
type Status string

const (
	OK   Status = "ok"
	Skip Status = "skip"
	Fail Status = "fail"
)

// Stage names, in pipeline order.
const (
	Route         = "route"
	Identity      = "identity"
	Cache         = "cache"
	Authorizer    = "authorizer"
	ResponseCheck = "response-check"
	Policy        = "policy"
	// APIKey and UsagePlan are recorded only on routes with apiKeyRequired
	// (AWS-K1, AWS-K4, AWS-K5).
	APIKey    = "api-key"
	UsagePlan = "usage-plan"
	// BackendAuthorizer is recorded only on routes that have one (HW-B1).
	BackendAuthorizer = "backend-authorizer"
	RequestTransform  = "request-transform"
	Backend           = "backend"
	FailureResponse   = "failure-response"
	ResponseTransform = "response-transform"
)

// Stages lists every stage name in the order the pipeline runs them.
var Stages = []string{Route, Identity, Cache, Authorizer, ResponseCheck, Policy,
	APIKey, UsagePlan, BackendAuthorizer, RequestTransform, Backend, FailureResponse, ResponseTransform}

// Optional reports a stage recorded only on requests it applies to.
func Optional(name string) bool {
	return name == BackendAuthorizer || name == APIKey || name == UsagePlan
}

// Detail is one fact a stage recorded. Exactly one of Value or JSON is set.
type Detail struct {
	Key   string          `json:"key"`
	Value string          `json:"value,omitempty"`
	JSON  json.RawMessage `json:"json,omitempty"`
}

// Change is one edit a transformation made to headers or query parameters.
// Op is one of set, appended, overwritten, removed, renamed, skipped, blocked.
type Change struct {
	Target string   `json:"target"` // header | query
	Op     string   `json:"op"`
	Name   string   `json:"name"`
	From   string   `json:"from,omitempty"` // renamed: the old name
	Old    []string `json:"old,omitempty"`  // values present before (client values when overwritten)
	New    []string `json:"new,omitempty"`
	Note   string   `json:"note,omitempty"`
}

// Stage is what one pipeline step did.
type Stage struct {
	Name     string        `json:"stage"`
	Status   Status        `json:"status"`
	Rules    []string      `json:"rules,omitempty"` // semantics.md rule ids that applied
	Summary  string        `json:"summary"`
	Duration time.Duration `json:"durationNs"`
	Details  []Detail      `json:"details,omitempty"`
	Changes  []Change      `json:"changes,omitempty"`
}

// Add appends a plain detail.
func (s *Stage) Add(key, value string) *Stage {
	s.Details = append(s.Details, Detail{Key: key, Value: value})
	return s
}

// AddJSON appends a JSON document (an event, a raw answer). Invalid JSON is
// kept as text so that garbage from an authorizer is still shown exactly.
func (s *Stage) AddJSON(key string, doc []byte) *Stage {
	if json.Valid(doc) {
		s.Details = append(s.Details, Detail{Key: key, JSON: append(json.RawMessage(nil), doc...)})
	} else {
		s.Details = append(s.Details, Detail{Key: key, Value: string(doc)})
	}
	return s
}

// AddRawJSON is AddJSON for a document its caller never changes again (a
// cached policy's statement): it is kept as it is rather than copied.
func (s *Stage) AddRawJSON(key string, doc json.RawMessage) *Stage {
	if json.Valid(doc) {
		s.Details = append(s.Details, Detail{Key: key, JSON: doc})
	} else {
		s.Details = append(s.Details, Detail{Key: key, Value: string(doc)})
	}
	return s
}

// Rule appends rule ids, each once.
func (s *Stage) Rule(ids ...string) *Stage {
next:
	for _, id := range ids {
		for _, have := range s.Rules {
			if have == id {
				continue next
			}
		}
		s.Rules = append(s.Rules, id)
	}
	return s
}

// Get returns the first detail value with that key.
func (s *Stage) Get(key string) (Detail, bool) {
	for _, d := range s.Details {
		if d.Key == key {
			return d, true
		}
	}
	return Detail{}, false
}

// Trace is the ordered record of one request through the engine.
type Trace struct {
	RequestID string    `json:"requestId"`
	Time      time.Time `json:"time"`
	Stages    []*Stage  `json:"stages"`
	// Secrets are values (tokens, identity sources) that renderers abbreviate
	// wherever they appear unless asked to reveal them.
	Secrets []string `json:"-"`
}

// Stage returns the stage with that name, or nil.
func (t *Trace) Stage(name string) *Stage {
	for _, s := range t.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// AddSecret records a value to abbreviate in renderings.
func (t *Trace) AddSecret(v string) {
	// Short credentials are secrets too (ALL-2); below 3 characters a value
	// would mask unrelated text everywhere it appears.
	if len(v) < 3 {
		return
	}
	for _, s := range t.Secrets {
		if s == v {
			return
		}
	}
	t.Secrets = append(t.Secrets, v)
}
