package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/engine"
)

// TestComposerSignsWithSigV4_AWS_S1: with a gateway that has IAM
// credentials the composer shows a SigV4 field; a request fired with an
// access key id in it is signed at the virtual clock and verifies, one
// without it is refused (AWS-S2), and the saved step signs the same way.
func TestComposerSignsWithSigV4_AWS_S1(t *testing.T) {
	t.Parallel()
	gw, _ := filepath.Abs(filepath.Join("..", "fixtures", "gateways", "aws-iam.yaml"))
	s := NewSession(gw, testStart, engine.Options{Random: zeroReader{}})
	defer s.Close()
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	c := &Common{S: s}
	m := &composerModel{c: c}
	if !m.sigv4On() {
		t.Fatal("the aws-iam fixture has credentials: the composer should offer SigV4")
	}
	for keyID, want := range map[string]int{"AKIAALICEEXAMPLE0001": 200, "": 403} {
		run, err := s.fire(context.Background(), 1, RequestSpec{Method: "GET", Target: "/orders/42", SigV4: keyID})
		if err != nil {
			t.Fatal(err)
		}
		if got := run().Entry.Result.Response.Status; got != want {
			t.Errorf("sigv4 %q: %d, want %d", keyID, got, want)
		}
	}
	if _, err := s.fire(context.Background(), 1, RequestSpec{Method: "GET", Target: "/orders/42", SigV4: "AKIANOPE"}); err == nil ||
		!strings.Contains(err.Error(), "sigv4") {
		t.Errorf("an unknown key id: %v", err)
	}
	run, _ := s.fire(context.Background(), 1, RequestSpec{Method: "GET", Target: "/orders/42", SigV4: "AKIAALICEEXAMPLE0001"})
	e := run().Entry
	e.N = 1
	if st := stepOf(e); st.Request.SigV4 == nil || st.Request.SigV4.AccessKeyID != "AKIAALICEEXAMPLE0001" {
		t.Errorf("the saved step does not sign: %+v", st.Request)
	}
}
