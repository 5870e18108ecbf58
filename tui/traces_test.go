package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/report"
	"github.com/authlab/authlab/fixtures"
)

// Kept traces (serve --trace-dir) open in the history and are never saved
// into a scenario: they ran on another engine.
func TestKeptTracesInHistory(t *testing.T) {
	t.Parallel()
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
	if _, err := buildScenario(h, "x.yaml", "", "s", nil); err == nil {
		t.Errorf("a kept trace alone must not make a scenario")
	}
}

// TestTracesOpenInHistory: tui --traces opens on the History tab and says
// how many traces it loaded.
func TestTracesOpenInHistory(t *testing.T) {
	t.Parallel()
	g, _, err := config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(g, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var kept []*engine.Result
	for _, tok := range []string{"allow-alice", "deny-bob"} {
		req, _ := engine.NewRequest("GET", "/orders/1", []string{"Authorization: Bearer " + tok}, nil)
		var doc bytes.Buffer
		if err := report.JSON(&doc, e.Do(context.Background(), req), false); err != nil {
			t.Fatal(err)
		}
		r, err := report.ReadDoc(doc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, r)
	}
	o := testOptions(t)
	o.Traces = kept
	r := start(t, o, 100, 30)
	var onHistory bool
	s := r.screen(func(m *Model) bool {
		onHistory = m.tab == tabHistory
		return m.status != ""
	})
	if !onHistory || !strings.Contains(s, "2 traces loaded") {
		t.Errorf("want the History tab with \"2 traces loaded\":\n%s", s)
	}
	r.quit()
}

func TestArticle(t *testing.T) {
	t.Parallel()
	for alg, want := range map[string]string{"RS256": "an", "HS256": "an", "ES384": "an", "EdDSA": "an", "PS256": "a", "none": "a"} {
		if got := article(alg); got != want {
			t.Errorf("%s: %q, want %q", alg, got, want)
		}
	}
}
