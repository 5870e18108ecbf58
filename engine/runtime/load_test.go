package runtime

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadReportsWhere: Load loads a handler as the first call would, and
// a handler that does not load says where in the user's code: a syntax
// error's line, the import that failed, in the handler or a module it
// imports, Python and Node (CommonJS and ES modules, whose syntax errors
// Node's import does not place).
func TestLoadReportsWhere(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, runtime, handler string
		files                  map[string]string
		wantFile               string
		wantLine               int
		wantMsg                string
	}{
		{"python syntax", "python3", "h.py:handler", map[string]string{"h.py": "def handler(e, c):\n    return {\n"}, "h.py", 2, "SyntaxError"},
		{"python import", "python3", "h.py:handler", map[string]string{"h.py": "import os\nimport no_such_module_xyz\n\ndef handler(e, c):\n    return {}\n"}, "h.py", 2, "No module named 'no_such_module_xyz'"},
		{"python import in a sibling", "python3", "h.py:handler", map[string]string{
			"h.py": "import helper\n\ndef handler(e, c):\n    return {}\n", "helper.py": "x = 1\n\nraise ValueError('bad config')\n"}, "helper.py", 3, "ValueError: bad config"},
		{"node commonjs syntax", "node", "h.js:handler", map[string]string{"h.js": "exports.handler = async () => {\n  return {\n};;; x y\n"}, "h.js", 3, "SyntaxError"},
		{"node require", "node", "h.js:handler", map[string]string{"h.js": "const a = 1;\nconst b = require('no-such-pkg-xyz');\nexports.handler = async () => ({});\n"}, "h.js", 2, "Cannot find module 'no-such-pkg-xyz'"},
		{"node module syntax", "node", "h.mjs:handler", map[string]string{"h.mjs": "export const handler = async () => {\n  return {\n};;; x y\n"}, "h.mjs", 3, "SyntaxError"},
		{"node module syntax in an import", "node", "h.mjs:handler", map[string]string{
			"h.mjs": "import { x } from './lib.mjs';\nexport const handler = async () => x;\n", "lib.mjs": "export const x = 1;\nexport const y = ;\n"}, "lib.mjs", 2, "SyntaxError"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			needs(t, c.runtime)
			dir := t.TempDir()
			for name, src := range c.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rt := map[string]string{"python3": "python", "node": "node"}[c.runtime]
			fn := newFn(t, Spec{Runtime: rt, Handler: filepath.Join(dir, c.handler)})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := fn.(interface{ Load(context.Context) error }).Load(ctx)
			var le *LoadError
			if !errors.As(err, &le) || !errors.Is(err, ErrLoad) {
				t.Fatalf("Load: %v, want a *LoadError", err)
			}
			if le.File != filepath.Join(dir, c.wantFile) || le.Line != c.wantLine {
				t.Errorf("place %s:%d, want %s:%d (%v)", le.File, le.Line, c.wantFile, c.wantLine, err)
			}
			if !strings.Contains(err.Error(), c.wantMsg) {
				t.Errorf("error %q lacks %q", err, c.wantMsg)
			}
			if c.runtime == "node" && le.Type == "SyntaxError" && !strings.Contains(le.Message, filepath.Join(dir, c.wantFile)+":") {
				// The trace shows the message: it keeps the place.
				t.Errorf("a Node syntax error's message lost its place: %q", le.Message)
			}
		})
	}
}

// TestLoadKeepsTheWorkerWarm: after Load, the first call is not a cold start.
func TestLoadKeepsTheWorkerWarm(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "h.py"), []byte("def handler(e, c):\n    return {'ok': True}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fn := newFn(t, Spec{Runtime: "python", Handler: filepath.Join(dir, "h.py:handler")})
	if err := fn.(interface{ Load(context.Context) error }).Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res := mustInvoke(t, fn, `{}`); res.ColdStart {
		t.Error("the call after Load was a cold start")
	}
}
