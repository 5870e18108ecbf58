// Package termprobe bounds the terminal background query. Bubble Tea's
// init asks the terminal for its background colour (through Lip Gloss's
// default renderer) before main runs; a terminal that never answers costs
// termenv's 5-second timeout there, and another one for each renderer that
// asks again. This package is initialised before Bubble Tea: packages are
// initialised in import-path order once their imports are ready, and
// github.com/authlab sorts before github.com/charmbracelet. Its init
// answers the question without asking when the environment tells (NO_COLOR,
// AUTHLAB_BACKGROUND, COLORFGBG, TERM), and otherwise asks the terminal
// itself, waiting at most Timeout, then sets the answer (dark when none
// came) on Lip Gloss's default renderer so that nobody asks again.
package termprobe

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
)

// Timeout bounds the wait for a terminal's answer to the query.
const Timeout = 100 * time.Millisecond

func init() {
	dark, known := Hint(os.Getenv("NO_COLOR") != "")
	if !known {
		dark, known = Query(os.Stdout, Timeout)
	}
	if !known {
		dark = true // termenv's own fallback: a black background
	}
	lipgloss.SetHasDarkBackground(dark)
}

// Hint says whether the background is dark without asking the terminal:
// NO_COLOR needs no adaptive colours, AUTHLAB_BACKGROUND=light|dark
// overrides, COLORFGBG (rxvt, Konsole, some others) tells, and consoles
// that never answer the query are dark.
func Hint(noColor bool) (dark, known bool) {
	if noColor {
		return true, true
	}
	switch strings.ToLower(os.Getenv("AUTHLAB_BACKGROUND")) {
	case "light":
		return false, true
	case "dark":
		return true, true
	}
	if v := os.Getenv("COLORFGBG"); v != "" {
		parts := strings.Split(v, ";")
		if bg, err := strconv.Atoi(parts[len(parts)-1]); err == nil {
			return bg < 7 || bg == 8, true
		}
	}
	switch os.Getenv("TERM") {
	case "dumb", "linux", "":
		return true, true
	}
	return false, false
}

// parseOSC11 reads the background colour from an OSC 11 answer
// ("\x1b]11;rgb:RRRR/GGGG/BBBB" then BEL or ST) and says whether it is
// dark, as termenv does: HSL lightness below one half.
func parseOSC11(s string) (dark, ok bool) {
	i := strings.Index(s, "rgb:")
	if i < 0 {
		return false, false
	}
	s = s[i+4:]
	if j := strings.IndexAny(s, "\x07\x1b"); j >= 0 {
		s = s[:j]
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return false, false
	}
	var c [3]float64
	for k, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return false, false
		}
		v, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return false, false
		}
		c[k] = float64(v) / float64(uint64(1)<<(4*len(p))-1)
	}
	hi, lo := max(c[0], c[1], c[2]), min(c[0], c[1], c[2])
	return (hi+lo)/2 < 0.5, true
}
