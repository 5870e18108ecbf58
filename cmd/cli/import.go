package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/importer"
)

// ImportOptions are import's flags and inputs.
type ImportOptions struct {
	IO         *IO
	Files      []string
	Out        string
	Format     string
	Print      bool
	API        string
	Stage      string
	Region     string
	Account    string
	Params     []string
	Functions  []string
	BackendURL string
	JSON       bool
	Strict     bool
	Force      bool
}

func newImportCmd(io *IO) *cobra.Command {
	o := &ImportOptions{IO: io}
	c := &cobra.Command{
		Use:   "import FILE...",
		Short: "Translate a SAM/CloudFormation template, OpenAPI file, serverless.yml, OCI deployment spec or Huawei APIG export to authlab.yaml",
		Long: `import reads a gateway definition written for another tool and writes the
authlab gateway file that does the same: authorizers with their identity
sources, TTLs and handler files, routes with their authorizer, scopes and
mappings, stage variables, CORS preflights and mock integrations.

Formats (detected from the content; --format forces one):
  sam         AWS SAM template (Transform AWS::Serverless-2016-10-31), YAML or JSON
  cfn         CloudFormation template with AWS::ApiGateway / ApiGatewayV2 resources
  openapi     OpenAPI 2/3 with x-amazon-apigateway-* extensions (REST or HTTP API)
  serverless  serverless.yml (http and httpApi events)
  oci         OCI API Gateway deployment specification (JSON)
  huawei      Huawei Cloud APIG export (x-apigateway-* extensions)

Each authorizer and route of the output names its source (# template.yaml:42
MyAuthorizer). Whatever cannot be carried over as it is — a Java or
container function (it becomes a mock that refuses), AWS_IAM, API keys,
gateway responses, an unresolved !ImportValue — is a warning on stderr with
the source's file:line:col and what was done instead; nothing is dropped
silently. The output passes authlab validate.

You need not import at all: -g template.yaml (and a scenario's gateway:)
loads any of these formats directly, and serve and the TUI reload it when
it changes. import is for reviewing the translation (--print), keeping it,
or choosing what the defaults cannot (--api, --param, --function).

Output goes to authlab.yaml next to the source (-o FILE, or - for stdout);
an existing file that import did not write is kept unless --force. Exit 0:
imported (1 with --strict when there were warnings); 2: a file is not a
format authlab imports, or needs --api.`,
		Example: `  # SAM: the implicit API and its Globals.Api.Auth, handlers under CodeUri
  authlab import template.yaml

  # see the translation without writing a file
  authlab import --print serverless.yml

  # a template with two APIs: pick one, give a parameter its value
  authlab import template.yaml --api OrdersApi --param Stage=prod -o orders.yaml

  # an authorizer whose code is elsewhere (an ARN, a Java function)
  authlab import openapi.json --function token-auth=auth/handler.py:handler

  # OCI deployment spec, Huawei export; a machine-readable report
  authlab import deployment.json --json
  authlab import apig-export.yaml --format huawei -o huawei.yaml

  # no import step: fire at the source itself
  authlab fire -g template.yaml GET /orders/1 -H 'Authorization: Bearer allow-alice'`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("import needs a FILE, e.g. authlab import template.yaml")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Files = args
			return runImport(o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.Out, "out", "o", "", "output file (default authlab.yaml next to the source; - for stdout)")
	f.StringVar(&o.Format, "format", "", "source format: sam, cfn, openapi, serverless, oci, huawei (default: detected)")
	f.BoolVar(&o.Print, "print", false, "print the translation on stdout and write nothing")
	f.StringVar(&o.API, "api", "", "the API to import when the source defines several (logical ID; rest or http for serverless; all: one file each)")
	f.StringVar(&o.Stage, "stage", "", "stage name (default: the source's)")
	f.StringVar(&o.Region, "region", "", "AWS region for AWS::Region and the methodArn (default us-east-1)")
	f.StringVar(&o.Account, "account", "", "AWS account id for AWS::AccountId and the methodArn")
	f.StringArrayVar(&o.Params, "param", nil, "CloudFormation parameter value K=V (repeatable)")
	f.StringArrayVar(&o.Functions, "function", nil, "REF=FILE[:FUNCTION]: run this handler for a function (logical ID, name, ARN function name, OCID, URN name) (repeatable)")
	f.StringVar(&o.BackendURL, "backend-url", "", "send every non-mock route to this upstream instead of echoing")
	f.BoolVar(&o.JSON, "json", false, "print a JSON report (file, format, output, warnings) instead of the text")
	f.BoolVar(&o.Strict, "strict", false, "exit 1 when any import warning was printed")
	f.BoolVar(&o.Force, "force", false, "overwrite an output file import did not write")
	return c
}

// importReport is one source's --json report.
type importReport struct {
	File        string             `json:"file"`
	Format      importer.Format    `json:"format"`
	API         string             `json:"api,omitempty"`
	Output      string             `json:"output,omitempty"`
	Authorizers int                `json:"authorizers"`
	Routes      int                `json:"routes"`
	Warnings    []importer.Warning `json:"warnings"`
}

func runImport(o *ImportOptions) error {
	opts := importer.Options{API: o.API, Stage: o.Stage, Region: o.Region, Account: o.Account, BackendURL: o.BackendURL}
	if o.Format != "" {
		f, err := importer.ParseFormat(o.Format)
		if err != nil {
			return usageError("%v", err)
		}
		opts.Format = f
	}
	if o.Print && o.JSON {
		return usageError("--print shows the translation and --json the report: choose one")
	}
	if o.Print || o.Out == "-" {
		o.Print, o.Out = true, ""
	}
	if o.Out != "" && (len(o.Files) > 1 || o.API == "all") {
		return usageError("-o names one file; with several sources or --api all each is written next to its source")
	}
	var err error
	if opts.Params, err = keyValues(o.Params, "--param", "K=V"); err != nil {
		return err
	}
	if opts.Functions, err = keyValues(o.Functions, "--function", "REF=FILE[:FUNCTION]"); err != nil {
		return err
	}
	var reports []importReport
	warned := false
	for _, file := range o.Files {
		reps, err := importOne(o, file, opts)
		if err != nil {
			return err
		}
		for _, r := range reps {
			warned = warned || len(r.Warnings) > 0
		}
		reports = append(reports, reps...)
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		for i := range reports {
			if reports[i].Warnings == nil {
				reports[i].Warnings = []importer.Warning{}
			}
		}
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	if o.Strict && warned {
		return &ExitError{Code: ExitFailed, Err: errors.New("import warnings and --strict")}
	}
	return nil
}

// importOne imports one source (every API of it with --api all).
func importOne(o *ImportOptions, file string, opts importer.Options) ([]importReport, error) {
	src, diags, err := config.ReadFile(file, "source file")
	if err != nil {
		if diags != nil {
			fmt.Fprint(o.IO.Err, diags.Format(false))
			return nil, &ExitError{Code: ExitUsage, Silent: true, Err: err}
		}
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	apis := []string{opts.API}
	if opts.API == "all" {
		opts.API = ""
		_, err := importer.Import(file, src, opts)
		var ie *importer.Error
		switch {
		case errors.As(err, &ie) && ie.Code == "IMP-MULTI-API":
			apis = ie.Candidates
		case err != nil:
			return nil, importError(err)
		default:
			apis = []string{""}
		}
	}
	var out []importReport
	for _, api := range apis {
		opts.API = api
		target := o.Out
		if target == "" && !o.Print {
			name := "authlab.yaml"
			switch {
			case api != "" && o.API == "all":
				name = "authlab." + api + ".yaml"
			case len(o.Files) > 1:
				name = "authlab." + strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".yaml"
			}
			target = filepath.Join(filepath.Dir(file), name)
		}
		opts.OutDir = filepath.Dir(file)
		if target != "" {
			opts.OutDir = filepath.Dir(target)
		}
		opts.Inline = !o.Print
		res, err := importer.Import(file, src, opts)
		if err != nil {
			return nil, importError(err)
		}
		rep := importReport{File: file, Format: res.Format, API: res.API, Output: target, Warnings: res.Warnings}
		if !o.Print {
			if err := writeImportFiles(o, target, res); err != nil {
				return nil, err
			}
		}
		g, err := checkTranslation(res, target, file)
		if err != nil {
			return nil, err
		}
		rep.Authorizers, rep.Routes = len(g.Authorizers), len(g.Routes)
		if !o.JSON {
			for _, w := range res.Warnings {
				fmt.Fprintln(o.IO.Err, w.String())
			}
		}
		if o.Print {
			o.IO.Out.Write(res.YAML)
			rep.Output = ""
		} else if err := os.WriteFile(target, res.YAML, 0o644); err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		if !o.JSON {
			dest := "stdout"
			if !o.Print {
				dest = target
			}
			what := res.Format.Title()
			if res.API != "" {
				what += ", API " + res.API
			}
			fmt.Fprintf(o.IO.Err, "imported %s (%s) → %s: %s, %s, %s\n", file, what, dest,
				plural(rep.Authorizers, "authorizer"), plural(rep.Routes, "route"), plural(len(res.Warnings), "warning"))
		}
		out = append(out, rep)
	}
	return out, nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// importError maps an importer error to exit 2 with its message.
func importError(err error) error {
	var ie *importer.Error
	if errors.As(err, &ie) {
		msg := ie.Error()
		if ie.Code == "IMP-MULTI-API" && len(ie.Candidates) > 0 {
			msg += fmt.Sprintf("\ne.g. authlab import %s --api %s", ie.Pos.File, ie.Candidates[0])
		}
		return &ExitError{Code: ExitUsage, Err: errors.New(msg)}
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// checkTranslation loads the output as validate would (where it will be
// written, so relative paths resolve); a failure is a bug of the importer,
// reported as such.
func checkTranslation(res *importer.Result, target, source string) (*config.Gateway, error) {
	dir := filepath.Dir(source)
	name := filepath.Join(dir, "authlab.yaml")
	if target != "" {
		dir, name = filepath.Dir(target), target
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	g, diags, err := config.Load(name, res.YAML, abs)
	if err != nil {
		msg := err.Error()
		if diags != nil {
			msg = diags.Format(false)
		}
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("internal error: the translation of %s does not load (please report it):\n%s", source, msg)}
	}
	var ce *engine.CheckError
	if err := engine.Check(g, nil); errors.As(err, &ce) && len(res.Files) == 0 {
		// (with extra files and --print nothing was written to check against)
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("internal error: the translation of %s does not compile (please report it): %s: %v", source, ce.Path, ce.Err)}
	}
	return g, nil
}

// importHeader starts every file import writes: one that does not is the
// user's, kept unless --force.
var importHeader = []byte("# Imported by `authlab import`")

// writeImportFiles checks the output may be written, and writes the extra
// files (inline code, keys) next to it.
func writeImportFiles(o *ImportOptions, target string, res *importer.Result) error {
	if old, err := os.ReadFile(target); err == nil && !o.Force && !bytes.Contains(firstLines(old, 3), importHeader) {
		return usageError("%s exists and was not written by authlab import: -o picks another file, --force overwrites it", target)
	}
	dir := filepath.Dir(target)
	for f, b := range res.Files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
	}
	return nil
}

func firstLines(b []byte, n int) []byte {
	for i, c := range b {
		if c == '\n' {
			n--
			if n == 0 {
				return b[:i]
			}
		}
	}
	return b
}

// keyValues parses repeated K=V flags.
func keyValues(list []string, flag, form string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError("%s %q: expected %s", flag, kv, form)
		}
		out[k] = v
	}
	return out, nil
}
