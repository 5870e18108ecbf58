// Package importer translates gateway definitions users already have — SAM
// and CloudFormation templates, OpenAPI files with API Gateway extensions,
// serverless.yml, OCI API deployment specifications and Huawei APIG
// exports — into authlab gateway files.
//
// Each format has its own file (sam.go, cfn.go, openapi.go, serverless.go,
// oci.go, huawei.go); they build one model (model.go) that is written as a
// commented authlab.yaml whose every line remembers the source position it
// came from. AWS constructs that authlab does not emulate yet are decided in
// one place, awsgaps.go.
//
// Nothing is dropped silently: whatever cannot be carried over is a Warning
// with a stable code (IMP-*), the source's file:line:col and what was done
// instead. The translation is loaded by config.Load like any gateway file
// (Register), so fire, run, serve, validate and the TUI take the source
// file directly.
package importer

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	routepkg "github.com/authlab/authlab/engine/route"
)

// Format is a source format.
type Format string

// The formats, as --format spells them.
const (
	SAM        Format = "sam"
	CFN        Format = "cfn"
	OpenAPI    Format = "openapi"
	Serverless Format = "serverless"
	OCI        Format = "oci"
	Huawei     Format = "huawei"
)

// Formats lists every format in --format order.
var Formats = []Format{SAM, CFN, OpenAPI, Serverless, OCI, Huawei}

// Title names the format in messages.
func (f Format) Title() string {
	switch f {
	case SAM:
		return "SAM template"
	case CFN:
		return "CloudFormation template"
	case OpenAPI:
		return "OpenAPI definition"
	case Serverless:
		return "Serverless Framework service"
	case OCI:
		return "OCI API deployment specification"
	case Huawei:
		return "Huawei APIG export"
	}
	return string(f)
}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	switch strings.ToLower(s) {
	case "cloudformation":
		return CFN, nil
	case "swagger":
		return OpenAPI, nil
	case "sls":
		return Serverless, nil
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q; expected one of %s", s, strings.Join(names, ", "))
}

// Options are what the command line can add to a source.
type Options struct {
	// Format forces the format; "" detects it from the content.
	Format Format
	// API picks one API of a source that defines several (logical ID,
	// "rest" / "http" for serverless); "" imports the only one with routes.
	API string
	// Stage, Region, Account override what the source says.
	Stage, Region, Account string
	// Params are CloudFormation parameter values (--param K=V).
	Params map[string]string
	// Functions map a function reference (logical ID, function name, ARN
	// function name, OCID, URN function name) to FILE[:FUNCTION].
	Functions map[string]string
	// BackendURL sends every non-mock route to this upstream.
	BackendURL string
	// OutDir is the folder the gateway file will be written to; paths in it
	// are relative to this folder. "" = the source's folder.
	OutDir string
	// Inline: write inline function code (SAM InlineCode, CFN ZipFile) to
	// files under .authlab/inline (returned in Result.Files); otherwise such
	// functions become placeholders.
	Inline bool
}

