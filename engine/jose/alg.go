package jose

import (
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// AlgNone is the unsigned "algorithm". Mint makes such tokens only when asked
// explicitly (they exist to test that authorizers refuse them); Verify never
// accepts them.
const AlgNone = "none"

// Family groups algorithms that share a key type. An allow-list that is not
// given explicitly defaults to the key's own family (semantics JWT-1).
type Family string

const (
	FamilyHMAC   Family = "HMAC"    // HS256/384/512, shared secret
	FamilyRSA    Family = "RSA"     // RS256/384/512, RSASSA-PKCS1-v1_5
	FamilyRSAPSS Family = "RSA-PSS" // PS256/384/512, same keys as RSA
	FamilyECDSA  Family = "ECDSA"   // ES256/384/512, one curve per algorithm
	FamilyEdDSA  Family = "EdDSA"   // Ed25519
)

// algInfo is one row of the algorithm table: what key an algorithm needs.
type algInfo struct {
	name    string
	family  Family
	keyType KeyType
	curve   string // EC curve (ES*) or OKP curve (EdDSA); "" otherwise
	hashLen int    // bytes of the hash; an HMAC secret should be at least this long
	method  jwt.SigningMethod
}

// algTable is ordered as users read it: by family, then by hash size.
var algTable = []algInfo{
	{"HS256", FamilyHMAC, KeyOct, "", 32, jwt.SigningMethodHS256},
	{"HS384", FamilyHMAC, KeyOct, "", 48, jwt.SigningMethodHS384},
	{"HS512", FamilyHMAC, KeyOct, "", 64, jwt.SigningMethodHS512},
	{"RS256", FamilyRSA, KeyRSA, "", 32, jwt.SigningMethodRS256},
	{"RS384", FamilyRSA, KeyRSA, "", 48, jwt.SigningMethodRS384},
	{"RS512", FamilyRSA, KeyRSA, "", 64, jwt.SigningMethodRS512},
	{"PS256", FamilyRSAPSS, KeyRSA, "", 32, jwt.SigningMethodPS256},
	{"PS384", FamilyRSAPSS, KeyRSA, "", 48, jwt.SigningMethodPS384},
	{"PS512", FamilyRSAPSS, KeyRSA, "", 64, jwt.SigningMethodPS512},
	{"ES256", FamilyECDSA, KeyEC, "P-256", 32, jwt.SigningMethodES256},
	{"ES384", FamilyECDSA, KeyEC, "P-384", 48, jwt.SigningMethodES384},
	{"ES512", FamilyECDSA, KeyEC, "P-521", 64, jwt.SigningMethodES512},
	{"EdDSA", FamilyEdDSA, KeyOKP, "Ed25519", 0, jwt.SigningMethodEdDSA},
}

// MinRSABits is the smallest RSA modulus accepted, per RFC 7518 §3.3.
const MinRSABits = 2048

// Algorithms lists every signing algorithm authlab supports, "none" excluded.
func Algorithms() []string {
	out := make([]string, len(algTable))
	for i, a := range algTable {
		out[i] = a.name
	}
	return out
}

// ParseAlg returns the canonical spelling of an algorithm name given in any
// case ("rs256" → "RS256", "ed25519" → "EdDSA"). Token headers are matched
// exactly instead (Verify), because JOSE algorithm names are case-sensitive.
func ParseAlg(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, AlgNone) {
		return AlgNone, nil
	}
	if strings.EqualFold(s, "Ed25519") {
		return "EdDSA", nil
	}
	for _, a := range algTable {
		if strings.EqualFold(s, a.name) {
			return a.name, nil
		}
	}
	return "", fmt.Errorf("unknown algorithm %q (supported: %s)", s, strings.Join(Algorithms(), ", "))
}

// FamilyOf returns the family of a canonical algorithm name, "" if unknown.
func FamilyOf(alg string) Family {
	if a, ok := lookupAlg(alg); ok {
		return a.family
	}
	return ""
}

// lookupAlg finds an algorithm by its exact (case-sensitive) name.
func lookupAlg(name string) (algInfo, bool) {
	for _, a := range algTable {
		if a.name == name {
			return a, true
		}
	}
	return algInfo{}, false
}

// needs phrases what key an algorithm requires, for mismatch messages.
func (a algInfo) needs() string {
	switch a.keyType {
	case KeyOct:
		return "a shared secret"
	case KeyRSA:
		return fmt.Sprintf("an RSA key of at least %d bits", MinRSABits)
	case KeyEC:
		return "a " + a.curve + " EC key"
	case KeyOKP:
		return "an " + a.curve + " key"
	}
	return "a key"
}
