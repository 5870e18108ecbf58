package engine

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/policy"
	"github.com/authlab/authlab/engine/runtime"
	"github.com/authlab/authlab/engine/trace"
)

// awsREST is API Gateway REST API Lambda authorizers, TOKEN and REQUEST
// (semantics.md §1).
type awsREST struct {
	request bool // REQUEST (else TOKEN)
	sources []config.IdentitySource
	re      *regexp.Regexp
	caching bool
	aws     awsInfo
	// tokenSource is sources[0] described, shared by every TOKEN request.
	tokenSource []string
	// answers remembers how answers parsed (see answerMemo).
	answers answerMemo
}

type awsInfo struct {
	region, account, apiID, stage, resourceID string
	stageVars                                 map[string]string
}

func awsOf(g *config.Gateway) awsInfo {
	a := awsInfo{region: g.AWS.Region, account: g.AWS.Account, apiID: g.AWS.APIID, stage: g.AWS.Stage,
		resourceID: g.AWS.ResourceID, stageVars: g.AWS.StageVariables}
	if a.region == "" {
		a.region = config.DefaultRegion
	}
	if a.account == "" {
		a.account = config.DefaultAccount
	}
	if a.apiID == "" {
		a.apiID = config.DefaultAPIID
	}
	if a.stage == "" {
		a.stage = config.DefaultStage
	}
	if a.stageVars == nil {
		a.stageVars = map[string]string{}
	}
	return a
}

func newAWSREST(g *config.Gateway, a *config.Authorizer) (Dialect, error) {
	d := &awsREST{request: a.Type == "aws-request", sources: a.Sources(), caching: a.TTLValue() > 0, aws: awsOf(g)}
	if len(d.sources) > 0 {
		d.tokenSource = []string{d.sources[0].String()}
	}
	if a.ValidationRegex != "" {
		// Java's Pattern.matches: the whole value must match (AWS-C5).
		re, err := regexp.Compile(`^(?:` + a.ValidationRegex + `)$`)
		if err != nil {
			return nil, fmt.Errorf("validationRegex: %w", err)
		}
		d.re = re
	}
	return d, nil
}

// MaxResponse is Lambda's synchronous response limit.
func (d *awsREST) MaxResponse() int { return runtime.DefaultMaxResponse }

// methodArn builds the ARN of AWS-E2 from the actual request path.
func (d *awsREST) methodArn(f *Flow) string { return methodArnOf(d.aws, f) }

// AWS answers (semantics.md §1), each of its gateway response type
// (AWS-G14).
func awsUnauthorized(rule, reason string) *Failure {
	return awsGatewayResponse("UNAUTHORIZED", rule, reason, strPtr("Unauthorized"))
}

func awsConfigError(rule, reason string) *Failure {
	return awsGatewayResponse("AUTHORIZER_CONFIGURATION_ERROR", rule, reason, nil)
}

// awsDenied is a Lambda authorizer policy's 403, whose uncustomised body
// writes Message with a capital M (AWS-G2).
func awsDenied(explicit bool, reason string) *Failure {
	rule, msg := "AWS-R3", "User is not authorized to access this resource"
	if explicit {
		rule, msg = "AWS-R2", "User is not authorized to access this resource with an explicit deny"
	}
	fl := awsGatewayResponse("ACCESS_DENIED", rule, reason, &msg)
	fl.Body = []byte(`{"Message":` + jsonString(msg) + `}`)
	return fl
}

