package cli

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/fixtures"
)

// ServeOptions are serve's flags and inputs.
type ServeOptions struct {
	IO       *IO
	Gateway  string
	Listen   string
	JSON     bool
	Reveal   bool
	TraceDir string
	Workers  int
	NoWatch  bool

	MaxBodySize    byteSize
	MaxHeaderBytes byteSize

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration

	// Engine options, injected by tests and benchmarks.
	Engine engine.Options
	// Ready, when set, is called with the bound address once the server
	// accepts connections (benchmarks listen on port 0).
	Ready func(addr net.Addr)
}

// Serve's defaults.
const (
	defaultListen         = "127.0.0.1:8080"
	defaultMaxBody        = 10 << 20 // API Gateway's payload limit
	defaultMaxHeaderBytes = 64 << 10
	reloadDebounce        = 150 * time.Millisecond
)

func newServeCmd(io *IO) *cobra.Command {
	o := &ServeOptions{IO: io, MaxBodySize: defaultMaxBody, MaxHeaderBytes: defaultMaxHeaderBytes}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway as a local HTTP server in front of your backend",
		Long: `serve runs the gateway engine as a real HTTP server: every request goes
through the same stages as fire — route, identity, cache, authorizer, policy,
transformations — and then to the route's backend, which for a url backend is
a reverse proxy with pooled keep-alive connections and streamed answers
(X-Forwarded-For, -Host and -Proto added, hop-by-hop headers dropped).

Each request prints one line on stderr: method, path, status, authorizer
called or cached, principal, duration, and the failing stage when refused.
--json prints the full trace of each request as one JSON line on stderr
instead; --trace-dir keeps every trace as a file.

The gateway file is watched: a valid edit is loaded without dropping
requests in flight (caches start afresh, as after a redeploy); an invalid one
is reported as file:line:col and the previous configuration keeps serving.
Edits to python / node handler files reach the next call by themselves.

Ctrl-C or SIGTERM stops accepting connections, lets requests in flight
finish (up to --shutdown-timeout), stops the function workers and exits 0.

serve is a development gateway: it listens on loopback unless told
otherwise, and warns when it is not.`,
		Example: `  # your gateway on http://127.0.0.1:8080, in front of the backend it names
  authlab serve -g authlab.yaml

  # another port, full traces as JSON lines for jq, and kept on disk
  authlab serve --listen 127.0.0.1:9090 --json --trace-dir traces 2>&1 | grep '^{' | jq '.response.status'

  # four warm workers per python / node / process authorizer, bigger uploads
  authlab serve --workers 4 --max-body-size 50MiB`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				// After the first signal a second one stops at once
				// (the default action) instead of waiting for requests.
				<-ctx.Done()
				stop()
			}()
			return runServe(ctx, o)
		},
	}
	gatewayFlag(c, &o.Gateway)
	f := c.Flags()
	f.StringVar(&o.Listen, "listen", defaultListen, "address to listen on (host:port; port 0 picks a free one)")
	f.BoolVar(&o.JSON, "json", false, "print each request's full trace as a JSON line on stderr (the document of fire --json, described in docs/trace.md)")
	f.BoolVar(&o.Reveal, "reveal", false, "show tokens and identity values in full in traces")
	f.StringVar(&o.TraceDir, "trace-dir", "", "write each request's full trace to a JSON file in `DIR`")
	f.IntVar(&o.Workers, "workers", 0, "warm workers per python / node / process authorizer whose file sets no pool (default 1)")
	f.BoolVar(&o.NoWatch, "no-watch", false, "do not reload the gateway file when it changes")
	f.Var(&o.MaxBodySize, "max-body-size", "largest request body accepted; larger ones get 413 (e.g. 10MiB, 512KB)")
	f.Var(&o.MaxHeaderBytes, "max-header-bytes", "largest request line and headers accepted; larger ones get 431")
	f.DurationVar(&o.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "time a client has to send the request line and headers")
	f.DurationVar(&o.ReadTimeout, "read-timeout", time.Minute, "time a client has to send a whole request, body included")
	f.DurationVar(&o.WriteTimeout, "write-timeout", 2*time.Minute, "time to answer a request, upstream included (0 = none)")
	f.DurationVar(&o.IdleTimeout, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
	f.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", 10*time.Second, "how long requests in flight may run after Ctrl-C")
	return c
}

