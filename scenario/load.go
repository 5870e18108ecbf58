package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	// A gateway may be a SAM template, OpenAPI file, serverless.yml ...:
	// the importer translates it when config loads it (issue 17).
	_ "github.com/authlab/authlab/engine/importer"
	"github.com/authlab/authlab/engine/jose"
)

// LoadOptions are what loading reads besides the file.
type LoadOptions struct {
	// Getenv answers ${env.NAME}; nil reads the process environment.
	// Injected so tests are hermetic.
	Getenv func(string) (string, bool)
	// Functions builds python / node / process runtimes when the loader
	// compiles the gateway once to prove it runs (see engine.Options);
	// nil means the engine's warm workers.
	Functions engine.FunctionFactory
}

// LoadFile reads and checks a scenario file. Diagnostics hold every problem
// of the scenario and of the gateway it loads, each at its file:line:col;
// err is those diagnostics when any is an error. A file over
// limits.MaxConfigBytes is refused before it is read whole.
func LoadFile(path string, o LoadOptions) (*Scenario, *config.Diagnostics, error) {
	src, diags, err := config.ReadFile(path, "scenario file")
	if err != nil {
		return nil, diags, err
	}
	return Load(path, src, o)
}

// Load checks a scenario file's bytes; file names it in messages and
// relative paths are resolved against its folder.
func Load(file string, src []byte, o LoadOptions) (*Scenario, *config.Diagnostics, error) {
	if o.Getenv == nil {
		o.Getenv = os.LookupEnv
	}
	src = config.Prepare(src)
	diags := &config.Diagnostics{}
	diags.SetSource(file, src)
	l := &loader{file: file, src: src, dir: filepath.Dir(file), diags: diags, opts: o,
		lines: strings.Split(string(src), "\n"), sc: &Scenario{File: file}}
	l.load()
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags, diags
	}
	return l.sc, diags, nil
}

// loader checks one file; every check reports into diags and goes on, so a
// user sees every problem of the file in one run.
type loader struct {
	file  string
	src   []byte
	dir   string // the scenario's folder, for relative paths
	diags *config.Diagnostics
	opts  LoadOptions
	lines []string
	// pos are the file's positions; sub holds those of values decoded on
	// their own (upstream mappings), by the same dotted paths.
	pos []*config.Positions
	f   File
	sc  *Scenario
	gw  *config.Gateway
	// vars and tokens are the resolved values; a token that failed to
	// mint is still declared, so references to it are not reported twice.
	vars   map[string]string
	tokens map[string]string
	// tokenKeys are the keys the tokens were signed with (probe steps
	// re-sign altered claims with them).
	tokenKeys map[string]*jose.Key
}

func (l *loader) load() {
	body := config.Document(l.file, l.src, l.diags, "scenario", "empty scenario file: expected a mapping with gateway and steps")
	if body == nil {
		return
	}
	l.pos = append(l.pos, config.Decode(l.file, body, &l.f, "", "the scenario file", l.diags))
	l.sc.Name = l.f.Name
	if l.sc.Name == "" {
		l.sc.Name = strings.TrimSuffix(filepath.Base(l.file), filepath.Ext(l.file))
	}
	l.clock()
	l.loadVars()
	l.loadGateway()
	l.loadTokens()
	l.loadSteps()
	l.tryEngine()
}

// at returns where the value (else the key) at path was written.
func (l *loader) at(path string) config.Pos {
	for _, p := range l.pos {
		if v, ok := p.Value(path); ok {
			return v
		}
	}
	return l.keyAt(path)
}

// keyAt returns where the key of path was written, else 1:1.
func (l *loader) keyAt(path string) config.Pos {
	for _, p := range l.pos {
		if v, ok := p.Key(path); ok {
			return v
		}
	}
	return config.Pos{Line: 1, Col: 1}
}

func (l *loader) errf(path, format string, a ...any) {
	l.diags.Errorf(l.file, l.at(path), format, a...)
}

