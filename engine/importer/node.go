package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/limits"
)

// pos is a place in a source file (1-based); file "" means the file being
// imported.
type pos struct {
	file      string
	line, col int
}

func (p pos) valid() bool { return p.line > 0 }

// kind is what a node holds.
type kind int

const (
	kNull kind = iota
	kScalar
	kMap
	kList
)

// node is a parsed YAML or JSON value with the position of every element.
// CloudFormation short-form tags are already their long form (`!Ref X` is
// the map {Ref: X}); a tag the importer does not know stays in tag.
type node struct {
	kind kind
	pos  pos
	tag  string // an unknown tag ("!Foo"), or "" (short CFN tags are expanded)
	// scalar
	str    string
	quoted bool // a quoted string (never a number, bool or null)
	// map, in source order
	keys   []string
	keyPos []pos
	vals   []*node
	// list
	list []*node
}

// get returns the value of key, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kMap {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// getFold returns the value of the first key matching one of keys,
// ignoring case (SAM accepts JwtConfiguration.issuer and Issuer).
func (n *node) getFold(keys ...string) *node {
	if n == nil || n.kind != kMap {
		return nil
	}
	for _, want := range keys {
		for i, k := range n.keys {
			if strings.EqualFold(k, want) {
				return n.vals[i]
			}
		}
	}
	return nil
}

// has reports whether key is set.
func (n *node) has(key string) bool { return n.get(key) != nil }

// keyAt returns where key was written.
func (n *node) keyAt(key string) pos {
	if n == nil || n.kind != kMap {
		return pos{}
	}
	for i, k := range n.keys {
		if k == key {
			return n.keyPos[i]
		}
	}
	return n.pos
}

// path follows keys through nested maps.
func (n *node) path(keys ...string) *node {
	for _, k := range keys {
		n = n.get(k)
	}
	return n
}

// scalar returns a scalar's text and whether n is a plain scalar.
func (n *node) scalar() (string, bool) {
	if n == nil || n.kind != kScalar || n.tag != "" {
		return "", false
	}
	return n.str, true
}

// text is a scalar's text, else "".
func (n *node) text() string {
	s, _ := n.scalar()
	return s
}

// boolean reads true/false (YAML 1.1 yes/no and quoted "true" too).
func (n *node) boolean() (bool, bool) {
	s, ok := n.scalar()
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

// items returns a list's elements, or the node itself as a one-element list
// (many keys take a string or a list of strings).
func (n *node) items() []*node {
	switch {
	case n == nil || n.kind == kNull:
		return nil
	case n.kind == kList:
		return n.list
	}
	return []*node{n}
}

// at is the node's position, or fallback when n is nil.
func (n *node) at(fallback pos) pos {
	if n == nil || !n.pos.valid() {
		return fallback
	}
	return n.pos
}

// cfnFunctions are the CloudFormation intrinsic functions with a short
// form (!Name); !Ref and !Condition have no "Fn::" prefix.
var cfnFunctions = map[string]bool{
	"Base64": true, "Cidr": true, "FindInMap": true, "GetAtt": true, "GetAZs": true, "ImportValue": true,
	"Join": true, "Select": true, "Split": true, "Sub": true, "Transform": true, "If": true, "Equals": true,
	"Not": true, "And": true, "Or": true, "Length": true, "ToJsonString": true,
}

// parseError is a source that is not YAML or JSON.
type parseError struct {
	pos pos
	msg string
}

func (e *parseError) Error() string { return fmt.Sprintf("%d:%d: %s", e.pos.line, e.pos.col, e.msg) }

// parse reads a YAML or JSON source within authlab's limits (size,
// tokens, nesting, aliases: config.Parse) into a node tree.
func parse(file string, src []byte) (*node, error) {
	f, err := config.Parse(config.Prepare(src))
	if err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil {
			p := yerr.GetToken().Position
			return nil, &parseError{pos{file, p.Line, p.Column}, "invalid YAML or JSON: " + yerr.GetMessage()}
		}
		msg := err.Error()
		p := pos{file, 1, 1}
		var line, col int
		if n, _ := fmt.Sscanf(msg, "%d:%d:", &line, &col); n == 2 {
			p = pos{file, line, col}
			if _, rest, ok := strings.Cut(msg, ": "); ok {
				msg = rest
			}
		}
		return nil, &parseError{p, msg}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &parseError{pos{file, 1, 1}, "empty file"}
	}
	c := &converter{file: file, anchors: map[string]*node{}}
	return c.convert(f.Docs[0].Body, 0), nil
}

type converter struct {
	file    string
	anchors map[string]*node
}

func (c *converter) at(n ast.Node) pos {
	if n == nil || n.GetToken() == nil {
		return pos{c.file, 1, 1}
	}
	p := n.GetToken().Position
	return pos{c.file, p.Line, p.Column}
}

