package config_test

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/config"
)

// TestPATH6_TrailingSlashReachesAWeakerRoute: validate warns when a
// protected path with a trailing slash falls through to a route without the
// authorizer, and stays quiet when it does not.
func TestPATH6_TrailingSlashReachesAWeakerRoute(t *testing.T) {
	t.Parallel()
	const head = "version: 1\nauthorizers:\n  a:\n    type: aws-token\n    identitySource: header:Authorization\n    function: {runtime: mock, responses: [{return: {}}]}\nroutes:\n"
	cases := []struct {
		name, routes string
		warn         []string
	}{
		{"open catch-all", `  - {path: "/orders/{id}", authorizer: a, backend: {echo: true}}
  - {path: "/{proxy+}", backend: {echo: true}}
`, []string{"/orders/x/"}},
		{"open greedy sibling", `  - {path: "/api/orders", authorizer: a, backend: {echo: true}}
  - {path: "/api/{proxy+}", backend: {echo: true}}
`, []string{"/api/orders/"}},
		{"greedy of its own does not take an empty tail", `  - {path: "/admin", authorizer: a, backend: {echo: true}}
  - {path: "/admin/{rest+}", backend: {echo: true}}
`, nil},
		{"catch-all with the same authorizer", `  - {path: "/orders/{id}", authorizer: a, backend: {echo: true}}
  - {path: "/{proxy+}", authorizer: a, backend: {echo: true}}
`, nil},
		{"no sibling: a 404 / 403", `  - {path: "/orders/{id}", authorizer: a, backend: {echo: true}}
`, nil},
		{"methods do not overlap", `  - {path: "/orders/{id}", methods: [GET], authorizer: a, backend: {echo: true}}
  - {path: "/{proxy+}", methods: [POST], backend: {echo: true}}
`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags, err := config.Load("gw.yaml", []byte(head+c.routes), t.TempDir())
			if err != nil {
				t.Fatalf("does not load:\n%s", diags.Format(false))
			}
			var got []string
			for _, d := range diags.List {
				if d.Rule == "PATH-6" {
					got = append(got, d.Message)
				}
			}
			if len(got) != len(c.warn) {
				t.Fatalf("PATH-6 warnings %q, want %d about %v", got, len(c.warn), c.warn)
			}
			for i, w := range c.warn {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q does not name %s", got[i], w)
				}
			}
		})
	}
}
