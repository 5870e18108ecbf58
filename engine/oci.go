package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/expr"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
	"github.com/authlab/authlab/engine/transform"
)

// oci is OCI API Gateway authorizer functions, single- and multi-argument
// (semantics.md §3).
type oci struct {
	opts       *OCIOptions
	tokenTable string // single-argument: headers | query
	tokenKey   string
	args       []OCIArgument // multi-argument, by name
	cacheKey   []string
	vfp        *ociVFP
}

// ociVFP is a compiled validation failure policy (OCI-V1).
type ociVFP struct {
	code    *expr.Template
	message *expr.Template
	headers *transform.Set
}

// ociDefaultTTL is the cache lifetime of an answer without expiresAt
// (OCI-C2, unconfirmed).
const ociDefaultTTL = time.Hour

func newOCI(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	o := ociOptions(a)
	d := &oci{opts: o, args: o.ParsedArguments()}
	if o.Token != "" {
		t, k, err := ParseOCIVariable(o.Token)
		if err != nil {
			return nil, err
		}
		d.tokenTable, d.tokenKey = t, k
	} else {
		d.cacheKey = o.CacheKeyNames()
	}
	if p := o.ValidationFailurePolicy; p != nil {
		v := &ociVFP{}
		var err error
		if p.ResponseCode != "" {
			if v.code, err = expr.Compile(p.ResponseCode); err != nil {
				return nil, err
			}
		}
		if p.ResponseMessage != "" {
			if v.message, err = expr.Compile(p.ResponseMessage); err != nil {
				return nil, err
			}
		}
		if v.headers, err = transform.Compile(p.ResponseHeaderTransformations); err != nil {
			return nil, err
		}
		d.vfp = v
	}
	return d, nil
}

func (d *oci) MaxResponse() int { return runtime.DefaultMaxResponse }

// DefaultTTL is the lifetime when an answer has no expiresAt.
func (d *oci) DefaultTTL() time.Duration { return ociDefaultTTL }

func ociFailure(rule, reason string, status int, msg string) *Failure {
	return jsonFailure("", rule, reason, status, fmt.Sprintf(`{"code":%d,"message":%s}`, status, jsonString(msg)))
}

func ociUnauthorized(rule, reason string) *Failure {
	return ociFailure(rule, reason, 401, "Unauthorized")
}

// lookup reads one context variable; several values come back as a list.
func (d *oci) lookup(r *Request, table, key string) (any, bool) {
	switch table {
	case "headers":
		v := r.Header.Values(key)
		if len(v) == 0 {
			return nil, false
		}
		if len(v) == 1 {
			return v[0], true
		}
		return v, true
	case "query":
		v, ok := r.Query[key]
		if !ok || len(v) == 0 {
			return nil, false
		}
		if len(v) == 1 {
			return v[0], true
		}
		return v, true
	case "host":
		return r.Host, r.Host != ""
	case "cert":
		return r.Cert, r.Cert != ""
	case "body":
		return string(r.Body), len(r.Body) > 0
	}
	return nil, false
}

