package probe

import (
	"fmt"
	"strings"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// NamedToken mints a gateway file's named token (tokens:) at now, with
// its signing key for the claims attacks.
func NamedToken(g *config.Gateway, name string, now time.Time) (Credential, error) {
	tok, err := g.MintToken(name, now)
	if err != nil {
		return Credential{}, err
	}
	c := Credential{Label: "token " + name + " (gateway file)", Token: tok}
	if k, err := g.SigningKey(name); err == nil && k != nil {
		c.Key = k
		c.KeyLabel = "tokens." + name + " key"
		if t := g.Token(name); t != nil && t.Key != "" {
			c.KeyLabel = t.Key
		}
	}
	return c, nil
}

// GatewayTokens are the gateway file's named tokens that mint, in file
// order: the candidates when the caller names no credential.
func GatewayTokens(g *config.Gateway, now time.Time) []Credential {
	var out []Credential
	for _, t := range g.Tokens {
		if c, err := NamedToken(g, t.Name, now); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// MintFor signs a token for a route with key: sub authlab-probe, valid for
// 15 minutes from now, the issuer, audience and scopes a built-in jwt
// authorizer and the route ask for, then claims (k=v overrides).
func MintFor(e *engine.Engine, method, target string, key *jose.Key, alg, kid string, claims map[string]any, now time.Time) (string, error) {
	c := map[string]any{"sub": "authlab-probe"}
	path, _, _ := strings.Cut(target, "?")
	slot, err := e.TokenSlot(method, path)
	g := e.Config()
	if err == nil {
		for _, a := range g.Authorizers {
			if a.Name != slot.Authorizer {
				continue
			}
			o := engine.JWTOptionsOf(a) // empty for other types
			if o.Issuer != "" {
				c["iss"] = o.Issuer
			}
			if len(o.Audience) > 0 {
				c["aud"] = o.Audience[0]
			}
			for k, v := range o.RequiredClaims {
				if v != "" {
					c[k] = v
				}
			}
		}
		for _, r := range g.Routes {
			if r.Authorizer == slot.Authorizer && r.Authorization != nil && len(r.Authorization.AllowedScope) > 0 && MatchesTemplate(r.Path, path) {
				c["scope"] = strings.Join(r.Authorization.AllowedScope, " ")
			}
		}
	}
	for k, v := range claims {
		c[k] = v
	}
	tok, err := jose.Mint(jose.MintOptions{Alg: alg, Key: key, KID: kid, Claims: c, Now: now, ExpiresIn: 15 * time.Minute})
	if err != nil {
		return "", fmt.Errorf("minting a token with the key: %w", err)
	}
	return tok, nil
}

// MatchesTemplate reports whether a request path fits a route template.
func MatchesTemplate(tpl, path string) bool {
	ts, ps := strings.Split(strings.Trim(tpl, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	for i, t := range ts {
		if strings.HasSuffix(t, "+}") {
			return i < len(ps)
		}
		if i >= len(ps) {
			return false
		}
		if !(strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}")) && t != ps[i] {
			return false
		}
	}
	return len(ts) == len(ps)
}
