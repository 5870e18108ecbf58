package probe

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// prepareKeys settles the key material the battery can use: the signing
// key (only once a token re-signed with it is accepted: a key the
// authorizer does not trust would make every claims attack a refusal that
// proves nothing), and the public key for the confusion attacks.
func (p *prober) prepareKeys() {
	if p.jwt == nil {
		p.r.Notes = append(p.r.Notes, "the credential is not a JWT: the token attacks do not apply, only the transport and gateway checks run")
		return
	}
	p.checkSigningKey()
	p.pub = p.publicKey()
	if p.pub != nil {
		p.r.PublicKey = p.pub.Source + " (" + p.pub.Key.Describe() + ")"
	}
}

func (p *prober) checkSigningKey() {
	k := p.cred.Key
	if k == nil {
		p.r.Notes = append(p.r.Notes, "no signing key: the claims attacks (and unknown crit) need one to sign with — give --key FILE, or --token NAME of a gateway token with a key")
		return
	}
	label := p.cred.KeyLabel
	if label == "" {
		label = k.Source
	}
	alg := p.jwt.alg
	if err := k.CanSign(alg); err != nil {
		p.r.Notes = append(p.r.Notes, fmt.Sprintf("the signing key %s cannot sign the baseline's %s: %v; the claims attacks are skipped", label, alg, err))
		return
	}
	tok, err := signJWT(alg, p.jwt.header, p.jwt.claims, k)
	if err != nil {
		p.r.Notes = append(p.r.Notes, fmt.Sprintf("signing with %s: %v; the claims attacks are skipped", label, err))
		return
	}
	req := p.request()
	p.slot.Put(req, tok)
	res := p.fire(req)
	if !reached(res) {
		p.r.Notes = append(p.r.Notes, fmt.Sprintf("the baseline's claims re-signed with %s are refused (%d, %s): the authorizer does not trust that key, so the claims attacks are skipped", label, res.Response.Status, answer(res)))
		return
	}
	p.key, p.keyAlg = k, alg
	p.r.SigningKey = fmt.Sprintf("%s (%s; a token re-signed with it is accepted)", label, k.Describe())
}

// publicKey finds the key a confused verifier would take for an HMAC
// secret: --public-key, the gateway's own key for a jwt authorizer, the
// public half of the signing key, else the baseline's x5c.
func (p *prober) publicKey() *PublicKey {
	if p.o.PublicKey != nil {
		return p.o.PublicKey
	}
	if pk := p.gatewayKey(); pk != nil {
		return pk
	}
	if p.cred.Key != nil {
		label := p.cred.KeyLabel
		if label == "" {
			label = p.cred.Key.Source
		}
		if pk := PublicKeyOf(p.cred.Key, "the public half of "+label); pk != nil {
			return pk
		}
	}
	return x5cKey(p.jwt.header)
}

// gatewayKey is the public key a built-in jwt authorizer verifies with.
func (p *prober) gatewayKey() *PublicKey {
	g := p.e.Config()
	var a *config.Authorizer
	for _, x := range g.Authorizers {
		if x.Name == p.slot.Authorizer {
			a = x
		}
	}
	if a == nil {
		return nil
	}
	o := engine.JWTOptionsOf(a) // empty for other types

	var (
		ks     *jose.KeySet
		err    error
		source string
		raw    []byte
	)
	switch {
	case o.PublicKey != "":
		source = "the authorizer's publicKey " + o.PublicKey
		path := g.Abs(o.PublicKey)
		ks, err = jose.LoadKeys(path)
		raw, _ = os.ReadFile(path)
	case o.JWKS != "":
		source = "the authorizer's JWKS " + o.JWKS
		ks, err = jose.LoadKeys(g.Abs(o.JWKS))
	case o.JWKSURL != "":
		source = "the authorizer's JWKS " + o.JWKSURL
		ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
		ks, err = jose.FetchJWKS(ctx, o.JWKSURL, 3*time.Second)
		cancel()
	default:
		return nil
	}
	if err != nil || ks == nil {
		return nil
	}
	var pick *jose.Key
	for _, k := range ks.Keys {
		if k.Type == jose.KeyOct {
			continue
		}
		if pick == nil || (p.jwt.kid != "" && k.KID == p.jwt.kid) {
			pick = k
		}
	}
	pk := PublicKeyOf(pick, source)
	if pk != nil && len(raw) > 0 && strings.Contains(string(raw), "-----BEGIN") {
		pk.Secret = raw
	}
	return pk
}

// own returns authlab's own key, made on first use.
func (p *prober) own() (*ownKey, error) {
	if p.mine != nil {
		return p.mine, nil
	}
	alg := ""
	if p.jwt != nil {
		alg = p.jwt.alg
	}
	k, err := newOwnKey(alg)
	if err != nil {
		return nil, err
	}
	p.mine = k
	return k, nil
}

// server returns authlab's key server, started on first use.
func (p *prober) server() (*keyServer, error) {
	if p.srv != nil {
		return p.srv, nil
	}
	s, err := startKeyServer()
	if err != nil {
		return nil, err
	}
	p.srv = s
	return s, nil
}
