package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/jose"
)

// tokenKeygenOptions are `token keygen`'s flags.
type tokenKeygenOptions struct {
	IO         *IO
	Alg        string
	Out        string
	Name       string
	Bits       int
	Force      bool
	AppendJWKS string
	JSON       bool
}

func newTokenKeygenCmd(io *IO) *cobra.Command {
	opts := &tokenKeygenOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "keygen --alg ALG [--out DIR]",
		Short: "Write a new private key, its public key and a JWKS",
		Long: `Write a new key for --alg into --out: NAME.pem (PKCS#8 private key, mode
0600), NAME.pub.pem (PKIX public key) and NAME.jwks.json (a JWKS with the
public key; its kid is the RFC 7638 thumbprint). For HS256/384/512 it writes
NAME.secret (a random printable secret, mode 0600) and NAME.jwks.json (which
then holds the secret, also 0600).

NAME defaults to the key kind: rsa, ec-p256, ec-p384, ec-p521, ed25519,
hs256. Existing files are not overwritten without --force. --append-jwks adds
the public key to a shared JWKS as well (created if missing), to build a key
set for rotation tests.`,
		Example: `  # an RSA key pair and JWKS in ./keys
  authlab token keygen --alg RS256 --out keys

  # an ES256 key added to a shared JWKS, reported as JSON
  authlab token keygen --alg ES256 --out keys --append-jwks keys/jwks.json --json

  # then sign with it and verify against the JWKS
  authlab token mint --key keys/ec-p256.pem --kid "$(jq -r '.keys[0].kid' keys/ec-p256.jwks.json)" |
    authlab token decode --jwks keys/jwks.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTokenKeygen(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Alg, "alg", "", "algorithm the key is for: "+strings.Join(jose.Algorithms(), ", ")+" (required)")
	f.StringVar(&opts.Out, "out", ".", "directory to write into (created if missing)")
	f.StringVar(&opts.Name, "name", "", "file name stem (default: rsa, ec-p256, ed25519, hs256, ...)")
	f.IntVar(&opts.Bits, "bits", 2048, "RSA modulus size")
	f.BoolVar(&opts.Force, "force", false, "overwrite existing files")
	f.StringVar(&opts.AppendJWKS, "append-jwks", "", "also add the public key to this JWKS file")
	f.BoolVar(&opts.JSON, "json", false, "report as JSON")
	return cmd
}

type tokenKeygenReport struct {
	Alg   string        `json:"alg"`
	KID   string        `json:"kid"`
	Key   string        `json:"key"`
	Files jose.KeyFiles `json:"files"`
	JWKS  string        `json:"appendedTo,omitempty"`
}

func runTokenKeygen(opts *tokenKeygenOptions) error {
	if opts.Alg == "" {
		return usageError("--alg is required (one of %s)", strings.Join(jose.Algorithms(), ", "))
	}
	alg, err := jose.ParseAlg(opts.Alg)
	if err != nil {
		return usageError("--alg: %w", err)
	}
	if alg == jose.AlgNone {
		return usageError(`alg "none" has no key`)
	}
	if jose.FamilyOf(alg) == jose.FamilyHMAC && opts.AppendJWKS != "" {
		return usageError("--append-jwks: an HMAC secret has no public key to publish")
	}
	name := opts.Name
	if name == "" {
		name = jose.DefaultKeyName(alg)
	}
	if strings.ContainsAny(name, `/\`) {
		return usageError("--name %q: a file name stem, not a path (use --out for the directory)", name)
	}
	kp, err := jose.Keygen(alg, jose.KeygenOptions{RSABits: opts.Bits})
	if err != nil {
		return usageError("%w", err)
	}
	files, err := jose.WriteKeyPair(kp, opts.Out, name, opts.Force)
	if err != nil {
		var exists *jose.ExistsError
		if errors.As(err, &exists) {
			return usageError("%w", err)
		}
		return err
	}
	if opts.AppendJWKS != "" {
		if err := jose.AppendToJWKS(opts.AppendJWKS, kp.Key); err != nil {
			return usageError("--append-jwks: %w", err)
		}
	}

	rep := tokenKeygenReport{Alg: alg, KID: kp.KID, Key: kp.Key.Describe(), Files: files, JWKS: opts.AppendJWKS}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "alg      %s\n", rep.Alg)
	fmt.Fprintf(w, "key      %s\n", rep.Key)
	fmt.Fprintf(w, "kid      %s\n", rep.KID)
	if files.Public == "" {
		fmt.Fprintf(w, "secret   %s  (keep it private)\n", files.Private)
		fmt.Fprintf(w, "jwks     %s  (holds the secret: keep it private)\n", files.JWKS)
	} else {
		fmt.Fprintf(w, "private  %s  (mode 0600)\n", files.Private)
		fmt.Fprintf(w, "public   %s\n", files.Public)
		fmt.Fprintf(w, "jwks     %s\n", files.JWKS)
	}
	if rep.JWKS != "" {
		fmt.Fprintf(w, "added to %s\n", rep.JWKS)
	}
	return nil
}
