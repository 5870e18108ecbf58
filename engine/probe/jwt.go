package probe

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authlab/authlab/engine/jose"
)

// jwtParts is a compact JWS taken apart, keeping each segment as sent so
// that an attack can change one and keep the others byte for byte.
type jwtParts struct {
	raw           string
	h64, p64, s64 string
	header        map[string]any
	claims        map[string]any
	alg, kid      string
}

// parseJWT decodes a token without verifying it; false for anything that
// is not a three-part JWS with a JSON header and claims.
func parseJWT(s string) (*jwtParts, bool) {
	t, err := jose.Decode(s)
	if err != nil || t.Claims == nil {
		return nil, false
	}
	parts := strings.Split(s, ".")
	return &jwtParts{raw: s, h64: parts[0], p64: parts[1], s64: parts[2], header: t.Header, claims: t.Claims, alg: t.Alg, kid: t.KID}, true
}

var b64 = base64.RawURLEncoding

// marshal is JSON without HTML escaping, as JOSE libraries write it.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func seg(v any) string { return b64.EncodeToString(marshal(v)) }

// copyMap is a shallow copy of a header or claim set.
func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// joseHeader is the decoded header of a token, for the report; "" when the
// value is not a JWT.
func joseHeader(tok string) string {
	h, _, ok := strings.Cut(tok, ".")
	if !ok {
		return ""
	}
	raw, err := b64.DecodeString(strings.TrimRight(h, "="))
	if err != nil || !json.Valid(raw) {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ""
	}
	return buf.String()
}

// hashFor is the hash of an HS* algorithm.
func hashFor(alg string) func() hash.Hash {
	switch alg {
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return sha256.New
}

// hmacSign signs with any secret, the empty one included (golang-jwt
// refuses nothing, but the kid traversal attack needs an empty key and the
// intent should not depend on a library's leniency).
func hmacSign(alg string, secret []byte, input string) []byte {
	m := hmac.New(hashFor(alg), secret)
	m.Write([]byte(input))
	return m.Sum(nil)
}

// signJWT builds header.claims.signature, signing with key (a *jose.Key,
// or raw []byte for an HMAC secret).
func signJWT(alg string, header, claims map[string]any, key any) (string, error) {
	h := copyMap(header)
	h["alg"] = alg
	input := seg(h) + "." + seg(claims)
	sig, err := signInput(alg, input, key)
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

func signInput(alg, input string, key any) ([]byte, error) {
	if strings.HasPrefix(alg, "HS") {
		switch k := key.(type) {
		case []byte:
			return hmacSign(alg, k, input), nil
		case *jose.Key:
			if k.Type == jose.KeyOct {
				return hmacSign(alg, k.Secret, input), nil
			}
		}
		return nil, fmt.Errorf("%s needs a secret", alg)
	}
	k, ok := key.(*jose.Key)
	if !ok || k.Private == nil {
		return nil, fmt.Errorf("%s needs a private key", alg)
	}
	m := jwt.GetSigningMethod(alg)
	if m == nil {
		return nil, fmt.Errorf("unknown algorithm %s", alg)
	}
	return m.Sign(input, k.Private)
}

// ownKey is authlab's own key pair, made for one probe: what an attacker
// would sign with and point the authorizer at (jku, x5u, jwk, x5c).
type ownKey struct {
	alg  string
	key  *jose.Key
	kid  string
	jwk  map[string]any // public JWK
	jwks []byte
	cert []byte // self-signed X.509, DER
}

// newOwnKey makes a key of alg's family (RS256 for HMAC baselines: the
// header-key attacks carry public keys).
func newOwnKey(alg string) (*ownKey, error) {
	if alg == "" || strings.HasPrefix(alg, "HS") || jose.FamilyOf(alg) == "" {
		alg = "RS256"
	}
	kp, err := jose.Keygen(alg, jose.KeygenOptions{})
	if err != nil {
		return nil, err
	}
	k := &ownKey{alg: alg, key: kp.Key, kid: "authlab-probe-" + kp.KID[:8], jwks: nil}
	k.key.KID = k.kid
	pubJWK, err := k.key.PublicOnly().MarshalJWK(false)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(pubJWK, &k.jwk); err != nil {
		return nil, err
	}
	if k.jwks, err = jose.MarshalJWKS(k.key.PublicOnly()); err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "authlab probe"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if k.cert, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.key.Public, k.key.Private); err != nil {
		return nil, fmt.Errorf("self-signing authlab's certificate: %w", err)
	}
	return k, nil
}

// certPEM is the self-signed certificate as PEM, what an x5u URL serves.
func (k *ownKey) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.cert})
}

// publicPEM is a public key as PKIX PEM: what most libraries load, and
// what a verifier confused into HMAC takes for a secret.
func publicPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// PublicKeyOf is the public half of a key, with its PEM as the confusion
// secret; nil for a secret (HMAC has no public key).
func PublicKeyOf(k *jose.Key, source string) *PublicKey {
	if k == nil || k.Type == jose.KeyOct || k.Public == nil {
		return nil
	}
	pemBytes, err := publicPEM(k.Public)
	if err != nil {
		return nil
	}
	return &PublicKey{Key: k.PublicOnly(), Secret: pemBytes, Source: source}
}

// LoadPublicKey reads --public-key: a PEM public key or certificate, a JWK
// or a JWKS (its first key). A PEM file is used as written for the HMAC
// secret — byte for byte what an authorizer reading that file would hold.
func LoadPublicKey(path string) (*PublicKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ks, err := jose.ParseKeys(raw, path)
	if err != nil {
		return nil, err
	}
	if len(ks.Keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", path)
	}
	k := ks.Keys[0]
	if k.Type == jose.KeyOct {
		return nil, fmt.Errorf("%s holds a secret, not a public key: give it as --key (the HMAC secret signs the claims attacks)", path)
	}
	pk := PublicKeyOf(k, path)
	if pk == nil {
		return nil, fmt.Errorf("%s: no public key in it", path)
	}
	if bytes.Contains(raw, []byte("-----BEGIN")) && !bytes.Contains(raw, []byte("PRIVATE KEY")) {
		pk.Secret = raw
	}
	return pk, nil
}

// x5cKey is the public key of the first certificate of a token's x5c.
func x5cKey(header map[string]any) *PublicKey {
	list, ok := header["x5c"].([]any)
	if !ok || len(list) == 0 {
		return nil
	}
	s, _ := list[0].(string)
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	var k *jose.Key
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		k = &jose.Key{Type: jose.KeyRSA, Public: pub, Bits: pub.N.BitLen()}
	case *ecdsa.PublicKey:
		k = &jose.Key{Type: jose.KeyEC, Public: pub, Curve: pub.Curve.Params().Name}
	case ed25519.PublicKey:
		k = &jose.Key{Type: jose.KeyOKP, Public: pub, Curve: "Ed25519"}
	default:
		return nil
	}
	return PublicKeyOf(k, "the baseline token's x5c certificate")
}
