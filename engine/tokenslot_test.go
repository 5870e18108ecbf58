package engine_test

import (
	"errors"
	"testing"

	"github.com/authlab/authlab/engine"
)

const slotGateway = `version: 1
platform: oci
authorizers:
  oci-header: {type: oci, token: "request.headers[X-Token]", function: {runtime: mock, responses: [{when: {token: t1}, return: {active: true, principal: p}}, {return: {active: false}}]}}
  oci-auth: {type: oci, token: "request.headers[Authorization]", function: {runtime: mock, responses: [{return: {active: false}}]}}
  oci-query: {type: oci, token: "request.query[access_token]", function: {runtime: mock, responses: [{when: {token: t1}, return: {active: true, principal: p}}, {return: {active: false}}]}}
  oci-multi: {type: oci, arguments: {host: request.host, region: "request.headers[X-Region]", apikey: "request.headers[X-Api-Key]"}, function: {runtime: mock, responses: [{return: {active: false}}]}}
  rest-token: {type: aws-token, identitySource: header:X-Auth, function: {runtime: mock, responses: [{return: {}}]}}
  rest-request: {type: aws-request, identitySource: [context:sourceIp, method.request.querystring.key], function: {runtime: mock, responses: [{return: {}}]}}
  http: {type: aws-http, identitySource: [$request.header.Authorization], function: {runtime: mock, responses: [{return: {}}]}}
  hw: {type: huawei, identitySource: [query:sig, header:X-Sig], function: {runtime: mock, responses: [{return: {}}]}}
  jwt: {type: jwt, secret: a-test-secret-of-thirty-two-bytes!!}
  fwd: {type: forward, url: "http://127.0.0.1:1/auth"}
routes:
  - {path: /oh, authorizer: oci-header, backend: {echo: true}}
  - {path: /oa, authorizer: oci-auth, backend: {echo: true}}
  - {path: /oq, authorizer: oci-query, backend: {echo: true}}
  - {path: /om, authorizer: oci-multi, backend: {echo: true}}
  - {path: "/rt/{id}", authorizer: rest-token, backend: {echo: true}}
  - {path: /rr, authorizer: rest-request, backend: {echo: true}}
  - {path: /h, authorizer: http, backend: {echo: true}}
  - {path: /hw, authorizer: hw, backend: {echo: true}}
  - {path: /j, authorizer: jwt, backend: {echo: true}}
  - {path: /f, authorizer: fwd, backend: {echo: true}}
  - {path: /open, backend: {echo: true}}
`

// TestTokenSlot_EveryDialect: the engine, not the surfaces, says where a
// route's authorizer reads its token (OCI-E1 token variable, AWS-I1 identity
// sources, HW-I1, JWT-1).
func TestTokenSlot_EveryDialect(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, slotGateway)
	cases := []struct{ path, want string }{
		{"/oh", "header X-Token"},
		{"/oa", "header Authorization (Bearer )"},
		{"/oq", "query parameter access_token"},
		{"/om", "header X-Api-Key"},
		{"/rt/{id}", "header X-Auth"},
		{"/rt/7", "header X-Auth"},
		{"/rr", "query parameter key"},
		{"/h", "header Authorization (Bearer )"},
		{"/hw", "query parameter sig"},
		{"/j", "header Authorization (Bearer )"},
		{"/f", "header Authorization (Bearer )"},
	}
	for _, c := range cases {
		s, err := e.TokenSlot("GET", c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		got := s.String()
		if s.Scheme != "" {
			got += " (" + s.Scheme + ")"
		}
		if got != c.want {
			t.Errorf("%s: slot %s, want %s", c.path, got, c.want)
		}
	}
	for _, p := range []string{"/open", "/nowhere"} {
		if _, err := e.TokenSlot("GET", p); !errors.Is(err, engine.ErrNoTokenSlot) {
			t.Errorf("%s: err %v, want ErrNoTokenSlot", p, err)
		}
	}
}

// TestTokenSlot_PutReachesTheAuthorizer: a token put in the slot is the one
// the authorizer reads, for a custom header and a query parameter.
func TestTokenSlot_PutReachesTheAuthorizer(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, slotGateway)
	for _, path := range []string{"/oh", "/oq"} {
		req, err := engine.NewRequest("GET", path, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.TokenSlot("GET", path)
		if err != nil {
			t.Fatal(err)
		}
		s.Put(req, "t1")
		if res := e.Do(t.Context(), req); res.Response.Status != 200 {
			t.Errorf("%s: %d, want 200 with the token in %s\n%s", path, res.Response.Status, s, res.Response.Body)
		}
	}
}
