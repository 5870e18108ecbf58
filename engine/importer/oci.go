package importer

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine/config"
)

// OCI API Gateway deployment specifications (§7).

// ociAuthName is the one authorizer of a deployment.
const ociAuthName = "authentication"

func (im *imp) importOCI() (*gateway, error) {
	root := im.root
	g := &gateway{platform: "oci", name: strings.TrimSuffix(filepath.Base(im.file), filepath.Ext(im.file))}
	rp := root.get("requestPolicies")
	var auth *authorizer
	jwtAnonymous := false
	if a := rp.get("authentication"); a != nil {
		auth, jwtAnonymous = im.ociAuthentication(a, rp.keyAt("authentication"))
	} else if d := rp.get("dynamicAuthentication"); d != nil {
		servers := d.get("authenticationServers").items()
		if len(servers) > 0 {
			im.warn("IMP-OCI-DYNAMIC", d.pos, "dynamic authentication chooses one of %d authentication servers by %s; only the first is imported", len(servers), exprText(d.get("selectionSource")))
			if detail := servers[0].get("authenticationServerDetail"); detail != nil {
				auth, jwtAnonymous = im.ociAuthentication(detail, servers[0].pos)
			}
		}
	}
	if auth != nil {
		g.authorizers = append(g.authorizers, auth)
	}
	for _, k := range []string{"cors", "rateLimiting", "usagePlans", "mutualTls"} {
		if rp.has(k) {
			msg := "not emulated; ignored"
			if k == "mutualTls" {
				msg = "not emulated; arguments from request.cert need a client certificate the request must carry"
			}
			im.warn("IMP-IGNORED", rp.keyAt(k), "requestPolicies.%s: %s", k, msg)
		}
	}
	for _, rn := range root.get("routes").items() {
		rs := im.ociRoute(rn, auth, jwtAnonymous)
		g.routes = append(g.routes, rs...)
	}
	return g, nil
}

// ociAuthentication maps requestPolicies.authentication.
func (im *imp) ociAuthentication(a *node, at pos) (*authorizer, bool) {
	az := &authorizer{name: ociAuthName, at: at, label: "requestPolicies.authentication"}
	typ := a.get("type").text()
	switch typ {
	case "CUSTOM_AUTHENTICATION":
		az.typ = "oci"
		az.label += " (CUSTOM_AUTHENTICATION)"
		switch {
		case a.has("tokenHeader"):
			az.set("token", "request.headers["+a.get("tokenHeader").text()+"]", "")
		case a.has("tokenQueryParam"):
			az.set("token", "request.query["+a.get("tokenQueryParam").text()+"]", "")
		case a.has("parameters"):
			args := &ymap{flow: flowNever}
			ps := a.get("parameters")
			for i, k := range ps.keys {
				v := ps.vals[i].text()
				if _, _, err := parseOCIVar(v); err != nil {
					im.warn("IMP-OCI-ARGUMENT", ps.keyPos[i], "argument %s = %s: authlab passes request.headers[X], request.query[X], request.host, request.cert and request.body; dropped", k, v)
					continue
				}
				args.add(k, v)
			}
			az.set("arguments", args, "")
		default:
			im.warn("IMP-SOURCE-INVALID", a.pos, "CUSTOM_AUTHENTICATION with neither tokenHeader, tokenQueryParam nor parameters; imported as tokenHeader Authorization")
			az.set("token", "request.headers[Authorization]", "")
		}
		if ck := a.get("cacheKey"); ck != nil {
			l := &ylist{}
			for _, x := range ck.items() {
				l.add(x.text(), pos{})
			}
			az.set("cacheKey", l, "")
		}
		if b, _ := a.get("isAnonymousAccessAllowed").boolean(); b {
			az.set("isAnonymousAccessAllowed", true, "")
		}
		if vf := a.get("validationFailurePolicy"); vf != nil {
			if vft := vf.get("type").text(); vft != "" && vft != "MODIFY_RESPONSE" {
				im.warn("IMP-OCI-VFP", vf.pos, "validationFailurePolicy %s (the OAuth2 login redirect) is not emulated; dropped, so a refusal is the plain 401", vft)
			} else {
				az.set("validationFailurePolicy", ociVFP(vf), "")
			}
		}
		az.fn = im.ociFunction(a.get("functionId"), a.pos)
		return az, false
	case "JWT_AUTHENTICATION", "TOKEN_AUTHENTICATION":
		return im.ociJWT(a, az, typ), typ == "JWT_AUTHENTICATION" && boolOf(a.get("isAnonymousAccessAllowed"))
	}
	im.warn("IMP-SOURCE-INVALID", a.pos, "authentication type %q is not CUSTOM_AUTHENTICATION, JWT_AUTHENTICATION or TOKEN_AUTHENTICATION; routes imported without authentication", typ)
	return nil, false
}

