package transform

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/authlab/authlab/engine/config"
)

type env map[string]string

func (e env) Lookup(table, name string) (string, bool) {
	v, ok := e[table+"/"+name]
	return v, ok
}

func TestApply_ALL1_OCIT1(t *testing.T) {
	set, err := Compile(&config.Transformations{
		RenameHeaders: []*config.RenameItem{{From: "X-Old", To: "X-New"}},
		SetHeaders: []*config.SetItem{
			{Name: "X-User", Values: config.StringList{"${request.auth[user]}"}}, // OVERWRITE by default
			{Name: "X-Tags", Values: config.StringList{"b"}, IfExists: Append},
			{Name: "X-Keep", Values: config.StringList{"new"}, IfExists: Skip},
			{Name: "X-Empty", Values: config.StringList{"${request.auth[none]}"}}, // empty result removes the client value
		},
		FilterHeaders: &config.Filter{Type: "BLOCK", Items: []*config.FilterItem{{Name: "x-internal"}}},
		SetQuery:      []*config.SetItem{{Name: "tenant", Values: config.StringList{"acme"}}},
		FilterQuery:   &config.Filter{Type: "ALLOW", Items: []*config.FilterItem{{Name: "tenant"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"X-User": {"mallory"}, "X-Tags": {"a"}, "X-Keep": {"old"}, "X-Empty": {"forged"}, "X-Old": {"v"}, "X-Internal": {"1"}}
	q := url.Values{"debug": {"1"}}
	changes := set.Apply(h, q, env{"auth/user": "ann"})
	want := map[string]string{"X-User": "ann", "X-Tags": "a,b", "X-Keep": "old", "X-New": "v"}
	for k, v := range want {
		got := h.Values(k)
		joined := ""
		for i, x := range got {
			if i > 0 {
				joined += ","
			}
			joined += x
		}
		if joined != v {
			t.Errorf("%s = %q, want %q", k, joined, v)
		}
	}
	for _, gone := range []string{"X-Empty", "X-Old", "X-Internal"} {
		if _, ok := h[gone]; ok {
			t.Errorf("%s should be gone: %v", gone, h)
		}
	}
	if q.Get("tenant") != "acme" || q.Has("debug") {
		t.Errorf("query %v", q)
	}
	ops := map[string]string{}
	for _, c := range changes {
		ops[c.Name] = c.Op
	}
	for name, op := range map[string]string{"X-User": "overwritten", "X-Tags": "appended", "X-Keep": "skipped", "X-Empty": "removed", "X-New": "renamed", "X-Internal": "blocked", "debug": "blocked"} {
		if ops[name] != op {
			t.Errorf("change for %s = %q, want %q (all: %v)", name, ops[name], op, ops)
		}
	}
}
