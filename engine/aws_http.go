package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/policy"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// awsHTTP is API Gateway HTTP API Lambda authorizers (semantics.md §2).
type awsHTTP struct {
	rest    *awsREST // shared: identity values, request context, policies
	format  string   // "1.0" | "2.0"
	simple  bool
	caching bool
}

func newAWSHTTP(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	info := awsOf(g)
	if g.AWS.Stage == "" {
		info.stage = "$default" // HTTP APIs deploy to $default unless told otherwise
	}
	d := &awsHTTP{rest: &awsREST{request: true, sources: a.Sources(), aws: info}, format: awsHTTPOptions(a).PayloadFormat, simple: awsHTTPOptions(a).SimpleResponses}
	if d.format == "" {
		d.format = "2.0"
	}
	// AWSH-C1: caching needs a TTL and at least one identity source.
	d.caching = a.TTLValue() > 0 && len(d.rest.sources) > 0
	return d, nil
}

func (d *awsHTTP) MaxResponse() int { return runtime.DefaultMaxResponse }

func (d *awsHTTP) routeArn(f *Flow) string { return d.rest.methodArn(f) }

func (d *awsHTTP) routeKey(f *Flow) string { return routeKey(f) }

// routeKey is the matched route's own key, as HTTP APIs write it in the
// event, $context.routeKey and cache keys: "ANY /example/{proxy+}" for a
// route that takes every method, else the request's method (a route
// listing several methods stands for one AWS route per method).
func routeKey(f *Flow) string {
	if f.Route == nil {
		return f.Req.Method + " " + f.Template
	}
	if len(f.Route.Methods) == 0 {
		return "ANY " + f.Template
	}
	for _, m := range f.Route.Methods {
		if strings.EqualFold(m, "ANY") {
			return "ANY " + f.Template
		}
	}
	return f.Req.Method + " " + f.Template
}

func httpUnauthorized(rule, reason string) *Failure {
	return jsonFailure("", rule, reason, 401, `{"message":"Unauthorized"}`)
}

func httpForbidden(rule, reason string) *Failure {
	return jsonFailure("", rule, reason, 403, `{"message":"Forbidden"}`)
}

func httpError(rule, reason string) *Failure {
	return jsonFailure("", rule, reason, 500, `{"message":"Internal Server Error"}`)
}

func (d *awsHTTP) value(f *Flow, s config.IdentitySource) (string, bool) {
	if s.Kind == config.SrcContext && s.Name == "routeKey" {
		return d.routeKey(f), true
	}
	if s.Kind == config.SrcHeader {
		// HTTP APIs join repeated headers with commas.
		v := f.Req.Header.Values(s.Name)
		return strings.Join(v, ","), len(v) > 0
	}
	if s.Kind == config.SrcQuery {
		// ... and repeated query parameters, as queryStringParameters does.
		v, ok := f.Req.Query[s.Name]
		return strings.Join(v, ","), ok && len(v) > 0
	}
	return d.rest.value(f, s)
}

func (d *awsHTTP) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	st.Add("routeArn", d.routeArn(f))
	var id Identity
	for _, s := range d.rest.sources {
		v, ok := d.value(f, s)
		id.Sources = append(id.Sources, s.String())
		if !ok || v == "" {
			st.Rule("AWSH-I1")
			return id, httpUnauthorized("AWSH-I1", fmt.Sprintf("identity source %s missing: 401 without calling the function", s))
		}
		st.Add(s.String(), v)
		id.Values = append(id.Values, v)
		if secretSource(s) {
			id.Secrets = append(id.Secrets, v)
		}
	}
	if d.caching {
		id.CacheKey = strings.Join(id.Values, ",")
		st.Rule("AWSH-C1")
	}
	st.Summary = fmt.Sprintf("%d identity source(s) present", len(id.Values))
	return id, nil
}

func (d *awsHTTP) Event(f *Flow, id Identity) ([]byte, error) {
	if d.format == "1.0" {
		return d.event10(f, id)
	}
	return d.event20(f, id)
}

