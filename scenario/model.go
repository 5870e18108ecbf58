package scenario

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/sigv4"
)

// DefaultClock is where virtual time starts when a file gives no clock:
// a fixed date, never "now", so a scenario replays identically every day.
var DefaultClock = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Scenario is a loaded, checked scenario file, ready to replay. Every
// reference is resolved and every token minted at load, so replaying it
// cannot fail on the file's account.
type Scenario struct {
	Name    string
	File    string // as given on the command line
	Gateway *config.Gateway
	Start   time.Time
	// Plan holds the compiled steps, in file order.
	Plan []*StepPlan
}

// StepPlan is one compiled step.
type StepPlan struct {
	Index   int
	Name    string
	Line    int
	Advance time.Duration
	Request *RequestPlan // nil for a clock move alone
	Probe   *ProbePlan   // a probe step (authlab probe's battery)
	Checks  []check
}

// RequestPlan is a resolved request; each replay builds a fresh
// engine.Request from it, because the engine fills in what it reads.
type RequestPlan struct {
	Method   string
	Target   string // path and query
	Headers  []string
	Body     []byte
	Host     string
	SourceIP string
	// SigV4 signs the request when the step runs (at the virtual clock).
	SigV4 *SigV4Plan
}

// SigV4Plan is a resolved sigv4: the credentials and how to sign.
type SigV4Plan struct {
	Creds  sigv4.Credentials
	Region string
	Offset time.Duration
	Host   string
}

// Sign signs req at now (plus the plan's offset).
func (s *SigV4Plan) Sign(ctx context.Context, req *engine.Request, now time.Time) error {
	host := req.Host
	if s.Host != "" {
		req.Host = s.Host
	}
	err := engine.SignWith(ctx, req, s.Creds, s.Region, now.Add(s.Offset))
	if s.Host != "" {
		req.Host = host
		req.Header.Set("Host", host)
	}
	return err
}

// Build makes the engine request.
func (r *RequestPlan) Build() (*engine.Request, error) {
	req, err := engine.NewRequest(r.Method, r.Target, r.Headers, r.Body)
	if err != nil {
		return nil, err
	}
	if r.Host != "" {
		req.Host = r.Host
	}
	if r.SourceIP != "" {
		req.SourceIP = r.SourceIP
	}
	return req, nil
}

func (r *RequestPlan) String() string { return r.Method + " " + r.Target }

// requestPlan resolves a Request whose strings are already rendered.
func requestPlan(r *Request, body []byte) *RequestPlan {
	p := &RequestPlan{Method: strings.ToUpper(strings.TrimSpace(r.Method)), Target: r.Path, Body: body, Host: r.Host, SourceIP: r.SourceIP}
	if len(r.Query) > 0 {
		q := url.Values{}
		for _, k := range keys(r.Query) {
			for _, v := range r.Query[k] {
				q.Add(k, v)
			}
		}
		sep := "?"
		if strings.Contains(p.Target, "?") {
			sep = "&"
		}
		p.Target += sep + q.Encode()
	}
	// Sorted: the file's map has no order, and a replay must not vary.
	for _, k := range keys(r.Headers) {
		for _, v := range r.Headers[k] {
			p.Headers = append(p.Headers, fmt.Sprintf("%s: %s", k, v))
		}
	}
	return p
}
