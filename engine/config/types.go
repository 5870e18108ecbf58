package config

import (
	"encoding/json"
	"time"
)

// Gateway is an authlab.yaml file: the gateway-level settings, the
// authorizers and the routes. Field tags name the YAML keys; `doc` feeds the
// JSON Schema so editors explain each key.
type Gateway struct {
	Version     int           `yaml:"version" doc:"File format version; must be 1." enum:"1"`
	Name        string        `yaml:"name" doc:"A name for this gateway, shown in traces and the TUI."`
	Platform    string        `yaml:"platform" doc:"Gateway whose gateway-level answers (no route, error bodies) apply. Default: from the authorizer types when they agree, else aws." enum:"aws,aws-http,oci,huawei,generic"`
	AWS         AWS           `yaml:"aws" doc:"AWS account details used to build methodArn (AWS-E2)."`
	Huawei      Huawei        `yaml:"huawei" doc:"Huawei APIG group settings: customised gateway responses (HW-R4)."`
	Authorizers []*Authorizer `yaml:"authorizers" doc:"Authorizers by name (a mapping)." kind:"namedmap"`
	Routes      []*Route      `yaml:"routes" doc:"Routes, matched in order of specificity."`
	Tokens      []*TokenSpec  `yaml:"tokens" doc:"Named test tokens: authlab fire --token NAME and the TUI's token picker mint them at the current time." kind:"namedmap"`

	// File is the path the gateway was loaded from ("<inline>" or "<demo>" otherwise).
	File string `yaml:"-"`
	// Dir is the folder relative paths are resolved against.
	Dir string `yaml:"-"`
	// Source is the file's bytes, for diagnostics.
	Source []byte `yaml:"-"`
	// Translated is set when the file is another tool's definition (a SAM
	// template, an OpenAPI file ...) that was translated to load it.
	Translated *Translation `yaml:"-"`
	// positions of every decoded value and key, by dotted path.
	pos    map[string]Pos
	keyPos map[string]Pos
}

// AWS holds the values that make up a methodArn and the stage's variables.
type AWS struct {
	Region         string            `yaml:"region" doc:"Default us-east-1."`
	Account        string            `yaml:"account" doc:"12-digit account id. Default 123456789012." pattern:"^[0-9]{12}$"`
	APIID          string            `yaml:"apiId" doc:"REST API id. Default a1b2c3d4e5."`
	Stage          string            `yaml:"stage" doc:"Stage name. Default prod."`
	StageVariables map[string]string `yaml:"stageVariables" doc:"Stage variables (event stageVariables; identity source stageVariables.NAME)."`
	ResourceID     string            `yaml:"resourceId" doc:"requestContext.resourceId in REQUEST events. Default derived from the route."`
	APIKeySource   string            `yaml:"apiKeySource" doc:"Where a route with apiKeyRequired finds its API key: HEADER (x-api-key, the default) or AUTHORIZER (the Lambda authorizer answer's usageIdentifierKey) (AWS-K1, AWS-K2)." enum:"HEADER,AUTHORIZER"`
	APIKeys        []*APIKey         `yaml:"apiKeys" doc:"API keys by name (AWS-K1): {value, enabled}. A key works only through a usage plan that includes this stage." kind:"namedmap"`
	UsagePlans     []*UsagePlan      `yaml:"usagePlans" doc:"Usage plans by name: the stages and keys they cover, throttle and quota (AWS-K4, AWS-K5), counted on the virtual clock." kind:"namedmap"`
	Credentials    []*Credential     `yaml:"credentials" doc:"IAM credentials by access key id, for aws-iam authorizers (AWS-S1) and authlab fire --sigv4 KEYID. authlab never calls AWS." kind:"namedmap"`
	// GatewayResponses customise a REST API's own answers (AWS-G4).
	GatewayResponses map[string]*AWSGatewayResponse `yaml:"gatewayResponses" doc:"REST APIs: customised gateway responses by type (UNAUTHORIZED, ACCESS_DENIED, MISSING_AUTHENTICATION_TOKEN, DEFAULT_4XX, DEFAULT_5XX, ...): statusCode, headers, templates (AWS-G1 to AWS-G11)." kind:"awsResponseTypes"`
	// CORS is the API's CORS configuration (AWSH-CORS1; REST: SAM's Cors).
	CORS *CORS `yaml:"cors" doc:"CORS. HTTP API: the API's corsConfiguration — the gateway answers preflights and adds CORS headers to answers (AWSH-CORS*). REST API: as SAM's Cors, an OPTIONS mock method on every path; refusals need gatewayResponses (AWS-G13)."`
	// BinaryMediaTypes are the REST API's binary media types (AWS-L3).
	BinaryMediaTypes StringList `yaml:"binaryMediaTypes" doc:"REST APIs: media types (image/png, */*) for which a Lambda proxy answer with isBase64Encoded: true is decoded (AWS-L3)."`
}

