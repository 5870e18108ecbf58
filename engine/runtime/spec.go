package runtime

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Spec describes a function run by a warm worker: an unmodified Python or
// Node handler file, or any long-lived command speaking JSON lines.
type Spec struct {
	Name    string // the authorizer name, used in errors and as the default function name
	Runtime string // "python", "node" or "process"
	// Handler is "path/file.py:handler" (python, node). The part after the
	// last colon may be a dotted attribute path; it defaults to "handler".
	//
	// With ContextFlavor "oci" (Fn FDK handlers):
	//   - python: FUNCTION names the entry point as on Fn (`fdk func.py
	//     handler`), default "handler"; it is called handler(ctx, data).
	//   - node: FUNCTION may be omitted ("path/func.js"). The function the
	//     file registers with fdk.handle(fn) is what runs, as on OCI where the
	//     image runs the file and fdk.handle names the function; FUNCTION (if
	//     given) is then only a label. A file that registers nothing must
	//     export FUNCTION (default "handler"), called fn(input, ctx).
	//     A Handler that is itself an existing file is never split at a
	//     colon, so "C:\fns\func.js" keeps its drive letter.
	Handler string
	// Command is the process runtime's argv. A relative program or script path
	// is resolved against Dir.
	Command []string
	// Env is added to authlab's own environment (it wins on conflicts).
	Env map[string]string
	// Dir is the working directory: default the handler's folder (python,
	// node) or authlab's working directory (process).
	Dir string
	// Interpreter overrides "python3" / "node" (a name on PATH or a path);
	// the process runtime names its program in Command instead.
	Interpreter string
	Timeout     time.Duration // per call when the Invocation gives none; default DefaultTimeout
	Pool        int           // warm workers; default 1
	MaxResponse int           // bytes; default DefaultMaxResponse
	// ContextFlavor picks the platform environment variables the worker sees:
	// "lambda" (default: AWS_LAMBDA_FUNCTION_NAME, ...) or "functiongraph"
	// (RUNTIME_FUNC_NAME, ...). The handler's context object offers both
	// platforms' methods either way. The context's ARN uses AWS_REGION and
	// AWS_ACCOUNT_ID from Env when set.
	//
	// "oci" is the Fn FDK calling convention instead (OCI Functions, the OCI
	// API Gateway's authorizer functions): python handler(ctx, data) with
	// data an io.BytesIO of the event, `fdk` importable even when not
	// installed (a shim, used only if the real package cannot be imported),
	// a returned fdk.response.Response unwrapped to its response_data; node
	// fdk.handle(fn) from '@fnproject/fdk' (always the shim: the real FDK
	// would listen on a unix socket) with fn(input, ctx), input the parsed
	// event. The worker sees Fn's FN_APP_ID, FN_FN_ID, FN_APP_NAME,
	// FN_FN_NAME, FN_MEMORY, FN_FORMAT, FN_TYPE; ctx.Config() / ctx.config is
	// the worker's environment, so Env is the function's configuration.
	ContextFlavor string
	// UserData answers FunctionGraph's context.getUserData(key); keys missing
	// here fall back to Env, as FunctionGraph exposes its environment there.
	UserData map[string]string
}

// ErrLoad is wrapped when a worker cannot start: interpreter missing, handler
// file missing, function not exported, syntax error at import. It is a
// configuration error, not the function's answer.
var ErrLoad = errors.New("function cannot be loaded")

// ErrExited is wrapped when the worker process died during a call.
var ErrExited = errors.New("function process exited")

// initTimeout bounds a worker's start, as Lambda bounds its init phase.
const initTimeout = 10 * time.Second

