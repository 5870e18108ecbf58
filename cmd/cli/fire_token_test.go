package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
)

// TestFireNamedToken: --token NAME mints the gateway file's token at the
// engine's time, so a jwt route accepts it; an unknown name is sent as is.
func TestFireNamedToken(t *testing.T) {
	t.Parallel()
	keys, _ := filepath.Abs(filepath.Join("..", "..", "fixtures", "keys"))
	dir := t.TempDir()
	gw := `version: 1
tokens:
  alice: {alg: HS256, secretFile: ` + keys + `/hs256.secret, claims: {sub: alice, aud: orders}, expiresIn: 5m}
authorizers:
  jwt: {type: jwt, audience: [orders], secret: "` + secretOf(t, keys) + `"}
routes:
  - {path: /o, authorizer: jwt, backend: {echo: true}}
`
	path := filepath.Join(dir, "authlab.yaml")
	if err := os.WriteFile(path, []byte(gw), 0o644); err != nil {
		t.Fatal(err)
	}
	for token, want := range map[string]float64{"alice": 200, "not-a-name": 401} {
		var out bytes.Buffer
		o := &FireOptions{IO: &IO{Out: &out, Err: &out, Getenv: func(string) string { return "" }},
			Gateway: path, Method: "GET", Path: "/o", Token: token, JSON: true,
			Engine: engine.Options{Clock: clock.NewVirtual(time.Now())}}
		if err := runFire(context.Background(), o); err != nil {
			t.Fatalf("%s: %v\n%s", token, err, out.String())
		}
		var doc struct {
			Response struct {
				Status float64 `json:"status"`
			} `json:"response"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Response.Status != want {
			t.Errorf("--token %s: status %v, want %v\n%s", token, doc.Response.Status, want, out.String())
		}
	}
}

func secretOf(t *testing.T, keys string) string {
	b, err := os.ReadFile(filepath.Join(keys, "hs256.secret"))
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(b))
}

// TestFireTokenGoesToTheAuthorizersSlot: --token lands where the route's
// authorizer reads it (the engine's TokenSlot): an OCI X-Token header, a
// query parameter; a route without an authorizer gets Authorization.
func TestFireTokenGoesToTheAuthorizersSlot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gw := `version: 1
platform: oci
authorizers:
  xtok: {type: oci, token: "request.headers[X-Token]", function: {runtime: mock, responses: [{when: {token: t1}, return: {active: true, principal: p}}, {return: {active: false}}]}}
  qtok: {type: oci, token: "request.query[access_token]", function: {runtime: mock, responses: [{when: {token: t1}, return: {active: true, principal: p}}, {return: {active: false}}]}}
routes:
  - {path: /x, authorizer: xtok, backend: {echo: true}}
  - {path: /q, authorizer: qtok, backend: {echo: true}}
  - {path: /open, backend: {echo: true}}
`
	path := filepath.Join(dir, "authlab.yaml")
	if err := os.WriteFile(path, []byte(gw), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, where string
	}{{"/x", `"X-Token": "t1"`}, {"/q", `"access_token": "t1"`}, {"/open", `"Authorization": "Bearer t1"`}} {
		var out bytes.Buffer
		o := &FireOptions{IO: &IO{Out: &out, Err: &out, Getenv: func(string) string { return "" }},
			Gateway: path, Method: "GET", Path: c.path, Token: "t1", JSON: true, Reveal: true}
		if err := runFire(context.Background(), o); err != nil {
			t.Fatalf("%s: %v\n%s", c.path, err, out.String())
		}
		var doc struct {
			Response struct {
				Status float64 `json:"status"`
			} `json:"response"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Response.Status != 200 {
			t.Errorf("%s: status %v, want 200\n%s", c.path, doc.Response.Status, out.String())
		}
		if !bytes.Contains(out.Bytes(), []byte(c.where)) {
			t.Errorf("%s: the backend did not get %s\n%s", c.path, c.where, out.String())
		}
	}
}