func (d *oci) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	if d.tokenTable != "" {
		v, ok := d.lookup(f.Req, d.tokenTable, d.tokenKey)
		tok := fmt.Sprint(v)
		if list, isList := v.([]string); isList {
			tok = list[0]
		}
		if !ok || tok == "" {
			st.Rule("OCI-E1")
			return Identity{Missing: true}, ociUnauthorized("OCI-E1", fmt.Sprintf("no token in request.%s[%s]: 401 without calling the function", d.tokenTable, d.tokenKey))
		}
		st.Add("token", tok).Rule("OCI-E1")
		st.Summary = "token present"
		return Identity{Values: []string{tok}, Secrets: []string{tok}, CacheKey: tok, Data: map[string]any{"token": tok}}, nil
	}
	data := map[string]any{}
	id := Identity{Data: data}
	var keyParts []string
	credentials := false
	for _, arg := range d.args {
		v, ok := d.lookup(f.Req, arg.Table, arg.Key)
		src := "request." + arg.Table
		if arg.Key != "" {
			src += "[" + arg.Key + "]"
		}
		if !ok {
			st.Add(arg.Name, "(absent: "+src+")")
			if slices.Contains(d.cacheKey, arg.Name) {
				keyParts = append(keyParts, arg.Name+"=")
			}
			continue
		}
		data[arg.Name] = v
		if arg.Table == "headers" || arg.Table == "query" || arg.Table == "cert" {
			credentials = true
		}
		text := valueText(v)
		st.Add(arg.Name, text)
		id.Values = append(id.Values, text)
		if secretArgument(arg.Table, arg.Name) {
			id.Secrets = append(id.Secrets, text)
		}
		if slices.Contains(d.cacheKey, arg.Name) {
			keyParts = append(keyParts, arg.Name+"="+text)
		}
	}
	st.Rule("OCI-E2")
	if !credentials {
		// request.host and request.body are always there; only headers,
		// query parameters and a client certificate carry credentials.
		return Identity{Missing: true}, ociUnauthorized("OCI-E2", "no credential argument (header, query or cert) is present: the request is unauthenticated, 401 without calling the function")
	}
	id.CacheKey = strings.Join(keyParts, "&")
	st.Add("cacheKey", "["+strings.Join(d.cacheKey, ", ")+"]").Rule("OCI-C1")
	st.Summary = fmt.Sprintf("%d of %d argument(s) present", len(data), len(d.args))
	return id, nil
}

func valueText(v any) string {
	if list, ok := v.([]string); ok {
		return strings.Join(list, ",")
	}
	return fmt.Sprint(v)
}

func (d *oci) Event(f *Flow, id Identity) ([]byte, error) {
	if d.tokenTable != "" {
		return marshalEvent(struct {
			Type  string `json:"type"`
			Token string `json:"token"`
		}{"TOKEN", id.Values[0]})
	}
	return marshalEvent(struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}{"USER_DEFINED", id.Data})
}

// ociAnswer is the function's answer (OCI-R1).
type ociAnswer struct {
	Active          *bool           `json:"active"`
	Principal       string          `json:"principal"`
	Scope           json.RawMessage `json:"scope"`
	ClientID        string          `json:"clientId"`
	ExpiresAt       string          `json:"expiresAt"`
	Context         json.RawMessage `json:"context"`
	WWWAuthenticate string          `json:"wwwAuthenticate"`
}

