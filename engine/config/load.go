// Package config loads and checks gateway files (contract §2). Every problem
// of a file is reported in one run, each as file:line:col with the source
// line and a caret, so a user fixes a file in one pass.
package config

import (
	"path/filepath"
	"reflect"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Defaults applied after loading; each is visible in the trace.
const (
	DefaultTTL       = 300 * time.Second // AWS-C1
	MaxTTL           = 3600 * time.Second
	DefaultRegion    = "us-east-1"
	DefaultAccount   = "123456789012"
	DefaultAPIID     = "a1b2c3d4e5"
	DefaultStage     = "prod"
	DefaultFnTimeout = 3 * time.Second
)

// LoadFile reads and checks a gateway file. The returned diagnostics hold
// warnings even when err is nil; err is a *Diagnostics when the file has
// errors. A file over limits.MaxConfigBytes is refused before it is read
// whole.
func LoadFile(path string) (*Gateway, *Diagnostics, error) {
	src, diags, err := ReadFile(path, "gateway file")
	if err != nil {
		return nil, diags, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	return Load(path, src, filepath.Dir(abs))
}

// Load parses src (named file in messages) with relative paths resolved
// against dir.
func Load(file string, src []byte, dir string) (*Gateway, *Diagnostics, error) {
	src = Prepare(src)
	if tr, ok, err := translate(file, src); ok {
		return loadTranslated(file, src, dir, tr, err)
	}
	diags := &Diagnostics{}
	diags.setSource(file, src)
	body := Document(file, src, diags, "gateway", "empty gateway file: expected a mapping with version, authorizers and routes")
	if body == nil {
		return nil, diags, diags
	}
	return loadNode(file, src, body, dir, "the gateway file", diags)
}

// loadNode decodes and checks a gateway mapping; src is the bytes of the
// file the node's positions refer to.
func loadNode(file string, src []byte, body ast.Node, dir, root string, diags *Diagnostics) (*Gateway, *Diagnostics, error) {
	g := &Gateway{File: file, Dir: dir, Source: src}
	d := newDecoder(file, diags)
	d.root = root
	d.decode(body, reflect.ValueOf(g).Elem(), "", "")
	g.pos, g.keyPos = d.pos, d.keyPos
	v := &validator{g: g, diags: diags, file: file}
	v.run()
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags, diags
	}
	return g, diags, nil
}

// Abs resolves a path from the file against the gateway's folder.
func (g *Gateway) Abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(g.Dir, p)
}

// PosOf returns where the value at a dotted path was written.
func (g *Gateway) PosOf(path string) (Pos, bool) {
	p, ok := g.pos[path]
	return p, ok
}

// Authorizer returns the named authorizer or nil.
func (g *Gateway) Authorizer(name string) *Authorizer {
	for _, a := range g.Authorizers {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// TTLValue returns the effective cache TTL.
func (a *Authorizer) TTLValue() time.Duration {
	if a.TTL == nil {
		return DefaultTTL
	}
	return a.TTL.Duration
}

// TimeoutValue returns the effective per-call timeout.
func (f *Function) TimeoutValue() time.Duration {
	if f.Timeout == nil || f.Timeout.Duration == 0 {
		return DefaultFnTimeout
	}
	return f.Timeout.Duration
}
