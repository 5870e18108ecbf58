package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/scenario"
)

// ValidateOptions are validate's flags and inputs.
type ValidateOptions struct {
	IO    *IO
	Files []string
	JSON  bool
	// Strict fails on warnings too (CI gates on lint).
	Strict bool
	// Reveal quotes secrets (HMAC secrets, URL passwords) in full.
	Reveal bool
	// NoLoad does not start the python and node handlers.
	NoLoad bool
	// loaded are the gateway files whose handlers were loaded already (a
	// folder of scenarios shares a gateway).
	loaded map[string]bool
}

func newValidateCmd(io *IO) *cobra.Command {
	o := &ValidateOptions{IO: io}
	c := &cobra.Command{
		Use:   "validate [FILE]...",
		Short: "Check gateway and scenario files: every error as file:line:col, plus risky-configuration warnings",
		Long: `validate reads each file and reports every problem it finds in one run —
unknown keys (with a suggestion), wrong types, unknown authorizers, invalid
regexes, durations and expressions, duplicate routes — each as file:line:col
with the line and a caret. It also warns about configurations that work but
surprise (lint), naming the semantics rule. A file with a top-level steps:
key is a scenario: it is checked with the gateway it loads.

Each python and node handler is loaded as its runtime will load it — the
Python import, the Node require or import — so a syntax error or a missing
module is reported at the handler's file and line now rather than as the
first request's 500. That runs the handlers' top-level code; --no-load
skips it.

Exit code: 0 when no file has errors (warnings allowed; with --strict a
warning fails too), 2 otherwise.`,
		Example: `  authlab validate                    # ./authlab.yaml
  authlab validate gateways/                   # every *.yaml under a folder
  authlab validate scenarios/orders.yaml      # the scenario and its gateway
  authlab validate --strict authlab.yaml       # fail CI on lint warnings too
  authlab validate authlab.yaml --json | jq '.[].diagnostics[]'`,
		RunE: func(c *cobra.Command, args []string) error {
			o.Files = args
			return runValidate(o)
		},
	}
	c.Flags().BoolVar(&o.JSON, "json", false, "print diagnostics as JSON")
	c.Flags().BoolVar(&o.Strict, "strict", false, "treat warnings as errors (exit 2)")
	c.Flags().BoolVar(&o.Reveal, "reveal", false, "quote secrets (HMAC secrets, URL passwords) in full")
	c.Flags().BoolVar(&o.NoLoad, "no-load", false, "do not load the python and node handlers (their top-level code does not run)")
	return c
}

type validateResult struct {
	File        string              `json:"file"`
	OK          bool                `json:"ok"`
	Diagnostics []config.Diagnostic `json:"diagnostics"`
}

