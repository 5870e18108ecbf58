package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/fixtures"
)

// A trace written as JSON reads back to the same text rendering.
func TestReadDocRoundTrip(t *testing.T) {
	g, _, err := config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(g, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	req, _ := engine.NewRequest("GET", "/orders/42", []string{"Authorization: Bearer allow-alice", "X-User: mallory"}, nil)
	res := e.Do(context.Background(), req)
	var doc bytes.Buffer
	if err := JSON(&doc, res, true); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.json"), doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTraces([]string{dir})
	if err != nil || len(back) != 1 {
		t.Fatalf("%d results, %v", len(back), err)
	}
	var want, got bytes.Buffer
	_ = Text(&want, res, Options{Reveal: true})
	_ = Text(&got, back[0], Options{Reveal: true})
	if want.String() != got.String() {
		t.Errorf("read back differs:\n--- want\n%s\n--- got\n%s", want.String(), got.String())
	}
	if _, err := ReadDoc([]byte(`{"x":1}`)); err == nil {
		t.Errorf("a JSON file that is not a trace must be refused")
	}
}