// value reads one identity source from the request.
func (d *awsREST) value(f *Flow, s config.IdentitySource) (string, bool) {
	r := f.Req
	switch s.Kind {
	case config.SrcHeader:
		v := r.Header.Values(s.Name)
		if len(v) == 0 {
			return "", false
		}
		return v[len(v)-1], true
	case config.SrcQuery:
		v, ok := r.Query[s.Name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[len(v)-1], true
	case config.SrcStage:
		v, ok := d.aws.stageVars[s.Name]
		return v, ok
	case config.SrcContext:
		v, ok := d.contextVar(f, s.Name)
		return v, ok
	}
	return "", false
}

func (d *awsREST) contextVar(f *Flow, name string) (string, bool) {
	switch name {
	case "sourceIp", "identity.sourceIp":
		return f.Req.SourceIP, f.Req.SourceIP != ""
	case "httpMethod":
		return f.Req.Method, true
	case "path":
		return "/" + d.aws.stage + f.Req.Path, true
	case "resourcePath":
		return f.Template, true
	case "stage":
		return d.aws.stage, true
	case "apiId":
		return d.aws.apiID, true
	case "accountId":
		return d.aws.account, true
	case "domainName":
		return d.domain(f), true
	case "protocol":
		return "HTTP/1.1", true
	case "requestId":
		return f.RequestID, true
	}
	return "", false
}

func (d *awsREST) domain(f *Flow) string {
	if h := f.Req.Header.Get("Host"); h != "" {
		return h
	}
	return fmt.Sprintf("%s.execute-api.%s.amazonaws.com", d.aws.apiID, d.aws.region)
}

func (d *awsREST) Identity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	st.Add("methodArn", d.methodArn(f))
	if !d.request {
		return d.tokenIdentity(f, st)
	}
	var id Identity
	var missing []string
	for _, s := range d.sources {
		v, ok := d.value(f, s)
		id.Sources = append(id.Sources, s.String())
		if !ok || v == "" {
			missing = append(missing, s.String())
			st.Add(s.String(), "(missing)")
			continue
		}
		st.Add(s.String(), v)
		id.Values = append(id.Values, v)
		if secretSource(s) {
			id.Secrets = append(id.Secrets, v)
		}
	}
	if !d.caching {
		// AWS-I3: with caching off, sources are not checked.
		st.Rule("AWS-I3")
		st.Summary = "caching off: identity sources not required, function always called"
		return id, nil
	}
	if len(missing) > 0 {
		st.Rule("AWS-I3")
		return id, awsUnauthorized("AWS-I3", fmt.Sprintf("identity source %s missing or empty: 401 without calling the function", strings.Join(missing, ", ")))
	}
	id.CacheKey = strings.Join(id.Values, ",")
	st.Summary = fmt.Sprintf("%d identity source(s) present", len(id.Values))
	return id, nil
}

func (d *awsREST) tokenIdentity(f *Flow, st *trace.Stage) (Identity, *Failure) {
	src := d.sources[0]
	id := Identity{Sources: d.tokenSource[:1:1]}
	v, ok := d.value(f, src)
	if !ok || v == "" {
		st.Rule("AWS-I1")
		return id, awsUnauthorized("AWS-I1", fmt.Sprintf("token header %s missing or empty: 401 without calling the function", src.Name))
	}
	id.Values = []string{v}
	id.Secrets = id.Values
	st.Add(d.tokenSource[0], v)
	if d.re != nil {
		st.Add("validationRegex", d.re.String())
		if !d.re.MatchString(v) {
			st.Rule("AWS-I2", "AWS-C5")
			return id, awsUnauthorized("AWS-I2", "token does not match validationRegex (whole value): 401 without calling the function")
		}
		st.Rule("AWS-C5")
	}
	id.CacheKey = v
	st.Summary = "token present"
	return id, nil
}

// tokenEvent is AWS-E1, in the field order AWS sends.
type tokenEvent struct {
	Type               string `json:"type"`
	AuthorizationToken string `json:"authorizationToken"`
	MethodArn          string `json:"methodArn"`
}

// requestEvent is AWS-E3.
type requestEvent struct {
	Type                            string              `json:"type"`
	MethodArn                       string              `json:"methodArn"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  requestContext      `json:"requestContext"`
}

type requestContext struct {
	ResourceID        string          `json:"resourceId"`
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

type requestIdentity struct {
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	AccountID                     *string `json:"accountId"`
	CognitoIdentityID             *string `json:"cognitoIdentityId"`
	Caller                        *string `json:"caller"`
	SourceIP                      string  `json:"sourceIp"`
	PrincipalOrgID                *string `json:"principalOrgId"`
	AccessKey                     *string `json:"accessKey"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	UserArn                       *string `json:"userArn"`
	UserAgent                     string  `json:"userAgent"`
	User                          *string `json:"user"`
}