func boolOf(n *node) bool {
	b, _ := n.boolean()
	return b
}

var ociVarRe = regexp.MustCompile(`^request\.(headers|query)\[([^\]]+)\]$|^request\.(host|cert|body)$`)

func parseOCIVar(s string) (string, string, error) {
	m := ociVarRe.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("unsupported")
	}
	return m[1] + m[3], m[2], nil
}

// ociVFP flattens OCI's {items: [...]} wrappers (§7.1).
func ociVFP(vf *node) *ymap {
	m := &ymap{flow: flowNever}
	if c := vf.get("responseCode"); c != nil {
		m.add("responseCode", c.text())
	}
	if c := vf.get("responseMessage"); c != nil {
		m.add("responseMessage", c.text())
	}
	if ht := vf.get("responseHeaderTransformations"); ht != nil {
		m.add("responseHeaderTransformations", ociTransforms(ht, nil).yaml())
	}
	return m
}

// ociTransforms reads header (and query) transformations.
func ociTransforms(headers, query *node) *transforms {
	t := &transforms{}
	sets := func(n *node) []setItem {
		var out []setItem
		for _, it := range n.get("items").items() {
			s := setItem{name: it.get("name").text(), ifExists: it.get("ifExists").text()}
			for _, v := range it.get("values").items() {
				s.values = append(s.values, v.text())
			}
			out = append(out, s)
		}
		return out
	}
	renames := func(n *node) []kv {
		var out []kv
		for _, it := range n.get("items").items() {
			out = append(out, kv{it.get("from").text(), it.get("to").text()})
		}
		return out
	}
	filt := func(n *node) *filter {
		if n == nil {
			return nil
		}
		f := &filter{typ: n.get("type").text()}
		for _, it := range n.get("items").items() {
			f.names = append(f.names, it.get("name").text())
		}
		return f
	}
	if headers != nil {
		t.setHeaders = sets(headers.get("setHeaders"))
		t.renameHeaders = renames(headers.get("renameHeaders"))
		t.filterHeaders = filt(headers.get("filterHeaders"))
	}
	if query != nil {
		t.setQuery = sets(query.get("setQueryParameters"))
		t.renameQuery = renames(query.get("renameQueryParameters"))
		t.filterQuery = filt(query.get("filterQueryParameters"))
	}
	return t
}

