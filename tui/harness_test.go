package tui

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/golden" // registers -update
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/authlab/authlab/engine"
)

// testStart is the virtual clock's start in every test.
var testStart = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// testOptions make the TUI deterministic: a fixed clock, zero stage
// durations, zero request ids, no colour, no file watching.
func testOptions(t *testing.T) Options {
	t.Helper()
	return Options{
		Start:    testStart,
		Engine:   engine.Options{Elapsed: func(time.Time) time.Duration { return 0 }, Random: zeroReader{}},
		NoColor:  true,
		Renderer: newRenderer(io.Discard, false),
		NoWatch:  true,
		SaveDir:  t.TempDir(),
		// status lines stay until replaced: a golden must not depend on
		// whether the machine drew it within 6 s
		StatusFor: time.Hour,
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// harness wraps the root model so a test can take the screen when a
// condition on the model holds — after an asynchronous request finished,
// say — without guessing at timings.
type harness struct {
	*Model
	pending []snapMsg
}

// snapMsg asks for the screen once cond holds.
type snapMsg struct {
	cond func(*Model) bool
	out  chan string
}

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if s, ok := msg.(snapMsg); ok {
		h.pending = append(h.pending, s)
	} else {
		_, cmd = h.Model.Update(msg)
	}
	kept := h.pending[:0]
	for _, s := range h.pending {
		if s.cond(h.Model) {
			s.out <- ansi.Strip(h.Model.View())
			continue
		}
		kept = append(kept, s)
	}
	h.pending = kept
	return h, cmd
}

// run starts the TUI at a fixed terminal size.
type run struct {
	t  *testing.T
	tm *teatest.TestModel
	m  *Model
}

func start(t *testing.T, o Options, w, h int) *run {
	t.Helper()
	m := New(o)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, &harness{Model: m}, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { _ = tm.Quit() })
	r := &run{t: t, tm: tm, m: m}
	r.screen(func(m *Model) bool { return m.w == w })
	return r
}

// keys sends key presses one by one: names as Bubble Tea spells them
// ("enter", "esc", "tab", "shift+tab", "up", "down", "left", "right",
// "backspace", "space") or single characters.
func (r *run) keys(keys ...string) {
	for _, k := range keys {
		r.tm.Send(keyMsg(k))
	}
}

// typeText types text into the focused field.
func (r *run) typeText(s string) {
	r.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// screen returns the screen as text once cond holds (nil: right away,
// after the keys sent before it).
func (r *run) screen(cond func(*Model) bool) string {
	r.t.Helper()
	if cond == nil {
		cond = func(*Model) bool { return true }
	}
	out := make(chan string, 1)
	r.tm.Send(snapMsg{cond: cond, out: out})
	select {
	case s := <-out:
		return s
	case <-time.After(10 * time.Second):
		r.t.Fatalf("timed out waiting for the screen; last output:\n%s", r.last())
		return ""
	}
}

func (r *run) last() string {
	b, _ := io.ReadAll(r.tm.Output())
	return string(bytes.TrimSpace(b))
}

// golden compares the screen with testdata/<test>/<name>.golden (go test
// -update rewrites it).
func (r *run) golden(name string, cond func(*Model) bool) string {
	r.t.Helper()
	s := r.screen(cond)
	r.t.Run(name, func(t *testing.T) { requireGolden(t, s) })
	return s
}

// testdata is resolved once, before any test changes directory.
var testdata = func() string {
	if wd, err := os.Getwd(); err == nil {
		return filepath.Join(wd, "testdata")
	}
	return "testdata"
}()

// requireGolden compares a screen with testdata/<test name>.golden,
// ignoring spaces at line ends; go test -update rewrites the file.
func requireGolden(t *testing.T, s string) {
	t.Helper()
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	got := strings.Join(lines, "\n")
	path := filepath.Join(testdata, t.Name()+".golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := udiff.Unified("golden", "got", string(want), got); d != "" {
		t.Fatalf("screen differs from %s:\n%s", path, d)
	}
}

// idle holds when no request is running and n requests were recorded.
func idle(n int) func(*Model) bool {
	return func(m *Model) bool { return m.cancel == nil && len(m.c.S.History) == n }
}

// quit ends the program and waits for it.
func (r *run) quit() {
	r.keys("ctrl+c")
	r.tm.WaitFinished(r.t, teatest.WithFinalTimeout(5*time.Second))
}

func resize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func cellWidth(s string) int { return ansi.StringWidth(s) }