func runValidate(o *ValidateOptions) error {
	files := o.Files
	if len(files) == 0 {
		ch, err := chooseGateway(o.IO, "")
		if err != nil {
			return err
		}
		if ch.Demo {
			return usageError("no files given, no ./authlab.yaml or ./authlab.yml here and no $%s", GatewayEnv)
		}
		files = []string{ch.Path}
	}
	files, err := expandYAML(files)
	if err != nil {
		return usageError("%v", err)
	}
	var results []validateResult
	failed := 0
	o.loaded = map[string]bool{}
	for _, f := range files {
		diags, err := o.loadAnyFile(f)
		r := validateResult{File: f, OK: err == nil, Diagnostics: []config.Diagnostic{}}
		red := redact.New(nil) // URL passwords in messages without a file
		if o.Reveal {
			red = nil
		}
		if diags != nil {
			diags.Reveal = o.Reveal
			r.Diagnostics = append(r.Diagnostics, diags.Shown()...)
		} else if err != nil {
			r.Diagnostics = append(r.Diagnostics, config.Diagnostic{File: f, Line: 0, Col: 0, Severity: config.SevError, Message: red.String(err.Error())})
		}
		if err != nil || (o.Strict && diags != nil && len(diags.Warnings()) > 0) {
			failed++
			r.OK = false
		}
		results = append(results, r)
		if o.JSON {
			continue
		}
		switch {
		case diags != nil && len(diags.List) > 0:
			fmt.Fprint(o.IO.Out, diags.Format(true))
			switch {
			case err == nil && o.Strict:
				fmt.Fprintf(o.IO.Out, "%s: %d warning(s), failing because of --strict\n", f, len(diags.Warnings()))
			case err == nil:
				fmt.Fprintf(o.IO.Out, "%s: ok (%d warning(s))\n", f, len(diags.Warnings()))
			}
		case err != nil:
			fmt.Fprintf(o.IO.Out, "%s: %s\n", f, red.Error(err))
		default:
			fmt.Fprintf(o.IO.Out, "%s: ok\n", f)
		}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	if failed > 0 {
		return &ExitError{Code: ExitUsage, Silent: true, Err: fmt.Errorf("%d of %d file(s) invalid", failed, len(files))}
	}
	return nil
}

// loadAnyFile checks a gateway file, or a scenario file (a top-level steps:
// key) together with the gateway it loads. A gateway is also compiled as
// serve and fire compile it (engine.Check: key files loaded, handlers
// resolved, no worker started), so validate refuses what they refuse.
func (o *ValidateOptions) loadAnyFile(f string) (*config.Diagnostics, error) {
	src, diags, err := config.ReadFile(f, "file")
	if diags != nil {
		return diags, err // over the size limit
	}
	if err == nil && scenario.IsScenario(src) {
		sc, diags, err := scenario.Load(f, src, scenario.LoadOptions{})
		if err == nil && sc.Gateway != nil {
			return o.loadHandlers(sc.Gateway, diags)
		}
		return diags, err
	}
	g, diags, err := config.LoadFile(f)
	if err != nil {
		return diags, err
	}
	if errs := engine.CheckAll(g, nil); len(errs) > 0 {
		if diags == nil {
			diags = &config.Diagnostics{}
		}
		diags.SetSource(g.File, g.Source)
		for _, ce := range errs {
			p, ok := g.PosOf(ce.Path)
			if !ok {
				p = config.Pos{Line: 1, Col: 1}
			}
			diags.Errorf(g.File, p, "%s", ce.Err)
		}
		diags.Sort()
		return diags, diags
	}
	return o.loadHandlers(g, diags)
}

// loadHandlers loads g's python and node handlers as their runtime will
// (engine.LoadHandlers), once per gateway file, so that a handler with a
// syntax or import error fails validate instead of the first request. The
// error is reported at the handler's file and line when the interpreter
// names them, else at the handler key of the gateway file.
func (o *ValidateOptions) loadHandlers(g *config.Gateway, diags *config.Diagnostics) (*config.Diagnostics, error) {
	if o.NoLoad || o.loaded[g.File] {
		return diags, nil
	}
	o.loaded[g.File] = true
	errs := engine.LoadHandlers(context.Background(), g)
	if len(errs) == 0 {
		return diags, nil
	}
	if diags == nil {
		diags = &config.Diagnostics{}
	}
	diags.SetSource(g.File, g.Source)
	for _, he := range errs {
		name := strings.TrimSuffix(strings.TrimPrefix(he.Path, "authorizers."), ".function.handler")
		at, ok := g.PosOf(he.Path)
		if !ok {
			at = config.Pos{Line: 1, Col: 1}
		}
		var le *runtime.LoadError
		if errors.As(he.Err, &le) && le.File != "" && le.Line > 0 {
			file := displayPath(le.File)
			if src, err := os.ReadFile(le.File); err == nil {
				diags.SetSource(file, src)
			}
			// The place is the diagnostic's: the message need not repeat
			// it, nor Node's require stack.
			what, _, _ := strings.Cut(le.Message, "\n")
			what = strings.TrimSuffix(what, fmt.Sprintf(" (%s:%d)", le.File, le.Line))
			what = strings.TrimSuffix(what, fmt.Sprintf(" (%s, line %d)", le.File, le.Line))
			if le.Type != "" {
				what = le.Type + ": " + what
			}
			if le.Hint != "" {
				what += " — " + le.Hint
			}
			diags.Errorf(file, config.Pos{Line: le.Line, Col: 1}, "the handler of authorizer %q does not load (%s:%d): %s", name, g.File, at.Line, what)
			continue
		}
		diags.Errorf(g.File, at, "authorizer %q: %s", name, he.Err)
	}
	diags.Sort()
	return diags, diags
}

// displayPath is p relative to the working directory when it is under it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// expandYAML replaces each folder by the *.yaml / *.yml files under it
// (hidden folders and node_modules skipped), in name order.
func expandYAML(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			out = append(out, p) // a missing file is reported with the others
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if ext := filepath.Ext(path); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
