package importer

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// The CloudFormation reader SAM and plain templates share (§2): resources,
// parameters, conditions, and intrinsic functions evaluated offline where
// they name values of the same template.

type cfnTemplate struct {
	im        *imp
	root      *node
	params    *node
	mappings  *node
	conds     *node
	globals   *node
	resources []*cfnRes
	byID      map[string]*cfnRes
	condCache map[string]int // 0 unknown, 1 true, 2 false
}

type cfnRes struct {
	id    string
	typ   string
	props *node
	n     *node
	at    pos
}

func (im *imp) newTemplate(root *node) *cfnTemplate {
	t := &cfnTemplate{im: im, root: root, params: root.get("Parameters"), mappings: root.get("Mappings"),
		conds: root.get("Conditions"), globals: root.get("Globals"), byID: map[string]*cfnRes{}, condCache: map[string]int{}}
	res := root.get("Resources")
	if res == nil || res.kind != kMap {
		return t
	}
	for i, id := range res.keys {
		v := res.vals[i]
		r := &cfnRes{id: id, typ: v.get("Type").text(), props: v.get("Properties"), n: v, at: res.keyPos[i]}
		if r.props == nil {
			r.props = &node{kind: kMap, pos: r.at}
		}
		if c := v.get("Condition"); c != nil {
			if ok, known := t.condition(c.text()); known && !ok {
				continue // not created with these parameters
			} else if !known {
				im.warn("IMP-UNRESOLVED", c.pos, "resource %s is created only when condition %s holds, which cannot be evaluated offline; imported", id, c.text())
			}
		}
		t.resources = append(t.resources, r)
		t.byID[id] = r
	}
	return t
}

func (t *cfnTemplate) ofType(types ...string) []*cfnRes {
	var out []*cfnRes
	for _, r := range t.resources {
		for _, ty := range types {
			if r.typ == ty {
				out = append(out, r)
			}
		}
	}
	return out
}

// prop reads a property with Fn::If and AWS::NoValue applied.
func (t *cfnTemplate) prop(n *node, keys ...string) *node {
	for _, k := range keys {
		n = t.resolve(n.get(k))
	}
	return n
}

// resolve picks the branch of a Fn::If and drops AWS::NoValue (nil).
func (t *cfnTemplate) resolve(n *node) *node {
	for i := 0; n != nil && i < 16; i++ {
		if n.kind != kMap || len(n.keys) != 1 {
			return n
		}
		switch n.keys[0] {
		case "Fn::If":
			args := n.vals[0]
			if args.kind != kList || len(args.list) != 3 {
				return n
			}
			ok, known := t.condition(args.list[0].text())
			if !known {
				t.im.warn("IMP-UNRESOLVED", n.pos, "condition %s cannot be evaluated offline; the value for true is imported", args.list[0].text())
				ok = true
			}
			if ok {
				n = args.list[1]
			} else {
				n = args.list[2]
			}
		case "Ref":
			if n.vals[0].text() == "AWS::NoValue" {
				return nil
			}
			return n
		default:
			return n
		}
	}
	return n
}

// condition evaluates a named condition with the parameter values.
func (t *cfnTemplate) condition(name string) (value, known bool) {
	const (
		isTrue = iota + 1
		isFalse
		busy // being evaluated: a cycle
		unknown
	)
	switch t.condCache[name] {
	case isTrue:
		return true, true
	case isFalse:
		return false, true
	case busy, unknown:
		return false, false
	}
	t.condCache[name] = busy
	v, k := t.condExpr(t.conds.get(name), 0)
	switch {
	case !k:
		t.condCache[name] = unknown
	case v:
		t.condCache[name] = isTrue
	default:
		t.condCache[name] = isFalse
	}
	return v, k
}

