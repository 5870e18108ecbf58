package report

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/trace"
)

// tag shows each segment's role, so a test sees what a surface styles.
func tag(r Role, text string) string { return fmt.Sprintf("<%d>%s", r, text) }

// TestLinesAreStyleNeutral: the report's lines carry roles and depths, not
// styles or indentation; a surface picks both.
func TestLinesAreStyleNeutral(t *testing.T) {
	t.Parallel()
	st := &trace.Stage{Name: "authorizer", Status: trace.Fail, Duration: 1500 * time.Microsecond, Summary: "denied", Rules: []string{"AWS-P1"},
		Details: []trace.Detail{{Key: "principal", Value: "alice"}, {Key: "log", Value: "one\ntwo\n"}, {Key: "answer", JSON: []byte(`{"a":1}`)}},
		Changes: []trace.Change{{Target: "header", Op: "set", Name: "X-A", New: []string{"1"}}, {Target: "header", Op: "removed", Name: "X-B", Old: []string{"2"}}}}
	f := Stage(st, nil)
	if f.Mark != (Segment{Fail, "✗"}) || f.Name != (Segment{Fail, "authorizer"}) || f.Duration != "1.5ms" || f.Rules != "[AWS-P1]" {
		t.Errorf("stage facts: %+v", f)
	}
	want := "    <6>principal:<0> alice\n" +
		"    <6>log:\n      <0>one\n      <0>two\n" +
		"    <6>answer:\n      <0>{\n      <0>  \"a\": 1\n      <0>}\n"
	if got := Block(DetailLines(st, nil), tag, "    ", "  "); got != want {
		t.Errorf("details:\n%s\nwant\n%s", got, want)
	}
	if got := Block(ChangeLines(st, nil), nil, "", ""); got != "set header X-A: 1\nremoved header X-B (was \"2\")\n" {
		t.Errorf("changes:\n%s", got)
	}
	if ChangeLines(st, nil)[1].Segments[0].Role != Changed {
		t.Error("a removal is not in the Changed role")
	}
	resp := &engine.Response{Status: 403, Header: http.Header{"B": {"2"}, "A": {"1"}}, Body: []byte(`{"message":"no"}`)}
	want = "  <6>A:<0> 1\n  <6>B:<0> 2\n\n<0>{\n<0>  \"message\": \"no\"\n<0>}\n"
	if got := Block(ResponseLines(resp, nil), tag, "", "  "); got != want {
		t.Errorf("response:\n%q\nwant\n%q", got, want)
	}
	if StatusRole(403) != Status4xx || StatusText(403) != "403 Forbidden" {
		t.Error("status role or text")
	}
}
