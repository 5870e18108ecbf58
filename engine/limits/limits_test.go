package limits_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/limits"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, bytes.Repeat([]byte("a"), 10), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := limits.ReadFile(p, "test file", 10); err != nil || len(b) != 10 {
		t.Errorf("exactly the limit: %d bytes, %v", len(b), err)
	}
	b, err := limits.ReadFile(p, "test file", 9)
	var tl *limits.TooLargeError
	if !errors.As(err, &tl) || tl.Size != 10 || tl.Limit != 9 || len(b) != 9 {
		t.Fatalf("over the limit: %d bytes, %#v", len(b), err)
	}
	if want := p + ": test file too large: 10 bytes, over the 9 bytes limit; expected at most 9 bytes"; err.Error() != want {
		t.Errorf("message %q\nwant    %q", err, want)
	}
	if _, err := limits.ReadFile(filepath.Join(dir, "none"), "test file", 9); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadAll(t *testing.T) {
	if b, err := limits.ReadAll(strings.NewReader("abc"), "stdin", "token", 3); err != nil || string(b) != "abc" {
		t.Errorf("exactly the limit: %q, %v", b, err)
	}
	_, err := limits.ReadAll(strings.NewReader("abcd"), "stdin", "token", 3)
	if !limits.IsTooLarge(err) || err.Error() != "stdin: token too large: more than 3 bytes, over the 3 bytes limit; expected at most 3 bytes" {
		t.Errorf("over the limit: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{300: "300 bytes", 1 << 10: "1 KiB", 1 << 20: "1 MiB", 16 << 20: "16 MiB", 5 << 19: "2.5 MiB", 3 << 30: "3 GiB"} {
		if got := limits.Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestStripBOM(t *testing.T) {
	if got := limits.StripBOM([]byte("\xef\xbb\xbfa: 1")); string(got) != "a: 1" {
		t.Errorf("%q", got)
	}
	if got := limits.StripBOM([]byte("a: \xef\xbb\xbf")); string(got) != "a: \xef\xbb\xbf" {
		t.Errorf("only a leading BOM goes: %q", got)
	}
}

func TestCheckJSONDepth(t *testing.T) {
	if err := limits.CheckJSONDepth([]byte(`{"a": [1, {"b": "[[[[[[\"{{{{"}]}`), 3); err != nil {
		t.Errorf("brackets in strings counted: %v", err)
	}
	err := limits.CheckJSONDepth([]byte("{\"a\":\n  [[[1]]]}"), 3)
	var de *limits.DepthError
	if !errors.As(err, &de) || de.Line != 2 || de.Col != 5 {
		t.Fatalf("%#v", err)
	}
	if want := "2:5: nesting too deep: more than 3 levels of objects and arrays; expected at most 3"; err.Error() != want {
		t.Errorf("%q", err)
	}
	if err := limits.CheckJSONDepth([]byte(strings.Repeat("[", 1<<20)), 100); err == nil {
		t.Error("1 MiB of [ accepted")
	}
}
