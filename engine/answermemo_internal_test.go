package engine

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The memo of parsed REST answers (AWS-R4, AWS-R5) changes nothing but the
// cost: a repeated answer parses as it did the first time, the memo keeps
// its own copy of the bytes, failures are never remembered, and it stays
// bounded.
func TestAnswerMemo_AWSR4_RepeatedAnswersParseTheSame(t *testing.T) {
	t.Parallel()
	answer := func(i int) []byte {
		return []byte(fmt.Sprintf(`{"principalId":"u%d","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:%d"}]},"context":{"n":%d}}`, i, i, i))
	}
	var m answerMemo
	buf := answer(1)
	first, fl := parseRESTAnswer(buf)
	if fl != nil {
		t.Fatal(fl)
	}
	m.put(first)
	copy(buf, strings.Repeat("x", len(buf))) // the caller reuses its buffer
	got := m.get(answer(1))
	if got != first || got.doc.Statements[0].Resources[0] != "arn:1" || string(got.top["principalId"]) != `"u1"` {
		t.Fatalf("memo after the caller's buffer changed: %+v", got)
	}
	if m.get(answer(2)) != nil {
		t.Error("an answer never parsed was found")
	}
	if _, fl := parseRESTAnswer([]byte(`{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Maybe"}]}}`)); fl == nil {
		t.Error("a malformed policy parsed")
	}
	big := []byte(`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[]},"context":{"pad":"` + strings.Repeat("p", answerMemoBytes) + `"}}`)
	if a, fl := parseRESTAnswer(big); fl != nil {
		t.Fatal(fl)
	} else if m.put(a); m.get(big) != nil {
		t.Error("an answer over answerMemoBytes was remembered")
	}

	// Bounded, and safe for concurrent requests (go test -race).
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 300 {
				b := answer(w*1000 + i)
				a := m.get(b)
				if a == nil {
					var fl *Failure
					if a, fl = parseRESTAnswer(b); fl != nil {
						t.Error(fl)
						return
					}
					m.put(a)
				}
				if want := fmt.Sprintf(`"u%d"`, w*1000+i); string(a.top["principalId"]) != want {
					t.Errorf("answer %d parsed as %s", w*1000+i, a.top["principalId"])
					return
				}
			}
		})
	}
	wg.Wait()
	if n := len(m.m); n > answerMemoSize {
		t.Errorf("memo holds %d answers, bound %d", n, answerMemoSize)
	}
}
