package runtime

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Version managers (pyenv, asdf, mise, rbenv-style nodenv) put a script
// named python3 or node in a folder called "shims" first on PATH; it works
// out the version (.python-version, PYENV_VERSION, ...) and then execs the
// real interpreter. That costs 250 ms or more per start — more than the
// interpreter itself — and every worker start and restart pays it again.
// The shim's choice depends only on the nearest version file above the
// folder it runs in and on the version managers' environment, so authlab
// asks it once per (shim, version file's folder, environment) which
// interpreter it runs, and starts that one, with its
// folder first on PATH as the shim's exec would have. Only folders named
// "shims" are asked: any other wrapper script (one that runs the
// interpreter in a container, say) is started as it is.

var (
	shimAnswers sync.Map // key → *shimAnswer
	pythonName  = regexp.MustCompile(`^python[0-9.]*$`)
)

type shimAnswer struct {
	once sync.Once
	path string // "" when the shim did not name an interpreter
}

// shimProbe is how to ask an interpreter for its own executable; nil for
// a program authlab does not know how to ask.
func shimProbe(runtime, prog string) []string {
	base := filepath.Base(prog)
	switch {
	case runtime == "python" || runtime == "process" && pythonName.MatchString(base):
		return []string{"-c", "import sys; sys.stdout.write(sys.executable)"}
	case runtime == "node" || runtime == "process" && base == "node":
		return []string{"-e", "process.stdout.write(process.execPath)"}
	}
	return nil
}

// behindShim returns the interpreter a version manager's shim at prog runs
// in dir with env, or "" when prog is not such a shim or does not answer.
func behindShim(runtime, prog, dir string, env []string) string {
	if filepath.Base(filepath.Dir(prog)) != "shims" {
		return ""
	}
	probe := shimProbe(runtime, prog)
	if probe == nil {
		return ""
	}
	key := prog + "\x00" + versionRoot(dir) + "\x00" + strings.Join(managerEnv(env), "\x00")
	v, _ := shimAnswers.LoadOrStore(key, &shimAnswer{})
	a := v.(*shimAnswer)
	a.once.Do(func() { a.path = askShim(prog, probe, dir, env) })
	return a.path
}

func askShim(prog string, probe []string, dir string, env []string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, probe...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout = &limitWriter{w: &out, left: 4096} // a path, not a flood
	if err := cmd.Run(); err != nil {
		return ""
	}
	p := strings.TrimSpace(out.String())
	if !filepath.IsAbs(p) || filepath.Base(filepath.Dir(p)) == "shims" {
		return ""
	}
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		return ""
	}
	return p
}

// versionFiles are the names version managers look for, from the working
// folder up, to pick a version; without one they use the global choice.
var versionFiles = []string{
	".python-version", ".tool-versions", ".node-version", ".nvmrc",
	"mise.toml", ".mise.toml", "mise.local.toml", ".mise.local.toml",
	".mise", ".config", ".rtx.toml",
}

// versionRoot is the nearest folder at or above dir holding a version
// file, or "" when there is none: folders without one all get the global
// choice.
func versionRoot(dir string) string {
	for d := filepath.Clean(dir); ; {
		for _, name := range versionFiles {
			if _, err := os.Lstat(filepath.Join(d, name)); err == nil {
				return d
			}
		}
		// mise also reads mise.ENV.toml and friends. A folder name that
		// would read as a pattern counts as a root: asked once more, never
		// wrongly shared.
		if strings.ContainsAny(d, `*?[\`) {
			return d
		}
		if m, _ := filepath.Glob(filepath.Join(d, "*mise*")); len(m) > 0 {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}

// managerEnv is the part of env a version manager decides by: its own
// variables and PATH.
func managerEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		for _, p := range []string{"PYENV", "ASDF", "MISE", "RTX", "NODENV", "PATH", "HOME"} {
			if strings.HasPrefix(k, p) {
				out = append(out, kv)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// withPathFirst puts dir at the front of env's PATH, as a shim's exec does
// (so a handler that runs "python3" or "pip" gets the same version).
func withPathFirst(env []string, dir string) []string {
	out := make([]string, 0, len(env)+1)
	found := false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			kv, found = "PATH="+dir+string(os.PathListSeparator)+v, true
		}
		out = append(out, kv)
	}
	if !found {
		out = append(out, "PATH="+dir)
	}
	return out
}

// limitWriter keeps the first left bytes and drops the rest.
type limitWriter struct {
	w    *bytes.Buffer
	left int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	n := min(len(p), l.left)
	l.w.Write(p[:n])
	l.left -= n
	return len(p), nil
}
