package runtime

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The runtime loops are passed to the interpreter with -c / -e, so the binary
// needs no writable cache folder and never runs a stale copy of a loop.

//go:embed loops/python_loop.py
var pythonLoop string

//go:embed loops/node_loop.js
var nodeLoop string

// loopConfig is what a loop needs to load the handler and shape the context.
type loopConfig struct {
	File        string            `json:"file"`
	Function    string            `json:"function"`
	Name        string            `json:"name"`
	Flavor      string            `json:"flavor"`
	MaxResponse int               `json:"maxResponse"`
	Memory      string            `json:"memory"`
	Region      string            `json:"region"`
	Account     string            `json:"account"`
	UserData    map[string]string `json:"userData"`
}

func loopArgv(r *resolved, interp string) ([]string, error) {
	userData := map[string]string{}
	for k, v := range r.Env {
		userData[k] = v
	}
	for k, v := range r.UserData {
		userData[k] = v
	}
	cfg := loopConfig{
		File:        r.file,
		Function:    r.function,
		Name:        r.functionName(),
		Flavor:      r.ContextFlavor,
		MaxResponse: r.MaxResponse,
		Memory:      envOr(r.Env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
		Region:      envOr(r.Env, "AWS_REGION", "us-east-1"),
		Account:     envOr(r.Env, "AWS_ACCOUNT_ID", "123456789012"),
		UserData:    userData,
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("loop config: %w", err)
	}
	if r.Runtime == "python" {
		// -u: print() reaches the log pipe before the answer is sent, so it
		// lands in the right call's logs. -B: no __pycache__ beside the
		// handler, which would look like an edit to the folder watcher.
		return []string{interp, "-u", "-B", "-c", pythonLoop, string(raw)}, nil
	}
	return []string{interp, "-e", nodeLoop, string(raw)}, nil
}

func (r *resolved) functionName() string {
	if r.Name != "" {
		return r.Name
	}
	base := filepath.Base(r.file)
	if r.file == "" && len(r.Command) > 0 {
		base = filepath.Base(r.Command[len(r.Command)-1])
	}
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// workerEnv is authlab's environment, then what the platform would set, then
// the function's own env: handlers see what they would see deployed, plus
// PATH and friends so local tools keep working.
func (r *resolved) workerEnv() []string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	name := r.functionName()
	switch {
	case r.Runtime == "process":
	case r.ContextFlavor == "functiongraph":
		env["RUNTIME_FUNC_NAME"] = name
		env["RUNTIME_FUNC_VERSION"] = "latest"
		env["RUNTIME_MEMORY"] = "128"
		env["RUNTIME_CODE_ROOT"] = filepath.Dir(r.file)
		env["RUNTIME_HANDLER"] = r.Handler
	case r.ContextFlavor == "oci":
		// What the Fn platform sets in an OCI function's container (the FDK
		// reads its context from these); the function's configuration
		// arrives as environment variables too, from Env below.
		env["FN_APP_NAME"] = "authlab"
		env["FN_FN_NAME"] = name
		env["FN_APP_ID"] = "ocid1.fnapp.oc1..authlab"
		env["FN_FN_ID"] = "ocid1.fnfunc.oc1..authlab-" + strings.ToLower(name)
		env["FN_MEMORY"] = "128"
		env["FN_FORMAT"] = "http-stream"
		env["FN_TYPE"] = "sync"
	default:
		env["AWS_LAMBDA_FUNCTION_NAME"] = name
		env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST"
		env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "128"
		env["LAMBDA_TASK_ROOT"] = filepath.Dir(r.file)
		env["_HANDLER"] = r.Handler
	}
	if r.Runtime == "python" {
		env["PYTHONDONTWRITEBYTECODE"] = "1"
		if _, ok := env["PYTHONIOENCODING"]; !ok {
			env["PYTHONIOENCODING"] = "utf-8"
		}
	}
	for k, v := range r.Env {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// envOr is what the worker will see for key: the function's env, then
// authlab's own, then def.
func envOr(env map[string]string, key, def string) string {
	if v := env[key]; v != "" {
		return v
	}
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
