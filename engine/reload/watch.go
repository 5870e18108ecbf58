// Package reload is live reload, the one serve and the TUI share: it
// watches a gateway file and every file the gateway names (handlers,
// commands, keys and JWKS, token keys and secrets), waits for a save to
// finish, loads the new version and hands it to the subscriber to apply,
// or says why it does not load while the last good version keeps running.
//
// The watcher handles one change at a time, on its own goroutine: debounce
// (a save is several writes), settle (the bytes must be the same across two
// reads), skip (nothing differs from what runs), load, guard (a version
// that takes protection away from a route must stay unchanged for Confirm
// before it is offered), then an Event for the subscriber, which applies
// it and calls Done.
package reload

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/authlab/authlab/engine/config"
)

// Debounce is how long a burst of file events must be quiet before the
// files are read: one save is often several writes.
const Debounce = 150 * time.Millisecond

// Kind says what a change came to.
type Kind int

const (
	// Changed: Gateway is a new version to apply. Removed lists the
	// protection it takes away (the file stayed unchanged for Confirm);
	// Diags holds its warnings. The subscriber must call Done.
	Changed Kind = iota
	// Failed: the files changed but the gateway does not load (Err, and
	// Diags when the problems have positions). The previous
	// configuration keeps running.
	Failed
	// Held: Gateway would remove protection (Removed); it is offered once
	// the files stay unchanged for Confirm.
	Held
	// Dropped: a held version changed again before Confirm; its next
	// save is read afresh.
	Dropped
	// WatchError: the file system watch reported Err.
	WatchError
)

// Event is one change and what it came to.
type Event struct {
	Kind Kind
	// Paths are the files that changed, absolute and sorted.
	Paths   []string
	Gateway *config.Gateway
	Diags   *config.Diagnostics
	Removed []Removal
	Err     error

	reply chan error
}

// Done reports whether the subscriber applied a Changed event's gateway
// (err nil) or refused it (the engine could not compile it). The watcher
// waits for it before reading the next change, so what it compares the
// next version with is what runs.
func (e Event) Done(err error) {
	if e.reply != nil {
		e.reply <- err
	}
}

// Options tune a watcher; zero values are the defaults.
type Options struct {
	Debounce time.Duration // Debounce
	Settle   time.Duration // Settle
	Confirm  time.Duration // Confirm
}

// Watcher watches a gateway file and the files it names.
type Watcher struct {
	path string // the gateway file as given (messages and diagnostics use it)
	abs  string
	dir  string
	o    Options
	fw   *fsnotify.Watcher
	out  chan Event

	mu    sync.Mutex
	files map[string]bool // absolute paths of interest
	dirs  map[string]bool
	base  *config.Gateway // what runs: a new version is compared with it
	known map[string]sum  // the files' contents when base was loaded

	done     chan struct{}
	finished chan struct{}
	close    sync.Once
}

// sum is a file's content fingerprint; ok is false when it could not be read.
type sum struct {
	h  [sha256.Size]byte
	ok bool
}

