package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/limits"
)

// skipDirs are folders a recursive search never enters: they hold other
// tools' files, not scenarios.
var skipDirs = map[string]bool{"node_modules": true, "vendor": true, "__pycache__": true}

// Discover lists the scenario files under paths: a file is taken as given;
// a directory means every *.yaml / *.yml under it, recursively, that is a
// scenario (has a top-level steps: key) — gateway files next to scenarios
// are left alone. Files are returned once each, in the order found.
func Discover(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		c := filepath.Clean(p)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("scenario path: %w", err)
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && (strings.HasPrefix(d.Name(), ".") || skipDirs[d.Name()]) {
					return filepath.SkipDir
				}
				return nil
			}
			if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" {
				return nil
			}
			// A file over the size limit is judged by its first bytes; if it
			// looks like a scenario, loading it reports the limit.
			src, err := limits.ReadFile(p, "scenario file", limits.MaxConfigBytes)
			if limits.IsTooLarge(err) {
				if stepsLine.Match(src) {
					add(p)
				}
				return nil
			}
			if err != nil {
				return err
			}
			if IsScenario(src) {
				add(p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("searching %s: %w", root, err)
		}
	}
	return out, nil
}

// stepsLine finds a top-level steps: key in text the parser cannot read.
var stepsLine = regexp.MustCompile(`(?m)^steps[ \t]*:`)

// IsScenario reports whether a YAML file is a scenario: its top level has
// a steps: key. A file the parser cannot read (or refuses: past a limit) is
// judged by its text, so a broken scenario is still reported as a scenario.
func IsScenario(src []byte) bool {
	src = config.Prepare(src)
	f, err := config.Parse(src)
	if err != nil || len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return stepsLine.Match(src)
	}
	var pairs []*ast.MappingValueNode
	switch t := f.Docs[0].Body.(type) {
	case *ast.MappingNode:
		pairs = t.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{t}
	}
	for _, mv := range pairs {
		if k, ok := mv.Key.(*ast.StringNode); ok && k.Value == "steps" {
			return true
		}
	}
	return false
}

// Shard is "K/N": this is job K (1-based) of N.
type Shard struct{ K, N int }

// ErrShard is wrapped by ParseShard.
var ErrShard = errors.New("invalid shard")

// ParseShard reads "K/N".
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(strings.TrimSpace(k))
	ni, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%w %q: expected K/N, e.g. 1/3", ErrShard, s)
	}
	if ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("%w %q: need 1 <= K <= N", ErrShard, s)
	}
	return Shard{ki, ni}, nil
}

// Pick returns this shard's files. Files are dealt round-robin in sorted
// path order, so every job computes the same split from the same checkout
// whatever order the paths were given in, and shards differ by at most one
// file.
func (s Shard) Pick(files []string) []string {
	sorted := append([]string(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return filepath.ToSlash(sorted[i]) < filepath.ToSlash(sorted[j]) })
	mine := map[string]bool{}
	for i, f := range sorted {
		if i%s.N == s.K-1 {
			mine[f] = true
		}
	}
	var out []string
	for _, f := range files {
		if mine[f] {
			out = append(out, f)
		}
	}
	return out
}
