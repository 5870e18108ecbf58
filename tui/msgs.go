package tui

import (
	"time"

	"github.com/authlab/authlab/engine/reload"
)

// Messages between the panes and the root. Each is a named type so that a
// pane's Update says plainly what it reacts to.

// FireMsg asks the root to send a request through the engine.
type FireMsg struct {
	Spec RequestSpec
	// FromHistory: a re-fire, whose request the composer should now show.
	FromHistory bool
}

// firedMsg brings back a finished request; Seq tells a stale answer (one
// that was cancelled and superseded) from the current one.
type firedMsg struct {
	Seq   int
	Entry *Entry
}

// ShowEntryMsg puts a history entry in the trace and response panes.
type ShowEntryMsg struct{ Entry *Entry }

// UseRouteMsg fills the composer from a route.
type UseRouteMsg struct {
	Path    string
	Methods []string
}

// UseTokenMsg puts a token into the composer's identity header.
type UseTokenMsg struct{ Value string }

// OpenStageMsg opens a stage of the shown trace in the detail view.
type OpenStageMsg struct{ Index int }

// CompareMsg opens two history entries side by side.
type CompareMsg struct{ A, B *Entry }

// ClockMovedMsg tells the panes the virtual clock moved (TTLs changed).
type ClockMovedMsg struct{ By time.Duration }

// GatewayMsg tells the panes a gateway (re)load finished, well or not.
type GatewayMsg struct{ Err error }

// reloadMsg is a live reload event: the watched files changed.
type reloadMsg struct{ ev reload.Event }

// StatusMsg shows a line in the status bar for a few seconds.
type StatusMsg struct {
	Text  string
	Level statusLevel
}

// clearStatusMsg clears the status line unless a newer one replaced it.
type clearStatusMsg struct{ ID int }

// promptDoneMsg ends a one-line prompt; OK is false when it was dismissed.
type promptDoneMsg struct {
	Kind  promptKind
	Value string
	OK    bool
}

type statusLevel int

const (
	levelInfo statusLevel = iota
	levelWarn
	levelError
)

type promptKind int

const (
	promptAdvance promptKind = iota
	promptSave
)
