package engine

import (
	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/redact"
	"github.com/authlab/authlab/engine/trace"
)

// secretSource reports whether an identity source's value is a credential
// (ALL-2): every header and query value, and any other source whose name
// says so. Stage variables and context values (sourceIp) are not.
func secretSource(s config.IdentitySource) bool {
	return s.Kind == config.SrcHeader || s.Kind == config.SrcQuery || redact.SecretName(s.Name)
}

// secretArgument is secretSource for an OCI argument: headers, query
// parameters and the body carry credentials; host and cert do not.
func secretArgument(table, name string) bool {
	switch table {
	case "headers", "query", "body":
		return true
	}
	return redact.SecretName(name)
}

// registerSecrets records, once the pipeline has run, the values every
// rendering abbreviates besides the identity values the dialect gave: the
// gateway file's own secrets (HMAC secrets, URL passwords), and credential
// headers, cookies and query parameters wherever the request went — the
// client's request, what reached the backend, the answer, and each change
// a transformation made.
func (p *pipeline) registerSecrets() {
	t := p.f.Trace
	for _, s := range p.g.secrets {
		t.AddSecret(s)
	}
	req := p.f.Req
	headerSecrets(t, req.Header)
	querySecrets(t, req.Query)
	if up := p.res.Upstream; up != nil {
		headerSecrets(t, up.Header)
		querySecrets(t, up.Query)
	}
	if r := p.res.Response; r != nil {
		headerSecrets(t, r.Header)
	}
	for _, st := range t.Stages {
		for _, c := range st.Changes {
			if (c.Target == "header" && !redact.SecretHeader(c.Name)) || (c.Target != "header" && !redact.SecretName(c.Name)) {
				continue
			}
			valueSecrets(t, c.Name, c.Old)
			valueSecrets(t, c.Name, c.New)
		}
	}
}

func headerSecrets(t *trace.Trace, h map[string][]string) {
	for name, vals := range h {
		if redact.SecretHeader(name) {
			valueSecrets(t, name, vals)
		}
	}
}

// valueSecrets registers what redact.HeaderSecrets finds in each value;
// this runs for every request, so the list it builds stays on the stack.
func valueSecrets(t *trace.Trace, name string, vals []string) {
	var buf [8]string
	for _, v := range vals {
		for _, s := range redact.AppendHeaderSecrets(buf[:0], name, v) {
			t.AddSecret(s)
		}
	}
}

func querySecrets(t *trace.Trace, q map[string][]string) {
	for name, vals := range q {
		if !redact.SecretName(name) {
			continue
		}
		for _, v := range vals {
			t.AddSecret(v)
		}
	}
}
