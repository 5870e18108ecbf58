package config

import (
	"strings"

	"github.com/authlab/authlab/engine/limits"
	"github.com/authlab/authlab/engine/redact"
)

// Secrets are the values of the gateway file that no output may show in
// full unless revealed (ALL-2): HMAC secrets, passwords in URLs (backends,
// http functions, forward-auth services, JWKS URLs), and the values of
// credential-named function headers and environment variables (an http
// function's X-Api-Key).
func (g *Gateway) Secrets() []string {
	if g == nil {
		return nil
	}
	var out []string
	add := func(vs ...string) {
		for _, v := range vs {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	named := func(m map[string]string) {
		for k, v := range m {
			if redact.SecretName(k) {
				add(v)
			}
		}
	}
	for _, a := range g.Authorizers {
		if o, ok := a.Options.(interface{ Secrets() []string }); ok {
			// a type's own keys: an HMAC secret, a JWKS or auth-service URL
			add(o.Secrets()...)
		}
		if f := a.Function; f != nil {
			add(redact.URLSecrets(f.URL)...)
			named(f.Headers)
			named(f.Env)
		}
	}
	// API key values (AWS-K1) and IAM secrets (AWS-S1) are credentials.
	for _, k := range g.AWS.APIKeys {
		add(k.Value)
	}
	for _, c := range g.AWS.Credentials {
		add(c.Secret, c.SessionToken)
	}
	for _, r := range g.Routes {
		if r.Backend != nil {
			add(redact.URLSecrets(r.Backend.URL)...)
		}
	}
	for _, t := range g.Tokens {
		add(t.Secret)
		if t.SecretFile != "" {
			// A secret kept in a file is still a secret once read: a token
			// minted with it must not print it (validate reports a bad file).
			if b, err := limits.ReadFile(g.Abs(t.SecretFile), "secret file", limits.MaxKeyBytes); err == nil {
				// trimmed as jose.SecretFromFile trims it, so the value matches
				add(strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"))
			}
		}
	}
	return out
}
