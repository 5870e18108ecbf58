package cli

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/serve"
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

	MaxBodySize    serve.ByteSize
	MaxHeaderBytes serve.ByteSize

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

The gateway file is watched, and so are the files it names: handler and
command files, key and JWKS files, token keys and secrets. A valid edit is
loaded without dropping requests in flight (caches start afresh, as after a
redeploy); an invalid one is reported as file:line:col and the previous
configuration keeps serving.

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
	f.BoolVar(&o.NoWatch, "no-watch", false, "do not reload the gateway when it or a file it names changes")
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

// runServe loads the gateway and serves it until ctx is cancelled (a
// signal), then shuts down gracefully and returns nil.
func runServe(ctx context.Context, o *ServeOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	g, _, err := loadGateway(o.IO, o.Gateway)
	if err != nil {
		return err
	}
	opts := o.Engine
	opts.Workers = o.Workers
	tuneGC()
	err = serve.Run(ctx, g, serve.Options{
		Err: o.IO.Err, Listen: o.Listen, JSON: o.JSON, Reveal: o.Reveal, TraceDir: o.TraceDir,
		Watch:       !o.NoWatch && g.File != fixtures.DemoName,
		MaxBodySize: int64(o.MaxBodySize), MaxHeaderBytes: int64(o.MaxHeaderBytes),
		ReadHeaderTimeout: o.ReadHeaderTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		IdleTimeout: o.IdleTimeout, ShutdownTimeout: o.ShutdownTimeout,
		Engine: opts, Ready: o.Ready,
	})
	var se *serve.Error
	if errors.As(err, &se) {
		code := ExitFailed
		if se.Usage {
			code = ExitUsage
		}
		return &ExitError{Code: code, Err: se.Err}
	}
	return err
}

// tuneGC lets a serving process's heap grow to 5× what is live before the
// collector runs (GOGC=400) unless the user set GOGC. A gateway's live heap
// is a few megabytes, so at Go's default the collector ran every few
// hundred requests: under the shared bench's load, 25-48 % more requests
// per second for 12 MB more peak memory (25 → 37 MB).
func tuneGC() {
	if os.Getenv("GOGC") == "" { // the runtime reads an empty GOGC as unset too
		debug.SetGCPercent(400)
	}
}
