package config

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// decoder turns a YAML AST into the typed config, collecting every problem
// (with the node's own position) instead of stopping at the first, and
// recording where each value sits so later checks can point at it.
type decoder struct {
	file    string
	root    string // the top level in messages: "the gateway file"
	diags   *Diagnostics
	pos     map[string]Pos
	keyPos  map[string]Pos
	anchors map[string]ast.Node
}

func newDecoder(file string, diags *Diagnostics) *decoder {
	return &decoder{file: file, root: "the gateway file", diags: diags, pos: map[string]Pos{}, keyPos: map[string]Pos{}, anchors: map[string]ast.Node{}}
}

func nodePos(n ast.Node) Pos {
	// A block mapping's (and a key/value pair's) token is the first ":";
	// point at the first key instead, where the mapping starts.
	switch t := n.(type) {
	case *ast.MappingNode:
		if !t.IsFlowStyle && len(t.Values) > 0 {
			return nodePos(t.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return nodePos(t.Key)
	}
	if n == nil || n.GetToken() == nil {
		return Pos{1, 1}
	}
	p := n.GetToken().Position
	return Pos{p.Line, p.Column}
}

// docPos is where a document starts: its "---", else its body.
func docPos(doc *ast.DocumentNode) Pos {
	if doc.Start != nil {
		return Pos{doc.Start.Position.Line, doc.Start.Position.Column}
	}
	if doc.Body == nil {
		return Pos{1, 1}
	}
	return nodePos(doc.Body)
}

func (d *decoder) errAt(p Pos, format string, a ...any) {
	d.diags.add(Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Severity: SevError, Message: fmt.Sprintf(format, a...)})
}

// resolve strips anchors, tags and aliases.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for i := 0; i < 32 && n != nil; i++ {
		switch t := n.(type) {
		case *ast.AnchorNode:
			if t.Name != nil {
				d.anchors[t.Name.String()] = t.Value
			}
			n = t.Value
		case *ast.TagNode:
			n = t.Value
		case *ast.AliasNode:
			target, ok := d.anchors[t.Value.String()]
			if !ok {
				d.errAt(nodePos(t), "unknown alias *%s", t.Value.String())
				return nil
			}
			n = target
		default:
			return n
		}
	}
	return n
}

func kindName(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode:
		return "an integer"
	case *ast.FloatNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode:
		return "null"
	}
	return "a " + strings.ToLower(n.Type().String())
}

// scalarText returns a scalar's text as written (123456789012 stays digits).
func scalarText(n ast.Node) (string, bool) {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value, true
	case *ast.LiteralNode:
		return t.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return t.GetToken().Value, true
	case *ast.MappingNode, *ast.MappingValueNode:
		return gluedScalar(t)
	}
	return "", false
}

