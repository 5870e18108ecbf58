package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestTUIWithoutTerminal: `authlab` alone (and `authlab tui`) in CI, with
// pipes instead of a terminal, must say so and exit 2 at once — never wait
// for keys that will not come.
func TestTUIWithoutTerminal(t *testing.T) {
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

// TestTUIGatewayRule: -g, else ./authlab.yaml, else the demo (""), as for
// the other commands; a file that does not exist is a usage error, but an
// invalid one is left to the TUI's problems screen.
func TestTUIGatewayRule(t *testing.T) {
	t.Chdir(t.TempDir())
	if p, err := tuiGateway(""); err != nil || p != "" {
		t.Fatalf("no file: got %q, %v; want the demo", p, err)
	}
	if _, err := tuiGateway("missing.yaml"); exitCode(err) != ExitUsage {
		t.Fatalf("-g missing.yaml: got %v, want a usage error", err)
	}
	if err := os.WriteFile(DefaultGatewayFile, []byte("not: [a gateway"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := tuiGateway(""); err != nil || p != DefaultGatewayFile {
		t.Fatalf("./authlab.yaml present: got %q, %v", p, err)
	}
	if p, err := tuiGateway("authlab.yaml"); err != nil || p != "authlab.yaml" {
		t.Fatalf("-g authlab.yaml: got %q, %v", p, err)
	}
}