func (t *cfnTemplate) condExpr(n *node, depth int) (bool, bool) {
	if n == nil || n.kind != kMap || len(n.keys) != 1 || depth > 32 {
		if b, ok := n.boolean(); ok {
			return b, true
		}
		return false, false
	}
	args := n.vals[0]
	switch n.keys[0] {
	case "Condition":
		return t.condition(args.text())
	case "Fn::Equals":
		if args.kind != kList || len(args.list) != 2 {
			return false, false
		}
		a, ok1 := t.str(args.list[0])
		b, ok2 := t.str(args.list[1])
		return a == b, ok1 && ok2
	case "Fn::Not":
		if args.kind != kList || len(args.list) != 1 {
			return false, false
		}
		v, k := t.condExpr(args.list[0], depth+1)
		return !v, k
	case "Fn::And", "Fn::Or":
		and := n.keys[0] == "Fn::And"
		for _, a := range args.items() {
			v, k := t.condExpr(a, depth+1)
			if !k {
				return false, false
			}
			if and && !v {
				return false, true
			}
			if !and && v {
				return true, true
			}
		}
		return and, true
	}
	return false, false
}

// param is a parameter's value: --param, else its Default.
func (t *cfnTemplate) param(name string) (string, bool) {
	if v, ok := t.im.opts.Params[name]; ok {
		return v, true
	}
	p := t.params.get(name)
	if p == nil {
		return "", false
	}
	d := p.get("Default")
	if d == nil {
		return "", false
	}
	if d.kind == kList {
		var parts []string
		for _, x := range d.list {
			parts = append(parts, x.text())
		}
		return strings.Join(parts, ","), true
	}
	return d.scalar()
}

func (t *cfnTemplate) isParam(name string) bool { return t.params.get(name) != nil }

// pseudo resolves AWS:: pseudo parameters.
func (t *cfnTemplate) pseudo(name string, at pos) (string, bool) {
	switch name {
	case "AWS::Region":
		if t.im.opts.Region == "" {
			t.im.warnOnce("region", "IMP-UNRESOLVED", at, "AWS::Region is not known offline: us-east-1 is assumed (--region sets it); values built from it, such as a Cognito issuer, name that region")
		}
		return t.im.region(), true
	case "AWS::AccountId":
		if t.im.opts.Account != "" {
			return t.im.opts.Account, true
		}
		return "123456789012", true
	case "AWS::Partition":
		return "aws", true
	case "AWS::URLSuffix":
		return "amazonaws.com", true
	case "AWS::StackName":
		return strings.TrimSuffix(filepath.Base(t.im.file), filepath.Ext(t.im.file)), true
	}
	return "", false
}

// str evaluates a value to text where every part is known offline.
func (t *cfnTemplate) str(n *node) (string, bool) {
	return t.strDepth(n, 0)
}

func (t *cfnTemplate) strDepth(n *node, depth int) (string, bool) {
	n = t.resolve(n)
	if n == nil || depth > 32 {
		return "", false
	}
	if s, ok := n.scalar(); ok {
		if strings.HasPrefix(s, "{{resolve:") {
			return "", false // SSM / Secrets Manager dynamic reference
		}
		return s, true
	}
	if n.kind != kMap || len(n.keys) != 1 {
		return "", false
	}
	args := n.vals[0]
	switch n.keys[0] {
	case "Ref":
		name := args.text()
		if v, ok := t.pseudo(name, n.pos); ok {
			return v, true
		}
		if t.isParam(name) {
			return t.param(name)
		}
		return "", false // a resource: its physical id is not known offline
	case "Fn::Sub":
		return t.sub(args, depth)
	case "Fn::Join":
		if args.kind != kList || len(args.list) != 2 {
			return "", false
		}
		sep, ok := t.strDepth(args.list[0], depth+1)
		if !ok {
			return "", false
		}
		var parts []string
		for _, p := range t.listOf(args.list[1], depth+1) {
			s, ok := t.strDepth(p, depth+1)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, sep), true
	case "Fn::Select":
		if args.kind != kList || len(args.list) != 2 {
			return "", false
		}
		is, ok := t.strDepth(args.list[0], depth+1)
		i, err := strconv.Atoi(is)
		if !ok || err != nil {
			return "", false
		}
		l := t.listOf(args.list[1], depth+1)
		if i < 0 || i >= len(l) {
			return "", false
		}
		return t.strDepth(l[i], depth+1)
	case "Fn::FindInMap":
		if args.kind != kList || len(args.list) != 3 {
			return "", false
		}
		var ks []string
		for _, a := range args.list {
			s, ok := t.strDepth(a, depth+1)
			if !ok {
				return "", false
			}
			ks = append(ks, s)
		}
		v := t.mappings.path(ks...)
		if v == nil {
			return "", false
		}
		return t.strDepth(v, depth+1)
	case "Fn::Base64":
		return t.strDepth(args, depth+1)
	}
	return "", false
}

