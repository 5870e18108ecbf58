package jose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk is the JSON form of a key (RFC 7517/7518/8037). Field order is the
// order we write them in.
type jwk struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid,omitempty"`
	Use    string   `json:"use,omitempty"`
	Alg    string   `json:"alg,omitempty"`
	KeyOps []string `json:"key_ops,omitempty"`
	Crv    string   `json:"crv,omitempty"`
	N      string   `json:"n,omitempty"`
	E      string   `json:"e,omitempty"`
	X      string   `json:"x,omitempty"`
	Y      string   `json:"y,omitempty"`
	D      string   `json:"d,omitempty"`
	P      string   `json:"p,omitempty"`
	Q      string   `json:"q,omitempty"`
	DP     string   `json:"dp,omitempty"`
	DQ     string   `json:"dq,omitempty"`
	QI     string   `json:"qi,omitempty"`
	K      string   `json:"k,omitempty"`
}

type jwks struct {
	Keys []json.RawMessage `json:"keys"`
}

// parseJWKOrSet tells a JWKS ({"keys": [...]}) from a single JWK ({"kty": ...}).
func parseJWKOrSet(data []byte, source string) (*KeySet, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: not valid JSON: %w", source, err)
	}
	if _, ok := probe["keys"]; ok {
		return parseJWKS(data, source)
	}
	if _, ok := probe["kty"]; ok {
		k, err := parseJWK(data, source)
		if err != nil {
			return nil, err
		}
		return NewKeySet(source, k), nil
	}
	return nil, fmt.Errorf(`%s: JSON but neither a JWK (no "kty") nor a JWKS (no "keys")`, source)
}

func parseJWKS(data []byte, source string) (*KeySet, error) {
	var set jwks
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("%s: bad JWKS: %w", source, err)
	}
	out := &KeySet{Source: source}
	for i, raw := range set.Keys {
		k, err := parseJWK(raw, fmt.Sprintf("%s keys[%d]", source, i))
		if err != nil {
			// One key we cannot use (an encryption key, an exotic curve)
			// must not make the others unusable: real JWKS mix them.
			out.Skipped = append(out.Skipped, err.Error())
			continue
		}
		out.Keys = append(out.Keys, k)
	}
	if len(out.Keys) == 0 {
		if len(out.Skipped) == 0 {
			return nil, fmt.Errorf("%s: the JWKS has no keys", source)
		}
		return nil, fmt.Errorf("%s: no usable key in the JWKS: %v", source, out.Skipped)
	}
	return out, nil
}

// parseJWK decodes one JWK and checks it is a signing key JOSE algorithms
// can use.
func parseJWK(data []byte, source string) (*Key, error) {
	var j jwk
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%s: bad JWK: %w", source, err)
	}
	if j.Use == "enc" {
		return nil, fmt.Errorf(`%s: "use": "enc" marks an encryption key, not a signing key`, source)
	}
	var (
		k   *Key
		err error
	)
	switch j.Kty {
	case "RSA":
		k, err = rsaFromJWK(&j, source)
	case "EC":
		k, err = ecFromJWK(&j, source)
	case "OKP":
		k, err = okpFromJWK(&j, source)
	case "oct":
		var b []byte
		if b, err = jwkBytes("k", j.K); err == nil {
			if len(b) == 0 {
				err = errors.New(`"k" is empty`)
			}
			k = NewSecretKey(b, source)
		}
	case "":
		err = errors.New(`no "kty"`)
	default:
		err = fmt.Errorf("kty %q is not a signing key type (RSA, EC, OKP, oct)", j.Kty)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: JWK: %w", source, err)
	}
	if j.Alg != "" {
		canon, aerr := ParseAlg(j.Alg)
		if aerr != nil || canon != j.Alg || canon == AlgNone {
			return nil, fmt.Errorf("%s: JWK \"alg\" %q is not a JWS signing algorithm", source, j.Alg)
		}
		k.Alg = j.Alg
		if cerr := k.CheckAlg(j.Alg); cerr != nil {
			return nil, cerr
		}
	}
	k.KID, k.Use, k.Format = j.Kid, j.Use, "JWK"
	return k, nil
}

