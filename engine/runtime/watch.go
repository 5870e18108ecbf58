package runtime

import (
	"hash/fnv"
	"os"
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

// fingerprint hashes each entry's name, size and modification time. Hidden
// files and __pycache__ are skipped: editors and interpreters churn them
// without the code changing. Sub-folders count by their own mtime, which
// moves when entries are added or removed (npm install, a new module).
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
		if strings.HasPrefix(name, ".") || name == "__pycache__" || strings.HasSuffix(name, "~") {
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
