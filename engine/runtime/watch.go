package runtime

import (
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// watcher notices edits in the handler's folder so the next call runs the
// new code: the edit → fire loop must not need authlab restarted.
//
// It stats the folder's entries before each call (tens of microseconds for a
// typical function folder) rather than using inotify: a stat is exact at the
// moment of the call, where an event may still be in flight when a test or
// a fast user fires right after saving.
type watcher struct {
	dir  string
	mu   sync.Mutex
	last uint64
}

func newWatcher(dir string) *watcher {
	if dir == "" {
		return nil
	}
	w := &watcher{dir: dir}
	w.last = w.fingerprint()
	return w
}

// changed reports whether the folder differs from the last look.
func (w *watcher) changed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.fingerprint()
	if now == w.last {
		return false
	}
	w.last = now
	return true
}

// fingerprint hashes the name, size and modification time of the entries
// that are code: source files, package.json, node_modules and Python
// packages (sub-folders count by their own mtime, which moves when entries
// are added or removed: npm install, a new module). Everything else is
// skipped — hidden files, __pycache__, and above all the logs and traces a
// user writes next to the handler (`serve 2> serve.log`, `--trace-dir .`),
// which would otherwise restart the worker, cold, on every call.
func (w *watcher) fingerprint() uint64 {
	h := fnv.New64a()
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		_, _ = h.Write([]byte(err.Error()))
		return h.Sum64()
	}
	var b []byte
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !w.isCode(e) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		b = append(b[:0], name...)
		b = append(b, 0)
		b = appendInt(b, info.Size())
		b = appendInt(b, info.ModTime().UnixNano())
		_, _ = h.Write(b)
	}
	return h.Sum64()
}

func appendInt(b []byte, v int64) []byte {
	for i := 0; i < 8; i++ {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// codeExt are the file kinds a handler loads.
var codeExt = []string{".py", ".js", ".mjs", ".cjs", ".ts", ".so"}

func (w *watcher) isCode(e os.DirEntry) bool {
	name := e.Name()
	if e.IsDir() {
		if name == "node_modules" {
			return true
		}
		_, err := os.Stat(filepath.Join(w.dir, name, "__init__.py"))
		return err == nil
	}
	if name == "package.json" {
		return true
	}
	return slices.Contains(codeExt, filepath.Ext(name))
}
