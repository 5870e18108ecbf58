package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/clock"
	"github.com/authlab/authlab/engine/config"
	// A gateway may be a SAM template, OpenAPI file, serverless.yml ...:
	// the importer translates it when config loads it (issue 17).
	_ "github.com/authlab/authlab/engine/importer"
	"github.com/authlab/authlab/fixtures"
)

// Session is the TUI's state outside any pane: the gateway file, the
// engine running it, the virtual clock, and what was fired. Panes read it;
// only the root model changes it, on the Bubble Tea goroutine.
type Session struct {
	// Path is the gateway file; "" runs the embedded demo.
	Path string
	// Clock is the engine's virtual time: it moves only with + and a, so
	// cache TTLs and token expiry can be fast-forwarded.
	Clock *clock.Virtual
	Start time.Time
	// Flushes counts cache flushes: a saved scenario cannot replay them.
	Flushes int
	// Engine runs the last valid gateway; nil while none has loaded.
	Engine *engine.Engine
	// Gateway is the configuration the engine runs.
	Gateway *config.Gateway
	// Problems are the diagnostics of the last load when it failed: the
	// engine (if any) still runs the previous configuration.
	Problems *config.Diagnostics
	// LoadErr is the last load's error (nil when it succeeded).
	LoadErr error
	// Generation counts successful loads; history entries remember theirs.
	Generation int
	History    []*Entry
	Minted     []MintedToken
	Reveal     bool

	opts engine.Options
	// tokens are the sources of the tokens the picker and the workbench
	// minted, by token, so a saved scenario names them (noteToken).
	tokens map[string]TokenSource
}

// Entry is one fired request and what came back.
type Entry struct {
	N          int
	Spec       RequestSpec
	Result     *engine.Result
	At         time.Time // virtual time when it was fired
	Generation int
	Cancelled  bool
	Flushes    int  // the session's flush count when it was fired
	Kept       bool // read from a trace file, not fired here
}

// MintedToken is a token made in the workbench, offered by the token picker.
type MintedToken struct {
	Label string
	Token string
}

// NewSession prepares a session; Load reads the gateway.
func NewSession(path string, start time.Time, opts engine.Options) *Session {
	clk := clock.NewVirtual(start)
	opts.Clock = clk
	return &Session{Path: path, Clock: clk, Start: start, opts: opts}
}

// Name is how the gateway is named in the header.
func (s *Session) Name() string {
	if s.Gateway != nil && s.Gateway.Name != "" {
		return s.Gateway.Name
	}
	if s.Path == "" {
		return "demo"
	}
	return filepath.Base(s.Path)
}

// FileLabel is the gateway file as shown to the user.
func (s *Session) FileLabel() string {
	if s.Path == "" {
		return fixtures.DemoName
	}
	return s.Path
}

// Load reads the gateway file (or the demo) and swaps it into the engine.
// An invalid file changes nothing but Problems: the engine keeps running
// the previous configuration, as `serve` does.
func (s *Session) Load() error {
	g, err := s.Parse()
	if err != nil {
		return err
	}
	return s.Install(g)
}

// Parse reads and checks the gateway file (or the demo) without running
// it; a failure is recorded as Load records it.
func (s *Session) Parse() (*config.Gateway, error) {
	var (
		g     *config.Gateway
		diags *config.Diagnostics
		err   error
	)
	if s.Path == "" {
		g, diags, err = config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	} else {
		g, diags, err = config.LoadFile(s.Path)
	}
	if err != nil {
		s.fail(err, diags)
		return nil, err
	}
	return g, nil
}

// fail records a load that failed: the engine (if any) keeps running the
// previous configuration.
func (s *Session) fail(err error, diags *config.Diagnostics) {
	s.LoadErr = err
	s.Problems = nil
	if diags != nil && diags.HasErrors() {
		s.Problems = diags
	}
}

// Install swaps a parsed gateway into the engine (starting the engine on
// the first load).
func (s *Session) Install(g *config.Gateway) error {
	if s.Engine == nil {
		e, err := engine.New(g, s.opts)
		if err != nil {
			s.LoadErr = fmt.Errorf("%s: %w", s.FileLabel(), err)
			return s.LoadErr
		}
		s.Engine = e
	} else if err := s.Engine.Reload(g); err != nil {
		s.LoadErr = fmt.Errorf("%s: %w", s.FileLabel(), err)
		return s.LoadErr
	}
	s.Gateway, s.Problems, s.LoadErr = g, nil, nil
	s.Generation++
	return nil
}

// ProblemText is the last load's error as the CLI prints it: file:line:col,
// the source line and a caret for each problem.
func (s *Session) ProblemText() string {
	if s.Problems != nil {
		return s.Problems.Format(false)
	}
	if s.LoadErr != nil {
		return s.LoadErr.Error() + "\n"
	}
	return ""
}

// FirstProblem is the first error of the last load and how many more
// there are, for the banner and the status line.
func (s *Session) FirstProblem() (string, int) {
	if s.Problems != nil {
		if errs := s.Problems.Errors(); len(errs) > 0 {
			return errs[0].String(), len(errs) - 1
		}
	}
	if s.LoadErr != nil {
		return s.LoadErr.Error(), 0
	}
	return "", 0
}

// Close stops the engine's function workers.
func (s *Session) Close() {
	if s.Engine != nil {
		_ = s.Engine.Close()
	}
}

// Advance moves the virtual clock.
func (s *Session) Advance(d time.Duration) { s.Clock.Advance(d) }

// Elapsed is how far the virtual clock has moved since the start.
func (s *Session) Elapsed() time.Duration { return s.Clock.Now().Sub(s.Start) }

// fire runs one request off the UI goroutine; ctx cancels it (Esc).
func (s *Session) fire(ctx context.Context, seq int, spec RequestSpec) (run func() firedMsg, err error) {
	if s.Engine == nil {
		return nil, errors.New("no gateway is loaded: fix the gateway file first (! shows its problems)")
	}
	req, err := spec.Build()
	if err != nil {
		return nil, err
	}
	e, at, gen, flushes := s.Engine, s.Clock.Now(), s.Generation, s.Flushes
	if spec.SigV4 != "" {
		// Signed last, over the request as sent, at the virtual clock.
		if err := engine.SignRequest(ctx, e.Config(), req, spec.SigV4, at); err != nil {
			return nil, fmt.Errorf("sigv4: %w", err)
		}
	}
	return func() firedMsg {
		res := e.Do(ctx, req)
		return firedMsg{Seq: seq, Entry: &Entry{Spec: spec, Result: res, At: at, Generation: gen, Flushes: flushes, Cancelled: ctx.Err() != nil}}
	}, nil
}

// record appends a finished request to the history.
func (s *Session) record(e *Entry) {
	e.N = len(s.History) + 1
	s.History = append(s.History, e)
}