func rsaFromJWK(j *jwk, source string) (*Key, error) {
	n, err := jwkInt("n", j.N)
	if err != nil {
		return nil, err
	}
	e, err := jwkInt("e", j.E)
	if err != nil {
		return nil, err
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
		return nil, fmt.Errorf(`"e" %v is not a usable RSA exponent`, e)
	}
	pub := &rsa.PublicKey{N: n, E: int(e.Int64())}
	if j.D == "" {
		return newKey(pub, nil, source, "JWK")
	}
	if j.P == "" || j.Q == "" {
		return nil, errors.New(`an RSA private JWK needs "p" and "q" as well as "d"`)
	}
	d, err := jwkInt("d", j.D)
	if err != nil {
		return nil, err
	}
	p, err := jwkInt("p", j.P)
	if err != nil {
		return nil, err
	}
	q, err := jwkInt("q", j.Q)
	if err != nil {
		return nil, err
	}
	// dp, dq and qi are derived again by Precompute rather than trusted.
	priv := &rsa.PrivateKey{PublicKey: *pub, D: d}
	priv.Primes = []*big.Int{p, q}
	if err := priv.Validate(); err != nil {
		return nil, fmt.Errorf("RSA private key is inconsistent: %w", err)
	}
	priv.Precompute()
	return newKey(&priv.PublicKey, priv, source, "JWK")
}

func curveByName(crv string) (elliptic.Curve, int, error) {
	switch crv {
	case "P-256":
		return elliptic.P256(), 32, nil
	case "P-384":
		return elliptic.P384(), 48, nil
	case "P-521":
		return elliptic.P521(), 66, nil
	}
	return nil, 0, fmt.Errorf("EC curve %q is not used by any JOSE algorithm (P-256, P-384, P-521)", crv)
}

func ecFromJWK(j *jwk, source string) (*Key, error) {
	curve, size, err := curveByName(j.Crv)
	if err != nil {
		return nil, err
	}
	x, err := jwkFixed("x", j.X, size)
	if err != nil {
		return nil, err
	}
	y, err := jwkFixed("y", j.Y, size)
	if err != nil {
		return nil, err
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, fmt.Errorf("the point (x, y) is not on %s: %w", j.Crv, err)
	}
	if j.D == "" {
		return newKey(pub, nil, source, "JWK")
	}
	d, err := jwkFixed("d", j.D, size)
	if err != nil {
		return nil, err
	}
	priv, err := ecdsa.ParseRawPrivateKey(curve, d)
	if err != nil {
		return nil, fmt.Errorf(`bad "d": %w`, err)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, errors.New(`"d" does not belong to the public key (x, y)`)
	}
	return newKey(pub, priv, source, "JWK")
}

func okpFromJWK(j *jwk, source string) (*Key, error) {
	if j.Crv != "Ed25519" {
		return nil, fmt.Errorf("OKP curve %q is not supported for signing (only Ed25519)", j.Crv)
	}
	x, err := jwkBytes("x", j.X)
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf(`"x" is %d bytes; an Ed25519 public key is %d`, len(x), ed25519.PublicKeySize)
	}
	pub := ed25519.PublicKey(x)
	if j.D == "" {
		return newKey(pub, nil, source, "JWK")
	}
	d, err := jwkBytes("d", j.D)
	if err != nil {
		return nil, err
	}
	if len(d) != ed25519.SeedSize {
		return nil, fmt.Errorf(`"d" is %d bytes; an Ed25519 private key is %d`, len(d), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(d)
	if !pub.Equal(priv.Public()) {
		return nil, errors.New(`"d" does not belong to the public key "x"`)
	}
	return newKey(pub, priv, source, "JWK")
}

func jwkBytes(name, v string) ([]byte, error) {
	if v == "" {
		return nil, fmt.Errorf("missing %q", name)
	}
	b, err := decodeBase64Lenient(v)
	if err != nil {
		return nil, fmt.Errorf("%q is %w", name, err)
	}
	return b, nil
}

func jwkInt(name, v string) (*big.Int, error) {
	b, err := jwkBytes(name, v)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b), nil
}

