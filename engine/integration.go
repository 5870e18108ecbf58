package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authlab/authlab/engine/backend"
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// A Lambda proxy integration: the backend `function:` of a route on an AWS
// platform (semantics.md §13, AWS-L*). The function runs on the same
// runtimes as authorizers, receives the proxy event — payload 1.0 on REST
// APIs, 2.0 (or 1.0) on HTTP APIs, with requestContext.authorizer from the
// route's authorizer — and its answer becomes the HTTP answer.

// integration is a compiled function backend.
type integration struct {
	name    string
	cfg     *config.Function
	fn      runtime.Function
	format  string // "1.0" | "2.0"
	httpAPI bool
	// timeout is the function's own (Lambda) timeout: past it the function
	// fails (502 / 500); limit is the integration timeout (29 s REST,
	// 30 s HTTP API): past it the gateway gives up (504 / 503).
	timeout, limit time.Duration
	binary         []string // REST binaryMediaTypes (AWS-L3)
	aws            awsInfo
}

// integrationName is the function name a handler's context sees.
var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func newIntegration(r *config.Route, g *config.Gateway, ff FunctionFactory) (*integration, error) {
	b := r.Backend
	in := &integration{cfg: b.Function, httpAPI: g.Platform == "aws-http", format: "1.0", aws: awsOf(g), binary: g.AWS.BinaryMediaTypes}
	in.limit = 29 * time.Second
	if in.httpAPI {
		in.limit = 30 * time.Second
		in.format = "2.0"
		if g.AWS.Stage == "" {
			in.aws.stage = "$default"
		}
		if b.PayloadFormat != "" {
			in.format = b.PayloadFormat
		}
	}
	if b.Timeout != nil && b.Timeout.Duration > 0 {
		in.limit = b.Timeout.Duration
	}
	in.timeout = b.Function.TimeoutValue()
	in.name = strings.Trim(nameUnsafe.ReplaceAllString(r.Path, "-"), "-")
	if in.name == "" {
		in.name = "root"
	}
	in.name = "integration-" + in.name
	fn, err := buildFunction(in.name, g, b.Function, runtime.DefaultMaxResponse, ff)
	if err != nil {
		return nil, fmt.Errorf("route %s: backend function: %w", r.Path, err)
	}
	in.fn = fn
	return in, nil
}

// Serve is not how the pipeline calls an integration (it needs the flow:
// the authorizer's answer, the route); see pipeline.invokeIntegration.
func (in *integration) Serve(context.Context, *backend.Request) (*backend.Response, error) {
	return nil, errors.New("a Lambda proxy integration is invoked with its request's flow")
}

func (in *integration) Describe() string {
	api := "REST API"
	if in.httpAPI {
		api = "HTTP API"
	}
	return fmt.Sprintf("Lambda proxy integration (%s, payload %s): %s%s", api, in.format, in.cfg.Runtime, functionTargetOf(in.cfg))
}

func functionTargetOf(f *config.Function) string {
	switch {
	case f.Handler != "":
		return " " + f.Handler
	case f.URL != "":
		return " " + f.URL
	case len(f.Command) > 0:
		return " " + strings.Join(f.Command, " ")
	}
	return ""
}

