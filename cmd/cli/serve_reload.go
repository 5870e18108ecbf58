package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/reloadguard"
)

// watchGateway calls reload once after each burst of changes to path.
// It watches the folder, not the file: editors save by writing a new file
// and renaming it over the old one, which ends a watch on the file itself.
// The debounce lets a save that takes several writes finish first, so a
// half-written file is not loaded. stop ends the watch and waits for a
// reload in progress.
func watchGateway(path string, debounce time.Duration, reload func(), warn func(error)) (stop func(), err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", path, err)
	}
	if err := w.Add(filepath.Dir(abs)); err != nil {
		w.Close()
		return nil, fmt.Errorf("watching %s: %w", filepath.Dir(abs), err)
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		for {
			select {
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if filepath.Clean(ev.Name) != abs || ev.Op == fsnotify.Chmod {
					continue
				}
				timer.Reset(debounce)
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				warn(err)
			case <-timer.C:
				reload()
			case <-done:
				timer.Stop()
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		w.Close()
	}, nil
}

// reloader loads the gateway file again and swaps it into the engine. An
// invalid file is reported and changes nothing: the previous configuration
// keeps serving.
type reloader struct {
	io   *IO
	e    *engine.Engine
	path string
	last []byte // the source now serving, so a save without changes keeps the caches
	// reveal shows secrets in full in error messages (serve --reveal).
	reveal bool
}

// red abbreviates URL passwords in an error message unless --reveal.
func (r *reloader) red() *redact.Redactor {
	if r.reveal {
		return nil
	}
	return redact.New(nil)
}

func (r *reloader) reload() {
	// A save that pauses longer than the debounce leaves a half-written
	// file: load only bytes that stay the same across a short settle
	// delay. If they changed, the write goes on and its next event brings
	// us back here.
	src, stable, diags, err := reloadguard.ReadSettled(r.path, reloadguard.Settle)
	if err == nil && !stable {
		return
	}
	if err == nil && bytes.Equal(config.Prepare(src), r.last) {
		return
	}
	var g *config.Gateway
	if err == nil {
		var abs string
		if abs, err = filepath.Abs(r.path); err == nil {
			g, diags, err = config.Load(r.path, src, filepath.Dir(abs))
		}
	}
	if err != nil {
		if diags != nil && diags.HasErrors() {
			diags.Reveal = r.reveal
			fmt.Fprint(r.io.Err, diags.Format(false))
		} else {
			fmt.Fprintf(r.io.Err, "authlab serve: %s\n", r.red().Error(err))
		}
		fmt.Fprintf(r.io.Err, "authlab serve: %s not reloaded; the previous configuration keeps serving\n", r.path)
		return
	}
	// Taking protection away is never done quietly, nor on a file that
	// may be half a save (the route's authorizer line not written yet):
	// the file must stay as it is for a while longer first.
	removed := reloadguard.Removed(r.e.Config(), g)
	if len(removed) > 0 {
		time.Sleep(reloadguard.Confirm)
		if !reloadguard.Unchanged(r.path, src) {
			fmt.Fprintf(r.io.Err, "authlab serve: %s is still changing; not loading a version of it that removes protection from route %s\n",
				r.path, removed[0].Route)
			return
		}
	}
	if err := r.e.Reload(g); err != nil {
		fmt.Fprintf(r.io.Err, "authlab serve: %s: %s\nauthlab serve: %s not reloaded; the previous configuration keeps serving\n", r.path, r.red().Error(err), r.path)
		return
	}
	r.last = g.Source
	for _, rm := range removed {
		fmt.Fprintf(r.io.Err, "authlab serve: WARNING: reloading %s removed protection: %s\n", r.path, rm)
	}
	if diags != nil && len(diags.Warnings()) > 0 {
		diags.Reveal = r.reveal
		fmt.Fprint(r.io.Err, diags.Format(true))
	}
	fmt.Fprintf(r.io.Err, "authlab serve: reloaded %s: %d routes, %d authorizers (caches start empty)\n",
		r.path, len(g.Routes), len(g.Authorizers))
}
