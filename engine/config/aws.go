package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/engine/route"
)

// AWSResponseTypes are the REST API gateway response types: the API's enum
// (AWS-G11). A gateway file may customise any of them under
// aws.gatewayResponses.
var AWSResponseTypes = []string{
	"ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
	"BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
	"INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE",
	"MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND",
	"THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
}

// AWSGatewayResponse customises one REST API gateway response type (AWS-G4
// to AWS-G9). It accepts authlab's spelling (statusCode, headers,
// templates) and the OpenAPI extension's (responseParameters with
// gatewayresponse.header.NAME keys, responseTemplates); validation folds the
// second into the first.
type AWSGatewayResponse struct {
	StatusCode         string            `yaml:"statusCode" doc:"Status code, three digits 100-599 (AWS-G5); default: the type's own status." kind:"statusCode"`
	Headers            map[string]string `yaml:"headers" doc:"Response headers, NAME: SOURCE. SOURCE is a literal in single quotes ('*'), method.request.header.X, method.request.querystring.X, method.request.path.X, stageVariables.X or context.X (context.authorizer.KEY: the authorizer answer that caused the failure) (AWS-G7)."`
	Templates          map[string]string `yaml:"templates" doc:"Body templates by content type. Only $variable substitution, no VTL: $context.error.message, $context.error.messageString, $context.error.responseType, $context.authorizer.KEY, $context.requestId, $stageVariables.NAME, ... (AWS-G9)."`
	ResponseParameters map[string]string `yaml:"responseParameters" doc:"OpenAPI / CloudFormation spelling of headers: gatewayresponse.header.NAME: SOURCE."`
	ResponseTemplates  map[string]string `yaml:"responseTemplates" doc:"OpenAPI / CloudFormation spelling of templates."`

	// TemplateOrder lists the template content types in file order (the
	// first is the fallback of AWS-G9's selection); set by validation.
	TemplateOrder []string `yaml:"-"`
}

// CORS is an AWS API's CORS configuration. On an HTTP API it is the API's
// corsConfiguration (AWSH-CORS1); on a REST API it is what AWS SAM's Cors
// property generates: an OPTIONS mock method on every path (AWS-G13).
type CORS struct {
	AllowOrigins     StringList `yaml:"allowOrigins" doc:"Origins: *, https://app.example.com, or the scheme wildcards https://* and http://* (HTTP API). A REST API's OPTIONS mock answers one literal origin." required:"true"`
	AllowMethods     StringList `yaml:"allowMethods" doc:"Access-Control-Allow-Methods; * allowed. REST default: the methods of the path, and OPTIONS."`
	AllowHeaders     StringList `yaml:"allowHeaders" doc:"Access-Control-Allow-Headers; * allowed."`
	ExposeHeaders    StringList `yaml:"exposeHeaders" doc:"HTTP API: Access-Control-Expose-Headers on answers; * allowed."`
	MaxAge           *int       `yaml:"maxAge" doc:"Access-Control-Max-Age in seconds (preflight answers)." minimum:"0"`
	AllowCredentials bool       `yaml:"allowCredentials" doc:"Access-Control-Allow-Credentials: true. Not with allowOrigins *."`
}

// AllowsOrigin is the Access-Control-Allow-Origin value an HTTP API sends
// for a request from origin (AWSH-CORS6): * when * is allowed, the origin
// itself when it matches an entry (exactly, or a scheme wildcard), else "".
func (c *CORS) AllowsOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			return "*"
		}
	}
	for _, o := range c.AllowOrigins {
		switch {
		case o == origin:
			return origin
		case (o == "https://*" || o == "http://*") && strings.HasPrefix(origin, strings.TrimSuffix(o, "*")) && len(origin) > len(o)-1:
			return origin
		}
	}
	return ""
}

// contextVariables are the $context variables a gateway response header or
// template may read (AWS-G7, AWS-G9); authorizer.* and identity.* are open.
var contextVariables = []string{
	"error.message", "error.messageString", "error.responseType", "error.validationErrorString",
	"requestId", "extendedRequestId", "stage", "resourcePath", "resourceId", "httpMethod", "path",
	"apiId", "accountId", "domainName", "domainPrefix", "protocol", "requestTime", "requestTimeEpoch",
}

