package engine_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/trace"
)

const fixtureKID = "_e34sXj_-FaHWjA1CsupLxdVZA8dBFcdUl6v_ogtVQk"

func mintRSA(t *testing.T, kid string, claims map[string]any) string {
	t.Helper()
	ks, err := jose.LoadKeys(filepath.Join("..", "fixtures", "keys", "rsa.pem"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ks.Select("")
	tok, err := jose.Mint(jose.MintOptions{Alg: "RS256", Key: k, KID: kid, Now: fixedStart, ExpiresIn: 2 * time.Hour, Claims: claims, NoJTI: true})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestJWKSDiscoveryAndCache_AWSH_J4: the keys are found through the
// issuer's discovery document, kept for an hour of virtual time, and
// fetched again for an unknown kid.
func TestJWKSDiscoveryAndCache_AWSH_J4(t *testing.T) {
	t.Parallel()
	jwks, err := os.ReadFile(filepath.Join("..", "fixtures", "keys", "rsa.jwks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var discovery, keys atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pool/.well-known/openid-configuration":
			discovery.Add(1)
			fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, srv.URL+"/pool", srv.URL+"/pool/keys")
		case "/pool/keys":
			keys.Add(1)
			w.Write(jwks)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	iss := srv.URL + "/pool"
	e, clk := newTestEngine(t, `version: 1
platform: aws-http
authorizers:
  jwt: {type: aws-jwt, issuer: "`+iss+`", audience: [app]}
routes:
  - {path: /x, authorizer: jwt, backend: {echo: true}}
`)
	good := "Authorization: Bearer " + mintRSA(t, fixtureKID, map[string]any{"iss": iss, "aud": "app", "sub": "u"})
	if res := fire(t, e, "GET", "/x", good); res.Response.Status != 200 {
		t.Fatalf("first request: %d %s", res.Response.Status, res.Response.Body)
	}
	if discovery.Load() != 1 || keys.Load() != 1 {
		t.Fatalf("first use: %d discovery and %d JWKS fetches, want 1 and 1", discovery.Load(), keys.Load())
	}
	fire(t, e, "GET", "/x", good)
	if keys.Load() != 1 {
		t.Errorf("a second request fetched the keys again (%d fetches)", keys.Load())
	}
	unknown := "Authorization: Bearer " + mintRSA(t, "rotated-key", map[string]any{"iss": iss, "aud": "app"})
	if res := fire(t, e, "GET", "/x", unknown); res.Response.Status != 401 || keys.Load() != 2 {
		t.Errorf("unknown kid: %d, %d fetches; want 401 after one refetch", res.Response.Status, keys.Load())
	}
	fire(t, e, "GET", "/x", unknown)
	if keys.Load() != 2 {
		t.Errorf("a second unknown kid within 30 s refetched (%d fetches)", keys.Load())
	}
	clk.Advance(time.Hour)
	fire(t, e, "GET", "/x", good)
	if keys.Load() != 3 {
		t.Errorf("after an hour the keys were not refetched (%d fetches)", keys.Load())
	}
}

// TestJWTClaimsReachTheIntegration_AWSH_J9: every claim is a string, arrays
// as [a b], and scopes are null on a route without authorizationScopes.
func TestJWTClaimsReachTheIntegration_AWSH_J9(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, `version: 1
authorizers:
  jwt: {type: aws-jwt, issuer: "https://issuer.example", audience: [app], jwks: `+filepath.Join(mustAbs(t, "../fixtures/keys"), "rsa.jwks.json")+`}
routes:
  - {path: /open, authorizer: jwt, backend: {echo: true}}
  - {path: /scoped, authorizer: jwt, authorizationScopes: [read], backend: {echo: true}}
`)
	tok := mintRSA(t, fixtureKID, map[string]any{"iss": "https://issuer.example", "client_id": "app", "sub": "u",
		"scp": []string{"read", "write"}, "groups": []string{"a", "b"}, "n": 5, "ok": true, "gone": nil})
	for path, want := range map[string]string{
		"/open":   `{"jwt":{"claims":{"client_id":"app","exp":"1767232800","groups":"[a b]","iat":"1767225600","iss":"https://issuer.example","n":"5","ok":"true","scp":"[read write]","sub":"u"},"scopes":null}}`,
		"/scoped": `"scopes":["read","write"]`,
	} {
		res := fire(t, e, "GET", path, "Authorization: "+tok)
		if res.Response.Status != 200 {
			t.Fatalf("%s: %d %s", path, res.Response.Status, res.Response.Body)
		}
		d, ok := res.Trace.Stage(trace.Policy).Get("requestContext.authorizer")
		if !ok || !strings.Contains(string(d.JSON), want) {
			t.Errorf("%s: requestContext.authorizer = %s, want %s", path, d.JSON, want)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAPIKeyFromTheAuthorizer_AWS_K2: with apiKeySource AUTHORIZER the key
// is the Lambda authorizer's usageIdentifierKey; x-api-key is ignored.
func TestAPIKeyFromTheAuthorizer_AWS_K2(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, `version: 1
aws:
  apiKeySource: AUTHORIZER
  apiKeys: {partner: {value: PartnerKey0123456789abcdef}}
  usagePlans: {partners: {keys: [partner], quota: {limit: 1, period: DAY}}}
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {token: with-key}
          return: {principalId: p, usageIdentifierKey: PartnerKey0123456789abcdef, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}
        - return: {principalId: p, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}
routes:
  - {path: /x, authorizer: tok, apiKeyRequired: true, backend: {echo: true}}
`)
	if res := fire(t, e, "GET", "/x", "Authorization: without-key", "x-api-key: PartnerKey0123456789abcdef"); res.Response.Status != 403 ||
		!strings.Contains(stageRules(res), "AWS-K2") {
		t.Errorf("no usageIdentifierKey: %d %s (rules %s), want 403 AWS-K2", res.Response.Status, res.Response.Body, stageRules(res))
	}
	if res := fire(t, e, "GET", "/x", "Authorization: with-key"); res.Response.Status != 200 {
		t.Errorf("usageIdentifierKey: %d %s", res.Response.Status, res.Response.Body)
	}
	if res := fire(t, e, "GET", "/x", "Authorization: with-key"); res.Response.Status != 429 || string(res.Response.Body) != `{"message":"Limit Exceeded"}` {
		t.Errorf("over quota: %d %s", res.Response.Status, res.Response.Body)
	}
}

// TestUsagePlansThatCannotBeSatisfied_AWS_K7: validate points at each
// impossible or wrong setting, file:line:col.
func TestUsagePlansThatCannotBeSatisfied_AWS_K7(t *testing.T) {
	t.Parallel()
	src := `version: 1
aws:
  apiKeys:
    short: {value: tooShort}
    a: {value: AAAAAAAAAAAAAAAAAAAAAAAA}
  usagePlans:
    p1:
      keys: [a, nope]
      throttle: {rateLimit: 5, burstLimit: 0}
      quota: {limit: 10, period: DAY, offset: 10}
      methodThrottle:
        /missing/GET: {rateLimit: 1, burstLimit: 1}
    p2:
      keys: [a]
      quota: {limit: 0, period: YEAR}
routes:
  - {path: /x, apiKeyRequired: true, backend: {echo: true}}
`
	_, diags, _ := config.Load("plans.yaml", []byte(src), t.TempDir())
	out := diags.Format(false)
	// and a key as the only protection is worth a warning (AWS-K1)
	_, warn, _ := config.Load("k.yaml", []byte("version: 1\nroutes:\n  - {path: /x, apiKeyRequired: true, backend: {echo: true}}\n"), t.TempDir())
	if w := warn.Format(true); !strings.Contains(w, "k.yaml:3:32: warning: route /x is protected by an API key only") {
		t.Errorf("no warning for an API key as the only protection:\n%s", w)
	}
	for _, want := range []string{
		`plans.yaml:4:20: API key "short": a value must be 20 to 128 letters and digits`,
		`plans.yaml:8:17: usage plan "p1": unknown API key "nope"`,
		`plans.yaml:9:44: usage plan "p1": burstLimit 0 can never be satisfied`,
		`plans.yaml:10:47: usage plan "p1": offset 10 leaves nothing of the limit 10`,
		`plans.yaml:12:9: usage plan "p1": methodThrottle "/missing/GET": no route GET /missing`,
		`plans.yaml:14:14: API key "a" is in usage plans "p1" and "p2", both on stage prod`,
		`plans.yaml:15:22: usage plan "p2": a quota limit of 0 can never be satisfied`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
