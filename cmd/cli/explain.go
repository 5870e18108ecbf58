package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/docs"
	"github.com/authlab/authlab/engine/config"
)

// ExplainOptions are explain's flags and inputs.
type ExplainOptions struct {
	IO   *IO
	IDs  []string
	JSON bool
}

func newExplainCmd(io *IO) *cobra.Command {
	o := &ExplainOptions{IO: io}
	c := &cobra.Command{
		Use:   "explain [RULE-ID|FAMILY]...",
		Short: "Explain a rule id that a trace cites (AWS-C3, OCI-V1, JWT-2, ...)",
		Long: `Every stage of a trace names the gateway rules it applied, e.g.
[AWS-C3 AWS-R3]. explain prints a rule: what the real gateway does, what
authlab does, where the behaviour is documented, and an example trace line.
The text is the rules reference of the repository (docs/rules/), built into
the binary.

Without an argument, explain lists every rule. An argument that is not a
rule id but starts one or more (AWS-C, oci, PATH) lists those rules.

Exit code: 0, or 2 for an unknown rule id (with a suggestion).`,
		Example: `  authlab explain AWS-C3              # the cached-policy gotcha
  authlab explain aws-r3 aws-r4        # ids are case-insensitive
  authlab explain                      # every rule, one line each
  authlab explain OCI                  # every OCI rule
  authlab explain AWS-C3 --json | jq -r .text`,
		RunE: func(c *cobra.Command, args []string) error {
			o.IDs = args
			return runExplain(o)
		},
	}
	c.Flags().BoolVar(&o.JSON, "json", false, "print the rules as JSON (an object for one id, else an array)")
	c.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, r := range docs.Rules() {
			if strings.HasPrefix(r.ID, strings.ToUpper(toComplete)) {
				out = append(out, r.ID+"\t"+r.Title)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return c
}

func runExplain(o *ExplainOptions) error {
	all := docs.Rules()
	if len(o.IDs) == 0 {
		if o.JSON {
			return writeJSONTo(o.IO.Out, all)
		}
		return listRules(o.IO.Out, all)
	}
	var found []docs.Rule
	listed := false
	for _, arg := range o.IDs {
		if r, ok := docs.Lookup(arg); ok {
			found = append(found, r)
			continue
		}
		var fam []docs.Rule
		p := strings.ToUpper(strings.TrimSpace(arg))
		for _, r := range all {
			if p != "" && strings.HasPrefix(r.ID, p) {
				fam = append(fam, r)
			}
		}
		if len(fam) == 0 {
			return usageError("unknown rule %q%s; 'authlab explain' lists every rule", arg, config.Suggest(strings.ToUpper(arg), docs.IDs()))
		}
		found = append(found, fam...)
		listed = true
	}
	if o.JSON {
		if len(found) == 1 && !listed {
			return writeJSONTo(o.IO.Out, found[0])
		}
		return writeJSONTo(o.IO.Out, found)
	}
	if listed && len(o.IDs) == 1 {
		return listRules(o.IO.Out, found)
	}
	st := newStylesForIO(o.IO)
	for i, r := range found {
		if i > 0 {
			fmt.Fprintln(o.IO.Out)
		}
		fmt.Fprintf(o.IO.Out, "%s\n%s\n\n%s\n", st.Render(r.ID+" — "+r.Title), r.Section+" · "+r.File, docs.Plain(r.Text))
	}
	return nil
}

// listRules prints one line per rule, under its section's title.
func listRules(w io.Writer, rs []docs.Rule) error {
	section := ""
	for _, r := range rs {
		if r.Section != section {
			if section != "" {
				fmt.Fprintln(w)
			}
			section = r.Section
			fmt.Fprintln(w, section)
		}
		note := ""
		if !r.Emulated {
			note = "  (not emulated yet)"
		}
		fmt.Fprintf(w, "  %-11s %s%s\n", r.ID, r.Title, note)
	}
	fmt.Fprintf(w, "\n%d rules. 'authlab explain ID' prints one.\n", len(rs))
	return nil
}

// writeJSONTo writes v as indented JSON, HTML characters unescaped.
func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