// gluedScalar undoes a go-yaml quirk: inside a flow collection nested in a
// flow mapping (`{allowedScope: [read:orders]}`) a plain scalar with a colon
// is parsed as a one-pair mapping. YAML reads it as the string "read:orders";
// the colon sits right after the key and the value right after the colon.
func gluedScalar(n ast.Node) (string, bool) {
	pairs, ok := mappingPairs(n)
	if !ok || len(pairs) != 1 {
		return "", false
	}
	k, kok := pairs[0].Key.(*ast.StringNode)
	if !kok || pairs[0].Value == nil {
		return "", false
	}
	v, vok := scalarText(pairs[0].Value)
	if !vok {
		return "", false
	}
	kp, vp := k.GetToken().Position, pairs[0].Value.GetToken().Position
	if kp.Line != vp.Line || vp.Column != kp.Column+len([]rune(k.Value))+1 {
		return "", false
	}
	return k.Value + ":" + v, true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var (
	durationType   = reflect.TypeOf(Duration{})
	stringListType = reflect.TypeOf(StringList{})
)

func (d *decoder) decode(n ast.Node, v reflect.Value, path string, kind string) {
	n = d.resolve(n)
	if n == nil {
		return
	}
	p := nodePos(n)
	d.pos[path] = p
	if kind == "node" {
		// The caller decodes this value itself (a scenario's `gateway:` is
		// a path or a whole gateway mapping): hand it the node.
		if nv := reflect.ValueOf(n); nv.Type().AssignableTo(v.Type()) {
			v.Set(nv)
		} else {
			d.errAt(p, "%s: cannot keep a YAML node in %s", path, v.Type())
		}
		return
	}
	if _, isNull := n.(*ast.NullNode); isNull && v.Kind() != reflect.Interface {
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path, kind)
		return
	}
	switch {
	case v.Type() == durationType:
		d.decodeDuration(n, v, p)
		return
	case v.Type() == stringListType:
		d.decodeStringList(n, v, path)
		return
	case kind == "namedmap":
		d.decodeNamedMap(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := scalarText(n)
		if !ok {
			d.errAt(p, "%s: expected a string, found %s", path, kindName(n))
			return
		}
		v.SetString(s)
	case reflect.Int:
		iv, ok := n.(*ast.IntegerNode)
		if !ok {
			d.errAt(p, "%s: expected an integer, found %s", path, kindName(n))
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(iv.GetToken().Value, "_", ""), 0, 64)
		if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
			d.errAt(p, "%s: integer %s out of range", path, iv.GetToken().Value)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		var text string
		switch t := n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
			text = t.GetToken().Value
		default:
			d.errAt(p, "%s: expected a number, found %s", path, kindName(n))
			return
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.errAt(p, "%s: invalid number %s", path, text)
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		bv, ok := n.(*ast.BoolNode)
		if !ok {
			d.errAt(p, "%s: expected true or false, found %s", path, kindName(n))
			return
		}
		v.SetBool(bv.Value)
	case reflect.Interface:
		var out any
		if err := yaml.NodeToValue(n, &out); err != nil {
			d.errAt(p, "%s: %v", path, err)
			return
		}
		if out != nil {
			v.Set(reflect.ValueOf(normalize(out)))
		}
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.errAt(p, "%s: expected a list, found %s", path, kindName(n))
			return
		}
		out := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, item := range seq.Values {
			ip := fmt.Sprintf("%s[%d]", path, i)
			if elem := out.Index(i); elem.Kind() == reflect.Pointer {
				// Never leave a nil item (from "-" alone or a bad alias) for
				// later checks to trip on: an empty one, and an error.
				elem.Set(reflect.New(elem.Type().Elem()))
				if _, isNull := d.resolve(item).(*ast.NullNode); isNull {
					p := nodePos(item)
					if i < len(seq.Entries) && seq.Entries[i].Start != nil {
						p = Pos{seq.Entries[i].Start.Position.Line, seq.Entries[i].Start.Position.Column}
					}
					d.pos[ip] = p
					d.errAt(p, "%s: empty list item", ip)
					continue
				}
			}
			d.decode(item, out.Index(i), ip, "")
		}
		v.Set(out)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	default:
		d.errAt(p, "%s: cannot decode into %s", path, v.Type())
	}
}

// mappingPairs returns the key/value pairs of a mapping node, or false.
func mappingPairs(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := n.(type) {
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

func (d *decoder) keyOf(mv *ast.MappingValueNode) (string, Pos) {
	k := d.resolve(mv.Key)
	if s, ok := scalarText(k); ok {
		return s, nodePos(k)
	}
	return mv.Key.String(), nodePos(mv.Key)
}

func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string) {
	pairs, ok := mappingPairs(n)
	if !ok {
		d.errAt(nodePos(n), "%s: expected a mapping, found %s", orRoot(path), kindName(n))
		return
	}
	t := v.Type()
	opt := -1 // a kind:"options" field takes the keys the struct lacks
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("kind") == "options" {
			opt = i
		}
	}
	var rest []*ast.MappingValueNode
	d.decodeFields(n, pairs, v, path, func(mv *ast.MappingValueNode, key string, kp Pos, names []string) {
		if opt >= 0 {
			rest = append(rest, mv)
			return
		}
		d.unknownKey(key, kp, path, names)
	})
	if opt >= 0 {
		d.decodeOptions(rest, v, opt, path)
	}
}

