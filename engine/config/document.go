package config

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/goccy/go-yaml/ast"
)

// This file exports the loader's machinery to other file formats (scenario
// files), so they report problems exactly as gateway files do: every problem
// at once, at its line and column, with a caret and a suggestion.

// Document parses src as a file of one YAML document and returns its body.
// Syntax errors, a file past a limit (size, nesting, aliases: see Parse),
// an empty file (message empty) and extra documents go to diags; nil means
// there is nothing to decode. what names the format in messages
// ("gateway", "scenario").
func Document(file string, src []byte, diags *Diagnostics, what, empty string) ast.Node {
	d := newDecoder(file, diags)
	astFile := d.parse(src)
	if astFile == nil {
		return nil
	}
	if len(astFile.Docs) == 0 || astFile.Docs[0].Body == nil {
		d.errAt(Pos{1, 1}, "%s", empty)
		return nil
	}
	if len(astFile.Docs) > 1 {
		// Point at the second document's "---" (its Body may be nil: a
		// trailing "---" makes an empty document).
		d.errAt(docPos(astFile.Docs[1]), "a %s file holds one YAML document; found %d", what, len(astFile.Docs))
	}
	return astFile.Docs[0].Body
}

// NormalizeNewlines turns CRLF line endings into LF: the parser would keep
// the \r in values, and lines and columns are the same without it.
func NormalizeNewlines(src []byte) []byte {
	if !bytes.Contains(src, []byte("\r\n")) {
		return src
	}
	return bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
}

// Positions says where each decoded value and key was written, by dotted
// path ("steps[2].expect.status").
type Positions struct {
	pos, keyPos map[string]Pos
}

// Value returns where the value at path was written.
func (p *Positions) Value(path string) (Pos, bool) {
	v, ok := p.pos[path]
	return v, ok
}

// Key returns where the key of path was written.
func (p *Positions) Key(path string) (Pos, bool) {
	v, ok := p.keyPos[path]
	return v, ok
}

// Decode decodes the node n into v, a pointer to a struct tagged like the
// gateway types (yaml, required, enum, kind), reporting every problem into
// diags. path prefixes the dotted paths of messages and positions ("" at
// the top of a file); root names the top level in messages ("the scenario
// file"). A field tagged kind:"node" receives the raw ast.Node.
func Decode(file string, n ast.Node, v any, path, root string, diags *Diagnostics) *Positions {
	d := newDecoder(file, diags)
	d.root = root
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		d.errAt(nodePos(n), "internal: Decode needs a non-nil pointer, got %T", v)
		return &Positions{pos: d.pos, keyPos: d.keyPos}
	}
	d.decode(n, rv.Elem(), path, "")
	return &Positions{pos: d.pos, keyPos: d.keyPos}
}

// LoadNode checks a gateway written as a mapping inside another file (a
// scenario's inline `gateway:`). Positions are that file's own; src is its
// bytes and dir the folder its relative paths are resolved against.
func LoadNode(file string, src []byte, n ast.Node, dir string) (*Gateway, *Diagnostics, error) {
	diags := &Diagnostics{}
	diags.setSource(file, src)
	return loadNode(file, src, n, dir, "the inline gateway", diags)
}

// NodePos is where a node starts (a block mapping: its first key).
func NodePos(n ast.Node) Pos { return nodePos(n) }

// SetSource registers a file's bytes so Format can quote its lines.
func (ds *Diagnostics) SetSource(file string, src []byte) { ds.setSource(file, src) }

// Errorf adds an error at a position.
func (ds *Diagnostics) Errorf(file string, p Pos, format string, a ...any) {
	ds.add(Diagnostic{File: file, Line: p.Line, Col: p.Col, Severity: SevError, Message: fmt.Sprintf(format, a...)})
}

// Warnf adds a warning at a position, naming a semantics rule when rule is set.
func (ds *Diagnostics) Warnf(file string, p Pos, rule, format string, a ...any) {
	ds.add(Diagnostic{File: file, Line: p.Line, Col: p.Col, Severity: SevWarning, Rule: rule, Message: fmt.Sprintf(format, a...)})
}

// Suggest returns ` (did you mean "x"?)` for the candidate closest to got,
// or "" when none is close.
func Suggest(got string, candidates []string) string { return suggest(got, candidates) }