func (d *awsREST) Event(f *Flow, id Identity) ([]byte, error) {
	if !d.request {
		return marshalEvent(tokenEvent{Type: "TOKEN", AuthorizationToken: id.Values[0], MethodArn: d.methodArn(f)})
	}
	r := f.Req
	ev := requestEvent{
		Type: "REQUEST", MethodArn: d.methodArn(f), Resource: f.Template, Path: r.RawPath, HTTPMethod: r.Method,
		Headers: map[string]string{}, MultiValueHeaders: map[string][]string{},
		QueryStringParameters: map[string]string{}, MultiValueQueryStringParameters: map[string][]string{},
		PathParameters: f.Params, StageVariables: d.aws.stageVars,
	}
	if ev.PathParameters == nil {
		ev.PathParameters = map[string]string{}
	}
	// Headers go as the client spelled them; the single-value map holds the
	// last value, as API Gateway does.
	for canon, vals := range r.Header {
		name := r.SentName(canon)
		ev.Headers[name] = vals[len(vals)-1]
		ev.MultiValueHeaders[name] = vals
	}
	domain := d.domain(f)
	addGatewayHeaders(f, domain, r.Header, ev.Headers, ev.MultiValueHeaders)
	for k, vals := range r.Query {
		if len(vals) == 0 {
			continue
		}
		ev.QueryStringParameters[k] = vals[len(vals)-1]
		ev.MultiValueQueryStringParameters[k] = vals
	}
	ev.RequestContext = requestContext{
		ResourceID: d.resourceID(f), ResourcePath: f.Template, HTTPMethod: r.Method,
		ExtendedRequestID: extendedID(f.RequestID),
		RequestTime:       f.Now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
		Path:              "/" + d.aws.stage + r.RawPath, AccountID: d.aws.account, Protocol: "HTTP/1.1",
		Stage: d.aws.stage, DomainPrefix: strings.SplitN(domain, ".", 2)[0],
		RequestTimeEpoch: f.Now.UnixMilli(), RequestID: f.RequestID,
		Identity:   requestIdentity{SourceIP: r.SourceIP, UserAgent: r.Header.Get("User-Agent")},
		DomainName: domain, APIID: d.aws.apiID,
	}
	return marshalEvent(ev)
}

// resourceID is a stable 6-character id per route, like API Gateway's.
func (d *awsREST) resourceID(f *Flow) string {
	if d.aws.resourceID != "" {
		return d.aws.resourceID
	}
	sum := sha1.Sum([]byte(f.Template))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	for i := range b {
		b[i] = alpha[int(sum[i])%len(alpha)]
	}
	return string(b)
}

func extendedID(reqID string) string {
	s := strings.ReplaceAll(reqID, "-", "")
	if len(s) > 16 {
		s = s[:16]
	}
	return s + "="
}

