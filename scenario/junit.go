package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/report"
)

// JUnit XML in the shape CI systems read (Jenkins, GitLab, GitHub test
// reporters): a suite per scenario, a test case per request step.

// JUnitSuites is the document root.
type JUnitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one scenario.
type JUnitSuite struct {
	Name       string          `xml:"name,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []JUnitProperty `xml:"properties>property,omitempty"`
	Cases      []JUnitCase     `xml:"testcase"`
}

// JUnitProperty is a name/value pair of a suite.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitCase is one request step.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitProblem `xml:"failure,omitempty"`
	Error     *JUnitProblem `xml:"error,omitempty"`
	Skipped   *JUnitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// JUnitProblem is a failure, error or skip with its details as text.
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// JUnit builds the JUnit document of a report; reveal shows secrets in
// the traces of failed steps.
func JUnit(r *Report, reveal bool) *JUnitSuites {
	doc := &JUnitSuites{Name: "authlab", Time: seconds(r.Duration)}
	for _, s := range r.Scenarios {
		suite := JUnitSuite{Name: s.Scenario.Name, File: s.Scenario.File, Time: seconds(s.Duration),
			Properties: []JUnitProperty{{"clock", s.Scenario.Start.Format(time.RFC3339)}}}
		if g := s.Scenario.Gateway; g != nil {
			suite.Properties = append(suite.Properties, JUnitProperty{"gateway", g.File})
		}
		if s.Err != nil {
			suite.Errors++
			suite.Cases = append(suite.Cases, JUnitCase{Name: "start the gateway", ClassName: s.Scenario.Name, File: s.Scenario.File,
				Time: "0.000", Error: &JUnitProblem{Message: shownError(s.Err, reveal), Type: "setup"}})
		}
		for _, st := range s.Steps {
			if st.Plan.Request == nil && st.Plan.Probe == nil {
				continue // a clock move is not a test
			}
			c := JUnitCase{Name: st.Plan.Name, ClassName: s.Scenario.Name, File: s.Scenario.File, Line: st.Plan.Line, Time: seconds(st.Duration)}
			switch st.Status {
			case Failed:
				suite.Failures++
				c.Failure = &JUnitProblem{Message: failureSummary(shownFailures(st, reveal)), Type: "expectation", Text: failureText(st, reveal)}
			case Skipped:
				suite.Skipped++
				c.Skipped = &JUnitProblem{Message: st.Note}
			}
			suite.Cases = append(suite.Cases, c)
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
	}
	return doc
}

// JUnitInvalid builds the JUnit document of a run stopped by invalid files:
// one erroring case per file, so CI shows why nothing ran.
func JUnitInvalid(diags []config.Diagnostic) *JUnitSuites {
	doc := &JUnitSuites{Name: "authlab", Time: "0.000"}
	byFile := map[string][]string{}
	var files []string
	for _, d := range diags {
		if d.Severity != config.SevError {
			continue
		}
		if _, ok := byFile[d.File]; !ok {
			files = append(files, d.File)
		}
		byFile[d.File] = append(byFile[d.File], d.String())
	}
	for _, f := range files {
		msgs := byFile[f]
		doc.Suites = append(doc.Suites, JUnitSuite{Name: f, File: f, Tests: 1, Errors: 1, Time: "0.000",
			Cases: []JUnitCase{{Name: "load", ClassName: f, File: f, Time: "0.000",
				Error: &JUnitProblem{Message: msgs[0], Type: "invalid file", Text: strings.Join(msgs, "\n")}}}})
		doc.Tests++
		doc.Errors++
	}
	return doc
}

// WriteXML writes a JUnit document with its XML header.
func (d *JUnitSuites) WriteXML(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func failureSummary(fs []Failure) string {
	msgs := make([]string, len(fs))
	for i, f := range fs {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, "; ")
}

// failureText is the failure's body: each expectation with its diff, then
// the full trace, without colour.
func failureText(st *StepResult, reveal bool) string {
	var b strings.Builder
	for _, f := range shownFailures(st, reveal) {
		b.WriteString(f.Message + "\n")
		if f.Diff != "" {
			writeIndented(&b, f.Diff, "  ")
		} else if f.Expected != "" || f.Actual != "" {
			fmt.Fprintf(&b, "  expected: %s\n  actual:   %s\n", f.Expected, f.Actual)
		}
	}
	if st.Result != nil {
		b.WriteString("\n")
		_ = report.Text(&b, st.Result, report.Options{Reveal: reveal})
	}
	// encoding/xml replaces what XML cannot carry (control bytes of a
	// binary body) with U+FFFD, so any body is safe here.
	return b.String()
}
