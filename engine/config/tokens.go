package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// TokenSpec is a named test token of a gateway file: `fire --token NAME`
// and the TUI's token picker mint it at the current (virtual) time, so a
// token with expiresIn is always fresh when fired.
type TokenSpec struct {
	Name       string         `yaml:"-"`
	Alg        string         `yaml:"alg" doc:"Algorithm (default: the key's): RS256, ES256, EdDSA, HS256, ...; none mints an unsigned token."`
	Key        string         `yaml:"key" doc:"Private key file (PEM, JWK or JWKS), relative to this file."`
	Secret     string         `yaml:"secret" doc:"HMAC secret (HS256/384/512), as text."`
	SecretFile string         `yaml:"secretFile" doc:"File holding the HMAC secret, relative to this file."`
	KID        string         `yaml:"kid" doc:"kid header; also picks the key from a JWKS."`
	Header     map[string]any `yaml:"header" doc:"Extra JOSE header members." kind:"any"`
	Claims     map[string]any `yaml:"claims" doc:"The claims; iat is the time of minting." kind:"any"`
	ExpiresIn  *Duration      `yaml:"expiresIn" doc:"exp = the time of minting + this (e.g. 15m)."`
}

// Token returns the named token spec or nil.
func (g *Gateway) Token(name string) *TokenSpec {
	for _, t := range g.Tokens {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// signingKey loads the key a token is signed with; nil for alg none.
func (t *TokenSpec) signingKey(g *Gateway) (*jose.Key, error) {
	switch {
	case t.Key != "":
		ks, err := jose.LoadKeys(g.Abs(t.Key))
		if err != nil {
			return nil, err
		}
		return ks.Select(t.KID)
	case t.Secret != "":
		return jose.NewSecretKey([]byte(t.Secret), "tokens."+t.Name+".secret"), nil
	case t.SecretFile != "":
		return jose.SecretFromFile(g.Abs(t.SecretFile))
	case strings.EqualFold(t.Alg, jose.AlgNone):
		return nil, nil
	}
	return nil, fmt.Errorf("nothing to sign with: give key (a private key file), secret or secretFile (or alg: none)")
}

// SigningKey loads the key the named token is signed with (nil for alg
// none), so that other tokens can be signed as the gateway's token would be
// (authlab probe re-signs altered claims with it).
func (g *Gateway) SigningKey(name string) (*jose.Key, error) {
	t := g.Token(name)
	if t == nil {
		return nil, fmt.Errorf("no token %q in %s", name, g.File)
	}
	return t.signingKey(g)
}

// MintToken signs the named token at now.
func (g *Gateway) MintToken(name string, now time.Time) (string, error) {
	t := g.Token(name)
	if t == nil {
		return "", fmt.Errorf("no token %q in %s", name, g.File)
	}
	key, err := t.signingKey(g)
	if err != nil {
		return "", fmt.Errorf("token %s: %w", name, err)
	}
	mo := jose.MintOptions{Alg: t.Alg, Key: key, AllowNone: strings.EqualFold(t.Alg, jose.AlgNone),
		KID: t.KID, Header: t.Header, Claims: t.Claims, Now: now}
	if t.ExpiresIn != nil {
		mo.ExpiresIn = t.ExpiresIn.Duration
	}
	tok, err := jose.Mint(mo)
	if err != nil {
		return "", fmt.Errorf("token %s: %w", name, err)
	}
	return tok, nil
}

// checkTokens proves every named token can be minted, at its position.
func (v *validator) checkTokens() {
	for _, t := range v.g.Tokens {
		base := "tokens." + t.Name
		var given []string
		for _, k := range []struct{ name, val string }{{"key", t.Key}, {"secret", t.Secret}, {"secretFile", t.SecretFile}} {
			if k.val != "" {
				given = append(given, k.name)
			}
		}
		if len(given) > 1 {
			v.errAtKey(base, "token %s: give one of key, secret, secretFile, not %s", t.Name, strings.Join(given, " and "))
			continue
		}
		if _, err := v.g.MintToken(t.Name, time.Unix(0, 0)); err != nil {
			at := base
			if len(given) == 1 {
				at = base + "." + given[0]
			}
			v.errf(at, "%v", err)
		}
	}
}
