package engine

import "github.com/authlab/authlab/engine/trace"

// requestLimiter is a platform with limits it checks before the route's
// authorizer runs (AWS-E4), recording into the identity stage.
type requestLimiter interface {
	AuthorizedLimit(f *Flow, st *trace.Stage) *Failure
}
