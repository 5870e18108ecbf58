package scenario_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/scenario"
)

// probeGateway opens every route for one mock token, and sets X-User with
// APPEND: a forged X-User reaches the backend (ALL-1), which the probe
// step must report as an accepted attack.
const probeGateway = `
name: probe step
gateway:
  version: 1
  authorizers:
    tok:
      type: aws-token
      identitySource: header:Authorization
      function:
        runtime: mock
        responses:
          - when: {token: Bearer user-token}
            return:
              principalId: user
              policyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "*"}]}
              context: {user: user}
          - return: Unauthorized
  routes:
    - path: /orders/{id}
      authorizer: tok
      requestTransformations:
        setHeaders: [{name: X-User, values: ["${request.auth[user]}"], ifExists: APPEND}]
      backend: {echo: true}
steps:
  - name: a request before
    request: {method: GET, path: /orders/1, headers: {Authorization: Bearer user-token}}
    expect: {status: 200, calls: {tok: 1}}
  - name: attack the orders route
    probe: {route: GET /orders/1, token: user-token}
`

// TestProbeStepFails: an accepted attack fails the step in every report,
// with the attack named, and the scenario's own state is left alone.
func TestProbeStepFails(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, probeGateway)
	rep := run(t, scenario.Options{}, sc)
	steps := rep.Scenarios[0].Steps
	if len(steps) != 2 || steps[0].Status != scenario.Passed || steps[1].Status != scenario.Failed {
		t.Fatalf("steps: %+v", steps)
	}
	st := steps[1]
	if st.Probe == nil || len(st.Failures) != 1 || st.Failures[0].Check != "probe.forged-header:X-User" {
		t.Fatalf("failures %+v", st.Failures)
	}
	if !strings.Contains(st.Failures[0].Message, "probe: accepted client-forged X-User header") || st.Result == nil {
		t.Errorf("failure %q", st.Failures[0].Message)
	}
	if c := rep.Counts(); c.Passed != 1 || c.Failed != 1 {
		t.Errorf("counts %+v: a probe step counts as a step", c)
	}
	var text bytes.Buffer
	_ = scenario.WriteScenario(&text, rep.Scenarios[0], scenario.TextOptions{})
	if !strings.Contains(text.String(), "step 2: attack the orders route") || !strings.Contains(text.String(), `the client's X-User "authlab-probe-forged" reached the backend`) ||
		strings.Contains(text.String(), "user-token") {
		t.Errorf("text:\n%s", text.String())
	}
	var x bytes.Buffer
	if err := scenario.JUnit(rep, false).WriteXML(&x); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.String(), `<failure message="probe: accepted client-forged X-User header`) {
		t.Errorf("JUnit:\n%s", x.String())
	}
	var js bytes.Buffer
	_ = scenario.WriteJSON(&js, scenario.NewJSONReport(rep, false))
	var doc struct {
		Scenarios []struct {
			Steps []struct {
				Kind  string `json:"kind"`
				Probe *struct {
					OK      bool `json:"ok"`
					Attacks []struct {
						ID      string `json:"id"`
						Verdict string `json:"verdict"`
					} `json:"attacks"`
				} `json:"probe"`
			} `json:"steps"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ps := doc.Scenarios[0].Steps[1]
	if ps.Kind != "probe" || ps.Probe == nil || ps.Probe.OK || len(ps.Probe.Attacks) < 40 {
		t.Errorf("JSON step: %+v", ps)
	}
	if strings.Contains(js.String(), "user-token") {
		t.Errorf("the token shows in the JSON report")
	}
}

// TestProbeStepNoBaseline: a token the authorizer refuses fails the step —
// the battery proved nothing — instead of passing as "all refused".
func TestProbeStepNoBaseline(t *testing.T) {
	t.Parallel()
	sc := loadSrc(t, strings.Replace(probeGateway, "token: user-token}", "token: nobody}", 1))
	st := run(t, scenario.Options{}, sc).Scenarios[0].Steps[1]
	if st.Status != scenario.Failed || len(st.Failures) != 1 || !strings.Contains(st.Failures[0].Message, "probe: no baseline: the authorizer refuses the credential") {
		t.Fatalf("%s %+v", st.Status, st.Failures)
	}
	if st.Result == nil || st.Result.Response.Status != 401 {
		t.Errorf("the refused baseline's trace is not kept")
	}
}

// TestProbeStepInvalid: probe steps are checked at load like requests.
func TestProbeStepInvalid(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ step, want string }{
		{`probe: {route: /orders/1, token: x}`, "probe.route \"/orders/1\": expected METHOD PATH"},
		{`probe: {route: GET /nowhere, token: x}`, "probe GET /nowhere matches no route of the gateway"},
		{`probe: {route: GET /orders/1, token: x, expect: some-refused}`, "the only expectation is all-refused"},
		{"probe: {route: GET /orders/1, token: x}\n    request: {method: GET, path: /orders/1}", "probe is a step of its own"},
		{`probe: {route: GET /orders/1, token: x, key: missing.pem}`, "probe.key:"},
	} {
		src := strings.Replace(probeGateway, "    probe: {route: GET /orders/1, token: user-token}", "    "+c.step, 1)
		_, diags, err := scenario.Load(filepath.Join("testdata", "t.yaml"), []byte(src), testLoad)
		if err == nil || !strings.Contains(diags.Format(false), c.want) {
			t.Errorf("%s: want %q, got %v\n%s", c.step, c.want, err, diags.Format(false))
		}
	}
}

// TestProbeStepFixture replays fixtures/scenarios/probe.yaml: the correct
// Python authorizer refuses every attack, and a probe step passes.
func TestProbeStepFixture(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not on PATH")
	}
	sc, diags, err := scenario.LoadFile(filepath.Join("..", "fixtures", "scenarios", "probe.yaml"), testLoad)
	if err != nil {
		t.Fatal(diags.Format(true))
	}
	rep := run(t, scenario.Options{}, sc)
	if !rep.OK() {
		var b bytes.Buffer
		_ = scenario.WriteScenario(&b, rep.Scenarios[0], scenario.TextOptions{})
		t.Fatalf("fixture probe scenario failed:\n%s", b.String())
	}
	for _, st := range rep.Scenarios[0].Steps {
		if st.Plan.Probe != nil && (st.Probe == nil || st.Probe.Counts().Refused < 40) {
			t.Errorf("%s: probe report %+v", st.Plan.Name, st.Probe)
		}
	}
}
