package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README works as written: a fenced block after "<!-- file: PATH -->"
// is that file of the repository, byte for byte (so the README shows real,
// tested files); a block after "<!-- runnable -->" is run line by line with
// the built binary first on PATH, in a copy of the repository's fixtures/
// and examples/, so paths work exactly as from the repository root.

var markedBlock = regexp.MustCompile("(?ms)^<!-- (file: \\S+|runnable) -->\\n```[a-z]*\\n(.*?)^```")

// repoRoot is the repository, from this package's folder.
var repoRoot = filepath.Join("..", "..")

func TestREADMEFilesAreTheRepositorysFiles(t *testing.T) {
	t.Parallel()
	readme := readREADME(t)
	n := 0
	for _, m := range markedBlock.FindAllSubmatch(readme, -1) {
		file, ok := strings.CutPrefix(string(m[1]), "file: ")
		if !ok {
			continue
		}
		n++
		want, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Errorf("README shows %s, which does not exist: %v", file, err)
			continue
		}
		if !bytes.Equal(m[2], want) {
			t.Errorf("the README's copy of %s differs from the file: update one from the other", file)
		}
	}
	if n < 2 {
		t.Errorf("found %d file blocks; the README shows the example gateway and scenario", n)
	}
}

func TestREADMECommandsRun(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	readme := readREADME(t)
	work := t.TempDir()
	for _, d := range []string{"fixtures", "examples"} {
		copyTree(t, filepath.Join(repoRoot, d), filepath.Join(work, d))
	}
	env := append(childEnv(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	_, jqErr := exec.LookPath("jq")
	lines := 0
	for _, m := range markedBlock.FindAllSubmatch(readme, -1) {
		if string(m[1]) != "runnable" {
			continue
		}
		for _, line := range strings.Split(string(m[2]), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if !strings.HasPrefix(line, "authlab ") {
				t.Errorf("runnable line %q: runnable blocks hold authlab commands", line)
				continue
			}
			if jqErr != nil && strings.Contains(line, "| jq") {
				t.Logf("no jq on PATH: not running %q", line)
				continue
			}
			lines++
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", line)
			cmd.Dir, cmd.Env = work, env
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				t.Errorf("README command failed: %s\n%v\n%s", line, err, out)
				continue
			}
			if strings.Contains(string(out), "panic:") {
				t.Errorf("README command crashed: %s\n%s", line, out)
			}
		}
	}
	if lines < 10 {
		t.Errorf("ran %d README commands; are the runnable markers there?", lines)
	}
}

func readREADME(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copyTree copies a folder of regular files (modes kept).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
