package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/authlab/authlab/engine/limits"
)

// fnSpec is what a source says about a function, before it is resolved to
// a handler file authlab can run.
type fnSpec struct {
	ref   string   // how messages name it: a logical ID, a function name
	names []string // the names --function matches (ref included)
	at    pos
	// runtime as the source writes it (python3.12, nodejs20.x, java21 ...)
	runtime string
	// codeRoot is the folder handlers are relative to (absolute); "" when
	// the code is not on disk, and notLocal says why.
	codeRoot string
	notLocal string
	handler  string // index.handler, pkg/mod.main
	// entry is an esbuild entry point relative to codeRoot.
	entry string
	// inline code (SAM InlineCode, CFN ZipFile)
	inline string
	// image: a container image function
	image   bool
	timeout string
	env     []envVar
	layers  bool
	// oci / huawei: the flavor authlab calls the handler with
	flavor string
	// defaultRuntime is assumed when runtime is empty (serverless: node)
	defaultRuntime string
}

type envVar struct {
	k, v       string
	unresolved bool
	at         pos
}

// placeholderReturn is the answer of a placeholder mock per authorizer
// type: the function "threw Unauthorized" (401, nothing cached), or the
// type's refusal shape.
func placeholderResponses(typ string, simple bool) *ylist {
	l := &ylist{flow: flowNever}
	row := &ymap{}
	switch {
	case typ == proxyFn:
		ret := &ymap{}
		ret.add("statusCode", 200)
		h := &ymap{}
		h.add("Content-Type", "application/json")
		ret.add("headers", h)
		ret.add("body", proxyPlaceholderBody)
		row.add("return", ret)
	case typ == "aws-http" && simple:
		ret := &ymap{}
		ret.add("isAuthorized", false)
		row.add("return", ret)
	case typ == "oci":
		ret := &ymap{}
		ret.add("active", false)
		ret.add("wwwAuthenticate", `Bearer realm="authlab-import-placeholder"`)
		row.add("return", ret)
	default:
		row.add("return", "Unauthorized")
	}
	l.add(row, pos{})
	return l
}

// proxyFn is the "authorizer type" a Lambda proxy integration's function
// is resolved as: its placeholder answers a fixed proxy response.
const proxyFn = "proxy"

const proxyPlaceholderBody = `{"message":"authlab import placeholder: plug in the integration's handler"}`

// standIn says what a placeholder for a function of this type does.
func standIn(typ string) string {
	if typ == proxyFn {
		return "a mock answering a fixed proxy response (200, " + proxyPlaceholderBody + ")"
	}
	return "a mock that refuses every request"
}

// placeholder is the mock that stands in for a function authlab cannot run.
func placeholder(typ string, simple bool, at pos, comment string) *function {
	return &function{runtime: "mock", responses: placeholderResponses(typ, simple), at: at, comment: comment}
}

