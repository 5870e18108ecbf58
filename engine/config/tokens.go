package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// TokenSpec is a JWT to mint, the one description every surface uses: a
// gateway file's `tokens:` (`fire --token NAME` and the TUI's token picker
// mint them at the current, possibly virtual, time, so a token with
// expiresIn is always fresh when fired), a scenario's `tokens:` (minted at
// the virtual clock's start), `authlab token mint`'s flags and the TUI's
// token workbench. KeyField is its one check and Mint its one way to sign.
type TokenSpec struct {
	Name       string         `yaml:"-"`
	Alg        string         `yaml:"alg" doc:"Algorithm (default: the key's): RS256, ES256, EdDSA, HS256, ...; none mints an unsigned token."`
	Key        string         `yaml:"key" doc:"Private key file (PEM, JWK or JWKS), relative to this file."`
	Secret     string         `yaml:"secret" doc:"HMAC secret (HS256/384/512), as text."`
	SecretFile string         `yaml:"secretFile" doc:"File holding the HMAC secret, relative to this file."`
	KID        string         `yaml:"kid" doc:"kid header; also picks the key from a JWKS."`
	Header     map[string]any `yaml:"header" doc:"Extra JOSE header members." kind:"any"`
	Claims     map[string]any `yaml:"claims" doc:"The claims; iat is the time of minting unless given here." kind:"any"`
	ExpiresIn  *Duration      `yaml:"expiresIn" doc:"exp = the time of minting + this (e.g. 15m): fire and the TUI mint at the current time, a scenario at its clock's start."`
	NotBefore  *Duration      `yaml:"notBefore" doc:"nbf = the time of minting + this."`
	Preset     string         `yaml:"preset" doc:"Start from the claims an identity provider writes: cognito-id (sub, iss, aud, token_use id, auth_time, cognito:username) or cognito-access (client_id, token_use access, scope, username instead); claims given here win." enum:"cognito-id,cognito-access"`
	UserPool   string         `yaml:"userPool" doc:"preset: the Cognito user pool id, REGION_ID (eu-west-1_AbCdEf123), which makes iss."`
	ClientID   string         `yaml:"clientId" doc:"preset: the app client id (aud of an ID token, client_id of an access token)."`
	Username   string         `yaml:"username" doc:"preset: cognito:username / username (default user); sub is derived from it."`
}

// TokenError is a token that cannot be minted. Field is the key the
// problem is in (key, secretFile), "" when it is the token as a whole; a
// file loader reports it there.
type TokenError struct {
	Name  string
	Field string
	Err   error
}

func (e *TokenError) Error() string {
	if e.Name == "" {
		return e.Err.Error()
	}
	return "token " + e.Name + ": " + e.Err.Error()
}

func (e *TokenError) Unwrap() error { return e.Err }

// ErrNothingToSign is a token with no key, no secret and an algorithm
// other than none.
var ErrNothingToSign = errors.New("nothing to sign with: give key (a private key file), secret or secretFile (or alg: none for an unsigned token)")

// KeyField names the one of key, secret and secretFile the spec gives
// ("" for none); giving more than one is an error.
func (t *TokenSpec) KeyField() (string, error) {
	var given []string
	for _, k := range []struct{ name, val string }{{"key", t.Key}, {"secret", t.Secret}, {"secretFile", t.SecretFile}} {
		if k.val != "" {
			given = append(given, k.name)
		}
	}
	switch len(given) {
	case 0:
		return "", nil
	case 1:
		return given[0], nil
	}
	return "", &TokenError{Name: t.Name, Err: fmt.Errorf("give one of key, secret, secretFile, not %s", strings.Join(given, " and "))}
}

// SigningKey loads the key the token is signed with: the key file (its
// kid picks one from a JWKS), the secret or the secret file, relative paths
// resolved against dir. It is nil for alg none.
func (t *TokenSpec) SigningKey(dir string) (*jose.Key, error) {
	field, err := t.KeyField()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*jose.Key, error) {
		return nil, &TokenError{Name: t.Name, Field: field, Err: err}
	}
	switch field {
	case "key":
		ks, err := jose.LoadKeys(inDir(dir, t.Key))
		if err != nil {
			return fail(err)
		}
		k, err := ks.Select(t.KID)
		if err != nil {
			return fail(err)
		}
		return k, nil
	case "secret":
		return jose.NewSecretKey([]byte(t.Secret), t.secretSource()), nil
	case "secretFile":
		k, err := jose.SecretFromFile(inDir(dir, t.SecretFile))
		if err != nil {
			return fail(err)
		}
		return k, nil
	}
	if strings.EqualFold(t.Alg, jose.AlgNone) {
		return nil, nil
	}
	return nil, &TokenError{Name: t.Name, Err: ErrNothingToSign}
}