func (d *oci) Interpret(f *Flow, res runtime.Result, invokeErr error, st *trace.Stage) (*Decision, *Failure) {
	badGateway := func(reason string) *Failure {
		st.Add("note", "OCI-R3 is unconfirmed: the status for a failed function is taken as 502")
		return ociFailure("OCI-R3", reason, 502, "Bad Gateway")
	}
	if invokeErr != nil {
		if errors.Is(invokeErr, runtime.ErrTimeout) {
			return nil, badGateway("function timed out: " + invokeErr.Error())
		}
		return nil, badGateway("function failed: " + invokeErr.Error())
	}
	if res.Err != nil {
		return nil, badGateway(fmt.Sprintf("function threw %q", res.Err.Error()))
	}
	payload := bytes.TrimSpace(res.Payload)
	var asString string
	if json.Unmarshal(payload, &asString) == nil {
		payload = []byte(asString)
	}
	var ans ociAnswer
	if !bytes.HasPrefix(payload, []byte("{")) || json.Unmarshal(payload, &ans) != nil {
		return nil, badGateway("answer is not a JSON object with the authorizer response fields")
	}
	if ans.Active == nil {
		return nil, badGateway("answer has no boolean active")
	}
	dec := &Decision{Raw: json.RawMessage(payload), Principal: ans.Principal, Context: map[string]string{}}
	if len(ans.Context) > 0 && !bytes.Equal(ans.Context, []byte("null")) {
		if err := readAnyContext(ans.Context, dec, st); err != nil {
			return nil, badGateway(err.Error())
		}
	}
	if !*ans.Active {
		st.Rule("OCI-R2")
		st.Summary = "active: false"
		return nil, d.refuse(f, dec, ans.WWWAuthenticate, st)
	}
	scopes, err := parseScope(ans.Scope)
	if err != nil {
		return nil, badGateway(err.Error())
	}
	dec.Scopes = scopes
	if ans.ClientID != "" {
		dec.Context["clientId"] = ans.ClientID
		st.Add("clientId", ans.ClientID)
	}
	if ans.ExpiresAt != "" {
		t, err := time.Parse(time.RFC3339, ans.ExpiresAt)
		if err != nil {
			return nil, badGateway(fmt.Sprintf("expiresAt %q is not an ISO-8601 time", ans.ExpiresAt))
		}
		dec.Expires = t
		st.Add("expiresAt", fmt.Sprintf("%s (%s from now)", t.UTC().Format(time.RFC3339), t.Sub(f.Now).Round(time.Second))).Rule("OCI-C2")
	} else {
		dec.Expires = f.Now.Add(ociDefaultTTL)
		st.Add("expiresAt", "absent: cached for the default 1h (OCI-C2, unconfirmed)")
	}
	st.Add("principal", ans.Principal).Add("scope", strings.Join(scopes, " "))
	st.Rule("OCI-R1")
	st.Summary = fmt.Sprintf("active: principal %q, %d scope(s), %d context value(s)", ans.Principal, len(scopes), len(dec.Context))
	return dec, nil
}

func parseScope(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.Fields(s), nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list, nil
	}
	return nil, fmt.Errorf("scope must be a string or a list of strings")
}

// refuse builds the answer to active: false: 401 with WWW-Authenticate
// (OCI-R2), or what the validation failure policy says (OCI-V1).
func (d *oci) refuse(f *Flow, failed *Decision, wwwAuth string, st *trace.Stage) *Failure {
	if d.vfp == nil {
		fl := ociUnauthorized("OCI-R2", "the function answered active: false")
		if wwwAuth != "" {
			fl.Header.Set("WWW-Authenticate", wwwAuth)
		}
		return fl
	}
	st.Rule("OCI-V1")
	e := env{f: f, dec: failed}
	status := 401
	if d.vfp.code != nil {
		v, missing := d.vfp.code.Eval(e)
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case err != nil || n < 100 || n > 599:
			st.Add("responseCode", fmt.Sprintf("%q is not a status code (missing: %v): keeping 401", v, missing))
		default:
			status = n
		}
	}
	msg := "Unauthorized"
	if d.vfp.message != nil {
		msg, _ = d.vfp.message.Eval(e)
	}
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if wwwAuth != "" {
		h.Set("WWW-Authenticate", wwwAuth)
	}
	var changes []trace.Change
	if d.vfp.headers != nil {
		changes = d.vfp.headers.Apply(h, nil, e)
		st.Changes = append(st.Changes, changes...)
	}
	return &Failure{Rule: "OCI-V1", Reason: fmt.Sprintf("active: false; validationFailurePolicy answers %d", status),
		Status: status, Header: h, Body: []byte(msg)}
}

func (d *oci) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	if cached != nil {
		st.Rule("OCI-C1")
	}
	st.Summary = fmt.Sprintf("authenticated as %q", dec.Principal)
	return nil
}

// TokenSlot: a single-argument authorizer reads its token variable; a
// multi-argument one, the first header or query argument whose name says
// credential, else the first header or query argument.
func (d *oci) TokenSlot() (TokenSlot, bool) {
	if d.tokenTable != "" {
		return ociSlot(d.tokenTable, d.tokenKey)
	}
	var first *OCIArgument
	for i, a := range d.args {
		if a.Table != expr.Headers && a.Table != expr.Query {
			continue
		}
		if config.SecretName(a.Name) || config.SecretName(a.Key) {
			return ociSlot(a.Table, a.Key)
		}
		if first == nil {
			first = &d.args[i]
		}
	}
	if first == nil {
		return TokenSlot{}, false
	}
	return ociSlot(first.Table, first.Key)
}

