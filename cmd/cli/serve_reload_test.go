package cli

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/engine/reload"
)

// reloadGuardGateway: /admin/{x} is guarded by a mock authorizer whose
// line comes last but for the /done route, so a save cut before that line
// still parses, with the route unguarded.
func reloadGuardGateway(version string, guarded bool) (head, tail string) {
	head = fmt.Sprintf(`version: 1
authorizers:
  admin:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - path: /v
    backend: {stock: {status: 200, body: %s}}
  - path: /admin/{x}
    backend: {echo: true}
`, version)
	if guarded {
		tail = "    authorizer: admin\n"
	}
	tail += fmt.Sprintf("  - path: /done\n    backend: {stock: {status: 200, body: %s}}\n", version)
	return head, tail
}

// TestServeReloadHalfWrittenFileKeepsAuthorizer: a writer saves the
// gateway in two writes with a pause longer than the reload debounce; the
// first half parses but lacks the route's authorizer. No request may be
// answered without the authorizer in between. A complete save that does
// remove the authorizer is applied, with a WARNING naming the route and
// the authorizer.
func TestServeReloadHalfWrittenFileKeepsAuthorizer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gw := filepath.Join(dir, "gw.yaml")
	h, tl := reloadGuardGateway("v1", true)
	writeFile(t, gw, h+tl)
	p := startServe(t, gw)
	if status, body, _ := get(t, p.base+"/admin/x"); status != 401 {
		t.Fatalf("/admin/x before any edit: %d %s", status, body)
	}

	var (
		stop   = make(chan struct{})
		wg     sync.WaitGroup
		open   atomic.Int64 // /admin/x answered without the authorizer
		polled atomic.Int64
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(p.base + "/admin/x")
				if err != nil {
					t.Errorf("request failed during reload: %v", err)
					return
				}
				resp.Body.Close()
				polled.Add(1)
				if resp.StatusCode != 401 {
					open.Add(1)
				}
			}
		})
	}
	waitBody := func(path, want string) {
		t.Helper()
		// A backstop against a hang, not a measure of speed.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, body, _ := get(t, p.base+path); body == want {
				return
			}
		}
		t.Fatalf("%s never answered %q; reloads:\n%s", path, want, reloadLines(p))
	}
	// Pauses on either side of debounce + settle: the half file is caught
	// by the settle check or by the hold on reloads that remove protection.
	for i, pause := range []time.Duration{reload.Debounce + 50*time.Millisecond, 3 * reload.Debounce} {
		version := fmt.Sprintf("v%d", i+2)
		h, tl := reloadGuardGateway(version, true)
		f, err := os.OpenFile(gw, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(h); err != nil {
			t.Fatal(err)
		}
		time.Sleep(pause)
		if _, err := f.WriteString(tl); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		waitBody("/done", version)
	}
	close(stop)
	wg.Wait()
	if n := open.Load(); n > 0 {
		t.Errorf("%d of %d requests to /admin/x were answered without its authorizer while the file was half written; reloads:\n%s", n, polled.Load(), reloadLines(p))
	} else {
		t.Logf("%d requests to /admin/x during two split saves, none unguarded; reloads:\n%s", polled.Load(), reloadLines(p))
	}
	if strings.Contains(p.err.String(), "WARNING") {
		t.Errorf("a half-written file was applied:\n%s", reloadLines(p))
	}

	// A finished save that removes the authorizer is applied, loudly.
	h, tl = reloadGuardGateway("v9", false)
	saveAtomically(t, gw, h+tl)
	p.waitStderr(t, regexp.MustCompile(`authlab serve: WARNING: reloading \S*gw\.yaml removed protection: route /admin/\{x\}: authorizer "admin" removed`), 30*time.Second)
	if status, body, _ := get(t, p.base+"/admin/x"); status != 200 {
		t.Fatalf("/admin/x after the authorizer was removed: %d %s", status, body)
	}
}

// reloadLines is what serve said about reloads, without the request log.
func reloadLines(p *serveProc) string {
	var out []string
	for _, l := range strings.Split(p.err.String(), "\n") {
		if strings.HasPrefix(l, "authlab serve:") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestServeReloadsOnJWKSEdit: the JWKS a jwt authorizer trusts is watched
// like the gateway file. Swapping the RSA key set for the EC one reloads:
// the RSA token is refused and the EC one accepted, without a restart.
func TestServeReloadsOnJWKSEdit(t *testing.T) {
	t.Parallel()
	keys := func(name string) string { return filepath.Join("..", "..", "fixtures", "keys", name) }
	read := func(name string) string {
		b, err := os.ReadFile(keys(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	bearer := func(keyFile string) string {
		ks, err := jose.LoadKeys(keys(keyFile))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := jose.Mint(jose.MintOptions{Key: ks.Keys[0], Claims: map[string]any{"sub": "alice", "aud": "orders"},
			Now: time.Now(), ExpiresIn: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	dir := t.TempDir()
	jwks := writeFile(t, filepath.Join(dir, "keys.json"), read("rsa.jwks.json"))
	gw := writeFile(t, filepath.Join(dir, "gw.yaml"), `version: 1
authorizers:
  jwt: {type: jwt, identitySource: header:Authorization, audience: [orders], jwks: keys.json}
routes:
  - path: /x
    authorizer: jwt
    backend: {echo: true}
`)
	p := startServe(t, gw)
	rsa, ec := bearer("rsa.pem"), bearer("ec-p256.pem")
	statuses := func() [2]int {
		a, _, _ := get(t, p.base+"/x", "Authorization", rsa)
		b, _, _ := get(t, p.base+"/x", "Authorization", ec)
		return [2]int{a, b}
	}
	if got := statuses(); got != [2]int{200, 401} {
		t.Fatalf("RSA and EC tokens against the RSA JWKS: %v, want [200 401]", got)
	}
	saveAtomically(t, jwks, read("ec-p256.jwks.json"))
	p.waitStderr(t, regexp.MustCompile(`authlab serve: reloaded \S*gw\.yaml`), 30*time.Second)
	if got := statuses(); got != [2]int{401, 200} {
		t.Fatalf("RSA and EC tokens after the JWKS became the EC one: %v, want [401 200]; stderr:\n%s", got, reloadLines(p))
	}
}