// event20 is AWSH-E1.
func (d *awsHTTP) event20(f *Flow, id Identity) ([]byte, error) {
	r := f.Req
	headers := map[string]string{}
	var cookies []string
	for canon, vals := range r.Header {
		name := strings.ToLower(canon)
		if name == "cookie" {
			for _, v := range vals {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[name] = strings.Join(vals, ",")
	}
	addGatewayHeaders20(f, d.rest.domain(f), r.Header, headers)
	query := map[string]string{}
	for k, vals := range r.Query {
		query[k] = strings.Join(vals, ",")
	}
	ev := map[string]any{
		"version":        "2.0",
		"type":           "REQUEST",
		"routeArn":       d.routeArn(f),
		"identitySource": nonNil(id.Values),
		"routeKey":       d.routeKey(f),
		"rawPath":        r.Path,
		"rawQueryString": r.rawQuery(),
		"headers":        headers,
		"requestContext": map[string]any{
			"accountId":    d.rest.aws.account,
			"apiId":        d.rest.aws.apiID,
			"domainName":   d.rest.domain(f),
			"domainPrefix": strings.SplitN(d.rest.domain(f), ".", 2)[0],
			"http": map[string]any{
				"method": r.Method, "path": r.Path, "protocol": "HTTP/1.1",
				"sourceIp": r.SourceIP, "userAgent": r.Header.Get("User-Agent"),
			},
			"requestId": f.RequestID,
			"routeKey":  d.routeKey(f),
			"stage":     d.rest.aws.stage,
			"time":      f.Now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			"timeEpoch": f.Now.UnixMilli(),
		},
		"pathParameters": nonNilMap(f.Params),
		"stageVariables": d.rest.aws.stageVars,
	}
	if len(cookies) > 0 {
		ev["cookies"] = cookies
	}
	if len(query) > 0 {
		ev["queryStringParameters"] = query
	}
	return marshalEvent(ev)
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// event10 is AWSH-E2: the REST REQUEST event plus version, identitySource
// and authorizationToken.
func (d *awsHTTP) event10(f *Flow, id Identity) ([]byte, error) {
	raw, err := d.rest.Event(f, id)
	if err != nil {
		return nil, err
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	joined := strings.Join(id.Values, ",")
	ev["version"] = "1.0"
	ev["identitySource"] = joined
	ev["authorizationToken"] = joined
	ev["routeArn"] = d.routeArn(f)
	return marshalEvent(ev)
}

func (d *awsHTTP) Interpret(f *Flow, res runtime.Result, invokeErr error, st *trace.Stage) (*Decision, *Failure) {
	if invokeErr != nil {
		why := "function failed: " + invokeErr.Error()
		if errors.Is(invokeErr, runtime.ErrTimeout) {
			why = "function timed out: " + invokeErr.Error()
		}
		return nil, httpError("AWSH-R2", why)
	}
	if res.Err != nil {
		return nil, httpError("AWSH-R2", fmt.Sprintf("function threw %q: HTTP APIs answer 500 for any function error", res.Err.Error()))
	}
	payload := bytes.TrimSpace(res.Payload)
	var asString string
	if json.Unmarshal(payload, &asString) == nil {
		payload = []byte(asString)
	}
	var top map[string]json.RawMessage
	if !bytes.HasPrefix(payload, []byte("{")) || json.Unmarshal(payload, &top) != nil {
		return nil, httpError("AWSH-R2", "answer is not a JSON object")
	}
	dec := &Decision{Raw: json.RawMessage(payload), IssuedFor: d.routeArn(f), Context: map[string]string{}}
	if raw, ok := top["context"]; ok && !bytes.Equal(raw, []byte("null")) {
		if err := readAnyContext(raw, dec, st); err != nil {
			return nil, httpError("AWSH-R2", err.Error())
		}
		st.Rule("AWSH-R3")
	}
	if d.simple {
		raw, ok := top["isAuthorized"]
		var allowed bool
		if !ok || json.Unmarshal(raw, &allowed) != nil {
			return nil, httpError("AWSH-R1", "simple response: isAuthorized missing or not a boolean")
		}
		dec.Policy = simpleAnswer(allowed)
		st.Rule("AWSH-R1")
		st.Summary = fmt.Sprintf("simple response: isAuthorized %v, %d context value(s)", allowed, len(dec.Context))
		return dec, nil
	}
	pdRaw, ok := top["policyDocument"]
	if !ok {
		return nil, httpError("AWSH-R2", "answer has no policyDocument (simpleResponses is off)")
	}
	doc, err := policy.Parse(pdRaw)
	if err != nil {
		return nil, httpError("AWSH-R2", "policyDocument: "+err.Error())
	}
	dec.Policy = iamPolicy{doc}
	if raw, ok := top["principalId"]; ok {
		_ = json.Unmarshal(raw, &dec.Principal)
	}
	if dec.Principal == "" && hasAllow(doc) {
		return nil, httpError("AWSH-R2", "answer allows access but has no principalId")
	}
	st.Summary = fmt.Sprintf("IAM policy: principal %q, %d statement(s)", dec.Principal, len(doc.Statements))
	return dec, nil
}

// readAnyContext keeps scalars as text and objects / arrays as JSON (AWSH-R3).
func readAnyContext(raw json.RawMessage, dec *Decision, st *trace.Stage) error {
	var ctx map[string]json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) || json.Unmarshal(raw, &ctx) != nil {
		return fmt.Errorf("context must be a JSON object")
	}
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := bytes.TrimSpace(ctx[k])
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			dec.Context[k] = s
		} else {
			dec.Context[k] = string(v)
		}
		dec.ContextOrder = append(dec.ContextOrder, k)
		st.Add("context."+k, dec.Context[k])
	}
	return nil
}

func (d *awsHTTP) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	arn := d.routeArn(f)
	if cached != nil {
		st.Rule("AWSH-C1")
		st.Add("cachedFrom", dec.IssuedFor)
	}
	if allowed, ok := dec.Policy.(simpleAnswer); ok {
		if allowed {
			st.Summary = "isAuthorized: true"
			return nil
		}
		st.Summary = "isAuthorized: false"
		return httpForbidden("AWSH-R1", "the function answered isAuthorized: false")
	}
	st.Add("routeArn", arn)
	v := evaluatePolicy(st, dec.Policy.(iamPolicy).Document, dec, cached, arn)
	if v.Allowed {
		return nil
	}
	if cached != nil && !v.Explicit && dec.IssuedFor != arn {
		cachedPolicyGotcha(st, dec.IssuedFor, arn) // a REST API's gotcha too (AWS-C3)
	}
	return httpForbidden(v.Rule, st.Summary)
}

