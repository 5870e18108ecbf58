package main

// Issue 13 part 3: ten distinct secrets are planted in a gateway file, its
// requests and a scenario, and every output channel of the real binary is
// searched for them. Without --reveal none may appear in full; with
// --reveal each channel must show the ones it carries, which proves the
// search can see them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The planted secrets: distinct, long enough to be abbreviated anywhere.
const (
	plantHeader  = "hdr-PLANT-1111111111aaaa"    // Authorization: Bearer …
	plantQuery   = "qry-PLANT-2222222222bbbb"    // ?access_token= (identity source)
	plantBody    = "body-PLANT-3333333333cccc"   // the body, an OCI argument
	plantCookie  = "cookie-PLANT-4444444444dddd" // Cookie: session=…
	plantHMAC    = "hmac-PLANT-55555555"         // jwt secret: (short: validate warns)
	plantBackPW  = "bkpw-PLANT-6666666666"       // backend url http://user:…@
	plantFuncPW  = "fnpw-PLANT-7777777777"       // http function url http://fn:…@
	plantMock    = "mock-PLANT-9999999999eeee"   // a mock table's token
	plantAPIKey  = "apikey-PLANT-0000000000ffff" // X-Api-Key
	plantMintSub = "minted-subject"              // the minted token is found by shape
)

var planted = []string{plantHeader, plantQuery, plantBody, plantCookie, plantHMAC, plantBackPW, plantFuncPW, plantMock, plantAPIKey}

// reJWT finds a whole JWT: a minted token shown in full.
var reJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}`)

// leaks lists the planted secrets that appear in full in out.
func leaks(out string) []string {
	var found []string
	for _, s := range planted {
		for _, form := range []string{s, url.QueryEscape(s)} {
			if strings.Contains(out, form) {
				found = append(found, s)
				break
			}
		}
	}
	if m := reJWT.FindString(out); m != "" {
		found = append(found, "minted token "+m)
	}
	return found
}

// secretsGateway writes the gateway file and scenarios replaying its
// requests (every step fails on purpose, so reports print full traces).
func secretsGateway(t *testing.T) string {
	t.Helper()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An upstream that echoes what it got, secrets included.
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"query": r.URL.RawQuery, "headers": r.Header})
	}))
	t.Cleanup(upstream.Close)
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Auth-Request-User", "alice")
	}))
	t.Cleanup(auth.Close)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	downAddr := closed.Addr().String()
	closed.Close()
	up := strings.TrimPrefix(upstream.URL, "http://")

	dir := t.TempDir()
	allow := `{principalId: alice, policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}}`
	gw := fmt.Sprintf(`version: 1
name: planted
platform: aws
authorizers:
  req:
    type: aws-request
    identitySource: [header:Authorization, query:access_token]
    ttl: 0
    function: {runtime: mock, responses: [{return: %[1]s}]}
  mock:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function:
      runtime: mock
      responses:
        - when: {token: "Bearer %[2]s"}
          return: %[1]s
        - return: Unauthorized
  oci:
    type: oci
    arguments: {apikey: "request.headers[X-Api-Key]", payload: request.body}
    function: {runtime: mock, responses: [{return: {active: true, principal: svc}}]}
  jwt:
    type: jwt
    identitySource: header:Authorization
    secret: %[3]s
  fwd:
    type: forward
    url: %[4]s/auth
  down:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: http, url: "http://fn:%[5]s@%[6]s/authorize", timeout: 2s}
tokens:
  svc: {alg: HS256, secret: %[3]s, claims: {sub: %[9]s}, expiresIn: 15m}
routes:
  - path: /a/{id}
    authorizer: req
    backend: {url: "http://user:%[7]s@%[8]s"}
  - path: /b
    authorizer: mock
    backend: {echo: true}
  - path: /c
    methods: [POST]
    authorizer: oci
    backend: {echo: true}
  - path: /d
    authorizer: jwt
    backend: {echo: true}
  - path: /f
    authorizer: fwd
    backend: {url: "http://user:%[7]s@%[8]s"}
  - path: /e
    authorizer: down
    backend: {echo: true}
