package tui

import (
	"bytes"
	"path/filepath"
	"sort"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/fsnotify/fsnotify"

	"github.com/authlab/authlab/engine/limits"
	"github.com/authlab/authlab/engine/reloadguard"
)

// watcher reports edits to the gateway file and the files it names
// (handlers, keys). It watches their folders, not the files: editors save
// by writing a new file and renaming it over the old one, which would end
// a watch on the file itself. A burst of events (one save is several
// writes) is reported once, after it settles, so a half-written file is
// not loaded.
type watcher struct {
	w        *fsnotify.Watcher
	debounce time.Duration
	out      chan []string

	mu    sync.Mutex
	files map[string]bool // absolute paths of interest
	dirs  map[string]bool
	done  chan struct{}
}

func newWatcher(debounce time.Duration) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, debounce: debounce, out: make(chan []string, 1),
		files: map[string]bool{}, dirs: map[string]bool{}, done: make(chan struct{})}
	go w.loop()
	return w, nil
}

// Set replaces the watched files (after a reload names new handlers).
func (w *watcher) Set(paths []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files = map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		w.files[abs] = true
		dir := filepath.Dir(abs)
		if !w.dirs[dir] {
			if err := w.w.Add(dir); err == nil {
				w.dirs[dir] = true
			}
		}
	}
}

func (w *watcher) interesting(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.files[filepath.Clean(name)]
}

func (w *watcher) loop() {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	pending := map[string]bool{}
	for {
		select {
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod || !w.interesting(ev.Name) {
				continue
			}
			pending[filepath.Clean(ev.Name)] = true
			timer.Reset(w.debounce)
		case _, ok := <-w.w.Errors:
			if !ok {
				return
			}
		case <-timer.C:
			var paths []string
			for p := range pending {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			if !w.settled(paths) {
				// Still being written: the next write's event starts the
				// debounce again, and these stay pending.
				continue
			}
			pending = map[string]bool{}
			select {
			case w.out <- paths:
			case <-w.done:
				return
			}
		case <-w.done:
			timer.Stop()
			return
		}
	}
}

// settled reports whether the files hold the same bytes across two reads
// reloadguard.Settle apart. A save may pause longer than the debounce; the
// half written by then must not be loaded (it may parse, a route's
// authorizer line not there yet). A file that cannot be read counts as
// settled: the reload reports why it does not load.
func (w *watcher) settled(paths []string) bool {
	read := func(p string) []byte {
		b, _ := limits.ReadFile(p, "watched file", limits.MaxConfigBytes)
		return b
	}
	first := make([][]byte, len(paths))
	for i, p := range paths {
		first[i] = read(p)
	}
	t := time.NewTimer(reloadguard.Settle)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.done:
		return false
	}
	for i, p := range paths {
		if !bytes.Equal(first[i], read(p)) {
			return false
		}
	}
	return true
}

// Next is a command that waits for the next batch of changes. The root
// issues it again after each one, the Bubble Tea way of listening.
func (w *watcher) Next() tea.Cmd {
	return func() tea.Msg {
		select {
		case paths := <-w.out:
			return filesChangedMsg{Paths: paths}
		case <-w.done:
			return nil
		}
	}
}

// Close stops watching.
func (w *watcher) Close() {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
	_ = w.w.Close()
}
