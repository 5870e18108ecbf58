package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
	"github.com/authlab/authlab/fixtures"
)

// registerCompletions adds shell completion beyond command and flag names
// to every command of the tree that has the flag or arguments concerned:
// -g completes YAML files, --alg the JOSE algorithms, --token the named
// tokens of the gateway the command would load, and fire's and probe's
// METHOD PATH the methods and route paths of that gateway.
func registerCompletions(root *cobra.Command, io *IO) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		f := c.Flags()
		if f.Lookup("gateway") != nil {
			_ = c.RegisterFlagCompletionFunc("gateway", completeYAMLFiles)
			if f.Lookup("token") != nil {
				_ = c.RegisterFlagCompletionFunc("token", completeTokenNames(io))
			}
		}
		if f.Lookup("alg") != nil {
			_ = c.RegisterFlagCompletionFunc("alg", completeAlgs)
		}
		if strings.HasSuffix(c.Use, " METHOD PATH") && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = completeMethodPath(io)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeYAMLFiles completes gateway files.
func completeYAMLFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeAlgs completes --alg with the JOSE algorithms.
func completeAlgs(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	// decode and verify take a comma-separated list: complete its last item.
	done := ""
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		done = toComplete[:i+1]
	}
	var out []string
	for _, a := range jose.Algorithms() {
		out = append(out, done+a)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeTokenNames completes --token with the gateway's named tokens.
func completeTokenNames(io *IO) cobra.CompletionFunc {
	return func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return tokenNames(completionGateway(io, c)), cobra.ShellCompDirectiveNoFileComp
	}
}

func tokenNames(g *config.Gateway) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, t := range g.Tokens {
		out = append(out, t.Name)
	}
	return out
}

// completeMethodPath completes METHOD, then the paths of the gateway's
// routes that allow it.
func completeMethodPath(io *IO) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		switch len(args) {
		case 0:
			return []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}, cobra.ShellCompDirectiveNoFileComp
		case 1:
			return routePaths(completionGateway(io, c), args[0]), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// routePaths lists the paths of the routes that allow method, in file order.
func routePaths(g *config.Gateway, method string) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, r := range g.Routes {
		if len(r.Methods) == 0 || slices.ContainsFunc(r.Methods, func(m string) bool {
			return strings.EqualFold(m, method) || strings.EqualFold(m, "ANY")
		}) {
			if !slices.Contains(out, r.Path) {
				out = append(out, r.Path)
			}
		}
	}
	return out
}

// completionGateway loads the gateway the command would run (its -g, else
// the usual rule) without a word on any stream; nil when it does not load.
func completionGateway(io *IO, c *cobra.Command) *config.Gateway {
	flag, _ := c.Flags().GetString("gateway")
	ch, err := chooseGateway(io, flag)
	if err != nil {
		return nil
	}
	var g *config.Gateway
	if ch.Demo {
		g, _, err = config.Load(fixtures.DemoName, fixtures.DemoGateway, ".")
	} else {
		g, _, err = config.LoadFile(ch.Path)
	}
	if err != nil {
		return nil
	}
	return g
}