// invokeIntegration calls the route's Lambda function with the proxy event
// and turns its answer into the HTTP answer, recording both into the
// backend stage as the authorizer stage records its event and answer.
func (p *pipeline) invokeIntegration(in *integration, st *trace.Stage) {
	f, up := p.f, p.res.Upstream
	st.Rule(map[bool]string{false: "AWS-L1", true: "AWS-L6"}[in.format == "2.0"])
	event, err := in.event(p, up)
	if err != nil {
		p.failed(st, p.integrationError(in, "building the event: "+err.Error(), false))
		return
	}
	st.AddJSON("event", event)
	timeout, gatewayLimit := in.timeout, false
	if in.limit < timeout {
		timeout, gatewayLimit = in.limit, true
	}
	ctx := p.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res, invokeErr := in.fn.Invoke(ctx, runtime.Invocation{Event: event, RequestID: f.RequestID, FunctionName: in.name,
		Timeout: timeout, Now: f.Now})
	st.Add("latency", p.e.opts.Elapsed(start).String())
	if res.ColdStart {
		st.Add("coldStart", res.ColdStartCost.String())
	}
	if res.Queued > 0 {
		st.Add("queued", fmt.Sprintf("waited %s for a free worker", res.Queued.Round(time.Millisecond)))
	}
	logs := func() {
		if res.Logs != "" {
			st.Add("logs", res.Logs)
		}
	}
	switch {
	case invokeErr != nil && errors.Is(invokeErr, runtime.ErrTimeout) && gatewayLimit:
		st.Add("error", invokeErr.Error())
		logs()
		p.failed(st, p.integrationTimeout(in, fmt.Sprintf("the integration timed out after %s (the function's own timeout is %s)", in.limit, in.timeout)))
		return
	case invokeErr != nil:
		st.Add("error", invokeErr.Error())
		logs()
		why := "the function failed: " + invokeErr.Error()
		if errors.Is(invokeErr, runtime.ErrTimeout) {
			why = fmt.Sprintf("Task timed out after %.2f seconds (the function's timeout): the function failed", in.timeout.Seconds())
		}
		p.failed(st, p.integrationError(in, why, false))
		return
	case res.Err != nil:
		st.Add("threw", res.Err.Error())
		logs()
		p.failed(st, p.integrationError(in, fmt.Sprintf("the function threw %q", res.Err.Error()), false))
		return
	}
	payload := res.Payload
	if res.Text {
		// A handler that returns a string: Lambda sends it JSON-encoded.
		payload, _ = json.Marshal(string(payload))
		st.Add("note", "the handler returned a string: Lambda sends it as a JSON string")
	}
	st.AddJSON("response", payload)
	logs()
	var resp *Response
	var bad string
	if in.format == "2.0" {
		resp, bad = answer20(payload, st)
	} else {
		resp, bad = in.answer10(payload, f.Req, st)
	}
	if bad != "" {
		p.failed(st, p.integrationError(in, bad, true))
		return
	}
	if !in.httpAPI {
		remapHeaders(resp.Header, st)
	}
	st.Summary = fmt.Sprintf("%d %s from the Lambda function (payload %s)", resp.Status, http.StatusText(resp.Status), in.format)
	st.Add("status", strconv.Itoa(resp.Status))
	p.s.resp = *resp
	p.res.Response = &p.s.resp
}

// integrationError is the gateway's answer to a function error or a
// malformed answer: REST 502 (AWS-L4, type DEFAULT_5XX), HTTP API 500
// (AWS-L9).
func (p *pipeline) integrationError(in *integration, why string, malformed bool) *Failure {
	if in.httpAPI {
		return jsonFailure("backend", "AWS-L9", why+": 500", 500, `{"message":"Internal Server Error"}`)
	}
	if malformed {
		why = "Execution failed due to configuration error: Malformed Lambda proxy response (" + why + "): 502"
	} else {
		why += ": 502"
	}
	fl := awsGatewayResponse("DEFAULT_5XX", "AWS-L4", why, strPtr("Internal server error"))
	fl.Status = 502
	fl.Header.Set("x-amzn-ErrorType", "InternalServerErrorException")
	return fl
}

// integrationTimeout: REST 504 INTEGRATION_TIMEOUT (AWS-L4), HTTP API 503
// (AWS-L9).
func (p *pipeline) integrationTimeout(in *integration, why string) *Failure {
	if in.httpAPI {
		return jsonFailure("backend", "AWS-L9", why+": 503", 503, `{"message":"Service Unavailable"}`)
	}
	fl := awsGatewayResponse("INTEGRATION_TIMEOUT", "AWS-L4", why+": 504", nil)
	fl.Body = []byte(`{"message": "Endpoint request timed out"}`)
	return fl
}

// ---- the event ----