// listOf evaluates a list value (a list, Fn::Split, a list parameter).
func (t *cfnTemplate) listOf(n *node, depth int) []*node {
	n = t.resolve(n)
	if n == nil {
		return nil
	}
	if n.kind == kList {
		return n.list
	}
	if n.kind == kMap && len(n.keys) == 1 {
		switch n.keys[0] {
		case "Fn::Split":
			args := n.vals[0]
			if args.kind == kList && len(args.list) == 2 {
				sep, ok1 := t.strDepth(args.list[0], depth+1)
				s, ok2 := t.strDepth(args.list[1], depth+1)
				if ok1 && ok2 {
					var out []*node
					for _, p := range strings.Split(s, sep) {
						out = append(out, &node{kind: kScalar, str: p, pos: n.pos})
					}
					return out
				}
			}
		case "Ref":
			if v, ok := t.param(n.vals[0].text()); ok && t.isParam(n.vals[0].text()) {
				var out []*node
				for _, p := range strings.Split(v, ",") {
					out = append(out, &node{kind: kScalar, str: strings.TrimSpace(p), pos: n.pos})
				}
				return out
			}
		}
	}
	return []*node{n}
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// sub evaluates Fn::Sub: "${Param}", "${AWS::Region}", a literal "${!x}".
func (t *cfnTemplate) sub(args *node, depth int) (string, bool) {
	var tpl string
	vars := map[string]*node{}
	switch {
	case args.kind == kScalar:
		tpl = args.str
	case args.kind == kList && len(args.list) == 2:
		tpl = args.list[0].text()
		if m := args.list[1]; m.kind == kMap {
			for i, k := range m.keys {
				vars[k] = m.vals[i]
			}
		}
	default:
		return "", false
	}
	ok := true
	out := subVar.ReplaceAllStringFunc(tpl, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		if v, has := vars[name]; has {
			s, k := t.strDepth(v, depth+1)
			ok = ok && k
			return s
		}
		if v, k := t.pseudo(name, args.pos); k {
			return v
		}
		if t.isParam(name) {
			v, k := t.param(name)
			ok = ok && k
			return v
		}
		ok = false
		return m
	})
	return out, ok
}

// resourceRef finds the resource a value names anywhere inside it: !Ref X,
// !GetAtt X.Arn, ${X} / ${X.Arn} in a !Sub, parts of a !Join (§2.3).
func (t *cfnTemplate) resourceRef(n *node) string {
	return t.refIn(n, 0)
}

func (t *cfnTemplate) refIn(n *node, depth int) string {
	n = t.resolve(n)
	if n == nil || depth > 32 {
		return ""
	}
	switch n.kind {
	case kList:
		for _, x := range n.list {
			if r := t.refIn(x, depth+1); r != "" {
				return r
			}
		}
	case kMap:
		if len(n.keys) == 1 {
			args := n.vals[0]
			switch n.keys[0] {
			case "Ref":
				if id := args.text(); t.byID[id] != nil {
					return id
				}
				if id := t.aliasTarget(args.text()); id != "" {
					return id
				}
				return ""
			case "Fn::GetAtt":
				l := t.listOf(args, depth+1)
				if len(l) > 0 {
					id := l[0].text()
					if strings.Contains(id, ".") {
						id, _, _ = strings.Cut(id, ".")
					}
					if t.byID[id] != nil {
						return id
					}
				}
				return ""
			case "Fn::Sub":
				tpl := args.text()
				if args.kind == kList && len(args.list) > 0 {
					tpl = args.list[0].text()
					if r := t.refIn(args.list[1], depth+1); r != "" && len(args.list) > 1 {
						return r
					}
				}
				for _, m := range subVar.FindAllStringSubmatch(tpl, -1) {
					id, _, _ := strings.Cut(m[1], ".")
					if t.byID[id] != nil {
						return id
					}
					if a := t.aliasTarget(id); a != "" {
						return a
					}
				}
				return ""
			}
		}
		for _, v := range n.vals {
			if r := t.refIn(v, depth+1); r != "" {
				return r
			}
		}
	}
	return ""
}