// APIKey is one API key of a REST API (AWS-K1).
type APIKey struct {
	Name    string `yaml:"-"`
	Value   string `yaml:"value" doc:"The key a client sends in x-api-key: 20 to 128 letters and digits (AWS-K7)." required:"true"`
	ID      string `yaml:"id" doc:"The key's id, $context.identity.apiKeyId (default: derived from the name)."`
	Enabled *bool  `yaml:"enabled" doc:"A disabled key answers 403 like an unknown one (default true)."`
}

// IsEnabled reports whether the key is enabled (the default).
func (k *APIKey) IsEnabled() bool { return k.Enabled == nil || *k.Enabled }

// UsagePlan is one usage plan (AWS-K4, AWS-K5).
type UsagePlan struct {
	Name           string               `yaml:"-"`
	Stages         StringList           `yaml:"stages" doc:"Stages the plan covers (default: aws.stage). A key is valid only on a stage of one of its plans (AWS-K1)."`
	Keys           StringList           `yaml:"keys" doc:"Names of aws.apiKeys in this plan." required:"true"`
	Throttle       *Throttle            `yaml:"throttle" doc:"Per-key token bucket: rateLimit requests per second, burstLimit at once (AWS-K4)."`
	Quota          *Quota               `yaml:"quota" doc:"Requests per key per DAY, WEEK or MONTH (AWS-K5)."`
	MethodThrottle map[string]*Throttle `yaml:"methodThrottle" doc:"Per-method throttles, keyed RESOURCEPATH/METHOD as AWS writes them: /pets/{id}/GET, //GET for the root (AWS-K4)."`
}

// Throttle is a token bucket (AWS-K4).
type Throttle struct {
	RateLimit  *float64 `yaml:"rateLimit" doc:"Tokens added per second (fractions allowed: 0.1 is one request every 10 s)." minimum:"0"`
	BurstLimit *int     `yaml:"burstLimit" doc:"Bucket size: requests allowed at once." minimum:"0"`
}

// Quota is a usage plan's request quota (AWS-K5).
type Quota struct {
	Limit  int    `yaml:"limit" doc:"Requests per period, per key." required:"true" minimum:"1"`
	Period string `yaml:"period" doc:"DAY, WEEK or MONTH: calendar periods in UTC (a week starts on Sunday)." enum:"DAY,WEEK,MONTH" required:"true"`
	Offset int    `yaml:"offset" doc:"Requests subtracted from the limit in the first period." minimum:"0"`
}

// Credential is an IAM access key authlab accepts SigV4 signatures from
// (AWS-S1), and who it stands for (AWS-S8).
type Credential struct {
	Name         string           `yaml:"-"`
	Secret       string           `yaml:"secretAccessKey" doc:"The secret access key." required:"true"`
	SessionToken string           `yaml:"sessionToken" doc:"Temporary credentials: the X-Amz-Security-Token the request must carry."`
	Expiration   string           `yaml:"expiration" doc:"Temporary credentials: when the session token expires (RFC 3339); later requests answer 403 EXPIRED_TOKEN."`
	ARN          string           `yaml:"arn" doc:"The principal: $context.identity.userArn and the User of AWS-S7 answers (default arn:aws:iam::ACCOUNT:user/KEYID)."`
	AccountID    string           `yaml:"accountId" doc:"$context.identity.accountId (default: the ARN's account, else aws.account)."`
	Caller       string           `yaml:"caller" doc:"$context.identity.caller, the principal id (AIDA... for a user, AROA...:session for a role; default derived from the key)."`
	Policies     []map[string]any `yaml:"policies" doc:"Identity-based IAM policy documents ({Version, Statement}); one must allow execute-api:Invoke on the methodArn (AWS-S7). None means every request is denied." kind:"any"`
}