// templateVar finds $name and ${name} references in a gateway response
// template (VTL identifiers: letters, digits, - and _).
var templateVar = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*)\}|([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*))`)

// TemplateVars returns the references of a template: each match's start
// offset and its dotted name.
func TemplateVars(tpl string) (offsets []int, names []string) {
	for _, m := range templateVar.FindAllStringSubmatchIndex(tpl, -1) {
		name := ""
		if m[2] >= 0 {
			name = tpl[m[2]:m[3]]
		} else {
			name = tpl[m[4]:m[5]]
		}
		offsets = append(offsets, m[0])
		names = append(names, name)
	}
	return offsets, names
}

// TemplateVarPattern is the pattern TemplateVars uses, for the engine's
// substitution.
func TemplateVarPattern() *regexp.Regexp { return templateVar }

// checkContextName says what is wrong with $context.NAME, "" when it is one
// the gateway fills in.
func checkContextName(name string) string {
	switch {
	case slices.Contains(contextVariables, name):
		return ""
	case strings.HasPrefix(name, "authorizer.") && len(name) > len("authorizer."):
		return ""
	case strings.HasPrefix(name, "identity.") && len(name) > len("identity."):
		return ""
	}
	return fmt.Sprintf("unknown context variable $context.%s%s", name, suggest(name, append(contextVariables, "authorizer.KEY", "identity.sourceIp")))
}

// awsAPIChecks validates the aws: block's API-wide answers: gateway
// responses (REST) and CORS (both), once the platform is known.
func (v *validator) awsAPIChecks() {
	g := v.g
	rest, http := g.Platform == "aws", g.Platform == "aws-http"
	if len(g.AWS.GatewayResponses) > 0 {
		switch {
		case http:
			v.errAtKey("aws.gatewayResponses", "aws.gatewayResponses: HTTP APIs have no gateway responses to customise; only REST APIs (platform: aws) do (AWSH-CORS8) — use aws.cors for CORS headers on an HTTP API")
		case !rest:
			v.errAtKey("aws.gatewayResponses", "aws.gatewayResponses customise a REST API's answers (platform: aws), not platform %s's", g.Platform)
		default:
			names := make([]string, 0, len(g.AWS.GatewayResponses))
			for n := range g.AWS.GatewayResponses {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				v.gatewayResponse(n, g.AWS.GatewayResponses[n])
			}
		}
	}
	if c := g.AWS.CORS; c != nil {
		if !rest && !http {
			v.errAtKey("aws.cors", "aws.cors is an AWS API setting (platform aws or aws-http), not platform %s's", g.Platform)
			return
		}
		v.cors(c, rest)
	}
}

var statusCodePattern = regexp.MustCompile(`^[1-5][0-9][0-9]$`)

func (v *validator) gatewayResponse(name string, gr *AWSGatewayResponse) {
	base := "aws.gatewayResponses." + name
	if !slices.Contains(AWSResponseTypes, name) {
		v.errAtKey(base, "unknown gateway response type %q%s; expected one of %s (AWS-G11)", name, suggest(name, AWSResponseTypes), strings.Join(AWSResponseTypes, ", "))
		return
	}
	if gr == nil {
		return
	}
	if name == "REQUEST_TOO_LARGE" {
		p := v.g.keyPos[base]
		v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevWarning, Rule: "AWS-G6",
			Message: "gateway response REQUEST_TOO_LARGE cannot be customised: API Gateway ignores it, and so does authlab"})
	}
	if gr.StatusCode != "" && !statusCodePattern.MatchString(gr.StatusCode) {
		v.errf(base+".statusCode", "statusCode %q: expected three digits from 100 to 599, as a string (\"404\") or a number (AWS-G5)", gr.StatusCode)
	}
	// The OpenAPI spelling folds into authlab's.
	for key, src := range gr.ResponseParameters {
		p := base + ".responseParameters." + key
		switch {
		case strings.HasPrefix(key, "gatewayresponse.header."):
			h := strings.TrimPrefix(key, "gatewayresponse.header.")
			if _, dup := gr.Headers[h]; dup {
				v.errAtKey(p, "header %s is set twice: under headers and under responseParameters", h)
				continue
			}
			if gr.Headers == nil {
				gr.Headers = map[string]string{}
			}
			gr.Headers[h] = src
			v.g.keyPos[base+".headers."+h] = v.g.keyPos[p]
			v.g.pos[base+".headers."+h] = v.at(p)
		case strings.HasPrefix(key, "gatewayresponse.path.") || strings.HasPrefix(key, "gatewayresponse.querystring."):
			v.warnf(p, "AWS-G7", "%s: only headers of a gateway response reach the client; this mapping has no effect", key)
		default:
			v.errAtKey(p, "responseParameters key %q: expected gatewayresponse.header.NAME (AWS-G7)", key)
		}
	}
	for ct, text := range gr.ResponseTemplates {
		if _, dup := gr.Templates[ct]; dup {
			v.errAtKey(base+".responseTemplates."+ct, "template %s is set twice: under templates and under responseTemplates", ct)
			continue
		}
		if gr.Templates == nil {
			gr.Templates = map[string]string{}
		}
		gr.Templates[ct] = text
		v.g.keyPos[base+".templates."+ct] = v.g.keyPos[base+".responseTemplates."+ct]
		v.g.pos[base+".templates."+ct] = v.at(base + ".responseTemplates." + ct)
	}
	hnames := make([]string, 0, len(gr.Headers))
	for h := range gr.Headers {
		hnames = append(hnames, h)
	}
	sort.Strings(hnames)
	for _, h := range hnames {
		p := base + ".headers." + h
		if !validHeaderName(h) {
			v.errAtKey(p, "invalid header name %q", h)
			continue
		}
		if msg := v.checkSource(gr.Headers[h]); msg != "" {
			v.errf(p, "header %s: %s (AWS-G7)", h, msg)
		}
	}
	gr.TemplateOrder = gr.TemplateOrder[:0]
	for ct := range gr.Templates {
		gr.TemplateOrder = append(gr.TemplateOrder, ct)
	}
	sort.Slice(gr.TemplateOrder, func(i, j int) bool {
		a, b := v.at(base+".templates."+gr.TemplateOrder[i]), v.at(base+".templates."+gr.TemplateOrder[j])
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return gr.TemplateOrder[i] < gr.TemplateOrder[j]
	})
	for _, ct := range gr.TemplateOrder {
		p := base + ".templates." + ct
		if !strings.Contains(ct, "/") {
			v.errAtKey(p, "template key %q: expected a content type such as application/json (AWS-G9)", ct)
		}
		v.template(p, gr.Templates[ct])
	}
}

// checkSource says what is wrong with a header mapping's source, "" when
// it is one API Gateway accepts (AWS-G7).
func (v *validator) checkSource(src string) string {
	switch {
	case len(src) >= 2 && strings.HasPrefix(src, "'") && strings.HasSuffix(src, "'"):
		return ""
	case strings.HasPrefix(src, "method.request.header.") || strings.HasPrefix(src, "method.request.querystring.") || strings.HasPrefix(src, "method.request.path."):
		if strings.HasSuffix(src, ".") {
			return fmt.Sprintf("%q names no parameter", src)
		}
		return ""
	case strings.HasPrefix(src, "stageVariables."):
		name := strings.TrimPrefix(src, "stageVariables.")
		if _, ok := v.g.AWS.StageVariables[name]; !ok {
			return fmt.Sprintf("stage variable %q is not defined under aws.stageVariables", name)
		}
		return ""
	case strings.HasPrefix(src, "context."):
		return checkContextName(strings.TrimPrefix(src, "context."))
	}
	return fmt.Sprintf("%q is not a source API Gateway knows: write a literal in single quotes (\"'%s'\"), or method.request.header.NAME, method.request.querystring.NAME, method.request.path.NAME, stageVariables.NAME, context.NAME", src, strings.Trim(src, "'"))
}

// template checks the variables of a gateway response template (AWS-G9):
// only $context.* and $stageVariables.* are substituted.
func (v *validator) template(path, tpl string) {
	offsets, names := TemplateVars(tpl)
	for i, name := range names {
		root, rest, _ := strings.Cut(name, ".")
		msg := ""
		switch root {
		case "context":
			msg = checkContextName(rest)
		case "stageVariables":
			if _, ok := v.g.AWS.StageVariables[rest]; !ok {
				p := v.posIn(path, tpl, offsets[i])
				v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevWarning, Rule: "AWS-G9",
					Message: fmt.Sprintf("$stageVariables.%s is not defined under aws.stageVariables: it renders as an empty string", rest)})
			}
		case "input", "util", "method", "integration":
			msg = fmt.Sprintf("$%s is not available in a gateway response template: gateway responses are not VTL, only $context and $stageVariables are substituted", name)
		}
		if msg != "" {
			p := v.posIn(path, tpl, offsets[i])
			v.diags.add(Diagnostic{File: v.file, Line: p.Line, Col: p.Col, Severity: SevError, Message: msg + " (AWS-G9)"})
		}
	}
}

// posIn is the position of byte offset off of a scalar's text: exact for a
// one-line scalar and for a block scalar (| or >, its text on the lines
// below the indicator), the scalar's start otherwise.
func (v *validator) posIn(path, text string, off int) Pos {
	p := v.at(path)
	if p.Line <= 0 {
		return p
	}
	if !strings.Contains(text, "\n") {
		p.Col += len([]rune(text[:off])) + quoteOffset(v.g.Source, p)
		return p
	}
	ind, ok := sourceLine(v.g.Source, p.Line)
	if !ok || p.Col < 1 || p.Col > len(ind) || (ind[p.Col-1] != '|' && ind[p.Col-1] != '>') {
		return p
	}
	k := strings.Count(text[:off], "\n")
	col := off - (strings.LastIndex(text[:off], "\n") + 1)
	body, ok := sourceLine(v.g.Source, p.Line+1+k)
	if !ok {
		return p
	}
	indent := len(body) - len(strings.TrimLeft(body, " \t"))
	lineStart := strings.LastIndex(text[:off], "\n") + 1
	return Pos{Line: p.Line + 1 + k, Col: indent + 1 + len([]rune(text[lineStart:lineStart+col]))}
}

var originPattern = regexp.MustCompile(`^https?://[^/?#*]+$`)