// jwkFixed decodes a coordinate that RFC 7518 §6.2.1.2 says is full length;
// shorter values are left-padded because some producers drop leading zeros.
func jwkFixed(name, v string, size int) ([]byte, error) {
	b, err := jwkBytes(name, v)
	if err != nil {
		return nil, err
	}
	if len(b) > size {
		return nil, fmt.Errorf("%q is %d bytes; the curve needs %d", name, len(b), size)
	}
	return append(make([]byte, size-len(b)), b...), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// toJWK builds the JSON form; private adds the private members.
func (k *Key) toJWK(private bool) (*jwk, error) {
	j := &jwk{Kty: string(k.Type), Kid: k.KID, Use: k.Use, Alg: k.Alg}
	switch p := k.Public.(type) {
	case *rsa.PublicKey:
		j.N = b64(p.N.Bytes())
		j.E = b64(big.NewInt(int64(p.E)).Bytes())
		if priv, ok := k.Private.(*rsa.PrivateKey); ok && private {
			if len(priv.Primes) != 2 {
				return nil, errors.New("multi-prime RSA keys cannot be written as a JWK")
			}
			// The CRT values are derived here rather than read from
			// Precomputed, which would need Precompute: a mutation that is
			// not safe while other goroutines sign with the key.
			p, q, one := priv.Primes[0], priv.Primes[1], big.NewInt(1)
			dp := new(big.Int).Mod(priv.D, new(big.Int).Sub(p, one))
			dq := new(big.Int).Mod(priv.D, new(big.Int).Sub(q, one))
			qi := new(big.Int).ModInverse(q, p)
			if qi == nil {
				return nil, errors.New("RSA key is inconsistent: q has no inverse mod p")
			}
			j.D = b64(priv.D.Bytes())
			j.P, j.Q = b64(p.Bytes()), b64(q.Bytes())
			j.DP, j.DQ, j.QI = b64(dp.Bytes()), b64(dq.Bytes()), b64(qi.Bytes())
		}
	case *ecdsa.PublicKey:
		point, err := p.Bytes()
		if err != nil {
			return nil, fmt.Errorf("encoding EC public key: %w", err)
		}
		size := (len(point) - 1) / 2
		j.Crv, j.X, j.Y = k.Curve, b64(point[1:1+size]), b64(point[1+size:])
		if priv, ok := k.Private.(*ecdsa.PrivateKey); ok && private {
			d, err := priv.Bytes()
			if err != nil {
				return nil, fmt.Errorf("encoding EC private key: %w", err)
			}
			j.D = b64(d)
		}
	case ed25519.PublicKey:
		j.Crv, j.X = "Ed25519", b64(p)
		if priv, ok := k.Private.(ed25519.PrivateKey); ok && private {
			j.D = b64(priv.Seed())
		}
	default:
		if k.Type != KeyOct {
			return nil, fmt.Errorf("cannot write a %s as a JWK", k.Describe())
		}
		j.K = b64(k.Secret)
	}
	return j, nil
}

// MarshalJWK writes the key as a JWK; includePrivate adds the private members
// (d, p, q, ...). A secret is always written with its "k".
func (k *Key) MarshalJWK(includePrivate bool) ([]byte, error) {
	j, err := k.toJWK(includePrivate)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// MarshalJWKS writes a JWKS of the keys' public halves, indented for people.
// Secrets are written with their "k": a JWKS of secrets is itself secret.
func MarshalJWKS(keys ...*Key) ([]byte, error) {
	set := jwks{Keys: []json.RawMessage{}}
	for _, k := range keys {
		b, err := k.MarshalJWK(false)
		if err != nil {
			return nil, err
		}
		set.Keys = append(set.Keys, b)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(set); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url) of the
// key's public half: the kid Keygen assigns.
func (k *Key) Thumbprint() (string, error) {
	j, err := k.toJWK(false)
	if err != nil {
		return "", err
	}
	// RFC 7638 §3.2: only the required members, in lexicographic order, no
	// whitespace. Marshalling a map sorts keys and escapes nothing that
	// base64url or the curve names could contain.
	var req map[string]string
	switch k.Type {
	case KeyRSA:
		req = map[string]string{"e": j.E, "kty": j.Kty, "n": j.N}
	case KeyEC:
		req = map[string]string{"crv": j.Crv, "kty": j.Kty, "x": j.X, "y": j.Y}
	case KeyOKP:
		req = map[string]string{"crv": j.Crv, "kty": j.Kty, "x": j.X}
	default:
		req = map[string]string{"k": j.K, "kty": j.Kty}
	}
	b, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return b64(sum[:]), nil
}
