package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Huawei Cloud APIG exports: Swagger 2.0 / OpenAPI 3.0 with x-apigateway-*
// extensions (§8).

var fgURN = regexp.MustCompile(`^urn:fss:[^:]*:[^:]*:function:[^:]*:([^:]+)(?::[^:]+)?$`)

func (im *imp) importHuawei() (*gateway, error) {
	root := im.root
	g := &gateway{platform: "huawei", name: root.path("info", "title").text()}
	auths := map[string]*authorizer{}
	iam := map[string]string{}
	for _, s := range securitySchemes(root) {
		if ext := s.n.get("x-apigateway-authorizer"); ext != nil {
			a := im.huaweiAuthorizer(s, ext)
			auths[s.name] = a
			g.authorizers = append(g.authorizers, a)
			continue
		}
		switch at := s.n.get("x-apigateway-auth-type").text(); strings.ToUpper(at) {
		case "APPSIGV1", "IAM", "IAM_NONE":
			iam[s.name] = at
		}
		if opt := s.n.get("x-apigateway-auth-opt"); opt != nil {
			im.warnOnce("appcode", "IMP-APIKEY", opt.pos, "AppCode authentication (x-apigateway-auth-opt) is not emulated; ignored")
		}
	}
	readSec := func(n *node, op string, at pos) (front, back string, open bool, set bool) {
		if n == nil {
			return "", "", false, false
		}
		set = true
		if n.kind == kList && len(n.list) == 0 {
			return "", "", true, true
		}
		for _, alt := range n.items() {
			for _, k := range alt.keys {
				if a := auths[k]; a != nil {
					if backendAuthorizer(a) {
						back = k
					} else if front == "" {
						front = k
					}
				} else if t := iam[k]; t != "" {
					im.warn("IMP-IAM", at, "%s uses %s authentication (scheme %s), which authlab does not emulate: imported WITHOUT an authorizer", op, t, k)
				}
			}
		}
		return front, back, false, set
	}
	rootFront, rootBack, _, _ := readSec(root.get("security"), "the API", root.keyAt("security"))
	respSets := map[string]int{}
	paths := root.get("paths")
	if paths != nil && paths.kind == kMap {
		for i, p := range paths.keys {
			item := paths.vals[i]
			for j, opName := range item.keys {
				if !containsFold(operations, opName) && opName != "x-apigateway-any-method" {
					continue
				}
				op := item.vals[j]
				method := strings.ToUpper(opName)
				if strings.HasPrefix(opName, "x-") || opName == "any" {
					method = "ANY"
				}
				label := fmt.Sprintf("%s %s", method, p)
				if id := op.get("operationId").text(); id != "" {
					label += " (" + id + ")"
				}
				r := &route{path: im.normalizePath(p, item.keyPos[j]), methods: []string{method}, at: item.keyPos[j], label: label}
				front, back, open, set := readSec(op.get("security"), method+" "+p, item.keyPos[j])
				if !set {
					front, back = rootFront, rootBack
				}
				if !open {
					r.authorizer, r.backendAuthorizer = front, back
				}
				if a := auths[r.authorizer]; a != nil {
					a.used = true
				}
				set2 := "default"
				if rs := op.get("x-apigateway-response").text(); rs != "" {
					set2 = rs
				}
				respSets[set2]++
				r.backend = im.huaweiBackend(op, r)
				for _, k := range []string{"x-apigateway-ratelimit", "x-apigateway-ratelimits", "x-apigateway-access-control", "x-apigateway-access-controls",
					"x-apigateway-plugins", "x-apigateway-request-type", "x-apigateway-orchestrations", "x-apigateway-backend-policies"} {
					if op.has(k) {
						im.warnOnce(k, "IMP-IGNORED", op.keyAt(k), "%s is not emulated; ignored", k)
					}
				}
				routes := []*route{r}
				if strings.EqualFold(op.get("x-apigateway-match-mode").text(), "SWA") {
					rest := *r
					rest.path = strings.TrimSuffix(r.path, "/") + "/{rest+}"
					rest.label = label + " (prefix match)"
					im.warn("IMP-HW-SWA", op.keyAt("x-apigateway-match-mode"), "%s uses prefix matching (SWA): imported as %s and %s", p, r.path, rest.path)
					routes = append(routes, &rest)
				}
				if c, _ := op.get("x-apigateway-cors").boolean(); c && (method == "ANY" || method == "OPTIONS") {
					im.warnOnce("cors-any", "IMP-CORS", op.keyAt("x-apigateway-cors"), "x-apigateway-cors on %s %s: the route itself answers OPTIONS, so no preflight route is added; the CORS headers APIG adds are not emulated", method, p)
				} else if c {
					routes = append(routes, &route{path: r.path, methods: []string{"OPTIONS"}, at: op.keyAt("x-apigateway-cors"), label: "CORS preflight of " + p,
						backend: backend{stock: &stock{status: 200, headers: []kv{{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Methods", method}}}, comment: "import: CORS preflight"}})
					im.warnOnce("cors", "IMP-CORS", op.keyAt("x-apigateway-cors"), "x-apigateway-cors: an OPTIONS route without an authorizer answers the preflight; the CORS headers APIG adds to other answers are not emulated")
				}
				g.routes = append(g.routes, routes...)
			}
		}
	}
	g.routes = im.dedupeHuawei(g.routes)
	im.huaweiResponses(root, g, respSets)
	return g, nil
}

func backendAuthorizer(a *authorizer) bool {
	for _, f := range a.opts {
		if f.key == "stage" && f.val == "backend" {
			return true
		}
	}
	return false
}

// dedupeHuawei: an explicit OPTIONS beats a synthesised preflight.
func (im *imp) dedupeHuawei(rs []*route) []*route {
	var out []*route
	seen := map[string]bool{}
	for _, r := range rs {
		k := r.path + " " + strings.Join(r.methods, ",")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}

func (im *imp) huaweiAuthorizer(s scheme, ext *node) *authorizer {
	a := &authorizer{name: s.name, at: s.at, label: "security scheme " + s.name, typ: "huawei"}
	stage := "frontend"
	if strings.EqualFold(ext.get("type").text(), "BACKEND") {
		stage = "backend"
	}
	a.set("stage", stage, "")
	var regexes []string
	ids := ext.get("identities").items()
	for _, id := range ids {
		loc := "header"
		if strings.EqualFold(id.get("location").text(), "QUERY") {
			loc = "query"
		}
		a.identity = append(a.identity, loc+":"+id.get("name").text())
		regexes = append(regexes, id.get("validation").text())
	}
	if len(regexes) > 0 {
		uniform := true
		for _, r := range regexes {
			uniform = uniform && r == regexes[0]
		}
		switch {
		case uniform && regexes[0] != "":
			a.regex = regexes[0]
		case !uniform:
			im.warn("IMP-HW-VALIDATION", ext.keyAt("identities"), "authorizer %s: the identities have different validation expressions; authlab applies one to every identity (HW-I1), so none is imported", s.name)
		}
	}
	if ttl := ext.get("ttl"); ttl != nil {
		if n, ok := intText(ttl.text()); ok {
			a.ttl = &n
		}
	}
	if b, _ := ext.get("need_body").boolean(); b {
		a.set("sendBody", true, "")
	}
	if ud := ext.get("user_data"); ud != nil {
		a.set("userData", ud.text(), "")
	}
	if t := ext.get("authorizer_type").text(); t != "" && !strings.EqualFold(t, "FUNC") {
		im.warn("IMP-HW-AUTHORIZER", ext.keyAt("authorizer_type"), "authorizer %s: authorizer_type %s; authlab emulates FunctionGraph (FUNC) authorizers, imported as one", s.name, t)
	}
	for _, k := range []string{"auth_downgrade_enabled", "retry_attempts", "network_type", "authorizer_version", "authorizer_alias_uri"} {
		if ext.has(k) {
			msg := "has no meaning locally; ignored"
			if k == "auth_downgrade_enabled" {
				msg = "(relaxed mode) lets requests through when the authorizer fails; not emulated, so failures answer as in normal mode"
			}
			im.warn("IMP-IGNORED", ext.keyAt(k), "authorizer %s: %s %s", s.name, k, msg)
		}
	}
	uri := ext.get("authorizer_uri").text()
	name := uri
	if m := fgURN.FindStringSubmatch(uri); m != nil {
		name = m[1]
	}
	sp := &fnSpec{ref: name, names: []string{uri, s.name}, at: ext.keyAt("authorizer_uri"), notLocal: "it is a FunctionGraph function (" + uri + ")", runtime: "python", flavor: ""}
	if to := ext.get("timeout"); to != nil {
		if n, ok := intText(to.text()); ok {
			sp.timeout = fmt.Sprintf("%dms", n)
		}
	}
	a.fn = im.resolveFunction(sp, "huawei", false)
	return a
}

// huaweiBackend maps x-apigateway-backend (§8.2).
func (im *imp) huaweiBackend(op *node, r *route) backend {
	b := op.get("x-apigateway-backend")
	typ := strings.ToUpper(b.get("type").text())
	in := map[string]string{}
	for _, p := range op.get("parameters").items() {
		in[p.get("name").text()] = p.get("in").text()
	}
	t := &transforms{}
	for _, p := range b.get("parameters").items() {
		name, value, loc := p.get("name").text(), p.get("value").text(), strings.ToLower(p.get("in").text())
		var expr string
		switch strings.ToUpper(p.get("origin").text()) {
		case "CONSTANT":
			expr = value
		case "REQUEST":
			switch in[value] {
			case "query":
				expr = "${request.query[" + value + "]}"
			case "path":
				expr = "${request.path[" + value + "]}"
			default:
				expr = "${request.headers[" + value + "]}"
			}
		case "SYSTEM":
			v := value
			switch {
			case strings.HasPrefix(v, "$context.authorizer.frontend."):
				expr = "${request.auth[" + strings.TrimPrefix(v, "$context.authorizer.frontend.") + "]}"
			case strings.HasPrefix(v, "$context.authorizer.backend."):
				expr = "${request.auth[backend." + strings.TrimPrefix(v, "$context.authorizer.backend.") + "]}"
			case strings.HasPrefix(v, "$context."):
				im.warn("IMP-TRANSFORM-DROPPED", p.pos, "backend parameter %s = %s: a gateway variable authlab does not provide; dropped", name, v)
				continue
			default:
				expr = "${request.auth[" + v + "]}" // a frontend authentication parameter (HW-B1)
			}
		default:
			im.warn("IMP-TRANSFORM-DROPPED", p.pos, "backend parameter %s: origin %q unknown; dropped", name, p.get("origin").text())
			continue
		}
		if strings.Contains(expr, "${request.path[") && !strings.Contains(r.path, "{"+value) {
			im.warn("IMP-TRANSFORM-DROPPED", p.pos, "backend parameter %s reads path parameter %s, which route %s does not have; dropped", name, value, r.path)
			continue
		}
		it := setItem{name: name, values: []string{expr}, ifExists: "OVERWRITE"}
		switch loc {
		case "header":
			t.setHeaders = append(t.setHeaders, it)
		case "query":
			t.setQuery = append(t.setQuery, it)
		default:
			im.warn("IMP-TRANSFORM-DROPPED", p.pos, "backend parameter %s goes to the %s; authlab does not rewrite the path, dropped", name, loc)
		}
	}
	if !t.empty() {
		r.req = t
	}
	switch typ {
	case "MOCK":
		body := b.path("mockEndpoints", "result-content").text()
		st := &stock{status: 200, body: body}
		if n, ok := intText(b.path("mockEndpoints", "status-code").text()); ok {
			st.status = n
		}
		return backend{stock: st, comment: "import: MOCK backend"}
	}
	target := b.path("httpEndpoints", "address").text() + b.path("httpEndpoints", "path").text()
	if target == "" {
		target = b.path("functionEndpoints", "function-urn").text()
	}
	desc := strings.TrimSpace(typ + " " + target)
	if im.opts.BackendURL != "" {
		im.warnOnce("backend-url", "IMP-BACKEND", b.pos, "backends are sent to --backend-url %s", im.opts.BackendURL)
		return backend{url: im.opts.BackendURL, comment: "import: backend was " + desc}
	}
	if b != nil {
		im.warnOnce("backend-"+typ, "IMP-BACKEND", b.pos, "%s backends are replaced by {echo: true}: the backend answers with what reached it (--backend-url URL sends them to a local service)", typ)
	}
	return backend{echo: true, comment: "import: backend was " + desc}
}

// huaweiResponses maps x-apigateway-responses for the set the routes use.
func (im *imp) huaweiResponses(root *node, g *gateway, used map[string]int) {
	sets := root.get("x-apigateway-responses")
	if sets == nil || sets.kind != kMap {
		return
	}
	best, n := "default", -1
	var names []string
	for name := range used {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if used[name] > n && sets.get(name) != nil {
			best, n = name, used[name]
		}
	}
	if len(used) > 1 {
		im.warn("IMP-HW-RESPONSES", root.keyAt("x-apigateway-responses"), "routes use %d gateway response sets; authlab has one table per gateway, %s (used by the most routes) is imported", len(used), best)
	}
	set := sets.get(best)
	if set == nil || set.kind != kMap {
		return
	}
	for i, typ := range set.keys {
		v := set.vals[i]
		switch typ {
		case "AUTHORIZER_FAILURE", "AUTHORIZER_CONF_FAILURE", "AUTHORIZER_IDENTITIES_FAILURE":
		default:
			im.warnOnce("hwresp-"+typ, "IMP-IGNORED", set.keyPos[i], "gateway response %s does not concern authorizers; ignored", typ)
			continue
		}
		r := hwResponse{typ: typ}
		if s, ok := intText(v.get("status").text()); ok {
			r.status = s
		}
		if body := v.get("body"); body != nil {
			if j := body.get("application/json"); j != nil {
				r.body = j.text()
			} else if len(body.vals) > 0 {
				r.body = body.vals[0].text()
			} else {
				r.body = body.text()
			}
		}
		if hs := v.get("headers"); hs != nil {
			for _, h := range hs.items() {
				if h.kind == kMap && h.has("key") {
					r.headers = append(r.headers, kv{h.get("key").text(), h.get("value").text()})
				}
			}
			if hs.kind == kMap {
				for j, k := range hs.keys {
					r.headers = append(r.headers, kv{k, hs.vals[j].text()})
				}
			}
		}
		g.huaweiResponses = append(g.huaweiResponses, r)
	}
}
