package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// complete runs cobra's hidden __complete command, as a shell does.
func complete(t *testing.T, env map[string]string, args ...string) []string {
	t.Helper()
	out, errb := &bytes.Buffer{}, &bytes.Buffer{}
	io := &IO{In: strings.NewReader(""), Out: out, Err: errb, Getenv: func(k string) string { return env[k] }}
	if code := Execute(io, append([]string{"__complete"}, args...)); code != 0 {
		t.Fatalf("__complete %v: exit %d\n%s", args, code, errb)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[:len(lines)-1] // the last line is the directive
}

func TestCompletions(t *testing.T) {
	t.Parallel()
	orders := filepath.Join("..", "..", "examples", "orders", "authlab.yaml")
	same := func(args []string, want ...string) {
		t.Helper()
		if got := complete(t, nil, args...); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%v: got %v, want %v", args, got, want)
		}
	}
	same([]string{"fire", ""}, "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
	// the route paths of the -g gateway, else of the one the command would
	// load: the demo, here
	same([]string{"fire", "-g", orders, "GET", ""}, "/orders/{id}", "/users/{id}", "/stub", "/reports/{id}")
	same([]string{"fire", "GET", ""}, "/health", "/orders/{id}", "/users/{id}", "/reports/{key+}")
	same([]string{"fire", "PUT", ""}, "/orders/{id}")
	if got := complete(t, map[string]string{GatewayEnv: orders}, "fire", "GET", ""); strings.Join(got, " ") != "/orders/{id} /users/{id} /stub /reports/{id}" {
		t.Errorf("AUTHLAB_GATEWAY: %v", got)
	}
	same([]string{"fire", "-g", orders, "GET", "/x", "--token", ""}, "alice", "service")
	same([]string{"probe", "-g", orders, "GET", "/x", "--token", ""}, "alice", "service")
	same([]string{"fire", "-g", ""}, "yaml", "yml")
	same([]string{"demo", "--color", ""}, "auto", "always", "never")
	for _, args := range [][]string{{"token", "keygen", "--alg", ""}, {"token", "mint", "--alg", ""}, {"token", "verify", "--alg", "RS256,"}} {
		prefix := args[len(args)-1]
		got := strings.Join(complete(t, nil, args...), " ")
		if !strings.Contains(got, prefix+"ES256") || !strings.Contains(got, prefix+"EdDSA") {
			t.Errorf("%v: %v", args, got)
		}
	}
}

// TestColorRules: --color wins; else NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0,
// then whether stdout is a terminal.
func TestColorRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"", true, nil, true},
		{"", false, nil, false},
		{"", true, map[string]string{"NO_COLOR": "1"}, false},
		{"", false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"", false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"", true, map[string]string{"CLICOLOR": "0"}, false},
		{"", false, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{"always", false, map[string]string{"NO_COLOR": "1"}, true},
		{"never", true, map[string]string{"CLICOLOR_FORCE": "1"}, false},
		{"auto", true, nil, true},
	}
	for _, c := range cases {
		io := &IO{OutTTY: c.tty, ColorMode: c.mode, Getenv: func(k string) string { return c.env[k] }}
		if got := io.Color(); got != c.want {
			t.Errorf("--color=%q tty=%v env=%v: colour %v, want %v", c.mode, c.tty, c.env, got, c.want)
		}
	}
}
