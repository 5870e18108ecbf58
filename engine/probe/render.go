package probe

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/report"
)

// Shown returns the report as it may be printed: credentials abbreviated
// (ALL-2) unless reveal, control characters escaped, and values longer
// than a screen cut with their size. The report itself is not changed.
func (r *Report) Shown(reveal bool) *Report {
	out := *r
	// Each row is redacted with its own secrets (its credentials and what
	// the engine recorded for its request): one row's odd value, such as
	// the bare "Bearer" of the empty credential, must not blank a word out
	// of every other row.
	var all []string
	secretsOf := func(a *Attack) []string {
		var s []string
		for _, pl := range a.Sent {
			if pl.Secret {
				s = append(s, redact.HeaderSecrets("Authorization", pl.Value)...)
			}
		}
		if a.Result != nil {
			s = append(s, a.Result.Trace.Secrets...)
		}
		for _, v := range s {
			if len(v) >= 16 {
				all = append(all, v)
			}
		}
		return s
	}
	show := func(a *Attack) *Attack {
		if a == nil {
			return nil
		}
		var red *redact.Redactor
		if !reveal {
			red = redact.New(secretsOf(a))
		}
		c := *a
		c.Sent = nil
		for _, pl := range a.Sent {
			v := pl.Value
			if pl.Secret && !reveal {
				v = abbreviateCredential(v)
			}
			c.Sent = append(c.Sent, Placement{Where: redact.Escape(pl.Where), Value: cut(redact.Escape(v)), Secret: pl.Secret})
		}
		c.Answer, c.Why = red.Line(a.Answer), red.Line(a.Why)
		c.Header = cut(redact.Escape(a.Header))
		return &c
	}
	out.Baseline = show(r.Baseline)
	out.Tried = nil
	for _, a := range r.Tried {
		out.Tried = append(out.Tried, show(a))
	}
	out.Attacks = make([]*Attack, len(r.Attacks))
	for i, a := range r.Attacks {
		out.Attacks[i] = show(a)
	}
	var red *redact.Redactor
	if !reveal {
		red = redact.New(all)
	}
	out.Problem = red.Line(r.Problem)
	out.Notes = nil
	for _, n := range r.Notes {
		out.Notes = append(out.Notes, red.Line(n))
	}
	return &out
}

// abbreviateCredential abbreviates the credential of a value and keeps
// what precedes it as sent ("BEARER  \t", "Bearer Bearer "), since that
// is what the transport attacks vary.
func abbreviateCredential(v string) string {
	i := strings.LastIndexAny(v, " \t")
	if i < 0 || i == len(v)-1 {
		return redact.Abbreviate(v)
	}
	return v[:i+1] + redact.Abbreviate(v[i+1:])
}

// cut keeps a value to a readable length, saying how long it was.
func cut(s string) string {
	const max = 240
	if len(s) <= max {
		return s
	}
	return s[:max] + fmt.Sprintf("… (%d bytes)", len(s))
}

// TextOptions control the text report.
type TextOptions struct {
	Color  bool
	Reveal bool
}

type textStyles struct {
	ok, fail, note, skip, dim, bold lipgloss.Style
}

func newTextStyles(color bool) textStyles {
	r := lipgloss.NewRenderer(io.Discard)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return textStyles{
		ok:   r.NewStyle().Foreground(lipgloss.Color("42")),
		fail: r.NewStyle().Foreground(lipgloss.Color("203")).Bold(true),
		note: r.NewStyle().Foreground(lipgloss.Color("214")),
		skip: r.NewStyle().Foreground(lipgloss.Color("245")),
		dim:  r.NewStyle().Foreground(lipgloss.Color("245")),
		bold: r.NewStyle().Bold(true),
	}
}

func (s textStyles) verdict(v Verdict) lipgloss.Style {
	switch v {
	case Refused, Passed:
		return s.ok
	case Accepted:
		return s.fail
	case Note:
		return s.note
	}
	return s.skip
}

// VerdictWord is how a verdict reads in the report ("ACCEPTED" shouts).
func VerdictWord(v Verdict) string {
	if v == Accepted {
		return "ACCEPTED"
	}
	return string(v)
}

