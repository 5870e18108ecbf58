// Command bench measures authlab serve as a whole process against the
// anchors a user would otherwise run, in one run, with one load generator:
//
//	go run ./bench                      # builds authlab from this checkout
//	go run ./bench -authlab PATH -c 32 -d 6s -passes 2
//
// It starts one backend and, in front of it, each setup below as a process
// of its own, then drives each in turn with the same keep-alive load (this
// process, -c connections, -d per pass after -warmup) and prints req/s, p50
// and p99 per setup and pass, then each setup's req/s as a ratio to the
// bare proxy of the same run and to its own anchor. Everything listens on
// 127.0.0.1, on free ports.
//
//	proxy                bare Go httputil.ReverseProxy: the limit for a Go proxy
//	proxy+jwt            the same proxy verifying an HS256 JWT with golang-jwt on every request
//	proxy+2py            the same proxy asking one of 2 warm python3 workers (JSON lines, py/authz.py)
//	nginx-auth_request   nginx auth_request to a Go HTTP authorizer (when nginx is on the PATH)
//	authlab-cache-hit    authlab serve, aws-token authorizer, every request a cache hit
//	authlab-jwt          authlab serve, built-in jwt authorizer, HS256, the same secret
//	authlab-python-ttl0  authlab serve, Python Lambda authorizer (py/lambda_authz.py), ttl 0, pool 2
//
// The machine is shared by everything measured: compare ratios within one
// run, never absolute req/s across runs.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const secret = "bench-secret-0123456789abcdef"

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "backend", "proxy", "authz":
			serveRole(os.Args[1], os.Args[2:])
			return
		}
	}
	run()
}

// ---- the measured setups ----

type setup struct {
	id     string
	anchor string // the row this one is judged against besides the bare proxy
	url    string
}