// convert turns a syntax tree into nodes. Nesting is bounded by
// config.Parse (limits.MaxDepth); the depth check here only guards the
// recursion against a tree it did not see.
func (c *converter) convert(n ast.Node, depth int) *node {
	if n == nil {
		return &node{kind: kNull}
	}
	if depth > limits.MaxDepth*2 {
		return &node{kind: kNull, pos: c.at(n)}
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		out := &node{kind: kMap, pos: c.at(v)}
		if len(v.Values) > 0 {
			out.pos = c.at(v.Values[0].Key)
		}
		for _, kv := range v.Values {
			c.entry(out, kv, depth)
		}
		return out
	case *ast.MappingValueNode:
		out := &node{kind: kMap, pos: c.at(v.Key)}
		c.entry(out, v, depth)
		return out
	case *ast.SequenceNode:
		out := &node{kind: kList, pos: c.at(v)}
		for _, e := range v.Values {
			out.list = append(out.list, c.convert(e, depth+1))
		}
		if len(out.list) > 0 && out.list[0].pos.valid() && !v.IsFlowStyle {
			out.pos = out.list[0].pos
		}
		return out
	case *ast.AnchorNode:
		val := c.convert(v.Value, depth+1)
		if v.Name != nil {
			c.anchors[v.Name.GetToken().Value] = val
		}
		return val
	case *ast.AliasNode:
		if v.Value != nil {
			if a, ok := c.anchors[v.Value.GetToken().Value]; ok {
				return a // shared, not copied: config.Parse bounded the expansion
			}
		}
		return &node{kind: kNull, pos: c.at(v)}
	case *ast.TagNode:
		return c.tag(v, depth)
	case *ast.NullNode:
		return &node{kind: kNull, pos: c.at(v)}
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &node{kind: kScalar, pos: c.at(v), str: s, quoted: true}
	case *ast.StringNode:
		tk := v.GetToken()
		quoted := tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
		return &node{kind: kScalar, pos: c.at(v), str: v.Value, quoted: quoted}
	case ast.ScalarNode:
		// numbers, booleans, infinities: keep the text as written, so
		// 2.0 stays "2.0" and 2010-09-09 stays a date string.
		return &node{kind: kScalar, pos: c.at(v), str: v.GetToken().Value}
	case *ast.CommentGroupNode, *ast.CommentNode:
		return &node{kind: kNull}
	}
	return &node{kind: kNull, pos: c.at(n)}
}

// entry adds one key: value to a map; a merge key (<<) copies the keys of
// the merged map(s) that are not set yet.
func (c *converter) entry(out *node, kv *ast.MappingValueNode, depth int) {
	if _, ok := kv.Key.(*ast.MergeKeyNode); ok {
		val := c.convert(kv.Value, depth+1)
		for _, m := range val.items() {
			if m.kind != kMap {
				continue
			}
			for i, k := range m.keys {
				if !out.has(k) {
					out.keys = append(out.keys, k)
					out.keyPos = append(out.keyPos, m.keyPos[i])
					out.vals = append(out.vals, m.vals[i])
				}
			}
		}
		return
	}
	key := ""
	if tk := kv.Key.GetToken(); tk != nil {
		key = tk.Value
	}
	if mk, ok := kv.Key.(*ast.MappingKeyNode); ok && mk.Value != nil && mk.Value.GetToken() != nil {
		key = mk.Value.GetToken().Value
	}
	val := c.convert(kv.Value, depth+1)
	if !val.pos.valid() {
		val.pos = c.at(kv.Key)
	}
	for i, k := range out.keys {
		if k == key { // a repeated key: the last wins, as in most YAML readers
			out.vals[i], out.keyPos[i] = val, c.at(kv.Key)
			return
		}
	}
	out.keys = append(out.keys, key)
	out.keyPos = append(out.keyPos, c.at(kv.Key))
	out.vals = append(out.vals, val)
}

// tag expands CloudFormation's short forms to the long ones.
func (c *converter) tag(v *ast.TagNode, depth int) *node {
	name := strings.TrimPrefix(v.Start.Value, "!")
	p := c.at(v)
	val := c.convert(v.Value, depth+1)
	if !val.pos.valid() {
		val.pos = p
	}
	wrap := func(key string, inner *node) *node {
		return &node{kind: kMap, pos: p, keys: []string{key}, keyPos: []pos{p}, vals: []*node{inner}}
	}
	switch {
	case strings.HasPrefix(name, "!"): // a YAML standard tag (!!str, !!int ...)
		if name == "!str" && val.kind == kScalar {
			val.quoted = true
		}
		return val
	case name == "Ref":
		return wrap("Ref", val)
	case name == "Condition":
		return wrap("Condition", val)
	case name == "GetAtt" && val.kind == kScalar:
		// !GetAtt A.B.C is [A, "B.C"]: split at the first dot.
		res, attr, _ := strings.Cut(val.str, ".")
		l := &node{kind: kList, pos: val.pos, list: []*node{
			{kind: kScalar, pos: val.pos, str: res},
			{kind: kScalar, pos: val.pos, str: attr},
		}}
		return wrap("Fn::GetAtt", l)
	case cfnFunctions[name]:
		return wrap("Fn::"+name, val)
	}
	val.tag = v.Start.Value
	return val
}
