// Package runtime runs authorizer functions: a table in the file (mock), an
// HTTP endpoint (http), and — in their own files — long-lived processes and
// unmodified Python / Node handlers. The engine sees only Function.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Function is one deployed authorizer function.
//
// Invoke separates the function's own answers from breakage: a handler that
// throws is a *result* (Result.Err set, error nil) because gateways map thrown
// errors to answers (AWS "Unauthorized" → 401). A returned error means the
// invocation itself broke (timeout, crash, oversize, transport) and the
// gateway answers with its configuration-failure response.
type Function interface {
	Invoke(ctx context.Context, inv Invocation) (Result, error)
	// Close stops any workers. Safe to call more than once.
	Close() error
}

// Invocation is one call.
type Invocation struct {
	Event        []byte        // the exact JSON event the gateway sends
	RequestID    string        // the gateway's request id (Lambda aws_request_id)
	FunctionName string        // the authorizer name, as Lambda's function_name
	Timeout      time.Duration // per-call limit; 0 = the runtime's default
	// Identity holds the identity values the dialect extracted, in source
	// order. Only the mock runtime reads it (for `when: {token: ...}`).
	Identity []string
	// Now is the (possibly virtual) time of the call, for runtimes that
	// present a clock to handlers.
	Now time.Time
}

// Result is what the function answered.
type Result struct {
	Payload []byte         // the raw answer, exactly as returned
	Err     *FunctionError // the handler threw / returned an error
	Logs    string         // stdout/stderr the handler wrote during the call
	// Text: the handler returned a string, and Payload is that string as
	// it was (python / node take it for serialised JSON, as FunctionGraph
	// handlers mean it). Lambda itself would send it JSON-encoded, which a
	// Lambda proxy integration needs to know (AWS-L4, AWS-L8).
	Text bool
	// ColdStart is set on the first call of a fresh worker, with its cost.
	ColdStart     bool
	ColdStartCost time.Duration
	// Queued is how long the call waited for a free worker (all of a
	// pool's workers busy); it counts against the call's timeout.
	Queued time.Duration
}

// FunctionError is an error the handler raised, as Lambda reports it.
type FunctionError struct {
	Type    string `json:"errorType,omitempty"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// ErrTimeout is wrapped by Invoke when the call exceeded its timeout.
var ErrTimeout = errors.New("function timed out")

// ErrTooLarge is wrapped by Invoke when the answer exceeded the size limit.
var ErrTooLarge = errors.New("function response too large")

// TimeoutError reports a call that ran out of time.
func TimeoutError(d time.Duration) error {
	return fmt.Errorf("%w after %s", ErrTimeout, d)
}

// DefaultTimeout is Lambda's default function timeout.
const DefaultTimeout = 3 * time.Second

// DefaultMaxResponse is Lambda's synchronous response payload limit (6 MB).
const DefaultMaxResponse = 6 * 1024 * 1024