`, allow, plantMock, plantHMAC, auth.URL, plantFuncPW, downAddr, plantBackPW, up, plantMintSub)
	writeTestFile(t, filepath.Join(dir, "gw.yaml"), gw)

	// One scenario per request: a scenario stops at its first failed step.
	if err := os.Mkdir(filepath.Join(dir, "scenarios"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, r := range secretRequests() {
		var step strings.Builder
		fmt.Fprintf(&step, "  - name: %s\n    request:\n      method: %s\n      path: %q\n      headers:\n", r.name, r.method, r.path)
		for _, h := range r.headers {
			k, v, _ := strings.Cut(h, ": ")
			fmt.Fprintf(&step, "        %s: %q\n", k, v)
		}
		if r.token != "" {
			fmt.Fprintf(&step, "        Authorization: \"Bearer ${tokens.%s}\"\n", r.token)
		}
		if r.body != "" {
			fmt.Fprintf(&step, "      body: %q\n", r.body)
		}
		step.WriteString("    expect: {status: 599}\n")
		writeTestFile(t, filepath.Join(dir, "scenarios", fmt.Sprintf("planted-%d.yaml", i)), fmt.Sprintf(`name: planted secrets %d
gateway: ../gw.yaml
clock: 2026-01-01T09:00:00Z
tokens:
  svc: {alg: HS256, secret: %s, claims: {sub: %s}, expiresIn: 15m}
steps:
%s`, i, plantHMAC, plantMintSub, step.String()))
	}

	// An invalid gateway whose error quotes a URL with a password.
	writeTestFile(t, filepath.Join(dir, "bad.yaml"), fmt.Sprintf(`version: 1
routes:
  - path: /x
    backend: {url: "ftp://user:%s@127.0.0.1/"}
