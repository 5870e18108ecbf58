package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/limits"
	"github.com/authlab/authlab/engine/reload"
	"github.com/authlab/authlab/scenario"
)

// RunOptions are run's flags and inputs.
type RunOptions struct {
	IO       *IO
	Paths    []string
	JUnit    string
	JSON     bool
	Parallel int
	Run      string
	Shard    string
	FailFast bool
	Reveal   bool
	Verbose  bool
	Watch    bool
	// LookupEnv answers ${env.NAME}; nil reads the process environment.
	LookupEnv func(string) (string, bool)
	// Elapsed measures stage durations; tests pass a zero function for
	// stable output.
	Elapsed func(time.Time) time.Duration
}

func newRunCmd(io *IO) *cobra.Command {
	o := &RunOptions{IO: io}
	c := &cobra.Command{
		Use:   "run [PATH]...",
		Short: "Replay scenario files headless and check every expectation (for CI)",
		Long: `run replays scenario files: each request goes through a fresh gateway engine
on a virtual clock, and every expectation of its step is checked. A directory
means every *.yaml / *.yml under it, recursively, that has a top-level steps:
key (gateway files next to scenarios are left alone); no PATH means the
current directory.

Each scenario has its own engine — cache, call counts, function workers — so
scenarios never affect each other, whatever --parallel or --shard do. Steps
of a scenario run in order; after a failed step the rest of that scenario is
not run (it builds on the failed step's state).

A failed step prints each expectation that failed, expected against actual
(a diff for bodies and header sets), and the full stage trace of its request.
The last lines are the summary: "N passed, M failed" (request steps) alone
on its line, then the number of scenarios and the time taken.

Exit code: 0 all passed, 1 a step failed, 2 a file is invalid (every problem
is printed as file:line:col before any step runs).

--watch runs the scenarios again each time a scenario file (or a new one
under a folder given), a gateway file or a file a gateway names (handlers,
keys, JWKS) changes, until Ctrl-C; the exit status is the last run's.

In GitHub Actions (GITHUB_ACTIONS=true) each failed step and each error of
an invalid file is also printed on stderr as an ::error workflow command,
which GitHub shows as an annotation on the scenario file's line.`,
		Example: `  authlab run scenarios/                       # every scenario under scenarios/
  authlab run --junit report.xml scenarios/    # JUnit XML for the CI's test tab
  authlab run --run 'cache' -v scenarios/      # scenarios or steps whose name matches
  authlab run --shard 2/4 scenarios/           # job 2 of 4: a quarter of the files
  authlab run --json orders.yaml | jq '.scenarios[].steps[] | select(.status=="failed")'
  authlab run --watch scenarios/                # again on every save of a scenario, gateway or handler`,
		RunE: func(c *cobra.Command, args []string) error {
			o.Paths = args
			ctx := c.Context()
			if o.Watch {
				var stop context.CancelFunc
				ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
				defer stop()
			}
			return runRun(ctx, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.JUnit, "junit", "", "also write a JUnit XML report to FILE")
	f.BoolVar(&o.JSON, "json", false, "print the report as JSON instead of text")
	f.IntVar(&o.Parallel, "parallel", runtime.NumCPU(), "scenarios replayed at once (steps of a scenario stay in order)")
	f.StringVar(&o.Run, "run", "", "only scenarios or steps whose name (or 'scenario/step') matches REGEX")
	f.StringVar(&o.Shard, "shard", "", "run only part K of N of the files (K/N, e.g. 1/3), split deterministically")
	f.BoolVar(&o.FailFast, "fail-fast", false, "stop at the first failed step")
	f.BoolVar(&o.Reveal, "reveal", false, "show tokens and identity values in full in traces")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "list every step, not only failed ones")
	f.BoolVarP(&o.Watch, "watch", "w", false, "run again whenever a scenario, gateway, handler or key file changes (Ctrl-C stops)")
	return c
}

func runRun(ctx context.Context, o *RunOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Watch {
		return runWatch(ctx, o)
	}
	_, err := runScenarios(ctx, o)
	return err
}

// runScenarios is one run. It returns the files the run read — scenario
// files, and the gateway files and the files they name (handlers, keys) —
// which a watch follows.
func runScenarios(ctx context.Context, o *RunOptions) (read []string, err error) {
	var filter *regexp.Regexp
	if o.Run != "" {
		re, err := regexp.Compile(o.Run)
		if err != nil {
			return nil, usageError("--run: %v", err)
		}
		filter = re
	}
	paths := o.runPaths()
	for _, p := range paths {
		if gatewayNotScenario(p) {
			return nil, usageError("%s is a gateway file; pass a scenario (a YAML file with steps: and gateway: %s) or a folder of them — 'authlab init' writes one, and the TUI saves its history as one", p, filepath.Base(p))
		}
	}
	files, err := scenario.Discover(paths)
	if err != nil {
		return nil, usageError("%v", err)
	}
	if len(files) == 0 {
		return nil, usageError("no scenario files (YAML with a top-level steps: key) under %v", paths)
	}
	if o.Shard != "" {
		sh, err := scenario.ParseShard(o.Shard)
		if err != nil {
			return nil, usageError("--shard: %v", err)
		}
		total := len(files)
		files = sh.Pick(files)
		if len(files) == 0 {
			fmt.Fprintf(o.IO.Err, "authlab: shard %s has no files (%d file(s) in all)\n", o.Shard, total)
			return nil, nil
		}
	}
	read = append(read, files...)
	scs, err := loadScenarios(o, files)
	if err != nil {
		return read, err
	}
	for _, sc := range scs {
		read = append(read, reload.Files(sc.Gateway)...)
	}
	if len(scenario.Selected(scs, filter)) == 0 {
		// A typo in a CI filter must not turn the job green.
		return read, usageError("no scenario or step matches --run %q", o.Run)
	}
	return read, replayScenarios(ctx, o, scs, filter)
}

func (o *RunOptions) runPaths() []string {
	if len(o.Paths) == 0 {
		return []string{"."}
	}
	return o.Paths
}

// runWatch runs the scenarios, then again each time a scenario file (one
// added under a folder given included), a gateway file or a file a gateway
// names changes, until ctx ends (Ctrl-C). A run that fails, or does not
// load, is reported and the watch goes on; the exit status is the last
// run's.
func runWatch(ctx context.Context, o *RunOptions) error {
	var roots []string
	for _, p := range o.runPaths() {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			roots = append(roots, p)
		}
	}
	watched := map[string]bool{}
	var w *reload.PathWatcher
	defer func() {
		if w != nil {
			w.Close()
		}
	}()
	for {
		read, err := runScenarios(ctx, o)
		var ee *ExitError
		if err != nil && !(errors.As(err, &ee) && (ee.Silent || ee.Err == nil)) {
			fmt.Fprintln(o.IO.Err, "authlab:", err)
		}
		// Files of earlier runs stay watched: a gateway that no longer
		// loads is what the next save will fix.
		for _, f := range read {
			watched[f] = true
		}
		files := make([]string, 0, len(watched))
		for f := range watched {
			files = append(files, f)
		}
		sort.Strings(files)
		if w == nil {
			if w, err = reload.WatchPaths(files, roots, reload.Options{}); err != nil {
				return fmt.Errorf("--watch: %w", err)
			}
		} else {
			w.Set(files, roots)
		}
		fmt.Fprintf(o.IO.Err, "authlab: watching %d file(s)%s for changes; Ctrl-C stops\n", len(files), rootsText(roots))
		// Already reported: on leaving, only the status is the last run's.
		last := &ExitError{Code: exitCode(err), Silent: true}
		if err == nil {
			last = nil
		}
		select {
		case <-ctx.Done():
			return last
		case changed, ok := <-w.Changes():
			if !ok {
				return last
			}
			names := make([]string, len(changed))
			for i, c := range changed {
				names[i] = relPath(c)
			}
			fmt.Fprintf(o.IO.Out, "\n── %s changed: running again ──\n\n", strings.Join(names, ", "))
		}
	}
}

