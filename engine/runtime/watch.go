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
// It stats the folder's code entries before each call rather than using
// inotify: a stat is exact at the moment of the call, where an event may
// still be in flight when a test or a fast user fires right after saving.
// The folder is listed again only when its own modification time moves
// (an entry added, removed or renamed over, as editors save); otherwise the
// entries found last time are stat'ed directly: a few system calls per
// call instead of a listing (a warm call used to spend 24 µs here). Where
// the system offers file events (inotify), a gate skips even those stats
// while no event came (see inotifyGate).
type watcher struct {
	dir  string
	mu   sync.Mutex
	last uint64
	gate changeGate // nil: stat every call

	// The last listing: valid while the folder's own stat is dirStat.
	dirStat fileStamp
	listed  bool
	entries []watchEntry
}

// watchEntry is a file that is code, or a sub-folder (code or not: adding
// __init__.py makes it a package, and moves only the sub-folder's mtime).
type watchEntry struct {
	name  string
	path  string
	dir   bool
	code  bool
	stamp fileStamp // a sub-folder's stat when it was classified
}

type fileStamp struct {
	size  int64
	mtime int64
	mode  os.FileMode
}

func stampOf(info os.FileInfo) fileStamp {
	return fileStamp{size: info.Size(), mtime: info.ModTime().UnixNano(), mode: info.Mode()}
}

// changeGate says when the folder cannot have changed since the last look.
type changeGate interface {
	quiet() bool          // no event since the last call (and none missed)
	follow(dirs []string) // also watch these sub-folders
	close()
}

func newWatcher(dir string) *watcher {
	if dir == "" {
		return nil
	}
	// The gate first: an edit during the first listing is then an event.
	w := &watcher{dir: dir, gate: newChangeGate(dir)}
	w.last = w.fingerprint()
	return w
}

// changed reports whether the folder differs from the last look.
func (w *watcher) changed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gate != nil && w.gate.quiet() {
		return false
	}
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
	if info, err := os.Stat(w.dir); err == nil && w.listed && stampOf(info) == w.dirStat {
		if sum, ok := w.quick(); ok {
			return sum
		}
	}
	return w.list()
}

// quick hashes the entries of the last listing, stat'ed again; ok is false
// when a sub-folder changed, which takes a new listing.
func (w *watcher) quick() (uint64, bool) {
	h := fnv.New64a()
	var b []byte
	for i := range w.entries {
		e := &w.entries[i]
		info, err := os.Lstat(e.path)
		if err != nil {
			return 0, false // gone: the listing is stale
		}
		if e.dir && stampOf(info) != e.stamp {
			return 0, false
		}
		if e.code {
			b = appendEntry(b[:0], e.name, info)
			_, _ = h.Write(b)
		}
	}
	return h.Sum64(), true
}

// list reads the folder afresh and keeps what it found for quick.
func (w *watcher) list() uint64 {
	h := fnv.New64a()
	w.listed, w.entries = false, w.entries[:0]
	dirInfo, dirErr := os.Stat(w.dir)
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		_, _ = h.Write([]byte(err.Error()))
		return h.Sum64()
	}
	var b []byte
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		code := w.isCode(e)
		if !code && !e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		w.entries = append(w.entries, watchEntry{name: name, path: filepath.Join(w.dir, name), dir: e.IsDir(), code: code, stamp: stampOf(info)})
		if !code {
			continue
		}
		b = appendEntry(b[:0], name, info)
		_, _ = h.Write(b)
	}
	if dirErr == nil {
		w.dirStat, w.listed = stampOf(dirInfo), true
	}
	if w.gate != nil {
		var dirs []string
		for _, e := range w.entries {
			if e.dir {
				dirs = append(dirs, e.path)
			}
		}
		w.gate.follow(dirs)
	}
	return h.Sum64()
}

func appendEntry(b []byte, name string, info os.FileInfo) []byte {
	b = append(b, name...)
	b = append(b, 0)
	b = appendInt(b, info.Size())
	return appendInt(b, info.ModTime().UnixNano())
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
	return codeName(name)
}

// codeName: a file a handler loads, by its name.
func codeName(name string) bool {
	return name == "package.json" || slices.Contains(codeExt, filepath.Ext(name))
}

// close releases the gate's event source.
func (w *watcher) close() {
	if w == nil || w.gate == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gate.close()
}
