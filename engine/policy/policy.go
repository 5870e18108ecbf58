// Package policy parses and evaluates the IAM policy documents returned by AWS
// Lambda authorizers, the way API Gateway does: only execute-api:Invoke
// actions count, resources match the methodArn with * and ? wildcards, and a
// matching Deny wins over any Allow (AWS-P1..P3).
package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Statement is one statement of a policy.
type Statement struct {
	Index       int             `json:"index"` // 0-based position in the document
	Sid         string          `json:"sid,omitempty"`
	Effect      string          `json:"effect"`
	Actions     []string        `json:"actions,omitempty"`
	NotActions  []string        `json:"notActions,omitempty"`
	Resources   []string        `json:"resources,omitempty"`
	NotResource []string        `json:"notResources,omitempty"`
	Raw         json.RawMessage `json:"raw"`
}

// Document is a parsed policy.
type Document struct {
	Version    string
	Statements []Statement
}

// Error is a malformed policy (AWS-R4 / AWS-R5: answered with 500).
type Error struct {
	Rule string
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func malformed(rule, format string, a ...any) error {
	return &Error{Rule: rule, Msg: fmt.Sprintf(format, a...)}
}

// Parse reads a policyDocument. API Gateway is strict about key case: a
// lower-case "version" or "statement" key, or "Condition": null, fails the
// authorizer (AWS-R5).
func Parse(raw json.RawMessage) (*Document, error) {
	var top map[string]json.RawMessage
	if err := strictObject(raw, &top); err != nil {
		return nil, malformed("AWS-R4", "policyDocument is not a JSON object: %v", err)
	}
	doc := &Document{}
	for _, k := range sortedKeys(top) {
		switch k {
		case "Version":
			if err := unmarshalString(top[k], &doc.Version); err != nil {
				return nil, malformed("AWS-R5", "policyDocument.Version must be a string")
			}
		case "Statement":
		default:
			if strings.EqualFold(k, "Version") || strings.EqualFold(k, "Statement") {
				return nil, malformed("AWS-R5", "policyDocument key %q must be spelled %q (keys are case-sensitive)", k, canonical(k))
			}
			return nil, malformed("AWS-R5", "policyDocument has unknown key %q", k)
		}
	}
	st, ok := top["Statement"]
	if !ok {
		return nil, malformed("AWS-R4", "policyDocument has no Statement")
	}
	var list []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(st), []byte("[")) {
		if err := json.Unmarshal(st, &list); err != nil {
			return nil, malformed("AWS-R4", "policyDocument.Statement: %v", err)
		}
	} else {
		list = []json.RawMessage{st}
	}
	for i, raw := range list {
		s, err := parseStatement(i, raw)
		if err != nil {
			return nil, err
		}
		doc.Statements = append(doc.Statements, s)
	}
	return doc, nil
}

func canonical(k string) string {
	if strings.EqualFold(k, "Version") {
		return "Version"
	}
	return "Statement"
}

func parseStatement(i int, raw json.RawMessage) (Statement, error) {
	var m map[string]json.RawMessage
	if err := strictObject(raw, &m); err != nil {
		return Statement{}, malformed("AWS-R4", "Statement[%d] is not a JSON object", i)
	}
	s := Statement{Index: i, Raw: raw}
	for _, k := range sortedKeys(m) {
		v := m[k]
		var err error
		switch k {
		case "Sid":
			err = unmarshalString(v, &s.Sid)
		case "Effect":
			err = unmarshalString(v, &s.Effect)
			if err == nil && s.Effect != "Allow" && s.Effect != "Deny" {
				return s, malformed("AWS-R4", "Statement[%d].Effect is %q: must be Allow or Deny", i, s.Effect)
			}
		case "Action":
			s.Actions, err = stringOrList(v)
		case "NotAction":
			s.NotActions, err = stringOrList(v)
		case "Resource":
			s.Resources, err = stringOrList(v)
		case "NotResource":
			s.NotResource, err = stringOrList(v)
		case "Condition":
			if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
				return s, malformed("AWS-R5", "Statement[%d].Condition is null", i)
			}
			return s, malformed("AWS-R5", "Statement[%d].Condition is not supported in authorizer policies", i)
		default:
			return s, malformed("AWS-R5", "Statement[%d] has unknown key %q (keys are case-sensitive: Effect, Action, Resource)", i, k)
		}
		if err != nil {
			return s, malformed("AWS-R4", "Statement[%d].%s: %v", i, k, err)
		}
	}
	if s.Effect == "" {
		return s, malformed("AWS-R4", "Statement[%d] has no Effect", i)
	}
	if len(s.Actions) == 0 && len(s.NotActions) == 0 {
		return s, malformed("AWS-R4", "Statement[%d] has no Action", i)
	}
	if len(s.Resources) == 0 && len(s.NotResource) == 0 {
		return s, malformed("AWS-R4", "Statement[%d] has no Resource", i)
	}
	return s, nil
}

