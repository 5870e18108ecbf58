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
}

// Authorizer is one named authorizer.
type Authorizer struct {
	Name            string     `yaml:"-"`
	Type            string     `yaml:"type" doc:"Authorizer kind." enum:"aws-token,aws-request,aws-http,oci,huawei,jwt,forward" required:"true"`
	IdentitySource  StringList `yaml:"identitySource" doc:"Where the identity comes from: header:NAME, query:NAME, stageVariable:NAME, context:NAME (AWS spellings method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME, context.NAME also accepted)."`
	ValidationRegex string     `yaml:"validationRegex" doc:"aws-token and huawei: the token header (huawei: every identity source value) must match this regex as a whole, or the answer is 401 without calling the function (AWS-I2, HW-I1)." format:"regex"`
	TTL             *Duration  `yaml:"ttl" doc:"Result cache TTL (AWS-C1): default 300s, 0 disables, at most 3600s. A bare number means seconds."`
	Function        *Function  `yaml:"function" doc:"The authorizer function (every type but jwt and forward)."`

	// aws-http
	PayloadFormat   string `yaml:"payloadFormat" doc:"aws-http: event format, \"1.0\" or \"2.0\" (default 2.0)." enum:"1.0,2.0"`
	SimpleResponses bool   `yaml:"simpleResponses" doc:"aws-http: the function answers {isAuthorized, context} instead of an IAM policy (payloadFormat 2.0 only)."`

	// oci
	Token                    string                   `yaml:"token" doc:"oci single-argument: where the token is, request.headers[NAME] or request.query[NAME] (also header:NAME / query:NAME)."`
	Arguments                map[string]string        `yaml:"arguments" doc:"oci multi-argument: argument name to context variable (request.headers[X], request.query[X], request.host, request.cert, request.body)."`
	CacheKey                 StringList               `yaml:"cacheKey" doc:"oci: the arguments whose values key the cache (default: every argument except those from request.body)."`
	IsAnonymousAccessAllowed bool                     `yaml:"isAnonymousAccessAllowed" doc:"oci: requests without credentials reach ANONYMOUS routes without calling the function."`
	ValidationFailurePolicy  *ValidationFailurePolicy `yaml:"validationFailurePolicy" doc:"oci: what the client gets when the function answers active: false."`

	// huawei
	Stage    string `yaml:"stage" doc:"huawei: frontend (authenticates the client) or backend (runs before the backend call)." enum:"frontend,backend"`
	UserData string `yaml:"userData" doc:"huawei: passed to the function as user_data (at most 2048 characters)."`
	SendBody bool   `yaml:"sendBody" doc:"huawei: include the request body in the event."`

	// jwt
	Issuer         string            `yaml:"issuer" doc:"jwt: required iss."`
	Audience       StringList        `yaml:"audience" doc:"jwt: accepted aud values (one must match)."`
	JWKS           string            `yaml:"jwks" doc:"jwt: a JWKS file, relative to this file."`
	JWKSURL        string            `yaml:"jwksUrl" doc:"jwt: a JWKS URL, fetched and refreshed (an unknown kid triggers one rate-limited refresh)." format:"uri"`
	Secret         string            `yaml:"secret" doc:"jwt: an HMAC secret (HS256/384/512)."`
	PublicKey      string            `yaml:"publicKey" doc:"jwt: a PEM public key or certificate file."`
	Algorithms     StringList        `yaml:"algorithms" doc:"jwt: allowed algorithms (default: the key's own family; never none)."`
	Leeway         *Duration         `yaml:"leeway" doc:"jwt: clock skew allowed on exp / nbf / iat (default 0)."`
	RequiredClaims map[string]string `yaml:"requiredClaims" doc:"jwt: claims that must be present with these values (empty value: present with any value)."`

	// forward
	Mode                string     `yaml:"mode" doc:"forward: nginx (auth_request, default) or traefik (ForwardAuth)." enum:"nginx,traefik"`
	URL                 string     `yaml:"url" doc:"forward: the auth service URL." format:"uri"`
	AuthRequestHeaders  StringList `yaml:"authRequestHeaders" doc:"forward: client headers sent to the auth service (default: all)."`
	AuthResponseHeaders StringList `yaml:"authResponseHeaders" doc:"forward: auth-answer headers copied onto the upstream request (client values removed first)."`
	Timeout             *Duration  `yaml:"timeout" doc:"forward / jwt jwksUrl: request limit (default 3s)."`
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
	AllowEncodedSlash       bool             `yaml:"allowEncodedSlash" doc:"Accept an encoded slash or backslash (%2F, %5C) inside a path segment: it stays in its segment ({id} gets a/b) and reaches the backend still encoded. Default false: such a request is refused with 400 before any authorizer (PATH-5)."`

	index int // position in the file, for stable ordering
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
	URL     string    `yaml:"url" doc:"A real HTTP upstream: method, path, query, body and headers are forwarded." format:"uri"`
	Stock   *Stock    `yaml:"stock" doc:"A fixed response."`
	Echo    bool      `yaml:"echo" doc:"Answer with what reached the backend, as JSON."`
	Timeout *Duration `yaml:"timeout" doc:"url: per-request limit (default 29s, API Gateway's integration timeout)."`
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
