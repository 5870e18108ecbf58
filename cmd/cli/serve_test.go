package cli

// End-to-end tests of `authlab serve`: the real binary on a free loopback
// port, real HTTP clients, real upstreams and authorizer functions
// (httptest servers on 127.0.0.1).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// binDir holds the authlab binary built once for the package's tests.
var (
	binDir    string
	buildOnce sync.Once
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "authlab-serve-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// authlabBin builds cmd/authlab on first use (with -race under -race), so
// benchmarks and in-process tests do not pay for it.
func authlabBin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "authlab")
	buildOnce.Do(func() {
		args := []string{"build", "-o", bin}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/authlab/authlab/cmd/authlab")
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// syncBuffer collects a child's output while tests read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveProc is a running `authlab serve`.
type serveProc struct {
	cmd      *exec.Cmd
	base     string // http://127.0.0.1:PORT
	out, err *syncBuffer
	exited   chan struct{}
	waitErr  error
}

func startServe(t *testing.T, gateway string, args ...string) *serveProc {
	t.Helper()
	argv := append([]string{"serve", "-g", gateway, "--listen", "127.0.0.1:0"}, args...)
	p := &serveProc{cmd: exec.Command(authlabBin(t), argv...), out: &syncBuffer{}, err: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1")
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.err
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	m := p.waitStderr(t, regexp.MustCompile(`listening on (http://\S+)`), 30*time.Second)
	p.base = m[1]
	return p
}

// waitStderr waits until stderr matches re and returns the submatches.
func (p *serveProc) waitStderr(t *testing.T, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindStringSubmatch(p.err.String()); m != nil {
			return m
		}
		select {
		case <-p.exited:
			t.Fatalf("authlab serve exited (%v) before printing %q; stderr:\n%s", p.waitErr, re, p.err.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q on stderr after %s; stderr:\n%s", re, within, p.err.String())
		}
	}
}

// stop sends SIGTERM, waits for the exit, and fails the test on a data race.
func (p *serveProc) stop(t *testing.T) {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
			t.Errorf("authlab serve did not stop on SIGTERM; stderr:\n%s", p.err.String())
		}
	}
	if strings.Contains(p.err.String(), "WARNING: DATA RACE") {
		t.Errorf("data race in authlab serve:\n%s", p.err.String())
	}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// saveAtomically replaces a file the way editors do: a new file renamed over it.
func saveAtomically(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp~"
	writeFile(t, tmp, content)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// fakeLambda is an http-runtime TOKEN authorizer: Bearer allow-USER allows
// everything with context {user}, Bearer deny-USER denies, anything else
// throws Unauthorized. It counts calls per token.
type fakeLambda struct {
	delay time.Duration
	mu    sync.Mutex
	calls map[string]int
}

func newFakeLambda(t *testing.T, delay time.Duration) (*fakeLambda, string) {
	f := &fakeLambda{delay: delay, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev struct {
		Token string `json:"authorizationToken"`
	}
	_ = json.NewDecoder(r.Body).Decode(&ev)
	f.mu.Lock()
	f.calls[ev.Token]++
	f.mu.Unlock()
	time.Sleep(f.delay)
	policy := func(effect, user string) string {
		return fmt.Sprintf(`{"principalId":%q,"policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":%q,"Action":"execute-api:Invoke","Resource":"*"}]},"context":{"user":%q}}`, user, effect, user)
	}
	switch tok := strings.TrimPrefix(ev.Token, "Bearer "); {
	case strings.HasPrefix(tok, "allow-"):
		io.WriteString(w, policy("Allow", strings.TrimPrefix(tok, "allow-")))
	case strings.HasPrefix(tok, "deny-"):
		io.WriteString(w, policy("Deny", strings.TrimPrefix(tok, "deny-")))
	default:
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		io.WriteString(w, `{"errorMessage":"Unauthorized"}`)
	}
}

func (f *fakeLambda) count(token string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[token]
}

func (f *fakeLambda) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// upstream is a backend that remembers what reached it.
type upstream struct {
	delay   time.Duration
	hits    atomic.Int64
	mu      sync.Mutex
	last    http.Header
	started chan struct{} // receives once per request, when not full
}

func newUpstream(t *testing.T, delay time.Duration) (*upstream, string) {
	u := &upstream{delay: delay, started: make(chan struct{}, 1)}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	return u, srv.URL
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.hits.Add(1)
	u.mu.Lock()
	u.last = r.Header.Clone()
	u.last.Set("Host", r.Host)
	u.mu.Unlock()
	select {
	case u.started <- struct{}{}:
	default:
	}
	select {
	case <-time.After(u.delay):
	case <-r.Context().Done():
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"path":%q,"user":%q,"body":%q}`, r.URL.Path, r.Header.Get("X-User"), body)
}

func (u *upstream) lastHeader() http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.last
}

func get(t *testing.T, url string, header ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header[header[i]] = append(req.Header[header[i]], header[i+1])
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// spellingLambda is a REQUEST authorizer that allows only when the event's
// headers are spelled exactly "authorization" and "x-TENANT".
func spellingLambda(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Headers map[string]string `json:"headers"`
		}
		_ = json.NewDecoder(r.Body).Decode(&ev)
		_, lower := ev.Headers["authorization"]
		_, mixed := ev.Headers["x-TENANT"]
		if !lower || !mixed {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorMessage":"Unauthorized"}`)
			return
		}
		io.WriteString(w, `{"principalId":"p","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestServeAuthorizes(t *testing.T) {
	t.Parallel()
	lambda, lambdaURL := newFakeLambda(t, 0)
	up, upURL := newUpstream(t, 0)
	gw := writeFile(t, filepath.Join(t.TempDir(), "authlab.yaml"), fmt.Sprintf(`
version: 1
name: e2e
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 300s
    function: {runtime: http, url: %s/invoke, timeout: 2s}
  req:
    type: aws-request
    identitySource: [header:Authorization]
    ttl: 0
    function: {runtime: http, url: %s, timeout: 2s}
routes:
  - path: /orders/{id}
    authorizer: tok
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"], ifExists: OVERWRITE}]
    backend: {url: %s}
  - path: /spelling
    authorizer: req
    backend: {echo: true}
`, lambdaURL, spellingLambda(t), upURL))
	p := startServe(t, gw)

	t.Run("allowed, client header overwritten, forwarded headers", func(t *testing.T) {
		status, body, _ := get(t, p.base+"/orders/42", "Authorization", "Bearer allow-alice",
			"X-User", "mallory", "Connection", "X-Hop", "X-Hop", "secret")
		if status != 200 || !strings.Contains(body, `"user":"alice"`) {
			t.Fatalf("got %d %s, want 200 from the upstream with X-User alice", status, body)
		}
		h := up.lastHeader()
		if got := h.Values("X-User"); len(got) != 1 || got[0] != "alice" {
			t.Errorf("upstream X-User = %q, want only alice (ALL-1)", got)
		}
		if h.Get("X-Hop") != "" {
			t.Errorf("a header named in Connection reached the upstream: %q", h.Get("X-Hop"))
		}
		if h.Get("X-Forwarded-For") != "127.0.0.1" || h.Get("X-Forwarded-Proto") != "http" ||
			h.Get("X-Forwarded-Host") != strings.TrimPrefix(p.base, "http://") {
			t.Errorf("X-Forwarded-*: For=%q Proto=%q Host=%q", h.Get("X-Forwarded-For"), h.Get("X-Forwarded-Proto"), h.Get("X-Forwarded-Host"))
		}
		if ua := h.Get("User-Agent"); strings.Contains(ua, "resty") {
			t.Errorf("the proxy invented a User-Agent: %q", ua)
		}
	})

	t.Run("cached", func(t *testing.T) {
		status, _, _ := get(t, p.base+"/orders/7", "Authorization", "Bearer allow-alice")
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		if n := lambda.count("Bearer allow-alice"); n != 1 {
			t.Errorf("authorizer called %d times for one token, want 1 (AWS-C2)", n)
		}
		p.waitStderr(t, regexp.MustCompile(`GET /orders/7 → 200 .* tok cached  principal alice`), 30*time.Second)
	})

	t.Run("refused", func(t *testing.T) {
		before := up.hits.Load()
		for _, c := range []struct {
			token  string
			status int
			body   string
		}{
			{"", 401, `{"message":"Unauthorized"}`},
			{"Bearer deny-bob", 403, "explicit deny"},
			{"Bearer who-knows", 401, `{"message":"Unauthorized"}`},
		} {
			var hdr []string
			if c.token != "" {
				hdr = []string{"Authorization", c.token}
			}
			status, body, _ := get(t, p.base+"/orders/42", hdr...)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Errorf("token %q: got %d %s, want %d with %s", c.token, status, body, c.status, c.body)
			}
		}
		if up.hits.Load() != before {
			t.Errorf("a refused request reached the upstream")
		}
		p.waitStderr(t, regexp.MustCompile(`✗ identity: .*\[AWS-I1\]`), 30*time.Second)
	})

	t.Run("header names reach the function as the client spelled them", func(t *testing.T) {
		if status, body, _ := get(t, p.base+"/spelling", "authorization", "Bearer x", "x-TENANT", "acme"); status != 200 {
			t.Errorf("got %d %s, want 200: the event's headers should be spelled authorization and x-TENANT", status, body)
		}
		if status, _, _ := get(t, p.base+"/spelling", "Authorization", "Bearer x", "X-Tenant", "acme"); status != 401 {
			t.Errorf("got %d, want 401: the event's headers should be spelled Authorization and X-Tenant", status)
		}
	})
}

func TestServeStreamsUpstreamBodies(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		io.WriteString(w, "data: second\n\n")
	}))
	t.Cleanup(srv.Close)
	gw := writeFile(t, filepath.Join(t.TempDir(), "gw.yaml"), fmt.Sprintf(`
version: 1
routes:
  - path: /events
    backend: {url: %s}
`, srv.URL))
	p := startServe(t, gw)
	resp, err := http.Get(p.base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make(chan string, 1)
	br := bufio.NewReader(resp.Body)
	go func() {
		line, _ := br.ReadString('\n')
		first <- line
	}()
	select {
	case line := <-first:
		if line != "data: first\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(time.Minute):
		t.Fatal("the first event did not arrive before the upstream finished: the body was buffered, not streamed")
	}
	close(release)
	rest, err := io.ReadAll(br)
	if err != nil || !strings.Contains(string(rest), "data: second") {
		t.Fatalf("rest of the stream: %q, %v", rest, err)
	}
}

func TestServeUpstreamFailures(t *testing.T) {
	t.Parallel()
	_, slowURL := newUpstream(t, time.Minute)
	dir := t.TempDir()
	routes := fmt.Sprintf(`
routes:
  - path: /down
    backend: {url: http://%s}
  - path: /slow
    backend: {url: %s, timeout: 200ms}
`, freePort(t), slowURL)
	aws := startServe(t, writeFile(t, filepath.Join(dir, "aws.yaml"), "version: 1\nplatform: aws\n"+routes), "--json")
	traces := filepath.Join(dir, "traces")
	oci := startServe(t, writeFile(t, filepath.Join(dir, "oci.yaml"), "version: 1\nplatform: oci\n"+routes), "--trace-dir", traces)

	for _, c := range []struct {
		p      *serveProc
		path   string
		status int
		body   string
	}{
		{aws, "/down", 500, `{"message": "Internal server error"}`},
		{aws, "/slow", 504, `{"message": "Endpoint request timed out"}`},
		{oci, "/down", 502, `"Bad Gateway"`},
		{oci, "/slow", 504, `"Gateway Timeout"`},
	} {
		start := time.Now()
		status, body, _ := get(t, c.p.base+c.path)
		if status != c.status || !strings.Contains(body, c.body) {
			t.Errorf("%s %s: got %d %s, want %d %s", c.p.cmd.Args[3], c.path, status, body, c.status, c.body)
		}
		if took := time.Since(start); took >= time.Minute {
			t.Errorf("%s took the upstream's whole minute (%s): the upstream timeout did not answer", c.path, took)
		}
	}
	p := oci
	p.waitStderr(t, regexp.MustCompile(`GET /down → 502 .*\n    ✗ backend: upstream unreachable`), 30*time.Second)

	// --trace-dir: one file per request, named by time and request id.
	p.waitStderr(t, regexp.MustCompile(`GET /slow → 504`), 30*time.Second)
	files, err := os.ReadDir(traces)
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^\d{8}T\d{6}\.\d{9}Z-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$`)
	if len(files) != 2 {
		t.Fatalf("%d trace files, want 2", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(traces, f.Name()))
		var doc struct {
			RequestID string `json:"requestId"`
			Stages    []any  `json:"stages"`
		}
		if err != nil || json.Unmarshal(b, &doc) != nil || !name.MatchString(f.Name()) ||
			!strings.Contains(f.Name(), doc.RequestID) || len(doc.Stages) == 0 {
			t.Errorf("trace file %s (%v):\n%s", f.Name(), err, b)
		}
	}

	// --json: one parseable document per request on stderr (contract §1),
	// among the text notices, saying why.
	deadline := time.Now().Add(5 * time.Second)
	var docs []map[string]any
	for time.Now().Before(deadline) {
		docs = docs[:0]
		for _, line := range strings.Split(strings.TrimSpace(aws.err.String()), "\n") {
			if !strings.HasPrefix(line, "{") {
				continue
			}
			var d map[string]any
			if err := json.Unmarshal([]byte(line), &d); err != nil {
				t.Fatalf("--json line does not parse: %v\n%s", err, line)
			}
			docs = append(docs, d)
		}
		if len(docs) == 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(docs) != 2 {
		t.Fatalf("want 2 JSON lines, got %d:\n%s", len(docs), aws.err.String())
	}
	why := map[string]string{"/down": "upstream unreachable", "/slow": "upstream timed out"}
	for _, d := range docs {
		path := d["request"].(map[string]any)["path"].(string)
		var backendSummary string
		for _, s := range d["stages"].([]any) {
			if st := s.(map[string]any); st["stage"] == "backend" {
				backendSummary, _ = st["summary"].(string)
			}
		}
		if !strings.Contains(backendSummary, why[path]) || d["stageStatus"].(map[string]any)["backend"] != "fail" {
			t.Errorf("%s: backend stage says %q, want %q", path, backendSummary, why[path])
		}
		if _, ok := d["durationNs"].(float64); !ok {
			t.Errorf("%s: no durationNs in %v", path, d)
		}
	}
}

func TestServeAuthorizerTimeout(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); srv.Close() })
	gw := writeFile(t, filepath.Join(t.TempDir(), "gw.yaml"), fmt.Sprintf(`
version: 1
authorizers:
  stuck:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: http, url: %s, timeout: 300ms}
routes:
  - path: /orders/{id}
    authorizer: stuck
    backend: {echo: true}
`, srv.URL))
	p := startServe(t, gw)
	// The authorizer never answers: the 500 and the log's "timed out" are
	// the proof the 300 ms timeout answered, whatever the machine's load.
	status, body, h := get(t, p.base+"/orders/1", "Authorization", "Bearer allow-alice")
	if status != 500 || body != `{"message":null}` || h.Get("X-Amzn-Errortype") != "AuthorizerConfigurationException" {
		t.Errorf("got %d %s %v, want AWS-R4's 500 {\"message\":null}", status, body, h)
	}
	p.waitStderr(t, regexp.MustCompile(`✗ authorizer: .*timed out`), 30*time.Second)
}

func TestServeReloadUnderTraffic(t *testing.T) {
	t.Parallel()
	slow, slowURL := newUpstream(t, 400*time.Millisecond)
	gwText := func(version string) string {
		return fmt.Sprintf(`version: 1
name: reload
routes:
  - path: /v
    backend: {stock: {status: 200, body: %s}}
  - path: /slow
    backend: {url: %s}
`, version, slowURL)
	}
	gw := writeFile(t, filepath.Join(t.TempDir(), "gw.yaml"), gwText("v1"))
	p := startServe(t, gw)

	var (
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		failures atomic.Int64
		requests atomic.Int64
		seen     sync.Map // body → true
	)
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(p.base + "/v")
				if err != nil {
					failures.Add(1)
					t.Errorf("request failed during reload: %v", err)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				if resp.StatusCode != 200 {
					failures.Add(1)
					t.Errorf("status %d during reload: %s", resp.StatusCode, b)
				}
				seen.Store(string(b), true)
			}
		}()
	}
	waitSeen := func(body string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if _, ok := seen.Load(body); ok {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("never served %q; stderr:\n%s", body, p.err.String())
	}
	waitSeen("v1")

	// A request in flight on the old configuration finishes on it.
	inflight := make(chan int, 1)
	go func() {
		resp, err := client.Get(p.base + "/slow")
		if err != nil {
			inflight <- 0
			return
		}
		resp.Body.Close()
		inflight <- resp.StatusCode
	}()
	<-slow.started
	saveAtomically(t, gw, gwText("v2"))
	waitSeen("v2")
	if status := <-inflight; status != 200 {
		t.Errorf("the request in flight during the reload got %d, want 200", status)
	}

	// An invalid edit is reported at its line and column; v2 keeps serving.
	writeFile(t, gw, "version: 1\nroutes:\n  - path: /v\n    backend: {stok: {}}\n")
	p.waitStderr(t, regexp.MustCompile(`gw\.yaml:4:\d+: .*\n(.|\n)*not reloaded; the previous configuration keeps serving`), 30*time.Second)
	seen.Delete("v2")
	waitSeen("v2")
	close(stop)
	wg.Wait()
	if _, ok := seen.Load(""); ok {
		t.Error("served an empty body: a half-written file was loaded")
	}
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of %d requests failed during reloads", n, requests.Load())
	}
	t.Logf("%d requests during two reloads, none failed", requests.Load())
}