// Watch starts watching the gateway file at path and the files g names.
// g is the version that runs now (nil when none loaded). It watches
// folders, not files: editors save by writing a new file and renaming it
// over the old one, which ends a watch on the file itself.
func Watch(path string, g *config.Gateway, o Options) (*Watcher, error) {
	if o.Debounce <= 0 {
		o.Debounce = Debounce
	}
	if o.Settle <= 0 {
		o.Settle = Settle
	}
	if o.Confirm <= 0 {
		o.Confirm = Confirm
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	if err := fw.Add(filepath.Dir(abs)); err != nil {
		fw.Close()
		return nil, fmt.Errorf("watching %s: %w", filepath.Dir(abs), err)
	}
	w := &Watcher{path: path, abs: abs, dir: filepath.Dir(abs), o: o, fw: fw, out: make(chan Event),
		dirs: map[string]bool{filepath.Dir(abs): true}, known: map[string]sum{},
		done: make(chan struct{}), finished: make(chan struct{})}
	w.Loaded(g)
	go w.loop()
	return w, nil
}

// Events delivers each change once it is settled and loaded; it is closed
// when the watcher stops.
func (w *Watcher) Events() <-chan Event { return w.out }

// Loaded tells the watcher that g now runs, loaded by the subscriber
// itself (the TUI's reload key): the watch set follows the files g names,
// and the next version is compared with g.
func (w *Watcher) Loaded(g *config.Gateway) { w.adopt(g, nil) }

// adopt makes g the version that runs; read holds what some of its files
// held when it was loaded, the others are read now.
func (w *Watcher) adopt(g *config.Gateway, read map[string]sum) {
	files := Files(g)
	if g == nil {
		files = []string{w.path}
	}
	sums := map[string]sum{}
	for _, p := range files {
		if abs, err := filepath.Abs(p); err == nil {
			if s, ok := read[abs]; ok {
				sums[abs] = s
			} else {
				sums[abs] = fingerprint(abs)
			}
		}
	}
	if g != nil {
		sums[w.abs] = sum{h: sha256.Sum256(config.Prepare(g.Source)), ok: true}
	} else {
		delete(sums, w.abs) // nothing loaded: any save is worth reading
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.base, w.known = g, sums
	w.watch(files)
}

// watch replaces the set of files of interest; w.mu is held.
func (w *Watcher) watch(paths []string) {
	w.files = map[string]bool{w.abs: true}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		w.files[abs] = true
		dir := filepath.Dir(abs)
		if !w.dirs[dir] {
			if err := w.fw.Add(dir); err == nil {
				w.dirs[dir] = true
			}
		}
	}
}

// Close stops watching and waits for a change in progress; a subscriber
// still applying an event finishes on its own.
func (w *Watcher) Close() {
	w.close.Do(func() {
		close(w.done)
		<-w.finished
		w.fw.Close()
	})
}

func (w *Watcher) interesting(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.files[filepath.Clean(name)]
}

func (w *Watcher) loop() {
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
			if ev.Op == fsnotify.Chmod || !w.interesting(ev.Name) {
				continue
			}
			pending[filepath.Clean(ev.Name)] = true
			timer.Reset(w.o.Debounce)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			if !w.send(Event{Kind: WatchError, Err: err}) {
				return
			}
		case <-timer.C:
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			settled, ok := w.handle(paths)
			if !ok {
				return
			}
			if settled {
				pending = map[string]bool{}
			}
			// Else the files are still being written: the next write's
			// event starts the debounce again, and these stay pending.
		case <-w.done:
			return
		}
	}
}

// handle reads one settled change through to its event. settled is false
// when the files were still being written; ok is false when the watcher
// was closed meanwhile.
func (w *Watcher) handle(paths []string) (settled, ok bool) {
	snap, settled, ok := w.settle(paths)
	if !ok || !settled {
		return settled, ok
	}
	if w.unchanged(snap) {
		return true, true // a save without changes keeps what runs, caches included
	}
	var g *config.Gateway
	diags, err := snap.diags, snap.err
	if err == nil {
		g, diags, err = config.Load(w.path, snap.src, w.dir)
	}
	if err != nil {
		if diags == nil || !diags.HasErrors() {
			diags = nil
		}
		w.forget()
		return true, w.send(Event{Kind: Failed, Paths: paths, Diags: diags, Err: err})
	}
	w.mu.Lock()
	base := w.base
	w.mu.Unlock()
	// Taking protection away is never done quietly, nor on a file that
	// may be half a save (the route's authorizer line not written yet):
	// the files must stay as they are for a while longer first.
	removed := Removed(base, g)
	if len(removed) > 0 {
		if !w.send(Event{Kind: Held, Paths: paths, Gateway: g, Removed: removed}) {
			return true, false
		}
		t := time.NewTimer(w.o.Confirm)
		select {
		case <-t.C:
		case <-w.done:
			t.Stop()
			return true, false
		}
		if !snap.still() {
			return true, w.send(Event{Kind: Dropped, Paths: paths, Gateway: g, Removed: removed})
		}
		if w.unchanged(snap) {
			return true, true // loaded by hand meanwhile
		}
	}
	if diags != nil && len(diags.Warnings()) == 0 {
		diags = nil
	}
	reply := make(chan error, 1)
	if !w.send(Event{Kind: Changed, Paths: paths, Gateway: g, Diags: diags, Removed: removed, reply: reply}) {
		return true, false
	}
	select {
	case err := <-reply:
		if err != nil {
			w.forget()
			return true, true
		}
	case <-w.done:
		return true, false
	}
	// What runs now is what was read; the new version may name other
	// files: watch those too.
	w.adopt(g, snap.sums)
	return true, true
}

