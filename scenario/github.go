package scenario

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/report"
)

// GitHub Actions reads workflow commands from a step's output: an
// "::error file=F,line=L::message" line becomes an annotation on that line
// of the pull request's diff. authlab run prints one per failed step (and
// per error of an invalid file) when GITHUB_ACTIONS=true.

// GitHubOptions control the annotations.
type GitHubOptions struct {
	Reveal bool
	// Workspace is GITHUB_WORKSPACE: absolute file paths under it are
	// made relative, as annotations need.
	Workspace string
}

// WriteGitHubAnnotations writes an error annotation for every failed step
// (at the step's line) and every scenario that could not start.
func WriteGitHubAnnotations(w io.Writer, rep *Report, o GitHubOptions) error {
	var b strings.Builder
	for _, r := range rep.Scenarios {
		sc := r.Scenario
		if r.Err != nil {
			annotate(&b, "error", o.path(sc.File), 1, 0, "authlab: "+sc.Name, redact.EscapeBlock(shownError(r.Err, o.Reveal)))
		}
		for _, s := range r.Steps {
			if s.Status != Failed {
				continue
			}
			var msg []string
			for _, f := range shownFailures(s, o.Reveal) {
				msg = append(msg, redact.EscapeBlock(f.Message))
			}
			if len(msg) == 0 {
				msg = append(msg, "step failed")
			}
			if s.Result != nil {
				red := report.ForResult(s.Result, o.Reveal)
				msg = append(msg, fmt.Sprintf("(%s %s → %d; the log shows the trace)", red.Line(s.Result.Request.Method), red.Line(s.Result.Request.Target()), s.Result.Response.Status))
			}
			title := fmt.Sprintf("authlab: %s / step %d: %s", sc.Name, s.Plan.Index+1, s.Plan.Name)
			annotate(&b, "error", o.path(sc.File), s.Plan.Line, 0, title, strings.Join(msg, "\n"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteGitHubDiagnostics writes an annotation for each diagnostic of an
// invalid file (errors and warnings).
func WriteGitHubDiagnostics(w io.Writer, ds []config.Diagnostic, o GitHubOptions) error {
	var b strings.Builder
	for _, d := range ds {
		kind := "error"
		if d.Severity == config.SevWarning {
			kind = "warning"
		}
		title := "authlab"
		if d.Rule != "" {
			title += " " + d.Rule
		}
		annotate(&b, kind, o.path(d.File), d.Line, d.Col, title, redact.EscapeBlock(d.Message))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (o GitHubOptions) path(p string) string {
	if o.Workspace != "" && filepath.IsAbs(p) {
		if rel, err := filepath.Rel(o.Workspace, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
	}
	return filepath.ToSlash(p)
}

func annotate(b *strings.Builder, kind, file string, line, col int, title, msg string) {
	fmt.Fprintf(b, "::%s file=%s", kind, escapeProperty(file))
	if line > 0 {
		fmt.Fprintf(b, ",line=%d", line)
	}
	if col > 0 {
		fmt.Fprintf(b, ",col=%d", col)
	}
	fmt.Fprintf(b, ",title=%s::%s\n", escapeProperty(redact.Escape(title)), escapeData(msg))
}

// escapeData escapes a workflow command's message (the runner's rules).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