// Authorizer is one named authorizer: the keys its types share here, and
// the keys of its own type in Options, decoded into the options struct that
// the type's dialect declares (engine/<dialect>.go; see TypeSpec).
type Authorizer struct {
	Name            string     `yaml:"-"`
	Type            string     `yaml:"type" doc:"Authorizer kind." required:"true" kind:"authorizerType"`
	IdentitySource  StringList `yaml:"identitySource" doc:"Where the identity comes from: header:NAME, query:NAME, stageVariable:NAME, context:NAME (AWS spellings method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME, context.NAME also accepted)."`
	ValidationRegex string     `yaml:"validationRegex" doc:"aws-token and huawei: the token header (huawei: every identity source value) must match this regex as a whole, or the answer is 401 without calling the function (AWS-I2, HW-I1)." format:"regex"`
	TTL             *Duration  `yaml:"ttl" doc:"Result cache TTL (AWS-C1): default 300s, 0 disables, at most 3600s. A bare number means seconds."`
	Function        *Function  `yaml:"function" doc:"The authorizer function (every type but jwt and forward)."`
	Timeout         *Duration  `yaml:"timeout" doc:"forward / jwt jwksUrl: request limit (default 3s)."`

	// Options holds the type's own keys: a pointer to the options struct of
	// the type's dialect (nil for a type without keys of its own).
	Options any `yaml:"-" kind:"options"`
}

// ValidationFailurePolicy is OCI's MODIFY_RESPONSE policy.
type ValidationFailurePolicy struct {
	Type                          string           `yaml:"type" doc:"MODIFY_RESPONSE (default)." enum:"MODIFY_RESPONSE"`
	ResponseCode                  string           `yaml:"responseCode" doc:"A status code, or ${request.auth[NAME]} from the failed answer's context."`
	ResponseMessage               string           `yaml:"responseMessage" doc:"The body; may contain context expressions (not request.body)."`
	ResponseHeaderTransformations *Transformations `yaml:"responseHeaderTransformations" doc:"Header edits on the failure response."`
}

// Function says how to run an authorizer function.
type Function struct {
	Runtime   string            `yaml:"runtime" doc:"mock: answers from a table; http: POST the event as JSON; python / node / process: run a handler or command as a warm worker." enum:"mock,http,python,node,process" required:"true"`
	Responses []*MockResponse   `yaml:"responses" doc:"mock: the answer table, first match wins."`
	URL       string            `yaml:"url" doc:"http: the endpoint the event is POSTed to." format:"uri"`
	Headers   map[string]string `yaml:"headers" doc:"http: extra request headers."`
	Handler   string            `yaml:"handler" doc:"python / node: FILE:FUNCTION (FUNCTION defaults to handler), relative to this file's folder."`
	Python    string            `yaml:"python" doc:"python: the interpreter, a path (relative to this file's folder) or a name on PATH. Default: the .venv beside the handler, else the .venv beside this file, else python3 on PATH."`
	Command   StringList        `yaml:"command" doc:"process: the command and its arguments."`
	Env       map[string]string `yaml:"env" doc:"Environment variables passed to the function."`
	Dir       string            `yaml:"workdir" doc:"Working directory (default: the handler's folder)."`
	Pool      int               `yaml:"pool" doc:"Warm workers (default 1)." minimum:"1"`
	Flavor    string            `yaml:"flavor" doc:"python / node: how the handler is called. lambda: handler(event, context); functiongraph: the same with FunctionGraph's context; oci: the Fn FDK (handler(ctx, data) in Python, fdk.handle in Node). Default: oci for type oci, functiongraph for huawei, else lambda." enum:"lambda,functiongraph,oci"`
	Timeout   *Duration         `yaml:"timeout" doc:"Per-call limit (default 3s, Lambda's default)."`
	MaxBytes  int               `yaml:"maxResponseBytes" doc:"Largest answer accepted (default: the gateway's limit, 6 MB for Lambda)." minimum:"1"`
}

