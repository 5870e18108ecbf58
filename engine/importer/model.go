package importer

import (
	"fmt"

	"github.com/authlab/authlab/engine/config"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// The gateway the importers build, in authlab's own terms, before it is
// written out as authlab.yaml. Every element keeps the source position it
// came from.

type gateway struct {
	name     string
	platform string
	// aws: block
	region, account, stage string
	stageVars              []kv
	huaweiResponses        []hwResponse
	// AWS gateway responses (REST) and CORS (HTTP API corsConfiguration)
	awsResponses []gwResponse
	cors         *awsCors
	// API keys and usage plans (REST APIs)
	apiKeySource string
	apiKeys      []apiKeyDef
	usagePlans   []planDef
	authorizers  []*authorizer
	routes       []*route
	// notes are comment lines under the header (what the source held
	// that applies to the whole gateway).
	notes []string
}

type kv struct{ k, v string }

type apiKeyDef struct {
	name, value string
	disabled    bool
	comment     string
	at          pos
}

type planDef struct {
	name                  string
	keys                  []string
	rate                  string // requests per second, as written
	burst, limit          int
	period                string
	offset                int
	comment               string
	at                    pos
	hasThrottle, hasQuota bool
}

type authorizer struct {
	name  string
	at    pos
	label string // what the source called it, for the comment
	typ   string
	// common keys
	identity []string
	regex    string
	ttl      *int // seconds; nil = not written
	ttlNote  string
	fn       *function
	// the type's own keys, in order
	opts []field
	// notes are "# import: ..." comments above the authorizer
	notes []string
	// used is set when a route refers to it
	used bool
}

type field struct {
	key     string
	val     any
	comment string
}

func (a *authorizer) set(key string, val any, comment string) {
	a.opts = append(a.opts, field{key, val, comment})
}

type function struct {
	runtime   string
	handler   string
	workdir   string
	env       []kv
	timeout   string // "3s"; "" = not written
	flavor    string
	responses *ylist // mock
	comment   string // on the function: line
	at        pos
}

type route struct {
	path              string
	methods           []string
	authorizer        string
	backendAuthorizer string
	authzType         string
	scopes            []string
	// awsScopes: AWS's authorizationScopes (cognito, aws-jwt)
	awsScopes      []string
	apiKeyRequired bool
	req, resp      *transforms
	backend        backend
	at             pos
	label          string
	notes          []string
}

type transforms struct {
	setHeaders    []setItem
	renameHeaders []kv
	filterHeaders *filter
	setQuery      []setItem
	renameQuery   []kv
	filterQuery   *filter
}

func (t *transforms) empty() bool {
	return t == nil || (len(t.setHeaders) == 0 && len(t.renameHeaders) == 0 && t.filterHeaders == nil &&
		len(t.setQuery) == 0 && len(t.renameQuery) == 0 && t.filterQuery == nil)
}

type setItem struct {
	name     string
	values   []string
	ifExists string
}

type filter struct {
	typ   string
	names []string
}

type backend struct {
	echo    bool
	fn      *function // a Lambda proxy integration
	payload string    // HTTP APIs: "1.0" when the source says so
	url     string
	stock   *stock
	comment string
}

type stock struct {
	status  int
	body    string
	headers []kv
}

type hwResponse struct {
	typ     string
	status  int
	body    string
	headers []kv
}

// methodOrder is the order methods are written and ANY is expanded in.
var methodOrder = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// expandedAny is ANY spelled out (IMP-ANY-SPLIT).
var expandedAny = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

func methodRank(m string) int {
	if m == "ANY" {
		return -1
	}
	if i := slices.Index(methodOrder, m); i >= 0 {
		return i
	}
	return len(methodOrder)
}

// sortRoutes orders routes by path, then by their first method, so the
// same input always gives the same file.
func sortRoutes(rs []*route) {
	for _, r := range rs {
		sort.SliceStable(r.methods, func(i, j int) bool { return methodRank(r.methods[i]) < methodRank(r.methods[j]) })
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].path != rs[j].path {
			return rs[i].path < rs[j].path
		}
		mi, mj := "", ""
		if len(rs[i].methods) > 0 {
			mi = rs[i].methods[0]
		}
		if len(rs[j].methods) > 0 {
			mj = rs[j].methods[0]
		}
		return methodRank(mi) < methodRank(mj)
	})
}

