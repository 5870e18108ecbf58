package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"slices"
	"strings"
)

// KeyType is the JWK "kty" of a key.
type KeyType string

const (
	KeyRSA KeyType = "RSA"
	KeyEC  KeyType = "EC"
	KeyOKP KeyType = "OKP" // Ed25519
	KeyOct KeyType = "oct" // shared secret (HMAC)
)

// Key is one loaded key: a private key, a public key or a shared secret.
// Build it with LoadKeys/ParseKeys, NewSecretKey, SecretFromFile or
// SecretFromBase64, or take it from Keygen.
type Key struct {
	Type  KeyType
	Curve string // "P-256", "P-384", "P-521" for EC; "Ed25519" for OKP
	Bits  int    // RSA modulus size

	// Exactly one of these groups is set: Private (with Public), Public
	// alone, or Secret.
	Private crypto.Signer    // *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey
	Public  crypto.PublicKey // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey
	Secret  []byte

	KID string // from the JWK, or set by the caller
	Alg string // JWK "alg": binds the key to this one algorithm (RFC 8725 §3.1)
	Use string // JWK "use"

	// Source names where the key came from ("keys/rsa.pem", "--secret"),
	// Format how it was encoded ("PKCS#8 private key", "JWK"); both only
	// feed messages.
	Source string
	Format string
}

// IsPrivate reports whether the key can sign: a private key or a secret.
func (k *Key) IsPrivate() bool {
	return k.Private != nil || k.Type == KeyOct
}

// Describe names the key for people: "RSA 2048 private key", "EC P-256
// public key", "Ed25519 private key", "secret of 32 bytes".
func (k *Key) Describe() string {
	if k.Type == KeyOct {
		return fmt.Sprintf("secret of %d bytes", len(k.Secret))
	}
	vis := "public"
	if k.Private != nil {
		vis = "private"
	}
	switch k.Type {
	case KeyRSA:
		return fmt.Sprintf("RSA %d %s key", k.Bits, vis)
	case KeyEC:
		return fmt.Sprintf("EC %s %s key", k.Curve, vis)
	case KeyOKP:
		return fmt.Sprintf("%s %s key", k.Curve, vis)
	}
	return string(k.Type) + " key"
}

// describeA is Describe with its article, for sentences.
func (k *Key) describeA() string {
	if k.Type == KeyOct {
		return "a " + k.Describe()
	}
	// RSA, EC and Ed25519 all start with a vowel sound.
	return "an " + k.Describe()
}

func (k *Key) source() string {
	if k.Source == "" {
		return "the key"
	}
	return k.Source
}

// CheckAlg reports whether the key's type and size fit alg, ignoring whether
// it is private. The error is a *KeyMismatchError naming what was needed and
// what was found.
func (k *Key) CheckAlg(alg string) error {
	a, ok := lookupAlg(alg)
	if !ok {
		if alg == AlgNone {
			return fmt.Errorf("alg %q takes no key", alg)
		}
		_, err := ParseAlg(alg)
		return err
	}
	mismatch := &KeyMismatchError{Alg: alg, Need: a.needs(), Have: k.describeA(), Source: k.source()}
	if k.Type != a.keyType {
		return mismatch
	}
	switch k.Type {
	case KeyRSA:
		if k.Bits < MinRSABits {
			return mismatch
		}
	case KeyEC, KeyOKP:
		if k.Curve != a.curve {
			return mismatch
		}
	case KeyOct:
		if len(k.Secret) == 0 {
			return mismatch
		}
	}
	if k.Alg != "" && k.Alg != alg {
		return &KeyMismatchError{Alg: alg, Need: "a key meant for " + alg, Have: fmt.Sprintf("%s meant only for %s (its JWK \"alg\")", k.describeA(), k.Alg), Source: k.source()}
	}
	return nil
}

// CanSign is CheckAlg plus: the key must be private (or a secret).
func (k *Key) CanSign(alg string) error {
	if err := k.CheckAlg(alg); err != nil {
		return err
	}
	if !k.IsPrivate() {
		return &KeyMismatchError{Alg: alg, Need: "a private key to sign", Have: k.describeA(), Source: k.source()}
	}
	return nil
}

// DefaultAlg is the algorithm a key signs with when none is named: its JWK
// "alg" if any, else the first of its family (RS256 for RSA, ES256/384/512 by
// curve, EdDSA, HS256).
func (k *Key) DefaultAlg() string {
	if k.Alg != "" {
		return k.Alg
	}
	if algs := k.Algs(); len(algs) > 0 {
		return algs[0]
	}
	return ""
}

// Algs lists the algorithms this key may be used with: its JWK "alg" if set,
// else every algorithm whose key requirements it meets. This is the default
// allow-list of Verify.
func (k *Key) Algs() []string {
	if k.Alg != "" {
		return []string{k.Alg}
	}
	var out []string
	for _, a := range algTable {
		if k.CheckAlg(a.name) == nil {
			out = append(out, a.name)
		}
	}
	return out
}

// PublicOnly returns the key without its private half, for publishing or for
// verification. A secret is returned as is.
func (k *Key) PublicOnly() *Key {
	if k.Private == nil {
		return k
	}
	c := *k
	c.Private = nil
	return &c
}

// verifyMaterial is what golang-jwt's Verify expects for this key.
func (k *Key) verifyMaterial() any {
	if k.Type == KeyOct {
		return k.Secret
	}
	return k.Public
}

// signMaterial is what golang-jwt's Sign expects for this key.
func (k *Key) signMaterial() any {
	if k.Type == KeyOct {
		return k.Secret
	}
	return k.Private
}

// KeyWarnings lists non-fatal problems with using k for alg, e.g. an HMAC
// secret shorter than the hash (RFC 7518 §3.2). Testing tools need weak keys,
// so these warn rather than refuse.
func KeyWarnings(alg string, k *Key) []string {
	a, ok := lookupAlg(alg)
	if !ok || k == nil {
		return nil
	}
	var out []string
	if a.keyType == KeyOct && len(k.Secret) > 0 && len(k.Secret) < a.hashLen {
		out = append(out, fmt.Sprintf("%s secret is %d bytes; RFC 7518 §3.2 asks for at least %d", alg, len(k.Secret), a.hashLen))
	}
	return out
}

// newKey wraps a parsed crypto key. priv may be nil (public key only).
func newKey(pub crypto.PublicKey, priv crypto.Signer, source, format string) (*Key, error) {
	k := &Key{Public: pub, Private: priv, Source: source, Format: format}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		k.Type, k.Bits = KeyRSA, p.N.BitLen()
	case *ecdsa.PublicKey:
		k.Type = KeyEC
		k.Curve = p.Curve.Params().Name
		if !slices.Contains([]string{"P-256", "P-384", "P-521"}, k.Curve) {
			return nil, fmt.Errorf("%s: EC curve %s is not used by any JOSE algorithm (ES256 P-256, ES384 P-384, ES512 P-521)", source, k.Curve)
		}
	case ed25519.PublicKey:
		k.Type, k.Curve = KeyOKP, "Ed25519"
	default:
		return nil, fmt.Errorf("%s: %s holds %s, which no JOSE signing algorithm uses", source, format, keyTypeName(pub))
	}
	return k, nil
}

// keyTypeName names a Go key value for messages, with its article.
func keyTypeName(v any) string {
	s := fmt.Sprintf("%T", v)
	switch {
	case strings.Contains(s, "ecdh."):
		return "an X25519/ECDH key (for encryption)"
	case strings.HasPrefix(s, "*dsa."):
		return "a DSA key"
	}
	return "a " + s
}
