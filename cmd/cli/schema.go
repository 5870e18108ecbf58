package cli

import (
	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
)

func newSchemaCmd(io *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "schema gateway",
		Short: "Print the JSON Schema of a file format, for editor completion",
		Long: `schema prints the JSON Schema of gateway files, derived from the same Go types
the loader uses. Point your editor at it, e.g. with the YAML language server:

  # yaml-language-server: $schema=./gateway.schema.json`,
		Example: `  authlab schema gateway > gateway.schema.json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("schema needs a format: gateway")
			}
			if args[0] != "gateway" {
				return usageError("unknown format %q: expected gateway", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			_, err := io.Out.Write(config.SchemaJSON())
			return err
		},
	}
}