func ociSlot(table, key string) (TokenSlot, bool) {
	if table == expr.Query {
		return TokenSlot{Kind: config.SrcQuery, Name: key}, true
	}
	return headerSlot(key), true
}

// The OCI API Gateway authorizer function (OCI-*).
var _ = register(&Spec{Rank: 70, Type: "oci", New: newOCI, CacheRules: [2]string{"OCI-C1", "OCI-C1"}, ScopeRule: "OCI-A1",
	Flavor: "oci", Fixture: "oci.yaml",
	Config: config.TypeSpec{Platform: "oci", NeedsFunction: true, Scopes: true,
		Common:    []string{"function"},
		Options:   func() any { return &OCIOptions{} },
		Validate:  validateOCI,
		Anonymous: func(a *config.Authorizer) bool { return ociOptions(a).IsAnonymousAccessAllowed }}})

// OCIOptions are an oci authorizer's own keys.
type OCIOptions struct {
	Token                    string                          `yaml:"token" doc:"Single-argument: where the token is, request.headers[NAME] or request.query[NAME] (also header:NAME / query:NAME)."`
	Arguments                map[string]string               `yaml:"arguments" doc:"Multi-argument: argument name to context variable (request.headers[X], request.query[X], request.host, request.cert, request.body)."`
	CacheKey                 config.StringList               `yaml:"cacheKey" doc:"The arguments whose values key the cache (default: every argument except those from request.body)."`
	IsAnonymousAccessAllowed bool                            `yaml:"isAnonymousAccessAllowed" doc:"Requests without credentials reach ANONYMOUS routes without calling the function."`
	ValidationFailurePolicy  *config.ValidationFailurePolicy `yaml:"validationFailurePolicy" doc:"What the client gets when the function answers active: false."`
}

func ociOptions(a *config.Authorizer) *OCIOptions {
	if o, ok := a.Options.(*OCIOptions); ok {
		return o
	}
	return &OCIOptions{}
}

// ociVariable matches the context variables an OCI argument may read.
var ociVariable = regexp.MustCompile(`^request\.(headers|query)\[([^\]]+)\]$|^request\.(host|cert|body)$`)

// OCIArgument is a parsed multi-argument source.
type OCIArgument struct {
	Name  string
	Table string // headers | query | host | cert | body
	Key   string // header or query name
}

// ParseOCIVariable reads request.headers[X], request.query[X],
// request.host, request.cert, request.body (and header:X / query:X).
func ParseOCIVariable(s string) (table, key string, err error) {
	if k, v, ok := strings.Cut(s, ":"); ok && (k == "header" || k == "query") && v != "" {
		if k == "header" {
			return "headers", v, nil
		}
		return "query", v, nil
	}
	m := ociVariable.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("%q: expected request.headers[NAME], request.query[NAME], request.host, request.cert or request.body", s)
	}
	if m[1] != "" {
		return m[1], m[2], nil
	}
	return m[3], "", nil
}

// ParsedArguments returns the arguments sorted by name (the event's data keys).
func (o *OCIOptions) ParsedArguments() []OCIArgument {
	names := make([]string, 0, len(o.Arguments))
	for n := range o.Arguments {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]OCIArgument, 0, len(names))
	for _, n := range names {
		if t, k, err := ParseOCIVariable(o.Arguments[n]); err == nil {
			out = append(out, OCIArgument{Name: n, Table: t, Key: k})
		}
	}
	return out
}

// CacheKeyNames returns the arguments that key the cache (OCI-C1).
func (o *OCIOptions) CacheKeyNames() []string {
	if len(o.CacheKey) > 0 {
		return o.CacheKey
	}
	var out []string
	for _, arg := range o.ParsedArguments() {
		if arg.Table != "body" {
			out = append(out, arg.Name)
		}
	}
	return out
}