func run() {
	authlab := flag.String("authlab", "", "authlab binary (default: built from this checkout)")
	conns := flag.Int("c", 32, "keep-alive connections")
	dur := flag.Duration("d", 6*time.Second, "measured time per setup and pass")
	warm := flag.Duration("warmup", time.Second, "unmeasured load before each measurement")
	passes := flag.Int("passes", 2, "passes over all setups")
	only := flag.String("only", "", "comma-separated setup ids to run (proxy always runs)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "authlab-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	here := benchDir()
	if *authlab == "" {
		*authlab = filepath.Join(dir, "authlab")
		build := exec.Command("go", "build", "-o", *authlab, "./cmd/authlab")
		build.Dir = filepath.Dir(here)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			log.Fatalf("building authlab: %v", err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}

	var procs procSet
	defer procs.stop()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	go func() { <-ctx.Done(); procs.stop(); os.Exit(130) }()

	want := func(id string) bool {
		return *only == "" || id == "proxy" || slices.Contains(strings.Split(*only, ","), id)
	}
	backendAddr := freeAddr()
	backend := "http://" + backendAddr
	procs.start(dir, "backend", self, "backend", "-listen", backendAddr)
	var setups []setup
	add := func(id, anchor string, addr string, argv ...string) {
		if !want(id) {
			return
		}
		procs.start(dir, id, argv[0], argv[1:]...)
		setups = append(setups, setup{id: id, anchor: anchor, url: "http://" + addr + "/x"})
	}
	a := freeAddr()
	add("proxy", "", a, self, "proxy", "-mode", "none", "-listen", a, "-backend", backend)
	a = freeAddr()
	add("proxy+jwt", "", a, self, "proxy", "-mode", "jwt", "-listen", a, "-backend", backend)
	python := lookPath("python3")
	if python != "" {
		a = freeAddr()
		add("proxy+2py", "", a, self, "proxy", "-mode", "worker", "-workers", "2", "-py", filepath.Join(here, "py", "authz.py"), "-listen", a, "-backend", backend)
	}
	if nginx := lookPath("nginx"); nginx != "" && want("nginx-auth_request") {
		authzAddr := freeAddr()
		procs.start(dir, "authz", self, "authz", "-listen", authzAddr)
		a = freeAddr()
		conf := writeNginxConf(dir, a, backendAddr, authzAddr)
		add("nginx-auth_request", "", a, nginx, "-p", filepath.Join(dir, "nginx")+"/", "-c", conf)
	}
	gateway := func(name string) string {
		b, err := os.ReadFile(filepath.Join(here, "gateways", name))
		if err != nil {
			log.Fatal(err)
		}
		s := strings.NewReplacer("BACKEND", backend, "SECRET", secret, "PYDIR", filepath.Join(here, "py")).Replace(string(b))
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			log.Fatal(err)
		}
		return p
	}
	a = freeAddr()
	add("authlab-cache-hit", "nginx-auth_request", a, *authlab, "serve", "-g", gateway("cache-hit.yaml"), "--listen", a)
	a = freeAddr()
	add("authlab-jwt", "proxy+jwt", a, *authlab, "serve", "-g", gateway("jwt.yaml"), "--listen", a)
	if python != "" {
		a = freeAddr()
		add("authlab-python-ttl0", "proxy+2py", a, *authlab, "serve", "-g", gateway("python.yaml"), "--listen", a)
	}

	token := mint()
	for _, s := range setups {
		if err := waitUp(s.url, token); err != nil {
			procs.stop()
			log.Fatalf("%s: %v (its output is below)\n%s", s.id, err, procs.output(s.id))
		}
	}

	fmt.Printf("authlab process-level benchmark: %d connections, %s per setup and pass, %d passes, %d CPUs\n\n",
		*conns, *dur, *passes, runtime.NumCPU())
	fmt.Println("| pass | setup | req/s | p50 ms | p99 ms | errors |")
	fmt.Println("|---:|---|---:|---:|---:|---:|")
	sum := map[string]float64{}
	for p := 1; p <= *passes; p++ {
		for _, s := range setups {
			r := load(s.url, token, *conns, *warm, *dur)
			if r.errors == 0 {
				sum[s.id] += r.rps
			}
			fmt.Printf("| %d | %s | %.0f | %.2f | %.2f | %d |\n", p, s.id, r.rps, r.p50, r.p99, r.errors)
		}
	}
	fmt.Println()
	fmt.Println("Summed over the passes (a pass with errors counts 0):")
	fmt.Println()
	fmt.Println("| setup | req/s | ratio to proxy | ratio to its anchor |")
	fmt.Println("|---|---:|---:|---|")
	for _, s := range setups {
		anchor := ""
		if s.anchor != "" && sum[s.anchor] > 0 {
			anchor = fmt.Sprintf("%.2fx %s", sum[s.id]/sum[s.anchor], s.anchor)
		}
		fmt.Printf("| %s | %.0f | %.2fx | %s |\n", s.id, sum[s.id]/float64(*passes), sum[s.id]/max(sum["proxy"], 1), anchor)
	}
}

// benchDir is this program's folder (its gateways and Python files).
func benchDir() string {
	_, file, _, ok := runtime.Caller(0)
	if ok {
		if _, err := os.Stat(filepath.Join(filepath.Dir(file), "gateways")); err == nil {
			return filepath.Dir(file)
		}
	}
	wd, _ := os.Getwd()
	for _, d := range []string{filepath.Join(wd, "bench"), wd} {
		if _, err := os.Stat(filepath.Join(d, "gateways")); err == nil {
			return d
		}
	}
	log.Fatal("run from the repository: go run ./bench")
	return ""
}

func lookPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}

// freeAddr is a loopback address with a port free right now.
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func mint() string {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "user-42", "iat": time.Now().Unix(), "exp": time.Now().Add(24 * time.Hour).Unix(),
	})
	s, err := t.SignedString([]byte(secret))
	if err != nil {
		log.Fatal(err)
	}
	return s
}

