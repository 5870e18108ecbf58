package engine

import (
	"fmt"
	"mime"
	"sort"
	"strconv"
	"strings"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/sigv4"
	"github.com/authlab/authlab/engine/trace"
)

// A REST API's own answers: gateway response types and their
// customisation (semantics.md §7, AWS-G*), the limit on methodArn length
// (AWS-E4) and unrouted requests with an Authorization header (AWS-G12).

// awsResponseType is the built-in default of one gateway response type
// (AWS-G1): status, x-amzn-ErrorType and $context.error.message.
type awsResponseType struct {
	status    int
	errorType string
	message   *string // nil: null
}

func strPtr(s string) *string { return &s }

// awsResponseTypes are the defaults of every type of the API's enum; the
// ones the public record leaves open are marked in docs/rules. DEFAULT_4XX
// and DEFAULT_5XX have no status of their own: an answer typed so keeps the
// status it was made with.
var awsResponseTypes = map[string]awsResponseType{
	"ACCESS_DENIED":                  {403, "AccessDeniedException", strPtr("Forbidden")},
	"API_CONFIGURATION_ERROR":        {500, "", strPtr("Internal server error")},
	"AUTHORIZER_CONFIGURATION_ERROR": {500, "AuthorizerConfigurationException", nil},
	"AUTHORIZER_FAILURE":             {500, "", nil},
	"BAD_REQUEST_BODY":               {400, "BadRequestException", strPtr("Invalid request body")},
	"BAD_REQUEST_PARAMETERS":         {400, "BadRequestException", strPtr("Missing required request parameters")},
	"DEFAULT_4XX":                    {0, "", nil},
	"DEFAULT_5XX":                    {0, "", nil},
	"EXPIRED_TOKEN":                  {403, "ExpiredTokenException", strPtr("The security token included in the request is expired")},
	"INTEGRATION_FAILURE":            {504, "InternalServerErrorException", nil},
	"INTEGRATION_TIMEOUT":            {504, "InternalServerErrorException", strPtr("Endpoint request timed out")},
	"INVALID_API_KEY":                {403, "ForbiddenException", strPtr("Forbidden")},
	"INVALID_SIGNATURE":              {403, "InvalidSignatureException", nil},
	"MISSING_AUTHENTICATION_TOKEN":   {403, "MissingAuthenticationTokenException", strPtr("Missing Authentication Token")},
	"QUOTA_EXCEEDED":                 {429, "LimitExceededException", strPtr("Limit Exceeded")},
	"REQUEST_TOO_LARGE":              {413, "", strPtr("Request Too Long")},
	"RESOURCE_NOT_FOUND":             {404, "", strPtr("Not Found")},
	"THROTTLED":                      {429, "TooManyRequestsException", strPtr("Too Many Requests")},
	"UNAUTHORIZED":                   {401, "UnauthorizedException", strPtr("Unauthorized")},
	"UNSUPPORTED_MEDIA_TYPE":         {415, "", strPtr("Unsupported Media Type")},
	"WAF_FILTERED":                   {403, "ForbiddenException", strPtr("Forbidden")},
}

// awsGatewayResponse is the REST API's uncustomised answer of type typ:
// its default status and x-amzn-ErrorType and the body of the default
// template {"message":$context.error.messageString} (AWS-G1, AWS-G2), with
// msg as $context.error.message (nil: the type's own). The failure-response
// stage applies the file's customisation of the type (AWS-G4), so a dialect
// (or an identity type: API keys, Cognito, IAM) only says which type answers.
func awsGatewayResponse(typ, rule, reason string, msg *string) *Failure {
	t, ok := awsResponseTypes[typ]
	if !ok {
		panic("engine: unknown gateway response type " + typ)
	}
	if msg == nil {
		msg = t.message
	}
	status := t.status
	if status == 0 {
		status = 500
		if typ == "DEFAULT_4XX" {
			status = 400
		}
	}
	var fl *Failure
	if t.errorType != "" {
		fl = jsonFailure("", rule, reason, status, `{"message":`+messageString(msg)+`}`, "x-amzn-ErrorType", t.errorType)
	} else {
		fl = jsonFailure("", rule, reason, status, `{"message":`+messageString(msg)+`}`)
	}
	fl.ResponseType, fl.Message = typ, msg
	return fl
}

