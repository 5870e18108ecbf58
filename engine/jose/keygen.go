package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// KeygenOptions tune Keygen.
type KeygenOptions struct {
	// RSABits is the modulus size for RS*/PS*; 0 = 2048.
	RSABits int
}

// KeyPair is a freshly generated key in the forms people need.
type KeyPair struct {
	Alg string
	KID string // RFC 7638 thumbprint of the public key
	Key *Key   // the private key (or secret), with KID and Alg set

	// PrivatePEM is the PKCS#8 private key; for HS* it is the secret as a
	// line of text (usable with --secret-file).
	PrivatePEM []byte
	// PublicPEM is the PKIX public key; nil for HS*.
	PublicPEM []byte
	// JWKS holds the public key (for HS*, the secret itself: keep it private).
	JWKS []byte
}

// Keygen makes a new key for alg. Randomness comes from crypto/rand: Go's key
// generators ignore any other source.
func Keygen(alg string, opts KeygenOptions) (*KeyPair, error) {
	alg, err := ParseAlg(alg)
	if err != nil {
		return nil, err
	}
	info, ok := lookupAlg(alg)
	if !ok {
		return nil, fmt.Errorf("alg %q has no key to generate", alg)
	}
	var k *Key
	switch info.keyType {
	case KeyOct:
		// A printable secret (base64url of hashLen random bytes) so it can
		// also be pasted into --secret or an environment variable.
		raw := make([]byte, info.hashLen)
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("generating secret: %w", err)
		}
		k = NewSecretKey([]byte(b64(raw)), "generated")
	case KeyRSA:
		bits := opts.RSABits
		if bits == 0 {
			bits = MinRSABits
		}
		if bits < MinRSABits || bits > 8192 {
			return nil, fmt.Errorf("RSA key size %d: use %d to 8192 bits", bits, MinRSABits)
		}
		p, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("generating RSA key: %w", err)
		}
		k, err = newKey(&p.PublicKey, p, "generated", "PKCS#8 private key")
		if err != nil {
			return nil, err
		}
	case KeyEC:
		curve, _, err := curveByName(info.curve)
		if err != nil {
			return nil, err
		}
		p, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating EC key: %w", err)
		}
		if k, err = newKey(&p.PublicKey, p, "generated", "PKCS#8 private key"); err != nil {
			return nil, err
		}
	case KeyOKP:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating Ed25519 key: %w", err)
		}
		if k, err = newKey(pub, priv, "generated", "PKCS#8 private key"); err != nil {
			return nil, err
		}
	}
	return NewKeyPair(k, alg)
}

// NewKeyPair renders an existing key (for instance one loaded from a JWK) the
// way Keygen does, with its thumbprint as kid unless it already has one.
func NewKeyPair(k *Key, alg string) (*KeyPair, error) {
	if err := k.CanSign(alg); err != nil {
		return nil, err
	}
	kp := &KeyPair{Alg: alg}
	c := *k
	c.Alg, c.Use = alg, "sig"
	if c.KID == "" {
		tp, err := c.Thumbprint()
		if err != nil {
			return nil, err
		}
		c.KID = tp
	}
	kp.Key, kp.KID = &c, c.KID
	var err error
	if c.Type == KeyOct {
		kp.PrivatePEM = append(append([]byte(nil), c.Secret...), '\n')
	} else {
		der, err := x509.MarshalPKCS8PrivateKey(c.Private)
		if err != nil {
			return nil, fmt.Errorf("encoding private key: %w", err)
		}
		kp.PrivatePEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		pubDER, err := x509.MarshalPKIXPublicKey(c.Public)
		if err != nil {
			return nil, fmt.Errorf("encoding public key: %w", err)
		}
		kp.PublicPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	}
	if kp.JWKS, err = MarshalJWKS(c.PublicOnly()); err != nil {
		return nil, err
	}
	return kp, nil
}

// DefaultKeyName is the file stem keygen uses for alg: "rsa", "ec-p256",
// "ed25519", "hs256".
func DefaultKeyName(alg string) string {
	a, ok := lookupAlg(alg)
	if !ok {
		return strings.ToLower(alg)
	}
	switch a.keyType {
	case KeyRSA:
		return "rsa"
	case KeyEC:
		return "ec-" + strings.ToLower(strings.ReplaceAll(a.curve, "-", ""))
	case KeyOKP:
		return "ed25519"
	}
	return strings.ToLower(alg)
}
