package cli

import (
	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/scenario"
)

func newSchemaCmd(io *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "schema gateway|scenario",
		Short: "Print the JSON Schema of a file format, for editor completion",
		Long: `schema prints the JSON Schema of gateway or scenario files, derived from the
same Go types the loaders use. Point your editor at it, e.g. with the YAML language server:

  # yaml-language-server: $schema=./gateway.schema.json`,
		Example: `  authlab schema gateway > gateway.schema.json
  authlab schema scenario > scenario.schema.json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("schema needs a format: gateway or scenario")
			}
			if args[0] != "gateway" && args[0] != "scenario" {
				return usageError("unknown format %q: expected gateway or scenario", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			schema := config.SchemaJSON()
			if args[0] == "scenario" {
				schema = scenario.SchemaJSON()
			}
			_, err := io.Out.Write(schema)
			return err
		},
	}
}