func (l *loader) errKey(path, format string, a ...any) {
	l.diags.Errorf(l.file, l.keyAt(path), format, a...)
}

// errIn reports a problem with a part of the value at path (a reference
// inside a string): at that part when it is found on the value's lines,
// else at the value.
func (l *loader) errIn(path, part, format string, a ...any) {
	p := l.at(path)
	if part != "" {
		for ln := p.Line; ln <= len(l.lines) && ln < p.Line+50; ln++ {
			line := l.lines[ln-1]
			from := 0
			if ln == p.Line {
				from = min(max(p.Col-1, 0), len(line))
			}
			if i := strings.Index(line[from:], part); i >= 0 {
				p = config.Pos{Line: ln, Col: from + i + 1}
				break
			}
		}
	}
	l.diags.Errorf(l.file, p, format, a...)
}

func (l *loader) clock() {
	l.sc.Start = DefaultClock
	if l.f.Clock == "" {
		return
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, l.f.Clock); err == nil {
			l.sc.Start = t.UTC()
			return
		}
	}
	l.errf("clock", "clock %q: expected an RFC 3339 time such as 2026-01-01T00:00:00Z", l.f.Clock)
}

func (l *loader) loadVars() {
	l.vars = map[string]string{}
	sc := &scope{getenv: l.opts.Getenv, allowed: []string{nsEnv}}
	for _, k := range keys(l.f.Vars) {
		v, err := sc.render(l.f.Vars[k])
		if err != nil {
			l.errIn("vars."+k, err.Ref, "vars.%s: %s", k, err.Msg)
		}
		l.vars[k] = v
	}
}

// render resolves the references of the string at path; a bad one is
// reported at its place and the string comes back unresolved.
func (l *loader) render(sc *scope, path, s string) string {
	out, err := sc.render(s)
	if err != nil {
		l.errIn(path, err.Ref, "%s", err.Msg)
		return s
	}
	return out
}

// renderAny resolves references in every string of a YAML value.
func (l *loader) renderAny(sc *scope, path string, v any) any {
	switch t := v.(type) {
	case string:
		return l.render(sc, path, t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for _, k := range keys(t) {
			out[k] = l.renderAny(sc, path, t[k])
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = l.renderAny(sc, path, x)
		}
		return out
	}
	return v
}

func (l *loader) loadGateway() {
	n := l.f.Gateway
	if n == nil {
		return // reported by the decoder (required)
	}
	var (
		g     *config.Gateway
		diags *config.Diagnostics
		err   error
	)
	switch t := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		g, diags, err = config.LoadNode(l.file, l.src, t, l.absDir())
	case *ast.StringNode:
		path := t.Value
		if !filepath.IsAbs(path) {
			path = filepath.Join(l.dir, path)
		}
		if _, statErr := os.Stat(path); statErr != nil {
			l.errf("gateway", "gateway file %s: %v", t.Value, statErr)
			return
		}
		g, diags, err = config.LoadFile(path)
	default:
		l.errf("gateway", "gateway: expected a path to a gateway file or an inline gateway mapping")
		return
	}
	if diags != nil {
		l.diags.Merge(diags)
	}
	if err != nil {
		if diags == nil || !diags.HasErrors() {
			l.errf("gateway", "gateway: %v", err)
		}
		return
	}
	l.gw = g
	l.sc.Gateway = g
}

func (l *loader) absDir() string {
	abs, err := filepath.Abs(l.dir)
	if err != nil {
		return l.dir
	}
	return abs
}

// tryEngine compiles the gateway once, as each replay will, so a gateway
// the engine refuses is an invalid file (exit 2) before any step runs.
func (l *loader) tryEngine() {
	if l.gw == nil || l.diags.HasErrors() {
		return
	}
	e, err := engine.New(l.gw, engine.Options{Functions: l.opts.Functions})
	if err != nil {
		l.errf("gateway", "gateway: %v", err)
		return
	}
	e.Close()
}

func suggestName(got string, candidates []string) string {
	return config.Suggest(got, candidates)
}
