package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/fixtures"
)

// DefaultGatewayFile is read when -g is not given.
const DefaultGatewayFile = "authlab.yaml"

// DefaultGatewayFiles are looked for, in order, when neither -g nor
// AUTHLAB_GATEWAY names a file.
var DefaultGatewayFiles = []string{DefaultGatewayFile, "authlab.yml"}

// GatewayEnv names the gateway file when -g is not given.
const GatewayEnv = "AUTHLAB_GATEWAY"

// gatewayFlag adds -g/--gateway.
func gatewayFlag(c *cobra.Command, p *string) {
	c.Flags().StringVarP(p, "gateway", "g", "", "gateway file (default $AUTHLAB_GATEWAY, else ./authlab.yaml or ./authlab.yml, else the embedded demo)")
}

// gatewayChoice is the file a command runs: Path, or the embedded demo
// (Demo) with Notice saying why, for stderr and --json.
type gatewayChoice struct {
	Path   string
	Demo   bool
	Notice string
}

// chooseGateway applies the rule: -g, else $AUTHLAB_GATEWAY, else
// ./authlab.yaml or ./authlab.yml, else the embedded demo. A file named by
// -g or the environment must exist; the demo comes with a notice, since a
// user whose file is gateway.yaml would otherwise get a puzzling 403.
func chooseGateway(io *IO, flag string) (gatewayChoice, error) {
	if flag != "" {
		return gatewayChoice{Path: flag}, nil
	}
	if env := getenv(io, GatewayEnv); env != "" {
		if _, err := os.Stat(env); err != nil {
			return gatewayChoice{}, usageError("%s=%s: %v", GatewayEnv, env, statText(err))
		}
		return gatewayChoice{Path: env}, nil
	}
	for _, name := range DefaultGatewayFiles {
		_, err := os.Stat(name)
		if err == nil {
			return gatewayChoice{Path: name}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return gatewayChoice{}, usageError("%v", err)
		}
	}
	return gatewayChoice{Demo: true, Notice: demoNotice(".")}, nil
}

// demoNotice says the demo runs because no gateway file was found, and
// names the YAML files of dir that look like gateway files.
func demoNotice(dir string) string {
	s := "no ./authlab.yaml (nor ./authlab.yml or $" + GatewayEnv + "): running the embedded demo gateway"
	if c := gatewayCandidates(dir); len(c) > 0 {
		return s + "; for " + c[0] + " pass -g " + c[0]
	}
	return s + "; pass -g FILE for yours"
}

// gatewayCandidates lists the YAML files of dir with top-level routes:
// and no steps: key (a scenario), in name order.
func gatewayCandidates(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || info.Size() > 1<<20 {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if topLevelKey(src, "routes") && !topLevelKey(src, "steps") {
			out = append(out, e.Name())
		}
		if len(out) == 10 {
			break
		}
	}
	sort.Strings(out)
	return out
}

// topLevelKey reports a line "key:" at the start of a line.
func topLevelKey(src []byte, key string) bool {
	for _, l := range bytes.Split(src, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(l, []byte(key)); ok && len(rest) > 0 && rest[0] == ':' {
			return true
		}
	}
	return false
}

func statText(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}

func getenv(io *IO, k string) string {
	if io == nil || io.Getenv == nil {
		return ""
	}
	return io.Getenv(k)
}

// loadGateway reads the gateway chooseGateway picks; running the demo
// says so on stderr. File errors are printed with carets and mapped to
// exit 2.
func loadGateway(io *IO, path string) (*config.Gateway, gatewayChoice, error) {
	ch, err := chooseGateway(io, path)
	if err != nil {
		return nil, ch, err
	}
	var (
		g     *config.Gateway
		diags *config.Diagnostics
	)
	if ch.Demo {
		fmt.Fprintln(io.Err, "authlab: note:", ch.Notice)
		g, diags, err = config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	} else {
		g, diags, err = config.LoadFile(ch.Path)
	}
	if err != nil {
		if diags != nil && diags.HasErrors() {
			fmt.Fprint(io.Err, diags.Format(false))
			return nil, ch, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%d error(s) in the gateway file", len(diags.Errors()))}
		}
		return nil, ch, &ExitError{Code: ExitUsage, Err: err}
	}
	if g.Translated != nil {
		fmt.Fprintf(io.Err, "authlab: %s read through authlab import (%s, %s; authlab import --print %s shows the translation)\n",
			g.File, g.Translated.Format, plural(len(g.Translated.Warnings), "import warning"), g.File)
	}
	return g, ch, nil
}

// newEngine builds an engine for a loaded gateway.
func newEngine(g *config.Gateway, opts engine.Options) (*engine.Engine, error) {
	e, err := engine.New(g, opts)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w", g.File, err)}
	}
	return e, nil
}