// proxyEvent10 is the payload 1.0 event (AWS-L1), in the order API Gateway
// writes its fields.
type proxyEvent10 struct {
	Version                         string              `json:"version,omitempty"` // HTTP APIs only
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  proxyContext10      `json:"requestContext"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type proxyContext10 struct {
	ResourceID        string          `json:"resourceId"`
	Authorizer        any             `json:"authorizer,omitempty"`
	ResourcePath      string          `json:"resourcePath"`
	HTTPMethod        string          `json:"httpMethod"`
	ExtendedRequestID string          `json:"extendedRequestId"`
	RequestTime       string          `json:"requestTime"`
	Path              string          `json:"path"`
	AccountID         string          `json:"accountId"`
	Protocol          string          `json:"protocol"`
	Stage             string          `json:"stage"`
	DomainPrefix      string          `json:"domainPrefix"`
	RequestTimeEpoch  int64           `json:"requestTimeEpoch"`
	RequestID         string          `json:"requestId"`
	Identity          requestIdentity `json:"identity"`
	DomainName        string          `json:"domainName"`
	APIID             string          `json:"apiId"`
}

// proxyEvent20 is the payload 2.0 event (AWS-L6).
type proxyEvent20 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        proxyContext20    `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}

type proxyContext20 struct {
	AccountID    string      `json:"accountId"`
	APIID        string      `json:"apiId"`
	Authorizer   any         `json:"authorizer,omitempty"`
	DomainName   string      `json:"domainName"`
	DomainPrefix string      `json:"domainPrefix"`
	HTTP         proxyHTTP20 `json:"http"`
	RequestID    string      `json:"requestId"`
	RouteKey     string      `json:"routeKey"`
	Stage        string      `json:"stage"`
	Time         string      `json:"time"`
	TimeEpoch    int64       `json:"timeEpoch"`
}

type proxyHTTP20 struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// event builds the proxy event from what reaches the backend (after the
// route's request transformations).
func (in *integration) event(p *pipeline, up *backend.Request) ([]byte, error) {
	f := p.f
	rest := &awsREST{aws: in.aws}
	domain := rest.domain(f)
	body, b64 := in.eventBody(up)
	auth := in.authorizer(p)
	if in.format == "2.0" {
		ev := proxyEvent20{Version: "2.0", RouteKey: routeKey(f), RawPath: up.Path, RawQueryString: up.EncodedQuery(),
			Headers: map[string]string{}, Body: body, IsBase64Encoded: b64}
		for canon, vals := range up.Header {
			name := strings.ToLower(canon)
			if name == "cookie" {
				for _, v := range vals {
					for _, c := range strings.Split(v, ";") {
						if c = strings.TrimSpace(c); c != "" {
							ev.Cookies = append(ev.Cookies, c)
						}
					}
				}
				continue
			}
			ev.Headers[name] = strings.Join(vals, ",")
		}
		addGatewayHeaders20(f, domain, up.Header, ev.Headers)
		if len(up.Query) > 0 {
			ev.QueryStringParameters = map[string]string{}
			for k, vals := range up.Query {
				ev.QueryStringParameters[k] = strings.Join(vals, ",")
			}
		}
		if len(f.Params) > 0 {
			ev.PathParameters = f.Params
		}
		if len(in.aws.stageVars) > 0 {
			ev.StageVariables = in.aws.stageVars
		}
		ev.RequestContext = proxyContext20{AccountID: in.aws.account, APIID: in.aws.apiID, Authorizer: auth,
			DomainName: domain, DomainPrefix: strings.SplitN(domain, ".", 2)[0],
			HTTP: proxyHTTP20{Method: up.Method, Path: up.Path, Protocol: "HTTP/1.1", SourceIP: f.Req.SourceIP,
				UserAgent: up.Header.Get("User-Agent")},
			RequestID: f.RequestID, RouteKey: routeKey(f), Stage: in.aws.stage,
			Time: f.Now.UTC().Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: f.Now.UnixMilli()}
		return marshalEvent(ev)
	}
	ev := proxyEvent10{Resource: f.Template, Path: up.EscapedPath(), HTTPMethod: up.Method,
		Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}, Body: body, IsBase64Encoded: b64}
	if in.httpAPI {
		ev.Version = "1.0"
	}
	for canon, vals := range up.Header {
		name := f.Req.SentName(canon)
		ev.Headers[name] = vals[len(vals)-1]
		ev.MultiValueHeaders[name] = vals
	}
	addGatewayHeaders(f, domain, up.Header, ev.Headers, ev.MultiValueHeaders)
	if len(up.Query) > 0 {
		ev.QueryStringParameters, ev.MultiValueQueryStringParameters = map[string]string{}, map[string][]string{}
		for k, vals := range up.Query {
			if len(vals) > 0 {
				ev.QueryStringParameters[k] = vals[len(vals)-1]
				ev.MultiValueQueryStringParameters[k] = vals
			}
		}
	}
	if len(f.Params) > 0 {
		ev.PathParameters = f.Params // null when none, unlike the authorizer event
	}
	if len(in.aws.stageVars) > 0 {
		ev.StageVariables = in.aws.stageVars
	}
	ev.RequestContext = proxyContext10{
		ResourceID: rest.resourceID(f), Authorizer: auth, ResourcePath: f.Template, HTTPMethod: up.Method,
		ExtendedRequestID: extendedID(f.RequestID), RequestTime: f.Now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
		Path: "/" + in.aws.stage + up.EscapedPath(), AccountID: in.aws.account, Protocol: "HTTP/1.1",
		Stage: in.aws.stage, DomainPrefix: strings.SplitN(domain, ".", 2)[0], RequestTimeEpoch: f.Now.UnixMilli(),
		RequestID: f.RequestID, Identity: requestIdentity{SourceIP: f.Req.SourceIP, UserAgent: up.Header.Get("User-Agent")},
		DomainName: domain, APIID: in.aws.apiID,
	}
	iamIdentity(p.dec, &ev.RequestContext.Identity)
	return marshalEvent(ev)
}

