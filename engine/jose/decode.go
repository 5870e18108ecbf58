package jose

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Token is a decoded compact JWS. Decoding checks structure only; Verify
// checks the signature and the claims.
type Token struct {
	Raw string

	// HeaderJSON and ClaimsJSON are the decoded JSON exactly as sent (member
	// order kept, for display); Header and Claims are the same parsed, with
	// numbers as json.Number so large values survive.
	HeaderJSON []byte
	ClaimsJSON []byte
	Header     map[string]any
	Claims     map[string]any
	Signature  []byte

	Alg string // header "alg"
	KID string // header "kid", "" if absent
	Typ string // header "typ", "" if absent
}

// StripBearer removes surrounding whitespace and an optional "Bearer "
// prefix (any case), as people paste tokens from Authorization headers.
func StripBearer(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

// Decode splits and decodes a compact JWS without verifying it. Errors are
// *MalformedError naming the part and, for bad base64, the offset. It never
// panics, whatever the input (see FuzzDecode).
func Decode(raw string) (*Token, error) {
	if raw == "" {
		return nil, &MalformedError{Part: PartToken, Offset: -1, Reason: "empty token"}
	}
	parts := strings.Split(raw, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, &MalformedError{Part: PartToken, Offset: -1, Reason: "5 dot-separated parts: this is an encrypted JWE, not a signed JWT"}
	default:
		return nil, &MalformedError{Part: PartToken, Offset: -1, Reason: fmt.Sprintf("a JWT has 3 dot-separated parts (header.claims.signature); this has %d", len(parts))}
	}
	t := &Token{Raw: raw}
	offs := [3]int{0, len(parts[0]) + 1, len(parts[0]) + len(parts[1]) + 2}

	var err error
	if t.HeaderJSON, err = decodePart(PartHeader, parts[0], offs[0]); err != nil {
		return nil, err
	}
	if t.Header, err = decodeObject(PartHeader, t.HeaderJSON); err != nil {
		return nil, err
	}
	alg, ok := t.Header["alg"].(string)
	if !ok {
		reason := `no "alg" member`
		if _, present := t.Header["alg"]; present {
			reason = `"alg" is not a string`
		}
		return nil, &MalformedError{Part: PartHeader, Offset: -1, Reason: reason}
	}
	t.Alg = alg
	for _, f := range []struct {
		name string
		dst  *string
	}{{"kid", &t.KID}, {"typ", &t.Typ}} {
		name, dst := f.name, f.dst
		v, present := t.Header[name]
		if !present {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, &MalformedError{Part: PartHeader, Offset: -1, Reason: fmt.Sprintf("%q is not a string", name)}
		}
		*dst = s
	}

	if t.ClaimsJSON, err = decodePart(PartClaims, parts[1], offs[1]); err != nil {
		return nil, err
	}
	if t.Claims, err = decodeObject(PartClaims, t.ClaimsJSON); err != nil {
		return nil, err
	}
	if t.Signature, err = decodePart(PartSignature, parts[2], offs[2]); err != nil {
		return nil, err
	}
	return t, nil
}

// decodePart decodes one base64url part, saying where it went wrong.
func decodePart(part Part, s string, base int) ([]byte, error) {
	if s == "" && part != PartSignature {
		return nil, &MalformedError{Part: part, Offset: base, Reason: "empty"}
	}
	// Find the first byte outside the alphabet ourselves, so the message can
	// name the usual mistakes (standard base64, padding, whitespace).
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isBase64URL(ch) {
			continue
		}
		reason := fmt.Sprintf("bad base64url: character %q", ch)
		switch ch {
		case '+', '/':
			reason = fmt.Sprintf("bad base64url: %q is standard base64; JWTs use base64url (- and _)", ch)
		case '=':
			reason = "bad base64url: padding '=' is not allowed in JWTs"
		case ' ', '\t', '\n', '\r':
			reason = "bad base64url: whitespace inside the token"
		}
		return nil, &MalformedError{Part: part, Offset: base + i, Reason: reason}
	}
	if len(s)%4 == 1 {
		return nil, &MalformedError{Part: part, Offset: base + len(s) - 1, Reason: "bad base64url: truncated (no base64url string is 4n+1 characters long)"}
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, &MalformedError{Part: part, Offset: base, Reason: "bad base64url", Err: err}
	}
	return b, nil
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// decodeObject parses a JSON object, keeping numbers exact and refusing
// duplicate members: RFC 7515 §5.2 and RFC 7519 §4 allow either rejecting
// them or taking the last, and a duplicate "alg" or "exp" is more likely an
// attack than a mistake.
func decodeObject(part Part, data []byte) (map[string]any, error) {
	bad := func(reason string, err error) error {
		return &MalformedError{Part: part, Offset: -1, Reason: reason, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, bad("not JSON: "+jsonErr(err, data), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, bad(fmt.Sprintf("JSON but not an object (starts with %s)", jsonKind(tok)), nil)
	}
	out := map[string]any{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, bad("not JSON: "+jsonErr(err, data), err)
		}
		name, _ := kt.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, bad("not JSON: "+jsonErr(err, data), err)
		}
		if _, dup := out[name]; dup {
			return nil, bad(fmt.Sprintf("duplicate member %q", name), nil)
		}
		out[name] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, bad("not JSON: "+jsonErr(err, data), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("not JSON: data after the closing }", err)
	}
	return out, nil
}

// jsonErr phrases a JSON error with the byte offset inside the decoded part.
func jsonErr(err error, data []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d of the decoded JSON", se, se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("unexpected end after %d bytes", len(data))
	}
	return err.Error()
}

func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return string(v)
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// TimeClaim reads a NumericDate claim (exp, nbf, iat, auth_time...).
// ok is false when the claim is absent; err is set when it is present but
// not a number.
func (t *Token) TimeClaim(name string) (at time.Time, ok bool, err error) {
	v, present := t.Claims[name]
	if !present {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return time.Time{}, true, fmt.Errorf("%q is not a number (a NumericDate is seconds since 1970)", name)
	}
	f, ferr := n.Float64()
	if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
		return time.Time{}, true, fmt.Errorf("%q is not a usable NumericDate: %s", name, n)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

// StringClaim returns a string claim, "" if absent or not a string.
func (t *Token) StringClaim(name string) string {
	s, _ := t.Claims[name].(string)
	return s
}

// Audience returns "aud" as a list whether it was sent as a string or an
// array (RFC 7519 §4.1.3 allows both).
func (t *Token) Audience() []string {
	switch v := t.Claims["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
