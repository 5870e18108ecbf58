package reload

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPathWatcher: a watched file that changes, and a YAML file created in
// a new folder under a root, are reported; a file outside is not.
func TestPathWatcher(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "handler.py")
	root := filepath.Join(dir, "scenarios")
	for _, d := range []string{root} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(file, "a")
	w, err := WatchPaths([]string{file}, []string{root}, Options{Debounce: 10 * time.Millisecond, Settle: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	next := func() []string {
		t.Helper()
		select {
		case c := <-w.Changes():
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("no change reported")
			return nil
		}
	}
	write(filepath.Join(dir, "other.txt"), "x") // not watched
	write(file, "b")
	if c := next(); len(c) != 1 || c[0] != file {
		t.Errorf("changes %v, want [%s]", c, file)
	}
	sub := filepath.Join(root, "more")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	// The new folder is watched once its creation is seen: write until a
	// file in it is reported.
	want := filepath.Join(sub, "new.yaml")
	for i := 0; ; i++ {
		write(want, string(rune('a'+i%26)))
		select {
		case c := <-w.Changes():
			if len(c) != 1 || c[0] != want {
				t.Fatalf("changes %v, want [%s]", c, want)
			}
			return
		case <-time.After(200 * time.Millisecond):
			if i > 50 {
				t.Fatal("a YAML file in a new folder under a root is not reported")
			}
		}
	}
}