// sourceRef is "template.yaml:42" for a comment.
func (im *imp) sourceRef(p pos) string {
	f := p.file
	if f == "" {
		f = im.file
	}
	name := filepath.Base(f)
	if im.outDir != "" {
		if abs, err := filepath.Abs(f); err == nil {
			if rel, err := filepath.Rel(im.outDir, abs); err == nil && !strings.HasPrefix(rel, "..") {
				name = filepath.ToSlash(rel)
			}
		}
	}
	if !p.valid() {
		return name
	}
	return fmt.Sprintf("%s:%d", name, p.line)
}

// render writes the gateway as authlab.yaml text and the source position
// of each of its lines.
func (im *imp) render(g *gateway) ([]byte, []pos) {
	sortRoutes(g.routes)
	w := &writer{cur: pos{im.file, 1, 1}}
	w.line(0, "# yaml-language-server: $schema="+config.SchemaBaseURL+"gateway.json")
	w.comments(0, []string{
		fmt.Sprintf("Imported by `authlab import` from %s (%s%s).", im.sourceRef(pos{}), im.format.Title(), im.apiLabel()),
		"Each authorizer and route names the source element it came from; an \"import:\" comment",
		"marks what was translated or could not be carried over (the import warnings list them).",
	})
	if len(g.notes) > 0 {
		w.comments(0, g.notes)
	}
	top := &ymap{flow: flowNever}
	top.add("version", 1)
	top.add("name", g.name)
	top.add("platform", g.platform)
	if g.region != "" || g.account != "" || g.stage != "" || len(g.stageVars) > 0 || len(g.apiKeys) > 0 || g.apiKeySource != "" || len(g.awsResponses) > 0 || g.cors != nil {
		aws := &ymap{}
		if g.region != "" {
			aws.add("region", g.region)
		}
		if g.account != "" {
			aws.add("account", g.account)
		}
		if g.stage != "" {
			aws.add("stage", g.stage)
		}
		if len(g.stageVars) > 0 {
			sv := &ymap{flow: flowNever}
			for _, v := range g.stageVars {
				sv.add(v.k, v.v)
			}
			aws.add("stageVariables", sv)
		}
		if g.apiKeySource != "" {
			aws.add("apiKeySource", g.apiKeySource)
		}
		if len(g.apiKeys) > 0 {
			keys := &ymap{flow: flowNever}
			for _, k := range g.apiKeys {
				km := &ymap{}
				km.add("value", k.value)
				if k.disabled {
					km.add("enabled", false)
				}
				keys.addAt(k.name, km, k.at, k.comment)
			}
			aws.add("apiKeys", keys)
			plans := &ymap{flow: flowNever}
			for _, p := range g.usagePlans {
				pm := &ymap{}
				pm.add("keys", strList(p.keys))
				if p.hasThrottle {
					th := &ymap{}
					if p.rate != "" {
						th.add("rateLimit", number(p.rate))
					}
					th.add("burstLimit", p.burst)
					pm.add("throttle", th)
				}
				if p.hasQuota {
					q := &ymap{}
					q.add("limit", p.limit)
					q.add("period", p.period)
					if p.offset > 0 {
						q.add("offset", p.offset)
					}
					pm.add("quota", q)
				}
				plans.addAt(p.name, pm, p.at, p.comment)
			}
			aws.add("usagePlans", plans)
			aws.flow = flowNever
		}
		if len(g.awsResponses) > 0 {
			gr := &ymap{flow: flowNever}
			for _, r := range g.awsResponses {
				m := &ymap{flow: flowNever}
				if r.status != "" {
					m.add("statusCode", r.status)
				}
				if len(r.headers) > 0 {
					h := &ymap{flow: flowNever}
					for _, kv := range r.headers {
						h.add(kv.k, kv.v)
					}
					m.add("headers", h)
				}
				if len(r.templates) > 0 {
					tp := &ymap{flow: flowNever}
					for _, kv := range r.templates {
						tp.add(kv.k, kv.v)
					}
					m.add("templates", tp)
				}
				gr.addAt(r.typ, m, r.at, "")
			}
			aws.add("gatewayResponses", gr)
			aws.flow = flowNever
		}
		if c := g.cors; c != nil {
			cm := &ymap{}
			cm.add("allowOrigins", strList(c.origins))
			if len(c.methods) > 0 {
				cm.add("allowMethods", strList(c.methods))
			}
			if len(c.headers) > 0 {
				cm.add("allowHeaders", strList(c.headers))
			}
			if len(c.expose) > 0 {
				cm.add("exposeHeaders", strList(c.expose))
			}
			if n, ok := intText(c.maxAge); ok {
				cm.add("maxAge", n)
			}
			if c.credentials {
				cm.add("allowCredentials", true)
			}
			aws.add("cors", cm)
			aws.flow = flowNever
		}
		top.add("aws", aws)
	}
	if len(g.huaweiResponses) > 0 {
		gr := &ymap{flow: flowNever}
		for _, r := range g.huaweiResponses {
			m := &ymap{}
			if r.status != 0 {
				m.add("status", r.status)
			}
			if r.body != "" {
				m.add("body", r.body)
			}
			if len(r.headers) > 0 {
				h := &ymap{}
				for _, kv := range r.headers {
					h.add(kv.k, kv.v)
				}
				m.add("headers", h)
			}
			gr.add(r.typ, m)
		}
		hw := &ymap{flow: flowNever}
		hw.add("gatewayResponses", gr)
		top.add("huawei", hw)
	}
	w.mapping(0, top, "")

	if len(g.authorizers) > 0 {
		w.line(0, "")
		w.line(0, "authorizers:")
		for i, a := range g.authorizers {
			if i > 0 {
				w.line(0, "")
			}
			am := &ymap{flow: flowNever}
			am.entries = append(am.entries, yentry{key: a.name, val: im.authorizerMap(a), at: a.at,
				above: append([]string{strings.TrimSpace(im.sourceRef(a.at) + " " + a.label)}, importNotes(a.notes)...)})
			w.mapping(2, am, "")
		}
	}
	w.line(0, "")
	w.line(0, "routes:")
	routes := &ylist{flow: flowNever}
	for _, r := range g.routes {
		routes.add(im.routeMap(r), r.at, append([]string{strings.TrimSpace(im.sourceRef(r.at) + " " + r.label)}, importNotes(r.notes)...)...)
	}
	for i := range routes.items {
		if i > 0 {
			routes.above[i] = append([]string{""}, routes.above[i]...)
		}
	}
	w.cur = pos{im.file, 1, 1}
	w.blockList(2, routes)
	return w.b.Bytes(), w.lines
}