// decodeFields decodes pairs into the tagged fields of struct v, handing
// keys it has no field for to unknown.
func (d *decoder) decodeFields(n ast.Node, pairs []*ast.MappingValueNode, v reflect.Value, path string,
	unknown func(mv *ast.MappingValueNode, key string, kp Pos, names []string)) {
	t := v.Type()
	fields := map[string]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = i
		names = append(names, tag)
	}
	seen := map[string]bool{}
	for _, mv := range pairs {
		key, kp := d.keyOf(mv)
		if seen[key] {
			d.errAt(kp, "%s: duplicate key %q", orRoot(path), key)
			continue
		}
		seen[key] = true
		i, ok := fields[key]
		if !ok {
			unknown(mv, key, kp, names)
			continue
		}
		fp := join(path, key)
		d.keyPos[fp] = kp
		before := len(d.diags.List)
		kind := t.Field(i).Tag.Get("kind")
		d.decode(mv.Value, v.Field(i), fp, kind)
		if len(d.diags.List) > before {
			continue // the value was rejected; its zero value proves nothing
		}
		if t.Field(i).Tag.Get("required") == "true" && isEmptyValue(d.resolve(mv.Value)) {
			// `backend:` with nothing after it is a null: as good as missing.
			d.errAt(kp, "%s: required key %q has no value", orRoot(path), key)
			continue
		}
		if enum := t.Field(i).Tag.Get("enum"); enum != "" {
			d.checkEnum(v.Field(i), fp, strings.Split(enum, ","))
		}
		if kind == "authorizerType" {
			d.checkEnum(v.Field(i), fp, AuthorizerTypes())
		}
	}
	for _, name := range names {
		f := t.Field(fields[name])
		if f.Tag.Get("required") == "true" && !seen[name] {
			d.errAt(d.posOf(path, n), "%s: missing required key %q", orRoot(path), name)
		}
	}
}

func (d *decoder) unknownKey(key string, kp Pos, path string, names []string) {
	if len(names) > 12 {
		// A list of thirty keys buries the suggestion; the schema lists
		// them all.
		d.errAt(kp, "unknown key %q in %s%s ('authlab schema' lists every key)", key, d.describe(path), suggest(key, names))
		return
	}
	d.errAt(kp, "unknown key %q in %s%s; expected one of: %s", key, d.describe(path), suggest(key, names), strings.Join(names, ", "))
}

// decodeOptions decodes an authorizer's own keys into the options struct of
// its type (TypeSpec.Options). A key that belongs to another type is named
// as such; one that belongs to none is unknown.
func (d *decoder) decodeOptions(rest []*ast.MappingValueNode, v reflect.Value, opt int, path string) {
	typ := ""
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Tag.Get("kind") == "authorizerType" {
			typ = v.Field(i).String()
		}
	}
	spec := checkSpecOf(typ)
	if spec == nil {
		return // the type is missing or unknown, and was reported: its keys are moot
	}
	typ = spec.Type // a typo's keys are read as the type it was meant to be
	name := path[strings.LastIndex(path, ".")+1:]
	common := append([]string{"type"}, spec.Common...)
	misplaced := func(key string, kp Pos, own []string) {
		if others := typesReading(key); len(others) > 0 {
			d.errAt(kp, "authorizer %q: %s is not used by type %s (only by %s)", name, key, typ, strings.Join(others, ", "))
			return
		}
		d.unknownKey(key, kp, path, append(common, own...))
	}
	if spec.Options == nil {
		for _, mv := range rest {
			key, kp := d.keyOf(mv)
			misplaced(key, kp, nil)
		}
		return
	}
	o := reflect.ValueOf(spec.Options())
	if len(rest) > 0 {
		d.decodeFields(nil, rest, o.Elem(), path, func(mv *ast.MappingValueNode, key string, kp Pos, names []string) {
			misplaced(key, kp, names)
		})
	}
	v.Field(opt).Set(o)
}

