package tui

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
)

// TestStageShowsGatewayResponseAndIntegration_AWS_G4_AWS_L1: the stage view
// says which gateway response answered a refusal and what it applied, and
// shows a Lambda integration's event, answer and logs (the fixture's real
// Python handlers).
func TestStageShowsGatewayResponseAndIntegration_AWS_G4_AWS_L1(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	gw, _ := filepath.Abs(filepath.Join("..", "fixtures", "gateways", "aws-rest-lambda.yaml"))
	s := NewSession(gw, testStart, engine.Options{Random: zeroReader{}})
	defer s.Close()
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	c := &Common{S: s, Styles: NewStyles(newRenderer(nil, false), false), Keys: DefaultKeyMap()}
	view := func(spec RequestSpec, stage string) string {
		t.Helper()
		run, err := s.fire(context.Background(), 1, spec)
		if err != nil {
			t.Fatal(err)
		}
		e := run().Entry
		for i, st := range e.Result.Trace.Stages {
			if st.Name == stage {
				m := newStage(c)
				m.SetSize(140, 200)
				m.Open(e, i)
				return m.View()
			}
		}
		t.Fatalf("no %s stage", stage)
		return ""
	}
	v := view(RequestSpec{Method: "GET", Target: "/orders/42", Headers: []string{"Origin: https://app.example.com"}}, "failure-response")
	for _, want := range []string{
		"gateway response UNAUTHORIZED, customised by aws.gatewayResponses.UNAUTHORIZED",
		"gatewayResponse.header.WWW-Authenticate: 'Basic realm=\"shop\"' → Basic realm=\"shop\"",
		"AWS-G4",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("failure-response stage lacks %q:\n%s", want, v)
		}
	}
	v = view(RequestSpec{Method: "GET", Target: "/orders/42", Headers: []string{"Authorization: Bearer allow-alice"}}, "backend")
	for _, want := range []string{
		"Lambda proxy integration: the event is what the function received, the response what it returned, then its log lines",
		`"principalId": "alice"`, `"integrationLatency"`, "[INFO]", "order 42 requested by alice", "AWS-L1",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("backend stage lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "what reached the backend") {
		t.Errorf("a Lambda integration shows its event, not an HTTP request:\n%s", v)
	}
}
