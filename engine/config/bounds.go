package config

import (
	"errors"
	"fmt"
	"io"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/scanner"
	"github.com/goccy/go-yaml/token"

	"github.com/authlab/authlab/engine/limits"
)

// This file keeps a hostile YAML file cheap to refuse. The parser needs
// memory that grows with the square of the nesting (64 KB of "[" takes
// gigabytes), time that grows with the square of the keys of a block
// mapping (20,000 keys take seconds), and about half a kilobyte per token;
// aliases expand when values are decoded (a 500-byte "billion laughs" file
// expands to billions of nodes). So a file is checked in steps, each linear
// in the file's size:
//
//  1. its size, before it is read whole (ReadFile, limits.MaxConfigBytes);
//  2. its tokens, as the lexer makes them: how many (limits.MaxTokens), how
//     deeply they nest and how many keys a block mapping has, before the
//     parser sees them;
//  3. its aliases, on the syntax tree, before anything expands them: how
//     many there are, and how many nodes they would add once expanded,
//     computed once per anchor.

// ReadFile reads a gateway or scenario file (what names it: "gateway file")
// up to limits.MaxConfigBytes. A larger file is a positioned diagnostic,
// like any other problem of the file; err is the diagnostics then, or the
// error of a file that cannot be read.
func ReadFile(path, what string) ([]byte, *Diagnostics, error) {
	src, err := limits.ReadFile(path, what, limits.MaxConfigBytes)
	var tl *limits.TooLargeError
	switch {
	case errors.As(err, &tl):
		diags := &Diagnostics{}
		diags.Errorf(path, Pos{1, 1}, "%s", tl.Reason())
		return nil, diags, diags
	case err != nil:
		return nil, nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return src, nil, nil
}

// Prepare is what every loader does to a file's bytes before parsing: drop
// a UTF-8 byte order mark and turn CRLF line endings into LF.
func Prepare(src []byte) []byte {
	return NormalizeNewlines(limits.StripBOM(src))
}

// limitError is a file past one of the limits, at the place it was found.
type limitError struct {
	pos Pos
	msg string
}

func (e *limitError) Error() string { return fmt.Sprintf("%d:%d: %s", e.pos.Line, e.pos.Col, e.msg) }

// Parse parses src as YAML within the limits: size, nesting and aliases.
// A limit hit is an error that says where, what limit and what was expected;
// a syntax error is the parser's.
func Parse(src []byte) (*ast.File, error) {
	if len(src) > limits.MaxConfigBytes {
		return nil, &limitError{Pos{1, 1}, (&limits.TooLargeError{What: "file", Limit: limits.MaxConfigBytes, Size: int64(len(src))}).Reason()}
	}
	tokens, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	if err := checkTokens(tokens); err != nil {
		return nil, err
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return nil, err
	}
	for _, doc := range f.Docs {
		w := &aliasWalk{anchors: map[string]expansion{}}
		if err := w.check(doc.Body); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// parse parses like Parse and reports a problem into d's diagnostics.
func (d *decoder) parse(src []byte) *ast.File {
	f, err := Parse(src)
	if err == nil {
		return f
	}
	var lerr *limitError
	var yerr yaml.Error
	switch {
	case errors.As(err, &lerr):
		d.errAt(lerr.pos, "%s", lerr.msg)
	case errors.As(err, &yerr) && yerr.GetToken() != nil:
		p := yerr.GetToken().Position
		d.errAt(Pos{p.Line, p.Column}, "invalid YAML: %s", yerr.GetMessage())
	default:
		d.errAt(Pos{1, 1}, "invalid YAML: %v", err)
	}
	return nil
}

func tooManyTokens(p Pos) *limitError {
	return &limitError{p, fmt.Sprintf("file too long: more than %d YAML tokens (keys, values and punctuation); expected at most %d", limits.MaxTokens, limits.MaxTokens)}
}

// tokenize is lexer.Tokenize, stopped once the file has more tokens than
// allowed. The lexer hands over a line's tokens at once, and a 1 MiB line
// makes half a million; so a file whose bytes could make far more tokens
// than allowed is refused before it is lexed.
func tokenize(src []byte) (token.Tokens, error) {
	if at := tokenEstimate(src); at >= 0 {
		line, col := limits.Position(src, at)
		return nil, tooManyTokens(Pos{line, col})
	}
	var s scanner.Scanner
	s.Init(string(src))
	var tokens token.Tokens
	for {
		sub, err := s.Scan()
		if err == io.EOF {
			return tokens, nil
		}
		tokens.Add(sub...)
		if len(tokens) > limits.MaxTokens {
			tk := tokens[limits.MaxTokens]
			return nil, tooManyTokens(Pos{tk.Position.Line, tk.Position.Column})
		}
	}
}

// tokenEstimate counts what could be a token — each indicator character and
// each run of other non-blank characters — and returns the offset where the
// count passes limits.MaxTokens when it passes twice that in all, else -1.
// It counts words in strings and comments too, so only a file that is
// nearly all punctuation or very short words reaches it (real prose under
// the size limit stays far below).
func tokenEstimate(src []byte) int {
	n, at, inWord := 0, -1, false
	for i, c := range src {
		switch c {
		case ' ', '\t', '\n', '\r':
			inWord = false
			continue
		case '[', ']', '{', '}', ',', ':', '-', '?', '&', '*', '!', '|', '>', '#', '"', '\'':
			inWord = false
		default:
			if inWord {
				continue
			}
			inWord = true
		}
		n++
		if n == limits.MaxTokens+1 {
			at = i
		}
		if n > 2*limits.MaxTokens {
			return at
		}
	}
	return -1
}

func tooDeep(p Pos, what string) *limitError {
	return &limitError{p, fmt.Sprintf("nesting too deep%s: more than %d levels of mappings and lists; expected at most %d", what, limits.MaxDepth, limits.MaxDepth)}
}

// checkTokens estimates the nesting from the tokens alone, in one pass:
// flow collections by their brackets, block collections by the columns of
// their "-", "?" and "key:" indicators. It never counts more levels than
// the parser will build, and at most twice fewer, so the exact check on the
// tree (aliasWalk) does the rest on a tree that is cheap to build. It also
// counts the keys of each block mapping.
func checkTokens(tokens token.Tokens) error {
	type level struct {
		col  int
		seq  bool
		keys int
	}
	var block []level
	flow := 0
	var prev *token.Token
	for _, tk := range tokens {
		p := Pos{tk.Position.Line, tk.Position.Column}
		switch tk.Type {
		case token.DocumentHeaderType, token.DocumentEndType:
			block, flow = block[:0], 0
		case token.SequenceStartType, token.MappingStartType:
			flow++
			if len(block)+flow > limits.MaxDepth {
				return tooDeep(p, "")
			}
		case token.SequenceEndType, token.MappingEndType:
			if flow > 0 {
				flow--
			}
		case token.SequenceEntryType, token.MappingKeyType, token.MappingValueType:
			if flow > 0 {
				break
			}
			seq := tk.Type == token.SequenceEntryType
			col := p.Col
			if tk.Type == token.MappingValueType {
				// A key's level is the column where the key starts; a ":"
				// alone on its line answers a "?" already counted.
				if prev == nil || prev.Position.Line != tk.Position.Line {
					break
				}
				col = prev.Position.Column
				p = Pos{prev.Position.Line, col}
			}
			for len(block) > 0 {
				top := block[len(block)-1]
				// A key at the column of a "-" is outside that list.
				if top.col > col || (top.col == col && top.seq && !seq) {
					block = block[:len(block)-1]
					continue
				}
				break
			}
			if n := len(block); n > 0 && block[n-1].col == col && block[n-1].seq == seq {
				// The next entry of the same collection.
				if block[n-1].keys++; !seq && block[n-1].keys > limits.MaxMappingKeys {
					return &limitError{p, fmt.Sprintf("too many keys: more than %d in one block mapping; expected at most %d (write a larger mapping in flow style, {key: value, ...})", limits.MaxMappingKeys, limits.MaxMappingKeys)}
				}
				break
			}
			// Deeper, or a list written at its key's column (a list value).
			block = append(block, level{col, seq, 1})
			if len(block)+flow > limits.MaxDepth {
				return tooDeep(p, "")
			}
		}
		if tk.Type != token.CommentType {
			prev = tk
		}
	}
	return nil
}

// expansion is what an anchor's value stands for wherever an alias names it.
type expansion struct {
	nodes int // nodes, aliases inside it expanded
	depth int // levels of mappings and lists, aliases inside it expanded
}

// aliasWalk checks one document's tree: its exact nesting with aliases
// expanded, how many aliases it uses, and how many nodes they add. Each
// anchor's expansion is computed once, where it is defined (an alias can
// only name an anchor written before it), so the walk is linear in the size
// of the file however far the aliases would expand.
type aliasWalk struct {
	anchors map[string]expansion
	aliases int
	added   int // nodes the aliases add
}

func (w *aliasWalk) check(n ast.Node) error {
	_, err := w.walk(n, 0)
	return err
}

// walk returns n's expansion; depth is the number of levels above n.
func (w *aliasWalk) walk(n ast.Node, depth int) (expansion, error) {
	if n == nil {
		return expansion{}, nil
	}
	level := func() error {
		if depth+1 > limits.MaxDepth {
			return tooDeep(nodePos(n), "")
		}
		return nil
	}
	switch t := n.(type) {
	case *ast.AnchorNode:
		e, err := w.walk(t.Value, depth)
		if err != nil {
			return e, err
		}
		if t.Name != nil {
			w.anchors[t.Name.String()] = e
		}
		return e, nil
	case *ast.AliasNode:
		w.aliases++
		if w.aliases > limits.MaxAliases {
			return expansion{}, &limitError{nodePos(t), fmt.Sprintf("too many aliases: more than %d alias uses (*name) in one file; expected at most %d", limits.MaxAliases, limits.MaxAliases)}
		}
		name := ""
		if t.Value != nil {
			name = t.Value.String()
		}
		e, ok := w.anchors[name]
		if !ok {
			return expansion{nodes: 1}, nil // an unknown alias: the decoder reports it
		}
		w.added += e.nodes
		if w.added > limits.MaxAliasNodes {
			return e, &limitError{nodePos(t), fmt.Sprintf("aliases expand too far: with *%s the file's aliases add more than %d nodes once expanded; expected at most %d (write the values out, or reuse less)", name, limits.MaxAliasNodes, limits.MaxAliasNodes)}
		}
		if depth+e.depth > limits.MaxDepth {
			return e, tooDeep(nodePos(t), fmt.Sprintf(" once *%s is expanded", name))
		}
		return e, nil
	case *ast.TagNode:
		return w.walk(t.Value, depth)
	case *ast.MappingNode:
		if err := level(); err != nil {
			return expansion{}, err
		}
		sum := expansion{nodes: 1}
		for _, mv := range t.Values {
			e, err := w.pair(mv, depth+1)
			if err != nil {
				return e, err
			}
			sum = add(sum, e)
		}
		sum.depth++
		return sum, nil
	case *ast.MappingValueNode:
		// A mapping of one pair, where the parser builds no MappingNode.
		if err := level(); err != nil {
			return expansion{}, err
		}
		e, err := w.pair(t, depth+1)
		e.nodes++
		e.depth++
		return e, err
	case *ast.SequenceNode:
		if err := level(); err != nil {
			return expansion{}, err
		}
		sum := expansion{nodes: 1}
		for _, v := range t.Values {
			e, err := w.walk(v, depth+1)
			if err != nil {
				return e, err
			}
			sum = add(sum, e)
		}
		sum.depth++
		return sum, nil
	case *ast.MappingKeyNode:
		return w.walk(t.Value, depth)
	}
	return expansion{nodes: 1}, nil
}

// pair walks a key and its value; the pair itself is not a level.
func (w *aliasWalk) pair(mv *ast.MappingValueNode, depth int) (expansion, error) {
	k, err := w.walk(mv.Key, depth)
	if err != nil {
		return k, err
	}
	v, err := w.walk(mv.Value, depth)
	if err != nil {
		return v, err
	}
	return add(k, v), nil
}

// add sums node counts (capped: an anchor of anchors may count past any
// int) and keeps the deeper depth.
func add(a, b expansion) expansion {
	n := a.nodes + b.nodes
	if n > 1<<40 {
		n = 1 << 40
	}
	return expansion{nodes: n, depth: max(a.depth, b.depth)}
}
