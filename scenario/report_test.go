package scenario_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authlab/authlab/scenario"
)

// mixedReport has a passing scenario and one that fails at step 2 of 3.
func mixedReport(t *testing.T) *scenario.Report {
	t.Helper()
	fails := loadSrc(t, `
name: fails <&> "quoted"
gateway: gateway.yaml
steps:
  - name: ok
    request: {method: GET, path: /health}
    expect: {status: 200}
  - advance: 1m
  - name: wrong status
    request: {method: GET, path: /orders/1, headers: {Authorization: Bearer deny-bob}}
    expect: {status: 200, body: {contains: "\u0001"}}
  - name: never
    request: {method: GET, path: /health}
`)
	return run(t, scenario.Options{}, loadSrc(t, cacheScenario), fails)
}

// TestJUnitRoundTrip: the XML is well-formed and reads back with the
// counts, the failure message and the trace of the failed step.
func TestJUnitRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := scenario.JUnit(mixedReport(t), false).WriteXML(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML header")
	}
	var doc scenario.JUnitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, buf.String())
	}
	if doc.Tests != 7 || doc.Failures != 1 || doc.Skipped != 1 || doc.Errors != 0 || len(doc.Suites) != 2 {
		t.Fatalf("counts tests=%d failures=%d skipped=%d suites=%d", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	s := doc.Suites[1]
	if s.Name != `fails <&> "quoted"` || s.File != filepath.Join("testdata", "t.yaml") || s.Tests != 3 {
		t.Errorf("suite %+v", s)
	}
	c := s.Cases[1]
	if c.Name != "wrong status" || c.Line != 9 || c.Failure == nil || c.ClassName != s.Name {
		t.Fatalf("case %+v", c)
	}
	for _, want := range []string{"status: expected 200, got 403 Forbidden", "✗ policy", "Response 403 Forbidden", "explicit deny"} {
		if !strings.Contains(c.Failure.Message+c.Failure.Text, want) {
			t.Errorf("failure lacks %q:\n%s\n%s", want, c.Failure.Message, c.Failure.Text)
		}
	}
	if s.Cases[2].Skipped == nil || s.Cases[0].Failure != nil {
		t.Errorf("cases %+v", s.Cases)
	}
}

func TestJUnitInvalid(t *testing.T) {
	t.Parallel()
	_, diags, err := scenario.LoadFile(filepath.Join("testdata", "invalid", "bad_jq.yaml"), testLoad)
	if err == nil {
		t.Fatal("loaded")
	}
	var buf bytes.Buffer
	if err := scenario.JUnitInvalid(diags.List).WriteXML(&buf); err != nil {
		t.Fatal(err)
	}
	var doc scenario.JUnitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Errors != 1 || doc.Suites[0].Cases[0].Error == nil || !strings.Contains(doc.Suites[0].Cases[0].Error.Text, "bad_jq.yaml:5:38:") {
		t.Errorf("invalid file JUnit %s", buf.String())
	}
}

func TestJSONReport(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := scenario.WriteJSON(&buf, scenario.NewJSONReport(mixedReport(t), false)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OK        bool `json:"ok"`
		Passed    int  `json:"passed"`
		Failed    int  `json:"failed"`
		Skipped   int  `json:"skipped"`
		Scenarios []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
			Steps  []struct {
				Index    int                `json:"index"`
				Kind     string             `json:"kind"`
				Status   string             `json:"status"`
				Advance  string             `json:"advance"`
				Failures []scenario.Failure `json:"failures"`
				Result   *struct {
					Outcome  string `json:"authorizerOutcome"`
					Response struct {
						Status int `json:"status"`
					} `json:"response"`
					Stages []json.RawMessage `json:"stages"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OK || doc.Passed != 5 || doc.Failed != 1 || doc.Skipped != 1 {
		t.Errorf("totals %+v", doc)
	}
	f := doc.Scenarios[1]
	if f.Status != "failed" || len(f.Steps) != 4 {
		t.Fatalf("scenario %+v", f)
	}
	adv, bad := f.Steps[1], f.Steps[2]
	if adv.Kind != "advance" || adv.Advance != "1m0s" || adv.Result != nil {
		t.Errorf("advance step %+v", adv)
	}
	if bad.Status != "failed" || bad.Result == nil || bad.Result.Response.Status != 403 || len(bad.Result.Stages) != 10 || bad.Failures[0].Check != "status" {
		t.Errorf("failed step %+v", bad)
	}
	if strings.Contains(buf.String(), "deny-bob") {
		t.Errorf("ALL-2: secrets in the JSON report without reveal")
	}
}

// TestSchemaAcceptsFixtures: every fixture scenario validates against
// `authlab schema scenario`, and the schema rejects an unknown key.
func TestSchemaAcceptsFixtures(t *testing.T) {
	t.Parallel()
	c := jsonschema.NewCompiler()
	var schemaDoc any
	if err := json.Unmarshal(scenario.SchemaJSON(), &schemaDoc); err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("scenario.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("scenario.json")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "fixtures", "scenarios", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no fixture scenarios")
	}
	asJSON := func(src []byte) any {
		var v any
		if err := yaml.Unmarshal(src, &v); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		_ = json.Unmarshal(b, &out)
		return out
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(asJSON(src)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	bad := asJSON([]byte("gateway: g.yaml\nsteps: [{request: {method: GET, path: /}, expect: {statuss: 200}}]\n"))
	if sch.Validate(bad) == nil {
		t.Errorf("the schema accepts an unknown expect key")
	}
	none := asJSON([]byte("gateway: g.yaml\nsteps: [{request: {method: GET, path: /}, expect: {upstream: none, headers: {X: null}}}]\n"))
	if err := sch.Validate(none); err != nil {
		t.Errorf("upstream: none and a null header: %v", err)
	}
}

// TestFixturesLoad: the acceptance suite's files are valid (the e2e test
// replays them with the binary).
func TestFixturesLoad(t *testing.T) {
	t.Parallel()
	files, err := scenario.Discover([]string{filepath.Join("..", "fixtures")})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("only %d fixture scenarios: %v", len(files), files)
	}
	for _, f := range files {
		if _, diags, err := scenario.LoadFile(f, scenario.LoadOptions{}); err != nil {
			t.Errorf("%s:\n%s", f, diags.Format(false))
		}
	}
	// Gateway fixtures are not scenarios.
	for _, f := range files {
		if strings.Contains(f, "gateways") {
			t.Errorf("%s taken for a scenario", f)
		}
	}
}
