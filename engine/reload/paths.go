package reload

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// PathWatcher reports changes to a set of files, and to the YAML files
// under a set of folders (a scenario added to a folder counts), with the
// Watcher's debounce and settle: `authlab run --watch` re-runs its
// scenarios on what it sends. It loads nothing; the subscriber does.
type PathWatcher struct {
	o   Options
	fw  *fsnotify.Watcher
	out chan []string

	mu    sync.Mutex
	files map[string]bool // absolute paths of interest
	roots []string        // absolute folders whose YAML files are of interest
	dirs  map[string]bool // folders added to fw
	known map[string]sum  // contents as last reported

	done     chan struct{}
	finished chan struct{}
	close    sync.Once
}

// WatchPaths starts watching files and the YAML files under roots.
func WatchPaths(files, roots []string, o Options) (*PathWatcher, error) {
	if o.Debounce <= 0 {
		o.Debounce = Debounce
	}
	if o.Settle <= 0 {
		o.Settle = Settle
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &PathWatcher{o: o, fw: fw, out: make(chan []string), dirs: map[string]bool{},
		done: make(chan struct{}), finished: make(chan struct{})}
	w.Set(files, roots)
	go w.loop()
	return w, nil
}

// Changes delivers the files that changed, absolute and sorted, once they
// settled and differ from what was last reported; it is closed when the
// watcher stops.
func (w *PathWatcher) Changes() <-chan []string { return w.out }

// Set replaces what is watched (a run's scenarios may name other
// gateways and handlers than the last); what the files hold now is the
// base later changes are compared with.
func (w *PathWatcher) Set(files, roots []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files, w.roots, w.known = map[string]bool{}, nil, map[string]sum{}
	add := func(dir string) {
		if !w.dirs[dir] {
			if err := w.fw.Add(dir); err == nil {
				w.dirs[dir] = true
			}
		}
	}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			w.files[abs] = true
			w.known[abs] = fingerprint(abs)
			add(filepath.Dir(abs))
		}
	}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		w.roots = append(w.roots, abs)
		_ = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if p != abs && skippedDir(d.Name()) {
					return filepath.SkipDir
				}
				add(p)
			} else if isYAML(p) {
				w.known[p] = fingerprint(p)
			}
			return nil
		})
	}
}

// Close stops watching.
func (w *PathWatcher) Close() {
	w.close.Do(func() {
		close(w.done)
		<-w.finished
		w.fw.Close()
	})
}

func skippedDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor" || name == "__pycache__"
}

func isYAML(p string) bool {
	ext := filepath.Ext(p)
	return ext == ".yaml" || ext == ".yml"
}

// interesting reports a watched file, or a YAML file under a root (a
// folder created under a root is watched from now on).
func (w *PathWatcher) interesting(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.files[name] {
		return true
	}
	for _, r := range w.roots {
		if name != r && !strings.HasPrefix(name, r+string(filepath.Separator)) {
			continue
		}
		if ev.Op&fsnotify.Create != 0 && !w.dirs[name] && !skippedDir(filepath.Base(name)) {
			if err := w.fw.Add(name); err == nil { // a new folder; fails for a file
				w.dirs[name] = true
				return false
			}
		}
		return isYAML(name)
	}
	return false
}

func (w *PathWatcher) loop() {
	defer close(w.finished)
	defer close(w.out)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	pending := map[string]bool{}
	for {
		select {
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod || !w.interesting(ev) {
				continue
			}
			pending[filepath.Clean(ev.Name)] = true
			timer.Reset(w.o.Debounce)
		case _, ok := <-w.fw.Errors:
			if !ok {
				return
			}
		case <-timer.C:
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			changed, settled, ok := w.settle(paths)
			if !ok {
				return
			}
			if !settled {
				continue // still being written: the next write's event restarts the debounce
			}
			pending = map[string]bool{}
			if len(changed) == 0 {
				continue // saved without changes
			}
			select {
			case w.out <- changed:
			case <-w.done:
				return
			}
		case <-w.done:
			return
		}
	}
}

// settle reads the files twice, Settle apart, and returns those whose
// contents differ from what was last reported (and records them).
func (w *PathWatcher) settle(paths []string) (changed []string, settled, ok bool) {
	first := map[string]sum{}
	for _, p := range paths {
		first[p] = fingerprint(p)
	}
	t := time.NewTimer(w.o.Settle)
	select {
	case <-t.C:
	case <-w.done:
		t.Stop()
		return nil, false, false
	}
	now := map[string]sum{}
	for _, p := range paths {
		now[p] = fingerprint(p)
		if now[p] != first[p] {
			return nil, false, true
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range paths {
		if k, seen := w.known[p]; !seen || k != now[p] {
			changed = append(changed, p)
			w.known[p] = now[p]
		}
	}
	return changed, true, true
}
