package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProbeE2E drives `authlab probe` against the probe fixtures: real
// Python handlers behind the engine, the real binary, its exit codes and
// its three reports.
func TestProbeE2E(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not on PATH")
	}
	root := filepath.Join("..", "..")

	// A vulnerable authorizer: the attacks it lets through, exit 1.
	junit := filepath.Join(t.TempDir(), "probe.xml")
	r := run(t, root, "", "probe", "-g", "fixtures/probe/trustalg.yaml", "GET", "/py/orders/1", "--token", "alice", "--junit", junit)
	r.wantCode(t, 1)
	for _, want := range []string{
		"authorizer   trustalg-py (aws-token)",
		"token goes   header Authorization, scheme Bearer",
		`✗ ACCEPTED alg "nOnE", unsigned (header.payload.)`,
		`✓ refused  alg "nOnE", unsigned, no trailing dot (header.payload)`,
		"✗ ACCEPTED HS256 signed with the public key as the HMAC secret",
		"CVE-2016-10555",
		"9 accepted",
		"9 attacks got through (exit 1)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "eyJhbGciOiJSUzI1NiIsImtpZCI6") && !strings.Contains(r.stdout, "…") {
		t.Errorf("tokens are not abbreviated")
	}
	x, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(x), "<failure "); got != 9 {
		t.Errorf("JUnit: %d failures, want 9", got)
	}

	// The correct one, as JSON: every attack refused, exit 0.
	r = run(t, root, "", "probe", "-g", "fixtures/probe/correct.yaml", "GET", "/py/orders/1", "--token", "alice", "--json")
	r.wantCode(t, 0)
	var doc struct {
		OK      bool `json:"ok"`
		Exit    int  `json:"exitCode"`
		Counts  struct{ Refused, Accepted, Skipped int }
		Attacks []struct {
			ID, Verdict, Reference string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	if !doc.OK || doc.Exit != 0 || doc.Counts.Accepted != 0 || doc.Counts.Refused < 40 {
		t.Errorf("JSON: ok=%v exit=%d counts=%+v", doc.OK, doc.Exit, doc.Counts)
	}
	for _, a := range doc.Attacks {
		if a.Reference == "" {
			t.Errorf("%s has no reference", a.ID)
		}
	}

	// No baseline: the credential is refused, nothing is judged, exit 2.
	r = run(t, root, "", "probe", "-g", "fixtures/probe/correct.yaml", "GET", "/py/orders/1", "--token", "not-a-token")
	r.wantCode(t, 2)
	if !strings.Contains(r.stderr, "no baseline: the authorizer refuses the credential") || !strings.Contains(r.stdout, "not probed") ||
		strings.Contains(r.stdout, "✓ refused") {
		t.Errorf("no baseline:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}

	// A route without an authorizer.
	r = run(t, root, "", "probe", "-g", "fixtures/gateways/aws-rest.yaml", "GET", "/health", "--token", "x")
	r.wantCode(t, 2)
	if !strings.Contains(r.stderr, "route /health has no authorizer: there is no authorizer credential to attack") {
		t.Errorf("no authorizer: %s", r.stderr)
	}

	// Usage errors.
	r = run(t, root, "", "probe", "GET")
	r.wantCode(t, 2)
	if !strings.Contains(r.stderr, "probe needs METHOD and PATH") {
		t.Errorf("usage: %s", r.stderr)
	}
	r = run(t, root, "", "probe", "-g", "fixtures/probe/correct.yaml", "GET", "/py/orders/1", "--token", "alice", "--key", "fixtures/keys/rsa.pem")
	r.wantCode(t, 2)
	if !strings.Contains(r.stderr, "brings its own key") {
		t.Errorf("named token with --key: %s", r.stderr)
	}
}
