package tui

import (
	"strings"

	"github.com/authlab/authlab/docs"
)

// ruleNotes is the rules line of a stage's detail view and, under it, what
// each rule says: its title and the first paragraph of its entry in the
// rules reference (docs/rules), built into the binary. The rest of an entry
// is one `authlab explain ID` away.
func (s *Styles) ruleNotes(ids []string, width int) string {
	var b strings.Builder
	b.WriteString(s.Rule.Render("rules: "+strings.Join(ids, " ")) + "\n")
	for _, id := range ids {
		r, ok := docs.Lookup(id)
		if !ok {
			continue
		}
		b.WriteString(s.Rule.Render(r.ID) + " " + s.Bold.Render(r.Title) + "\n")
		for _, line := range wrapLines(firstParagraph(docs.Plain(r.Text)), width-2) {
			b.WriteString("  " + s.Dim.Render(line) + "\n")
		}
	}
	b.WriteString(s.Dim.Render("authlab explain "+strings.Join(ids, " ")+" prints the full entries") + "\n")
	return b.String()
}

// firstParagraph is the text up to the first blank line, on one line.
func firstParagraph(text string) string {
	p, _, _ := strings.Cut(strings.TrimSpace(text), "\n\n")
	return strings.Join(strings.Fields(p), " ")
}
