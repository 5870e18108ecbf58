package scenario

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Namespaces a scenario string may refer to: ${vars.NAME}, ${tokens.NAME},
// ${env.NAME}. "$${" writes a literal "${".
const (
	nsVars   = "vars"
	nsTokens = "tokens"
	nsEnv    = "env"
)

// refError is one bad ${...} reference in a string; Ref is the reference as
// written, so the loader can point at it inside the line.
type refError struct {
	Ref string
	Msg string
}

func (e *refError) Error() string { return e.Msg }

// scope answers references while a string is rendered.
type scope struct {
	vars   map[string]string
	tokens map[string]string
	getenv func(string) (string, bool)
	// allowed lists the namespaces usable here: vars may read only env,
	// tokens only vars and env.
	allowed []string
}

// render substitutes every reference in s. It returns the first bad one.
func (sc *scope) render(s string) (string, *refError) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			// "$${" is an escaped "${": keep one "$" and the brace.
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", &refError{Ref: s[i:], Msg: fmt.Sprintf("unterminated reference %q: missing }", s[i:])}
		}
		ref := s[i : i+end+1]
		v, err := sc.lookup(ref, s[i+2:i+end])
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		s = s[i+end+1:]
	}
}

func (sc *scope) lookup(ref, inner string) (string, *refError) {
	ns, name, ok := strings.Cut(strings.TrimSpace(inner), ".")
	if !ok || name == "" {
		return "", &refError{Ref: ref, Msg: fmt.Sprintf("reference %s: expected ${vars.NAME}, ${tokens.NAME} or ${env.NAME}", ref)}
	}
	if !slices.Contains(sc.allowed, ns) {
		if slices.Contains([]string{nsVars, nsTokens, nsEnv}, ns) {
			return "", &refError{Ref: ref, Msg: fmt.Sprintf("reference %s: %s cannot be used here (only %s)", ref, ns, refList(sc.allowed))}
		}
		return "", &refError{Ref: ref, Msg: fmt.Sprintf("reference %s: unknown namespace %q%s; expected %s", ref, ns, suggestName(ns, sc.allowed), refList(sc.allowed))}
	}
	switch ns {
	case nsVars:
		if v, ok := sc.vars[name]; ok {
			return v, nil
		}
		return "", &refError{Ref: ref, Msg: fmt.Sprintf("unknown var %q in %s%s; defined: %s", name, ref, suggestName(name, keys(sc.vars)), orNone(keys(sc.vars)))}
	case nsTokens:
		if v, ok := sc.tokens[name]; ok {
			return v, nil
		}
		return "", &refError{Ref: ref, Msg: fmt.Sprintf("unknown token %q in %s%s; defined: %s", name, ref, suggestName(name, keys(sc.tokens)), orNone(keys(sc.tokens)))}
	default:
		if v, ok := sc.getenv(name); ok {
			return v, nil
		}
		return "", &refError{Ref: ref, Msg: fmt.Sprintf("environment variable %s is not set (%s)", name, ref)}
	}
}

func refList(ns []string) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = "${" + n + ".NAME}"
	}
	return strings.Join(out, ", ")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