func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	slow, slowURL := newUpstream(t, 700*time.Millisecond)
	gw := writeFile(t, filepath.Join(t.TempDir(), "gw.yaml"), fmt.Sprintf(`
version: 1
routes:
  - path: /slow
    backend: {url: %s}
`, slowURL))
	p := startServe(t, gw)
	result := make(chan string, 1)
	go func() {
		resp, err := http.Get(p.base + "/slow")
		if err != nil {
			result <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		result <- fmt.Sprintf("%d %s", resp.StatusCode, b)
	}()
	<-slow.started
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := <-result; !strings.HasPrefix(got, "200 ") {
		t.Errorf("the request in flight at SIGTERM got %q, want 200", got)
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
	if p.waitErr != nil {
		t.Errorf("exit: %v, want 0; stderr:\n%s", p.waitErr, p.err.String())
	}
	if !strings.Contains(p.err.String(), "authlab serve: stopped") {
		t.Errorf("stderr:\n%s", p.err.String())
	}
}

func TestServeBadInput(t *testing.T) {
	t.Parallel()
	gw := writeFile(t, filepath.Join(t.TempDir(), "gw.yaml"), `
version: 1
routes:
  - path: /{p+}
    backend: {echo: true}
`)
	p := startServe(t, gw, "--max-body-size", "1KiB", "--max-header-bytes", "2KiB", "--read-header-timeout", "300ms")
	addr := strings.TrimPrefix(p.base, "http://")

	t.Run("body over the limit", func(t *testing.T) {
		resp, err := http.Post(p.base+"/upload", "text/plain", strings.NewReader(strings.Repeat("x", 4096)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
		// Without Content-Length the limit applies while reading.
		resp, err = http.Post(p.base+"/upload", "text/plain", io.MultiReader(strings.NewReader(strings.Repeat("x", 4096))))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("chunked: status %d, want 413", resp.StatusCode)
		}
		p.waitStderr(t, regexp.MustCompile(`POST /upload → 413 .*over 1KiB`), 30*time.Second)
	})

	raw := func(t *testing.T, send string) string {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(time.Minute))
		if _, err := io.WriteString(c, send); err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(c)
		return string(b)
	}
	t.Run("malformed request", func(t *testing.T) {
		if got := raw(t, "NOT HTTP AT ALL\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.1 400") {
			t.Errorf("got %q, want a 400", got)
		}
	})
	t.Run("headers over the limit", func(t *testing.T) {
		big := "GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("y", 16<<10) + "\r\n\r\n"
		if got := raw(t, big); !strings.HasPrefix(got, "HTTP/1.1 431") {
			t.Errorf("got %.60q, want a 431", got)
		}
	})
	t.Run("slow client", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /x HTTP/1.1\r\nHost: a\r\n") // and never the blank line
		// Our own deadline is a watchdog: the server must hang up first
		// (end of file), after its 300 ms --read-header-timeout.
		_ = c.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := io.ReadAll(c); err != nil {
			t.Errorf("a client that never finished its headers kept the connection: %v", err)
		}
	})
	t.Run("still serving", func(t *testing.T) {
		if status, _, _ := get(t, p.base+"/ok"); status != 200 {
			t.Errorf("status %d after bad input", status)
		}
	})
}

