package jose

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MintOptions describe one token. Claims are layered: defaults (iat = Now, a
// random jti) < Claims < the explicit time and jti fields.
type MintOptions struct {
	// Alg is the algorithm in any case ("rs256"); "" = the key's DefaultAlg.
	Alg string
	// Key signs the token: a private key or a secret. Ignored for "none".
	Key *Key
	// AllowNone must be set to mint an unsigned "none" token.
	AllowNone bool

	// KID goes into the header; "" = the key's own kid, if it has one.
	KID string
	// Typ is the header "typ"; "" = "JWT".
	Typ string
	// Header adds JOSE header members (cty, x5t, custom ones). A nil value
	// removes a default member such as "typ". "alg" cannot be set here.
	Header map[string]any

	// Claims is the claim set; values are marshalled with encoding/json
	// (json.Number keeps numbers exactly as given).
	Claims map[string]any

	// Now is the clock the token is minted at: iat defaults to it and
	// ExpiresIn counts from it. Scenarios pass virtual time; zero means the
	// wall clock.
	Now time.Time
	// ExpiresIn sets exp = Now + ExpiresIn when non-zero (negative mints an
	// already expired token). ExpiresAt, if set, wins.
	ExpiresIn time.Duration
	ExpiresAt time.Time // zero = not set
	NotBefore time.Time // zero = not set
	IssuedAt  time.Time // zero = Now, unless NoIssuedAt
	// NoIssuedAt leaves iat out (unless Claims has it).
	NoIssuedAt bool

	// JTI is the token id; "" = 16 random bytes from Rand, base64url.
	JTI string
	// NoJTI leaves jti out (unless Claims has it), for reproducible tokens.
	NoJTI bool
	// Rand feeds the random jti; nil = crypto/rand. Tests inject a fixed
	// reader so tokens are byte-for-byte reproducible (HS, RS and EdDSA
	// signatures are deterministic; PS and ES signatures are not).
	Rand io.Reader
}

// Mint signs a token and returns it in compact form.
func Mint(opts MintOptions) (string, error) {
	alg, err := mintAlg(opts)
	if err != nil {
		return "", err
	}
	claims, err := mintClaims(opts)
	if err != nil {
		return "", err
	}

	var method jwt.SigningMethod = jwt.SigningMethodNone
	var material any = jwt.UnsafeAllowNoneSignatureType
	kid := opts.KID
	if alg != AlgNone {
		info, _ := lookupAlg(alg)
		method, material = info.method, opts.Key.signMaterial()
		if kid == "" {
			kid = opts.Key.KID
		}
	}

	tok := jwt.NewWithClaims(method, claims)
	tok.Header["typ"] = "JWT"
	if opts.Typ != "" {
		tok.Header["typ"] = opts.Typ
	}
	if kid != "" {
		tok.Header["kid"] = kid
	}
	for name, v := range opts.Header {
		if name == "alg" {
			return "", errors.New(`the header "alg" is set by the algorithm, not by a header field`)
		}
		if v == nil {
			delete(tok.Header, name)
			continue
		}
		tok.Header[name] = v
	}
	s, err := tok.SignedString(material)
	if err != nil {
		return "", fmt.Errorf("signing with %s: %w", alg, err)
	}
	return s, nil
}

// mintAlg settles the algorithm and checks the key can sign with it.
func mintAlg(opts MintOptions) (string, error) {
	alg := opts.Alg
	if alg == "" {
		if opts.Key == nil {
			return "", fmt.Errorf("%w: give a key or a secret to sign with", ErrNoKey)
		}
		alg = opts.Key.DefaultAlg()
	}
	alg, err := ParseAlg(alg)
	if err != nil {
		return "", err
	}
	if alg == AlgNone {
		if !opts.AllowNone {
			return "", ErrNoneNotAllowed
		}
		return alg, nil
	}
	if opts.Key == nil {
		return "", fmt.Errorf("%w: %s needs %s", ErrNoKey, alg, algTableNeeds(alg))
	}
	if err := opts.Key.CanSign(alg); err != nil {
		return "", err
	}
	return alg, nil
}

func algTableNeeds(alg string) string {
	if a, ok := lookupAlg(alg); ok {
		return a.needs()
	}
	return "a key"
}

// mintClaims layers the claim set (see MintOptions).
func mintClaims(opts MintOptions) (jwt.MapClaims, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := jwt.MapClaims{}
	if !opts.NoIssuedAt {
		c["iat"] = now.Unix()
	}
	if !opts.NoJTI && opts.JTI == "" {
		jti, err := randomJTI(opts.Rand)
		if err != nil {
			return nil, err
		}
		c["jti"] = jti
	}
	maps.Copy(c, opts.Claims)
	if !opts.IssuedAt.IsZero() {
		c["iat"] = opts.IssuedAt.Unix()
	}
	if opts.ExpiresIn != 0 {
		c["exp"] = now.Add(opts.ExpiresIn).Unix()
	}
	if !opts.ExpiresAt.IsZero() {
		c["exp"] = opts.ExpiresAt.Unix()
	}
	if !opts.NotBefore.IsZero() {
		c["nbf"] = opts.NotBefore.Unix()
	}
	if opts.JTI != "" {
		c["jti"] = opts.JTI
	}
	return c, nil
}

func randomJTI(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 16)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("making a random jti: %w", err)
	}
	return b64(b), nil
}
