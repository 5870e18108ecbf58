package config

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/engine/redact"
)

// Identity source locations.
const (
	SrcHeader  = "header"
	SrcQuery   = "query"
	SrcStage   = "stageVariable"
	SrcContext = "context"
	SrcPath    = "path"
)

// IdentitySource is one parsed identity source.
type IdentitySource struct {
	Kind string
	Name string
}

func (s IdentitySource) String() string { return s.Kind + ":" + s.Name }

// awsSpelling is how the AWS console and CloudFormation write sources.
var awsSpelling = []struct{ prefix, kind string }{
	{"method.request.header.", SrcHeader},
	{"method.request.querystring.", SrcQuery},
	{"method.request.path.", SrcPath},
	{"stageVariables.", SrcStage},
	{"context.", SrcContext},
	{"$request.header.", SrcHeader},
	{"$request.querystring.", SrcQuery},
	{"$stageVariables.", SrcStage},
	{"$context.", SrcContext},
}

// ParseIdentitySource reads header:NAME, query:NAME, stageVariable:NAME,
// context:NAME, or the AWS spellings of the same.
func ParseIdentitySource(s string) (IdentitySource, error) {
	for _, sp := range awsSpelling {
		if strings.HasPrefix(s, sp.prefix) && len(s) > len(sp.prefix) {
			return IdentitySource{Kind: sp.kind, Name: s[len(sp.prefix):]}, nil
		}
	}
	kind, name, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return IdentitySource{}, fmt.Errorf("identity source %q: expected header:NAME, query:NAME, stageVariable:NAME or context:NAME (or method.request.header.NAME)", s)
	}
	switch strings.ToLower(kind) {
	case "header":
		return IdentitySource{SrcHeader, name}, nil
	case "query", "querystring":
		return IdentitySource{SrcQuery, name}, nil
	case "stagevariable", "stagevariables", "stage":
		return IdentitySource{SrcStage, name}, nil
	case "context":
		return IdentitySource{SrcContext, name}, nil
	case "path":
		return IdentitySource{SrcPath, name}, nil
	}
	return IdentitySource{}, fmt.Errorf("identity source %q: unknown location %q; expected header, query, stageVariable or context%s", s, kind,
		suggest(kind, []string{"header", "query", "stageVariable", "context"}))
}

// Sources returns the parsed identity sources (the file was checked at load).
func (a *Authorizer) Sources() []IdentitySource {
	out := make([]IdentitySource, 0, len(a.IdentitySource))
	for _, s := range a.IdentitySource {
		if src, err := ParseIdentitySource(s); err == nil {
			out = append(out, src)
		}
	}
	return out
}

// SecretName reports whether a parameter name suggests a credential, so its
// values are abbreviated in traces (ALL-2).
func SecretName(name string) bool { return redact.SecretName(name) }