// eventBody is the body as the event carries it: text, or base64 for a
// binary body (REST: when binaryMediaTypes match the request's
// Content-Type; HTTP APIs: when it is not text).
func (in *integration) eventBody(up *backend.Request) (*string, bool) {
	if len(up.Body) == 0 {
		return nil, false
	}
	binary := false
	if in.httpAPI {
		binary = !utf8.Valid(up.Body)
	} else {
		binary = mediaMatches(in.binary, up.Header.Get("Content-Type"))
	}
	if binary {
		s := base64.StdEncoding.EncodeToString(up.Body)
		return &s, true
	}
	s := string(up.Body)
	return &s, false
}

// mediaMatches reports whether a content type matches one of the binary
// media types (type/subtype, type/*, */*).
func mediaMatches(types []string, ct string) bool {
	if ct == "" || len(types) == 0 {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	for _, t := range types {
		if t == "*/*" || strings.EqualFold(t, mt) {
			return true
		}
		if major, ok := strings.CutSuffix(t, "/*"); ok && strings.HasPrefix(mt, strings.ToLower(major)+"/") {
			return true
		}
	}
	return false
}

// integrationAuthorizer is a dialect whose answer reaches a Lambda
// integration in its own shape (AWS-L2, AWS-L7); latency is the
// authorizer call's, in milliseconds.
type integrationAuthorizer interface {
	IntegrationAuthorizer(dec *Decision, format string, latency int64) any
}

// authorizer is requestContext.authorizer for this request, nil when no
// authorizer ran.
func (in *integration) authorizer(p *pipeline) any {
	if p.dec == nil || p.rt.auth == nil {
		return nil
	}
	var latency int64
	if st := p.f.Trace.Stage(trace.Authorizer); st != nil && st.Status == trace.OK && p.auth != nil && p.auth.cached == nil {
		latency = st.Duration.Milliseconds()
	}
	if ia, ok := p.rt.auth.dialect.(integrationAuthorizer); ok {
		if a := ia.IntegrationAuthorizer(p.dec, in.format, latency); a != nil {
			return a
		}
		return nil
	}
	// Other authorizers: their context as strings, and the principal.
	out := map[string]any{}
	for k, v := range p.dec.Context {
		out[k] = v
	}
	if p.dec.Principal != "" {
		out["principalId"] = p.dec.Principal
	}
	return out
}

// lambdaContext reads an answer's context as returned: values as raw JSON.
func lambdaContext(raw json.RawMessage) map[string]json.RawMessage {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	var ctx map[string]json.RawMessage
	if c, ok := top["context"]; ok {
		_ = json.Unmarshal(c, &ctx)
	}
	return ctx
}

// restAuthorizer is a REST (or payload 1.0) Lambda authorizer's context as
// the integration sees it: values stringified, null kept, principalId and
// integrationLatency alongside (AWS-L2).
func restAuthorizer(dec *Decision, latency int64) map[string]any {
	out := map[string]any{}
	for k, v := range lambdaContext(dec.Raw) {
		v = bytes.TrimSpace(v)
		switch {
		case bytes.Equal(v, []byte("null")):
			out[k] = nil
		case len(v) > 0 && v[0] == '"':
			var s string
			_ = json.Unmarshal(v, &s)
			out[k] = s
		default:
			out[k] = string(v)
		}
	}
	out["principalId"] = dec.Principal
	out["integrationLatency"] = latency
	return out
}

func (d *awsREST) IntegrationAuthorizer(dec *Decision, format string, latency int64) any {
	return restAuthorizer(dec, latency)
}

// IntegrationAuthorizer: payload 2.0 gets {"lambda": context as returned}
// (AWS-L7; principalId omitted, unconfirmed), 1.0 the REST shape.
func (d *awsHTTP) IntegrationAuthorizer(dec *Decision, format string, latency int64) any {
	if format == "1.0" {
		return restAuthorizer(dec, latency)
	}
	ctx := lambdaContext(dec.Raw)
	if ctx == nil {
		ctx = map[string]json.RawMessage{}
	}
	return map[string]any{"lambda": ctx}
}

// IntegrationAuthorizer: a verified token's claims, as a Cognito authorizer
// passes them on a REST API ({"claims": ...}, AWS-L2) and a JWT authorizer
// on an HTTP API ({"jwt": {"claims", "scopes"}}, AWS-L7).
func (d *jwtDialect) IntegrationAuthorizer(dec *Decision, format string, latency int64) any {
	claims := map[string]string{}
	for k, v := range dec.Context {
		claims[k] = v
	}
	if format == "2.0" {
		var scopes any
		if len(dec.Scopes) > 0 {
			scopes = dec.Scopes
		}
		return map[string]any{"jwt": map[string]any{"claims": claims, "scopes": scopes}}
	}
	return map[string]any{"claims": claims}
}

// claimsOf is a token authorizer's claims as API Gateway passes them on
// (strings, AWSH-J9), from a claims decision (cognito, aws-jwt).
func claimsOf(dec *Decision) map[string]string {
	if cs, ok := dec.Policy.(claimSet); ok {
		return cs.claims
	}
	out := map[string]string{}
	for k, v := range dec.Context {
		out[strings.TrimPrefix(k, "claims.")] = v
	}
	return out
}

// IntegrationAuthorizer: a Cognito authorizer's claims (AWS-L2).
func (d *cognito) IntegrationAuthorizer(dec *Decision, format string, latency int64) any {
	return map[string]any{"claims": claimsOf(dec)}
}

// IntegrationAuthorizer: an HTTP API JWT authorizer's claims and scopes
// (AWS-L7; scopes null when the token has none).
func (d *awsJWT) IntegrationAuthorizer(dec *Decision, format string, latency int64) any {
	var scopes any
	if len(dec.Scopes) > 0 {
		scopes = dec.Scopes
	}
	if format == "1.0" {
		return map[string]any{"claims": claimsOf(dec), "scopes": scopes}
	}
	return map[string]any{"jwt": map[string]any{"claims": claimsOf(dec), "scopes": scopes}}
}

// IntegrationAuthorizer: IAM puts no authorizer in a REST event (the
// caller is in requestContext.identity, AWS-S8); an HTTP API's 2.0 event
// gets {"iam": ...}.
func (d *awsIAM) IntegrationAuthorizer(dec *Decision, format string, latency int64) any {
	r, ok := dec.Policy.(iamResult)
	if !ok || format != "2.0" {
		return nil
	}
	return map[string]any{"iam": map[string]any{"accessKey": r.keyID, "accountId": r.account, "callerId": r.caller,
		"cognitoIdentity": nil, "principalOrgId": nil, "userArn": r.arn, "userId": r.caller}}
}

// iamIdentity fills requestContext.identity from a verified SigV4 caller
// (AWS-S8).
func iamIdentity(dec *Decision, id *requestIdentity) {
	if dec == nil {
		return
	}
	r, ok := dec.Policy.(iamResult)
	if !ok {
		return
	}
	id.AccessKey, id.AccountID, id.Caller, id.User, id.UserArn = &r.keyID, &r.account, &r.caller, &r.caller, &r.arn
}

// ---- the answer ----

// answer10 maps a payload 1.0 answer to the HTTP answer (AWS-L3); bad says
// why it is malformed (AWS-L4).
func (in *integration) answer10(payload []byte, req *Request, st *trace.Stage) (*Response, string) {
	payload = bytes.TrimSpace(payload)
	var top map[string]json.RawMessage
	if len(payload) == 0 || payload[0] != '{' || json.Unmarshal(payload, &top) != nil {
		what := "not a JSON object"
		if !json.Valid(payload) {
			what = "not JSON"
		}
		return nil, "the answer is " + what
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded":
		default:
			return nil, fmt.Sprintf("unknown key %q (an answer has statusCode, headers, multiValueHeaders, body, isBase64Encoded)", k)
		}
	}
	st.Rule("AWS-L3")
	resp := &Response{Status: 200, Header: http.Header{}}
	if raw, ok := top["statusCode"]; ok && !isNull(raw) {
		n, ok := statusOf(raw)
		if !ok {
			return nil, fmt.Sprintf("statusCode %s is not a number", raw)
		}
		resp.Status = n
	}
	// Header names match case-insensitively: multiValueHeaders values come
	// first, then the headers value (kept in canonical form, as every
	// answer in authlab).
	if raw, ok := top["multiValueHeaders"]; ok && !isNull(raw) {
		var mv map[string]json.RawMessage
		if json.Unmarshal(raw, &mv) != nil {
			return nil, "multiValueHeaders is not an object"
		}
		for _, k := range sortedRaw(mv) {
			var list []json.RawMessage
			if json.Unmarshal(mv[k], &list) != nil {
				return nil, fmt.Sprintf("multiValueHeaders.%s is not a list", k)
			}
			for _, item := range list {
				v, ok := headerValue(item)
				if !ok {
					return nil, fmt.Sprintf("multiValueHeaders.%s holds %s, not a string", k, item)
				}
				resp.Header.Add(k, v)
			}
		}
	}
	if raw, ok := top["headers"]; ok && !isNull(raw) {
		var hs map[string]json.RawMessage
		if json.Unmarshal(raw, &hs) != nil {
			return nil, "headers is not an object"
		}
		for _, k := range sortedRaw(hs) {
			v, ok := headerValue(hs[k])
			if !ok {
				return nil, fmt.Sprintf("headers.%s is %s, not a string", k, hs[k])
			}
			resp.Header.Add(k, v)
		}
	}
	if raw, ok := top["body"]; ok && !isNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, "body is not a string (JSON-stringify it)"
		}
		resp.Body = []byte(s)
	}
	if raw, ok := top["isBase64Encoded"]; ok && !isNull(raw) {
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, "isBase64Encoded is not a boolean"
		}
		if b {
			ct := resp.Header.Get("Content-Type")
			if mediaMatches(in.binary, req.Header.Get("Accept")) || mediaMatches(in.binary, ct) {
				dec, err := base64.StdEncoding.DecodeString(string(resp.Body))
				if err != nil {
					return nil, "isBase64Encoded is true but body is not base64"
				}
				resp.Body = dec
				st.Add("isBase64Encoded", "body decoded: binaryMediaTypes match")
			} else {
				st.Add("isBase64Encoded", "true, but no binaryMediaTypes match the Accept or Content-Type: the base64 text is sent as it is")
			}
		}
	}
	if len(top) > 0 && resp.Header.Get("Content-Type") == "" {
		resp.Header.Set("Content-Type", "application/json")
	}
	return resp, ""
}

