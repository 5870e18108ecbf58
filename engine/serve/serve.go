// Package serve runs a gateway engine as a real HTTP server (authlab
// serve): the gateway as an http.Handler, the server's limits and
// lifecycle, one log line (or JSON trace) per request, and live reload of
// the gateway and the files it names.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/reload"
)

// Options are the server's settings.
type Options struct {
	// Err receives the notices (start, reloads, shutdown) and each
	// request's line, or with JSON its trace as a JSON line.
	Err      io.Writer
	Listen   string
	JSON     bool
	Reveal   bool   // show tokens and identity values in full
	TraceDir string // keep each request's trace as a file here
	// Watch reloads the gateway when it or a file it names changes.
	Watch bool

	MaxBodySize    int64
	MaxHeaderBytes int64

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration

	Engine engine.Options
	// Ready, when set, is called with the bound address once the server
	// accepts connections (benchmarks listen on port 0).
	Ready func(addr net.Addr)
}

// Error is a failure Run reports: Usage when the inputs are wrong (the
// gateway does not compile, the trace folder cannot be made), else the
// server could not listen or stopped serving.
type Error struct {
	Usage bool
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// NewHandler is the gateway as an http.Handler: each request runs through
// the engine and is logged to o.Err. Header names keep the client's
// spelling only on a server Run starts.
func NewHandler(e *engine.Engine, o Options) (http.Handler, error) {
	reqLog, err := newRequestLog(o.Err, o.JSON, o.Reveal, o.TraceDir)
	if err != nil {
		return nil, err
	}
	return &handler{e: e, log: reqLog, maxBody: o.MaxBodySize}, nil
}

// Run serves g until ctx is cancelled (a signal), then shuts down
// gracefully and returns nil.
func Run(ctx context.Context, g *config.Gateway, o Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e, err := engine.New(g, o.Engine)
	if err != nil {
		return &Error{Usage: true, Err: fmt.Errorf("%s: %w", g.File, err)}
	}
	stopped := false
	defer func() {
		if !stopped {
			e.Close()
		}
	}()

	h, err := NewHandler(e, o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return &Error{Err: fmt.Errorf("serve: %w", err)}
	}
	addr := ln.Addr()
	srv := newHTTPServer(o, h)

	fmt.Fprintf(o.Err, "authlab serve: gateway %s (%s): %d routes, %d authorizers\n",
		nameOr(g.Name, "unnamed"), g.File, len(g.Routes), len(g.Authorizers))
	if w := exposureWarning(addr); w != "" {
		fmt.Fprintln(o.Err, w)
	}
	fmt.Fprintf(o.Err, "listening on http://%s (Ctrl-C to stop)\n", addr)

	var watchStop func()
	if o.Watch {
		watchStop, err = follow(e, g, o)
		if err != nil {
			fmt.Fprintf(o.Err, "authlab serve: not watching %s for changes: %v\n", g.File, err)
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
		return &Error{Err: fmt.Errorf("serve: %w", serveErr)}
	}
	fmt.Fprintf(o.Err, "authlab serve: shutting down: waiting up to %s for requests in flight\n", o.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Out of patience: cut the remaining connections rather than hang.
		_ = srv.Close()
		fmt.Fprintf(o.Err, "authlab serve: requests still running after %s were cut off\n", o.ShutdownTimeout)
	}
	stopped = true
	if err := e.Close(); err != nil {
		return fmt.Errorf("serve: stopping function workers: %w", err)
	}
	fmt.Fprintln(o.Err, "authlab serve: stopped")
	return nil
}

// follow subscribes the engine to live reload: each change that loads is
// swapped in without dropping requests in flight (caches start afresh, as
// after a redeploy); one that does not is reported as file:line:col and the
// previous configuration keeps serving. stop ends the watch and waits for a
// reload in progress.
func follow(e *engine.Engine, g *config.Gateway, o Options) (stop func(), err error) {
	w, err := reload.Watch(g.File, g, reload.Options{})
	if err != nil {
		return nil, err
	}
	r := &reloader{w: o.Err, e: e, path: g.File, reveal: o.Reveal}
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev := range w.Events() {
			ev.Done(r.apply(ev))
		}
	})
	return func() {
		w.Close()
		wg.Wait()
	}, nil
}

// reloader reports reload events and applies the changes to the engine.
type reloader struct {
	w    io.Writer
	e    *engine.Engine
	path string
	// reveal shows secrets in full in error messages (serve --reveal).
	reveal bool
}

// red abbreviates URL passwords in an error message unless --reveal.
func (r *reloader) red() *redact.Redactor {
	if r.reveal {
		return nil
	}
	return redact.New(nil)
}

func (r *reloader) apply(ev reload.Event) error {
	switch ev.Kind {
	case reload.WatchError:
		fmt.Fprintf(r.w, "authlab serve: watching %s: %v\n", r.path, ev.Err)
	case reload.Dropped:
		fmt.Fprintf(r.w, "authlab serve: %s is still changing; not loading a version of it that removes protection from route %s\n",
			r.path, ev.Removed[0].Route)
	case reload.Failed:
		if ev.Diags != nil {
			ev.Diags.Reveal = r.reveal
			fmt.Fprint(r.w, ev.Diags.Format(false))
		} else {
			fmt.Fprintf(r.w, "authlab serve: %s\n", r.red().Error(ev.Err))
		}
		fmt.Fprintf(r.w, "authlab serve: %s not reloaded; the previous configuration keeps serving\n", r.path)
	case reload.Changed:
		g := ev.Gateway
		if err := r.e.Reload(g); err != nil {
			fmt.Fprintf(r.w, "authlab serve: %s: %s\nauthlab serve: %s not reloaded; the previous configuration keeps serving\n", r.path, r.red().Error(err), r.path)
			return err
		}
		for _, rm := range ev.Removed {
			fmt.Fprintf(r.w, "authlab serve: WARNING: reloading %s removed protection: %s\n", r.path, rm)
		}
		if ev.Diags != nil {
			ev.Diags.Reveal = r.reveal
			fmt.Fprint(r.w, ev.Diags.Format(true))
		}
		fmt.Fprintf(r.w, "authlab serve: reloaded %s: %d routes, %d authorizers (caches start empty)\n",
			r.path, len(g.Routes), len(g.Authorizers))
	}
	return nil
}

// newHTTPServer applies serve's limits to a net/http server. Malformed
// requests get net/http's own 400; headers over the limit get 431; slow
// clients run into the read timeouts.
func newHTTPServer(o Options, h http.Handler) *http.Server {
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
		ErrorLog: log.New(o.Err, "authlab serve: ", 0),
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