// check rejects flag values that cannot work.
func (o *ServeOptions) check() error {
	switch {
	case o.Workers < 0:
		return usageError("--workers %d: must be 0 (the default) or more", o.Workers)
	case o.MaxBodySize <= 0:
		return usageError("--max-body-size must be positive")
	case o.MaxHeaderBytes <= 0:
		return usageError("--max-header-bytes must be positive")
	case o.ReadHeaderTimeout < 0 || o.ReadTimeout < 0 || o.WriteTimeout < 0 || o.IdleTimeout < 0 || o.ShutdownTimeout < 0:
		return usageError("timeouts must not be negative")
	}
	return nil
}

// runServe serves until ctx is cancelled (a signal), then shuts down
// gracefully and returns nil.
func runServe(ctx context.Context, o *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.check(); err != nil {
		return err
	}
	g, err := loadGateway(o.IO, o.Gateway)
	if err != nil {
		return err
	}
	opts := o.Engine
	opts.Workers = o.Workers
	e, err := newEngine(g, opts)
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			e.Close()
		}
	}()

	reqLog, err := newRequestLog(o.IO, o.JSON, o.Reveal, o.TraceDir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("serve: %w", err)}
	}
	addr := ln.Addr()
	srv := newHTTPServer(o, &gatewayHandler{e: e, log: reqLog, maxBody: int64(o.MaxBodySize)})

	fmt.Fprintf(o.IO.Err, "authlab serve: gateway %s (%s): %d routes, %d authorizers\n",
		nameOr(g.Name, "unnamed"), g.File, len(g.Routes), len(g.Authorizers))
	if w := exposureWarning(addr); w != "" {
		fmt.Fprintln(o.IO.Err, w)
	}
	fmt.Fprintf(o.IO.Err, "listening on http://%s (Ctrl-C to stop)\n", addr)

	var watchStop func()
	if !o.NoWatch && g.File != fixtures.DemoName {
		rl := &reloader{io: o.IO, e: e, path: g.File, last: g.Source, reveal: o.Reveal}
		warn := func(err error) { fmt.Fprintf(o.IO.Err, "authlab serve: watching %s: %v\n", g.File, err) }
		watchStop, err = watchGateway(g.File, reloadDebounce, rl.reload, warn)
		if err != nil {
			fmt.Fprintf(o.IO.Err, "authlab serve: not watching %s for changes: %v\n", g.File, err)
		}
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(nameListener{ln}) }()
	if o.Ready != nil {
		o.Ready(addr)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	if watchStop != nil {
		watchStop()
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("serve: %w", serveErr)}
	}
	fmt.Fprintf(o.IO.Err, "authlab serve: shutting down: waiting up to %s for requests in flight\n", o.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Out of patience: cut the remaining connections rather than hang.
		_ = srv.Close()
		fmt.Fprintf(o.IO.Err, "authlab serve: requests still running after %s were cut off\n", o.ShutdownTimeout)
	}
	stopped = true
	if err := e.Close(); err != nil {
		return fmt.Errorf("serve: stopping function workers: %w", err)
	}
	fmt.Fprintln(o.IO.Err, "authlab serve: stopped")
	return nil
}

// newHTTPServer applies serve's limits to a net/http server. Malformed
// requests get net/http's own 400; headers over the limit get 431; slow
// clients run into the read timeouts.
func newHTTPServer(o *ServeOptions, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    int(o.MaxHeaderBytes),
		ConnContext:       withSentNames,
		// net/http reports broken connections here; they are the client's
		// business, not a reason to alarm the user, but worth a line.
		ErrorLog: log.New(o.IO.Err, "authlab serve: ", 0),
	}
}

// exposureWarning warns when the address is reachable from other machines.
func exposureWarning(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok || ta.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("warning: listening on %s, which other machines can reach. authlab serve is a development\n"+
		"gateway: no TLS, authorizers that may be mocks, request details in its logs. Use --listen 127.0.0.1:PORT\n"+
		"unless you mean it.", addr)
}

func nameOr(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}