func validateOCI(c *config.Check) {
	a, o := c.A, ociOptions(c.A)
	switch {
	case o.Token == "" && len(o.Arguments) == 0:
		c.ErrAtKey("", "authorizer %q: oci needs token: (single-argument) or arguments: (multi-argument)", a.Name)
	case o.Token != "" && len(o.Arguments) > 0:
		c.Err("token", "authorizer %q: give token: (single-argument) or arguments: (multi-argument), not both", a.Name)
	}
	if o.Token != "" {
		if t, _, err := ParseOCIVariable(o.Token); err != nil || (t != "headers" && t != "query") {
			c.Err("token", "authorizer %q: token must come from one header or query parameter: request.headers[NAME] or request.query[NAME] (OCI-E1)", a.Name)
		}
		if len(o.CacheKey) > 0 {
			c.Err("cacheKey", "authorizer %q: cacheKey applies to multi-argument authorizers; a single-argument one is keyed by its token", a.Name)
		}
	}
	names := make([]string, 0, len(o.Arguments))
	for n, src := range o.Arguments {
		names = append(names, n)
		if _, _, err := ParseOCIVariable(src); err != nil {
			c.Err("arguments."+n, "argument %q: %v (OCI-E2)", n, err)
		}
	}
	sort.Strings(names)
	for i, k := range o.CacheKey {
		if !slices.Contains(names, k) {
			key := fmt.Sprintf("cacheKey[%d]", i)
			if !c.Has(key) {
				key = "cacheKey"
			}
			c.Err(key, "authorizer %q: cacheKey names %q, which is not an argument%s; arguments: %s (OCI-C1)", a.Name, k, config.Suggest(k, names), config.ListOrNone(names))
		}
	}
	if len(o.CacheKey) > 0 {
		var dropped []string
		for _, arg := range o.ParsedArguments() {
			if !slices.Contains(o.CacheKey, arg.Name) && arg.Table != "body" {
				dropped = append(dropped, arg.Name)
			}
		}
		if len(dropped) > 0 {
			c.Warn("cacheKey", "OCI-C2", "authorizer %q: cacheKey leaves out %s: a request with an invalid %s can match a valid cached answer (the OCI docs warn); include every argument unless you are sure",
				a.Name, strings.Join(dropped, ", "), strings.Join(dropped, "/"))
		}
	}
	if p := o.ValidationFailurePolicy; p != nil {
		if p.ResponseCode != "" {
			if strings.Contains(p.ResponseCode, "${") || strings.HasPrefix(p.ResponseCode, "context.") {
				policyExpr(c, "validationFailurePolicy.responseCode", p.ResponseCode)
			} else if n, err := strconv.Atoi(p.ResponseCode); err != nil || n < 100 || n > 599 {
				c.Err("validationFailurePolicy.responseCode", "responseCode %q: expected a status code (100-599) or ${request.auth[NAME]}", p.ResponseCode)
			}
		}
		if p.ResponseMessage != "" {
			policyExpr(c, "validationFailurePolicy.responseMessage", p.ResponseMessage)
		}
		c.Transforms("validationFailurePolicy.responseHeaderTransformations", p.ResponseHeaderTransformations)
	}
}

// policyExpr checks an expression of a validation failure policy: it may
// read the failed answer's context and the request, but not its body (OCI-V1).
func policyExpr(c *config.Check, key, src string) {
	t, err := expr.Compile(src)
	if err != nil {
		c.Err(key, "%v", err)
		return
	}
	for _, r := range t.Refs() {
		if r.Table == expr.Body {
			c.Err(key, "%s: a validation failure policy cannot read request.body (OCI-V1)", r)
		}
	}
}

// Anonymous lets a request without credentials through to an ANONYMOUS
// route when the authorizer allows anonymous access (OCI-A2).
func (d *oci) Anonymous(rt *compiledRoute) (string, bool) {
	return "OCI-A2", d.opts.IsAnonymousAccessAllowed && rt.authType == "ANONYMOUS"
}
