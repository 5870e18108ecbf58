package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// newTokenVerifyCmd is `token verify`: decode's verification without the
// dump, for scripts and CI, whose exit status is the answer.
func newTokenVerifyCmd(io *IO) *cobra.Command {
	opts := &tokenDecodeOptions{IO: io, Clock: time.Now, Verify: true}
	cmd := &cobra.Command{
		Use:   "verify [JWT|-] --key FILE | --jwks FILE|URL | --secret S",
		Short: "Verify a JWT's signature and claims; exit 0 only when it is valid",
		Long: `Verify a JWT with a key and print the verdict on one line: "valid: ..." or
"INVALID (reason): ..." — bad signature, algorithm not allowed for this key,
kid not in the JWKS, expired, not yet valid, issuer or audience mismatch (with
--iss / --aud). The token is the argument, or stdin when the argument is - or
missing; a "Bearer " prefix is ignored. 'token decode' shows the same verdict
with the header and claims.

Allowed algorithms default to the key's own family; "none" and HMAC with a
public key are never accepted.

Exit status: 0 valid, 1 invalid, 2 bad input (no key, malformed token,
unreadable key, bad flags).`,
		Example: `  # in a script: is this token good for the fixture JWKS?
  authlab token verify "$TOKEN" --jwks fixtures/keys/jwks.json && echo ok

  # with the issuer and audience the gateway expects, 30 s of clock skew
  authlab token verify "$TOKEN" --jwks https://issuer.example/.well-known/jwks.json --iss https://issuer.example --aud orders --leeway 30s

  # an HS256 token, from an Authorization header on stdin
  echo "Bearer $TOKEN" | authlab token verify --secret s3cret`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Token = args[0]
			}
			opts.Ctx = cmd.Context()
			return runTokenDecode(opts)
		},
	}
	opts.registerChecks(cmd.Flags())
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the header, claims and verdict as JSON (token decode --json)")
	return cmd
}