// awsAnswer is the authorizer output. Fields are decoded by hand to keep
// API Gateway's strictness about key case and value types.
func (d *awsREST) Interpret(f *Flow, res runtime.Result, invokeErr error, st *trace.Stage) (*Decision, *Failure) {
	if invokeErr != nil {
		why := "function failed: " + invokeErr.Error()
		switch {
		case errors.Is(invokeErr, runtime.ErrTimeout):
			why = "function timed out: " + invokeErr.Error()
		case errors.Is(invokeErr, runtime.ErrTooLarge):
			why = "function answer over Lambda's 6 MB limit"
		}
		return nil, awsConfigError("AWS-R4", why)
	}
	if res.Err != nil {
		if res.Err.Message == "Unauthorized" {
			st.Summary = `function threw exactly "Unauthorized"`
			return nil, awsUnauthorized("AWS-R1", `function threw "Unauthorized": 401`)
		}
		return nil, awsConfigError("AWS-R4", fmt.Sprintf("function threw %q (only the exact message \"Unauthorized\" means 401; anything else is a configuration error)", res.Err.Error()))
	}
	payload := bytes.TrimSpace(res.Payload)
	// A handler may return the answer as a JSON string holding the object.
	var asString string
	if (len(payload) > 0 && payload[0] == '"' || bytes.Equal(payload, []byte("null"))) && json.Unmarshal(payload, &asString) == nil {
		payload = []byte(asString)
		st.Add("note", "answer was a JSON string; decoded the object inside")
	}
	ans := d.answers.get(payload)
	if ans == nil {
		var fl *Failure
		if ans, fl = parseRESTAnswer(payload); fl != nil {
			return nil, fl
		}
		d.answers.put(ans)
	}
	top, doc := ans.top, ans.doc
	dec := &Decision{Raw: json.RawMessage(payload), IssuedFor: d.methodArn(f), Context: map[string]string{}}
	dec.Policy = iamPolicy{doc}
	st.Add("statements", strconv.Itoa(len(doc.Statements)))
	if raw, ok := top["principalId"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			dec.Principal = s
		} else if n, err := strconv.ParseFloat(string(raw), 64); err == nil {
			dec.Principal = strconv.FormatFloat(n, 'f', -1, 64)
			st.Add("note", "principalId was a number; used as a string")
		} else {
			return nil, awsConfigError("AWS-R4", "principalId must be a string")
		}
	}
	if dec.Principal == "" && hasAllow(doc) {
		return nil, awsConfigError("AWS-R4", "answer allows access but has no principalId")
	}
	st.Add("principalId", dec.Principal)
	if raw, ok := top["context"]; ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if fl := d.readContext(raw, dec, st); fl != nil {
			return nil, fl
		}
	}
	if raw, ok := top["usageIdentifierKey"]; ok {
		var s string
		_ = json.Unmarshal(raw, &s)
		st.Add("usageIdentifierKey", s)
		dec.UsageIdentifierKey = s // the API key, with apiKeySource AUTHORIZER (AWS-K2)
	}
	st.Rule("AWS-R5")
	st.Summary = fmt.Sprintf("valid policy: principal %q, %d statement(s), %d context value(s)", dec.Principal, len(doc.Statements), len(dec.Context))
	return dec, nil
}

// restAnswer is a REST authorizer answer split into its keys, with its
// policy document parsed. It is never changed once made.
type restAnswer struct {
	raw string // the bytes top and doc point into
	top map[string]json.RawMessage
	doc *policy.Document
}

// parseRESTAnswer checks an answer's shape (AWS-R4) and parses its policy.
func parseRESTAnswer(payload []byte) (*restAnswer, *Failure) {
	own := bytes.Clone(payload)
	var top map[string]json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(own), []byte("{")) || json.Unmarshal(own, &top) != nil {
		what := "not a JSON object"
		if bytes.Equal(own, []byte("null")) || len(own) == 0 {
			what = "null"
		}
		return nil, awsConfigError("AWS-R4", "answer is "+what)
	}
	if _, hasStatus := top["statusCode"]; hasStatus {
		if _, hasBody := top["body"]; hasBody {
			return nil, awsConfigError("AWS-R4", "answer is a {statusCode, body} proxy response, not an authorizer policy")
		}
	}
	pdRaw, ok := top["policyDocument"]
	if !ok || bytes.Equal(bytes.TrimSpace(pdRaw), []byte("null")) {
		return nil, awsConfigError("AWS-R4", "answer has no policyDocument")
	}
	doc, err := policy.Parse(pdRaw)
	if err != nil {
		rule := "AWS-R4"
		var pe *policy.Error
		if errors.As(err, &pe) {
			rule = pe.Rule
		}
		return nil, awsConfigError(rule, "policyDocument: "+err.Error())
	}
	return &restAnswer{raw: string(own), top: top, doc: doc}, nil
}

// answerMemo remembers the last answers that parsed. With ttl 0 (the usual
// setting while debugging) the function answers every request for the same
// caller with the same bytes, and splitting them and parsing their policy
// was a tenth of a warm call's CPU; how bytes parse never changes, so a
// repeated answer takes the parse of the first. Answers that fail are
// parsed every time, for their message; the memo forgets everything when
// full, so it holds at most answerMemoSize answers.
type answerMemo struct {
	mu sync.Mutex
	m  map[string]*restAnswer
}

const (
	answerMemoSize  = 256
	answerMemoBytes = 16 << 10 // larger answers are parsed every time
)

