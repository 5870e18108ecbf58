package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// Dialect is one gateway's authorizer wire format: how it extracts the
// identity, the event it sends, how it reads the answer and decides. Each
// dialect lives in one file; the pipeline in engine.go is shared.
//
// Methods record what they did into the stage they are given; a *Failure is
// a refusal the gateway answers with (a result, not a Go error).
type Dialect interface {
	// Identity extracts the identity and the cache key.
	Identity(f *Flow, st *trace.Stage) (Identity, *Failure)
	// Authorize decides this request from a fresh or cached decision.
	Authorize(f *Flow, d *Decision, cached *CachedDecision, st *trace.Stage) *Failure
}

// functionDialect is a dialect whose decision comes from a function the
// user writes (Lambda, OCI Fn, FunctionGraph): an event goes in, an answer
// comes back to be checked. Built-in authorizers are deciders instead.
type functionDialect interface {
	Dialect
	// Event builds the exact JSON event sent to the function.
	Event(f *Flow, id Identity) ([]byte, error)
	// Interpret checks the function's answer (or its breakage, invokeErr).
	Interpret(f *Flow, res runtime.Result, invokeErr error, st *trace.Stage) (*Decision, *Failure)
	// MaxResponse is the gateway's limit on the function's answer, in bytes.
	MaxResponse() int
}

// Identity is what the authorizer extracted from the request.
type Identity struct {
	Values   []string // in identity-source order
	CacheKey string   // "" means do not cache this request
	Sources  []string // descriptions of each value's source
	// Secrets are the values to abbreviate in traces (tokens, API keys).
	Secrets []string
	// Data is dialect-specific event input (OCI arguments).
	Data map[string]any
	// Missing marks a request without credentials, which an OCI authorizer
	// with isAnonymousAccessAllowed lets through to ANONYMOUS routes (OCI-A2).
	Missing bool
}

// Decision is a successful authorizer answer, the thing that is cached.
type Decision struct {
	Principal string
	// Context holds values as the backend sees them (AWS-R6: stringified).
	Context map[string]string
	// ContextOrder lists Context keys in the order the function returned them.
	ContextOrder []string
	Scopes       []string
	// Policy is what the dialect applies to each request (an IAM document,
	// isAuthorized, forwarded headers); nil when the decision is all.
	Policy Policy
	// IssuedFor is what the decision was issued for (AWS: the methodArn).
	IssuedFor string
	Raw       json.RawMessage
	// Expires bounds the cache lifetime when set (OCI expiresAt).
	Expires time.Time
	// UsageIdentifierKey is the API key a Lambda authorizer named for the
	// usage plans (apiKeySource AUTHORIZER, AWS-K2).
	UsageIdentifierKey string
}

// Policy is the part of a decision its dialect applies later. Each dialect
// owns its concrete type; the pipeline and the surfaces only describe it.
type Policy interface{ Describe() string }

// CachedDecision says a decision came from the cache.
type CachedDecision struct {
	Key     string
	Stored  time.Time
	TTLLeft time.Duration
}

// Failure is the gateway's refusal: the answer it sends and the rule why.
type Failure struct {
	Stage  string // where it happened
	Rule   string // semantics.md id
	Reason string // what went wrong, for the trace
	Status int
	Header http.Header
	Body   []byte
	// ResponseType is the REST API gateway response type that answers
	// (AWS-G1, AWS-G14); "" for an answer no gateway response customises.
	// The failure-response stage applies aws.gatewayResponses to it.
	ResponseType string
	// Message is $context.error.message of that answer; nil means null.
	Message *string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("%d (%s): %s", f.Status, f.Rule, f.Reason)
}

// defaultTTLer is implemented by dialects whose cache lifetime does not
// come from the `ttl` key (OCI: expiresAt, else 1 h; jwt and forward: none).
type defaultTTLer interface {
	DefaultTTL() time.Duration
}

// dialectFactory builds a dialect for one authorizer of a gateway.
type dialectFactory func(g *config.Gateway, a *config.Authorizer) (Dialect, error)

// headerInjector is implemented by dialects that put the authorizer's
// answer onto the upstream request themselves (forward auth, FWD-3).
type headerInjector interface {
	Inject(dec *Decision, h http.Header) []trace.Change
}

// Platform is a gateway's own answers: no route, backend failures.
type Platform interface {
	NoRoute(f *Flow) *Failure
	// BadPath answers a path refused before routing (PATH-5) with the
	// platform's 400.
	BadPath(f *Flow, reason string) *Failure
	// Forbidden answers a route authorization (scope) refusal.
	Forbidden(f *Flow, rule, reason string) *Failure
	BackendFailure(f *Flow, err error, timeout bool) *Failure
	// Decorate adds the gateway's headers to every response it sends.
	Decorate(f *Flow, h http.Header)
}

var platforms = map[string]func(g *config.Gateway) Platform{
	"aws":      func(g *config.Gateway) Platform { return newAWSPlatform(g) },
	"aws-http": func(g *config.Gateway) Platform { return awsHTTPPlatform{cors: g.AWS.CORS} },
	"oci":      func(*config.Gateway) Platform { return ociPlatform{} },
	"huawei":   func(*config.Gateway) Platform { return huaweiPlatform{} },
	"generic":  func(*config.Gateway) Platform { return genericPlatform{} },
}

// marshalEvent encodes an event the way the gateways send it: without Go's
// HTML escaping, so a query string's & stays & and not \u0026.
func marshalEvent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
