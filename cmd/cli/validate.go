package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
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
	for _, f := range files {
		diags, err := loadAnyFile(f)
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
func loadAnyFile(f string) (*config.Diagnostics, error) {
	src, diags, err := config.ReadFile(f, "file")
	if diags != nil {
		return diags, err // over the size limit
	}
	if err == nil && scenario.IsScenario(src) {
		_, diags, err := scenario.Load(f, src, scenario.LoadOptions{})
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
	return diags, nil
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