func (a *answerMemo) get(payload []byte) *restAnswer {
	if len(payload) > answerMemoBytes {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.m[string(payload)]
}

func (a *answerMemo) put(ans *restAnswer) {
	if len(ans.raw) > answerMemoBytes {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil || len(a.m) >= answerMemoSize {
		a.m = make(map[string]*restAnswer, answerMemoSize)
	}
	a.m[ans.raw] = ans
}

func hasAllow(doc *policy.Document) bool {
	for _, s := range doc.Statements {
		if s.Effect == "Allow" {
			return true
		}
	}
	return false
}

// readContext enforces AWS-R5 (scalars only) and stringifies (AWS-R6).
func (d *awsREST) readContext(raw json.RawMessage, dec *Decision, st *trace.Stage) *Failure {
	var ctx map[string]json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) || json.Unmarshal(raw, &ctx) != nil {
		return awsConfigError("AWS-R5", "context must be a JSON object of string, number or boolean values")
	}
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := bytes.TrimSpace(ctx[k])
		switch {
		case len(v) == 0:
			continue
		case v[0] == '{' || v[0] == '[':
			kind := "an object"
			if v[0] == '[' {
				kind = "an array"
			}
			return awsConfigError("AWS-R5", fmt.Sprintf("context value %q is %s; REST API context values must be string, number or boolean", k, kind))
		case bytes.Equal(v, []byte("null")):
			// Accepted: it reaches a Lambda integration as JSON null
			// (AWS-L2), and a mapping expression reads nothing.
			st.Add("context."+k, "null (kept as null for a Lambda integration, AWS-L2)")
			continue
		case v[0] == '"':
			var s string
			_ = json.Unmarshal(v, &s)
			dec.Context[k] = s
		default:
			dec.Context[k] = string(v) // number or boolean, stringified (AWS-R6)
		}
		dec.ContextOrder = append(dec.ContextOrder, k)
		st.Add("context."+k, dec.Context[k])
	}
	return nil
}

func (d *awsREST) Authorize(f *Flow, dec *Decision, cached *CachedDecision, st *trace.Stage) *Failure {
	doc := dec.Policy.(iamPolicy).Document
	arn := d.methodArn(f)
	st.Add("methodArn", arn)
	if cached != nil {
		st.Rule("AWS-C3")
		st.Add("cachedPolicy", f.text.concat("cached policy from ", dec.IssuedFor, ", evaluated against ", arn))
	}
	v := evaluatePolicy(st, doc, dec, cached, arn)
	if v.Allowed {
		return nil
	}
	if cached != nil && !v.Explicit && dec.IssuedFor != arn {
		cachedPolicyGotcha(st, dec.IssuedFor, arn)
	}
	return awsDenied(v.Explicit, st.Summary)
}

// cachedPolicyGotcha words the stage line of a cached policy that denies
// the route it was not issued for (AWS-C3) so that it carries the fix: the
// line is what --brief, the demo, the serve log and the TUI's trace list
// show. The full ARNs stay in the details (cachedPolicy, methodArn).
func cachedPolicyGotcha(st *trace.Stage, issuedFor, arn string) {
	st.Summary = fmt.Sprintf("the policy cached for %s does not allow %s (implicit deny) — fix: return a wildcard Resource (…/%s/*) or set ttl: 0",
		arnRoute(issuedFor), arnRoute(arn), arnStage(arn))
}

