package engine

import (
	"net/http"
	"strconv"
	"strings"
)

// gatewayHeader is one header API Gateway sets on what it forwards.
type gatewayHeader struct{ name, value string }

// gatewayHeaders are the headers API Gateway itself adds to the request it
// passes on — in a REQUEST authorizer's event and a Lambda integration's
// event alike: Host (the domain the client called), X-Amzn-Trace-Id (the
// client's, else a new root), X-Forwarded-For (the client's chain with the
// source IP appended), X-Forwarded-Port 443 and X-Forwarded-Proto https.
// Names are canonical; h is the client's headers.
func gatewayHeaders(f *Flow, domain string, h http.Header) []gatewayHeader {
	r := f.Req
	trace := h.Get("X-Amzn-Trace-Id")
	if trace == "" {
		trace = traceID(f)
	}
	xff := r.SourceIP
	if prev := h.Values("X-Forwarded-For"); len(prev) > 0 {
		xff = strings.Join(prev, ", ")
		if r.SourceIP != "" {
			xff += ", " + r.SourceIP
		}
	}
	out := make([]gatewayHeader, 0, 5)
	host := h.Get("Host")
	if host == "" {
		host = domain
	}
	out = append(out, gatewayHeader{"Host", host}, gatewayHeader{"X-Amzn-Trace-Id", trace})
	if xff != "" {
		out = append(out, gatewayHeader{"X-Forwarded-For", xff})
	}
	return append(out, gatewayHeader{"X-Forwarded-Port", "443"}, gatewayHeader{"X-Forwarded-Proto", "https"})
}

// traceID is an X-Ray root for the request, stable for its request id:
// Root=1-<epoch seconds, hex>-<24 hex digits>.
func traceID(f *Flow) string {
	id := strings.ReplaceAll(f.RequestID, "-", "")
	for len(id) < 24 {
		id += "0"
	}
	return "Root=1-" + strconv.FormatInt(f.Now.Unix(), 16) + "-" + id[:24]
}

// addGatewayHeaders puts the gateway's headers into an event's header maps
// (REST and payload 1.0: the client's spelling of a header it sent, else
// the canonical name; multi may be nil). A value the gateway sets replaces
// the client's.
func addGatewayHeaders(f *Flow, domain string, h http.Header, single map[string]string, multi map[string][]string) {
	for _, g := range gatewayHeaders(f, domain, h) {
		name := g.name
		if _, sent := h[name]; sent {
			name = f.Req.SentName(name)
		}
		single[name] = g.value
		if multi != nil {
			multi[name] = []string{g.value}
		}
	}
}

// addGatewayHeaders20 puts them into a payload 2.0 event's lower-case
// headers.
func addGatewayHeaders20(f *Flow, domain string, h http.Header, headers map[string]string) {
	for _, g := range gatewayHeaders(f, domain, h) {
		headers[strings.ToLower(g.name)] = g.value
	}
}
