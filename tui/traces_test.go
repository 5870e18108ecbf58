package tui

import (
	"bytes"
	"context"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/fixtures"
)

// Kept traces (serve --trace-dir) open in the history and are never saved
// into a scenario: they ran on another engine.
func TestKeptTracesInHistory(t *testing.T) {
	g, _, err := config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(g, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	req, _ := engine.NewRequest("GET", "/orders/1", []string{"Authorization: Bearer deny-bob"}, nil)
	var doc bytes.Buffer
	if err := report.JSON(&doc, e.Do(context.Background(), req), false); err != nil {
		t.Fatal(err)
	}
	kept, err := report.ReadDoc(doc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{NoWatch: true, Traces: []*engine.Result{kept}})
	defer m.Close()
	h := m.Session().History
	if len(h) != 1 || !h[0].Kept || h[0].Result.Response.Status != 403 {
		t.Fatalf("history %+v", h)
	}
	if _, err := buildScenario(h, "x.yaml", "", "s"); err == nil {
		t.Errorf("a kept trace alone must not make a scenario")
	}
}
