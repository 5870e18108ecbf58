package jose

import (
	"fmt"
	"strings"
)

// KeySet is what a key file, a JWKS or a secret flag yields: one or more keys.
// A PEM file, a single JWK or a secret is a set of one.
type KeySet struct {
	Keys   []*Key
	Source string
	// Skipped lists JWKS members that were ignored and why (encryption keys,
	// curves JOSE signing does not use), so a caller can explain a miss.
	Skipped []string
}

// NewKeySet groups keys into a set; source labels it in messages.
func NewKeySet(source string, keys ...*Key) *KeySet {
	return &KeySet{Keys: keys, Source: source}
}

// KIDs lists the kids of the set's keys, skipping keys without one.
func (s *KeySet) KIDs() []string {
	var out []string
	for _, k := range s.Keys {
		if k.KID != "" {
			out = append(out, k.KID)
		}
	}
	return out
}

// hasKIDs reports whether any key carries a kid; a set without kids (a PEM
// file, a secret) is matched regardless of the token's kid.
func (s *KeySet) hasKIDs() bool {
	return len(s.KIDs()) > 0
}

// Select picks one key: the one with kid, or the only key. A set whose keys
// have no kids (a PEM file) yields its key whatever kid is asked for, since
// the caller chose that key explicitly. Errors: *KidNotFoundError, or a
// message listing the kids to choose from.
func (s *KeySet) Select(kid string) (*Key, error) {
	if s == nil || len(s.Keys) == 0 {
		return nil, ErrNoKey
	}
	if kid != "" && s.hasKIDs() {
		for _, k := range s.Keys {
			if k.KID == kid {
				return k, nil
			}
		}
		return nil, &KidNotFoundError{KID: kid, Source: s.Source, Known: s.KIDs()}
	}
	if len(s.Keys) == 1 {
		return s.Keys[0], nil
	}
	return nil, fmt.Errorf("%s holds %d keys; choose one by kid (%s)", s.Source, len(s.Keys), strings.Join(s.KIDs(), ", "))
}
