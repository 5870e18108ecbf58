package runtime

import (
	"bufio"
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// Warm calls through a pool of one, with a trivial handler: what is measured
// is authlab's own overhead plus the interpreter's call. Each benchmark also
// reports how many times faster that is than starting the interpreter for
// every call (what a container-per-call emulator pays at the very least).

func BenchmarkInvokePython(b *testing.B) {
	needs(b, "python3")
	benchWarm(b, Spec{Runtime: "python", Handler: testdata(b, "py", "bench.py") + ":handler"})
}

func BenchmarkInvokeNode(b *testing.B) {
	needs(b, "node")
	benchWarm(b, Spec{Runtime: "node", Handler: testdata(b, "node", "bench.js") + ":handler"})
}

func BenchmarkInvokeProcess(b *testing.B) {
	needs(b, "python3")
	benchWarm(b, Spec{Runtime: "process", Command: []string{"python3", "bench.py"}, Dir: testdata(b, "proc")})
}

// BenchmarkMinimalJSONLinesPython is the floor for BenchmarkInvokePython:
// the same handler behind the smallest JSON-lines worker (one line in, one
// line out, no framing, context or log capture), driven from Go directly.
// BenchmarkInvokePython's ns/op over this one's is the protocol's cost.
func BenchmarkMinimalJSONLinesPython(b *testing.B) {
	needs(b, "python3")
	cmd := exec.Command("python3", "-u", testdata(b, "jsonl", "minimal.py"))
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = in.Close(); _ = cmd.Wait() }()
	br := bufio.NewReader(out)
	line := append(append([]byte(nil), event...), '\n')
	call := func() {
		if _, err := in.Write(line); err != nil {
			b.Fatal(err)
		}
		if _, err := br.ReadSlice('\n'); err != nil {
			b.Fatal(err)
		}
	}
	call()
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}

var event = []byte(`{"type":"TOKEN","authorizationToken":"Bearer allow-me","methodArn":"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders/42"}`)

func benchWarm(b *testing.B, spec Spec) {
	fn := newFn(b, spec)
	ctx := context.Background()
	inv := Invocation{Event: event, RequestID: "bench"}
	if _, err := fn.Invoke(ctx, inv); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := fn.Invoke(ctx, inv); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	warm := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(float64(spawnCost(b, spec).Nanoseconds())/warm, "x-faster-than-spawn")
}

var (
	spawnMu    sync.Mutex
	spawnCache = map[string]time.Duration{}
)

// spawnCost is the mean latency of a call on a fresh worker (start the
// interpreter, load the handler, call, stop), measured once per runtime.
func spawnCost(b *testing.B, spec Spec) time.Duration {
	spawnMu.Lock()
	defer spawnMu.Unlock()
	key := spec.Runtime
	if d, ok := spawnCache[key]; ok {
		return d
	}
	const rounds = 5
	start := time.Now()
	for range rounds {
		fn, err := NewWorkerFunction(spec)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fn.Invoke(context.Background(), Invocation{Event: event}); err != nil {
			b.Fatal(err)
		}
		_ = fn.Close()
	}
	d := time.Since(start) / rounds
	spawnCache[key] = d
	return d
}

// BenchmarkFolderCheck is the per-call cost of noticing handler edits.
func BenchmarkFolderCheck(b *testing.B) {
	w := newWatcher(testdata(b, "py"))
	for b.Loop() {
		w.changed()
	}
}
