package jose_test

import (
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// FuzzDecode feeds arbitrary strings to Decode and, when they decode, to
// Verify with keys of every family: neither may panic, and a failure must be
// a *MalformedError or a verdict with a reason. The seed corpus lives in
// testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")
	f.Add("a.b.c")
	f.Add("..")
	ks := &jose.KeySet{Source: "fuzz"}
	for _, alg := range []string{"HS256", "RS256", "ES256", "EdDSA"} {
		kp, err := jose.Keygen(alg, jose.KeygenOptions{})
		if err != nil {
			f.Fatal(err)
		}
		ks.Keys = append(ks.Keys, kp.Key)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := jose.Decode(s)
		if err != nil {
			if _, ok := err.(*jose.MalformedError); !ok {
				t.Fatalf("Decode error %T: %v", err, err)
			}
			return
		}
		for _, c := range []string{"exp", "nbf", "iat"} {
			_, _, _ = tok.TimeClaim(c)
		}
		_ = tok.Audience()
		v := jose.VerifyToken(tok, ks, jose.VerifyOptions{Now: time.Unix(1767225600, 0), Issuer: "i", Audience: []string{"a"}})
		if v.Reason == "" || v.Message == "" {
			t.Fatalf("verdict without reason: %+v", v)
		}
	})
}