// secretSource labels the token's inline secret in messages.
func (t *TokenSpec) secretSource() string {
	if t.Name == "" {
		return "secret"
	}
	return "tokens." + t.Name + ".secret"
}

// Mint loads the signing key (SigningKey) and signs the token at now. It
// returns the key too: authlab probe re-signs altered claims with it.
// tune, when given, adjusts what the spec does not say (a reproducible
// token without jti, the CLI's absolute times).
func (t *TokenSpec) Mint(dir string, now time.Time, tune func(*jose.MintOptions)) (string, *jose.Key, error) {
	key, err := t.SigningKey(dir)
	if err != nil {
		return "", nil, err
	}
	tok, err := t.MintWith(key, now, tune)
	return tok, key, err
}

// MintWith signs the token with key at now: iat is now (unless the claims
// give it), exp now + expiresIn, nbf now + notBefore.
func (t *TokenSpec) MintWith(key *jose.Key, now time.Time, tune func(*jose.MintOptions)) (string, error) {
	claims := t.Claims
	if t.Preset != "" {
		base, err := jose.PresetClaims(t.Preset, jose.PresetOptions{UserPool: t.UserPool, ClientID: t.ClientID, Username: t.Username, Now: now})
		if err != nil {
			return "", &TokenError{Name: t.Name, Field: "preset", Err: err}
		}
		for k, v := range t.Claims {
			base[k] = v
		}
		claims = base
	}
	mo := jose.MintOptions{Alg: t.Alg, Key: key, AllowNone: strings.EqualFold(t.Alg, jose.AlgNone),
		KID: t.KID, Header: t.Header, Claims: claims, Now: now}
	if t.ExpiresIn != nil {
		mo.ExpiresIn = t.ExpiresIn.Duration
	}
	if t.NotBefore != nil {
		mo.NotBefore = now.Add(t.NotBefore.Duration)
	}
	if tune != nil {
		tune(&mo)
	}
	tok, err := jose.Mint(mo)
	if err != nil {
		return "", &TokenError{Name: t.Name, Err: err}
	}
	return tok, nil
}

// inDir resolves a path written in a file against the file's folder.
func inDir(dir, p string) string {
	if p == "" || dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
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

// SigningKey loads the key the named token is signed with (nil for alg
// none), so that other tokens can be signed as the gateway's token would be
// (authlab probe re-signs altered claims with it).
func (g *Gateway) SigningKey(name string) (*jose.Key, error) {
	t := g.Token(name)
	if t == nil {
		return nil, fmt.Errorf("no token %q in %s", name, g.File)
	}
	return t.SigningKey(g.Dir)
}

// MintToken signs the named token at now.
func (g *Gateway) MintToken(name string, now time.Time) (string, error) {
	t := g.Token(name)
	if t == nil {
		return "", fmt.Errorf("no token %q in %s", name, g.File)
	}
	tok, _, err := t.Mint(g.Dir, now, nil)
	return tok, err
}

// TokenErrorAt is where a loader reports a token error: at the key it is
// in (tokens.NAME.key) or, when it is about the token as a whole, at the
// token's name (onKey).
func TokenErrorAt(base string, err error) (path string, onKey bool) {
	var te *TokenError
	if errors.As(err, &te) && te.Field != "" {
		return base + "." + te.Field, false
	}
	return base, true
}

// checkTokens proves every named token can be minted, at its position.
func (v *validator) checkTokens() {
	for _, t := range v.g.Tokens {
		if _, err := v.g.MintToken(t.Name, time.Unix(0, 0)); err != nil {
			if at, onKey := TokenErrorAt("tokens."+t.Name, err); onKey {
				v.errAtKey(at, "%v", err)
			} else {
				v.errf(at, "%v", err)
			}
		}
	}
}
