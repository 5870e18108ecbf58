package scenario

import (
	"path/filepath"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// loadTokens mints every token at the virtual clock's start: iat is the
// start, exp is the start + expiresIn, so `advance` past it expires the
// token exactly as time would. The spec's values may use ${vars.NAME} and
// ${env.NAME}; once rendered, the token is checked and minted as a gateway
// file's token is (config.TokenSpec).
func (l *loader) loadTokens() {
	l.tokens = map[string]string{}
	l.tokenKeys = map[string]*jose.Key{}
	sc := &scope{vars: l.vars, getenv: l.opts.Getenv, allowed: []string{nsVars, nsEnv}}
	for _, t := range l.f.Tokens {
		base := "tokens." + t.Name
		l.tokens[t.Name] = "<token " + t.Name + " not minted>"
		r := *t
		r.Key = l.render(sc, base+".key", t.Key)
		r.KID = l.render(sc, base+".kid", t.KID)
		r.Secret = l.render(sc, base+".secret", t.Secret)
		r.SecretFile = l.render(sc, base+".secretFile", t.SecretFile)
		r.Claims, _ = l.renderAny(sc, base+".claims", t.Claims).(map[string]any)
		r.Header, _ = l.renderAny(sc, base+".header", t.Header).(map[string]any)
		r.Alg = l.render(sc, base+".alg", t.Alg)
		tok, key, err := r.Mint(l.dir, l.sc.Start, func(mo *jose.MintOptions) {
			// No random jti: the same file mints the same token (for HS,
			// RS and EdDSA), so cache keys and traces replay identically.
			mo.NoJTI = true
		})
		if err != nil {
			if at, onKey := config.TokenErrorAt(base, err); onKey {
				l.errKey(at, "%v", err)
			} else {
				l.errf(at, "%v", err)
			}
			continue
		}
		l.tokens[t.Name] = tok
		if key != nil {
			l.tokenKeys[t.Name] = key
		}
	}
}

// rel resolves a path written in the scenario against its folder.
func (l *loader) rel(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}
