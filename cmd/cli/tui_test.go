package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUIWithoutTerminal: `authlab` alone (and `authlab tui`) in CI, with
// pipes instead of a terminal, must say so and exit 2 at once — never wait
// for keys that will not come.
func TestTUIWithoutTerminal(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"tui"}, {"tui", "-g", "nowhere.yaml"}} {
		out, errb := &bytes.Buffer{}, &bytes.Buffer{}
		io := &IO{In: strings.NewReader(""), Out: out, Err: errb, Getenv: func(string) string { return "" }}
		done := make(chan int, 1)
		go func() { done <- Execute(io, args) }()
		select {
		case code := <-done:
			if code != ExitUsage {
				t.Errorf("authlab %v: exit %d, want %d", args, code, ExitUsage)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("authlab %v hangs without a terminal", args)
		}
		want := "authlab: the TUI needs a terminal; try 'authlab demo' or 'authlab fire ...'\n"
		if errb.String() != want {
			t.Errorf("authlab %v: stderr %q, want %q", args, errb.String(), want)
		}
		if out.Len() != 0 {
			t.Errorf("authlab %v: stdout %q, want nothing", args, out.String())
		}
	}
}

// TestTUIGatewayRule: -g, else $AUTHLAB_GATEWAY, else ./authlab.yaml or
// ./authlab.yml, else the demo with a notice, as for the other commands; a
// file that does not exist is a usage error, but an invalid one is left to
// the TUI's problems screen.
func TestTUIGatewayRule(t *testing.T) {
	t.Chdir(t.TempDir())
	env := map[string]string{}
	io := &IO{Getenv: func(k string) string { return env[k] }}
	if ch, err := tuiGateway(io, ""); err != nil || !ch.Demo || ch.Path != "" || !strings.Contains(ch.Notice, "embedded demo") {
		t.Fatalf("no file: got %+v, %v; want the demo, with a notice", ch, err)
	}
	if _, err := tuiGateway(io, "missing.yaml"); exitCode(err) != ExitUsage {
		t.Fatalf("-g missing.yaml: got %v, want a usage error", err)
	}
	if err := os.WriteFile("authlab.yml", []byte("not: [a gateway"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ch, err := tuiGateway(io, ""); err != nil || ch.Path != "authlab.yml" {
		t.Fatalf("./authlab.yml present: got %+v, %v", ch, err)
	}
	if err := os.WriteFile(DefaultGatewayFile, []byte("not: [a gateway"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ch, err := tuiGateway(io, ""); err != nil || ch.Path != DefaultGatewayFile {
		t.Fatalf("./authlab.yaml present: got %+v, %v", ch, err)
	}
	if ch, err := tuiGateway(io, "authlab.yaml"); err != nil || ch.Path != "authlab.yaml" {
		t.Fatalf("-g authlab.yaml: got %+v, %v", ch, err)
	}
	env[GatewayEnv] = "authlab.yml"
	if ch, err := tuiGateway(io, ""); err != nil || ch.Path != "authlab.yml" {
		t.Fatalf("AUTHLAB_GATEWAY=authlab.yml: got %+v, %v", ch, err)
	}
	if ch, err := tuiGateway(io, "authlab.yaml"); err != nil || ch.Path != "authlab.yaml" {
		t.Fatalf("-g wins over AUTHLAB_GATEWAY: got %+v, %v", ch, err)
	}
	env[GatewayEnv] = "gone.yaml"
	if _, err := tuiGateway(io, ""); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "AUTHLAB_GATEWAY=gone.yaml") {
		t.Fatalf("AUTHLAB_GATEWAY=gone.yaml: got %v, want a usage error naming it", err)
	}
}

// TestDemoNoticeNamesGatewayFiles: a user whose file is gateway.yaml is
// told to pass it; scenarios and other YAML are not suggested.
func TestDemoNoticeNamesGatewayFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"gateway.yaml":  "version: 1\nroutes:\n  - path: /x\n",
		"scenario.yaml": "gateway: gateway.yaml\nsteps: []\nroutes: []\n",
		"other.yml":     "a: 1\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := gatewayCandidates(dir); len(got) != 1 || got[0] != "gateway.yaml" {
		t.Errorf("candidates %v, want [gateway.yaml]", got)
	}
	if n := demoNotice(dir); !strings.Contains(n, "pass -g gateway.yaml") {
		t.Errorf("notice %q does not suggest -g gateway.yaml", n)
	}
}