func strictObject(raw json.RawMessage, out *map[string]json.RawMessage) error {
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return fmt.Errorf("expected an object")
	}
	return json.Unmarshal(raw, out)
}

func stringOrList(raw json.RawMessage) ([]string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '[' { // a list is not a string: no need to try
		if err := unmarshalString(raw, &s); err == nil {
			return []string{s}, nil
		}
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("expected a string or a list of strings")
	}
	return list, nil
}

// unmarshalString is json.Unmarshal into a string, without its scan and
// reflection for the common case: a quoted string with nothing to unescape
// (no backslash, no control character, valid UTF-8), which is all a
// statement's Effect, Action and Resource usually are.
func unmarshalString(raw json.RawMessage, s *string) error {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' {
		body := raw[1 : n-1]
		plain := utf8.Valid(body)
		for _, c := range body {
			if c == '"' || c == '\\' || c < 0x20 {
				plain = false
				break
			}
		}
		if plain {
			*s = string(body)
			return nil
		}
	}
	return json.Unmarshal(raw, s)
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Verdict is the outcome of evaluating a policy against one methodArn.
type Verdict struct {
	Allowed  bool
	Explicit bool       // an explicit Deny decided (AWS-R2)
	By       *Statement // the statement that decided; nil for an implicit deny
	Rule     string     // AWS-P3 (deny wins / allow) or AWS-R3 (implicit deny)
	Reason   string
}

// Evaluate decides whether the policy allows arn.
func (d *Document) Evaluate(arn string) Verdict {
	var allow *Statement
	for i := range d.Statements {
		s := &d.Statements[i]
		if !s.actionMatches() || !s.resourceMatches(arn) {
			continue
		}
		if s.Effect == "Deny" {
			return Verdict{Explicit: true, By: s, Rule: "AWS-P3",
				Reason: "Statement[" + strconv.Itoa(s.Index) + "] denies " + arn + " (an explicit Deny wins)"}
		}
		if allow == nil {
			allow = s
		}
	}
	if allow != nil {
		return Verdict{Allowed: true, By: allow, Rule: "AWS-P1",
			Reason: "Statement[" + strconv.Itoa(allow.Index) + "] allows " + arn}
	}
	return Verdict{Rule: "AWS-R3", Reason: "no statement allows " + arn + " (implicit deny)"}
}

// actionCovers reports an action that covers execute-api:Invoke (AWS-P1).
// Action names match case-insensitively, as in every IAM policy
// (execute-api:invoke counts); resources stay case-sensitive (AWS-P2).
func actionCovers(pattern string) bool {
	return Match(strings.ToLower(pattern), "execute-api:invoke")
}

func (s *Statement) actionMatches() bool {
	if len(s.NotActions) > 0 {
		for _, a := range s.NotActions {
			if actionCovers(a) {
				return false
			}
		}
		return true
	}
	for _, a := range s.Actions {
		if actionCovers(a) {
			return true
		}
	}
	return false
}

func (s *Statement) resourceMatches(arn string) bool {
	if len(s.NotResource) > 0 {
		for _, r := range s.NotResource {
			if Match(r, arn) {
				return false
			}
		}
		return true
	}
	for _, r := range s.Resources {
		if Match(r, arn) {
			return true
		}
	}
	return false
}

// Match reports whether s matches an IAM pattern: * is any run of characters
// (including / and :), ? is one character; case-sensitive (AWS-P2).
func Match(pattern, s string) bool {
	if isASCII(pattern) && isASCII(s) {
		return matchASCII(pattern, s)
	}
	return matchRunes([]rune(pattern), []rune(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// matchASCII and matchRunes are the same matcher over bytes (every
// request's methodArn: no copy) and over runes (anything else).
func matchASCII(p, str string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func matchRunes(p, str []rune) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
