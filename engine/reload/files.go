package reload

import (
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/authlab/authlab/engine/config"
)

// Files lists every file whose change reloads the gateway: the gateway file
// itself, the handler and command files its functions run, the key and
// JWKS files its jwt authorizers trust, and the key and secret files its
// test tokens are signed with. Paths are as the gateway resolves them.
func Files(g *config.Gateway) []string {
	if g == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if !strings.HasPrefix(g.File, "<") { // not <demo> or <inline>
		add(g.File)
	}
	for _, a := range g.Authorizers {
		// A dialect that reads keys from files says which (jwt: jwks,
		// publicKey).
		if kf, ok := a.Options.(interface{ KeyFiles() map[string]string }); ok {
			files := kf.KeyFiles()
			for _, k := range slices.Sorted(maps.Keys(files)) {
				add(g.Abs(files[k]))
			}
		}
		f := a.Function
		if f == nil {
			continue
		}
		if f.Handler != "" {
			add(filepath.Clean(g.Abs(handlerFile(f.Handler))))
		}
		dir := g.Dir
		if f.Dir != "" {
			dir = g.Abs(f.Dir)
		}
		for _, arg := range f.Command {
			// A script the command runs (node auth.js, ./auth.sh): an
			// argument that names a file by its extension.
			if filepath.Ext(arg) != "" && !strings.HasPrefix(arg, "-") {
				if !filepath.IsAbs(arg) {
					arg = filepath.Join(dir, arg)
				}
				add(arg)
			}
		}
	}
	for _, t := range g.Tokens {
		add(g.Abs(t.Key))
		add(g.Abs(t.SecretFile))
	}
	return out
}

// handlerFunc is the FUNCTION part of a FILE:FUNCTION handler, as the
// engine reads it.
var handlerFunc = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]*$`)

// handlerFile is the FILE of a FILE:FUNCTION handler; the function follows
// the last colon, so a Windows path keeps its drive letter.
func handlerFile(h string) string {
	if i := strings.LastIndex(h, ":"); i >= 0 && handlerFunc.MatchString(h[i+1:]) {
		return h[:i]
	}
	return h
}