// yamlKeys lists the YAML keys of a tagged struct (or pointer to one).
func yamlKeys(x any) []string {
	t := reflect.TypeOf(x)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

// isEmptyValue reports a null or an empty string.
func isEmptyValue(n ast.Node) bool {
	switch t := n.(type) {
	case *ast.NullNode:
		return true
	case *ast.StringNode:
		return t.Value == ""
	}
	return false
}

// checkEnum reports a value outside its field's allowed set.
func (d *decoder) checkEnum(v reflect.Value, path string, allowed []string) {
	var got string
	switch v.Kind() {
	case reflect.String:
		got = v.String()
		if got == "" {
			return
		}
	case reflect.Int:
		got = strconv.FormatInt(v.Int(), 10)
	default:
		return
	}
	for _, a := range allowed {
		if a == got {
			return
		}
	}
	d.errAt(d.pos[path], "%s: %q is not one of %s%s", path, got, strings.Join(allowed, ", "), suggest(got, allowed))
}

// posOf prefers where the key of path was written, else the node.
func (d *decoder) posOf(path string, n ast.Node) Pos {
	if p, ok := d.keyPos[path]; ok {
		return p
	}
	return nodePos(n)
}

func orRoot(path string) string {
	if path == "" {
		return "file"
	}
	return path
}

func (d *decoder) describe(path string) string {
	if path == "" {
		return d.root
	}
	return path
}

func (d *decoder) decodeMap(n ast.Node, v reflect.Value, path string) {
	pairs, ok := mappingPairs(n)
	if !ok {
		d.errAt(nodePos(n), "%s: expected a mapping, found %s", path, kindName(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, mv := range pairs {
		key, kp := d.keyOf(mv)
		fp := join(path, key)
		d.keyPos[fp] = kp
		if v.MapIndex(reflect.ValueOf(key)).IsValid() {
			d.errAt(kp, "%s: duplicate key %q", path, key)
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(mv.Value, elem, fp, "")
		v.SetMapIndex(reflect.ValueOf(key), elem)
	}
}

// decodeNamedMap decodes `name: {...}` pairs into a slice of pointers to
// structs with a Name field, keeping file order (a Go map would lose it).
func (d *decoder) decodeNamedMap(n ast.Node, v reflect.Value, path string) {
	pairs, ok := mappingPairs(n)
	if !ok {
		d.errAt(nodePos(n), "%s: expected a mapping of names to definitions, found %s", path, kindName(n))
		return
	}
	seen := map[string]bool{}
	out := reflect.MakeSlice(v.Type(), 0, len(pairs))
	for _, mv := range pairs {
		key, kp := d.keyOf(mv)
		if seen[key] {
			d.errAt(kp, "%s: duplicate name %q", path, key)
			continue
		}
		seen[key] = true
		fp := join(path, key)
		d.keyPos[fp] = kp
		item := reflect.New(v.Type().Elem().Elem())
		item.Elem().FieldByName("Name").SetString(key)
		d.decode(mv.Value, item.Elem(), fp, "")
		out = reflect.Append(out, item)
	}
	v.Set(out)
}

func (d *decoder) decodeStringList(n ast.Node, v reflect.Value, path string) {
	if s, ok := scalarText(n); ok {
		v.Set(reflect.ValueOf(StringList{s}))
		return
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errAt(nodePos(n), "%s: expected a string or a list of strings, found %s", path, kindName(n))
		return
	}
	out := make(StringList, 0, len(seq.Values))
	for i, item := range seq.Values {
		item = d.resolve(item)
		if item == nil {
			continue // an unknown alias, reported by resolve
		}
		ip := fmt.Sprintf("%s[%d]", path, i)
		d.pos[ip] = nodePos(item)
		s, ok := scalarText(item)
		if !ok {
			d.errAt(nodePos(item), "%s: expected a string, found %s", ip, kindName(item))
			continue
		}
		out = append(out, s)
	}
	v.Set(reflect.ValueOf(out))
}

func (d *decoder) decodeDuration(n ast.Node, v reflect.Value, p Pos) {
	s, ok := scalarText(n)
	if !ok {
		d.errAt(p, "expected a duration such as 300s or 5m, found %s", kindName(n))
		return
	}
	dur, err := ParseDuration(s)
	if err != nil {
		d.errAt(p, "%v", err)
		return
	}
	v.Set(reflect.ValueOf(Duration{dur}))
}

// ParseDuration reads "300s", "5m", "1h30m", "250ms", days ("1d", "7d",
// "1d12h": a day is 24 h, so a scenario can move past a usage plan's daily
// quota) or a bare number of seconds.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration: expected a duration such as 300s or 5m")
	}
	if m := daysRe.FindStringSubmatch(s); m != nil {
		days, err := strconv.Atoi(m[1])
		if err != nil || days > 100000 {
			return 0, fmt.Errorf("invalid duration %q: too many days", s)
		}
		var rest time.Duration
		if m[2] != "" {
			if rest, err = time.ParseDuration(m[2]); err != nil || rest < 0 {
				return 0, fmt.Errorf("invalid duration %q: expected a number with a unit (ms, s, m, h, d), e.g. 300s, 5m or 1d", s)
			}
		}
		return time.Duration(days)*24*time.Hour + rest, nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: expected a number with a unit (ms, s, m, h, d), e.g. 300s, 5m or 1d", s)
	}
	if dur < 0 {
		return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
	}
	return dur, nil
}

var daysRe = regexp.MustCompile(`^([0-9]+)d((?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))*)$`)

// normalize turns YAML-decoded values into JSON-ready ones (string keys).
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[fmt.Sprint(k)] = normalize(x)
		}
		return out
	case []any:
		for i, x := range t {
			t[i] = normalize(x)
		}
		return t
	case uint64:
		if t <= math.MaxInt64 {
			return int64(t)
		}
	}
	return v
}