// rel writes an absolute path relative to the output folder.
func (im *imp) rel(abs string) string {
	r, err := filepath.Rel(im.outDir, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// runtimeOf maps a Lambda / Fn / FunctionGraph runtime to authlab's.
func runtimeOf(rt string) (string, bool) {
	l := strings.ToLower(rt)
	switch {
	case strings.HasPrefix(l, "python"):
		return "python", true
	case strings.HasPrefix(l, "nodejs"), l == "node", strings.HasPrefix(l, "node.js"):
		return "node", true
	}
	return "", false
}

// resolveFunction turns a function spec into a runnable function or a
// placeholder, with a warning naming what to plug in.
func (im *imp) resolveFunction(sp *fnSpec, typ string, simple bool) *function {
	if sp == nil {
		return placeholder(typ, simple, pos{}, "")
	}
	// --function REF=FILE[:FUNC] overrides everything.
	for _, n := range append([]string{sp.ref}, sp.names...) {
		if v, ok := im.opts.Functions[n]; ok && n != "" {
			return im.overrideFunction(v, sp)
		}
	}
	what := sp.ref
	if sp.image {
		im.warn("IMP-FN-RUNTIME", sp.at, "function %s is a container image, which authlab cannot run; "+standIn(typ)+" stands in (--function %s=FILE[:FUNC] plugs in a python or node handler)", what, what)
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (container image)", what))
	}
	rt := sp.runtime
	if rt == "" {
		rt = sp.defaultRuntime
	}
	arun, ok := runtimeOf(rt)
	if rt != "" && !ok {
		im.warn("IMP-FN-RUNTIME", sp.at, "function %s runs %s, which authlab cannot run (python and node only); "+standIn(typ)+" stands in (--function %s=FILE[:FUNC] plugs in a python or node handler)", what, rt, what)
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (%s)", what, rt))
	}
	if sp.codeRoot == "" && sp.inline == "" {
		why := sp.notLocal
		if why == "" {
			why = "its code is not on disk"
		}
		im.warn("IMP-FN-NOT-LOCAL", sp.at, "function %s: %s; "+standIn(typ)+" stands in (--function %s=FILE[:FUNC] plugs in its handler)", what, why, what)
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (not local)", what))
	}
	if rt == "" && sp.codeRoot != "" {
		// No runtime written: the files say which.
		if f, _ := nodeFile(sp.codeRoot, sp.handler); f != "" {
			arun, ok = "node", true
		} else if f, _ := pythonFile(sp.codeRoot, sp.handler); exists(f) {
			arun, ok = "python", true
		}
	}
	if !ok {
		im.warn("IMP-FN-RUNTIME", sp.at, "function %s names no runtime and no python or node file matches its handler %s; "+standIn(typ)+" stands in", what, sp.handler)
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (no runtime)", what))
	}
	if sp.inline != "" {
		return im.inlineFunction(sp, arun, typ, simple)
	}
	var fn *function
	if arun == "node" {
		fn = im.nodeHandler(sp, typ, simple)
	} else {
		fn = im.pythonHandler(sp, typ, simple)
	}
	if fn.runtime == "mock" {
		return fn
	}
	fn.timeout, fn.flavor = sp.timeout, sp.flavor
	fn.at = sp.at
	for _, e := range sp.env {
		if e.unresolved {
			im.warnOnce(fmt.Sprint(e.k, e.at), "IMP-ENV", e.at, "environment variable %s (of %s and any function sharing it): %s; the handler sees that text", e.k, what, e.v)
		}
		fn.env = append(fn.env, kv{e.k, e.v})
	}
	if sp.layers {
		im.warn("IMP-FN-DEPS", sp.at, "function %s uses Lambda layers: what they provide (libraries, aws_lambda_powertools) must be installed where authlab runs the handler", what)
	}
	return fn
}

// overrideFunction applies --function REF=FILE[:FUNC].
func (im *imp) overrideFunction(v string, sp *fnSpec) *function {
	file, fnName := v, "handler"
	if i := strings.LastIndex(v, ":"); i > 0 && !strings.ContainsAny(v[i+1:], `/\`) {
		file, fnName = v[:i], v[i+1:]
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs, _ = filepath.Abs(file)
	}
	rt := "python"
	switch strings.ToLower(filepath.Ext(file)) {
	case ".js", ".mjs", ".cjs":
		rt = "node"
	}
	return &function{runtime: rt, handler: im.rel(abs) + ":" + fnName, at: sp.at, flavor: sp.flavor,
		timeout: sp.timeout, comment: "import: --function " + sp.ref}
}

// nodeFile finds a Node handler's file as the Lambda runtime interface
// client does: the handler's folder, then its basename split at the first
// dot (module, then the function path), and the first of "", .js, .mjs,
// .cjs that exists. tsFile is a TypeScript sibling when none does.
func nodeFile(root, handler string) (file, tsFile string) {
	dir, base := path.Split(handler)
	module, _, _ := strings.Cut(base, ".")
	stem := filepath.Join(root, filepath.FromSlash(dir), module)
	for _, ext := range []string{"", ".js", ".mjs", ".cjs"} {
		if exists(stem + ext) {
			return stem + ext, ""
		}
	}
	for _, ext := range []string{".ts", ".tsx", ".mts"} {
		if exists(stem + ext) {
			return "", stem + ext
		}
	}
	return "", ""
}

func nodeFunction(handler string) string {
	_, base := path.Split(handler)
	_, fn, ok := strings.Cut(base, ".")
	if !ok || fn == "" {
		return "handler"
	}
	return fn
}

func (im *imp) nodeHandler(sp *fnSpec, typ string, simple bool) *function {
	what := sp.ref
	fnName := nodeFunction(sp.handler)
	var file, ts string
	if sp.entry != "" {
		// esbuild: the entry point is the source file; the handler names
		// the bundle's module and the function.
		e := filepath.Join(sp.codeRoot, filepath.FromSlash(sp.entry))
		switch strings.ToLower(filepath.Ext(e)) {
		case ".ts", ".tsx", ".mts":
			if js := strings.TrimSuffix(e, filepath.Ext(e)) + ".js"; exists(js) {
				file = js
			} else {
				ts = e
			}
		default:
			if exists(e) {
				file = e
			}
		}
	} else {
		file, ts = nodeFile(sp.codeRoot, sp.handler)
	}
	switch {
	case file == "" && ts != "":
		im.warn("IMP-FN-TS", sp.at, "function %s: the handler is TypeScript (%s), which authlab does not compile; a mock stands in. Build it (sam build, tsc) and import .aws-sam/build/template.yaml, or --function %s=BUILT.js:%s", what, im.rel(ts), what, fnName)
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (TypeScript %s)", what, im.rel(ts)))
	case file == "":
		im.warn("IMP-FN-NOT-LOCAL", sp.at, "function %s: handler %s names no file under %s (tried %s.js, .mjs, .cjs); "+standIn(typ)+" stands in", what, sp.handler, im.rel(sp.codeRoot), strings.SplitN(path.Base(sp.handler), ".", 2)[0])
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (handler %s not found)", what, sp.handler))
	}
	if strings.HasSuffix(file, ".js") && looksESM(file) && !packageTypeModule(file, sp.codeRoot) {
		im.warn("IMP-FN-ESM", sp.at, "function %s: %s uses import/export but no package.json says \"type\": \"module\"; Lambda runs it because esbuild bundles it, Node may refuse it (Node 22.12+ detects ES modules)", what, im.rel(file))
	}
	im.depsCheck(sp, file, "node")
	return &function{runtime: "node", handler: im.rel(file) + ":" + fnName}
}

// pythonFile: the handler's module (dots or slashes) under the code root.
func pythonFile(root, handler string) (file, fn string) {
	i := strings.LastIndex(handler, ".")
	if i < 0 {
		return filepath.Join(root, filepath.FromSlash(handler)+".py"), "handler"
	}
	module, fn := handler[:i], handler[i+1:]
	module = strings.ReplaceAll(module, ".", "/")
	return filepath.Join(root, filepath.FromSlash(module)+".py"), fn
}

func (im *imp) pythonHandler(sp *fnSpec, typ string, simple bool) *function {
	file, fnName := pythonFile(sp.codeRoot, sp.handler)
	if !exists(file) {
		im.warn("IMP-FN-NOT-LOCAL", sp.at, "function %s: handler %s names %s, which does not exist; "+standIn(typ)+" stands in", sp.ref, sp.handler, im.rel(file))
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (%s not found)", sp.ref, im.rel(file)))
	}
	fn := &function{runtime: "python", handler: im.rel(file) + ":" + fnName}
	// Lambda puts the code root on sys.path; authlab's loop puts the
	// handler's folder first. A module in a subfolder imports its package
	// siblings from the root, so run from there.
	if filepath.Dir(file) != filepath.Clean(sp.codeRoot) {
		fn.workdir = im.rel(sp.codeRoot)
		sp.env = append([]envVar{{k: "PYTHONPATH", v: "."}}, sp.env...)
	}
	im.depsCheck(sp, file, "python")
	return fn
}

var (
	esmSyntax   = regexp.MustCompile(`(?m)^\s*(export\s+(default\s+|async\s+|const\s+|function\s+|let\s+|class\s+|\{)|import\s+[\w*{].*\sfrom\s|import\s+['"])`)
	pyImports   = regexp.MustCompile(`(?m)^\s*(?:import|from)\s+(boto3|botocore|aws_lambda_powertools|jwt|jose|requests|cryptography)\b`)
	nodeImports = regexp.MustCompile(`(?:require\(\s*|from\s+|import\s+)['"](@aws-sdk/[\w-]+|aws-sdk|jsonwebtoken|jwks-rsa|jose|aws-jwt-verify|axios)['"]`)
)

// readSmall reads a source file the importer inspects, bounded.
func readSmall(p string) []byte {
	b, err := limits.ReadFile(p, "handler file", limits.MaxKeyBytes)
	if err != nil {
		return nil
	}
	return b
}

func looksESM(file string) bool { return esmSyntax.Match(readSmall(file)) }

// packageTypeModule: the nearest package.json (up to the code root's
// parent) says "type": "module".
func packageTypeModule(file, root string) bool {
	stop := filepath.Dir(filepath.Clean(root))
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if b := readSmall(filepath.Join(dir, "package.json")); b != nil {
			var p struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(b, &p)
			return p.Type == "module"
		}
		if dir == stop || dir == filepath.Dir(dir) {
			return false
		}
	}
}

// depsCheck warns when a handler needs libraries that are not installed
// here: declared but not installed, or provided by the Lambda runtime or a
// layer without being declared (IMP-FN-DEPS).
func (im *imp) depsCheck(sp *fnSpec, file, rt string) {
	src := readSmall(file)
	if rt == "python" {
		req := filepath.Join(sp.codeRoot, "requirements.txt")
		if !exists(req) {
			req = filepath.Join(filepath.Dir(file), "requirements.txt")
		}
		declared := readSmall(req)
		if len(bytes.TrimSpace(declared)) > 0 {
			im.warnOnce(req, "IMP-FN-DEPS", sp.at, "function %s: %s lists libraries; install them for the python3 authlab runs (pip install -r %s)", sp.ref, im.rel(req), im.rel(req))
		}
		for _, m := range pyImports.FindAllSubmatch(src, -1) {
			lib := string(m[1])
			if !bytes.Contains(declared, []byte(strings.ReplaceAll(lib, "_", "-"))) && !bytes.Contains(declared, []byte(lib)) {
				im.warnOnce(file+lib, "IMP-FN-DEPS", sp.at, "function %s: %s imports %s, which Lambda or a layer provides but no requirements.txt declares; install it locally", sp.ref, im.rel(file), lib)
			}
		}
		return
	}
	var pkg []byte
	pkgDir := ""
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if b := readSmall(filepath.Join(dir, "package.json")); b != nil {
			pkg, pkgDir = b, dir
			break
		}
		if dir == filepath.Dir(filepath.Clean(sp.codeRoot)) || dir == filepath.Dir(dir) {
			break
		}
	}
	if pkg != nil {
		var p struct {
			Deps map[string]string `json:"dependencies"`
		}
		_ = json.Unmarshal(pkg, &p)
		if len(p.Deps) > 0 && !isDir(filepath.Join(pkgDir, "node_modules")) {
			im.warnOnce(pkgDir, "IMP-FN-DEPS", sp.at, "function %s: %s lists dependencies but node_modules is missing; run npm install in %s", sp.ref, im.rel(filepath.Join(pkgDir, "package.json")), im.rel(pkgDir))
		}
	}
	for _, m := range nodeImports.FindAllSubmatch(src, -1) {
		lib := string(m[1])
		if !bytes.Contains(pkg, []byte(`"`+lib+`"`)) {
			im.warnOnce(file+lib, "IMP-FN-DEPS", sp.at, "function %s: %s imports %s, which the Lambda runtime provides but no package.json declares; install it locally (npm install %s)", sp.ref, im.rel(file), lib, lib)
		}
	}
}

// inlineFunction writes inline code (SAM InlineCode, CFN Code.ZipFile) to
// .authlab/inline/<ref>.py|.js next to the gateway file.
func (im *imp) inlineFunction(sp *fnSpec, rt, typ string, simple bool) *function {
	if !im.opts.Inline {
		im.warn("IMP-FN-NOT-LOCAL", sp.at, "function %s has inline code; authlab import writes it to a file (loading the source directly cannot), so a mock stands in", sp.ref)
		return placeholder(typ, simple, sp.at, fmt.Sprintf("import: placeholder for %s (inline code)", sp.ref))
	}
	ext := ".py"
	if rt == "node" {
		ext = ".js"
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_-]`).ReplaceAllString(sp.ref, "_")
	relPath := ".authlab/inline/" + name + ext
	if im.files == nil {
		im.files = map[string][]byte{}
	}
	im.files[relPath] = []byte(sp.inline)
	fnName := "handler"
	if i := strings.LastIndex(sp.handler, "."); i >= 0 {
		fnName = sp.handler[i+1:]
	}
	im.warn("IMP-IGNORED", sp.at, "function %s has inline code: written to %s", sp.ref, relPath)
	fn := &function{runtime: rt, handler: relPath + ":" + fnName, timeout: sp.timeout, at: sp.at}
	for _, e := range sp.env {
		fn.env = append(fn.env, kv{e.k, e.v})
	}
	return fn
}
