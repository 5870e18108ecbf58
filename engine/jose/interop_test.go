package jose_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

// runNode runs testdata/interop.js with req on stdin; the test is skipped
// where node is not installed.
func runNode(t *testing.T, req map[string]any, resp any) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	in, _ := json.Marshal(req)
	cmd := exec.Command(node, filepath.Join("testdata", "interop.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, resp); err != nil {
		t.Fatalf("node said %q: %v", out, err)
	}
}

// Tokens minted by authlab verify with Node's crypto, which shares no code
// with golang-jwt. The issue asks for RS256, PS256, ES256, EdDSA and HS256;
// the other algorithms cost nothing more.
func TestInteropNodeVerifiesAuthlabTokens(t *testing.T) {
	t.Parallel()
	for _, alg := range jose.Algorithms() {
		t.Run(alg, func(t *testing.T) {
			priv, _ := signingKeyFor(t, alg)
			tok := mustMint(t, jose.MintOptions{Alg: alg, Key: priv, Claims: map[string]any{"sub": "alice"}, ExpiresIn: time.Hour})
			req := map[string]any{"op": "verify", "token": tok}
			if priv.Type == jose.KeyOct {
				req["secret"] = string(priv.Secret)
			} else {
				jwk, err := priv.PublicOnly().MarshalJWK(false)
				if err != nil {
					t.Fatal(err)
				}
				req["jwk"] = json.RawMessage(jwk)
			}
			var resp struct{ OK bool }
			runNode(t, req, &resp)
			if !resp.OK {
				t.Fatalf("node refused the %s token %s", alg, tok)
			}
			// And node refuses a token signed by another key: the check is real.
			other, _ := jose.Keygen(alg, jose.KeygenOptions{})
			req["token"] = mustMint(t, jose.MintOptions{Alg: alg, Key: other.Key})
			runNode(t, req, &resp)
			if resp.OK {
				t.Fatalf("node accepted a %s token signed by another key", alg)
			}
		})
	}
}

// Tokens signed by Node's crypto verify with authlab.
func TestInteropAuthlabVerifiesNodeTokens(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"RS256", "PS256", "ES256", "EdDSA", "HS256"} {
		t.Run(alg, func(t *testing.T) {
			priv, pub := signingKeyFor(t, alg)
			req := map[string]any{"op": "sign", "alg": alg, "kid": "node-" + alg,
				"claims": map[string]any{"sub": "from-node", "iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix()}}
			if priv.Type == jose.KeyOct {
				req["secret"] = string(priv.Secret)
			} else {
				req["pem"] = string(mustRead(t, filepath.Base(priv.Source)))
			}
			var resp struct{ Token string }
			runNode(t, req, &resp)
			v := jose.Verify(resp.Token, pub, jose.VerifyOptions{Now: t0.Add(time.Minute)})
			if !v.Valid {
				t.Fatalf("authlab refused node's %s token: %s", alg, v)
			}
			if v.Token.StringClaim("sub") != "from-node" || v.KID != "node-"+alg {
				t.Fatalf("decoded %s / kid %s", v.Token.ClaimsJSON, v.KID)
			}
		})
	}
}