// MockResponse is one row of a mock function's answer table.
type MockResponse struct {
	When   map[string]any `yaml:"when" doc:"Conditions, all must hold: token (the first identity value), method, path, or a dotted path into the event (headers.X, queryStringParameters.X, methodArn). Values compare as strings; a value starting with ~ is a regular expression." kind:"any"`
	Return any            `yaml:"return" doc:"The function's answer: a mapping is returned as JSON; a bare string means the function threw an error with that message." kind:"any"`
	Raw    *string        `yaml:"raw" doc:"Answer these exact bytes (to test garbage answers)."`
	Error  *MockError     `yaml:"error" doc:"Throw an error with a type and message."`
	Delay  *Duration      `yaml:"delay" doc:"Wait this long (real time) before answering; past the timeout the call times out."`
}

// MockError is a thrown error with a type.
type MockError struct {
	Type    string `yaml:"type"`
	Message string `yaml:"message" required:"true"`
}

// Route is one path (and methods) of the gateway.
type Route struct {
	Path                    string           `yaml:"path" doc:"Path template: {name} is one segment, {name+} the rest." required:"true"`
	Methods                 StringList       `yaml:"methods" doc:"Methods (default: every method). ANY means every method."`
	Authorizer              string           `yaml:"authorizer" doc:"Name of an authorizer; omitted means no authentication."`
	BackendAuthorizer       string           `yaml:"backendAuthorizer" doc:"huawei: a stage: backend authorizer run before the backend call; its context is ${request.auth[backend.NAME]}."`
	Authorization           *Authorization   `yaml:"authorization" doc:"Route authorization policy."`
	RequestTransformations  *Transformations `yaml:"requestTransformations" doc:"Edits to the request before the backend."`
	ResponseTransformations *Transformations `yaml:"responseTransformations" doc:"Edits to the backend's response."`
	Backend                 *Backend         `yaml:"backend" doc:"Where an authorized request goes." required:"true"`
	AuthorizationScopes     StringList       `yaml:"authorizationScopes" doc:"AWS's method/route authorizationScopes, the same as authorization: {type: ANY_OF, allowedScope: [...]}. aws-jwt answers 403 without one of them (AWSH-J6); cognito then expects an access token holding one, else 401 (AWS-U3)."`
	APIKeyRequired          bool             `yaml:"apiKeyRequired" doc:"The method needs an API key of a usage plan (aws.apiKeys, aws.usagePlans), checked after the authorizer: 403 without one, 429 over the plan's throttle or quota (AWS-K1..K5)."`
	AllowEncodedSlash       bool             `yaml:"allowEncodedSlash" doc:"Accept an encoded slash or backslash (%2F, %5C) inside a path segment: it stays in its segment ({id} gets a/b) and reaches the backend still encoded. Default false: such a request is refused with 400 before any authorizer (PATH-5)."`

	index int // position in the file, for stable ordering
}

// Scopes are the scopes of which the route needs one: authorizationScopes,
// or an ANY_OF authorization's allowedScope; nil when it needs none.
func (r *Route) Scopes() []string {
	if len(r.AuthorizationScopes) > 0 {
		return r.AuthorizationScopes
	}
	if r.Authorization != nil && r.Authorization.Type == "ANY_OF" {
		return r.Authorization.AllowedScope
	}
	return nil
}

// Authorization is a route's authorization policy.
type Authorization struct {
	Type         string     `yaml:"type" doc:"AUTHENTICATION_ONLY (default), ANY_OF (needs one of allowedScope), ANONYMOUS." enum:"AUTHENTICATION_ONLY,ANY_OF,ANONYMOUS"`
	AllowedScope StringList `yaml:"allowedScope" doc:"ANY_OF: one of these scopes must be granted."`
}

// Transformations edit headers and query parameters.
type Transformations struct {
	SetHeaders    []*SetItem    `yaml:"setHeaders"`
	RenameHeaders []*RenameItem `yaml:"renameHeaders"`
	FilterHeaders *Filter       `yaml:"filterHeaders"`
	SetQuery      []*SetItem    `yaml:"setQuery"`
	RenameQuery   []*RenameItem `yaml:"renameQuery"`
	FilterQuery   *Filter       `yaml:"filterQuery"`
}

