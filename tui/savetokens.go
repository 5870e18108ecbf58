package tui

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/authlab/authlab/engine/config"
)

// TokenSource is how a token the session used was minted, so that a saved
// scenario can mint it again by name (${tokens.NAME}) instead of carrying
// the bearer token itself: a credential that would end up committed, and
// that expires while the file stays.
type TokenSource struct {
	Name string
	// Spec mints it; its key and secret files are absolute paths.
	Spec config.TokenSpec
	// At is the virtual time it was minted at.
	At time.Time
}

// noteToken records where a token came from.
func (s *Session) noteToken(tok string, src TokenSource) {
	if tok == "" {
		return
	}
	if s.tokens == nil {
		s.tokens = map[string]TokenSource{}
	}
	s.tokens[tok] = src
}

// tokenName is a name for a workbench token not taken by another source:
// its subject when it has one ("alice", "alice-2"), else "minted".
func (s *Session) tokenName(claims map[string]any) string {
	base := "minted"
	if sub, ok := claims["sub"].(string); ok && tokenNameRE.MatchString(sub) {
		base = sub
	}
	taken := map[string]bool{}
	for _, src := range s.tokens {
		taken[src.Name] = true
	}
	if s.Gateway != nil {
		for _, t := range s.Gateway.Tokens {
			taken[t.Name] = true
		}
	}
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name
}

var tokenNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,40}$`)

// absSpec is spec with its key and secret files resolved against dir.
func absSpec(spec config.TokenSpec, dir string) config.TokenSpec {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		if a, err := filepath.Abs(filepath.Join(dir, p)); err == nil {
			return a
		}
		return p
	}
	spec.Key, spec.SecretFile = abs(spec.Key), abs(spec.SecretFile)
	return spec
}

// scenarioTokens replaces, in the requests of doc, each token the session
// knows the source of by ${tokens.NAME}, and returns the scenario's
// tokens: entries minting them, keyed in name order. start is the
// scenario's clock; a token minted at another time gets its iat and exp
// (and nbf) written out, so it expires on replay when it did here.
func scenarioTokens(steps []scenarioStep, sources map[string]TokenSource, file string, start time.Time) yaml.MapSlice {
	if len(sources) == 0 {
		return nil
	}
	// Longest first: a token is never a part of another one replaced.
	toks := make([]string, 0, len(sources))
	for t := range sources {
		toks = append(toks, t)
	}
	sort.Slice(toks, func(i, j int) bool { return len(toks[i]) > len(toks[j]) })
	// Each distinct token gets its own name: the same gateway token picked
	// again later is another token (another iat and exp), and a replay
	// must send the one each step sent.
	used := map[string]TokenSource{}
	named := map[string]string{} // token → name in the file
	nameOf := func(t string) string {
		if n, ok := named[t]; ok {
			return n
		}
		base := sources[t].Name
		n := base
		for i := 2; ; i++ {
			if _, taken := used[n]; !taken {
				break
			}
			n = fmt.Sprintf("%s-%d", base, i)
		}
		named[t], used[n] = n, sources[t]
		return n
	}
	replace := func(v string) string {
		for _, t := range toks {
			if strings.Contains(v, t) {
				v = strings.ReplaceAll(v, t, "${tokens."+nameOf(t)+"}")
			}
		}
		return v
	}
	for i := range steps {
		r := steps[i].Request
		if r == nil {
			continue
		}
		r.Path = replace(r.Path)
		for j, h := range r.Headers {
			switch v := h.Value.(type) {
			case string:
				r.Headers[j].Value = replace(v)
			case []string:
				for k := range v {
					v[k] = replace(v[k])
				}
			}
		}
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	var out yaml.MapSlice
	for _, n := range names {
		out = append(out, yaml.MapItem{Key: n, Value: tokenEntry(used[n], file, start)})
	}
	return out
}

// tokenEntry is a token's entry in the scenario's tokens:, its files
// relative to the scenario.
func tokenEntry(src TokenSource, file string, start time.Time) yaml.MapSlice {
	sp := src.Spec
	var ms yaml.MapSlice
	add := func(k string, v any) { ms = append(ms, yaml.MapItem{Key: k, Value: v}) }
	if sp.Alg != "" {
		add("alg", sp.Alg)
	}
	for _, kf := range []struct{ key, path string }{{"key", sp.Key}, {"secretFile", sp.SecretFile}} {
		if kf.path != "" {
			p := kf.path
			if rel, err := relativeTo(file, kf.path); err == nil {
				p = rel
			}
			add(kf.key, p)
		}
	}
	if sp.Secret != "" {
		add("secret", sp.Secret)
	}
	if sp.KID != "" {
		add("kid", sp.KID)
	}
	if len(sp.Header) > 0 {
		add("header", sortedMap(sp.Header))
	}
	claims := map[string]any{}
	for k, v := range sp.Claims {
		claims[k] = v
	}
	exp, nbf := sp.ExpiresIn, sp.NotBefore
	if !src.At.IsZero() && !src.At.Equal(start) {
		// Minted after the scenario's start: its times are written out,
		// so it is the token it was, not one minted at the start.
		claims["iat"] = src.At.Unix()
		if exp != nil {
			claims["exp"] = src.At.Add(exp.Duration).Unix()
			exp = nil
		}
		if nbf != nil {
			claims["nbf"] = src.At.Add(nbf.Duration).Unix()
			nbf = nil
		}
	}
	if len(claims) > 0 {
		add("claims", sortedMap(claims))
	}
	if exp != nil {
		add("expiresIn", compactDuration(exp.Duration))
	}
	if nbf != nil {
		add("notBefore", compactDuration(nbf.Duration))
	}
	for _, p := range []struct{ k, v string }{{"preset", sp.Preset}, {"userPool", sp.UserPool}, {"clientId", sp.ClientID}, {"username", sp.Username}} {
		if p.v != "" {
			add(p.k, p.v)
		}
	}
	return ms
}

func sortedMap(m map[string]any) yaml.MapSlice {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ms := make(yaml.MapSlice, 0, len(keys))
	for _, k := range keys {
		ms = append(ms, yaml.MapItem{Key: k, Value: m[k]})
	}
	return ms
}

// embedsGeneratedToken reports a saved request carrying a workbench token
// whose key was generated in the session: the file has to hold the token
// itself.
func embedsGeneratedToken(entries []*Entry, s *Session) bool {
	for _, mt := range s.Minted {
		if _, named := s.tokens[mt.Token]; named {
			continue
		}
		for _, e := range entries {
			for _, h := range e.Spec.Headers {
				if strings.Contains(h, mt.Token) {
					return true
				}
			}
			if strings.Contains(e.Spec.Target, mt.Token) {
				return true
			}
		}
	}
	return false
}
