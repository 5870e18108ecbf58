package tui

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/docs"
)

// TestStageShowsRuleText: the stage view explains the rules it cites with
// the text of the rules reference, so a user does not need the docs open.
func TestStageShowsRuleText(t *testing.T) {
	t.Parallel()
	r := start(t, testOptions(t), 100, 40)
	r.keys("enter")              // the routes have the focus, on /orders/{id}: into the composer
	r.keys("t", "down", "enter") // Bearer deny-bob
	r.keys("f")
	r.screen(idle(1))
	r.keys("tab", "enter") // the trace selects the failed stage: policy
	s := r.screen(nil)
	deny, _ := docs.Lookup("AWS-R2")
	for _, want := range []string{"Stage 6/10 · policy", "rules: AWS-P3 AWS-R2", "AWS-R2 " + deny.Title, "authlab explain AWS-P3 AWS-R2"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the policy stage lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "semantics.md") {
		t.Errorf("the stage view refers to a file users do not have:\n%s", s)
	}
	r.quit()
}