// answer20 maps a payload 2.0 answer to the HTTP answer (AWS-L8): without
// statusCode, the returned value itself is a 200 JSON body.
func answer20(payload []byte, st *trace.Stage) (*Response, string) {
	payload = bytes.TrimSpace(payload)
	if !json.Valid(payload) {
		return nil, "the answer is not JSON"
	}
	st.Rule("AWS-L8")
	var top map[string]json.RawMessage
	isObj := payload[0] == '{' && json.Unmarshal(payload, &top) == nil
	if raw, ok := top["statusCode"]; !isObj || !ok {
		// The value is the body.
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		body := payload
		var s string
		if payload[0] == '"' && json.Unmarshal(payload, &s) == nil {
			body = []byte(s)
		}
		st.Add("answer", "no statusCode: API Gateway answers 200 with the returned value as a JSON body")
		return &Response{Status: 200, Header: h, Body: body}, ""
	} else if _, ok := statusOf(raw); !ok {
		return nil, fmt.Sprintf("statusCode %s is not a number", raw)
	}
	n, _ := statusOf(top["statusCode"])
	resp := &Response{Status: n, Header: http.Header{}}
	if raw, ok := top["headers"]; ok && !isNull(raw) {
		var hs map[string]json.RawMessage
		if json.Unmarshal(raw, &hs) != nil {
			return nil, "headers is not an object"
		}
		for _, k := range sortedRaw(hs) {
			v, ok := headerValue(hs[k])
			if !ok {
				return nil, fmt.Sprintf("headers.%s is %s, not a string", k, hs[k])
			}
			resp.Header.Add(k, v)
		}
	}
	if raw, ok := top["cookies"]; ok && !isNull(raw) {
		var cs []string
		if json.Unmarshal(raw, &cs) != nil {
			return nil, "cookies is not a list of strings"
		}
		for _, c := range cs {
			resp.Header.Add("Set-Cookie", c)
		}
	}
	if raw, ok := top["body"]; ok && !isNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, "body is not a string"
		}
		resp.Body = []byte(s)
	}
	if raw, ok := top["isBase64Encoded"]; ok && !isNull(raw) {
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, "isBase64Encoded is not a boolean"
		}
		if b {
			dec, err := base64.StdEncoding.DecodeString(string(resp.Body))
			if err != nil {
				return nil, "isBase64Encoded is true but body is not base64"
			}
			resp.Body = dec
		}
	}
	return resp, ""
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// statusOf reads statusCode: an integer, or a string of one ("201").
func statusOf(raw json.RawMessage) (int, bool) {
	raw = bytes.TrimSpace(raw)
	var s string
	text := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		text = s
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 100 || n > 599 {
		return 0, false
	}
	return n, true
}

