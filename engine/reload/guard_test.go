package reload

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/config"
)

const head = `version: 1
authorizers:
  admin:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: mock, responses: [{return: Unauthorized}]}
  oci:
    type: oci
    token: request.headers[Authorization]
    function: {runtime: mock, responses: [{return: {active: false}}]}
  other:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
`

func load(t *testing.T, routes string) *config.Gateway {
	t.Helper()
	g, diags, err := config.Load("gw.yaml", []byte(head+routes), t.TempDir())
	if err != nil {
		t.Fatalf("gateway does not load:\n%s", diags.Format(true))
	}
	return g
}

func TestRemoved(t *testing.T) {
	t.Parallel()
	guarded := "  - path: /admin/{x}\n    authorizer: admin\n    backend: {echo: true}\n"
	cases := []struct {
		name, old, new string
		want           string // "" = no removal
	}{
		{"authorizer line gone", guarded, "  - path: /admin/{x}\n    backend: {echo: true}\n", `route /admin/{x}: authorizer "admin" removed`},
		{"made anonymous", "  - path: /admin/{x}\n    authorizer: oci\n    backend: {echo: true}\n", "  - path: /admin/{x}\n    authorizer: oci\n    authorization: {type: ANONYMOUS}\n    backend: {echo: true}\n", `authorization is now ANONYMOUS; authorizer "oci"`},
		{"scopes dropped",
			"  - path: /admin/{x}\n    authorizer: admin\n    authorization: {type: ANY_OF, allowedScope: [admin]}\n    backend: {echo: true}\n",
			guarded, "ANY_OF admin"},
		{"route gone, catch-all open", guarded + "  - path: /{proxy+}\n    backend: {echo: true}\n", "  - path: /{proxy+}\n    backend: {echo: true}\n",
			`authorizer "admin"; its paths now reach /{proxy+}, which has no authorizer`},
		{"route gone, nothing serves it", guarded, "  - path: /other\n    backend: {echo: true}\n", ""},
		{"authorizer swapped", guarded, "  - path: /admin/{x}\n    authorizer: other\n    backend: {echo: true}\n", ""},
		{"unchanged", guarded, guarded, ""},
		{"protection added", "  - path: /admin/{x}\n    backend: {echo: true}\n", guarded, ""},
		{"other method unguarded", "  - path: /admin/{x}\n    methods: [GET]\n    authorizer: admin\n    backend: {echo: true}\n",
			"  - path: /admin/{x}\n    methods: [GET]\n    authorizer: admin\n    backend: {echo: true}\n  - path: /admin/{x}\n    methods: [POST]\n    backend: {echo: true}\n", ""},
	}
	for _, c := range cases {
		got := Removed(load(t, c.old), load(t, c.new))
		var s []string
		for _, r := range got {
			s = append(s, r.String())
		}
		all := strings.Join(s, "\n")
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s: reported %s", c.name, all)
		case c.want != "" && !strings.Contains(all, c.want):
			t.Errorf("%s: got %q, want %q", c.name, all, c.want)
		case c.want != "" && got[0].Authorizer == "":
			t.Errorf("%s: the removal does not name the authorizer", c.name)
		}
	}
}