// aliasTarget: SAM's AutoPublishAlias makes <Fn>Alias<name> references.
func (t *cfnTemplate) aliasTarget(id string) string {
	for _, r := range t.resources {
		if strings.HasPrefix(id, r.id+"Alias") && r.typ == "AWS::Serverless::Function" {
			return r.id
		}
	}
	return ""
}

// exprText renders an expression for messages and UNRESOLVED(...).
func exprText(n *node) string {
	return exprDepth(n, 0)
}

func exprDepth(n *node, depth int) string {
	if n == nil {
		return "null"
	}
	if depth > 6 {
		return "…"
	}
	switch n.kind {
	case kScalar:
		if n.tag != "" {
			return n.tag + " " + n.str
		}
		return n.str
	case kList:
		parts := make([]string, 0, len(n.list))
		for _, x := range n.list {
			parts = append(parts, exprDepth(x, depth+1))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case kMap:
		if len(n.keys) == 1 {
			name := strings.TrimPrefix(n.keys[0], "Fn::")
			if name == "Ref" || name == "Condition" || strings.HasPrefix(n.keys[0], "Fn::") {
				args := n.vals[0]
				if name == "GetAtt" && args.kind == kList && len(args.list) == 2 {
					return "!GetAtt " + args.list[0].text() + "." + args.list[1].text()
				}
				return "!" + name + " " + exprDepth(args, depth+1)
			}
		}
		parts := make([]string, 0, len(n.keys))
		for i, k := range n.keys {
			parts = append(parts, k+": "+exprDepth(n.vals[i], depth+1))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "null"
}

// text evaluates a value for the output: its text, or UNRESOLVED(<expr>)
// with a warning naming what.
func (t *cfnTemplate) text(n *node, what string) string {
	if s, ok := t.str(n); ok {
		return s
	}
	if n = t.resolve(n); n == nil {
		return ""
	}
	e := exprText(n)
	t.im.warn("IMP-UNRESOLVED", n.pos, "%s: %s cannot be resolved offline; written as UNRESOLVED(%s)", what, e, e)
	return fmt.Sprintf("UNRESOLVED(%s)", e)
}

// strings reads a string or list of strings.
func (t *cfnTemplate) strList(n *node, what string) []string {
	var out []string
	for _, x := range t.listOf(n, 0) {
		out = append(out, t.text(x, what))
	}
	return out
}

// num reads an integer value (a number or a numeric string).
func (t *cfnTemplate) num(n *node) (int, bool) {
	s, ok := t.str(n)
	if !ok {
		return 0, false
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return int(f), true
	}
	return 0, false
}

// boolean reads a boolean value (true, "true", True).
func (t *cfnTemplate) boolean(n *node) (bool, bool) {
	s, ok := t.str(n)
	if !ok {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes":
		return true, true
	case "false", "no":
		return false, true
	}
	return false, false
}

// deepMerge merges SAM Globals into a resource's properties: maps merged,
// the resource winning; lists concatenated (globals first).
func deepMerge(global, local *node) *node {
	if global == nil {
		return local
	}
	if local == nil {
		return global
	}
	if global.kind == kList && local.kind == kList {
		return &node{kind: kList, pos: local.pos, list: append(append([]*node{}, global.list...), local.list...)}
	}
	if global.kind != kMap || local.kind != kMap || isIntrinsic(local) || isIntrinsic(global) {
		return local
	}
	out := &node{kind: kMap, pos: local.pos}
	for i, k := range global.keys {
		out.keys = append(out.keys, k)
		out.keyPos = append(out.keyPos, global.keyPos[i])
		if l := local.get(k); l != nil {
			out.vals = append(out.vals, deepMerge(global.vals[i], l))
			out.keyPos[len(out.keyPos)-1] = local.keyAt(k)
		} else {
			out.vals = append(out.vals, global.vals[i])
		}
	}
	for i, k := range local.keys {
		if !global.has(k) {
			out.keys = append(out.keys, k)
			out.keyPos = append(out.keyPos, local.keyPos[i])
			out.vals = append(out.vals, local.vals[i])
		}
	}
	return out
}

func isIntrinsic(n *node) bool {
	return n != nil && n.kind == kMap && len(n.keys) == 1 && (n.keys[0] == "Ref" || strings.HasPrefix(n.keys[0], "Fn::"))
}