`, plantBackPW))
	return dir
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// secretRequest is one request of the test, with the secrets it carries.
type secretRequest struct {
	name, method, path string
	headers            []string
	body               string
	token              string   // a named token of the file, minted now
	carries            []string // planted secrets its trace shows with --reveal
	minted             bool     // its trace shows a minted token with --reveal
}

func secretRequests() []secretRequest {
	return []secretRequest{
		{name: "header, query, cookie and API key", method: "GET", path: "/a/1?access_token=" + plantQuery,
			headers: []string{"Authorization: Bearer " + plantHeader, "Cookie: session=" + plantCookie + "; theme=dark", "X-Api-Key: " + plantAPIKey},
			carries: []string{plantHeader, plantQuery, plantCookie, plantAPIKey, plantBackPW}},
		{name: "mock token", method: "GET", path: "/b", headers: []string{"Authorization: Bearer " + plantMock}, carries: []string{plantMock}},
		{name: "body", method: "POST", path: "/c", headers: []string{"X-Api-Key: " + plantAPIKey}, body: plantBody,
			carries: []string{plantAPIKey, plantBody}},
		{name: "minted token", method: "GET", path: "/d", token: "svc", minted: true},
		{name: "forward auth cookie", method: "GET", path: "/f", headers: []string{"Cookie: session=" + plantCookie},
			carries: []string{plantCookie, plantBackPW}},
		{name: "http function down", method: "GET", path: "/e", headers: []string{"Authorization: Bearer " + plantHeader},
			carries: []string{plantHeader, plantFuncPW}},
	}
}

// checkChannel fails when out shows a planted secret in full, or, for a
// --reveal run, when it does not show every one it should.
func checkChannel(t *testing.T, channel, out string, reveal bool, want []string, minted bool) {
	t.Helper()
	found := leaks(out)
	if !reveal {
		if len(found) > 0 {
			t.Errorf("%s shows secrets in full: %q\n%s", channel, found, out)
		}
		return
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s --reveal does not show %q: the search cannot be trusted\n%s", channel, w, out)
		}
	}
	if minted && !reJWT.MatchString(out) {
		t.Errorf("%s --reveal does not show the minted token\n%s", channel, out)
	}
}

func TestPlantedSecrets(t *testing.T) {
	t.Parallel()
	dir := secretsGateway(t)
	var allCarried []string
	for _, r := range secretRequests() {
		allCarried = append(allCarried, r.carries...)
	}

	t.Run("fire", func(t *testing.T) {
		for _, r := range secretRequests() {
			args := []string{"fire", "-g", "gw.yaml", r.method, r.path}
			for _, h := range r.headers {
				args = append(args, "-H", h)
			}
			if r.body != "" {
				args = append(args, "-d", r.body)
			}
			if r.token != "" {
				args = append(args, "--token", r.token)
			}
			for _, mode := range [][]string{nil, {"--json"}, {"--reveal"}, {"--json", "--reveal"}} {
				res := run(t, dir, "", append(append([]string(nil), args...), mode...)...)
				res.wantCode(t, 0)
				reveal := len(mode) > 0 && mode[len(mode)-1] == "--reveal"
				checkChannel(t, fmt.Sprintf("fire %s %v (%s)", r.path, mode, r.name), res.stdout+res.stderr, reveal, r.carries, r.minted)
			}
		}
	})

	t.Run("run", func(t *testing.T) {
		for _, reveal := range []bool{false, true} {
			junit := filepath.Join(t.TempDir(), "junit.xml")
			flags := []string{"--junit", junit}
			if reveal {
				flags = append(flags, "--reveal")
			}
			text := run(t, dir, "", append([]string{"run", "scenarios"}, flags...)...)
			text.wantCode(t, 1)
			checkChannel(t, fmt.Sprintf("run text (reveal %v)", reveal), text.stdout+text.stderr, reveal, allCarried, true)
			x, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			checkChannel(t, fmt.Sprintf("run JUnit (reveal %v)", reveal), string(x), reveal, allCarried, true)
			js := run(t, dir, "", append([]string{"run", "scenarios", "--json"}, flags[2:]...)...)
			js.wantCode(t, 1)
			checkChannel(t, fmt.Sprintf("run --json (reveal %v)", reveal), js.stdout+js.stderr, reveal, allCarried, true)
		}
	})

	t.Run("serve", func(t *testing.T) {
		for _, reveal := range []bool{false, true} {
			for _, asJSON := range []bool{false, true} {
				traces := t.TempDir()
				args := []string{"--trace-dir", traces}
				if asJSON {
					args = append(args, "--json")
				}
				if reveal {
					args = append(args, "--reveal")
				}
				log := serveRequests(t, dir, args)
				name := fmt.Sprintf("serve log (json %v, reveal %v)", asJSON, reveal)
				if asJSON {
					checkChannel(t, name, log, reveal, allCarried, true)
				} else {
					// One line per request: the path with its query, and the
					// failing stage's summary.
					checkChannel(t, name, log, reveal, []string{plantQuery, plantFuncPW}, false)
				}
				files, _ := filepath.Glob(filepath.Join(traces, "*.json"))
				if len(files) != len(secretRequests()) {
					t.Fatalf("%d trace files, want %d\n%s", len(files), len(secretRequests()), log)
				}
				var all bytes.Buffer
				for _, f := range files {
					b, _ := os.ReadFile(f)
					all.Write(b)
				}
				checkChannel(t, fmt.Sprintf("serve --trace-dir files (reveal %v)", reveal), all.String(), reveal, allCarried, true)
			}
		}
	})

	t.Run("validate", func(t *testing.T) {
		for _, reveal := range []bool{false, true} {
			for _, asJSON := range []bool{false, true} {
				args := []string{"validate", "gw.yaml", "bad.yaml"}
				if asJSON {
					args = append(args, "--json")
				}
				if reveal {
					args = append(args, "--reveal")
				}
				res := run(t, dir, "", args...)
				res.wantCode(t, 2)
				want := []string{plantBackPW}
				if !asJSON {
					want = append(want, plantHMAC) // the quoted line of the short-secret warning
				}
				checkChannel(t, fmt.Sprintf("validate %v", args[3:]), res.stdout+res.stderr, reveal, want, false)
				if !asJSON && !strings.Contains(res.stdout, "HMAC secret is 19 bytes") {
					t.Errorf("validate does not warn about the short HMAC secret:\n%s", res.stdout)
				}
			}
		}
	})

	t.Run("error messages", func(t *testing.T) {
		res := run(t, dir, "", "fire", "-g", "bad.yaml", "GET", "/x")
		if res.code == 0 || !strings.Contains(res.stderr, "ftp://user:") {
			t.Fatalf("want the invalid backend url reported: exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		checkChannel(t, "fire on an invalid gateway", res.stdout+res.stderr, false, nil, false)
	})
}

// serveRequests starts authlab serve with args, sends every test request
// and returns its log (stderr) once it stopped.
func serveRequests(t *testing.T, dir string, args []string) string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "-g", "gw.yaml", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	var stderr syncWriter
	cmd.Stderr, cmd.Stdout = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	reListen := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; {
		if m := reListen.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The named token is minted by the test, as a client would get one.
	mint := run(t, dir, "", "token", "mint", "--alg", "HS256", "--secret", plantHMAC, "--sub", plantMintSub, "--exp", "15m")
	mint.wantCode(t, 0)
	minted := strings.TrimSpace(mint.stdout)
	for _, r := range secretRequests() {
		req, err := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range r.headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Add(k, v)
		}
		if r.token != "" {
			req.Header.Set("Authorization", "Bearer "+minted)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// Each request is logged after its answer: wait for the last line.
	want := len(secretRequests())
	for deadline := time.Now().Add(10 * time.Second); ; {
		n := strings.Count(stderr.String(), "req ") + strings.Count(stderr.String(), `"requestId"`)
		if n >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	<-exited
	return stderr.String()
}

// syncWriter collects a child's output while the test reads it.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestControlCharactersEscaped: a handler that logs ANSI escapes, a forged
// log line and C1 controls, and a path with %0a and %1b: text outputs show
// them escaped (\x1b, \n), JSON keeps encoding/json's escaping (issue 13
// part 5a).
func TestControlCharactersEscaped(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "e2e", "escape_log.py"))
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "escape_log.py"), string(src))
	writeTestFile(t, filepath.Join(dir, "gw.yaml"), `version: 1
