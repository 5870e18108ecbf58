package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// keyChoice is a signing key the workbench offers for minting.
type keyChoice struct {
	Spec  string // what the Key field holds: a path, "secret:TEXT", or "" (ephemeral)
	Label string
}

// jwtAuthorizers are the gateway's built-in JWT verifiers, in file order.
func jwtAuthorizers(g *config.Gateway) []*config.Authorizer {
	if g == nil {
		return nil
	}
	var out []*config.Authorizer
	for _, a := range g.Authorizers {
		if _, ok := a.Options.(*engine.JWTOptions); ok {
			out = append(out, a)
		}
	}
	return out
}

// keyChoices offers the keys a gateway trusts: each jwt authorizer's
// secret, and the private key files lying next to its JWKS or public key
// whose public half it trusts (the fixture layout: rsa.pem by jwks.json).
func keyChoices(g *config.Gateway) []keyChoice {
	var out []keyChoice
	seen := map[string]bool{}
	for _, a := range jwtAuthorizers(g) {
		o := engine.JWTOptionsOf(a)
		if o.Secret != "" && !seen["secret:"+o.Secret] {
			seen["secret:"+o.Secret] = true
			out = append(out, keyChoice{Spec: "secret:" + o.Secret, Label: "secret of " + a.Name})
		}
		file := o.JWKS
		if file == "" {
			file = o.PublicKey
		}
		if file == "" {
			continue
		}
		trusted, err := jose.LoadKeys(g.Abs(file))
		if err != nil {
			continue
		}
		thumbs := map[string]bool{}
		for _, k := range trusted.Keys {
			if tp, err := k.Thumbprint(); err == nil {
				thumbs[tp] = true
			}
		}
		dir := filepath.Dir(g.Abs(file))
		matches, _ := filepath.Glob(filepath.Join(dir, "*.pem"))
		sort.Strings(matches)
		for _, p := range matches {
			ks, err := jose.LoadKeys(p)
			if err != nil || len(ks.Keys) == 0 || !ks.Keys[0].IsPrivate() {
				continue
			}
			tp, err := ks.Keys[0].Thumbprint()
			if err != nil || !thumbs[tp] || seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, keyChoice{Spec: displayPath(p), Label: ks.Keys[0].Describe() + ", trusted by " + a.Name})
		}
	}
	return append(out, keyChoice{Spec: "", Label: "a fresh key made for this token (no gateway trusts it)"})
}

// displayPath is p relative to the working directory when that is shorter.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && len(rel) < len(p) {
		return rel
	}
	return p
}

// loadSigningKey reads the Key field: "secret:TEXT", a key file (kid
// picks one from a JWKS, as for a gateway's tokens), or "" for a fresh key
// of alg's family.
func loadSigningKey(field, alg, kid string) (*jose.Key, error) {
	field = strings.TrimSpace(field)
	var spec config.TokenSpec
	switch {
	case strings.HasPrefix(field, "secret:"):
		if len(field) == len("secret:") {
			return nil, fmt.Errorf("secret: is empty")
		}
		spec.Secret = field[len("secret:"):]
	case field == "":
		kp, err := jose.Keygen(alg, jose.KeygenOptions{})
		if err != nil {
			return nil, err
		}
		return kp.Key, nil
	default:
		spec.Key, spec.KID = field, kid
	}
	return spec.SigningKey("")
}