func rootsText(roots []string) string {
	if len(roots) == 0 {
		return ""
	}
	return " and the scenarios under " + strings.Join(roots, ", ")
}

// relPath shows a path relative to the working directory when it is under it.
func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// loadScenarios loads every file; any invalid file stops the run before a
// step runs, with every problem of every file printed (exit 2).
func loadScenarios(o *RunOptions, files []string) ([]*scenario.Scenario, error) {
	all := &config.Diagnostics{}
	var scs []*scenario.Scenario
	for _, f := range files {
		sc, diags, err := scenario.LoadFile(f, scenario.LoadOptions{Getenv: o.LookupEnv})
		if diags != nil {
			all.Merge(diags)
		}
		if err != nil {
			if diags == nil || !diags.HasErrors() {
				all.List = append(all.List, config.Diagnostic{File: f, Line: 1, Col: 1, Severity: config.SevError, Message: err.Error()})
			}
			continue
		}
		scs = append(scs, sc)
	}
	if !all.HasErrors() {
		return scs, nil
	}
	// Scenarios sharing a broken gateway file would repeat its errors.
	seen := map[config.Diagnostic]bool{}
	uniq := all.List[:0]
	for _, d := range all.List {
		if !seen[d] {
			seen[d] = true
			uniq = append(uniq, d)
		}
	}
	all.List = uniq
	all.Reveal = o.Reveal
	var errs []config.Diagnostic // as shown: secrets abbreviated unless --reveal
	for _, d := range all.Shown() {
		if d.Severity == config.SevError {
			errs = append(errs, d)
		}
	}
	if o.JUnit != "" {
		if err := writeJUnit(o.JUnit, scenario.JUnitInvalid(errs)); err != nil {
			return nil, err
		}
	}
	if gh, ok := o.github(); ok {
		if err := scenario.WriteGitHubDiagnostics(o.IO.Err, all.Shown(), gh); err != nil {
			return nil, err
		}
	}
	if o.JSON {
		if err := scenario.WriteJSON(o.IO.Out, &scenario.JSONReport{Scenarios: []scenario.JSONScenario{}, Errors: errs}); err != nil {
			return nil, err
		}
	} else {
		fmt.Fprint(o.IO.Err, all.Format(false))
	}
	return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%d error(s) in scenario files; no step was run", len(errs))}
}