func (v *validator) cors(c *CORS, rest bool) {
	base := "aws.cors"
	if len(c.AllowOrigins) == 0 {
		v.errAtKey(base, "aws.cors needs allowOrigins: the origins browsers may call from (* for any)")
	}
	star := false
	for i, o := range c.AllowOrigins {
		p := v.listItem(base+".allowOrigins", i, len(c.AllowOrigins))
		switch {
		case o == "*":
			star = true
		case o == "https://*" || o == "http://*":
			if rest {
				v.errf(p, "allowOrigins %q: a REST API's OPTIONS mock answers one literal origin; scheme wildcards are an HTTP API feature", o)
			}
		case !originPattern.MatchString(o):
			v.errf(p, "allowOrigins %q: expected *, an origin such as https://app.example.com (scheme and host, no path), or https://* / http://* (AWSH-CORS1)", o)
		default:
			if u, err := url.Parse(o); err != nil || u.Host == "" {
				v.errf(p, "allowOrigins %q: not an origin", o)
			}
		}
	}
	if c.AllowCredentials && star {
		v.errf(base+".allowCredentials", "allow-credentials is not supported if 'allow-origin' is * (API Gateway refuses this CORS configuration, AWSH-CORS1)")
	}
	if rest && len(c.AllowOrigins) > 1 {
		v.errf(base+".allowOrigins", "a REST API's CORS preflight is an OPTIONS mock method answering one literal Access-Control-Allow-Origin (SAM's Cors AllowOrigin): give one origin, or * (AWS-G13)")
	}
	for i, m := range c.AllowMethods {
		if m != "*" && !slices.Contains(methods, strings.ToUpper(m)) {
			v.errf(v.listItem(base+".allowMethods", i, len(c.AllowMethods)), "allowMethods %q: expected an HTTP method or *", m)
		}
	}
	for _, list := range []struct {
		key   string
		items StringList
	}{{"allowHeaders", c.AllowHeaders}, {"exposeHeaders", c.ExposeHeaders}} {
		for i, h := range list.items {
			if h != "*" && !validHeaderName(h) {
				v.errf(v.listItem(base+"."+list.key, i, len(list.items)), "%s %q: expected a header name or *", list.key, h)
			}
		}
	}
	if rest && len(c.ExposeHeaders) > 0 {
		v.warnf(base+".exposeHeaders", "AWS-G13", "exposeHeaders: a REST API adds no CORS headers to answers itself (only the OPTIONS mock answers the preflight); return Access-Control-Expose-Headers from the integration")
	}
	if c.MaxAge != nil && (*c.MaxAge < 0 || (!rest && *c.MaxAge > 86400)) {
		v.errf(base+".maxAge", "maxAge %d: expected 0 to 86400 seconds", *c.MaxAge)
	}
}