// ociJWT maps JWT_AUTHENTICATION and TOKEN_AUTHENTICATION to jwt.
func (im *imp) ociJWT(a *node, az *authorizer, typ string) *authorizer {
	az.typ = "jwt"
	az.label += " (" + typ + ")"
	switch {
	case a.has("tokenHeader"):
		az.identity = []string{"header:" + a.get("tokenHeader").text()}
	case a.has("tokenQueryParam"):
		az.identity = []string{"query:" + a.get("tokenQueryParam").text()}
	default:
		az.identity = []string{"header:Authorization"}
	}
	if s := a.get("tokenAuthScheme").text(); s != "" && !strings.EqualFold(s, "Bearer") {
		im.warn("IMP-BEARER", a.keyAt("tokenAuthScheme"), "tokenAuthScheme %s: authlab's jwt requires \"Bearer <token>\"", s)
	}
	claims := a
	keys := a.get("publicKeys")
	if typ == "TOKEN_AUTHENTICATION" {
		claims = a.get("validationPolicy").get("additionalValidationPolicy")
		if claims == nil {
			claims = &node{kind: kMap}
		}
		keys = a.get("validationPolicy")
		if vf := a.get("validationFailurePolicy"); vf != nil {
			im.warn("IMP-OCI-VFP", vf.pos, "validationFailurePolicy %s on a token authentication policy is not emulated (authlab's policy is for authorizer functions); dropped", vf.get("type").text())
		}
	}
	issuers := claims.get("issuers").items()
	if len(issuers) > 0 {
		az.set("issuer", issuers[0].text(), "")
		if len(issuers) > 1 {
			im.warn("IMP-OCI-JWT", claims.keyAt("issuers"), "%d issuers; authlab's jwt takes one, the first is imported", len(issuers))
		}
	}
	if aud := claims.get("audiences").items(); len(aud) > 0 {
		l := &ylist{}
		for _, x := range aud {
			l.add(x.text(), pos{})
		}
		az.set("audience", l, "")
	}
	switch kt := keys.get("type").text(); kt {
	case "REMOTE_JWKS":
		az.set("jwksUrl", keys.get("uri").text(), "")
	case "STATIC_KEYS":
		im.ociStaticKeys(keys, az)
	case "REMOTE_DISCOVERY":
		az.set("jwksUrl", "https://unresolved.invalid/oci-remote-discovery/jwks.json", "import: the discovery document's jwks_uri")
		im.warn("IMP-OCI-JWT", keys.pos, "REMOTE_DISCOVERY (%s) uses OIDC discovery or introspection with client credentials, which authlab does not do; jwksUrl written as a placeholder: put the provider's JWKS URL or a local jwks: file there", keys.get("uri").text())
	default:
		az.set("jwksUrl", "https://unresolved.invalid/jwks.json", "import: no public keys in the source")
		im.warn("IMP-OCI-JWT", a.pos, "no public keys (%q); jwksUrl written as a placeholder", kt)
	}
	if vc := claims.get("verifyClaims").items(); len(vc) > 0 {
		rc := &ymap{flow: flowNever}
		for _, c := range vc {
			vals := c.get("values").items()
			v := ""
			if len(vals) > 0 {
				v = vals[0].text()
				if len(vals) > 1 {
					im.warn("IMP-OCI-JWT", c.pos, "claim %s accepts %d values; authlab's requiredClaims takes one, the first is imported", c.get("key").text(), len(vals))
				}
			}
			if b, ok := c.get("isRequired").boolean(); ok && !b && v == "" {
				continue
			}
			rc.add(c.get("key").text(), v)
		}
		if len(rc.entries) > 0 {
			az.set("requiredClaims", rc, "")
		}
	}
	if sk := a.get("maxClockSkewInSeconds"); sk != nil {
		if n, ok := intText(sk.text()); ok {
			az.set("leeway", fmt.Sprintf("%ds", n), "")
		}
	} else if sk := a.path("validationPolicy", "maxClockSkewInSeconds"); sk != nil {
		if n, ok := intText(sk.text()); ok {
			az.set("leeway", fmt.Sprintf("%ds", n), "")
		}
	}
	if boolOf(a.get("isAnonymousAccessAllowed")) {
		im.warn("IMP-OCI-JWT", a.keyAt("isAnonymousAccessAllowed"), "isAnonymousAccessAllowed: authlab's jwt has no anonymous mode, so ANONYMOUS routes are imported without an authorizer")
	}
	return az
}

// ociStaticKeys writes STATIC_KEYS as a JWKS file next to the gateway.
func (im *imp) ociStaticKeys(keys *node, az *authorizer) {
	var jwks []map[string]any
	pem := ""
	for _, k := range keys.get("keys").items() {
		switch k.get("format").text() {
		case "PEM":
			if pem == "" {
				pem = k.get("key").text()
			}
		default: // JSON_WEB_KEY
			j := map[string]any{}
			for i, key := range k.keys {
				if key == "format" || key == "isEnabled" {
					continue
				}
				j[key] = k.vals[i].text()
			}
			jwks = append(jwks, j)
		}
	}
	if !im.opts.Inline {
		az.set("jwksUrl", "https://unresolved.invalid/oci-static-keys/jwks.json", "import: authlab import writes the static keys to a file")
		im.warn("IMP-OCI-JWT", keys.pos, "static public keys: authlab import writes them to keys/authentication.jwks.json; loading the source directly cannot, so jwksUrl is a placeholder")
		return
	}
	if im.files == nil {
		im.files = map[string][]byte{}
	}
	if len(jwks) > 0 {
		sort.SliceStable(jwks, func(i, j int) bool { return fmt.Sprint(jwks[i]["kid"]) < fmt.Sprint(jwks[j]["kid"]) })
		b, _ := json.MarshalIndent(map[string]any{"keys": jwks}, "", "  ")
		im.files["keys/authentication.jwks.json"] = append(b, '\n')
		az.set("jwks", "keys/authentication.jwks.json", "import: the deployment's static keys")
		return
	}
	im.files["keys/authentication.pem"] = []byte(pem + "\n")
	az.set("publicKey", "keys/authentication.pem", "import: the deployment's static key")
}