func replayScenarios(ctx context.Context, o *RunOptions, scs []*scenario.Scenario, filter *regexp.Regexp) error {
	text := scenario.TextOptions{Color: o.IO.Color(), Reveal: o.Reveal, Verbose: o.Verbose}
	var writeErr error
	opts := scenario.Options{Parallel: o.Parallel, FailFast: o.FailFast, Filter: filter, Elapsed: o.Elapsed}
	if !o.JSON {
		opts.OnResult = func(r *scenario.ScenarioResult) {
			if err := scenario.WriteScenario(o.IO.Out, r, text); err != nil && writeErr == nil {
				writeErr = err
			}
		}
	}
	rep := scenario.Run(ctx, scs, opts)
	if writeErr != nil {
		return writeErr
	}
	if gh, ok := o.github(); ok {
		// On stderr: stdout stays the report (--json included); the
		// runner reads workflow commands from both.
		if err := scenario.WriteGitHubAnnotations(o.IO.Err, rep, gh); err != nil {
			return err
		}
	}
	if o.JUnit != "" {
		if err := writeJUnit(o.JUnit, scenario.JUnit(rep, o.Reveal)); err != nil {
			return err
		}
	}
	var err error
	if o.JSON {
		err = scenario.WriteJSON(o.IO.Out, scenario.NewJSONReport(rep, o.Reveal))
	} else {
		err = scenario.WriteSummary(o.IO.Out, rep, text)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		c := rep.Counts()
		return &ExitError{Code: ExitFailed, Silent: true, Err: fmt.Errorf("%d step(s) failed", c.Failed)}
	}
	return nil
}

// gatewayNotScenario reports a file (not a folder) that is a gateway file:
// no top-level steps:, a top-level routes:.
func gatewayNotScenario(path string) bool {
	info, err := os.Stat(path)
	if err != nil || info.IsDir() {
		return false
	}
	src, err := limits.ReadFile(path, "scenario file", limits.MaxConfigBytes)
	if err != nil {
		return false
	}
	return !scenario.IsScenario(src) && topLevelKey(src, "routes")
}

func writeJUnit(path string, doc *scenario.JUnitSuites) error {
	f, err := os.Create(path)
	if err != nil {
		return usageError("--junit: %v", err)
	}
	if err := doc.WriteXML(f); err != nil {
		f.Close()
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	return nil
}

// github reports whether the run is a GitHub Actions step (GITHUB_ACTIONS
// is "true"), where failed steps are also printed as ::error annotations.
func (o *RunOptions) github() (scenario.GitHubOptions, bool) {
	if o.IO.Getenv == nil || o.IO.Getenv("GITHUB_ACTIONS") != "true" {
		return scenario.GitHubOptions{}, false
	}
	return scenario.GitHubOptions{Reveal: o.Reveal, Workspace: o.IO.Getenv("GITHUB_WORKSPACE")}, true
}
