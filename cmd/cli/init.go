package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/jose"
)

// InitOptions are init's flags.
type InitOptions struct {
	IO       *IO
	Platform string
	Runtime  string
	Dir      string
	Force    bool
	JSON     bool
}

// initPlatforms are what init scaffolds, in --help order.
var initPlatforms = []string{"aws-rest", "aws-http", "oci", "huawei", "jwt"}

var initRuntimes = []string{"python", "node"}

func newInitCmd(io *IO) *cobra.Command {
	o := &InitOptions{IO: io}
	c := &cobra.Command{
		Use:   "init [--platform P] [--runtime R] [--dir DIR]",
		Short: "Scaffold a gateway, an authorizer handler and a scenario that passes",
		Long: `init writes a starting point into DIR (default: the current folder):

  authlab.yaml               a gateway with one open and one protected route
  functions/authorizer.py    the authorizer, an unmodified handler for the
  (or .js)                   platform (python3 or node runs it)
  scenarios/authorizer.yaml  what the authorizer must answer, replayed by
                             'authlab run' (it passes as written)
  .authlab/schema/*.json     the JSON Schemas the files' modelines point at,
                             for completion in your editor

--platform picks the gateway: aws-rest (API Gateway REST API, Lambda TOKEN
authorizer), aws-http (HTTP API, simple responses), oci (OCI API Gateway
authorizer function, Fn FDK), huawei (APIG custom authorizer on
FunctionGraph) or jwt (the built-in JWT verifier: no function, a new RS256
key pair in keys/ instead). --runtime picks the handler's language.

Existing files are left alone unless --force.`,
		Example: `  authlab init && authlab run scenarios/
  authlab init --platform oci --runtime node --dir oci-demo
  authlab init --platform jwt --dir jwt-demo && authlab run jwt-demo/scenarios
  authlab init --platform huawei --json | jq -r '.files[]'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if !c.Flags().Changed("runtime") {
				o.Runtime = ""
			}
			return runInit(o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Platform, "platform", "aws-rest", "gateway to scaffold: "+strings.Join(initPlatforms, ", "))
	f.StringVar(&o.Runtime, "runtime", "python", "language of the handler: python or node (not for jwt)")
	f.StringVar(&o.Dir, "dir", ".", "folder to write into (created if missing)")
	f.BoolVar(&o.Force, "force", false, "overwrite existing files")
	f.BoolVar(&o.JSON, "json", false, "report the files written as JSON")
	_ = c.RegisterFlagCompletionFunc("platform", cobra.FixedCompletions(initPlatforms, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("runtime", cobra.FixedCompletions(initRuntimes, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// initReport is what init wrote.
type initReport struct {
	Platform string   `json:"platform"`
	Runtime  string   `json:"runtime,omitempty"`
	Dir      string   `json:"dir"`
	Files    []string `json:"files"`
	Next     []string `json:"next"`
	Warnings []string `json:"warnings,omitempty"`
}

// initFile is one file to write, relative to the folder.
type initFile struct {
	path string
	data []byte
	mode os.FileMode
}

func runInit(o *InitOptions) error {
	if !slices.Contains(initPlatforms, o.Platform) {
		return usageError("--platform %q: expected one of %s%s", o.Platform, strings.Join(initPlatforms, ", "), config.Suggest(o.Platform, initPlatforms))
	}
	switch {
	case o.Platform == "jwt" && o.Runtime != "":
		return usageError("--runtime: a jwt authorizer has no function (authlab verifies the token itself)")
	case o.Platform != "jwt" && o.Runtime == "":
		o.Runtime = "python"
	case o.Platform != "jwt" && !slices.Contains(initRuntimes, o.Runtime):
		return usageError("--runtime %q: expected python or node%s", o.Runtime, config.Suggest(o.Runtime, initRuntimes))
	}
	files, err := scaffold(o.Platform, o.Runtime)
	if err != nil {
		return err
	}
	files = append(files,
		initFile{path: ".authlab/schema/gateway.json", data: config.SchemaJSON(), mode: 0o644},
		initFile{path: ".authlab/schema/scenario.json", data: schemaJSON("scenario"), mode: 0o644},
	)
	if !o.Force {
		var in []string
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(o.Dir, f.path)); err == nil {
				in = append(in, filepath.Join(o.Dir, f.path))
			}
		}
		if len(in) > 0 {
			return usageError("not overwriting %s (--force overwrites; --dir writes elsewhere)", strings.Join(in, ", "))
		}
	}
	rep := &initReport{Platform: o.Platform, Runtime: o.Runtime, Dir: o.Dir}
	for _, f := range files {
		p := filepath.Join(o.Dir, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return usageError("%v", err)
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			return usageError("%v", err)
		}
		rep.Files = append(rep.Files, filepath.ToSlash(f.path))
	}
	if o.Runtime != "" {
		bin := map[string]string{"python": "python3", "node": "node"}[o.Runtime]
		if _, err := exec.LookPath(bin); err != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s is not on PATH: the handler cannot run until it is", bin))
		}
	}
	cd := ""
	if o.Dir != "." && o.Dir != "" {
		cd = "cd " + shellQuote(o.Dir) + " && "
	}
	rep.Next = []string{
		cd + "authlab run scenarios/",
		cd + "authlab fire GET /orders/42 -H 'Authorization: Bearer allow-alice'",
		cd + "authlab",
	}
	if o.Platform == "jwt" {
		rep.Next[1] = cd + "authlab fire GET /orders/42 --token alice"
	}
	if o.JSON {
		return writeJSONTo(o.IO.Out, rep)
	}
	fmt.Fprintf(o.IO.Out, "Scaffolded %s in %s:\n", initTitle(o.Platform, o.Runtime), o.Dir)
	for _, f := range rep.Files {
		fmt.Fprintf(o.IO.Out, "  %s\n", f)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(o.IO.Err, "authlab: warning: %s\n", w)
	}
	fmt.Fprintln(o.IO.Out, "\nNext:")
	for _, n := range rep.Next {
		fmt.Fprintf(o.IO.Out, "  %s\n", n)
	}
	return nil
}

func shellQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func initTitle(platform, runtime string) string {
	t := map[string]string{
		"aws-rest": "an AWS REST API with a Lambda TOKEN authorizer",
		"aws-http": "an AWS HTTP API with a Lambda authorizer (simple responses)",
		"oci":      "an OCI API Gateway with an authorizer function",
		"huawei":   "a Huawei APIG API with a custom authorizer",
		"jwt":      "a gateway with the built-in JWT verifier",
	}[platform]
	if runtime != "" {
		t += " (" + runtime + ")"
	}
	return t
}

// scaffold returns the gateway, handler (or keys) and scenario of a platform.
func scaffold(platform, runtime string) ([]initFile, error) {
	if platform == "jwt" {
		return scaffoldJWT()
	}
	ext := map[string]string{"python": "py", "node": "js"}[runtime]
	handler := "functions/authorizer." + ext
	src, ok := initHandlers[platform+"/"+runtime]
	if !ok {
		return nil, errors.New("no handler template for " + platform + "/" + runtime)
	}
	gw := initGateways[platform]
	gw = strings.ReplaceAll(gw, "RUNTIME", runtime)
	gw = strings.ReplaceAll(gw, "HANDLER", handler)
	head := "# yaml-language-server: $schema=.authlab/schema/gateway.json\n" +
		"# Scaffolded by `authlab init`: " + initTitle(platform, runtime) + ".\n" +
		"# Reference: docs/gateway-file.md in the authlab repository; `authlab explain RULE` for a rule a trace cites.\n"
	sc := "# yaml-language-server: $schema=../.authlab/schema/scenario.json\n" +
		"# What the authorizer must answer. Replay: authlab run scenarios/\n" + initScenarios[platform]
	return []initFile{
		{path: "authlab.yaml", data: []byte(head + gw), mode: 0o644},
		{path: handler, data: []byte(src), mode: 0o644},
		{path: "scenarios/authorizer.yaml", data: []byte(sc), mode: 0o644},
	}, nil
}

func scaffoldJWT() ([]initFile, error) {
	alg, err := jose.ParseAlg("RS256")
	if err != nil {
		return nil, err
	}
	kp, err := jose.Keygen(alg, jose.KeygenOptions{RSABits: 2048})
	if err != nil {
		return nil, err
	}
	gw := strings.ReplaceAll(initJWTGateway, "KID", kp.KID)
	sc := "# yaml-language-server: $schema=../.authlab/schema/scenario.json\n" +
		"# What the verifier must answer. Replay: authlab run scenarios/\n" +
		strings.ReplaceAll(initJWTScenario, "KID", kp.KID)
	return []initFile{
		{path: "authlab.yaml", data: []byte(gw), mode: 0o644},
		{path: "keys/rsa.pem", data: kp.PrivatePEM, mode: 0o600},
		{path: "keys/rsa.pub.pem", data: kp.PublicPEM, mode: 0o644},
		{path: "keys/rsa.jwks.json", data: kp.JWKS, mode: 0o644},
		{path: "scenarios/authorizer.yaml", data: []byte(sc), mode: 0o644},
	}, nil
}