// messageString is $context.error.messageString: the message as a JSON
// string, or the bare word null (AWS-G2).
func messageString(msg *string) string {
	if msg == nil {
		return "null"
	}
	return jsonString(*msg)
}

func newAWSPlatform(g *config.Gateway) Platform {
	return awsPlatform{responses: g.AWS.GatewayResponses, aws: awsOf(g)}
}

// methodArnOf is AWS-E2's ARN for the request, built once per request.
func methodArnOf(a awsInfo, f *Flow) string {
	if arn, ok := f.Memo("methodArn"); ok {
		return arn
	}
	arn := "arn:aws:execute-api:" + a.region + ":" + a.account + ":" + a.apiID + "/" +
		a.stage + "/" + f.Req.Method + "/" + strings.TrimPrefix(f.Req.Path, "/")
	f.SetMemo("methodArn", arn)
	return arn
}

// maxMethodArn is the longest methodArn of a method with authorization
// (AWS-E4).
const maxMethodArn = 1600

// AuthorizedLimit: on a method with authorization, a methodArn over 1600
// bytes is answered 414 before any authorizer runs (AWS-E4). The answer has
// no gateway response type: it cannot be customised.
func (p awsPlatform) AuthorizedLimit(f *Flow, st *trace.Stage) *Failure {
	arn := methodArnOf(p.aws, f)
	if len(arn) <= maxMethodArn {
		return nil
	}
	st.Rule("AWS-E4")
	st.Add("methodArn.length", fmt.Sprintf("%d bytes (the limit is %d)", len(arn), maxMethodArn))
	st.Summary = fmt.Sprintf("methodArn is %d bytes, over the 1600-byte limit of a method with authorization: 414, authorizer not called", len(arn))
	return jsonFailure("", "AWS-E4", st.Summary, 414, `{"message":"Request-URI Too Long"}`)
}

// awsNoRoute answers a request no method matches (AWS-R7): Missing
// Authentication Token — unless it carries an Authorization header, which
// the REST API reads as a malformed SigV4 signature (AWS-G12). Both are
// type MISSING_AUTHENTICATION_TOKEN.
func awsNoRoute(f *Flow) *Failure {
	reason := "no route matches " + f.Req.Method + " " + f.Req.Path
	v := f.Req.Header.Values("Authorization")
	if len(v) == 0 {
		return awsGatewayResponse("MISSING_AUTHENTICATION_TOKEN", "AWS-R7", reason, nil)
	}
	_, perr := sigv4.Parse(v[0], f.Req.Header.Get("X-Amz-Date") != "" || f.Req.Header.Get("Date") != "")
	if perr == nil {
		// A well-formed signature: what is wrong is the route (AWS-R7).
		return awsGatewayResponse("MISSING_AUTHENTICATION_TOKEN", "AWS-R7", reason, nil)
	}
	if strings.Contains(perr.Message, "Authorization=") {
		f.Trace.AddSecret(v[0])
	}
	fl := awsGatewayResponse("MISSING_AUTHENTICATION_TOKEN", "AWS-G12", reason+", and its Authorization header is read as a malformed SigV4 signature", &perr.Message)
	fl.Header.Set("x-amzn-ErrorType", "IncompleteSignatureException")
	return fl
}