// SetItem sets a header or query parameter.
type SetItem struct {
	Name     string     `yaml:"name" required:"true"`
	Values   StringList `yaml:"values" doc:"Values; each may contain ${...} expressions." required:"true"`
	IfExists string     `yaml:"ifExists" doc:"When the name is already present: OVERWRITE (default), APPEND, SKIP." enum:"OVERWRITE,APPEND,SKIP"`
}

// RenameItem renames a header or query parameter.
type RenameItem struct {
	From string `yaml:"from" required:"true"`
	To   string `yaml:"to" required:"true"`
}

// Filter blocks or allows names.
type Filter struct {
	Type  string        `yaml:"type" doc:"BLOCK removes the listed names; ALLOW keeps only them." enum:"BLOCK,ALLOW" required:"true"`
	Items []*FilterItem `yaml:"items" required:"true"`
}

// FilterItem names one header or query parameter.
type FilterItem struct {
	Name string `yaml:"name" required:"true"`
}

// Backend is where authorized requests go; exactly one kind.
type Backend struct {
	URL      string    `yaml:"url" doc:"A real HTTP upstream: method, path, query, body and headers are forwarded." format:"uri"`
	Stock    *Stock    `yaml:"stock" doc:"A fixed response."`
	Echo     bool      `yaml:"echo" doc:"Answer with what reached the backend, as JSON."`
	Function *Function `yaml:"function" doc:"A Lambda proxy integration (platform aws or aws-http): the function (same runtimes as authorizers) gets the proxy event, with requestContext.authorizer, and its answer becomes the HTTP answer (AWS-L1 to AWS-L9)."`
	// PayloadFormat is an HTTP API integration's payload format version.
	PayloadFormat string    `yaml:"payloadFormat" doc:"function, HTTP APIs: the event and answer format, \"2.0\" (default) or \"1.0\" (AWS-L6, AWS-L8). REST APIs always use 1.0." enum:"1.0,2.0"`
	Timeout       *Duration `yaml:"timeout" doc:"url: per-request limit (default 29s, API Gateway's integration timeout). function: the integration timeout (default and maximum 29s REST, 30s HTTP API); the function's own timeout is function.timeout."`
}

// Stock is a fixed response.
type Stock struct {
	Status  int               `yaml:"status" doc:"Default 200." minimum:"100" maximum:"599"`
	Body    any               `yaml:"body" doc:"A string, or a mapping sent as JSON." kind:"any"`
	Headers map[string]string `yaml:"headers"`
}

// BodyBytes returns the stock body as sent.
func (s *Stock) BodyBytes() []byte {
	switch b := s.Body.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	default:
		out, _ := json.Marshal(b)
		return out
	}
}

// Duration is a YAML duration: "300s", "5m", "1h30m", or a bare number of seconds.
type Duration struct{ time.Duration }

// StringList is a string or a list of strings.
type StringList []string

// Huawei holds an APIG group's settings.
type Huawei struct {
	GatewayResponses map[string]*GatewayResponse `yaml:"gatewayResponses" doc:"Customised answers by response type: AUTHORIZER_FAILURE (deny), AUTHORIZER_CONF_FAILURE, AUTHORIZER_IDENTITIES_FAILURE (HW-R4)."`
}

// GatewayResponse replaces the default answer of one response type. The
// body may use $context.authorizer.frontend.NAME (the deny answer's
// context), $context.error.message, $context.error.code and
// $context.requestId.
type GatewayResponse struct {
	Status  int               `yaml:"status" doc:"Status code, 200-599 (default: the type's own)." minimum:"200" maximum:"599"`
	Body    string            `yaml:"body" doc:"Body template."`
	Headers map[string]string `yaml:"headers"`
}

// HuaweiResponseTypes are the customisable authorizer response types.
var HuaweiResponseTypes = []string{"AUTHORIZER_FAILURE", "AUTHORIZER_CONF_FAILURE", "AUTHORIZER_IDENTITIES_FAILURE"}