// ociRoute maps one route (§7.2).
func (im *imp) ociRoute(rn *node, auth *authorizer, jwtAnonymous bool) []*route {
	path := rn.get("path").text()
	r := &route{at: rn.pos, label: "route " + path}
	for _, m := range rn.get("methods").items() {
		r.methods = append(r.methods, strings.ToUpper(m.text()))
	}
	if strings.Contains(path, "*}") {
		im.warn("IMP-OCI-WILDCARD", rn.get("path").pos, "wildcard %s imported as {name+}, which needs at least one segment (whether OCI's also matches none is unconfirmed)", path)
		path = regexp.MustCompile(`\{([^{}]*)\*\}`).ReplaceAllString(path, "{$1+}")
	}
	r.path = im.normalizePath(path, rn.pos)
	rp := rn.get("requestPolicies")
	if auth != nil {
		r.authorizer = auth.name
		auth.used = true
	}
	if az := rp.get("authorization"); az != nil {
		switch t := az.get("type").text(); t {
		case "ANONYMOUS":
			switch {
			case auth == nil:
			case auth.typ == "jwt":
				if jwtAnonymous {
					r.authorizer = ""
					r.notes = append(r.notes, "ANONYMOUS route of a JWT policy that allows anonymous access: no authorizer here")
				}
			default:
				r.authzType = "ANONYMOUS"
				if !hasOpt(auth, "isAnonymousAccessAllowed") {
					im.warn("IMP-SOURCE-INVALID", az.pos, "route %s is ANONYMOUS but the authentication policy does not set isAnonymousAccessAllowed: true (OCI requires it); imported as written, so the route still requires authentication", path)
				}
			}
		case "ANY_OF":
			r.authzType = "ANY_OF"
			for _, s := range az.get("allowedScope").items() {
				r.scopes = append(r.scopes, s.text())
			}
		}
	}
	req := ociTransforms(rp.get("headerTransformations"), rp.get("queryParameterTransformations"))
	if !req.empty() {
		r.req = req
	}
	if resp := ociTransforms(rn.path("responsePolicies", "headerTransformations"), nil); !resp.empty() {
		r.resp = resp
	}
	for _, k := range []string{"cors", "bodyValidation", "headerValidations", "queryParameterValidations", "responseCacheLookup"} {
		if rp.has(k) {
			im.warnOnce("route-"+k, "IMP-IGNORED", rp.keyAt(k), "route policy %s is not emulated; ignored", k)
		}
	}
	b := rn.get("backend")
	switch bt := b.get("type").text(); bt {
	case "STOCK_RESPONSE_BACKEND":
		st := &stock{status: 200, body: b.get("body").text()}
		if n, ok := intText(b.get("status").text()); ok {
			st.status = n
		}
		for _, h := range b.get("headers").items() {
			st.headers = append(st.headers, kv{h.get("name").text(), h.get("value").text()})
		}
		r.backend = backend{stock: st}
	default:
		target := b.get("url").text()
		if target == "" {
			target = b.get("functionId").text()
		}
		if im.opts.BackendURL != "" {
			im.warnOnce("backend-url", "IMP-BACKEND", b.pos, "backends are sent to --backend-url %s (authlab appends the request path; an OCI HTTP_BACKEND url is the full target)", im.opts.BackendURL)
			r.backend = backend{url: im.opts.BackendURL, comment: "import: backend was " + strings.TrimSpace(bt+" "+target)}
		} else {
			im.warnOnce("backend-"+bt, "IMP-BACKEND", b.pos, "%s backends are replaced by {echo: true}: the backend answers with what reached it (--backend-url URL sends them to a local service)", bt)
			r.backend = backend{echo: true, comment: "import: backend was " + strings.TrimSpace(bt+" "+target)}
		}
	}
	return []*route{r}
}

func hasOpt(a *authorizer, key string) bool {
	for _, f := range a.opts {
		if f.key == key {
			return true
		}
	}
	return false
}

