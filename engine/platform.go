package engine

import (
	"encoding/json"
	"net/http"

	"github.com/authlab/authlab/engine/config"
)

// jsonFailure builds a refusal with a JSON body.
func jsonFailure(stage, rule, reason string, status int, body string, header ...string) *Failure {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &Failure{Stage: stage, Rule: rule, Reason: reason, Status: status, Header: h, Body: []byte(body)}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// requestIDValue is the request id as a header value. Decorate sets it
// under the canonical name directly (h.Set would canonicalize the name
// again, one allocation per response).
func (f *Flow) requestIDValue() []string {
	if f.s == nil {
		return []string{f.RequestID}
	}
	return f.s.oneValue(f.RequestID)
}

// awsPlatform is API Gateway REST APIs. Its refusals carry their gateway
// response type; the failure-response stage applies the file's
// customisations (aws_gateway.go).
type awsPlatform struct {
	responses map[string]*config.AWSGatewayResponse // AWS-G4
	aws       awsInfo
}

// BadPath: REST APIs answer malformed requests with BadRequestException.
// authlab's own refusal (PATH-5) has no type of its own: DEFAULT_4XX.
func (awsPlatform) BadPath(f *Flow, reason string) *Failure {
	fl := jsonFailure("route", "PATH-5", reason, 400, `{"message":"Bad Request"}`, "x-amzn-ErrorType", "BadRequestException")
	fl.ResponseType, fl.Message = "DEFAULT_4XX", strPtr("Bad Request")
	return fl
}

func (awsPlatform) NoRoute(f *Flow) *Failure {
	return awsNoRoute(f)
}

func (awsPlatform) Forbidden(f *Flow, rule, reason string) *Failure {
	return awsDenied(false, reason)
}

func (awsPlatform) BackendFailure(f *Flow, err error, timeout bool) *Failure {
	if timeout {
		fl := jsonFailure("backend", "", err.Error(), 504, `{"message": "Endpoint request timed out"}`)
		fl.ResponseType, fl.Message = "INTEGRATION_TIMEOUT", strPtr("Endpoint request timed out")
		return fl
	}
	fl := jsonFailure("backend", "", err.Error(), 500, `{"message": "Internal server error"}`)
	fl.ResponseType, fl.Message = "DEFAULT_5XX", strPtr("Internal server error")
	return fl
}

func (awsPlatform) Decorate(f *Flow, h http.Header) {
	h["X-Amzn-Requestid"] = f.requestIDValue()
}

// awsHTTPPlatform is API Gateway HTTP APIs; cors is the API's CORS
// configuration (aws_cors.go).
type awsHTTPPlatform struct{ cors *config.CORS }

func (awsHTTPPlatform) BadPath(f *Flow, reason string) *Failure {
	return jsonFailure("route", "PATH-5", reason, 400, `{"message":"Bad Request"}`)
}

func (awsHTTPPlatform) NoRoute(f *Flow) *Failure {
	return jsonFailure("route", "", "no route matches "+f.Req.Method+" "+f.Req.Path, 404, `{"message":"Not Found"}`)
}

func (awsHTTPPlatform) Forbidden(f *Flow, rule, reason string) *Failure {
	return httpForbidden(rule, reason)
}

func (awsHTTPPlatform) BackendFailure(f *Flow, err error, timeout bool) *Failure {
	if timeout {
		return jsonFailure("backend", "", err.Error(), 503, `{"message":"Service Unavailable"}`)
	}
	return jsonFailure("backend", "", err.Error(), 500, `{"message":"Internal Server Error"}`)
}

func (awsHTTPPlatform) Decorate(f *Flow, h http.Header) {
	h["Apigw-Requestid"] = f.requestIDValue()
}

// ociPlatform is OCI API Gateway.
type ociPlatform struct{}

func (ociPlatform) BadPath(f *Flow, reason string) *Failure {
	return jsonFailure("route", "PATH-5", reason, 400, `{"code":400,"message":"Bad Request"}`)
}

func (ociPlatform) NoRoute(f *Flow) *Failure {
	return jsonFailure("route", "", "no route matches "+f.Req.Method+" "+f.Req.Path, 404, `{"code":404,"message":"Not Found"}`)
}

func (ociPlatform) Forbidden(f *Flow, rule, reason string) *Failure {
	return jsonFailure("", rule, reason, 403, `{"code":403,"message":"Forbidden"}`)
}

func (ociPlatform) BackendFailure(f *Flow, err error, timeout bool) *Failure {
	if timeout {
		return jsonFailure("backend", "", err.Error(), 504, `{"code":504,"message":"Gateway Timeout"}`)
	}
	return jsonFailure("backend", "", err.Error(), 502, `{"code":502,"message":"Bad Gateway"}`)
}

func (ociPlatform) Decorate(f *Flow, h http.Header) {
	h["Opc-Request-Id"] = f.requestIDValue()
}

// huaweiPlatform is Huawei Cloud APIG (HW-R3 body shape).
type huaweiPlatform struct{}

func huaweiBody(f *Flow, code, msg string) string {
	return `{"error_code":` + jsonString(code) + `,"error_msg":` + jsonString(msg) + `,"request_id":` + jsonString(f.RequestID) + `}`
}

// BadPath uses the code APIG documents for an invalid parameter (the
// data-plane code for a malformed path is not documented).
func (huaweiPlatform) BadPath(f *Flow, reason string) *Failure {
	return jsonFailure("route", "PATH-5", reason, 400, huaweiBody(f, "APIG.2012", "Invalid parameter"))
}

func (huaweiPlatform) NoRoute(f *Flow) *Failure {
	return jsonFailure("route", "HW-R3", "no route matches "+f.Req.Method+" "+f.Req.Path, 404,
		huaweiBody(f, "APIG.0101", "The API does not exist or has not been published in an environment"))
}

func (huaweiPlatform) Forbidden(f *Flow, rule, reason string) *Failure {
	return jsonFailure("", rule, reason, 403, huaweiBody(f, "APIG.0305", "The authorization is invalid"))
}

func (huaweiPlatform) BackendFailure(f *Flow, err error, timeout bool) *Failure {
	if timeout {
		return jsonFailure("backend", "", err.Error(), 504, huaweiBody(f, "APIG.0202", "Backend timeout"))
	}
	return jsonFailure("backend", "", err.Error(), 502, huaweiBody(f, "APIG.0201", "Backend unavailable"))
}

func (huaweiPlatform) Decorate(f *Flow, h http.Header) {
	h["X-Request-Id"] = f.requestIDValue()
}

// genericPlatform is a plain reverse proxy (nginx, Envoy, Kong, Traefik).
type genericPlatform struct{}

func (genericPlatform) BadPath(f *Flow, reason string) *Failure {
	fl := jsonFailure("route", "PATH-5", reason, 400, "400 Bad Request\n")
	fl.Header.Set("Content-Type", "text/plain; charset=utf-8")
	return fl
}

func (genericPlatform) NoRoute(f *Flow) *Failure {
	fl := jsonFailure("route", "", "no route matches "+f.Req.Method+" "+f.Req.Path, 404, "404 page not found\n")
	fl.Header.Set("Content-Type", "text/plain; charset=utf-8")
	return fl
}

func (genericPlatform) Forbidden(f *Flow, rule, reason string) *Failure {
	return jsonFailure("", rule, reason, 403, `{"message":"Forbidden"}`)
}

func (genericPlatform) BackendFailure(f *Flow, err error, timeout bool) *Failure {
	status, text := 502, "Bad Gateway"
	if timeout {
		status, text = 504, "Gateway Timeout"
	}
	fl := jsonFailure("backend", "", err.Error(), status, text+"\n")
	fl.Header.Set("Content-Type", "text/plain; charset=utf-8")
	return fl
}

func (genericPlatform) Decorate(f *Flow, h http.Header) {
	h["X-Request-Id"] = f.requestIDValue()
}
