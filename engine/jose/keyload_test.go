package jose_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// Every PEM flavour loads, says what it holds, and verifies a token signed
// by the fixture key.
func TestLoadPEMFormats(t *testing.T) {
	t.Parallel()
	rsaKey := loadKey(t, "rsa.pem").Private.(*rsa.PrivateKey)
	ecKey := loadKey(t, "ec-p256.pem").Private.(*ecdsa.PrivateKey)
	pkcs1Pub := x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)
	sec1, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "authlab test"},
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey.PublicKey, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	ecParams := pemOf("EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7})

	cases := []struct {
		name, file string
		data       []byte
		format     string
		describe   string
		alg        string
	}{
		{"PKCS#1 private", "k.pem", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), "PKCS#1 private key", "RSA 2048 private key", "RS256"},
		{"PKCS#1 public", "k.pem", pemOf("RSA PUBLIC KEY", pkcs1Pub), "PKCS#1 public key", "RSA 2048 public key", "PS384"},
		{"PKCS#8 private (fixture)", "k.pem", mustRead(t, "rsa.pem"), "PKCS#8 private key", "RSA 2048 private key", "RS512"},
		{"PKIX public (fixture)", "k.pem", mustRead(t, "ec-p256.pub.pem"), "PKIX public key", "EC P-256 public key", "ES256"},
		{"SEC1 with EC PARAMETERS", "k.pem", append(ecParams, pemOf("EC PRIVATE KEY", sec1)...), "SEC1 private key", "EC P-256 private key", "ES256"},
		{"X.509 certificate", "cert.pem", pemOf("CERTIFICATE", cert), "X.509 certificate", "RSA 2048 public key", "RS256"},
		{"certificate then key: the key wins", "bundle.pem", append(pemOf("CERTIFICATE", cert), pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))...), "PKCS#1 private key", "RSA 2048 private key", "RS256"},
		{"DER certificate", "cert.der", cert, "DER X.509 certificate", "RSA 2048 public key", "RS256"},
		{"DER SEC1", "k.der", sec1, "DER SEC1 private key", "EC P-256 private key", "ES256"},
		{"Ed25519 PKCS#8", "k.pem", mustRead(t, "ed25519.pem"), "PKCS#8 private key", "Ed25519 private key", "EdDSA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ks, err := jose.LoadKeys(writeTemp(t, c.file, c.data))
			if err != nil {
				t.Fatal(err)
			}
			k, err := ks.Select("")
			if err != nil {
				t.Fatal(err)
			}
			if k.Format != c.format || k.Describe() != c.describe {
				t.Errorf("format %q describe %q, want %q %q", k.Format, k.Describe(), c.format, c.describe)
			}
			priv, _ := signingKeyFor(t, c.alg)
			tok := mustMint(t, jose.MintOptions{Alg: c.alg, Key: priv})
			if v := jose.Verify(tok, ks, jose.VerifyOptions{Now: t0}); !v.Valid {
				t.Errorf("verify: %s", v)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "empty file"},
		{"text", "my-secret", "not a key"},
		{"text hint", "my-secret", "use --secret-file"},
		{"encrypted PKCS#8", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"},
		{"legacy encrypted", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", "encrypted"},
		{"openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH key format"},
		{"broken PEM", "-----BEGIN PUBLIC KEY-----\nAAAA\n", "no complete PEM block"},
		{"garbage in PEM", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "bad PKIX public key"},
		{"no key blocks", "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", `no key in PEM blocks ["FOO"]`},
		{"JSON not a key", `{"a":1}`, `neither a JWK (no "kty") nor a JWKS`},
		{"bad JSON", `{"kty":`, "not valid JSON"},
		{"JWK kty", `{"kty":"XYZ"}`, `kty "XYZ" is not a signing key type`},
		{"JWK EC off curve", `{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}`, "not on P-256"},
		{"JWK EC unknown curve", `{"kty":"EC","crv":"secp256k1","x":"AAAA","y":"AAAA"}`, `curve "secp256k1"`},
		{"JWK X25519", `{"kty":"OKP","crv":"X25519","x":"AAAA"}`, "only Ed25519"},
		{"JWK RSA missing n", `{"kty":"RSA","e":"AQAB"}`, `missing "n"`},
		{"JWK RSA d without primes", `{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}`, `needs "p" and "q"`},
		{"JWK enc", `{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"}`, "encryption key"},
		{"JWK bad alg", `{"kty":"oct","k":"c2VjcmV0","alg":"A128KW"}`, "not a JWS signing algorithm"},
		{"JWK alg mismatch", `{"kty":"oct","k":"c2VjcmV0","alg":"RS256"}`, "RS256 needs an RSA key"},
		{"JWKS empty", `{"keys":[]}`, "has no keys"},
		{"JWKS nothing usable", `{"keys":[{"kty":"EC","crv":"P-256K"}]}`, "no usable key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := jose.ParseKeys([]byte(c.data), "in.key")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "in.key") {
				t.Errorf("error does not name the source: %v", err)
			}
		})
	}
	if _, err := jose.LoadKeys(filepath.Join(t.TempDir(), "missing.pem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// JWKs round-trip: private JWKs sign, public JWKs verify, for every key type.
func TestJWKRoundTrip(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"HS256", "RS256", "PS512", "ES256", "ES384", "ES512", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			priv, _ := signingKeyFor(t, alg)
			privJSON, err := priv.MarshalJWK(true)
			if err != nil {
				t.Fatal(err)
			}
			ks, err := jose.ParseKeys(privJSON, "priv.jwk")
			if err != nil {
				t.Fatalf("parse private JWK %s: %v", privJSON, err)
			}
			fromJWK, _ := ks.Select("")
			if !fromJWK.IsPrivate() {
				t.Fatal("private JWK lost its private half")
			}
			tok := mustMint(t, jose.MintOptions{Alg: alg, Key: fromJWK})
			pubJSON, err := priv.PublicOnly().MarshalJWK(false)
			if err != nil {
				t.Fatal(err)
			}
			if alg != "HS256" && strings.Contains(string(pubJSON), `"d"`) {
				t.Fatalf("public JWK leaks d: %s", pubJSON)
			}
			pub, err := jose.ParseKeys(pubJSON, "pub.jwk")
			if err != nil {
				t.Fatal(err)
			}
			if v := jose.Verify(tok, pub, jose.VerifyOptions{Now: t0}); !v.Valid {
				t.Fatalf("verify: %s", v)
			}
		})
	}
}

