package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileGatewayAtStart: the TUI loads through the same bounded loader
// as the CLI, so a "billion laughs" gateway opens on the error screen with
// the limit it went past, at once, instead of expanding.
func TestHostileGatewayAtStart(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "engine", "config", "testdata", "hostile", "laughs_mock_return.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	writeFile(t, "authlab.yaml", string(src))
	o := testOptions(t)
	o.Gateway = "authlab.yaml"
	r := start(t, o, 100, 30)
	s := r.screen(func(m *Model) bool { return m.c.S.LoadErr != nil })
	for _, want := range []string{"authlab.yaml:18:22: aliases expand too far", "R reload"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the error screen lacks %q:\n%s", want, s)
		}
	}
	r.quit()
}
