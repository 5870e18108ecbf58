package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/scenario"
)

// SchemaOptions are schema's flags and inputs.
type SchemaOptions struct {
	IO    *IO
	Kinds []string // gateway, scenario
	Write string   // a folder: write the files instead of printing
	JSON  bool
}

// schemaKinds are the file formats, in the order --write writes them.
var schemaKinds = []string{"gateway", "scenario"}

func schemaJSON(kind string) []byte {
	if kind == "scenario" {
		return scenario.SchemaJSON()
	}
	return config.SchemaJSON()
}

func newSchemaCmd(io *IO) *cobra.Command {
	o := &SchemaOptions{IO: io}
	c := &cobra.Command{
		Use:   "schema gateway|scenario",
		Short: "Print the JSON Schema of a file format, for editor completion",
		Long: `schema prints the JSON Schema of gateway or scenario files, derived from the
same Go types the loaders use. --write DIR writes both (DIR/gateway.json and
DIR/scenario.json) and prints the modeline that points a file at each.

Editors with the YAML language server (VS Code's YAML extension, Neovim,
JetBrains) then complete and check your files. Either put a modeline on the
first line of a file, with a path relative to that file:

  # yaml-language-server: $schema=.authlab/schema/gateway.json

or map file patterns to schemas once, in VS Code's settings.json:

  "yaml.schemas": {
    ".authlab/schema/gateway.json": ["authlab.yaml", "gateways/*.yaml"],
    ".authlab/schema/scenario.json": ["scenarios/**/*.yaml"]
  }

The files authlab writes (demo --print, init, scenarios saved by the TUI)
point at the copies published in the repository (docs/schema/).`,
		Example: `  authlab schema gateway > gateway.schema.json
  authlab schema scenario | jq '.properties | keys'
  authlab schema --write .authlab/schema          # both schemas, for editors
  authlab schema --write .authlab/schema --json   # what was written, as JSON`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 && o.Write != "" {
				return nil
			}
			if len(args) != 1 {
				return usageError("schema needs a format: gateway or scenario (or --write DIR for both)")
			}
			if args[0] != "gateway" && args[0] != "scenario" {
				return usageError("unknown format %q: expected gateway or scenario%s", args[0], config.Suggest(args[0], schemaKinds))
			}
			return nil
		},
		ValidArgs: schemaKinds,
		RunE: func(c *cobra.Command, args []string) error {
			o.Kinds = args
			return runSchema(o)
		},
	}
	c.Flags().StringVar(&o.Write, "write", "", "write the schemas into DIR (created if missing) instead of printing")
	c.Flags().BoolVar(&o.JSON, "json", false, "with --write: report the files written as JSON")
	return c
}

// schemaWritten is one file of `schema --write`.
type schemaWritten struct {
	Kind     string `json:"kind"`
	File     string `json:"file"`
	Modeline string `json:"modeline"` // for a file in the current folder
}

func runSchema(o *SchemaOptions) error {
	if o.Write == "" {
		_, err := o.IO.Out.Write(schemaJSON(o.Kinds[0]))
		return err
	}
	kinds := o.Kinds
	if len(kinds) == 0 {
		kinds = schemaKinds
	}
	if err := os.MkdirAll(o.Write, 0o755); err != nil {
		return usageError("--write: %v", err)
	}
	var out []schemaWritten
	for _, k := range kinds {
		f := filepath.Join(o.Write, k+".json")
		if err := os.WriteFile(f, schemaJSON(k), 0o644); err != nil {
			return usageError("--write: %v", err)
		}
		out = append(out, schemaWritten{Kind: k, File: f, Modeline: "# yaml-language-server: $schema=" + filepath.ToSlash(f)})
	}
	if o.JSON {
		return writeJSONTo(o.IO.Out, out)
	}
	for _, w := range out {
		fmt.Fprintf(o.IO.Out, "wrote %s\n", w.File)
	}
	fmt.Fprintln(o.IO.Out, "\nFirst line of a file in this folder (the path is relative to the file):")
	for _, w := range out {
		fmt.Fprintf(o.IO.Out, "  %-9s %s\n", w.Kind+":", w.Modeline)
	}
	return nil
}
