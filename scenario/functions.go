package scenario

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
)

// handlerFunc is the FUNCTION part of a FILE:FUNCTION handler.
var handlerFunc = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]*$`)

// WorkerFunctions builds python, node and process functions as warm
// workers (runtime.NewWorkerFunction), resolving the file's relative paths
// against the gateway's folder as contract §2 says. It is the default
// engine.FunctionFactory of a run.
var WorkerFunctions engine.FunctionFactory = workerFunction

func workerFunction(name string, g *config.Gateway, f *config.Function, maxResponse int) (runtime.Function, error) {
	spec := runtime.Spec{
		Name: name, Runtime: f.Runtime, Env: f.Env, Timeout: f.TimeoutValue(),
		Pool: f.Pool, MaxResponse: maxResponse, Command: f.Command,
	}
	if f.Dir != "" {
		spec.Dir = g.Abs(f.Dir)
	} else if f.Runtime == "process" {
		// A command's relative paths are the gateway file's, not those of
		// wherever authlab was started.
		spec.Dir = g.Dir
	}
	if f.Handler != "" {
		file, fn := f.Handler, ""
		if i := strings.LastIndex(f.Handler, ":"); i >= 0 && handlerFunc.MatchString(f.Handler[i+1:]) {
			file, fn = f.Handler[:i], f.Handler[i+1:]
		}
		spec.Handler = filepath.Clean(g.Abs(file))
		if fn != "" {
			spec.Handler += ":" + fn
		}
	}
	if a := g.Authorizer(name); a != nil && a.Type == "huawei" {
		spec.ContextFlavor = "functiongraph"
	}
	return runtime.NewWorkerFunction(spec)
}
