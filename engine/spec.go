package engine

import (
	"context"
	"sort"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/trace"
)

// Spec is everything the pipeline and the surfaces need to know about one
// authorizer type. Each dialect declares and registers its Spec in its own
// file (var _ = register(&Spec{...})): adding a gateway is that file, a
// fixture gateway and its rules' entries in docs/rules.
type Spec struct {
	// Rank is where documentation, the schema and error messages list the
	// type (lower first).
	Rank int
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

// specs is every registered authorizer type, in Rank order once init ran.
var (
	specs      []*Spec
	specByType map[string]*Spec
)

// register adds a dialect's spec. Each dialect file calls it for its own,
// in a package-level variable, so every spec is in before init runs.
func register(s *Spec) *Spec {
	specs = append(specs, s)
	return s
}

// The loader learns each type from its dialect, in Rank order.
func init() {
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].Rank < specs[j].Rank })
	specByType = make(map[string]*Spec, len(specs))
	for _, s := range specs {
		specByType[s.Type] = s
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
