package scenario

import (
	"path/filepath"
	"strings"

	"github.com/authlab/authlab/engine/jose"
)

// loadTokens mints every token at the virtual clock's start: iat is the
// start, exp is the start + expiresIn, so `advance` past it expires the
// token exactly as time would.
func (l *loader) loadTokens() {
	l.tokens = map[string]string{}
	l.tokenKeys = map[string]*jose.Key{}
	sc := &scope{vars: l.vars, getenv: l.opts.Getenv, allowed: []string{nsVars, nsEnv}}
	for _, t := range l.f.Tokens {
		base := "tokens." + t.Name
		l.tokens[t.Name] = "<token " + t.Name + " not minted>"
		key, ok := l.tokenKey(sc, base, t)
		if !ok {
			continue
		}
		claims, _ := l.renderAny(sc, base+".claims", t.Claims).(map[string]any)
		header, _ := l.renderAny(sc, base+".header", t.Header).(map[string]any)
		alg := l.render(sc, base+".alg", t.Alg)
		mo := jose.MintOptions{
			Alg: alg, Key: key, AllowNone: strings.EqualFold(alg, jose.AlgNone),
			KID: l.render(sc, base+".kid", t.KID), Header: header, Claims: claims,
			Now: l.sc.Start,
			// No random jti: the same file mints the same token (for HS,
			// RS and EdDSA), so cache keys and traces replay identically.
			NoJTI: true,
		}
		if t.ExpiresIn != nil {
			mo.ExpiresIn = t.ExpiresIn.Duration
		}
		if t.NotBefore != nil {
			mo.NotBefore = l.sc.Start.Add(t.NotBefore.Duration)
		}
		tok, err := jose.Mint(mo)
		if err != nil {
			l.errKey(base, "token %s: %v", t.Name, err)
			continue
		}
		l.tokens[t.Name] = tok
		if key != nil {
			l.tokenKeys[t.Name] = key
		}
	}
}

// tokenKey loads the one key a token is signed with; nil for alg none.
func (l *loader) tokenKey(sc *scope, base string, t *Token) (*jose.Key, bool) {
	var given []string
	for _, g := range []struct{ name, val string }{{"key", t.Key}, {"secret", t.Secret}, {"secretFile", t.SecretFile}} {
		if g.val != "" {
			given = append(given, g.name)
		}
	}
	if len(given) > 1 {
		l.errKey(base, "token %s: give one of key, secret, secretFile, not %s", t.Name, strings.Join(given, " and "))
		return nil, false
	}
	switch {
	case t.Key != "":
		ks, err := jose.LoadKeys(l.rel(l.render(sc, base+".key", t.Key)))
		if err != nil {
			l.errf(base+".key", "token %s: %v", t.Name, err)
			return nil, false
		}
		k, err := ks.Select(l.render(sc, base+".kid", t.KID))
		if err != nil {
			l.errf(base+".key", "token %s: %v", t.Name, err)
			return nil, false
		}
		return k, true
	case t.Secret != "":
		return jose.NewSecretKey([]byte(l.render(sc, base+".secret", t.Secret)), base+".secret"), true
	case t.SecretFile != "":
		k, err := jose.SecretFromFile(l.rel(l.render(sc, base+".secretFile", t.SecretFile)))
		if err != nil {
			l.errf(base+".secretFile", "token %s: %v", t.Name, err)
			return nil, false
		}
		return k, true
	case strings.EqualFold(t.Alg, jose.AlgNone):
		return nil, true
	}
	l.errKey(base, "token %s: nothing to sign with: give key (a private key file), secret or secretFile (or alg: none for an unsigned token)", t.Name)
	return nil, false
}

// rel resolves a path written in the scenario against its folder.
func (l *loader) rel(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}