// TestServeLoad runs concurrent clients over a few identities: every
// request succeeds and the authorizer is called once per identity, however
// many requests miss the cache at the same time. AUTHLAB_SERVE_LOAD=20s runs
// it with 200 connections for that long.
func TestServeLoad(t *testing.T) {
	t.Parallel()
	conns, dur := 32, 700*time.Millisecond
	if v := os.Getenv("AUTHLAB_SERVE_LOAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("AUTHLAB_SERVE_LOAD=%q: %v", v, err)
		}
		conns, dur = 200, d
	}
	const keys = 20
	lambda, lambdaURL := newFakeLambda(t, 30*time.Millisecond)
	_, upURL := newUpstream(t, 0)
	gw := writeFile(t, filepath.Join(t.TempDir(), "gw.yaml"), fmt.Sprintf(`
version: 1
authorizers:
  tok:
    type: aws-token
    identitySource: header:Authorization
    ttl: 3600s
    function: {runtime: http, url: %s, timeout: 3s}
routes:
  - path: /orders/{id}
    authorizer: tok
    requestTransformations:
      setHeaders: [{name: X-User, values: ["${request.auth[user]}"]}]
    backend: {url: %s}
`, lambdaURL, upURL))
	p := startServe(t, gw)
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/orders/%d", p.base, i), nil)
				req.Header.Set("Authorization", fmt.Sprintf("Bearer allow-u%d", (c+i)%keys))
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, resp.Status)
					continue
				}
				ok.Add(1)
			}
		}(c)
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d requests failed (first: %v)", n, firstErr.Load())
	}
	for k := 0; k < keys; k++ {
		if n := lambda.count(fmt.Sprintf("Bearer allow-u%d", k)); n != 1 {
			t.Errorf("identity u%d: authorizer called %d times, want 1", k, n)
		}
	}
	t.Logf("%d connections, %s: %d requests, %.0f req/s, %d failed, %d authorizer calls for %d identities",
		conns, dur, ok.Load(), float64(ok.Load())/dur.Seconds(), failed.Load(), lambda.total(), keys)
}
