package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// TestHelpListsEachKeyOnce: the help bar and ? list a key once, on every
// tab, pane and overlay, whether or not a request is in flight (esc was
// listed as "done editing" and "cancel", + twice on the cache tab).
func TestHelpListsEachKeyOnce(t *testing.T) {
	t.Parallel()
	m := New(testOptions(t))
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 110, Height: 32})
	check := func(where string) {
		t.Helper()
		full := m.helpKeys().FullHelp()
		short := [][]key.Binding{m.helpKeys().ShortHelp()}
		for name, cols := range map[string][][]key.Binding{"?": full, "help bar": short} {
			seen := map[string]string{}
			for _, col := range cols {
				for _, b := range col {
					k, d := b.Help().Key, b.Help().Desc
					if prev, dup := seen[k]; dup {
						t.Errorf("%s, %s: %q listed twice (%s, %s)", where, name, k, prev, d)
					}
					seen[k] = d
				}
			}
		}
	}
	for _, inFlight := range []bool{false, true} {
		m.cancel = nil
		if inFlight {
			m.cancel = func() {}
		}
		for tb := tab(0); tb < tabCount; tb++ {
			m.setTab(tb)
			for i := range m.panes(tb) {
				m.focus[tb] = i
				m.syncFocus()
				check(fmt.Sprintf("tab %s, pane %d, in flight %v", tabNames[tb], i, inFlight))
			}
		}
		for _, ov := range []overlay{ovStage, ovCompare, ovProblems, ovProbe} {
			m.overlay = ov
			check(fmt.Sprintf("overlay %d, in flight %v", ov, inFlight))
		}
		m.overlay = ovNone
	}
	m.cancel = nil
}