// waitUp waits until url answers 2xx with the token.
func waitUp(url, token string) error {
	var last error
	for range 150 {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
			err = errors.New(resp.Status)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not up: %v", last)
}

// ---- the load generator ----

type result struct {
	rps, p50, p99 float64
	errors        int64
}

// load drives url from conns keep-alive connections for warm (discarded)
// then dur.
func load(url, token string, conns int, warm, dur time.Duration) result {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	round := func(d time.Duration) ([]time.Duration, int64, time.Duration) {
		var errs atomic.Int64
		lat := make([][]time.Duration, conns)
		var wg sync.WaitGroup
		start := time.Now()
		end := start.Add(d)
		for i := range conns {
			wg.Go(func() {
				l := make([]time.Duration, 0, 4096)
				for time.Now().Before(end) {
					req, _ := http.NewRequest(http.MethodGet, url, nil)
					req.Header.Set("Authorization", "Bearer "+token)
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						errs.Add(1)
						time.Sleep(10 * time.Millisecond)
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode/100 != 2 {
						errs.Add(1)
						continue
					}
					l = append(l, time.Since(t0))
				}
				lat[i] = l
			})
		}
		wg.Wait()
		return slices.Concat(lat...), errs.Load(), time.Since(start)
	}
	if warm > 0 {
		round(warm)
	}
	all, errs, took := round(dur)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	return result{rps: float64(len(all)) / took.Seconds(), p50: pct(0.50), p99: pct(0.99), errors: errs}
}

// ---- child processes ----

type procSet struct {
	mu    sync.Mutex
	procs []*exec.Cmd
	logs  map[string]string
}

func (ps *procSet) start(dir, id, name string, args ...string) {
	// Not beside the gateway files: each authlab serve watches its gateway
	// file's folder, so every line another setup logged there woke the
	// idle authlab processes (6 to 19 % of a CPU each) while one was
	// measured, and put authlab 10 to 30 % low.
	logs := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		log.Fatal(err)
	}
	logPath := filepath.Join(logs, strings.ReplaceAll(id, "+", "-")+".log")
	f, err := os.Create(logPath)
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f // authlab writes a line per request, as a user's terminal or file gets
	cmd.SysProcAttr = ownGroup()
	if err := cmd.Start(); err != nil {
		log.Fatalf("%s: %v", id, err)
	}
	f.Close()
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.procs = append(ps.procs, cmd)
	if ps.logs == nil {
		ps.logs = map[string]string{}
	}
	ps.logs[id] = logPath
}

func (ps *procSet) output(id string) string {
	b, _ := os.ReadFile(ps.logs[id])
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// stop ends every child's process group (authlab's Python workers, nginx's
// workers) and waits for them.
func (ps *procSet) stop() {
	ps.mu.Lock()
	procs := ps.procs
	ps.procs = nil
	ps.mu.Unlock()
	for _, c := range procs {
		signalGroup(c.Process.Pid, false)
	}
	for _, c := range procs {
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			signalGroup(c.Process.Pid, true)
			<-done
		}
	}
}

// ---- the roles run as child processes ----

func serveRole(role string, args []string) {
	fs := flag.NewFlagSet(role, flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	backend := fs.String("backend", "", "backend URL (proxy)")
	mode := fs.String("mode", "none", "proxy: none | jwt | worker")
	workers := fs.Int("workers", 2, "proxy -mode worker: python3 workers")
	script := fs.String("py", "", "proxy -mode worker: the JSON-lines worker script")
	_ = fs.Parse(args)
	var h http.Handler
	switch role {
	case "backend":
		body := []byte(`{"ok":true,"msg":"hello"}`)
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if u := r.Header.Get("X-User"); u != "" {
				w.Header().Set("X-Seen-User", u)
			}
			_, _ = w.Write(body)
		})
	case "authz":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sub, ok := verify(r)
			if !ok {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("X-User", sub)
			w.WriteHeader(http.StatusOK)
		})
	case "proxy":
		h = newProxy(*backend, *mode, *workers, *script)
	}
	log.Fatal(http.ListenAndServe(*listen, h))
}

