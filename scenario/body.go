package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/itchyny/gojq"
)

// jqTimeout bounds one jq expression, so `repeat(.)` cannot hang a CI job.
const jqTimeout = 5 * time.Second

// jqMaxOutputs bounds how many results of one expression are checked.
const jqMaxOutputs = 1000

// bodyPlan is a compiled `body:` expectation.
type bodyPlan struct {
	contains []string
	// equals: text when equalsText, else a JSON value.
	hasEquals  bool
	equalsText bool
	equals     any
	jq         []jqPlan
}

type jqPlan struct {
	src  string
	code *gojq.Code
}

// bodyCheck runs every check of a body plan; get returns false when there
// is no body to look at (the caller reports why).
func bodyCheck(label string, p *bodyPlan, get func(o *observed) ([]byte, bool)) check {
	return check{label, func(o *observed) []Failure {
		body, ok := get(o)
		if !ok {
			return nil
		}
		var out []Failure
		for _, c := range p.contains {
			if !strings.Contains(string(body), c) {
				out = append(out, Failure{Check: label + ".contains",
					Message:  fmt.Sprintf("%s: does not contain %q", label, c),
					Expected: c, Actual: clipText(string(body), 2000)})
			}
		}
		if p.hasEquals {
			if f := equalsFailure(label, p, body); f != nil {
				out = append(out, *f)
			}
		}
		for _, q := range p.jq {
			if f := jqFailure(label, q, body); f != nil {
				out = append(out, *f)
			}
		}
		return out
	}}
}

func equalsFailure(label string, p *bodyPlan, body []byte) *Failure {
	if p.equalsText {
		want, _ := p.equals.(string)
		if string(body) == want || jsonEqualText(want, body) {
			return nil
		}
		return &Failure{Check: label + ".equals", Message: label + ": not equal to the expected text",
			Expected: want, Actual: string(body), Diff: lineDiff(prettyBody([]byte(want)), prettyBody(body))}
	}
	var got any
	if err := json.Unmarshal(body, &got); err != nil {
		return &Failure{Check: label + ".equals", Message: fmt.Sprintf("%s: expected JSON, but the body is not JSON: %v", label, err),
			Expected: prettyValue(p.equals), Actual: clipText(string(body), 2000)}
	}
	if reflect.DeepEqual(p.equals, got) {
		return nil
	}
	want := prettyValue(p.equals)
	return &Failure{Check: label + ".equals", Message: label + ": JSON differs from the expected value",
		Expected: want, Actual: prettyValue(got), Diff: lineDiff(want, prettyValue(got))}
}

// jsonEqualText reports whether a text and a body are the same JSON value
// written differently (spacing, key order).
func jsonEqualText(want string, body []byte) bool {
	var a, b any
	if json.Unmarshal([]byte(want), &a) != nil || json.Unmarshal(body, &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// jsonValue turns a YAML value into what encoding/json would decode from
// its JSON, so expected and actual compare with reflect.DeepEqual.
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

func jqFailure(label string, q jqPlan, body []byte) *Failure {
	name := label + ".jq"
	var input any
	if err := json.Unmarshal(body, &input); err != nil {
		return &Failure{Check: name, Message: fmt.Sprintf("%s %s: the body is not JSON: %v", name, q.src, err),
			Expected: "true", Actual: clipText(string(body), 2000)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), jqTimeout)
	defer cancel()
	iter := q.code.RunWithContext(ctx, input)
	n := 0
	for ; n < jqMaxOutputs; n++ {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := v.(error); isErr {
			return &Failure{Check: name, Message: fmt.Sprintf("%s %s: %v", name, q.src, err), Expected: "true", Actual: "error: " + err.Error()}
		}
		if v != true {
			got := jqShow(v)
			msg := fmt.Sprintf("%s %s: yielded %s", name, q.src, got)
			if _, isBool := v.(bool); !isBool {
				msg += " (not a boolean)"
			}
			return &Failure{Check: name, Message: msg, Expected: "true", Actual: got}
		}
	}
	if n == 0 {
		return &Failure{Check: name, Message: fmt.Sprintf("%s %s: yielded nothing", name, q.src), Expected: "true", Actual: "(no output)"}
	}
	return nil
}

func jqShow(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clipText(string(b), 200)
}

// clipText shortens long text for messages; the full body is in the trace.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("… (%d more bytes)", len(s)-n)
}

// body compiles a `body:` expectation: references resolved, jq compiled.
func (l *loader) body(sc *scope, base string, b *Body) *bodyPlan {
	p := &bodyPlan{}
	for i, c := range b.Contains {
		p.contains = append(p.contains, l.render(sc, l.listPath(base+".contains", i, len(b.Contains)), c))
	}
	if b.Equals != nil {
		p.hasEquals = true
		switch v := l.renderAny(sc, base+".equals", b.Equals).(type) {
		case string:
			p.equalsText, p.equals = true, v
		default:
			j, err := jsonValue(v)
			if err != nil {
				l.errf(base+".equals", "equals: not a JSON value: %v", err)
			}
			p.equals = j
		}
	}
	for i, src := range b.JQ {
		path := l.listPath(base+".jq", i, len(b.JQ))
		src = l.render(sc, path, src)
		q, err := gojq.Parse(src)
		if err != nil {
			l.jqError(path, src, err)
			continue
		}
		code, err := gojq.Compile(q)
		if err != nil {
			l.jqError(path, src, err)
			continue
		}
		p.jq = append(p.jq, jqPlan{src: src, code: code})
	}
	return p
}

// jqError reports a jq expression that does not compile, at the offending
// token when the parser says where it is.
func (l *loader) jqError(path, src string, err error) {
	var pe *gojq.ParseError
	if errors.As(err, &pe) {
		// The parser read Offset bytes; the culprit token ends there. The
		// rest of the expression from it is unique enough to find on the line.
		start := min(max(pe.Offset-len(pe.Token), 0), len(src))
		part := src[start:]
		if i := strings.IndexByte(part, '\n'); i >= 0 {
			part = part[:i]
		}
		if len(part) > 24 {
			part = part[:24]
		}
		l.errIn(path, part, "jq %q does not compile: %v", src, err)
		return
	}
	l.errf(path, "jq %q does not compile: %v", src, err)
}

// listPath is the path of item i of a string-or-list value: a single string
// was recorded at the key itself.
func (l *loader) listPath(base string, i, n int) string {
	p := fmt.Sprintf("%s[%d]", base, i)
	if n == 1 {
		if _, ok := l.pos[0].Value(p); !ok {
			return base
		}
	}
	return p
}