// Pos is a position in a source file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// Warning is one thing the importer could not carry over as it was.
type Warning struct {
	Code    string `json:"code"`
	File    string `json:"source"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d:%d: warning %s: %s", w.File, w.Line, w.Col, w.Code, w.Message)
}

// Result is a translated source.
type Result struct {
	Format Format
	// API is the API imported, when the source could define several.
	API string
	// YAML is the authlab gateway file.
	YAML []byte
	// Lines[i] is where line i+1 of YAML came from in the source.
	Lines []Pos
	// Warnings, in source order.
	Warnings []Warning
	// Files are extra files to write next to the gateway (inline function
	// code), by path relative to OutDir.
	Files map[string][]byte
}

// Error is a source that cannot be imported at all: not a known format
// (Code "IMP-FORMAT"), or several APIs and no choice (IMP-MULTI-API).
type Error struct {
	Code string
	Pos  Pos
	Msg  string
	// Candidates are the APIs to choose from (IMP-MULTI-API).
	Candidates []string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// imp is one import in progress.
type imp struct {
	file   string // as given
	dir    string // the source's folder, absolute
	outDir string // where the gateway file goes, absolute
	format Format
	opts   Options
	root   *node
	apiID  string

	warnings []Warning
	seen     map[string]bool
	files    map[string][]byte
}

// warn records a warning at a source position.
func (im *imp) warn(code string, p pos, format string, a ...any) {
	f := p.file
	if f == "" {
		f = im.file
	}
	if !p.valid() {
		p = pos{f, 1, 1}
	}
	im.warnings = append(im.warnings, Warning{Code: code, File: f, Line: p.line, Col: p.col, Message: fmt.Sprintf(format, a...)})
}

// warnOnce records a warning the first time key is seen (one line per
// kind of thing, not per route).
func (im *imp) warnOnce(key, code string, p pos, format string, a ...any) {
	if im.seen == nil {
		im.seen = map[string]bool{}
	}
	if im.seen[code+"|"+key] {
		return
	}
	im.seen[code+"|"+key] = true
	im.warn(code, p, format, a...)
}

// Import translates a source file's bytes. file names it in positions and
// comments; relative paths in the source are resolved against its folder.
func Import(file string, src []byte, o Options) (*Result, error) {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".ts", ".js", ".cjs", ".mjs":
		return nil, &Error{Code: "IMP-FORMAT", Pos: Pos{file, 1, 1},
			Msg: fmt.Sprintf("%s is a program, not a document: for a serverless.ts or .js run `serverless print > serverless.resolved.yml` and import that", filepath.Base(file))}
	}
	root, err := parse(file, src)
	if err != nil {
		var pe *parseError
		if errors.As(err, &pe) {
			return nil, &Error{Code: "IMP-FORMAT", Pos: Pos{file, pe.pos.line, pe.pos.col}, Msg: "not a YAML or JSON document: " + pe.msg}
		}
		return nil, err
	}
	return importRoot(file, root, o)
}

// importRoot imports a parsed source.
func importRoot(file string, root *node, o Options) (*Result, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	im := &imp{file: file, dir: filepath.Dir(abs), opts: o}
	im.outDir = im.dir
	if o.OutDir != "" {
		if im.outDir, err = filepath.Abs(o.OutDir); err != nil {
			return nil, err
		}
	}
	im.root = root
	im.format = o.Format
	if im.format == "" {
		f, what := detect(root)
		if f == "" {
			return nil, &Error{Code: "IMP-FORMAT", Pos: Pos{file, 1, 1},
				Msg: fmt.Sprintf("not a format authlab imports: found %s; expected a SAM or CloudFormation template (Resources), an OpenAPI file (openapi/swagger), a serverless.yml (service and provider/functions), an OCI deployment specification (routes) or a Huawei APIG export (x-apigateway-*)", what)}
		}
		im.format = f
	}
	var g *gateway
	switch im.format {
	case SAM, CFN:
		g, err = im.importCloudFormation()
	case OpenAPI:
		g, err = im.importOpenAPIFile()
	case Serverless:
		g, err = im.importServerless()
	case OCI:
		g, err = im.importOCI()
	case Huawei:
		g, err = im.importHuawei()
	default:
		return nil, fmt.Errorf("unknown format %q", im.format)
	}
	if err != nil {
		return nil, err
	}
	im.finish(g)
	text, lines := im.render(g)
	res := &Result{Format: im.format, API: im.apiID, YAML: text, Files: im.files}
	res.Lines = make([]Pos, len(lines))
	for i, p := range lines {
		f := p.file
		if f == "" {
			f = file
		}
		res.Lines[i] = Pos{f, p.line, p.col}
	}
	sort.SliceStable(im.warnings, func(i, j int) bool {
		a, b := im.warnings[i], im.warnings[j]
		if a.File != b.File {
			return a.File == file // the source first, included files after
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	res.Warnings = im.warnings
	return res, nil
}

// finish applies the checks every format shares: unused authorizers, a
// gateway without routes.
func (im *imp) finish(g *gateway) {
	used := map[string]bool{}
	for _, r := range g.routes {
		used[r.authorizer] = true
		used[r.backendAuthorizer] = true
	}
	for _, a := range g.authorizers {
		if !used[a.name] {
			im.warn("IMP-UNUSED", a.at, "authorizer %q is defined but no route uses it; imported anyway", a.name)
		}
	}
	g.routes = im.dedupeShapes(g.routes)
	if len(g.routes) == 0 {
		// authlab needs a route: a stand-in that says so, answered 404.
		im.warn("IMP-NO-ROUTES", pos{im.file, 1, 1}, "the source defines no routes; wrote a placeholder route /authlab-import-no-routes so the file loads")
		g.routes = append(g.routes, &route{path: "/authlab-import-no-routes", methods: []string{"GET"},
			backend: backend{stock: &stock{status: 404, body: "the imported source defines no routes"}},
			label:   "(placeholder: the source defines no routes)"})
	}
	if g.name == "" {
		g.name = strings.TrimSuffix(filepath.Base(im.file), filepath.Ext(im.file))
	}
}

// dedupeShapes drops a route that overlaps an earlier one: the same path
// shape (/a/{x} and /a/{y}) with a method in common. API Gateway refuses
// such siblings too; authlab's validate would refuse the file.
func (im *imp) dedupeShapes(rs []*route) []*route {
	type seen struct {
		r     *route
		shape string
	}
	var kept []seen
	var out []*route
	for _, r := range rs {
		t, err := routepkg.Parse(r.path)
		if err != nil {
			im.warn("IMP-SOURCE-INVALID", r.at, "path %s: %v; route skipped", r.path, err)
			continue
		}
		dup := false
		for _, k := range kept {
			if k.shape == t.Shape() && methodsOverlap(k.r.methods, r.methods) {
				im.warn("IMP-SOURCE-INVALID", r.at, "%s %s overlaps %s %s (line %d): sibling path parameters with different names are refused by the gateway; the first is imported", strings.Join(r.methods, ","), r.path, strings.Join(k.r.methods, ","), k.r.path, k.r.at.line)
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		kept = append(kept, seen{r, t.Shape()})
		out = append(out, r)
	}
	return out
}

func methodsOverlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 || slices.Contains(a, "ANY") || slices.Contains(b, "ANY") {
		return true
	}
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