var parser = jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}))

// verify checks the request's HS256 bearer token with golang-jwt.
func verify(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	claims := jwt.MapClaims{}
	if _, err := parser.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil }); err != nil {
		return "", false
	}
	sub, _ := claims["sub"].(string)
	return sub, true
}

func newProxy(backend, mode string, workers int, script string) http.Handler {
	target, err := url.Parse(backend)
	if err != nil {
		log.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
	var authorize func(*http.Request) (string, bool, error)
	switch mode {
	case "none":
	case "jwt":
		authorize = func(r *http.Request) (string, bool, error) {
			sub, ok := verify(r)
			return sub, ok, nil
		}
	case "worker":
		pool := newPyPool(workers, script)
		authorize = func(r *http.Request) (string, bool, error) {
			tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			return pool.call(tok)
		}
	default:
		log.Fatalf("unknown proxy mode %q", mode)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("X-User")
		if authorize != nil {
			sub, ok, err := authorize(r)
			switch {
			case err != nil:
				http.Error(w, "authorizer error", http.StatusBadGateway)
				return
			case !ok:
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			r.Header.Set("X-User", sub)
		}
		rp.ServeHTTP(w, r)
	})
}

// pyPool is warm python3 workers speaking JSON lines on stdin/stdout.
type pyPool struct{ free chan *pyWorker }

type pyWorker struct {
	in  io.Writer
	out *bufio.Reader
}

func newPyPool(n int, script string) *pyPool {
	p := &pyPool{free: make(chan *pyWorker, n)}
	for range n {
		cmd := exec.Command("python3", script, "worker")
		cmd.Env = append(os.Environ(), "BENCH_SECRET="+secret)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			log.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		p.free <- &pyWorker{in: in, out: bufio.NewReader(out)}
	}
	return p
}

func (p *pyPool) call(token string) (string, bool, error) {
	w := <-p.free
	defer func() { p.free <- w }()
	line, _ := json.Marshal(map[string]string{"token": token})
	if _, err := w.in.Write(append(line, '\n')); err != nil {
		return "", false, err
	}
	answer, err := w.out.ReadBytes('\n')
	if err != nil {
		return "", false, err
	}
	var a struct {
		Allow bool   `json:"allow"`
		Sub   string `json:"sub"`
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		return "", false, err
	}
	return a.Sub, a.Allow, nil
}

// writeNginxConf writes nginx's configuration: auth_request to the Go
// authorizer at authz, proxy_pass to the backend, keep-alive both ways.
func writeNginxConf(dir, listen, backend, authz string) string {
	ng := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(ng, 0o755); err != nil {
		log.Fatal(err)
	}
	conf := strings.NewReplacer("DIR", ng, "LISTEN", listen, "BACKEND", backend, "AUTHZ", authz).Replace(`worker_processes 2;
daemon off;
pid DIR/nginx.pid;
error_log DIR/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path DIR/body;
    proxy_temp_path DIR/proxy;
    fastcgi_temp_path DIR/fcgi;
    uwsgi_temp_path DIR/uwsgi;
    scgi_temp_path DIR/scgi;
    upstream backend { server BACKEND; keepalive 64; }
    upstream authz   { server AUTHZ; keepalive 64; }
    server {
        listen LISTEN;
        keepalive_requests 1000000;
        location = /_authz {
            internal;
            proxy_pass http://authz/authorize;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header Authorization $http_authorization;
        }
        location / {
            auth_request /_authz;
            auth_request_set $authz_user $upstream_http_x_user;
            proxy_set_header X-User $authz_user;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://backend;
        }
    }
}
`)
	p := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		log.Fatal(err)
	}
	return p
}
