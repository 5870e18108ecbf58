package tui

import (
	"path/filepath"
	"testing"
)

// TestSessionLoadsASource: the TUI opens a SAM template (or any format
// authlab import reads) as it opens authlab.yaml, its problems positioned
// in the template.
func TestSessionLoadsASource(t *testing.T) {
	t.Parallel()
	s := &Session{Path: filepath.Join("..", "fixtures", "import", "sam", "template.yaml")}
	g, err := s.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if g.Translated == nil || g.Translated.Format != "SAM template" || len(g.Routes) != 6 {
		t.Errorf("format %v, %d routes", g.Translated, len(g.Routes))
	}
}