// blockList writes a list whose items are separated by blank lines (an
// empty comment line is a blank line).
func (w *writer) blockList(indent int, l *ylist) {
	saved := w.cur
	for i, it := range l.items {
		if l.at[i].valid() {
			w.cur = l.at[i]
		}
		for _, c := range l.above[i] {
			if c == "" {
				w.line(0, "")
				continue
			}
			w.comments(indent, []string{c})
		}
		w.mapping(indent+2, it.(*ymap), "- ")
	}
	w.cur = saved
}

func importNotes(notes []string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = "import: " + n
	}
	return out
}

func (im *imp) apiLabel() string {
	if im.apiID == "" {
		return ""
	}
	return ", API " + im.apiID
}

func (im *imp) authorizerMap(a *authorizer) *ymap {
	m := &ymap{flow: flowNever}
	m.add("type", a.typ)
	for _, f := range a.opts {
		if f.key == "token" || f.key == "arguments" {
			m.addAt(f.key, f.val, pos{}, f.comment)
		}
	}
	switch len(a.identity) {
	case 0:
	case 1:
		m.add("identitySource", a.identity[0])
	default:
		m.add("identitySource", strList(a.identity))
	}
	if a.regex != "" {
		m.add("validationRegex", a.regex)
	}
	if a.ttl != nil {
		e := m.add("ttl", ttlValue(*a.ttl))
		e.comment = a.ttlNote
	}
	for _, f := range a.opts {
		if f.key == "token" || f.key == "arguments" {
			continue
		}
		m.addAt(f.key, f.val, pos{}, f.comment)
	}
	if a.fn != nil {
		m.addAt("function", a.fn.yaml(), a.fn.at, a.fn.comment)
	}
	return m
}

func ttlValue(s int) any {
	if s == 0 {
		return 0
	}
	return fmt.Sprintf("%ds", s)
}

func strList(s []string) *ylist {
	l := &ylist{}
	for _, v := range s {
		l.add(v, pos{})
	}
	return l
}

