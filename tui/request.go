package tui

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// RequestSpec is a request as the composer describes it, kept in the
// history so it can be fired again and saved as a scenario step.
type RequestSpec struct {
	Method  string
	Target  string   // path with the query
	Headers []string // "Name: value" lines, in order
	Body    string
	// SigV4 is an access key id of the gateway's aws.credentials the
	// request is signed with when fired (AWS-S1); "" sends it unsigned.
	SigV4 string
}

// Build turns the spec into an engine request.
func (r RequestSpec) Build() (*engine.Request, error) {
	var body []byte
	if r.Body != "" {
		body = []byte(r.Body)
	}
	return engine.NewRequest(r.Method, r.Target, r.Headers, body)
}

// String is "GET /orders/42".
func (r RequestSpec) String() string { return r.Method + " " + r.Target }

// namedToken is a credential the gateway file itself knows: a value a mock
// answer table matches on, so picking it exercises that row.
type namedToken struct {
	Value string // the header value, e.g. "Bearer allow-alice"
	Note  string // where it comes from and what it yields
}

// namedTokens lists the literal token values of the gateway's mock tables,
// in file order, each once.
func namedTokens(g *config.Gateway, authorizer string) []namedToken {
	if g == nil {
		return nil
	}
	var out []namedToken
	seen := map[string]bool{}
	for _, a := range g.Authorizers {
		if a.Function == nil || a.Function.Runtime != "mock" || (authorizer != "" && a.Name != authorizer) {
			continue
		}
		for i, row := range a.Function.Responses {
			for _, k := range tokenKeys(row.When) {
				v, ok := row.When[k].(string)
				if !ok || v == "" || strings.HasPrefix(v, "~") || seen[v] {
					continue
				}
				seen[v] = true
				out = append(out, namedToken{Value: v, Note: fmt.Sprintf("%s row %d → %s", a.Name, i+1, answerSummary(row))})
			}
		}
	}
	return out
}

// tokenKeys are the `when:` keys that hold a credential, sorted for a
// stable order (Go maps have none).
func tokenKeys(when map[string]any) []string {
	var out []string
	for k := range when {
		lk := strings.ToLower(k)
		if lk == "token" || (strings.HasPrefix(lk, "headers.") && config.SecretName(k[len("headers."):])) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// answerSummary says in a few words what a mock row answers.
func answerSummary(row *config.MockResponse) string {
	switch {
	case row.Raw != nil:
		return "raw bytes"
	case row.Error != nil:
		return "throws " + row.Error.Message
	}
	switch r := row.Return.(type) {
	case string:
		return "throws " + r
	case map[string]any:
		parts := []string{}
		if p, ok := r["principalId"].(string); ok {
			parts = append(parts, "principal "+p)
		} else if p, ok := r["principal"].(string); ok {
			parts = append(parts, "principal "+p)
		}
		if eff := policyEffect(r["policyDocument"]); eff != "" {
			parts = append(parts, eff)
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", ")
		}
	}
	return "an answer"
}

// policyEffect is the first statement's Effect of a policy document.
func policyEffect(doc any) string {
	m, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	sts, ok := m["Statement"].([]any)
	if !ok || len(sts) == 0 {
		return ""
	}
	st, ok := sts[0].(map[string]any)
	if !ok {
		return ""
	}
	e, _ := st["Effect"].(string)
	return e
}

// routeAuthorizer names the authorizer of the route with template tpl, or "".
func routeAuthorizer(g *config.Gateway, tpl string) string {
	if g == nil {
		return ""
	}
	for _, r := range g.Routes {
		if r.Path == tpl {
			return r.Authorizer
		}
	}
	return ""
}

// setHeaderLine replaces the first "Name:" line of text (any case) with
// "Name: value", or appends it; value "" removes the line.
func setHeaderLine(text, name, value string) string {
	var out []string
	done := false
	for _, line := range strings.Split(text, "\n") {
		n, _, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(n), name) {
			if !done && value != "" {
				out = append(out, name+": "+value)
			}
			done = true
			continue
		}
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	if !done && value != "" {
		out = append(out, name+": "+value)
	}
	return strings.Join(out, "\n")
}

// setQueryParam replaces every name= pair of a query string with
// name=value (URL-encoded), or appends it; value "" removes the pairs.
func setQueryParam(query, name, value string) string {
	q := strings.TrimPrefix(strings.TrimSpace(query), "?")
	var out []string
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil && uk == name {
			continue
		}
		out = append(out, pair)
	}
	if value != "" {
		out = append(out, url.QueryEscape(name)+"="+url.QueryEscape(value))
	}
	return strings.Join(out, "&")
}