func (d *awsHTTP) TokenSlot() (TokenSlot, bool) { return d.rest.TokenSlot() }

// The HTTP API Lambda authorizer (AWSH-*).
var _ = register(&Spec{Rank: 30, Type: "aws-http", New: newAWSHTTP, CacheRules: [2]string{"AWSH-C1", "AWSH-C1"},
	Flavor: "lambda", Fixture: "aws-http.yaml",
	Config: config.TypeSpec{Platform: "aws-http", NeedsFunction: true,
		Common:           []string{"identitySource", "ttl", "function"},
		ContextVariables: []string{"routeKey"}, // $context.routeKey (AWSH-C1)
		Options:          func() any { return &AWSHTTPOptions{} },
		Validate:         validateAWSHTTP,
		CachesPolicy:     func(a *config.Authorizer) bool { return !awsHTTPOptions(a).SimpleResponses }}})

// AWSHTTPOptions are an aws-http authorizer's own keys.
type AWSHTTPOptions struct {
	PayloadFormat   string `yaml:"payloadFormat" doc:"Event format, \"1.0\" or \"2.0\" (default 2.0)." enum:"1.0,2.0"`
	SimpleResponses bool   `yaml:"simpleResponses" doc:"The function answers {isAuthorized, context} instead of an IAM policy (payloadFormat 2.0 only)."`
}

func awsHTTPOptions(a *config.Authorizer) *AWSHTTPOptions {
	if o, ok := a.Options.(*AWSHTTPOptions); ok {
		return o
	}
	return &AWSHTTPOptions{}
}

func validateAWSHTTP(c *config.Check) {
	a, o := c.A, awsHTTPOptions(c.A)
	if o.SimpleResponses && o.PayloadFormat == "1.0" {
		c.Err("simpleResponses", "authorizer %q: simpleResponses needs payloadFormat \"2.0\" (AWSH-R1)", a.Name)
	}
	for i, s := range c.Sources {
		if s.Kind == config.SrcPath {
			c.Err(fmt.Sprintf("identitySource[%d]", i), "authorizer %q: path parameters cannot be identity sources", a.Name)
		}
	}
	if a.TTLValue() > 0 && len(a.IdentitySource) == 0 {
		c.Warn("", "AWSH-C1", "authorizer %q has ttl %gs but no identitySource: HTTP APIs cache only with at least one identity source, so every request calls the function; add an identity source or set ttl: 0", a.Name, a.TTLValue().Seconds())
	}
}

// simpleAnswer is a simple response's isAuthorized (AWSH-R1).
type simpleAnswer bool

func (a simpleAnswer) Describe() string { return fmt.Sprintf("isAuthorized: %v", bool(a)) }
