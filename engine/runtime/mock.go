package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MockRow is one row of a mock function's answer table.
type MockRow struct {
	When    map[string]any // all must hold; empty matches everything
	Payload []byte         // the answer (JSON or raw bytes)
	Err     *FunctionError // or a thrown error
	Delay   time.Duration  // real-time wait before answering
	res     map[string]*regexp.Regexp
}

// Mock answers from a table: the first row whose conditions hold wins.
type Mock struct {
	rows []MockRow
}

var _ Function = (*Mock)(nil)

// NewMock compiles the table. Regex conditions start with "~".
func NewMock(rows []MockRow) (*Mock, error) {
	for i := range rows {
		rows[i].res = map[string]*regexp.Regexp{}
		for k, v := range rows[i].When {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "~") {
				re, err := regexp.Compile(s[1:])
				if err != nil {
					return nil, fmt.Errorf("mock row %d, when.%s: %w", i+1, k, err)
				}
				rows[i].res[k] = re
			}
		}
	}
	return &Mock{rows: rows}, nil
}

func (m *Mock) Close() error { return nil }

// Invoke picks the first matching row. No match is the function's error, as
// an unhandled case in a real handler would be.
func (m *Mock) Invoke(ctx context.Context, inv Invocation) (Result, error) {
	var event map[string]any
	_ = json.Unmarshal(inv.Event, &event)
	for i := range m.rows {
		row := &m.rows[i]
		if !row.matches(event, inv) {
			continue
		}
		if row.Delay > 0 {
			timeout := inv.Timeout
			if timeout <= 0 {
				timeout = DefaultTimeout
			}
			t := time.NewTimer(row.Delay)
			deadline := time.NewTimer(timeout)
			select {
			case <-t.C:
				deadline.Stop()
			case <-deadline.C:
				t.Stop()
				return Result{}, TimeoutError(timeout)
			case <-ctx.Done():
				t.Stop()
				deadline.Stop()
				return Result{}, fmt.Errorf("call cancelled: %w", ctx.Err())
			}
		}
		res := Result{Logs: fmt.Sprintf("mock: row %d matched\n", i+1)}
		if row.Err != nil {
			e := *row.Err
			res.Err = &e
			return res, nil
		}
		res.Payload = expandEvent(row.Payload, event)
		return res, nil
	}
	return Result{Err: &FunctionError{Type: "MockNoMatch", Message: "no mock response matches this event"},
		Logs: "mock: no row matched\n"}, nil
}

func (r *MockRow) matches(event map[string]any, inv Invocation) bool {
	for k, want := range r.When {
		got, ok := lookup(event, k, inv)
		if !ok {
			return false
		}
		if re := r.res[k]; re != nil {
			if !re.MatchString(got) {
				return false
			}
			continue
		}
		if got != scalarString(want) {
			return false
		}
	}
	return true
}

// lookup resolves a condition key: "token" (the first identity value),
// "identity" (all, comma-joined), "method"/"path" (from the event or its
// methodArn), else a dotted path into the event.
func lookup(event map[string]any, key string, inv Invocation) (string, bool) {
	switch key {
	case "token":
		if len(inv.Identity) == 0 {
			return "", false
		}
		return inv.Identity[0], true
	case "identity":
		return strings.Join(inv.Identity, ","), len(inv.Identity) > 0
	case "method", "path":
		if v, ok := dig(event, map[string]string{"method": "httpMethod", "path": "path"}[key]); ok {
			return v, true
		}
		arn, _ := event["methodArn"].(string)
		// arn:aws:execute-api:region:account:api/stage/METHOD/path
		parts := strings.SplitN(arn, "/", 4)
		if len(parts) < 3 {
			return "", false
		}
		if key == "method" {
			return parts[2], true
		}
		if len(parts) == 4 {
			return "/" + parts[3], true
		}
		return "/", true
	}
	return dig(event, key)
}

func dig(event map[string]any, path string) (string, bool) {
	var cur any = event
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		v, ok := m[p]
		if !ok {
			// header names are case-insensitive
			for k, x := range m {
				if strings.EqualFold(k, p) {
					v, ok = x, true
					break
				}
			}
			if !ok {
				return "", false
			}
		}
		cur = v
	}
	return scalarString(cur), true
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int, int64, uint64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// expandEvent substitutes ${event.PATH} in string values of a JSON answer,
// so a mock can answer like a real authorizer (Resource: ${event.methodArn}).
func expandEvent(payload []byte, event map[string]any) []byte {
	if !strings.Contains(string(payload), "${event.") {
		return append([]byte(nil), payload...)
	}
	var v any
	if json.Unmarshal(payload, &v) != nil {
		return append([]byte(nil), payload...)
	}
	out, err := json.Marshal(expandValue(v, event))
	if err != nil {
		return append([]byte(nil), payload...)
	}
	return out
}

var eventRef = regexp.MustCompile(`\$\{event\.([A-Za-z0-9_.\-]+)\}`)

func expandValue(v any, event map[string]any) any {
	switch x := v.(type) {
	case string:
		return eventRef.ReplaceAllStringFunc(x, func(m string) string {
			got, _ := dig(event, eventRef.FindStringSubmatch(m)[1])
			return got
		})
	case map[string]any:
		for k, y := range x {
			x[k] = expandValue(y, event)
		}
	case []any:
		for i, y := range x {
			x[i] = expandValue(y, event)
		}
	}
	return v
}
