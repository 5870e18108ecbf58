package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeShim writes a version manager's shim: a script in a folder named
// "shims" that counts its runs and then execs the python3 found on PATH.
func fakeShim(t *testing.T) (shim, count string) {
	t.Helper()
	needs(t, "python3")
	root := t.TempDir()
	count = filepath.Join(root, "runs")
	shims := filepath.Join(root, "shims")
	if err := os.Mkdir(shims, 0o755); err != nil {
		t.Fatal(err)
	}
	shim = filepath.Join(shims, "python3")
	script := "#!/bin/sh\necho run >> '" + count + "'\nPATH=$(echo \"$PATH\" | sed 's|" + shims + ":||')\nexec python3 \"$@\"\n"
	if err := os.WriteFile(shim, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return shim, count
}

func runs(t *testing.T, count string) int {
	b, _ := os.ReadFile(count)
	return strings.Count(string(b), "run")
}

// A worker started through a shim runs the interpreter behind it; the
// shim is asked once per version-file folder, not once per start.
func TestShimAskedOncePerVersionFolder(t *testing.T) {
	t.Parallel()
	shim, count := fakeShim(t)
	a, b, pinned := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(pinned, ".python-version"), []byte("3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := os.Environ()
	first := behindShim("python", shim, a, env)
	if first == "" || filepath.Dir(first) == filepath.Dir(shim) {
		t.Fatalf("behind the shim: %q", first)
	}
	if again := behindShim("python", shim, b, env); again != first || runs(t, count) != 1 {
		t.Errorf("another folder without a version file: %q after %d shim runs, want %q after 1", again, runs(t, count), first)
	}
	_ = behindShim("python", shim, pinned, env)
	if runs(t, count) != 2 {
		t.Errorf("a folder with .python-version: %d shim runs, want 2 (asked again)", runs(t, count))
	}
	if got := behindShim("python", shim, a, append(env, "PYENV_VERSION=3.9")); got == "" || runs(t, count) != 3 {
		t.Errorf("PYENV_VERSION set: %q after %d shim runs, want asked again", got, runs(t, count))
	}

	// Workers then start without the shim: two functions, two starts, no run.
	for _, dir := range []string{a, b} {
		fn := newFn(t, Spec{Runtime: "python", Handler: testdata(t, "py", "handlers.py") + ":dict_return", Interpreter: shim, Dir: dir})
		mustInvoke(t, fn, `{}`)
	}
	if runs(t, count) != 3 {
		t.Errorf("worker starts ran the shim: %d runs, want 3", runs(t, count))
	}
}

// Only folders named "shims" are asked: a wrapper script elsewhere (one
// that runs python in a container, say) is started as it is.
func TestWrapperOutsideShimsIsStartedAsIs(t *testing.T) {
	t.Parallel()
	needs(t, "python3")
	wrapper := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nexec python3 \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := behindShim("python", wrapper, t.TempDir(), os.Environ()); got != "" {
		t.Errorf("a wrapper outside shims/ was resolved to %q", got)
	}
	if got := behindShim("process", filepath.Join(filepath.Dir(wrapper), "shims", "ruby"), "/", nil); got != "" {
		t.Errorf("a program authlab cannot ask was resolved to %q", got)
	}
}
