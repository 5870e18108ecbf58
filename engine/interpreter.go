package engine

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"

	"github.com/authlab/authlab/engine/config"
)

// pythonInterpreter is the interpreter a python function runs under:
// python: on the function (a path relative to the gateway file, or a name
// on PATH), else the .venv beside the handler, else the .venv beside the
// gateway file, else "" (python3 on PATH). A project's dependencies are
// usually installed in such a .venv, which a worker started with the
// system python3 would not see.
func pythonInterpreter(g *config.Gateway, f *config.Function, handlerFile string) string {
	if f.Python != "" {
		if strings.ContainsAny(f.Python, `/\`) {
			return g.Abs(f.Python)
		}
		return f.Python
	}
	dirs := []string{g.Dir}
	if handlerFile != "" {
		dirs = []string{filepath.Dir(handlerFile), g.Dir}
	}
	for _, d := range dirs {
		if p := venvPython(d); p != "" {
			return p
		}
	}
	return ""
}

// venvPython is the interpreter of the .venv in dir, "" when there is none.
func venvPython(dir string) string {
	if dir == "" {
		return ""
	}
	p := filepath.Join(dir, ".venv", "bin", "python")
	if goruntime.GOOS == "windows" {
		p = filepath.Join(dir, ".venv", "Scripts", "python.exe")
	}
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p
	}
	return ""
}
