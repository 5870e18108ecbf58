package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/authlab/authlab/engine/jose"
)

// tokenKeyFlags are the ways to give `token mint` and `token decode` a key;
// at most one may be used.
type tokenKeyFlags struct {
	Key          string
	Secret       string
	SecretFile   string
	SecretBase64 string
	JWKS         string        // decode only: a file or an http(s) URL
	Timeout      time.Duration // for a JWKS URL
}

func (f *tokenKeyFlags) register(fs *pflag.FlagSet, verify bool) {
	keyHelp := "private key file to sign with: PEM (PKCS#1, PKCS#8, SEC1), JWK or JWKS (pick with --kid)"
	if verify {
		keyHelp = "key file to verify with: PEM (public or private key, X.509 certificate), JWK or JWKS"
	}
	fs.StringVar(&f.Key, "key", "", keyHelp)
	fs.StringVar(&f.Secret, "secret", "", "HMAC secret (HS256/384/512), as text")
	fs.StringVar(&f.SecretFile, "secret-file", "", "file holding the HMAC secret (one trailing newline is ignored)")
	fs.StringVar(&f.SecretBase64, "secret-base64", "", "HMAC secret, base64 or base64url encoded")
	if verify {
		fs.StringVar(&f.JWKS, "jwks", "", "JWKS to verify with: a file or an http(s) URL (also an OpenID discovery URL)")
		fs.DurationVar(&f.Timeout, "timeout", jose.DefaultFetchTimeout, "time limit for fetching a JWKS URL")
	}
}

// given reports which key flags were used, by name.
func (f *tokenKeyFlags) given() []string {
	var out []string
	for _, c := range []struct{ name, val string }{
		{"--key", f.Key}, {"--secret", f.Secret}, {"--secret-file", f.SecretFile},
		{"--secret-base64", f.SecretBase64}, {"--jwks", f.JWKS},
	} {
		if c.val != "" {
			out = append(out, c.name)
		}
	}
	return out
}

// load reads the key set named by the flags; nil, nil when none was given.
// Errors are usage errors (exit 2): the input is wrong, not the token.
func (f *tokenKeyFlags) load(ctx context.Context) (*jose.KeySet, error) {
	given := f.given()
	if len(given) > 1 {
		return nil, usageError("give one key, not %s", strings.Join(given, " and "))
	}
	var (
		ks  *jose.KeySet
		k   *jose.Key
		err error
	)
	switch {
	case f.Key != "":
		ks, err = jose.LoadKeys(f.Key)
	case f.JWKS != "":
		ks, err = jose.LoadJWKS(ctx, f.JWKS, f.Timeout)
	case f.Secret != "":
		k = jose.NewSecretKey([]byte(f.Secret), "--secret")
	case f.SecretFile != "":
		k, err = jose.SecretFromFile(f.SecretFile)
	case f.SecretBase64 != "":
		k, err = jose.SecretFromBase64(f.SecretBase64)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if k != nil {
		ks = jose.NewKeySet(k.Source, k)
	}
	return ks, nil
}

// tokenNoteSkipped tells the user about JWKS members that were ignored, so a
// "kid not found" is not a mystery.
func tokenNoteSkipped(io *IO, ks *jose.KeySet) {
	if ks == nil {
		return
	}
	for _, s := range ks.Skipped {
		fmt.Fprintf(io.Err, "authlab: note: skipped %s\n", s)
	}
}