// WriteText writes the report for people.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	st := newTextStyles(o.Color)
	r = r.Shown(o.Reveal)
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s %s\n", st.bold.Render("authlab probe"), r.Method, redact.Escape(r.Target))
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %s %s\n", st.dim.Render(fmt.Sprintf("%-12s", label)), value)
		}
	}
	if r.Route != "" {
		row("route", r.Route)
	}
	if r.Authorizer != "" {
		row("authorizer", fmt.Sprintf("%s (%s)", r.Authorizer, r.AuthorizerType))
	}
	if r.Slot != nil {
		where := r.Slot.String()
		if r.Slot.Scheme != "" {
			where += ", scheme " + strings.TrimSpace(r.Slot.Scheme)
		}
		row("token goes", where)
	}
	for _, a := range r.Tried {
		row("refused", fmt.Sprintf("%s → %d, %s", strings.TrimPrefix(a.Name, "baseline: "), a.Status, a.Answer))
	}
	if a := r.Baseline; a != nil {
		cred := r.Credential
		if r.Alg != "" {
			cred += " · " + r.Alg
			if r.KID != "" {
				cred += " kid " + r.KID
			}
		}
		row("baseline", fmt.Sprintf("%s → %d %s, authorizer %s, %s", cred, a.Status, http.StatusText(a.Status), a.Outcome, a.Answer))
	}
	row("signing key", r.SigningKey)
	row("public key", r.PublicKey)
	row("clock", r.Now.Format("2006-01-02T15:04:05Z"))
	if r.Problem != "" {
		fmt.Fprintf(&b, "\n  %s %s\n", st.fail.Render("✗"), r.Problem)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  %s %s\n", st.note.Render("note:"), n)
	}
	group, lastWhy := "", ""
	for _, a := range r.Attacks {
		if a.Group != group {
			group, lastWhy = a.Group, ""
			fmt.Fprintf(&b, "\n%s\n", st.bold.Render(group))
		}
		vs := st.verdict(a.Verdict)
		fmt.Fprintf(&b, "  %s %s %s  %s\n", vs.Render(a.Verdict.Mark()), vs.Render(fmt.Sprintf("%-8s", VerdictWord(a.Verdict))), a.Name, st.dim.Render(a.Reference))
		pad := "             "
		if a.Verdict != Skipped || len(a.Sent) > 0 {
			var sent []string
			for _, pl := range a.Sent {
				sent = append(sent, pl.Where+": "+pl.Value)
			}
			line := "sent " + strings.Join(sent, " + ")
			if a.Header != "" && (r.Baseline == nil || a.Header != r.Baseline.Header) {
				line += "  " + st.dim.Render(a.Header)
			}
			if len(a.Sent) > 0 {
				b.WriteString(pad + line + "\n")
			}
		}
		if a.Result != nil {
			fmt.Fprintf(&b, "%s→ %d %s · authorizer %s: %s\n", pad, a.Status, http.StatusText(a.Status), a.Outcome, a.Answer)
		}
		switch {
		case a.Verdict == Skipped && a.Why == lastWhy:
			// Said on the row above: a group skipped for one reason
			// reads as a list, not as the reason over and over.
		case a.Why != "":
			fmt.Fprintf(&b, "%s%s\n", pad, st.dim.Render(a.Why))
		}
		lastWhy = ""
		if a.Verdict == Skipped {
			lastWhy = a.Why
		}
	}
	b.WriteString("\n" + summary(r, st) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is the last line: the counts, and what they mean.
func summary(r *Report, st textStyles) string {
	c := r.Counts()
	line := fmt.Sprintf("%d refused, %d accepted, %d %s, %d skipped", c.Refused, c.Accepted, c.Notes, pluralWord(c.Notes, "note", "notes"), c.Skipped)
	switch {
	case r.Problem != "":
		return st.fail.Render("not probed") + ": " + line + st.dim.Render(" — nothing was judged (exit 2)")
	case c.Accepted > 0:
		more := ""
		if c.Skipped > 0 {
			more = fmt.Sprintf("; %d could not run (see why)", c.Skipped)
		}
		return st.fail.Render(line) + st.dim.Render(fmt.Sprintf(" — %d %s got through (exit 1)%s", c.Accepted, pluralWord(c.Accepted, "attack", "attacks"), more))
	case c.Skipped > 0:
		return st.ok.Render(line) + st.dim.Render(fmt.Sprintf(" — every attack that ran was refused; %d could not run (see why)", c.Skipped))
	}
	return st.ok.Render(line) + st.dim.Render(" — every attack was refused")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Doc is the JSON form of a report (`authlab probe --json`).
type Doc struct {
	OK     bool `json:"ok"`
	Exit   int  `json:"exitCode"`
	Counts `json:"counts"`
	*Report
	// Traces holds the full result of the baseline and of every accepted
	// attack, by attack id, as `fire --json` prints it.
	Traces map[string]*report.Doc `json:"traces,omitempty"`
}

// NewDoc builds the JSON document; reveal shows credentials in full.
func NewDoc(r *Report, reveal bool) *Doc {
	d := &Doc{OK: r.OK(), Exit: r.ExitCode(), Counts: r.Counts(), Report: r.Shown(reveal), Traces: map[string]*report.Doc{}}
	if r.Baseline != nil && r.Baseline.Result != nil {
		d.Traces["baseline"] = report.NewDoc(r.Baseline.Result, reveal)
	}
	for _, a := range r.Attacks {
		if a.Verdict == Accepted && a.Result != nil {
			d.Traces[a.ID] = report.NewDoc(a.Result, reveal)
		}
	}
	return d
}

// WriteJSON writes the JSON document, indented.
func WriteJSON(w io.Writer, r *Report, reveal bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(NewDoc(r, reveal))
}

// junit types: one suite for the probe, one test case per attack.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fail    int          `xml:"failures,attr"`
	Errors  int          `xml:"errors,attr"`
	Skipped int          `xml:"skipped,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name    string      `xml:"name,attr"`
	Tests   int         `xml:"tests,attr"`
	Fail    int         `xml:"failures,attr"`
	Errors  int         `xml:"errors,attr"`
	Skipped int         `xml:"skipped,attr"`
	Cases   []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: a test case per attack,
// failed when accepted, skipped when it could not run; a probe without a
// baseline is one erroring case.
func WriteJUnit(w io.Writer, r *Report, reveal bool) error {
	sh := r.Shown(reveal)
	suite := junitSuite{Name: fmt.Sprintf("probe %s %s", r.Method, r.Target)}
	if r.Problem != "" {
		suite.Errors++
		suite.Cases = append(suite.Cases, junitCase{Name: "baseline", ClassName: suite.Name, Error: &junitProblem{Message: sh.Problem, Type: "no baseline"}})
	}
	for i, a := range sh.Attacks {
		c := junitCase{Name: a.ID + ": " + a.Name, ClassName: suite.Name + " · " + a.Group}
		switch a.Verdict {
		case Accepted:
			suite.Fail++
			var text strings.Builder
			fmt.Fprintf(&text, "%s\nreference: %s\n", a.Why, a.Reference)
			for _, pl := range a.Sent {
				fmt.Fprintf(&text, "sent %s: %s\n", pl.Where, pl.Value)
			}
			if res := r.Attacks[i].Result; res != nil {
				text.WriteString("\n")
				_ = report.Text(&text, res, report.Options{Reveal: reveal})
			}
			c.Failure = &junitProblem{Message: fmt.Sprintf("accepted: %d, authorizer %s: %s (%s)", a.Status, a.Outcome, a.Answer, a.Reference), Type: "accepted", Text: text.String()}
		case Skipped:
			suite.Skipped++
			c.Skipped = &junitProblem{Message: a.Why}
		default:
			c.SystemOut = fmt.Sprintf("%s: %d, authorizer %s: %s", a.Verdict, a.Status, a.Outcome, a.Answer)
			if a.Why != "" {
				c.SystemOut += "\n" + a.Why
			}
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "authlab probe", Tests: suite.Tests, Fail: suite.Fail, Errors: suite.Errors, Skipped: suite.Skipped, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