// ociFunction finds an OCI function's code (§9.5): --function, else a Fn
// func.yaml in the source's repository whose name the OCID mentions.
func (im *imp) ociFunction(idn *node, at pos) *function {
	id := idn.text()
	sp := &fnSpec{ref: id, names: []string{id}, at: idn.at(at), flavor: ""}
	for _, n := range sp.names {
		if v, ok := im.opts.Functions[n]; ok {
			return im.overrideFunction(v, sp)
		}
	}
	if fy := im.findFuncYAML(id); fy != "" {
		if fn := im.funcYAMLFunction(fy, sp); fn != nil {
			return fn
		}
	}
	im.warn("IMP-FN-NOT-LOCAL", sp.at, "authorizer function %s: no Fn project (func.yaml) in this repository matches it; a mock that refuses every request stands in (--function %s=FILE[:FUNC] plugs in its handler)", id, id)
	return placeholder("oci", false, sp.at, "import: placeholder for "+id)
}

var notAlnum = regexp.MustCompile(`[^a-z0-9]`)

// findFuncYAML looks for Fn func.yaml files under the source's folder,
// then under the repository's root (the nearest folder above with .git),
// each at most 3 levels down and 2000 entries, for one whose name the
// function id mentions.
func (im *imp) findFuncYAML(id string) string {
	want := notAlnum.ReplaceAllString(strings.ToLower(id), "")
	roots := []string{im.dir}
	for d := im.dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			if d != im.dir {
				roots = append(roots, d)
			}
			break
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	for _, root := range roots {
		for _, f := range funcYAMLs(root) {
			src, _, err := config.ReadFile(f, "func.yaml")
			if err != nil {
				continue
			}
			n, err := parse(f, src)
			if err != nil {
				continue
			}
			name := notAlnum.ReplaceAllString(strings.ToLower(n.get("name").text()), "")
			if name != "" && strings.Contains(want, name) {
				return f
			}
		}
	}
	return ""
}

func funcYAMLs(root string) []string {
	var found []string
	seen := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		seen++
		if seen > 2000 {
			return filepath.SkipAll
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || strings.Count(rel, string(filepath.Separator)) >= 3) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() == "func.yaml" || d.Name() == "func.yml" {
			found = append(found, p)
		}
		return nil
	})
	sort.Strings(found)
	return found
}

// funcYAMLFunction reads an Fn func.yaml: runtime, entrypoint or cmd,
// timeout.
func (im *imp) funcYAMLFunction(path string, sp *fnSpec) *function {
	src, _, _ := config.ReadFile(path, "func.yaml")
	n, err := parse(path, src)
	if err != nil {
		return nil
	}
	dir := filepath.Dir(path)
	rt, ok := runtimeOf(n.get("runtime").text())
	if !ok {
		im.warn("IMP-FN-RUNTIME", sp.at, "authorizer function %s (%s) runs %s, which authlab cannot run; a mock stands in", sp.ref, im.rel(path), n.get("runtime").text())
		return placeholder("oci", false, sp.at, "import: placeholder for "+n.get("name").text())
	}
	fn := &function{runtime: rt, at: sp.at, comment: "import: Fn function " + n.get("name").text() + " (" + im.rel(path) + ")"}
	entry := strings.Fields(n.get("entrypoint").text())
	switch {
	case rt == "python" && len(entry) >= 3:
		file := filepath.Join(dir, filepath.Base(entry[len(entry)-2]))
		fn.handler = im.rel(file) + ":" + entry[len(entry)-1]
	case rt == "node" && len(entry) >= 2:
		fn.handler = im.rel(filepath.Join(dir, filepath.Base(entry[len(entry)-1])))
	case n.has("cmd"):
		mod, f, _ := strings.Cut(n.get("cmd").text(), ".")
		fn.handler = im.rel(filepath.Join(dir, mod+".py")) + ":" + f
	case rt == "python":
		fn.handler = im.rel(filepath.Join(dir, "func.py")) + ":handler"
	default:
		fn.handler = im.rel(filepath.Join(dir, "func.js"))
	}
	file, _, _ := strings.Cut(fn.handler, ":")
	if !exists(filepath.Join(im.outDir, filepath.FromSlash(file))) {
		im.warn("IMP-FN-NOT-LOCAL", sp.at, "authorizer function %s: %s names %s, which does not exist; a mock stands in", sp.ref, im.rel(path), file)
		return placeholder("oci", false, sp.at, "import: placeholder for "+n.get("name").text())
	}
	if to := n.get("timeout"); to != nil {
		if s, ok := intText(to.text()); ok {
			fn.timeout = fmt.Sprintf("%ds", s)
		}
	}
	return fn
}
