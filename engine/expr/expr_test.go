package expr

import (
	"strings"
	"testing"
)

type env map[string]string

func (e env) Lookup(table, name string) (string, bool) {
	v, ok := e[table+"/"+name]
	return v, ok
}

func TestCompileAndEval(t *testing.T) {
	e := env{"auth/user": "ann", "headers/X-Id": "7", "host/": "api.example", "path/id": "42"}
	cases := []struct{ src, want, missing string }{
		{"plain", "plain", ""},
		{"${request.auth[user]}", "ann", ""},
		{"u=${request.auth[user]};id=${request.path[id]}", "u=ann;id=42", ""},
		{"${request.host}", "api.example", ""},
		{"context.authorizer.user", "ann", ""},    // AWS mapping spelling, whole value
		{"${context.authorizer.user}", "ann", ""}, // inside ${}
		{"method.request.header.X-Id", "7", ""},
		{"${request.auth[nope]}!", "!", "${request.auth[nope]}"},
	}
	for _, c := range cases {
		tpl, err := Compile(c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		got, missing := tpl.Eval(e)
		var ms []string
		for _, m := range missing {
			ms = append(ms, m.String())
		}
		if got != c.want || strings.Join(ms, ",") != c.missing {
			t.Errorf("%s = %q (missing %v), want %q (missing %q)", c.src, got, ms, c.want, c.missing)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		src    string
		offset int
		msg    string
	}{
		{"x ${request.auth[user]", 2, "unterminated"},
		{"${request.foo[x]}", 0, `unknown table "foo"`},
		{"ab${request.auth}", 2, "needs a name"},
		{"${request.host[x]}", 0, "takes no [NAME]"},
		{"${whatever}", 0, "invalid expression"},
	}
	for _, c := range cases {
		_, err := Compile(c.src)
		ee, ok := err.(*Error)
		if !ok || ee.Offset != c.offset || !strings.Contains(ee.Msg, c.msg) {
			t.Errorf("%s: %v, want offset %d and %q", c.src, err, c.offset, c.msg)
		}
	}
}
