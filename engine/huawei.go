package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// huawei is Huawei Cloud APIG custom authorizers on FunctionGraph
// (semantics.md §4).
type huawei struct {
	responses map[string]*config.GatewayResponse // HW-R4
	sources   []config.IdentitySource
	re        *regexp.Regexp
	userData  string
	sendBody  bool
	backend   bool
}

// FunctionGraph's synchronous response limit for authorizers (HW-R2).
const huaweiMaxResponse = 1 << 20

// Huawei gateway response error codes. The statuses follow the gateway
// response types (HW-R3); the APIG.xxxx codes are as commonly reported and
// unconfirmed against an official table.
const (
	hwIdentitiesCode = "APIG.0121" // AUTHORIZER_IDENTITIES_FAILURE
	hwFailureCode    = "APIG.0125" // AUTHORIZER_FAILURE (deny)
	hwConfCode       = "APIG.0126" // AUTHORIZER_CONF_FAILURE
)

func newHuawei(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	d := &huawei{responses: g.Huawei.GatewayResponses, sources: a.Sources(), userData: huaweiOptions(a).UserData, sendBody: huaweiOptions(a).SendBody, backend: huaweiOptions(a).Stage == "backend"}
	if a.ValidationRegex != "" {
		re, err := regexp.Compile(`^(?:` + a.ValidationRegex + `)$`)
		if err != nil {
			return nil, err
		}
		d.re = re
	}
	return d, nil
}

func (d *huawei) MaxResponse() int { return huaweiMaxResponse }

func hwFailure(f *Flow, rule, reason string, status int, code, msg string) *Failure {
	return jsonFailure("", rule, reason, status, huaweiBody(f, code, msg))
}

// answer builds the failure of one response type, customised when the
// group says so (HW-R4); ctx is the deny answer's context, if any.
func (d *huawei) answer(f *Flow, typ, rule, reason string, status int, code, msg string, ctx map[string]string) *Failure {
	fl := hwFailure(f, rule, reason, status, code, msg)
	gr := d.responses[typ]
	if gr == nil {
		return fl
	}
	fl.Reason += "; customised gateway response " + typ + " (HW-R4)"
	if gr.Status != 0 {
		fl.Status = gr.Status
	}
	if gr.Body != "" {
		fl.Body = []byte(hwTemplate.ReplaceAllStringFunc(gr.Body, func(m string) string {
			switch name := m[len("$context."):]; {
			case name == "error.message":
				return msg
			case name == "error.code":
				return code
			case name == "requestId":
				return f.RequestID
			case strings.HasPrefix(name, "authorizer.frontend."):
				return ctx[strings.TrimPrefix(name, "authorizer.frontend.")]
			}
			return m
		}))
	}
	for k, v := range gr.Headers {
		fl.Header.Set(k, v)
	}
	return fl
}

// hwTemplate matches the variables of a gateway response body.
var hwTemplate = regexp.MustCompile(`\$context\.[A-Za-z0-9_.\-]+`)

func (d *huawei) value(f *Flow, s config.IdentitySource) (string, bool) {
	switch s.Kind {
	case config.SrcHeader:
		v := f.Req.Header.Values(s.Name)
		return strings.Join(v, ","), len(v) > 0
	case config.SrcQuery:
		v, ok := f.Req.Query[s.Name]
		return strings.Join(v, ","), ok && len(v) > 0
	}
	return "", false
}

func (d *huawei) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	var id Identity
	headers, query := map[string]string{}, map[string]string{}
	for _, s := range d.sources {
		v, ok := d.value(f, s)
		id.Sources = append(id.Sources, s.String())
		if !ok || v == "" {
			st.Rule("HW-I1")
			return id, d.answer(f, "AUTHORIZER_IDENTITIES_FAILURE", "HW-I1", fmt.Sprintf("identity source %s missing: 401 AUTHORIZER_IDENTITIES_FAILURE, function not called", s), 401,
				hwIdentitiesCode, "Incorrect identity source", nil)
		}
		if d.re != nil && !d.re.MatchString(v) {
			st.Rule("HW-I1")
			return id, d.answer(f, "AUTHORIZER_IDENTITIES_FAILURE", "HW-I1", fmt.Sprintf("identity source %s does not match the validation regex: 401, function not called", s), 401,
				hwIdentitiesCode, "Incorrect identity source", nil)
		}
		st.Add(s.String(), v)
		id.Values = append(id.Values, v)
		if secretSource(s) {
			id.Secrets = append(id.Secrets, v)
		}
		if s.Kind == config.SrcHeader {
			headers[strings.ToLower(s.Name)] = v
		} else {
			query[s.Name] = v
		}
	}
	id.Data = map[string]any{"headers": headers, "query": query}
	id.CacheKey = strings.Join(id.Values, ",")
	st.Rule("HW-I1", "HW-C1")
	st.Summary = fmt.Sprintf("%d identity source(s) present", len(id.Values))
	if len(headers) == 0 && len(f.Req.Header) > 0 {
		// A handler reading event["headers"]["authorization"] finds
		// nothing, and the trace should say why before it is debugged.
		st.Rule("HW-E1")
		st.Add("note", huaweiNoHeaders)
	}
	return id, nil
}

