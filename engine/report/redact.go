// Package report renders an engine result — its trace and response — as
// readable text or JSON. fire, run, serve and the TUI all use it, so a trace
// reads the same everywhere.
package report

import (
	"sort"
	"strings"
)

// Abbreviate shortens a secret so it can be recognised but not reused
// (ALL-2): "Bearer eyJhbGciOi…Q3xw".
func Abbreviate(s string) string {
	prefix := ""
	for _, scheme := range []string{"Bearer ", "Basic ", "bearer "} {
		if strings.HasPrefix(s, scheme) {
			prefix, s = scheme, s[len(scheme):]
			break
		}
	}
	r := []rune(s)
	switch {
	case len(r) <= 4:
		return prefix + "…"
	case len(r) <= 12:
		return prefix + string(r[:3]) + "…"
	}
	return prefix + string(r[:6]) + "…" + string(r[len(r)-4:])
}

// Redactor replaces secrets wherever they appear.
type Redactor struct {
	r *strings.Replacer
}

// NewRedactor abbreviates each secret; longer secrets are replaced first so
// "Bearer abc…" wins over its token "abc…".
func NewRedactor(secrets []string) *Redactor {
	if len(secrets) == 0 {
		return &Redactor{}
	}
	s := append([]string(nil), secrets...)
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	pairs := make([]string, 0, 2*len(s))
	for _, x := range s {
		pairs = append(pairs, x, Abbreviate(x))
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// String redacts s.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}
