// Package scenario loads and replays scenario files (contract §3): requests
// sent through a fresh gateway engine on a virtual clock, each checked
// against expectations, with JUnit, JSON and text reports for CI.
//
// The file types below are decoded by the gateway loader's own decoder
// (config.Decode), so a scenario file reports problems exactly as a gateway
// file does, and the JSON Schema is derived from the same tags.
package scenario

import (
	"github.com/goccy/go-yaml/ast"

	"github.com/authlab/authlab/engine/config"
)

// File is a scenario file as written.
type File struct {
	Name    string            `yaml:"name" doc:"A name for the scenario, shown in reports (default: the file name)."`
	Gateway ast.Node          `yaml:"gateway" doc:"The gateway file, relative to this file, or an inline gateway mapping (docs/gateway-file.md)." kind:"node" required:"true"`
	Clock   string            `yaml:"clock" doc:"Start of virtual time, RFC 3339 (default 2026-01-01T00:00:00Z, never now)."`
	Vars    map[string]string `yaml:"vars" doc:"Values for ${vars.NAME} in tokens and steps; may use ${env.NAME}."`
	Tokens  []*Token          `yaml:"tokens" doc:"JWTs minted at the virtual clock's start, for ${tokens.NAME}." kind:"namedmap"`
	Steps   []*Step           `yaml:"steps" doc:"Requests with expectations, and clock moves, in order." required:"true"`
}

// Token is a JWT the scenario mints: the token spec of gateway files, with
// the same keys, check and minting, and ${vars.NAME} in its values.
type Token = config.TokenSpec

// Step is a request with its expectations, a clock move, or both (the
// clock moves first).
type Step struct {
	Name    string           `yaml:"name" doc:"Shown in reports (default: METHOD PATH)."`
	Advance *config.Duration `yaml:"advance" doc:"Move the virtual clock forward (cache TTLs, token expiry), e.g. 301s or 6m."`
	Request *Request         `yaml:"request" doc:"The request sent through the gateway."`
	Probe   *ProbeStep       `yaml:"probe" doc:"Fire authlab probe's token attacks at a route's authorizer; every attack accepted fails the step (docs/probe.md)."`
	Expect  *Expect          `yaml:"expect" doc:"What must hold of the result; every listed key is checked."`
}

// Request is one client request.
type Request struct {
	Method   string                       `yaml:"method" doc:"HTTP method, e.g. GET." required:"true"`
	Path     string                       `yaml:"path" doc:"Path with an optional query string, e.g. /orders/42?tenant=acme." required:"true"`
	Query    map[string]config.StringList `yaml:"query" doc:"More query parameters (a list repeats the name)."`
	Headers  map[string]config.StringList `yaml:"headers" doc:"Request headers (a list sends the header several times)."`
	Body     any                          `yaml:"body" doc:"The body: a string as is, a mapping or list as JSON." kind:"any"`
	Host     string                       `yaml:"host" doc:"Host (default: the Host header, else localhost)."`
	SourceIP string                       `yaml:"sourceIp" doc:"Client address (default 127.0.0.1)."`
	SigV4    *SigV4                       `yaml:"sigv4" doc:"Sign the request with AWS SigV4 for execute-api (aws-iam authorizers, AWS-S1) with credentials of the gateway's aws.credentials, at the virtual clock."`
}

// SigV4 says how a step's request is signed. The request is signed when
// the step runs, so the signature carries the virtual time of that step.
type SigV4 struct {
	AccessKeyID     string `yaml:"accessKeyId" doc:"An access key id of the gateway's aws.credentials." required:"true"`
	SecretAccessKey string `yaml:"secretAccessKey" doc:"Sign with this secret instead of the gateway's (a mis-signed request, or an access key id the gateway does not know)."`
	SessionToken    string `yaml:"sessionToken" doc:"Send this X-Amz-Security-Token instead of the credentials' own."`
	Region          string `yaml:"region" doc:"Sign for this region instead of the gateway's aws.region."`
	Offset          string `yaml:"offset" doc:"Sign as if the clock said now plus this (e.g. -6m: a signature older than API Gateway's 5 minutes, AWS-S6)."`
	Host            string `yaml:"host" doc:"Sign for this host, then send the request to its own host (a signature over the wrong host)."`
}

// Expect lists what must hold of one request's result.
type Expect struct {
	Status     int                `yaml:"status" doc:"Response status code." minimum:"100" maximum:"599"`
	Authorizer string             `yaml:"authorizer" doc:"What the route's authorizer did: called, cached or skipped." enum:"called,cached,skipped"`
	Principal  *string            `yaml:"principal" doc:"The principal the authorizer returned (\"\" = none)."`
	Route      string             `yaml:"route" doc:"The matched route template (/orders/{id}), or none to test the no-route answer."`
	Upstream   ast.Node           `yaml:"upstream" doc:"What reached the backend ({headers, query, path, method, body}), or none: the backend was not reached." kind:"node"`
	Headers    map[string]*string `yaml:"headers" doc:"Response headers: exact value (repeated values joined with \", \"), ~REGEX to match, null = absent."`
	Body       *Body              `yaml:"body" doc:"Response body checks."`
	Calls      map[string]int     `yaml:"calls" doc:"Authorizer invocations since the scenario began, by authorizer name."`
	Rules      config.StringList  `yaml:"rules" doc:"Rule ids the trace must cite (e.g. AWS-C3; authlab explain lists them)."`
}

// Upstream lists what must hold of the request that reached the backend.
type Upstream struct {
	Method  string             `yaml:"method" doc:"Method as sent to the backend."`
	Path    string             `yaml:"path" doc:"Path as sent to the backend (no query)."`
	Headers map[string]*string `yaml:"headers" doc:"Headers: exact value, ~REGEX, null = absent."`
	Query   map[string]*string `yaml:"query" doc:"Query parameters: exact value (repeated joined with \",\"), ~REGEX, null = absent."`
	Body    *Body              `yaml:"body" doc:"Body checks."`
}

// Body checks a body; every given check must hold.
type Body struct {
	Contains config.StringList `yaml:"contains" doc:"Text (or texts) the body must contain."`
	Equals   any               `yaml:"equals" doc:"The whole body: a mapping or list compares as JSON; a string as text (or as JSON when both parse)." kind:"any"`
	JQ       config.StringList `yaml:"jq" doc:"gojq expressions over the JSON body; each must yield true."`
}
