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

  # a new P-256 key pair and JWKS in ./keys
  authlab token keygen --alg ES256 --out keys`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newTokenMintCmd(io), newTokenDecodeCmd(io), newTokenKeygenCmd(io))
	return cmd
}