// send hands an event to the subscriber; false when the watcher was
// closed instead.
func (w *Watcher) send(ev Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-w.done:
		return false
	}
}

// forget drops what the gateway file held when it last loaded: after a
// version that failed, any save (the good one again included) is read.
func (w *Watcher) forget() {
	w.mu.Lock()
	delete(w.known, w.abs)
	w.mu.Unlock()
}

// snapshot is what the files held once settled.
type snapshot struct {
	sums  map[string]sum // the changed files and the gateway file
	src   []byte         // the gateway file, as read the second time
	diags *config.Diagnostics
	err   error // reading the gateway file
	w     *Watcher
}

// settle reads the changed files and the gateway file twice, Settle apart.
// A save can pause between writes for longer than the debounce, and the
// half written by then may well parse (a route whose `authorizer:` line has
// not arrived yet): only bytes that stay the same are loaded, and what is
// parsed is what was checked. A file that cannot be read counts as
// settled: loading it says why.
func (w *Watcher) settle(paths []string) (snap *snapshot, settled, ok bool) {
	first := w.read(paths)
	t := time.NewTimer(w.o.Settle)
	select {
	case <-t.C:
	case <-w.done:
		t.Stop()
		return nil, false, false
	}
	snap = w.read(paths)
	if len(snap.sums) != len(first.sums) {
		return nil, false, true
	}
	for p, s := range snap.sums {
		if first.sums[p] != s {
			return nil, false, true
		}
	}
	return snap, true, true
}

func (w *Watcher) read(paths []string) *snapshot {
	s := &snapshot{sums: map[string]sum{}, w: w}
	for _, p := range paths {
		if p != w.abs {
			s.sums[p] = fingerprint(p)
		}
	}
	s.src, s.diags, s.err = config.ReadFile(w.path, "gateway file")
	if s.err == nil {
		s.sums[w.abs] = sum{h: sha256.Sum256(config.Prepare(s.src)), ok: true}
	}
	return s
}

// still reports whether the files hold what they held when snap was taken.
func (s *snapshot) still() bool {
	now := s.w.read(keys(s.sums))
	if len(now.sums) != len(s.sums) {
		return false
	}
	for p, v := range s.sums {
		if now.sums[p] != v {
			return false
		}
	}
	return true
}

// unchanged reports whether every file in snap holds what it held when
// the running version was loaded.
func (w *Watcher) unchanged(snap *snapshot) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.base == nil {
		return false
	}
	for p, s := range snap.sums {
		k, seen := w.known[p]
		if !seen || !s.ok || k != s {
			return false
		}
	}
	return snap.err == nil
}

func keys(m map[string]sum) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// maxFingerprint bounds how much of a watched file is hashed.
const maxFingerprint = 256 << 20

func fingerprint(path string) sum {
	f, err := os.Open(path)
	if err != nil {
		return sum{}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyN(h, f, maxFingerprint); err != nil && err != io.EOF {
		return sum{}
	}
	var s sum
	copy(s.h[:], h.Sum(nil))
	s.ok = true
	return s
}
