// Package jose mints, decodes and verifies JWTs (compact JWS) for every JOSE
// signing algorithm — HS256/384/512, RS256/384/512, PS256/384/512,
// ES256/384/512 and EdDSA (Ed25519) — and loads and generates their keys.
// Signing and verification are done by github.com/golang-jwt/jwt/v5; this
// package adds key handling, clear messages and a typed verdict.
//
// It serves `authlab token`, the scenario runner's `tokens:`, the built-in
// `jwt` authorizer and the TUI token workbench. Nothing here reads the wall
// clock or global randomness unless the caller leaves the clock (Now) or the
// reader (Rand) unset.
//
// # Keys
//
//	ks, err := jose.LoadKeys("keys/rsa.pem")        // PEM, JWK, JWKS or DER, by content
//	ks, err := jose.LoadJWKS(ctx, ref, timeout)     // a file or an http(s) URL
//	k := jose.NewSecretKey([]byte("s3cret"), "--secret")
//	k, err := jose.SecretFromFile(path)             // one trailing newline dropped
//	k, err := jose.SecretFromBase64(s)
//	ks := jose.NewKeySet("config", k)               // any keys as a set
//	k, err := ks.Select(kid)                         // by kid, or the only key
//
// A *Key knows what it is (Describe: "EC P-256 public key") and which
// algorithms it fits (CheckAlg, CanSign, Algs, DefaultAlg). A mismatch is a
// *KeyMismatchError: "ES256 needs a P-256 EC key; rsa.pem holds an RSA 2048
// private key".
//
// # Mint
//
//	tok, err := jose.Mint(jose.MintOptions{
//		Alg: "RS256", Key: k, KID: "k1",
//		Claims:    map[string]any{"sub": "alice", "scope": "read:orders"},
//		Now:       virtualNow,   // iat; ExpiresIn counts from here
//		ExpiresIn: time.Hour,
//	})
//
// Unless told otherwise Mint adds iat = Now and a random jti (from Rand).
// Alg "none" needs AllowNone.
//
// # Decode and verify
//
// Decode splits a token and parses header and claims without checking
// anything; a *MalformedError names the part (header, claims, signature), the
// offset of bad base64 and what is wrong with the JSON. It never panics.
//
// Verify (or VerifyToken for a decoded token) checks, in order: the
// algorithm ("none" never; an explicit allow-list, else each key's own
// family; never HMAC with a public key), the kid against the set, the
// signature, then exp/nbf/iat with leeway at VerifyOptions.Now, iss and aud.
// The Verdict carries a Reason constant (ReasonValid, ReasonBadSignature,
// ReasonAlgNotAllowed, ReasonKidNotFound, ReasonExpired, ReasonNotYetValid,
// ReasonIssuerMismatch, ReasonAudienceMismatch, ...) and a Message fit for a
// person or a WWW-Authenticate error_description.
//
// # Keygen
//
// Keygen(alg) makes a key and renders it as a PKCS#8 private PEM, a PKIX
// public PEM and a JWKS whose kid is the RFC 7638 thumbprint; WriteKeyPair
// puts them on disk (private key 0600) and AppendToJWKS grows a shared JWKS.
//
// # Times
//
// ParseTime reads "1h", "-30m", "7d", "2026-01-01T10:00:00Z" or "@1767225600"
// relative to a given now; DescribeTime phrases a claim for people ("expires
// in 12m", "expired 3h ago").
package jose