// arnRoute is "GET /orders/42" of an execute-api ARN
// (arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH), else the ARN.
func arnRoute(arn string) string {
	_, rest, ok := strings.Cut(arn, "/")
	if !ok {
		return arn
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 {
		return arn
	}
	path := "/"
	if len(parts) == 3 {
		path += parts[2]
	}
	return parts[1] + " " + path
}

// arnStage is the STAGE of an execute-api ARN, else "stage".
func arnStage(arn string) string {
	_, rest, ok := strings.Cut(arn, "/")
	if stage, _, found := strings.Cut(rest, "/"); ok && found && stage != "" {
		return stage
	}
	return "stage"
}

// evaluatePolicy evaluates a fresh or cached IAM policy against arn and
// records the deciding statement; a cached one names the ARN it was issued
// for (AWS-C3).
func evaluatePolicy(st *trace.Stage, doc *policy.Document, dec *Decision, cached *CachedDecision, arn string) policy.Verdict {
	v := doc.Evaluate(arn)
	st.Rule(v.Rule)
	if v.By != nil {
		st.Add("decidedBy", "Statement["+strconv.Itoa(v.By.Index)+"] "+v.By.Effect)
		st.AddRawJSON("statement", v.By.Raw)
	}
	st.Summary = v.Reason
	if cached != nil && dec.IssuedFor != arn {
		st.Summary = fmt.Sprintf("cached policy from %s, evaluated against %s: %s", dec.IssuedFor, arn, v.Reason)
	}
	return v
}

// TokenSlot: a TOKEN authorizer reads its one header; a REQUEST one, its
// first header or query source.
func (d *awsREST) TokenSlot() (TokenSlot, bool) { return slotOf(d.sources) }

// The REST API TOKEN and REQUEST Lambda authorizers (AWS-*).
var (
	_ = register(&Spec{Rank: 10, Type: "aws-token", New: newAWSREST, CacheRules: [2]string{"AWS-C1", "AWS-C2"},
		Flavor: "lambda", Fixture: "aws-rest.yaml",
		Config: config.TypeSpec{Platform: "aws", NeedsFunction: true,
			Common:   []string{"identitySource", "validationRegex", "ttl", "function"},
			Validate: validateAWSToken, CachesPolicy: func(*config.Authorizer) bool { return true }}})
	_ = register(&Spec{Rank: 20, Type: "aws-request", New: newAWSREST, CacheRules: [2]string{"AWS-C1", "AWS-C2"},
		Flavor: "lambda", Fixture: "aws-rest.yaml",
		Config: config.TypeSpec{Platform: "aws", NeedsFunction: true,
			Common:   []string{"identitySource", "ttl", "function"},
			Validate: validateAWSRequest, CachesPolicy: func(*config.Authorizer) bool { return true }}})
)

// validateAWSToken: one header carries the token (AWS-I1), and the
// validation expression compiles (AWS-I2).
func validateAWSToken(c *config.Check) {
	a := c.A
	switch {
	case len(a.IdentitySource) == 0:
		if !c.Reported("identitySource") {
			c.ErrAtKey("", "authorizer %q: aws-token needs identitySource: header:NAME (the token header, e.g. header:Authorization)", a.Name)
		}
	case len(a.IdentitySource) > 1:
		c.Err("identitySource", "authorizer %q: aws-token takes exactly one identity source (a header); use aws-request for several", a.Name)
	case len(c.Sources) == 1 && c.Sources[0].Kind != config.SrcHeader:
		c.Err("identitySource", "authorizer %q: aws-token reads its token from a header, not %s; use aws-request for query, stage or context sources", a.Name, c.Sources[0].Kind)
	}
	validateRegex(c)
}

// validateRegex checks a validationRegex (AWS-I2, HW-I1).
func validateRegex(c *config.Check) {
	if c.A.ValidationRegex == "" {
		return
	}
	if _, err := regexp.Compile(c.A.ValidationRegex); err != nil {
		c.Err("validationRegex", "authorizer %q: invalid validationRegex: %v", c.A.Name, config.RegexError(err))
	}
}

// validateAWSRequest: no path parameters as sources, and caching needs a
// source (AWS-I3).
func validateAWSRequest(c *config.Check) {
	a := c.A
	for i, s := range c.Sources {
		if s.Kind == config.SrcPath {
			c.Err(fmt.Sprintf("identitySource[%d]", i), "authorizer %q: path parameters cannot be identity sources (AWS-I3)", a.Name)
		}
	}
	if ttl := a.TTLValue(); ttl > 0 && len(a.IdentitySource) == 0 && !c.Reported("identitySource") {
		c.ErrAtKey("", "authorizer %q: caching is on (ttl %gs) but there is no identitySource; AWS requires at least one when caching (AWS-I3) — add identitySource or set ttl: 0", a.Name, ttl.Seconds())
	}
}

// iamPolicy is the policy document a Lambda authorizer returned, evaluated
// against each request's methodArn (AWS-P1), cached ones included (AWS-C3).
type iamPolicy struct{ *policy.Document }

func (p iamPolicy) Describe() string {
	return fmt.Sprintf("IAM policy, %d statement(s)", len(p.Statements))
}
