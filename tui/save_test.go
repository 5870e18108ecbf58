package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/scenario"
)

// TestSaveScenario fires four requests with a clock move between them,
// saves the history as a scenario and replays that file with the scenario
// runner: every observed result must hold again.
func TestSaveScenario(t *testing.T) {
	o := testOptions(t)
	t.Chdir(t.TempDir())
	o.SaveDir = ""
	r := start(t, o, 100, 30)
	r.keys("enter", "t", "enter")           // GET /orders/1 as alice (the routes' cursor starts there)
	r.keys("down", "down", "down", "enter") // path → {id} → query → headers
	r.typeText("\nX-User: mallory")         // a forged identity header (ALL-1)
	r.keys("esc", "f")
	r.screen(idle(1))
	r.keys("f") // cached
	r.screen(idle(2))
	r.keys("+", "f") // the TTL ran out: called again
	r.screen(idle(3))
	r.keys("shift+tab", "down", "enter", "f") // /users/1: the cached policy names /orders/1 (AWS-C3)
	r.screen(idle(4))
	r.keys("s")
	s := r.golden("prompt", func(m *Model) bool { return m.prompt != nil })
	if !strings.Contains(s, "Save 4 requests as a scenario to:") {
		t.Fatalf("no save prompt:\n%s", s)
	}
	r.keys("enter")
	path := "authlab-session.yaml"
	s = r.screen(func(m *Model) bool { return strings.HasPrefix(m.status, "saved") })
	if !strings.Contains(s, "saved 4 steps") {
		t.Fatalf("no confirmation:\n%s", s)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("file", func(t *testing.T) { requireGolden(t, string(data)) })

	// Replay it as `authlab run` would.
	rep := replaySaved(t, path, "")
	if !rep.OK() {
		t.Fatalf("the saved scenario does not replay:\n%s", replayText(rep))
	}
	if c := rep.Counts(); c.Passed != 4 {
		t.Fatalf("replayed %+v, want 4 passed", c)
	}
	r.quit()
}

// TestSaveAfterCompareKeepsDependencies: two requests compared, the second
// a cache hit, then only it marked and saved: the request that stored the
// cached answer is saved with it (and the prompt says so), so the replay
// finds the hit it expects.
func TestSaveAfterCompareKeepsDependencies(t *testing.T) {
	o := testOptions(t)
	t.Chdir(t.TempDir())
	o.SaveDir = ""
	r := start(t, o, 100, 30)
	r.keys("enter", "t", "enter", "f") // #1 GET /orders/1 as alice: called, stored
	r.screen(idle(1))
	r.keys("shift+tab", "down", "enter", "f") // #2 GET /users/1: a cache hit, 403 (AWS-C3)
	r.screen(idle(2))
	r.keys("4", "G", "c") // History: compare #2 with #1
	r.screen(func(m *Model) bool { return m.overlay == ovCompare })
	r.keys("esc", "space", "s") // mark #2 alone, save
	s := r.screen(func(m *Model) bool { return m.prompt != nil })
	if !strings.Contains(s, "Save 2 requests (with #1 for #2, whose cache hit needs it) as a scenario to:") {
		t.Fatalf("the prompt does not say #1 is added for #2:\n%s", s)
	}
	r.keys("enter")
	r.screen(func(m *Model) bool { return strings.HasPrefix(m.status, "saved") })
	sc, diags, err := scenario.LoadFile("authlab-session.yaml", scenario.LoadOptions{})
	if err != nil {
		t.Fatalf("the saved scenario does not load: %v\n%s", err, diags.Format(false))
	}
	rep := scenario.Run(context.Background(), []*scenario.Scenario{sc}, scenario.Options{})
	if c := rep.Counts(); !rep.OK() || c.Passed != 2 {
		var b strings.Builder
		for _, res := range rep.Scenarios {
			_ = scenario.WriteScenario(&b, res, scenario.TextOptions{})
		}
		t.Fatalf("replayed %+v, want 2 passed:\n%s", c, b.String())
	}
	r.quit()
}

// TestSaveNamesTokens: a saved scenario names the tokens minted here —
// the gateway's named tokens, the workbench's — and mints them again
// (${tokens.NAME}), instead of carrying bearer tokens that are credentials
// and expire; a token picked again later is another token, with its own
// name and times; the replay passes.
func TestSaveNamesTokens(t *testing.T) {
	gw, err := filepath.Abs(filepath.Join("..", "examples", "orders", "authlab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(t)
	t.Chdir(t.TempDir())
	o.SaveDir, o.Gateway = "", gw
	r := start(t, o, 100, 30)
	r.keys("down", "down", "down", "enter") // /reports/{id}, the jwt authorizer
	r.keys("t", "enter", "f")               // alice, minted now
	r.screen(idle(1))
	r.keys("+", "f") // five minutes on, the same token
	r.screen(idle(2))
	r.keys("t", "enter", "f") // alice again: minted five minutes later
	r.screen(idle(3))
	r.keys("+", "+", "f") // at 15m: the first alice expired, this one not
	r.screen(idle(4))
	r.keys("s", "enter")
	r.screen(func(m *Model) bool { return strings.HasPrefix(m.status, "saved") })
	data, err := os.ReadFile("authlab-session.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := string(data)
	if strings.Contains(file, "eyJ") {
		t.Errorf("the saved scenario carries a bearer token:\n%s", file)
	}
	for _, want := range []string{
		"tokens:\n  alice:\n    alg: RS256\n    key: ",
		"  alice-2:\n",
		"Authorization: Bearer ${tokens.alice}\n",
		"Authorization: Bearer ${tokens.alice-2}\n",
		"authlab-session*.yaml to .gitignore",
	} {
		if !strings.Contains(file, want) {
			t.Errorf("the saved scenario lacks %q:\n%s", want, file)
		}
	}
	rep := replaySaved(t, "authlab-session.yaml", file)
	if c := rep.Counts(); !rep.OK() || c.Passed != 4 {
		t.Fatalf("replayed %+v, want 4 passed:\n%s\n%s", c, replayText(rep), file)
	}
	r.quit()
}

// TestSaveNamesWorkbenchToken: a token minted in the workbench with a
// secret is saved as a tokens: entry with that secret and its claims.
func TestSaveNamesWorkbenchToken(t *testing.T) {
	o := testOptions(t)
	t.Chdir(t.TempDir())
	o.SaveDir = ""
	r := start(t, o, 100, 30)
	r.keys("2", "down", "enter") // Tokens: the key field
	r.typeText("secret:workbench-secret-of-32-bytes!")
	r.keys("enter", "down", "down", "enter") // sub
	r.typeText("-smith")
	r.keys("enter", "m", "u") // mint, use: the composer holds /orders/{id}
	r.screen(func(m *Model) bool { return m.tab == tabFire })
	r.keys("f")
	r.screen(idle(1))
	r.keys("s", "enter")
	r.screen(func(m *Model) bool { return strings.HasPrefix(m.status, "saved") })
	data, err := os.ReadFile("authlab-session.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := string(data)
	for _, want := range []string{"tokens:\n  alice-smith:\n    alg: HS256\n    secret: workbench-secret-of-32-bytes!\n", "sub: alice-smith", "Bearer ${tokens.alice-smith}"} {
		if !strings.Contains(file, want) {
			t.Errorf("the saved scenario lacks %q:\n%s", want, file)
		}
	}
	if strings.Contains(file, "eyJ") {
		t.Errorf("the saved scenario carries a bearer token:\n%s", file)
	}
	if rep := replaySaved(t, "authlab-session.yaml", file); !rep.OK() {
		t.Fatalf("the saved scenario does not replay:\n%s", file)
	}
	r.quit()
}

// replaySaved loads a saved scenario and replays it as `authlab run` would;
// a file that does not load fails the test (file is shown with the error).
func replaySaved(t *testing.T, path, file string) *scenario.Report {
	t.Helper()
	sc, diags, err := scenario.LoadFile(path, scenario.LoadOptions{})
	if err != nil {
		t.Fatalf("the saved scenario does not load: %v\n%s\n%s", err, diags.Format(false), file)
	}
	return scenario.Run(context.Background(), []*scenario.Scenario{sc}, scenario.Options{})
}

// replayText is the replay's text report.
func replayText(rep *scenario.Report) string {
	var b strings.Builder
	for _, res := range rep.Scenarios {
		_ = scenario.WriteScenario(&b, res, scenario.TextOptions{})
	}
	return b.String()
}