func (f *function) yaml() *ymap {
	m := &ymap{}
	m.add("runtime", f.runtime)
	if f.handler != "" {
		m.add("handler", f.handler)
	}
	if f.flavor != "" {
		m.add("flavor", f.flavor)
	}
	if f.workdir != "" {
		m.add("workdir", f.workdir)
	}
	if len(f.env) > 0 {
		e := &ymap{flow: flowNever}
		for _, v := range f.env {
			e.add(v.k, v.v)
		}
		m.add("env", e)
		m.flow = flowNever
	}
	if f.timeout != "" {
		m.add("timeout", f.timeout)
	}
	if f.responses != nil {
		m.add("responses", f.responses)
		m.flow = flowNever
	}
	return m
}

func (im *imp) routeMap(r *route) *ymap {
	m := &ymap{flow: flowNever}
	m.add("path", r.path)
	if len(r.methods) > 0 {
		m.add("methods", strList(r.methods))
	}
	if r.authorizer != "" {
		m.add("authorizer", r.authorizer)
	}
	if r.backendAuthorizer != "" {
		m.add("backendAuthorizer", r.backendAuthorizer)
	}
	if len(r.awsScopes) > 0 {
		m.add("authorizationScopes", strList(r.awsScopes))
	}
	if r.apiKeyRequired {
		m.add("apiKeyRequired", true)
	}
	if r.authzType != "" {
		az := &ymap{}
		az.add("type", r.authzType)
		if len(r.scopes) > 0 {
			az.add("allowedScope", strList(r.scopes))
		}
		m.add("authorization", az)
	}
	if !r.req.empty() {
		m.add("requestTransformations", r.req.yaml())
	}
	if !r.resp.empty() {
		m.add("responseTransformations", r.resp.yaml())
	}
	m.addAt("backend", r.backend.yaml(), pos{}, r.backend.comment)
	return m
}

func (t *transforms) yaml() *ymap {
	m := &ymap{flow: flowNever}
	sets := func(items []setItem) *ylist {
		l := &ylist{flow: flowNever}
		for _, it := range items {
			e := &ymap{flow: flowAlways}
			e.add("name", it.name)
			e.add("values", strList(it.values))
			if it.ifExists != "" {
				e.add("ifExists", it.ifExists)
			}
			l.add(e, pos{})
		}
		return l
	}
	renames := func(items []kv) *ylist {
		l := &ylist{flow: flowNever}
		for _, it := range items {
			e := &ymap{flow: flowAlways}
			e.add("from", it.k)
			e.add("to", it.v)
			l.add(e, pos{})
		}
		return l
	}
	filt := func(f *filter) *ymap {
		e := &ymap{}
		e.add("type", f.typ)
		items := &ylist{}
		for _, n := range f.names {
			im := &ymap{flow: flowAlways}
			im.add("name", n)
			items.add(im, pos{})
		}
		e.add("items", items)
		return e
	}
	if len(t.setHeaders) > 0 {
		m.add("setHeaders", sets(t.setHeaders))
	}
	if len(t.renameHeaders) > 0 {
		m.add("renameHeaders", renames(t.renameHeaders))
	}
	if t.filterHeaders != nil {
		m.add("filterHeaders", filt(t.filterHeaders))
	}
	if len(t.setQuery) > 0 {
		m.add("setQuery", sets(t.setQuery))
	}
	if len(t.renameQuery) > 0 {
		m.add("renameQuery", renames(t.renameQuery))
	}
	if t.filterQuery != nil {
		m.add("filterQuery", filt(t.filterQuery))
	}
	return m
}

func (b backend) yaml() *ymap {
	m := &ymap{}
	switch {
	case b.stock != nil:
		s := &ymap{}
		if b.stock.status != 0 {
			s.add("status", b.stock.status)
		}
		if b.stock.body != "" {
			s.add("body", b.stock.body)
		}
		if len(b.stock.headers) > 0 {
			h := &ymap{}
			for _, kv := range b.stock.headers {
				h.add(kv.k, kv.v)
			}
			s.add("headers", h)
		}
		m.add("stock", s)
	case b.url != "":
		m.add("url", b.url)
	case b.fn != nil:
		m.flow = flowNever
		m.addAt("function", b.fn.yaml(), b.fn.at, b.fn.comment)
		if b.payload != "" {
			m.add("payloadFormat", b.payload)
		}
	default:
		m.add("echo", true)
	}
	return m
}
