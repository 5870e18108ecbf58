package jose_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/jose"
)

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Malformed tokens name the part, the offset of bad base64, and what is
// wrong with the JSON.
func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	h := enc(`{"alg":"HS256","typ":"JWT"}`)
	c := enc(`{"sub":"alice"}`)
	cases := []struct {
		name   string
		token  string
		part   jose.Part
		offset int
		reason string
	}{
		{"empty", "", jose.PartToken, -1, "empty token"},
		{"one part", "abc", jose.PartToken, -1, "this has 1"},
		{"four parts", "a.b.c.d", jose.PartToken, -1, "this has 4"},
		{"JWE", "a.b.c.d.e", jose.PartToken, -1, "encrypted JWE"},
		{"empty header", "." + c + ".", jose.PartHeader, 0, "empty"},
		{"empty claims", h + "..", jose.PartClaims, len(h) + 1, "empty"},
		{"bad char in header", h[:4] + "*" + h[5:] + "." + c + ".", jose.PartHeader, 4, `character '*'`},
		{"standard base64 in claims", h + "." + c[:3] + "+" + c[4:] + ".", jose.PartClaims, len(h) + 1 + 3, "standard base64"},
		{"padding in signature", h + "." + c + ".abc=", jose.PartSignature, len(h) + len(c) + 2 + 3, "padding"},
		{"truncated base64", h + "." + c + ".a", jose.PartSignature, len(h) + len(c) + 2, "truncated"},
		{"header not JSON", enc(`{"alg":`) + "." + c + ".", jose.PartHeader, -1, "not JSON: unexpected end"},
		{"header bad JSON", enc(`{"alg" "HS256"}`) + "." + c + ".", jose.PartHeader, -1, "at byte 7 of the decoded JSON"},
		{"header is an array", enc(`["alg"]`) + "." + c + ".", jose.PartHeader, -1, "JSON but not an object (starts with [)"},
		{"header without alg", enc(`{"typ":"JWT"}`) + "." + c + ".", jose.PartHeader, -1, `no "alg"`},
		{"alg not a string", enc(`{"alg":1}`) + "." + c + ".", jose.PartHeader, -1, `"alg" is not a string`},
		{"kid not a string", enc(`{"alg":"HS256","kid":7}`) + "." + c + ".", jose.PartHeader, -1, `"kid" is not a string`},
		{"duplicate alg", enc(`{"alg":"HS256","alg":"none"}`) + "." + c + ".", jose.PartHeader, -1, `duplicate member "alg"`},
		{"claims a string", h + "." + enc(`"hello"`) + ".", jose.PartClaims, -1, "not an object (starts with a string)"},
		{"claims trailing data", h + "." + enc(`{"a":1} x`) + ".", jose.PartClaims, -1, "data after"},
		{"claims not JSON", h + "." + enc("sub=alice") + ".", jose.PartClaims, -1, "not JSON: invalid character 's'"},
		{"duplicate exp", h + "." + enc(`{"exp":1,"exp":9999999999}`) + ".", jose.PartClaims, -1, `duplicate member "exp"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := jose.Decode(tc.token)
			if err == nil {
				t.Fatalf("decoded %+v, want an error", tok)
			}
			var me *jose.MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("error %T %v, want *MalformedError", err, err)
			}
			if me.Part != tc.part || me.Offset != tc.offset {
				t.Errorf("part/offset = %s/%d, want %s/%d (%v)", me.Part, me.Offset, tc.part, tc.offset, err)
			}
			if !strings.Contains(me.Reason, tc.reason) {
				t.Errorf("reason = %q, want %q", me.Reason, tc.reason)
			}
			if !strings.HasPrefix(err.Error(), "malformed token: ") {
				t.Errorf("message = %q", err)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	t.Parallel()
	h := enc(`{"alg":"RS256","kid":"k1","typ":"at+jwt","x":{"y":[1,2]}}`)
	c := enc(`{"sub":"alice","aud":["a","b"],"exp":1767229200.5,"n":12345678901234567890}`)
	tok, err := jose.Decode(h + "." + c + "." + enc("sig"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Alg != "RS256" || tok.KID != "k1" || tok.Typ != "at+jwt" || string(tok.Signature) != "sig" {
		t.Errorf("got %+v", tok)
	}
	if got := tok.Audience(); len(got) != 2 || got[1] != "b" {
		t.Errorf("aud = %v", got)
	}
	exp, ok, err := tok.TimeClaim("exp")
	if !ok || err != nil || exp.Unix() != 1767229200 || exp.Nanosecond() != 5e8 {
		t.Errorf("exp = %v %v %v", exp, ok, err)
	}
	if string(tok.ClaimsJSON) != `{"sub":"alice","aud":["a","b"],"exp":1767229200.5,"n":12345678901234567890}` {
		t.Errorf("ClaimsJSON not kept as sent: %s", tok.ClaimsJSON)
	}
}

func TestStripBearer(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"  Bearer abc.def.ghi\n": "abc.def.ghi",
		"bearer  abc":            "abc",
		"abc.def.ghi":            "abc.def.ghi",
		"Bearer":                 "Bearer",
	} {
		if got := jose.StripBearer(in); got != want {
			t.Errorf("StripBearer(%q) = %q, want %q", in, got, want)
		}
	}
}
