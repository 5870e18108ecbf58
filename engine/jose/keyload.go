package jose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/authlab/authlab/engine/limits"
)

// LoadKeys reads a key file in any supported format (see ParseKeys). A
// file over limits.MaxKeyBytes is refused before it is read whole.
func LoadKeys(path string) (*KeySet, error) {
	data, err := limits.ReadFile(path, "key file", limits.MaxKeyBytes)
	if limits.IsTooLarge(err) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	return ParseKeys(data, path)
}

// ParseKeys recognises a key by its content: PEM (PKCS#1, PKCS#8, SEC1, PKIX
// public keys, X.509 certificates), a JWK, a JWKS, or the same DER encodings
// unwrapped. source labels the keys in messages (a file name, a URL).
//
// A PEM file that holds a private key yields the first private key (a key
// file bundled with its certificate is meant for signing); otherwise the
// first public key or certificate.
func ParseKeys(data []byte, source string) (*KeySet, error) {
	text := limits.StripBOM(data)
	trimmed := bytes.TrimSpace(text)
	switch {
	case len(trimmed) == 0:
		return nil, fmt.Errorf("%s: empty file, expected a PEM, JWK or JWKS key", source)
	case trimmed[0] == '{':
		// Nesting is bounded before decoding (positions are the file's).
		if err := limits.CheckJSONDepth(text, limits.MaxDepth); err != nil {
			return nil, fmt.Errorf("%s:%w", source, err)
		}
		return parseJWKOrSet(trimmed, source)
	case bytes.Contains(trimmed, []byte("-----BEGIN ")):
		k, err := parsePEM(trimmed, source)
		if err != nil {
			return nil, err
		}
		return NewKeySet(source, k), nil
	}
	// DER is binary: trimming "whitespace" could cut real bytes off its end.
	k, err := parseDER(data, source)
	if err == nil {
		return NewKeySet(source, k), nil
	}
	if !errors.Is(err, errNotDER) {
		return nil, err
	}
	hint := ""
	if utf8.Valid(trimmed) && !bytes.ContainsAny(trimmed, "\n") {
		hint = "; for an HMAC secret use --secret-file"
	}
	return nil, fmt.Errorf("%s: not a key: expected PEM (-----BEGIN ...), a JWK or JWKS (JSON), or DER%s", source, hint)
}

func parsePEM(data []byte, source string) (*Key, error) {
	var firstPublic *Key
	var types []string
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		types = append(types, block.Type)
		if _, enc := block.Headers["Proc-Type"]; enc || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, fmt.Errorf("%s: the private key is encrypted; decrypt it first (openssl pkey -in %s -out plain.pem)", source, source)
		}
		k, err := parsePEMBlock(block, source)
		if err != nil {
			return nil, err
		}
		switch {
		case k == nil: // a block that holds no key, such as EC PARAMETERS
		case k.Private != nil:
			return k, nil
		case firstPublic == nil:
			firstPublic = k
		}
	}
	if firstPublic != nil {
		return firstPublic, nil
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("%s: a PEM header was found but no complete PEM block (check the -----END line)", source)
	}
	return nil, fmt.Errorf("%s: no key in PEM blocks %q", source, types)
}

// parsePEMBlock decodes one block; nil, nil for blocks that carry no key.
func parsePEMBlock(b *pem.Block, source string) (*Key, error) {
	wrap := func(format string, err error) error {
		// Go's x509 names what it cannot parse by OID or in its own terms;
		// say it in JOSE terms for the keys people actually run into.
		hint := ""
		switch msg := err.Error(); {
		case strings.Contains(msg, "unknown elliptic curve"):
			hint = " (JOSE uses only P-256, P-384 and P-521, for ES256, ES384 and ES512)"
		case strings.Contains(msg, "1.3.101.113"):
			hint = " (that is Ed448; EdDSA here means Ed25519)"
		case strings.Contains(msg, "1.3.101.110"), strings.Contains(msg, "1.3.101.111"):
			hint = " (that is an X25519/X448 encryption key)"
		}
		return fmt.Errorf("%s: bad %s%s: %w", source, format, hint, err)
	}
	switch b.Type {
	case "RSA PRIVATE KEY":
		p, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return nil, wrap("PKCS#1 RSA private key", err)
		}
		return newKey(&p.PublicKey, p, source, "PKCS#1 private key")
	case "PRIVATE KEY":
		p, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return nil, wrap("PKCS#8 private key", err)
		}
		return privateKey(p, source, "PKCS#8 private key")
	case "EC PRIVATE KEY":
		p, err := x509.ParseECPrivateKey(b.Bytes)
		if err != nil {
			return nil, wrap("SEC1 EC private key", err)
		}
		return newKey(&p.PublicKey, p, source, "SEC1 private key")
	case "PUBLIC KEY":
		p, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return nil, wrap("PKIX public key", err)
		}
		return newKey(p, nil, source, "PKIX public key")
	case "RSA PUBLIC KEY":
		p, err := x509.ParsePKCS1PublicKey(b.Bytes)
		if err != nil {
			return nil, wrap("PKCS#1 RSA public key", err)
		}
		return newKey(p, nil, source, "PKCS#1 public key")
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, wrap("X.509 certificate", err)
		}
		return newKey(c.PublicKey, nil, source, "X.509 certificate")
	case "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("%s: OpenSSH key format; convert it to PKCS#8 (ssh-keygen -p -m PKCS8 -f %s) or make one with `authlab token keygen`", source, source)
	}
	return nil, nil
}

// privateKey wraps what x509.ParsePKCS8PrivateKey returns.
func privateKey(p any, source, format string) (*Key, error) {
	switch p := p.(type) {
	case *rsa.PrivateKey:
		return newKey(&p.PublicKey, p, source, format)
	case *ecdsa.PrivateKey:
		return newKey(&p.PublicKey, p, source, format)
	case ed25519.PrivateKey:
		return newKey(p.Public(), p, source, format)
	}
	return nil, fmt.Errorf("%s: %s holds %s, which no JOSE signing algorithm uses", source, format, keyTypeName(p))
}

// parseDER tries the DER encodings PEM wraps, most common first.
func parseDER(der []byte, source string) (*Key, error) {
	if p, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return privateKey(p, source, "DER PKCS#8 private key")
	}
	if p, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return newKey(&p.PublicKey, p, source, "DER PKCS#1 private key")
	}
	if p, err := x509.ParseECPrivateKey(der); err == nil {
		return newKey(&p.PublicKey, p, source, "DER SEC1 private key")
	}
	if p, err := x509.ParsePKIXPublicKey(der); err == nil {
		return newKey(p, nil, source, "DER PKIX public key")
	}
	if c, err := x509.ParseCertificate(der); err == nil {
		return newKey(c.PublicKey, nil, source, "DER X.509 certificate")
	}
	return nil, errNotDER
}

// errNotDER means none of the DER decoders recognised the bytes.
var errNotDER = errors.New("not DER")
