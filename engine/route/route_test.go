package route

import "testing"

func TestParseErrors(t *testing.T) {
	for _, p := range []string{"orders", "/a//b", "/a/{id", "/a/x{id}", "/{p+}/x", "/{a}/{a}"} {
		if _, err := Parse(p); err == nil {
			t.Errorf("%s: accepted", p)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		tpl, path string
		ok        bool
		param     string
	}{
		{"/", "/", true, ""},
		{"/", "", true, ""},
		{"/a/{id}", "/a/1", true, "1"},
		{"/a/{id}", "/a/1/2", false, ""},
		{"/a/{id}", "/a/", false, ""},
		{"/f/{p+}", "/f/x/y", true, "x/y"},
		{"/f/{p+}", "/f", false, ""},
		{"/a/{id}", "/a/b%2Fc", true, "b/c"},
	}
	for _, c := range cases {
		tp, err := Parse(c.tpl)
		if err != nil {
			t.Fatal(err)
		}
		params, ok := tp.Match(c.path)
		var got string
		for _, v := range params {
			got = v
		}
		if ok != c.ok || (ok && got != c.param) {
			t.Errorf("%s ~ %s = %v %q, want %v %q", c.tpl, c.path, ok, got, c.ok, c.param)
		}
	}
}

func TestSortMostSpecificFirst(t *testing.T) {
	srcs := []string{"/{x+}", "/a/{id}", "/a/new", "/a/{id}/b"}
	ts := make([]*Template, len(srcs))
	idx := make([]int, len(srcs))
	for i, s := range srcs {
		ts[i], _ = Parse(s)
		idx[i] = i
	}
	Sort(idx, ts)
	want := []string{"/a/new", "/a/{id}/b", "/a/{id}", "/{x+}"}
	for i, j := range idx {
		if srcs[j] != want[i] {
			t.Fatalf("order %v, want %v", idx, want)
		}
	}
}