func TestJWKSSelectAndSkip(t *testing.T) {
	t.Parallel()
	data := `{"keys":[
		{"kty":"oct","kid":"a","k":"c2VjcmV0LWE"},
		{"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"},
		{"kty":"oct","kid":"b","k":"c2VjcmV0LWI"}]}`
	ks, err := jose.ParseKeys([]byte(data), "set.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.Keys) != 2 || len(ks.Skipped) != 1 || !strings.Contains(ks.Skipped[0], "encryption key") {
		t.Fatalf("keys %d skipped %v", len(ks.Keys), ks.Skipped)
	}
	k, err := ks.Select("b")
	if err != nil || string(k.Secret) != "secret-b" {
		t.Fatalf("Select(b) = %v, %v", k, err)
	}
	var nf *jose.KidNotFoundError
	if _, err := ks.Select("zz"); !errors.As(err, &nf) || !strings.Contains(err.Error(), "kids: a, b") {
		t.Fatalf("Select(zz) = %v", err)
	}
	if _, err := ks.Select(""); err == nil || !strings.Contains(err.Error(), "holds 2 keys; choose one by kid (a, b)") {
		t.Fatalf("Select() = %v", err)
	}
}

// RFC 7638 §3.1's worked example.
func TestThumbprintRFC7638(t *testing.T) {
	t.Parallel()
	const rfcKey = `{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`
	ks, err := jose.ParseKeys([]byte(rfcKey), "rfc7638")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := ks.Keys[0].Thumbprint()
	if err != nil || tp != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" {
		t.Fatalf("thumbprint = %q, %v", tp, err)
	}
	// The fixture JWKS kids are thumbprints too.
	for _, k := range loadSet(t, "jwks.json").Keys {
		if tp, _ := k.Thumbprint(); tp != k.KID {
			t.Errorf("%s: kid %s, thumbprint %s", k.Describe(), k.KID, tp)
		}
	}
}

func TestSecrets(t *testing.T) {
	t.Parallel()
	p := writeTemp(t, "s", []byte("s3cret\n"))
	k, err := jose.SecretFromFile(p)
	if err != nil || string(k.Secret) != "s3cret" {
		t.Fatalf("file: %q %v", k.Secret, err)
	}
	for _, in := range []string{"czNjcmV0", "czNjcmV0==", "czNjcmV0\n"} {
		k, err := jose.SecretFromBase64(in)
		if err != nil || string(k.Secret) != "s3cret" {
			t.Errorf("base64 %q: %q %v", in, k.Secret, err)
		}
	}
	if _, err := jose.SecretFromBase64("not base64!"); err == nil {
		t.Error("bad base64 accepted")
	}
	if _, err := jose.SecretFromFile(writeTemp(t, "e", []byte("\n"))); err == nil {
		t.Error("empty secret accepted")
	}
	if w := jose.KeyWarnings("HS256", jose.NewSecretKey([]byte("short"), "x")); len(w) != 1 || !strings.Contains(w[0], "at least 32") {
		t.Errorf("warnings = %v", w)
	}
}

func TestKeyAlgs(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"rsa.pub.pem":     "RS256 RS384 RS512 PS256 PS384 PS512",
		"ec-p521.pub.pem": "ES512",
		"ed25519.pem":     "EdDSA",
		"jwks.json":       "RS256", // first key, bound by its JWK alg
	}
	for file, want := range cases {
		if got := strings.Join(loadSet(t, file).Keys[0].Algs(), " "); got != want {
			t.Errorf("%s: Algs = %s, want %s", file, got, want)
		}
	}
	if got := hsKey(t).DefaultAlg(); got != "HS256" {
		t.Errorf("secret default alg %s", got)
	}
}
