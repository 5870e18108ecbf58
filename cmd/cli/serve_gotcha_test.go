package cli

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/authlab/authlab/fixtures"
)

// TestServeLogCarriesCachedPolicyFix: the serve log line of the cached-
// policy gotcha (AWS-C3) names both routes and the fix, not only the ARNs.
func TestServeLogCarriesCachedPolicyFix(t *testing.T) {
	t.Parallel()
	gw := writeFile(t, filepath.Join(t.TempDir(), "authlab.yaml"), string(fixtures.DemoGateway))
	p := startServe(t, gw)
	if status, _, _ := get(t, p.base+"/orders/42", "Authorization", "Bearer allow-alice"); status != 200 {
		t.Fatalf("first request: %d", status)
	}
	if status, _, _ := get(t, p.base+"/users/7", "Authorization", "Bearer allow-alice"); status != 403 {
		t.Fatalf("second request: %d, want the cached policy's 403", status)
	}
	p.waitStderr(t, regexp.MustCompile(`GET /users/7 → 403 .*\n    ✗ policy: the policy cached for GET /orders/42 does not allow GET /users/7 \(implicit deny\) — fix: return a wildcard Resource \(…/prod/\*\) or set ttl: 0  \[AWS-C3 AWS-R3\]`), 30*time.Second)
}
