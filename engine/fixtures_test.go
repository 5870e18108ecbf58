package engine_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// loadFixture builds an engine on a fixtures/gateways file, optionally
// rewriting text (a service URL) first.
func loadFixture(t *testing.T, name string, replace ...string) *engine.Engine {
	t.Helper()
	path := filepath.Join("..", "fixtures", "gateways", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for i := 0; i+1 < len(replace); i += 2 {
		text = strings.ReplaceAll(text, replace[i], replace[i+1])
	}
	abs, _ := filepath.Abs(filepath.Dir(path))
	g, diags, err := config.Load(path, []byte(text), abs)
	if err != nil {
		t.Fatalf("%s does not load:\n%s", name, diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{Clock: clock.NewVirtual(fixedStart), Random: zeroReader{},
		Elapsed: func(time.Time) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestFixtureDialects(t *testing.T) {
	t.Parallel()
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") == "session=ok" {
			w.Header().Set("X-Auth-Request-User", "ann")
			w.WriteHeader(202)
			return
		}
		w.WriteHeader(401)
	}))
	defer auth.Close()
	key, err := jose.LoadKeys(filepath.Join("..", "fixtures", "keys", "rsa.pem"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := key.Select("")
	jwt, err := jose.Mint(jose.MintOptions{Alg: "RS256", Key: k, KID: "_e34sXj_-FaHWjA1CsupLxdVZA8dBFcdUl6v_ogtVQk", Now: fixedStart,
		ExpiresIn: 15 * time.Minute, Claims: map[string]any{"iss": "https://issuer.example", "aud": "orders", "sub": "alice", "scope": "read:orders"}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		fixture string
		replace []string
		method  string
		target  string
		headers []string
		want    outcome
	}{
		{"aws-http.yaml", nil, "GET", "/things/1?tenant=t1", []string{"Authorization: Bearer ok"}, outcome{200, "", "", engine.Called, "AWSH-R1"}},
		{"aws-http.yaml", nil, "GET", "/things/1?tenant=t1", []string{"Authorization: Bearer no"}, outcome{403, `{"message":"Forbidden"}`, "", engine.Called, "AWSH-R1"}},
		{"aws-http.yaml", nil, "GET", "/items/1", []string{"Authorization: Bearer ok"}, outcome{200, "", "", engine.Called, "AWS-P1"}},
		{"oci-docs.yaml", nil, "GET", "/hello?state=x", []string{"X-Api-Key: abc123"}, outcome{200, "", "", engine.Called, "OCI-R1"}},
		{"oci-docs.yaml", nil, "GET", "/hello?state=x", []string{"X-Api-Key: wrong"}, outcome{302, "Unfortunately, authentication failed.", "Location: https://login.example.com/", engine.Called, "OCI-V1"}},
		{"oci-docs.yaml", nil, "GET", "/public", nil, outcome{200, "public", "", engine.Skipped, "OCI-A2"}},
		{"oci-docs.yaml", nil, "GET", "/me", []string{"Authorization: Bearer bad"}, outcome{401, "", `WWW-Authenticate: Bearer error="invalid_token"`, engine.Called, "OCI-R2"}},
		{"huawei-python.yaml", nil, "GET", "/orders/1", []string{"Authorization: Bearer allow-ann"}, outcome{200, "", "", engine.Called, "HW-B1"}},
		{"huawei-python.yaml", nil, "GET", "/orders/1", []string{"Authorization: Bearer nope"}, outcome{500, "APIG.0125", "", engine.Called, "HW-R3"}},
		{"jwt.yaml", nil, "GET", "/orders/1", []string{"Authorization: Bearer " + jwt}, outcome{200, "", "", engine.Called, "JWT-1"}},
		{"jwt.yaml", nil, "GET", "/orders/1", []string{"Authorization: Bearer " + jwt + "x"}, outcome{401, "", "", engine.Called, "JWT-2"}},
		{"forward.yaml", []string{"http://127.0.0.1:9091", auth.URL}, "GET", "/app/home", []string{"Cookie: session=ok", "X-Auth-Request-User: mallory"}, outcome{200, "", "", engine.Called, "FWD-1"}},
		{"forward.yaml", []string{"http://127.0.0.1:9091", auth.URL}, "GET", "/app/home", nil, outcome{401, "401 Authorization Required", "", engine.Called, "FWD-1"}},
	}
	for _, c := range cases {
		t.Run(c.fixture+" "+c.target+" "+strings.Join(c.headers, ";"), func(t *testing.T) {
			e := loadFixture(t, c.fixture, c.replace...)
			res := fire(t, e, c.method, c.target, c.headers...)
			expect(t, res, c.want)
			if c.want.status == 200 && c.fixture == "huawei-python.yaml" {
				if res.Upstream.Header.Get("X-User") != "ann" || res.Upstream.Header.Get("X-Backend-Token") != "svc-7f3a" {
					t.Errorf("HW-B1 upstream headers %v", res.Upstream.Header)
				}
			}
			if c.want.status == 200 && c.fixture == "forward.yaml" {
				if got := res.Upstream.Header.Values("X-Auth-Request-User"); len(got) != 1 || got[0] != "ann" {
					t.Errorf("FWD-3 X-Auth-Request-User = %v", got)
				}
			}
		})
	}
}
