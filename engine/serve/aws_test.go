package serve

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/config"
)

func fixtureServer(t *testing.T, name string) *httptest.Server {
	t.Helper()
	path, _ := filepath.Abs(filepath.Join("..", "..", "fixtures", "gateways", name))
	g, diags, err := config.LoadFile(path)
	if err != nil {
		t.Fatalf("%s", diags.Format(true))
	}
	e, err := engine.New(g, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	h, err := NewHandler(e, Options{Err: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func send(t *testing.T, method, url string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestServeRESTGatewayResponsesAndLambda_AWS_G4_AWS_L1: over real HTTP, the
// customised 401 carries CORS and Basic, and the Python backend Lambda gets
// the proxy event with the authorizer's context and the query as sent.
func TestServeRESTGatewayResponsesAndLambda_AWS_G4_AWS_L1(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	srv := fixtureServer(t, "aws-rest-lambda.yaml")
	resp, _ := send(t, "GET", srv.URL+"/orders/42", map[string]string{"Origin": "https://app.example.com"})
	if resp.StatusCode != 401 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		resp.Header.Get("WWW-Authenticate") != `Basic realm="shop"` || resp.Header.Get("x-amzn-ErrorType") != "UnauthorizedException" {
		t.Errorf("401: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body := send(t, "GET", srv.URL+"/orders/42?z=1&a=%2F", map[string]string{"Authorization": "Bearer allow-alice"})
	var got struct {
		Authorizer map[string]any `json:"authorizer"`
		Event      map[string]any `json:"event"`
	}
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got.Authorizer["principalId"] != "alice" || got.Authorizer["tier"] != "3" {
		t.Errorf("authorizer: %v", got.Authorizer)
	}
	h := got.Event["headers"].(map[string]any)
	if h["X-Forwarded-Proto"] != "https" || h["X-Forwarded-For"] != "127.0.0.1" || h["Host"] == nil {
		t.Errorf("headers: %v", h)
	}
	if q := got.Event["multiValueQueryStringParameters"].(map[string]any); q["a"].([]any)[0] != "/" {
		t.Errorf("query: %v", q)
	}
}

// TestServeHTTPAPIPreflight_AWSH_CORS3: over real HTTP, an HTTP API answers
// a preflight itself, and the Node authorizer's 403 carries CORS headers.
func TestServeHTTPAPIPreflight_AWSH_CORS3(t *testing.T) {
	for _, bin := range []string{"node", "python3"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skip("no " + bin)
		}
	}
	srv := fixtureServer(t, "aws-http-lambda.yaml")
	resp, body := send(t, "OPTIONS", srv.URL+"/orders/7", map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"})
	if resp.StatusCode != 204 || len(body) != 0 || resp.Header.Get("Access-Control-Allow-Methods") != "GET,POST" ||
		resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	resp, body = send(t, "GET", srv.URL+"/orders/7", map[string]string{"Origin": "https://app.example.com", "Authorization": "Bearer nobody"})
	if resp.StatusCode != 403 || string(body) != `{"message":"Forbidden"}` || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("refused: %d %v %s", resp.StatusCode, resp.Header, body)
	}
}
