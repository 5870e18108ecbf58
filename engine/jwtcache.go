package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/authlab/authlab/engine/jose"
	"github.com/golang-jwt/jwt/v5"
)

// sigCache remembers, per exact token string, a token the built-in jwt
// authorizer found valid: its decoded form and the key whose signature
// check passed. A verdict is a pure function of token, keys and time, so a
// later request with the same token skips decoding and the signature (an
// RSA or ECDSA verify costs far more than the rest of a request) and only
// the time claims are looked at again. Nothing a user sees changes but the
// trace, which says "signature verified (cached)".
//
// An entry lives until the token's exp (plus leeway): after that the token
// can no longer be valid. Entries belong to one key set; when the key set
// changes (a JWKS refresh) they are all dropped. Only valid tokens are
// kept, so garbage cannot fill it; it is bounded all the same.
type sigCache struct {
	mu   sync.Mutex
	keys *jose.KeySet
	m    map[string]*sigEntry
}

// sigCacheMax bounds the entries; a full cache first drops expired ones,
// then starts afresh.
const sigCacheMax = 4096

// sigEntry is one valid token.
type sigEntry struct {
	tok           *jose.Token
	key           *jose.Key
	exp, nbf, iat time.Time // zero when absent
	dropAt        time.Time // exp + leeway; zero = never expires
	msg           string    // "signature verified (cached) with <key>"

	// The decision Decide made of it: the same for every request with
	// this token, so it is made once.
	once    sync.Once
	dec     *Decision
	claims  json.RawMessage
	summary string
}

func (c *sigCache) get(raw string, keys *jose.KeySet, now time.Time) *sigEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys != keys {
		c.m, c.keys = nil, keys // the key set changed: what verified before may not now
		return nil
	}
	e := c.m[raw]
	if e != nil && !e.dropAt.IsZero() && !now.Before(e.dropAt) {
		delete(c.m, raw)
		return nil
	}
	return e
}

func (c *sigCache) put(raw string, keys *jose.KeySet, e *sigEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys != keys || c.m == nil {
		c.m, c.keys = make(map[string]*sigEntry), keys
	}
	if len(c.m) >= sigCacheMax {
		for k, old := range c.m {
			if !old.dropAt.IsZero() && !now.Before(old.dropAt) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= sigCacheMax {
			c.m = make(map[string]*sigEntry)
		}
	}
	c.m[raw] = e
}

// message is the verdict's message for a cached token.
func (e *sigEntry) message() string {
	return e.msg
}

// newSigEntry records a token found valid with key, reading its time
// claims the way golang-jwt's validator does.
func newSigEntry(t *jose.Token, key *jose.Key, leeway time.Duration) *sigEntry {
	e := &sigEntry{tok: t, key: key, msg: jose.CachedMessage(key)}
	mc := jwt.MapClaims(t.Claims)
	if d, err := mc.GetExpirationTime(); err == nil && d != nil {
		e.exp = d.Time
		e.dropAt = d.Time.Add(leeway)
	}
	if d, err := mc.GetNotBefore(); err == nil && d != nil {
		e.nbf = d.Time
	}
	if d, err := mc.GetIssuedAt(); err == nil && d != nil {
		e.iat = d.Time
	}
	return e
}

// validAt reports whether the time claims still hold at now, as the
// validator judges them: now before exp+leeway, nbf and iat not after
// now+leeway. When they do not, the caller verifies afresh, which gives
// the exact reason.
func (e *sigEntry) validAt(now time.Time, leeway time.Duration) bool {
	return (e.exp.IsZero() || now.Before(e.exp.Add(leeway))) &&
		(e.nbf.IsZero() || !now.Add(leeway).Before(e.nbf)) &&
		(e.iat.IsZero() || !now.Add(leeway).Before(e.iat))
}

// decision builds, once, what Decide makes of the token's claims.
func (e *sigEntry) decision() *sigEntry {
	e.once.Do(func() {
		claims := e.tok.Claims
		if b, err := marshalEvent(claims); err == nil {
			e.claims = b
		}
		dec := &Decision{Context: make(map[string]string, len(claims))}
		keys := make([]string, 0, len(claims))
		for k := range claims {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch v := claims[k].(type) {
			case string:
				dec.Context[k] = v
			default:
				b, _ := json.Marshal(v)
				dec.Context[k] = string(b)
			}
			dec.ContextOrder = append(dec.ContextOrder, k)
		}
		dec.Principal = dec.Context["sub"]
		dec.Scopes = claimScopes(claims)
		e.dec = dec
		e.summary = fmt.Sprintf("valid %s token for %q, %d scope(s)", e.tok.Alg, dec.Principal, len(dec.Scopes))
	})
	return e
}