// ShapeRefusal applies the file's gateway responses to a refusal (AWS-G4
// to AWS-G9) and records in the failure-response stage which type
// answered and what applied.
func (p awsPlatform) ShapeRefusal(f *Flow, fl *Failure, dec *Decision, st *trace.Stage) {
	defer p.corsNote(f, fl, st)
	if fl.ResponseType == "" {
		if fl.Rule == "AWS-E4" {
			st.Add("gatewayResponse", "none: the 414 of AWS-E4 has no response type and cannot be customised")
		}
		return
	}
	typ := fl.ResponseType
	st.Rule("AWS-G14")
	gr, from := p.responses[typ], typ
	if typ == "REQUEST_TOO_LARGE" {
		gr = nil // AWS-G6
	}
	family := ""
	if gr == nil && typ != "DEFAULT_4XX" && typ != "DEFAULT_5XX" {
		family = "DEFAULT_5XX"
		if fl.Status < 500 {
			family = "DEFAULT_4XX"
		}
		gr, from = p.responses[family], family
	}
	if gr == nil {
		st.Add("gatewayResponse", typ+", not customised: the built-in default")
		return
	}
	st.Rule("AWS-G1", "AWS-G4")
	status, why := fl.Status, "the type's own"
	if n := config.ParseStatusCode(gr.StatusCode); n != 0 {
		status, why = n, "statusCode of "+from
	}
	if from == typ {
		st.Add("gatewayResponse", typ+", customised by aws.gatewayResponses."+typ)
	} else {
		st.Add("gatewayResponse", fmt.Sprintf("%s, not customised: inherits aws.gatewayResponses.%s (AWS-G4)", typ, from))
	}
	st.Add("gatewayResponse.status", fmt.Sprintf("%d (%s)", status, why))
	if status != fl.Status {
		st.Rule("AWS-G5")
	}
	fl.Status = status
	env := &grEnv{f: f, fl: fl, dec: dec, stageVars: p.aws.stageVars}
	// Headers: the configured ones replace defaults of the same name;
	// x-amzn-ErrorType is kept (AWS-G3) and Content-Type follows the
	// template (AWS-G9).
	names := make([]string, 0, len(gr.Headers))
	for h := range gr.Headers {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, h := range names {
		src := gr.Headers[h]
		key := "gatewayResponse.header." + h
		switch {
		case strings.EqualFold(h, "x-amzn-ErrorType"):
			st.Rule("AWS-G3")
			st.Add(key, src+": ignored, a customisation never changes x-amzn-ErrorType")
			continue
		case strings.EqualFold(h, "Content-Type"):
			st.Add(key, src+": ignored, Content-Type is the template's content type")
			continue
		}
		v, ok := env.source(src)
		if !ok {
			st.Add(key, src+" → no value: header left out")
			continue
		}
		st.Rule("AWS-G7")
		if strings.EqualFold(h, "WWW-Authenticate") {
			st.Rule("AWS-G8")
		}
		fl.Header.Set(h, v)
		st.Add(key, src+" → "+v)
	}
	ct, tpl := chooseTemplate(gr, f.Req.Header.Get("Accept"))
	if tpl == "" && len(gr.Templates) == 0 {
		st.Add("gatewayResponse.template", "none customised: the default {\"message\":$context.error.messageString}")
		tpl = `{"message":$context.error.messageString}`
		if typ == "ACCESS_DENIED" && strings.HasPrefix(string(fl.Body), `{"Message"`) {
			st.Add("gatewayResponse.note", "the uncustomised policy 403 writes Message with a capital M; once the type or DEFAULT_4XX is customised the default template writes message (unconfirmed, AWS-G2)")
		}
	} else {
		st.Rule("AWS-G9")
		st.Add("gatewayResponse.template", ct)
		st.Add("gatewayResponse.templateText", tpl)
	}
	fl.Header.Set("Content-Type", ct)
	fl.Body = []byte(env.render(tpl))
	st.Add("gatewayResponse.note", "authlab applies a customisation when it loads the file; on AWS after a deployment (AWS-G11)")
}

// corsNote flags a refusal a browser cannot read (AWS-G13).
func (p awsPlatform) corsNote(f *Flow, fl *Failure, st *trace.Stage) {
	if f.Req.Header.Get("Origin") == "" || fl.Header.Get("Access-Control-Allow-Origin") != "" {
		return
	}
	st.Rule("AWS-G13")
	st.Add("cors", fmt.Sprintf("the request has Origin %s but this gateway answer has no Access-Control-Allow-Origin: a browser hides the %d from the page (a CORS error); REST APIs add CORS headers to their own answers only through gateway responses",
		f.Req.Header.Get("Origin"), fl.Status))
}

// chooseTemplate picks the template of a customisation (AWS-G9): the one
// for the request's first Accept media type, else application/json, else
// the first in the file; with none, the default template.
func chooseTemplate(gr *config.AWSGatewayResponse, accept string) (ct, tpl string) {
	if len(gr.Templates) == 0 {
		return "application/json", ""
	}
	if accept != "" {
		first := strings.TrimSpace(strings.Split(accept, ",")[0])
		if mt, _, err := mime.ParseMediaType(first); err == nil {
			if t, ok := gr.Templates[mt]; ok {
				return mt, t
			}
		}
	}
	if t, ok := gr.Templates["application/json"]; ok {
		return "application/json", t
	}
	order := gr.TemplateOrder
	if len(order) == 0 {
		for k := range gr.Templates {
			order = append(order, k)
		}
		sort.Strings(order)
	}
	return order[0], gr.Templates[order[0]]
}

// grEnv answers the variables and sources of a gateway response for one
// refusal: the request, its error, and the authorizer answer that caused
// it (a Deny policy's context, AWS-G10).
type grEnv struct {
	f         *Flow
	fl        *Failure
	dec       *Decision
	stageVars map[string]string
}

// source reads a header mapping's source (AWS-G7); ok is false when it has
// no value (the header is left out).
func (e *grEnv) source(src string) (string, bool) {
	r := e.f.Req
	switch {
	case len(src) >= 2 && src[0] == '\'' && src[len(src)-1] == '\'':
		return src[1 : len(src)-1], true
	case strings.HasPrefix(src, "method.request.header."):
		v := r.Header.Values(strings.TrimPrefix(src, "method.request.header."))
		if len(v) == 0 {
			return "", false
		}
		return v[len(v)-1], true
	case strings.HasPrefix(src, "method.request.querystring."):
		v := r.Query[strings.TrimPrefix(src, "method.request.querystring.")]
		if len(v) == 0 {
			return "", false
		}
		return v[len(v)-1], true
	case strings.HasPrefix(src, "method.request.path."):
		v, ok := e.f.Params[strings.TrimPrefix(src, "method.request.path.")]
		return v, ok
	case strings.HasPrefix(src, "stageVariables."):
		v, ok := e.stageVars[strings.TrimPrefix(src, "stageVariables.")]
		return v, ok
	case strings.HasPrefix(src, "context."):
		return e.context(strings.TrimPrefix(src, "context."))
	}
	return "", false
}

// context is $context.NAME for this refusal.
func (e *grEnv) context(name string) (string, bool) {
	f, r := e.f, e.f.Req
	a := awsOf(f.Gateway)
	switch name {
	case "error.message":
		if e.fl.Message == nil {
			return "", false
		}
		return *e.fl.Message, true
	case "error.messageString":
		return messageString(e.fl.Message), true
	case "error.responseType":
		return e.fl.ResponseType, true
	case "error.validationErrorString":
		return "", false
	case "requestId":
		return f.RequestID, true
	case "extendedRequestId":
		return extendedID(f.RequestID), true
	case "stage":
		return a.stage, true
	case "resourcePath":
		return f.Template, f.Template != ""
	case "resourceId":
		if f.Template == "" {
			return "", false
		}
		return (&awsREST{aws: a}).resourceID(f), true
	case "httpMethod":
		return r.Method, true
	case "path":
		return "/" + a.stage + r.RawPath, true
	case "apiId":
		return a.apiID, true
	case "accountId":
		return a.account, true
	case "domainName":
		return (&awsREST{aws: a}).domain(f), true
	case "domainPrefix":
		return strings.SplitN((&awsREST{aws: a}).domain(f), ".", 2)[0], true
	case "protocol":
		return "HTTP/1.1", true
	case "requestTime":
		return f.Now.UTC().Format("02/Jan/2006:15:04:05 -0700"), true
	case "requestTimeEpoch":
		return strconv.FormatInt(f.Now.UnixMilli(), 10), true
	case "identity.sourceIp":
		return r.SourceIP, r.SourceIP != ""
	case "identity.userAgent":
		v := r.Header.Get("User-Agent")
		return v, v != ""
	}
	if k, ok := strings.CutPrefix(name, "authorizer."); ok {
		if e.dec == nil {
			return "", false
		}
		if k == "principalId" {
			return e.dec.Principal, e.dec.Principal != ""
		}
		if v, ok := e.dec.Context[k]; ok {
			return v, true
		}
		if c, ok := strings.CutPrefix(k, "claims."); ok {
			// a token's claims (jwt, Cognito)
			v, ok := e.dec.Context[c]
			return v, ok
		}
		return "", false
	}
	return "", false
}

// render substitutes a template's $context and $stageVariables variables;
// everything else is copied byte for byte (AWS-G9). A variable with no
// value renders as the empty string.
func (e *grEnv) render(tpl string) string {
	re := config.TemplateVarPattern()
	return re.ReplaceAllStringFunc(tpl, func(m string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(m, "$"), "{"), "}")
		root, rest, _ := strings.Cut(name, ".")
		switch root {
		case "context":
			v, _ := e.context(rest)
			return v
		case "stageVariables":
			return e.stageVars[rest]
		}
		return m
	})
}
