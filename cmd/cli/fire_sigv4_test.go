package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
)

// TestFireSigV4_AWS_S1: --sigv4 KEYID signs the request with the gateway's
// credentials, so the aws-iam fixture lets alice GET and refuses her
// DELETE (AWS-S7); an unknown key id is a usage error.
func TestFireSigV4_AWS_S1(t *testing.T) {
	t.Parallel()
	gw := filepath.Join("..", "..", "fixtures", "gateways", "aws-iam.yaml")
	for method, want := range map[string]float64{"GET": 200, "DELETE": 403} {
		var out bytes.Buffer
		o := &FireOptions{IO: &IO{Out: &out, Err: &out, Getenv: func(string) string { return "" }},
			Gateway: gw, Method: method, Path: "/orders/42", SigV4: "AKIAALICEEXAMPLE0001", JSON: true,
			Engine: engine.Options{Clock: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}}
		if err := runFire(context.Background(), o); err != nil {
			t.Fatalf("%s: %v\n%s", method, err, out.String())
		}
		var doc struct {
			Response struct {
				Status float64 `json:"status"`
			} `json:"response"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Response.Status != want {
			t.Errorf("%s --sigv4: status %v, want %v\n%s", method, doc.Response.Status, want, out.String())
		}
	}
	var out bytes.Buffer
	err := runFire(context.Background(), &FireOptions{IO: &IO{Out: &out, Err: &out, Getenv: func(string) string { return "" }},
		Gateway: gw, Method: "GET", Path: "/orders/42", SigV4: "AKIANOPE"})
	if err == nil || !strings.Contains(err.Error(), `no credentials "AKIANOPE"`) {
		t.Errorf("unknown key id: %v", err)
	}
}

// TestMintCognitoPresets_AWS_U6: --preset writes the claims Cognito puts
// in its ID and access tokens, and the flags override them.
func TestMintCognitoPresets_AWS_U6(t *testing.T) {
	t.Parallel()
	key := filepath.Join("..", "..", "fixtures", "keys", "rsa.pem")
	for preset, want := range map[string][]string{
		"cognito-id":     {`"token_use":"id"`, `"aud":"app1"`, `"cognito:username":"alice"`, `"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool1"`, `"auth_time":`, `"sub":"`},
		"cognito-access": {`"token_use":"access"`, `"client_id":"app1"`, `"username":"alice"`, `"scope":"orders/read"`, `"origin_jti":`, `"event_id":`},
	} {
		var out bytes.Buffer
		o := &tokenMintOptions{IO: &IO{Out: &out, Err: &out, Getenv: func(string) string { return "" }}, Clock: time.Now,
			Preset: preset, UserPool: "eu-west-1_Pool1", ClientID: "app1", Username: "alice"}
		o.Keys.Key = key
		if preset == "cognito-access" {
			o.Scope = "orders/read"
		}
		if err := runTokenMint(o); err != nil {
			t.Fatalf("%s: %v\n%s", preset, err, out.String())
		}
		parts := strings.Split(strings.TrimSpace(out.String()), ".")
		claims := decodeSeg(t, parts[1])
		header := decodeSeg(t, parts[0])
		for _, w := range want {
			if !strings.Contains(claims, w) {
				t.Errorf("%s: claims %s lack %s", preset, claims, w)
			}
		}
		if !strings.Contains(header, `"kid":"_e34sXj_-FaHWjA1CsupLxdVZA8dBFcdUl6v_ogtVQk"`) {
			t.Errorf("%s: header %s: the kid should be the key's thumbprint, as in keygen's JWKS", preset, header)
		}
	}
	var out bytes.Buffer
	o := &tokenMintOptions{IO: &IO{Out: &out, Err: &out}, Clock: time.Now, Preset: "cognito-id", ClientID: "app1"}
	o.Keys.Key = key
	if err := runTokenMint(o); err == nil || !strings.Contains(err.Error(), "user pool id") {
		t.Errorf("no --user-pool: %v", err)
	}
}

func decodeSeg(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