authorizers:
  noisy:
    type: aws-token
    identitySource: header:Authorization
    ttl: 0
    function: {runtime: python, handler: escape_log.py:handler}
routes:
  - path: /{any+}
    authorizer: noisy
    backend: {echo: true}
`)
	raw := func(s string) bool {
		for _, r := range s {
			if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
				return true
			}
		}
		return false
	}

	res := run(t, dir, "", "fire", "-g", "gw.yaml", "GET", "/x", "-H", "Authorization: Bearer whatever-token")
	res.wantCode(t, 0)
	if raw(res.stdout) {
		t.Errorf("fire printed raw control characters:\n%q", res.stdout)
	}
	for _, want := range []string{`\x1b[31mred\x1b[0m\r`, `\x1b]0;pwned\x07 and \u009b2J`, `principal \x1b[1mbold`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("fire does not show %s escaped:\n%s", want, res.stdout)
		}
	}
	// The logged line break stays a line break of the logs block, but the
	// forged line is indented inside it, never at the start of a line.
	for _, line := range strings.Split(res.stdout, "\n") {
		if strings.HasPrefix(line, "10:00:00.000") || strings.HasPrefix(line, "forged") {
			t.Errorf("a forged line starts a line of output: %q", line)
		}
	}

	js := run(t, dir, "", "fire", "-g", "gw.yaml", "GET", "/x", "-H", "Authorization: Bearer whatever-token", "--json")
	js.wantCode(t, 0)
	// encoding/json escapes C0 controls (\u001b); it leaves C1 ones as
	// they are, valid JSON.
	if strings.ContainsAny(js.stdout, "\x1b\r\x07") || !strings.Contains(js.stdout, `\u001b[31mred`) || !json.Valid([]byte(js.stdout)) {
		t.Errorf("fire --json: want valid JSON with \\u001b escapes:\n%s", js.stdout)
	}

	// serve: the decoded path and the principal in the one-line log.
	cmd := exec.Command(binary, "serve", "-g", "gw.yaml", "--listen", "127.0.0.1:0")
	cmd.Dir, cmd.Env = dir, childEnv()
	var log syncWriter
	cmd.Stderr, cmd.Stdout = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() { _ = cmd.Process.Kill(); <-exited }()
	reListen := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := reListen.FindStringSubmatch(log.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", log.String())
		}
	}
	// A path that decodes to a line break and an ESC (refused or not, it
	// is logged), then a request whose principal holds an ESC.
	for _, path := range []string{"/x%0a10:00:00.000%20GET%20/admin%1b[31m", "/ok"} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer whatever-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(log.String(), "GET /ok"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line:\n%s", log.String())
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	<-exited
	out := log.String()
	if raw(out) {
		t.Errorf("serve logged raw control characters:\n%q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "10:00:00.000 GET /admin") {
			t.Errorf("a client forged a log line: %q", line)
		}
	}
	if !strings.Contains(out, `principal \x1b[1mbold`) {
		t.Errorf("the principal is not logged escaped:\n%s", out)
	}
}
