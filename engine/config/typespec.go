package config

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// TypeSpec is what the loader knows about one authorizer type. Each
// dialect declares its own, in its own file under engine/, and the engine
// registers them in order: the loader itself names no type.
type TypeSpec struct {
	// Type is the authorizer's `type:`.
	Type string
	// Platform is the gateway whose answers the type implies (aws,
	// aws-http, oci, huawei, generic), the default `platform:`.
	Platform string
	// Common lists the shared authorizer keys the type reads, of
	// identitySource, validationRegex, ttl, function, timeout.
	Common []string
	// NeedsFunction: the type calls a function the user writes.
	NeedsFunction bool
	// Options returns a new value (a pointer to a struct tagged like the
	// gateway types) that the type's own keys decode into; nil when the type
	// has none. The decoded value is Authorizer.Options.
	Options func() any
	// Validate checks the type's keys, reporting through c.
	Validate func(c *Check)
	// Scopes: its decisions carry scopes, so ANY_OF route policies apply.
	Scopes bool
	// ContextVariables are the $context identity sources the type adds to
	// the common ones (an HTTP API's routeKey).
	ContextVariables []string
	// Anonymous, when set, says the type supports ANONYMOUS routes and
	// whether this authorizer lets anonymous requests through (and the rule).
	Anonymous func(a *Authorizer) (allowed bool)
	// BackendOnly says the authorizer runs before the backend and may only
	// be a route's backendAuthorizer (a Huawei stage: backend, HW-B1).
	BackendOnly func(a *Authorizer) bool
	// CachesPolicy says the authorizer's cached answer is a policy evaluated
	// against each request, the cached-policy gotcha of AWS-C3.
	CachesPolicy func(a *Authorizer) bool
}

// CommonKeys are the authorizer keys every type may share.
var CommonKeys = []string{"identitySource", "validationRegex", "ttl", "function", "timeout"}

var registry struct {
	sync.RWMutex
	specs []*TypeSpec
}

// RegisterType adds an authorizer type; the engine registers each dialect's.
func RegisterType(s *TypeSpec) {
	registry.Lock()
	defer registry.Unlock()
	for i, old := range registry.specs {
		if old.Type == s.Type {
			registry.specs[i] = s
			return
		}
	}
	registry.specs = append(registry.specs, s)
}

// TypeSpecOf returns the registered spec of a type, or nil.
func TypeSpecOf(t string) *TypeSpec {
	registry.RLock()
	defer registry.RUnlock()
	for _, s := range registry.specs {
		if s.Type == t {
			return s
		}
	}
	return nil
}

// checkSpecOf is the spec an authorizer's keys are checked against: its
// type's, else — when the type is a typo of a registered one, which the
// decoder reports with a did-you-mean — that type's, so one run reports the
// typo and the problems behind it (a bad validationRegex) instead of the
// second only once the first is fixed.
func checkSpecOf(t string) *TypeSpec {
	if s := TypeSpecOf(t); s != nil || t == "" {
		return s
	}
	if guess := didYouMean(t, AuthorizerTypes()); guess != "" {
		return TypeSpecOf(guess)
	}
	return nil
}

// AuthorizerTypes lists the registered authorizer types, in order.
func AuthorizerTypes() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, len(registry.specs))
	for i, s := range registry.specs {
		out[i] = s.Type
	}
	return out
}

// typesReading lists the types that read a key (common or their own).
func typesReading(key string) []string {
	registry.RLock()
	defer registry.RUnlock()
	var out []string
	for _, s := range registry.specs {
		if slices.Contains(s.Common, key) || slices.Contains(optionKeys(s), key) {
			out = append(out, s.Type)
		}
	}
	return out
}

// optionKeys are the YAML keys of a type's own options.
func optionKeys(s *TypeSpec) []string {
	if s.Options == nil {
		return nil
	}
	return yamlKeys(s.Options())
}

// Check is what a type's Validate sees: the authorizer, its parsed identity
// sources, its options, and ways to report at the right file:line:col.
type Check struct {
	A       *Authorizer
	Sources []IdentitySource
	v       *validator
	base    string
}

// Gateway is the file the authorizer is in (read only).
func (c *Check) Gateway() *Gateway { return c.v.g }

// Opts returns the decoded options (a pointer to the type's struct).
func (c *Check) Opts() any { return c.A.Options }

func (c *Check) path(key string) string {
	if key == "" {
		return c.base
	}
	return c.base + "." + key
}

// Err reports an error at the value of key ("" for the authorizer itself);
// key may be dotted or indexed (arguments.x, algorithms[1]).
func (c *Check) Err(key, format string, a ...any) { c.v.errf(c.path(key), format, a...) }

// ErrAtKey reports an error at the key itself rather than its value.
func (c *Check) ErrAtKey(key, format string, a ...any) { c.v.errAtKey(c.path(key), format, a...) }

// Warn reports a lint warning citing rule.
func (c *Check) Warn(key, rule, format string, a ...any) { c.v.warnf(c.path(key), rule, format, a...) }

// Has reports whether the file sets key (or holds a value at that path).
func (c *Check) Has(key string) bool {
	_, k := c.v.g.keyPos[c.path(key)]
	_, v := c.v.g.pos[c.path(key)]
	return k || v
}

// Reported reports whether the decoder already rejected the value at key.
func (c *Check) Reported(key string) bool { return c.v.reported(c.path(key)) }

// File checks that a file the authorizer names exists.
func (c *Check) File(key, path string) {
	if path == "" {
		return
	}
	if _, err := os.Stat(c.v.g.Abs(path)); err != nil {
		c.Err(key, "%s file %s: %s", key, path, errText(err))
	}
}

// Transforms checks header/query transformations nested in the options.
func (c *Check) Transforms(key string, t *Transformations) {
	c.v.transforms(c.path(key), t, nil, nil)
}

// ListOrNone joins names, or says "none".
func ListOrNone(names []string) string { return listOrNone(names) }

// RegexError is a regexp compile error without Go's prefix.
func RegexError(err error) string { return unwrapRegexErr(err) }

// IsHTTPURL reports an absolute http:// or https:// URL.
func IsHTTPURL(s string) bool { return isHTTPURL(s) }

// ValidHeaderName reports an HTTP header name.
func ValidHeaderName(s string) bool { return validHeaderName(s) }

// typeKeysCheck reports keys of other types set on this one.
func (v *validator) typeKeysCheck(a *Authorizer, spec *TypeSpec, base string) {
	for _, key := range CommonKeys {
		if _, set := v.g.keyPos[base+"."+key]; set && !slices.Contains(spec.Common, key) {
			v.errAtKey(base+"."+key, "authorizer %q: %s is not used by type %s (only by %s)", a.Name, key, a.Type, strings.Join(typesReading(key), ", "))
		}
	}
}

func (s *TypeSpec) String() string { return fmt.Sprintf("authorizer type %s", s.Type) }
