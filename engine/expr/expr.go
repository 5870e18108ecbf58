// Package expr compiles the context expressions used in transformations and
// failure responses: ${request.auth[NAME]}, ${request.headers[NAME]},
// ${request.query[NAME]}, ${request.path[NAME]}, ${request.host},
// ${request.body}, ${request.cert}, ${request.identity[NAME]}, and the AWS
// spellings context.authorizer.NAME (context.authorizer.claims['NAME'] for a
// claim whose name has a colon), context.identity.NAME and
// method.request.{header,querystring,path}.NAME, with or without a leading $.
// Templates are compiled once at load and evaluated per request.
package expr

import (
	"fmt"
	"regexp"
	"strings"
)

// Tables an expression may read.
const (
	Auth    = "auth"
	Headers = "headers"
	Query   = "query"
	Path    = "path"
	Host    = "host"
	Body    = "body"
	Cert    = "cert"
	// Identity is $context.identity: the API key (AWS-K6) and the IAM
	// caller (AWS-S8).
	Identity = "identity"
)

// Tables lists every table, for error messages.
var Tables = []string{Auth, Headers, Query, Path, Host, Body, Cert, Identity}

// indexed tables take [NAME]; the others are single values.
var indexed = map[string]bool{Auth: true, Headers: true, Query: true, Path: true, Identity: true}

// Ref is one variable reference.
type Ref struct {
	Table string
	Name  string // empty for host, body, cert
}

func (r Ref) String() string {
	if r.Name == "" {
		return "${request." + r.Table + "}"
	}
	return "${request." + r.Table + "[" + r.Name + "]}"
}

type part struct {
	lit string
	ref *Ref
}

// Template is a compiled string with embedded references.
type Template struct {
	src   string
	parts []part
}

// Error is a compile error at a byte offset of the source string.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Env supplies values. ok is false when the variable is absent.
type Env interface {
	Lookup(table, name string) (value string, ok bool)
}

var awsAlias = regexp.MustCompile(`^\$?(context\.authorizer|context\.identity|method\.request\.header|method\.request\.querystring|method\.request\.path)\.([A-Za-z0-9_.:\-]+)$`)

// claimAlias is the bracket form AWS needs for claim names with a colon:
// context.authorizer.claims['cognito:username'] (AWS-U6).
var claimAlias = regexp.MustCompile(`^\$?context\.authorizer\.claims\[['"]([^'"\]]+)['"]\]$`)

// aliasRef reads an AWS spelling, or reports that s is none.
func aliasRef(s string) (Ref, bool) {
	if m := claimAlias.FindStringSubmatch(s); m != nil {
		return Ref{Table: Auth, Name: "claims." + m[1]}, true
	}
	if m := awsAlias.FindStringSubmatch(s); m != nil {
		return Ref{Table: aliasTable[m[1]], Name: m[2]}, true
	}
	return Ref{}, false
}

var aliasTable = map[string]string{
	"context.authorizer":         Auth,
	"context.identity":           Identity,
	"method.request.header":      Headers,
	"method.request.querystring": Query,
	"method.request.path":        Path,
}

// Compile parses a template. A whole value written in the AWS mapping style
// (`context.authorizer.user`, no ${}) is accepted as that one reference,
// because that is how API Gateway parameter mappings are written.
func Compile(src string) (*Template, error) {
	t := &Template{src: src}
	if ref, ok := aliasRef(src); ok {
		t.parts = []part{{ref: &ref}}
		return t, nil
	}
	rest, off := src, 0
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			if rest != "" {
				t.parts = append(t.parts, part{lit: rest})
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, part{lit: rest[:i]})
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return nil, &Error{Offset: off + i, Msg: fmt.Sprintf("unterminated expression %q: missing }", rest[i:])}
		}
		body := strings.TrimSpace(rest[i+2 : i+end])
		ref, err := parseRef(body)
		if err != nil {
			return nil, &Error{Offset: off + i, Msg: err.Error()}
		}
		t.parts = append(t.parts, part{ref: &ref})
		off += i + end + 1
		rest = rest[i+end+1:]
	}
}

var refRe = regexp.MustCompile(`^request\.([A-Za-z]+)(?:\[([^\]]*)\])?$`)

func parseRef(body string) (Ref, error) {
	if ref, ok := aliasRef(body); ok {
		return ref, nil
	}
	m := refRe.FindStringSubmatch(body)
	if m == nil {
		return Ref{}, fmt.Errorf("invalid expression ${%s}: expected ${request.TABLE[NAME]} (tables: %s) or context.authorizer.NAME", body, strings.Join(Tables, ", "))
	}
	table, name := m[1], m[2]
	known := false
	for _, t := range Tables {
		if t == table {
			known = true
		}
	}
	if !known {
		return Ref{}, fmt.Errorf("unknown table %q in ${%s}: expected one of %s", table, body, strings.Join(Tables, ", "))
	}
	if indexed[table] && name == "" {
		return Ref{}, fmt.Errorf("${%s}: request.%s needs a name, e.g. ${request.%s[NAME]}", body, table, table)
	}
	if !indexed[table] && strings.Contains(body, "[") {
		return Ref{}, fmt.Errorf("${%s}: request.%s takes no [NAME]", body, table)
	}
	return Ref{Table: table, Name: name}, nil
}

// Refs lists the references of the template.
func (t *Template) Refs() []Ref {
	var out []Ref
	for _, p := range t.parts {
		if p.ref != nil {
			out = append(out, *p.ref)
		}
	}
	return out
}

// IsLiteral reports whether the template has no references.
func (t *Template) IsLiteral() bool { return len(t.Refs()) == 0 }

// String returns the source.
func (t *Template) String() string { return t.src }

// Eval renders the template. Absent variables render empty and are listed in
// missing so callers can say why a value came out empty.
func (t *Template) Eval(env Env) (out string, missing []Ref) {
	return t.EvalAppend(env, nil)
}

// EvalAppend is Eval appending the missing references to missing, so a
// caller evaluating on every request can hand it a buffer of its own.
func (t *Template) EvalAppend(env Env, missing []Ref) (string, []Ref) {
	if len(t.parts) == 1 {
		p := t.parts[0]
		if p.ref == nil {
			return p.lit, missing
		}
		// One reference alone: its value as it is, not a copy.
		v, ok := env.Lookup(p.ref.Table, p.ref.Name)
		if !ok {
			missing = append(missing, *p.ref)
		}
		return v, missing
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.ref == nil {
			b.WriteString(p.lit)
			continue
		}
		v, ok := env.Lookup(p.ref.Table, p.ref.Name)
		if !ok {
			missing = append(missing, *p.ref)
		}
		b.WriteString(v)
	}
	return b.String(), missing
}