// huaweiNoHeaders says why a Huawei function gets no headers (HW-E1).
const huaweiNoHeaders = "the function receives no headers: APIG passes it only the headers named as identity sources, and none is; add identitySource: header:NAME for each header it reads (HW-E1)"

func (d *huawei) Event(f *Flow, id Identity) ([]byte, error) {
	ev := map[string]any{
		"headers":               id.Data["headers"],
		"queryStringParameters": id.Data["query"],
		"user_data":             d.userData,
		"httpMethod":            f.Req.Method,
		"path":                  f.Req.Path,
		"pathParameters":        nonNilMap(f.Params),
		"requestContext":        map[string]any{"requestId": f.RequestID, "sourceIp": f.Req.SourceIP},
	}
	if d.sendBody {
		ev["body"] = string(f.Req.Body)
	}
	return marshalEvent(ev)
}

// contextKey is HW-R2's key rule.
var contextKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,31}$`)

func (d *huawei) Interpret(f *Flow, res runtime.Result, invokeErr error, st *trace.Stage) (*Decision, *Failure) {
	conf := func(rule, reason string) *Failure {
		return d.answer(f, "AUTHORIZER_CONF_FAILURE", rule, reason+": 500 AUTHORIZER_CONF_FAILURE", 500, hwConfCode, "Custom authorizer error", nil)
	}
	if invokeErr != nil {
		if errors.Is(invokeErr, runtime.ErrTooLarge) {
			return nil, conf("HW-R2", "function answer over 1 MB")
		}
		return nil, conf("HW-R3", "function failed: "+invokeErr.Error())
	}
	if res.Err != nil {
		return nil, conf("HW-R3", fmt.Sprintf("function threw %q", res.Err.Error()))
	}
	payload := bytes.TrimSpace(res.Payload)
	var asString string
	if json.Unmarshal(payload, &asString) == nil {
		payload = []byte(asString) // seed 000 returns json.dumps(resp)
		st.Add("note", "answer was a JSON string; decoded the object inside")
	}
	var outer struct {
		StatusCode *int            `json:"statusCode"`
		Body       json.RawMessage `json:"body"`
	}
	if !bytes.HasPrefix(payload, []byte("{")) || json.Unmarshal(payload, &outer) != nil {
		return nil, conf("HW-R1", "answer is not a JSON object {statusCode, body}")
	}
	if outer.StatusCode == nil || *outer.StatusCode != 200 {
		return nil, conf("HW-R1", "answer statusCode must be 200")
	}
	var bodyText string
	if json.Unmarshal(outer.Body, &bodyText) != nil {
		return nil, conf("HW-R1", "answer body must be a JSON string holding {\"status\", \"context\"}")
	}
	var body struct {
		Status  *string                    `json:"status"`
		Context map[string]json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal([]byte(bodyText), &body); err != nil {
		return nil, conf("HW-R2", "answer body is not JSON: "+err.Error())
	}
	st.AddJSON("body", []byte(bodyText))
	if body.Status == nil || (*body.Status != "allow" && *body.Status != "deny") {
		got := "missing"
		if body.Status != nil {
			got = fmt.Sprintf("%q", *body.Status)
		}
		return nil, conf("HW-R1", "body status is "+got+"; it must be allow or deny")
	}
	dec := &Decision{Raw: json.RawMessage(payload), Context: map[string]string{}, Policy: huaweiStatus(*body.Status)}
	keys := make([]string, 0, len(body.Context))
	for k := range body.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contextKey.MatchString(k) {
			return nil, conf("HW-R2", fmt.Sprintf("context key %q breaks the rule: start with a letter, then 1-32 letters, digits, _ or -", k))
		}
		v := bytes.TrimSpace(body.Context[k])
		switch {
		case len(v) == 0 || v[0] == '{' || v[0] == '[' || bytes.Equal(v, []byte("null")):
			return nil, conf("HW-R2", fmt.Sprintf("context value %q must be a string, integer or boolean", k))
		case v[0] == '"':
			var s string
			_ = json.Unmarshal(v, &s)
			dec.Context[k] = s
		default:
			if bytes.ContainsAny(v, ".eE") && v[0] != 't' && v[0] != 'f' {
				return nil, conf("HW-R2", fmt.Sprintf("context value %q is not an integer", k))
			}
			dec.Context[k] = string(v)
		}
		dec.ContextOrder = append(dec.ContextOrder, k)
		st.Add("context."+k, dec.Context[k])
	}
	st.Rule("HW-R1", "HW-R2")
	st.Summary = fmt.Sprintf("status %s, %d context value(s)", *body.Status, len(dec.Context))
	return dec, nil
}

func (d *huawei) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	if cached != nil {
		st.Rule("HW-C1")
	}
	if dec.Policy == huaweiStatus("allow") {
		st.Summary = "status allow"
		return nil
	}
	st.Rule("HW-R3")
	st.Summary = "status deny: 500 AUTHORIZER_FAILURE (Huawei's default for deny, unless the group customises it)"
	msg := "Custom authorizer denied the request"
	if m := dec.Context["message"]; m != "" {
		msg = m // the deny context's message is $context.error.message
	}
	if d.responses["AUTHORIZER_FAILURE"] != nil {
		st.Rule("HW-R4")
	}
	return d.answer(f, "AUTHORIZER_FAILURE", "HW-R3", st.Summary, 500, hwFailureCode, msg, dec.Context)
}

func (d *huawei) TokenSlot() (TokenSlot, bool) { return slotOf(d.sources) }

// The Huawei APIG custom authorizer (HW-*).
var _ = register(&Spec{Rank: 80, Type: "huawei", New: newHuawei, CacheRules: [2]string{"HW-C1", "HW-C1"},
	Flavor: "functiongraph", Fixture: "huawei.yaml",
	Config: config.TypeSpec{Platform: "huawei", NeedsFunction: true,
		Common:      []string{"identitySource", "validationRegex", "ttl", "function"},
		Options:     func() any { return &HuaweiOptions{} },
		Validate:    validateHuawei,
		BackendOnly: func(a *config.Authorizer) bool { return huaweiOptions(a).Stage == "backend" }}})

// HuaweiOptions are a huawei authorizer's own keys.
type HuaweiOptions struct {
	Stage    string `yaml:"stage" doc:"frontend (authenticates the client) or backend (runs before the backend call, HW-B1)." enum:"frontend,backend"`
	UserData string `yaml:"userData" doc:"Passed to the function as user_data (at most 2048 characters)."`
	SendBody bool   `yaml:"sendBody" doc:"Include the request body in the event."`
}

func huaweiOptions(a *config.Authorizer) *HuaweiOptions {
	if o, ok := a.Options.(*HuaweiOptions); ok {
		return o
	}
	return &HuaweiOptions{}
}

func validateHuawei(c *config.Check) {
	a, o := c.A, huaweiOptions(c.A)
	if len(o.UserData) > 2048 {
		c.Err("userData", "authorizer %q: userData is %d characters; Huawei allows at most 2048 (HW-E1)", a.Name, len(o.UserData))
	}
	headers := false
	for i, s := range c.Sources {
		if s.Kind != config.SrcHeader && s.Kind != config.SrcQuery {
			c.Err(fmt.Sprintf("identitySource[%d]", i), "authorizer %q: Huawei identity sources are located in a header or the query, not %s (HW-I1)", a.Name, s.Kind)
		}
		headers = headers || s.Kind == config.SrcHeader
	}
	if !headers && a.Function != nil {
		key := "identitySource"
		if !c.Has(key) {
			key = ""
		}
		c.Warn(key, "HW-E1", "authorizer %q: no identity source names a header, so its function receives no headers (APIG passes only the headers named as identity sources); add identitySource: header:NAME for each header it reads", a.Name)
	}
	validateRegex(c)
}

// huaweiStatus is the function's allow or deny (HW-R1); a deny is answered
// when applied, so a cached deny is answered the same way (HW-C1).
type huaweiStatus string

func (s huaweiStatus) Describe() string { return "status " + string(s) }
