package jose

import (
	"errors"
	"fmt"
	"strings"
)

// KeyMismatchError says a key does not fit an algorithm: what the algorithm
// needs and what the key is ("ES256 needs a P-256 EC key; rsa.pem holds an
// RSA 2048 private key").
type KeyMismatchError struct {
	Alg    string
	Need   string
	Have   string
	Source string
}

func (e *KeyMismatchError) Error() string {
	return fmt.Sprintf("%s needs %s; %s holds %s", e.Alg, e.Need, e.Source, e.Have)
}

// KidNotFoundError says a key set has no key with the wanted kid.
type KidNotFoundError struct {
	KID    string
	Source string
	Known  []string // the kids the set does have
}

func (e *KidNotFoundError) Error() string {
	known := "no kids"
	if len(e.Known) > 0 {
		known = "kids: " + strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("kid %q is not in %s (%s)", e.KID, e.Source, known)
}

// Part names a part of a compact JWS.
type Part string

const (
	PartToken     Part = "token" // the token as a whole (wrong number of parts, empty)
	PartHeader    Part = "header"
	PartClaims    Part = "claims"
	PartSignature Part = "signature"
)

// MalformedError says why a token could not be decoded and where.
type MalformedError struct {
	Part   Part
	Offset int // byte offset in the token string, -1 when it does not apply
	Reason string
	Err    error // the underlying decoding error, if any
}

func (e *MalformedError) Error() string {
	var b strings.Builder
	b.WriteString("malformed token: ")
	if e.Part != PartToken {
		b.WriteString(string(e.Part) + ": ")
	}
	b.WriteString(e.Reason)
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " (at offset %d of the token)", e.Offset)
	}
	return b.String()
}

func (e *MalformedError) Unwrap() error { return e.Err }

var (
	// ErrNoneNotAllowed is returned by Mint for alg "none" without AllowNone.
	ErrNoneNotAllowed = errors.New(`alg "none" makes an unsigned token; allow it explicitly (--unsafe-none) if that is what you are testing`)
	// ErrNoKey is returned when an operation needs a key and none was given.
	ErrNoKey = errors.New("no key given")
)