// listItem is the path of item i of a list key, or the key itself when the
// list was written as one scalar.
func (v *validator) listItem(key string, i, n int) string {
	p := fmt.Sprintf("%s[%d]", key, i)
	if _, ok := v.g.pos[p]; !ok && n == 1 {
		return key
	}
	return p
}

// lintCORS warns about CORS set-ups browsers will trip on: an HTTP API
// route that catches preflights with its authorizer (AWSH-CORS3), a REST
// API whose refusals carry no Access-Control-Allow-Origin (AWS-G13).
func (v *validator) lintCORS() {
	g := v.g
	c := g.AWS.CORS
	if c == nil {
		return
	}
	tpls := make([]*route.Template, len(g.Routes))
	idx := make([]int, 0, len(g.Routes))
	for i, r := range g.Routes {
		t, err := route.Parse(r.Path)
		if err != nil {
			return
		}
		tpls[i] = t
		idx = append(idx, i)
	}
	route.Sort(idx, tpls)
	switch g.Platform {
	case "aws-http":
		for i, r := range g.Routes {
			if r.Authorizer == "" || !allowsMethod(r.Methods, "OPTIONS") {
				continue
			}
			// Which route would a preflight for this route's path reach?
			sample := tpls[i].Sample()
			for _, j := range idx {
				if _, ok := tpls[j].MatchSegments(sample); !ok || !allowsMethod(g.Routes[j].Methods, "OPTIONS") {
					continue
				}
				if o := g.Routes[j]; o.Authorizer != "" {
					v.warnf(fmt.Sprintf("routes[%d]", i), "AWSH-CORS3",
						"route %s takes every method, OPTIONS included, with authorizer %q: a browser's preflight (sent without credentials) is routed to it and refused, so the browser reports a CORS error; list the route's methods (the gateway then answers preflights itself) or add an OPTIONS route without authorizer for this path",
						r.Path, o.Authorizer)
				}
				break
			}
		}
	case "aws":
		uses := false
		for _, r := range g.Routes {
			if r.Authorizer != "" {
				uses = true
			}
		}
		if !uses {
			return
		}
		for _, t := range []string{"UNAUTHORIZED", "ACCESS_DENIED"} {
			if !v.addsAllowOrigin(t) {
				v.warnf("aws.cors", "AWS-G13",
					"aws.cors answers preflights, but a REST API adds no CORS headers to its own refusals: the %s answer (%s) has no Access-Control-Allow-Origin, so browsers hide it from the page as a CORS error; add aws.gatewayResponses.%s (or DEFAULT_4XX) with headers: {Access-Control-Allow-Origin: \"'%s'\"}",
					t, map[string]string{"UNAUTHORIZED": "401", "ACCESS_DENIED": "403"}[t], t, corsOrigin(c))
				return
			}
		}
	}
}

