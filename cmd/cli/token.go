package cli

import (
	"github.com/spf13/cobra"
)

// newTokenCmd groups the JWT tools: mint, decode, keygen. The work is done by
// engine/jose, shared with scenarios, the jwt authorizer and the TUI.
func newTokenCmd(io *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Mint, decode and verify JWTs; generate keys",
		Long: `Mint, decode and verify JWTs for every JOSE algorithm (HS256/384/512,
RS256/384/512, PS256/384/512, ES256/384/512, EdDSA) with PEM, JWK and JWKS
keys or shared secrets, and generate key pairs.`,
		Example: `  # a token for alice, signed with the fixture RSA key, valid for an hour
  authlab token mint --key fixtures/keys/rsa.pem --sub alice --scope read:orders

  # what is in it, and is it valid for this JWKS?
  authlab token mint --key fixtures/keys/rsa.pem | authlab token decode --jwks fixtures/keys/jwks.json

  # just the verdict; exit 0 only for a valid token
  authlab token mint --key fixtures/keys/rsa.pem | authlab token verify --jwks fixtures/keys/jwks.json

  # a new P-256 key pair and JWKS in ./keys
  authlab token keygen --alg ES256 --out keys`,
		// Without this, a subcommand that does not exist printed the help
		// and exited 0, which a script took for success.
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("unknown command %q for %q; the commands are mint, decode, verify and keygen", args[0], c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(newTokenMintCmd(io), newTokenDecodeCmd(io), newTokenVerifyCmd(io), newTokenKeygenCmd(io))
	return cmd
}
