package engine

import (
	"context"
	"sort"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/trace"
)

// Spec is everything the pipeline and the surfaces need to know about one
// authorizer type. Each dialect declares its Spec in its own file; specs
// lists them. Adding a gateway is that file plus one line below.
type Spec struct {
	// Type is the authorizer `type:` of the gateway file.
	Type string
	// New builds the dialect for one authorizer of a gateway.
	New dialectFactory
	// CacheRules are the rule ids the cache stage cites: with caching off,
	// and for the cache key.
	CacheRules [2]string
	// ScopeRule is cited when a route's ANY_OF scopes are not granted; ""
	// means the type returns no scopes (ANY_OF is ignored, validate warns).
	ScopeRule string
	// Flavor is the handler calling convention python and node workers use
	// by default (lambda, functiongraph, oci); "" for built-in types.
	Flavor string
	// Fixture is a gateway under fixtures/gateways that exercises the type;
	// a test fails when it is missing.
	Fixture string
	// Config is what the gateway-file loader knows of the type: its keys
	// (its options struct), its checks, its platform. Config.Type is Type.
	Config config.TypeSpec
}

// specs is every authorizer type, in the order documentation lists them.
var specs = []*Spec{awsTokenSpec, awsRequestSpec, awsHTTPSpec, awsJWTSpec, cognitoSpec, awsIAMSpec, ociSpec, huaweiSpec, jwtSpec, forwardSpec}

var specByType = func() map[string]*Spec {
	m := make(map[string]*Spec, len(specs))
	for _, s := range specs {
		m[s.Type] = s
	}
	return m
}()

// The loader learns each type from its dialect, in the order of specs.
func init() {
	for _, s := range specs {
		s.Config.Type = s.Type
		config.RegisterType(&s.Config)
	}
}

// SpecOf returns the spec of an authorizer type, nil when unknown.
func SpecOf(typ string) *Spec { return specByType[typ] }

// Types lists the authorizer types, sorted.
func Types() []string {
	out := make([]string, 0, len(specs))
	for _, s := range specs {
		out = append(out, s.Type)
	}
	sort.Strings(out)
	return out
}

// anonymousAllower is implemented by dialects that let a request without
// credentials through to some routes without calling the function (OCI's
// isAnonymousAccessAllowed and ANONYMOUS routes, OCI-A2). It returns the
// rule to cite.
type anonymousAllower interface {
	Anonymous(rt *compiledRoute) (rule string, ok bool)
}

// decider is implemented by built-in authorizers (jwt, forward): they
// decide in process and return a typed decision, or the refusal, recording
// what they checked into the authorizer stage.
type decider interface {
	Decide(ctx context.Context, f *Flow, id Identity, st *trace.Stage) (*Decision, *Failure)
}
