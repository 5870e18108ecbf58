package policy

import (
	"encoding/json"
	"testing"
)

func TestMatch_AWSP2(t *testing.T) {
	arn := "arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/orders/42"
	cases := []struct {
		pattern string
		want    bool
	}{
		{"*", true},
		{"arn:aws:execute-api:*:*:*", true}, // * crosses / and :
		{arn, true},
		{"arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/orders/4?", true},
		{"arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/orders/?", false},  // ? is one character
		{"arn:aws:execute-api:eu-west-1:123456789012:api/prod/get/orders/42", false}, // case-sensitive
		{"arn:aws:execute-api:eu-west-1:123456789012:api/prod/*/orders/*", true},
		{"arn:aws:execute-api:eu-west-1:123456789012:api/prod/POST/*", false},
		{"", false},
		{"**", true},
	}
	for _, c := range cases {
		if got := Match(c.pattern, arn); got != c.want {
			t.Errorf("Match(%q) = %v, want %v", c.pattern, got, c.want)
		}
	}
}

func TestEvaluate_AWSP1_P3(t *testing.T) {
	doc := func(s string) *Document {
		d, err := Parse(json.RawMessage(s))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return d
	}
	arn := "arn:aws:execute-api:r:1:a/s/GET/x"
	cases := []struct {
		name, doc string
		allowed   bool
		explicit  bool
		rule      string
	}{
		{"AWS-P1 string action and resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}}`, true, false, "AWS-P1"},
		{"AWS-P1 * action", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":["x","` + arn + `"]}]}`, true, false, "AWS-P1"},
		{"AWS-P1 unrelated action", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, false, false, "AWS-R3"},
		{"AWS-P1 action names match case-insensitively", `{"Statement":[{"Effect":"Allow","Action":"execute-api:invoke","Resource":"` + arn + `"}]}`, true, false, "AWS-P1"},
		{"AWS-P1 upper-case action", `{"Statement":[{"Effect":"Allow","Action":["EXECUTE-API:INVOKE"],"Resource":"*"}]}`, true, false, "AWS-P1"},
		{"AWS-P1 lower-case deny still denies", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"Execute-Api:*","Resource":"*"}]}`, false, true, "AWS-P3"},
		{"AWS-P1 NotAction case-insensitive", `{"Statement":[{"Effect":"Allow","NotAction":"execute-api:invoke","Resource":"*"}]}`, false, false, "AWS-R3"},
		{"AWS-P2 resources stay case-sensitive", `{"Statement":[{"Effect":"Allow","Action":"execute-api:invoke","Resource":"arn:aws:execute-api:r:1:a/s/get/x"}]}`, false, false, "AWS-R3"},
		{"AWS-P3 deny wins", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"execute-api:*","Resource":"*"}]}`, false, true, "AWS-P3"},
		{"NotResource excludes", `{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"*/GET/x"}]}`, false, false, "AWS-R3"},
	}
	for _, c := range cases {
		v := doc(c.doc).Evaluate(arn)
		if v.Allowed != c.allowed || v.Explicit != c.explicit || v.Rule != c.rule {
			t.Errorf("%s: %+v", c.name, v)
		}
	}
}

func TestParse_AWSR5Malformed(t *testing.T) {
	for _, s := range []string{
		`{"version":"2012-10-17","Statement":[]}`,
		`{"Version":"2012-10-17","statement":[]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":null}]}`,
		`{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*"}]}`,
		`{"Version":"2012-10-17"}`,
		`[]`,
		`"x"`,
		`{"Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}`,
	} {
		if _, err := Parse(json.RawMessage(s)); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
}

func TestUnmarshalStringAsEncodingJSON(t *testing.T) {
	for _, raw := range []string{`"Allow"`, `""`, `"a\"b"`, `"caf\u00e9"`, "\"caf\xc3\xa9\"", "\"bad\xff\"", `"tab	in"`, `null`, `42`, `["x"]`, `"unterminated`, `"x" `, "\"\x7f\""} {
		var want, got string
		werr := json.Unmarshal([]byte(raw), &want)
		gerr := unmarshalString(json.RawMessage(raw), &got)
		if (werr == nil) != (gerr == nil) || got != want {
			t.Errorf("%q: got %q %v, want %q %v", raw, got, gerr, want, werr)
		}
	}
}