// addsAllowOrigin reports whether the customisation that answers type t
// (its own, else DEFAULT_4XX: AWS-G4) sets Access-Control-Allow-Origin.
func (v *validator) addsAllowOrigin(t string) bool {
	gr := v.g.AWS.GatewayResponses[t]
	if gr == nil {
		gr = v.g.AWS.GatewayResponses["DEFAULT_4XX"]
	}
	if gr == nil {
		return false
	}
	for h := range gr.Headers {
		if strings.EqualFold(h, "Access-Control-Allow-Origin") {
			return true
		}
	}
	return false
}

func corsOrigin(c *CORS) string {
	if len(c.AllowOrigins) > 0 {
		return c.AllowOrigins[0]
	}
	return "*"
}

// allowsMethod reports whether a route's methods include m (none or ANY:
// every method).
func allowsMethod(ms StringList, m string) bool {
	if len(ms) == 0 {
		return true
	}
	for _, x := range ms {
		if strings.EqualFold(x, "ANY") || strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// ParseStatusCode reads a customised status code ("" = not set).
func ParseStatusCode(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// functionBackend checks a Lambda proxy integration (AWS-L*): an AWS
// platform, its payload format, its timeouts.
func (v *validator) functionBackend(base string, b *Backend) {
	if _, set := v.g.keyPos[base+".payloadFormat"]; set && b.Function == nil {
		v.errAtKey(base+".payloadFormat", "payloadFormat is a setting of a function backend (a Lambda proxy integration)")
	}
	if b.Function == nil {
		return
	}
	switch v.g.Platform {
	case "aws":
		if b.PayloadFormat == "2.0" {
			v.errf(base+".payloadFormat", "payloadFormat \"2.0\" is an HTTP API format (platform: aws-http); a REST API's Lambda proxy integration always sends 1.0 (AWS-L1)")
		}
	case "aws-http":
	default:
		v.errAtKey(base+".function", "a function backend is a Lambda proxy integration, emulated for API Gateway (platform aws or aws-http), not for platform %s", v.g.Platform)
	}
	limit := 29 * time.Second
	if v.g.Platform == "aws-http" {
		limit = 30 * time.Second
	}
	if b.Timeout != nil && (b.Timeout.Duration < 50*time.Millisecond || b.Timeout.Duration > limit) {
		v.errf(base+".timeout", "backend timeout %s: an integration timeout is between 50ms and %s on this platform (AWS-L4, AWS-L9)", b.Timeout.Duration, limit)
	}
	v.function(base+".function", b.Function)
}
