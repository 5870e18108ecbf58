package cli

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawGet sends one request with the target exactly as given (Go's client
// would normalise it) and returns the status line's code and the body.
func rawGet(t *testing.T, base, target string, header ...string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n"
	for _, h := range header {
		req += h + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// pythonFileServer serves dir with `python3 -m http.server` on a free port.
func pythonFileServer(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	_, port, _ := net.SplitHostPort(freePort(t))
	cmd := exec.Command("python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://127.0.0.1:" + port
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/public/readme.txt"); err == nil {
			resp.Body.Close()
			return base
		}
		if i > 300 {
			t.Fatal("python3 -m http.server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServePATH5_NoBypassToFileServer is the reported bypass, end to end:
// /admin behind an authorizer, /public and a catch-all open, one real file
// server behind both. No spelling of a path under /admin yields the secret.
func TestServePATH5_NoBypassToFileServer(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, d := range []string{"admin", "public"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const secret = "TOP-SECRET-ADMIN-FILE"
	writeFile(t, filepath.Join(root, "admin", "secret.txt"), secret)
	writeFile(t, filepath.Join(root, "public", "readme.txt"), "hello")
	files := pythonFileServer(t, root)
	gw := writeFile(t, filepath.Join(t.TempDir(), "authlab.yaml"), `
version: 1
authorizers:
  guard:
    type: aws-token
    identitySource: header:Authorization
    function:
      runtime: mock
      responses:
        - return: {principalId: x, policyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/public/*'}]}}
routes:
  - {path: "/admin/{rest+}", authorizer: guard, backend: {url: "`+files+`"}}
  - {path: "/public/{rest+}", backend: {url: "`+files+`"}}
  - {path: "/{proxy+}", backend: {url: "`+files+`"}}
`)
	p := startServe(t, gw)
	if status, body := rawGet(t, p.base, "/public/readme.txt"); status != 200 || body != "hello" {
		t.Fatalf("open file: %d %q", status, body)
	}
	for _, target := range []string{
		"/public/%2e%2e/admin/secret.txt", "/public/..%2fadmin/secret.txt", "/public/.%2e/admin/secret.txt",
		"/public/../admin/secret.txt", "/public/a%00/../../admin/secret.txt", "//admin/secret.txt",
		"/./admin/secret.txt", "/public/%252e%252e/admin/secret.txt", "/public/..;/admin/secret.txt",
		"/public/..%5cadmin/secret.txt", "/admin/secret.txt", "/adm%69n/secret.txt", "/public/%2e%2e%2fadmin%2fsecret.txt",
	} {
		for _, auth := range []string{"", "Authorization: Bearer scoped-to-public"} {
			status, body := rawGet(t, p.base, target, auth)
			if strings.Contains(body, secret) || status == 200 {
				t.Errorf("GET %s (%q) → %d %q: the admin file leaked", target, auth, status, body)
			}
		}
	}
	// the refusal names the rule in the serve log
	if !strings.Contains(p.err.String(), "PATH-5") {
		t.Errorf("serve log does not name PATH-5:\n%s", p.err.String())
	}
}

// recorder keeps the request line and trailers an upstream received.
type recorder struct {
	mu      sync.Mutex
	uris    []string
	trailer http.Header
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	rc.mu.Lock()
	rc.uris = append(rc.uris, r.RequestURI)
	rc.trailer = r.Trailer.Clone()
	rc.mu.Unlock()
	w.Header().Set("Trailer", "X-Checksum")
	w.WriteHeader(200)
	_, _ = io.WriteString(w, "body")
	w.Header().Set("X-Checksum", "c0ffee")
}

func (rc *recorder) last() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.uris) == 0 {
		return ""
	}
	return rc.uris[len(rc.uris)-1]
}

// TestServePATH7_BackendGetsWhatWasSent: the backend receives the request
// target byte for byte (escaping and query order), and trailers pass.
func TestServePATH7_BackendGetsWhatWasSent(t *testing.T) {
	t.Parallel()
	rc := &recorder{}
	up := httptest.NewServer(rc)
	t.Cleanup(up.Close)
	gw := writeFile(t, filepath.Join(t.TempDir(), "authlab.yaml"), `
version: 1
routes:
  - {path: "/files/{id}", allowEncodedSlash: true, backend: {url: "`+up.URL+`/base"}}
  - {path: "/{proxy+}", backend: {url: "`+up.URL+`"}}
`)
	p := startServe(t, gw)
	for target, want := range map[string]string{
		"/a%2Fb/c?z=1&a=2":        "",
		"/files/a%2Fb?z=1&a=2":    "/base/files/a%2Fb?z=1&a=2",
		"/x/caf%C3%A9?q=%20+%2B":  "/x/caf%C3%A9?q=%20+%2B",
		"/x/a;b=c/%7Euser?b&a=&c": "/x/a;b=c/%7Euser?b&a=&c",
		"/x/%41%42":               "/x/%41%42",
	} {
		status, _ := rawGet(t, p.base, target)
		if want == "" {
			if status != 400 {
				t.Errorf("%s: %d, want 400 (encoded slash on a route without allowEncodedSlash)", target, status)
			}
			continue
		}
		if status != 200 || rc.last() != want {
			t.Errorf("%s: %d, upstream got %q, want %q", target, status, rc.last(), want)
		}
	}

	// response trailers reach the client; request trailers reach the upstream
	req, _ := http.NewRequest("POST", p.base+"/x/t", io.MultiReader(strings.NewReader("chunk")))
	req.ContentLength = -1
	req.Trailer = http.Header{"X-Req-Sum": nil}
	req.Trailer.Set("X-Req-Sum", "abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.Trailer.Get("X-Checksum"); got != "c0ffee" {
		t.Errorf("response trailer X-Checksum = %q, want c0ffee", got)
	}
	rc.mu.Lock()
	got := rc.trailer.Get("X-Req-Sum")
	rc.mu.Unlock()
	if got != "abc" {
		t.Errorf("request trailer at the upstream = %q, want abc", got)
	}
}

// TestServeUpgradeAfterAuthorizer: a WebSocket upgrade is proxied once the
// authorizer allows it, and refused like any request when it does not.
func TestServeUpgradeAfterAuthorizer(t *testing.T) {
	t.Parallel()
	var upgrades int
	var mu sync.Mutex
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "not an upgrade", 400)
			return
		}
		mu.Lock()
		upgrades++
		mu.Unlock()
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = brw.Flush()
		line, _ := brw.ReadString('\n') // echo one line back
		_, _ = io.WriteString(conn, "echo: "+line)
	}))
	t.Cleanup(up.Close)
	gw := writeFile(t, filepath.Join(t.TempDir(), "authlab.yaml"), `
version: 1
authorizers:
  guard:
    type: aws-token
    identitySource: header:Authorization
    function:
      runtime: mock
      responses:
        - when: {token: Bearer ok}
          return: {principalId: u, policyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'execute-api:Invoke', Resource: '*'}]}}
        - return: {principalId: u, policyDocument: {Version: '2012-10-17', Statement: [{Effect: Deny, Action: 'execute-api:Invoke', Resource: '*'}]}}
routes:
  - {path: /ws, authorizer: guard, backend: {url: "`+up.URL+`"}}
`)
	p := startServe(t, gw)
	dial := func(token string) (*bufio.Reader, net.Conn, *http.Response) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: %s\r\n\r\n", token)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		return br, conn, resp
	}
	br, conn, resp := dial("Bearer ok")
	if resp.StatusCode != 101 {
		t.Fatalf("allowed upgrade: %d, want 101", resp.StatusCode)
	}
	_, _ = io.WriteString(conn, "ping\n")
	if line, _ := br.ReadString('\n'); line != "echo: ping\n" {
		t.Errorf("through the tunnel: %q", line)
	}
	_, _, resp = dial("Bearer nope")
	if resp.StatusCode != 403 {
		t.Errorf("refused upgrade: %d, want 403", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if upgrades != 1 {
		t.Errorf("the upstream saw %d upgrades, want 1 (the refused one must not reach it)", upgrades)
	}
}