var handlerName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$`)

// NewWorkerFunction checks spec and returns a Function backed by a pool of
// warm workers. No process starts until the first Invoke; problems that only
// an interpreter can see (syntax errors, a missing export) surface there as
// errors wrapping ErrLoad.
func NewWorkerFunction(spec Spec) (Function, error) {
	s, err := spec.normalize()
	if err != nil {
		name := spec.Name
		if name == "" {
			name = "(unnamed)"
		}
		return nil, fmt.Errorf("function %q: %w: %w", name, ErrLoad, err)
	}
	return newPool(s)
}

// resolved is a Spec with defaults applied and paths resolved.
type resolved struct {
	Spec
	file     string   // handler file (python, node), absolute
	function string   // handler attribute path
	argv     []string // what to exec
	watchDir string   // folder whose edits restart workers; "" = none
}

func (spec Spec) normalize() (*resolved, error) {
	r := &resolved{Spec: spec}
	if r.Timeout < 0 || r.Pool < 0 || r.MaxResponse < 0 {
		return nil, errors.New("timeout, pool and maxResponse must not be negative")
	}
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
	if r.Pool == 0 {
		r.Pool = 1
	}
	if r.MaxResponse == 0 {
		r.MaxResponse = DefaultMaxResponse
	}
	switch r.ContextFlavor {
	case "":
		r.ContextFlavor = "lambda"
	case "lambda", "functiongraph", "oci":
	default:
		return nil, fmt.Errorf("context flavor %q: want lambda, functiongraph or oci", r.ContextFlavor)
	}
	if r.Dir != "" {
		dir, err := filepath.Abs(r.Dir)
		if err != nil {
			return nil, fmt.Errorf("working directory: %w", err)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("working directory %s does not exist", dir)
		}
		r.Dir = dir
	}
	switch r.Runtime {
	case "python", "node":
		return r, r.handlerSpec()
	case "process":
		return r, r.processSpec()
	default:
		return nil, fmt.Errorf("runtime %q: want python, node or process", r.Runtime)
	}
}

func (r *resolved) handlerSpec() error {
	if r.Handler == "" {
		if r.Runtime == "node" && r.ContextFlavor == "oci" {
			return errors.New("node runtime needs a handler (FILE, or FILE:FUNCTION)")
		}
		return fmt.Errorf("%s runtime needs a handler (FILE:FUNCTION)", r.Runtime)
	}
	// A node Fn function need not name its FUNCTION: fdk.handle registers
	// it. "" tells the loop to take the registered function, else the
	// export "handler". A Handler that is an existing file is not split.
	fdkNode := r.Runtime == "node" && r.ContextFlavor == "oci"
	file, fn := r.Handler, "handler"
	if fdkNode {
		fn = ""
	}
	if i := strings.LastIndex(r.Handler, ":"); i >= 0 && !(fdkNode && isRegularFile(r.Handler)) {
		file, fn = r.Handler[:i], r.Handler[i+1:]
	}
	if (fn != "" || !fdkNode) && !handlerName.MatchString(fn) {
		return fmt.Errorf("handler %q: %q is not a function name (want FILE:FUNCTION)", r.Handler, fn)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("handler file: %w", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("handler file %s: %w", abs, err)
	}
	if st.IsDir() {
		return fmt.Errorf("handler file %s is a directory", abs)
	}
	r.file, r.function, r.watchDir = abs, fn, filepath.Dir(abs)
	if r.Dir == "" {
		r.Dir = r.watchDir
	}
	interp := r.Interpreter
	if interp == "" {
		interp = map[string]string{"python": "python3", "node": "node"}[r.Runtime]
	}
	path, err := exec.LookPath(interp)
	if err != nil {
		return fmt.Errorf("%s runtime needs %q on PATH: %w", r.Runtime, interp, err)
	}
	r.argv, err = loopArgv(r, path)
	return err
}

func (r *resolved) processSpec() error {
	if len(r.Command) == 0 || r.Command[0] == "" {
		return errors.New("process runtime needs a command")
	}
	if r.Dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("working directory: %w", err)
		}
		r.Dir = wd
	}
	r.argv = append([]string(nil), r.Command...)
	prog := r.argv[0]
	if strings.ContainsRune(prog, filepath.Separator) {
		abs := prog
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(r.Dir, prog)
		}
		if _, err := os.Stat(abs); err != nil {
			return fmt.Errorf("command %s: %w", prog, err)
		}
		r.argv[0] = abs
	} else {
		path, err := exec.LookPath(prog)
		if err != nil {
			return fmt.Errorf("command %q is not on PATH: %w", prog, err)
		}
		r.argv[0] = path
	}
	// Watch the folder of the script the command runs (the first argument
	// naming an existing file), so editing it restarts the worker.
	for _, arg := range r.argv {
		p := arg
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.Dir, p)
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && !isSystemPath(p) {
			r.watchDir = filepath.Dir(p)
			break
		}
	}
	return nil
}

func isRegularFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// isSystemPath keeps the interpreter's own folder (/usr/bin) out of watching.
func isSystemPath(p string) bool {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir != "" && filepath.Dir(p) == filepath.Clean(dir) {
			return true
		}
	}
	return false
}