// headerValue reads a header value: a string, or a boolean sent as
// true / false (AWS-L3).
func headerValue(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b), true
	}
	return "", false
}

func sortedRaw(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Headers a REST API does not pass from a Lambda integration's answer as
// they are (AWS-L5, AWS-G8): renamed X-Amzn-Remapped-NAME, or dropped.
var (
	remappedHeaders = []string{"Authorization", "Connection", "Content-MD5", "Date", "Max-Forwards", "Server", "User-Agent", "WWW-Authenticate"}
	droppedHeaders  = []string{"Expect", "Host", "Proxy-Authenticate", "TE", "Trailer", "Transfer-Encoding", "Upgrade"}
)

// remapHeaders applies AWS-L5 to an integration's answer, listing each
// rename in the trace.
func remapHeaders(h http.Header, st *trace.Stage) {
	for k, vals := range h {
		for _, r := range remappedHeaders {
			if strings.EqualFold(k, r) {
				delete(h, k)
				to := http.CanonicalHeaderKey("X-Amzn-Remapped-" + r)
				h[to] = append(h[to], vals...)
				st.Rule("AWS-L5")
				st.Add("remapped", fmt.Sprintf("%s → %s (API Gateway does not pass it from an integration as it is)", k, to))
			}
		}
		for _, d := range droppedHeaders {
			if strings.EqualFold(k, d) {
				delete(h, k)
				st.Rule("AWS-L5")
				st.Add("dropped", k+" (API Gateway drops it from an integration's answer)")
			}
		}
	}
}
