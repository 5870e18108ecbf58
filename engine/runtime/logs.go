package runtime

import (
	"fmt"
	"os"
	"sync"
)

// maxCallLogs bounds the logs kept for one call: a handler printing
// megabytes must not become a trace of megabytes.
const maxCallLogs = 256 << 10

// tailSize is how much recent output a crash report quotes.
const tailSize = 2 << 10

// logSink collects a worker's output (the handler's stdout/stderr) so each
// call gets what was written since the previous call ended.
//
// A plain reader goroutine could still be holding bytes the handler wrote
// before it answered. So reads happen under mu, and drain() reads whatever
// the pipe still holds: once a worker has answered, everything it printed
// before answering is in the pipe or already in buf, never in between.
type logSink struct {
	f       *os.File
	mu      sync.Mutex
	buf     []byte
	dropped int
	tail    []byte
	scratch []byte
	done    chan struct{}
}

func newLogSink(f *os.File) *logSink {
	s := &logSink{f: f, scratch: make([]byte, 32<<10), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *logSink) run() {
	defer close(s.done)
	rc, err := s.f.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 32<<10)
	for {
		eof := false
		err := rc.Read(func(fd uintptr) bool {
			for {
				s.mu.Lock()
				n, again := readNonblock(fd, buf)
				s.add(buf[:n])
				s.mu.Unlock()
				switch {
				case n > 0:
				case again:
					return false
				default:
					eof = true
					return true
				}
			}
		})
		if err != nil || eof {
			return
		}
	}
}

// drain moves what the pipe holds into the buffer. It is bounded so a
// handler's background thread that never stops printing cannot stall a call.
func (s *logSink) drain() {
	rc, err := s.f.SyscallConn()
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = rc.Control(func(fd uintptr) {
		for range 64 {
			n, _ := readNonblock(fd, s.scratch)
			if n == 0 {
				return
			}
			s.add(s.scratch[:n])
		}
	})
}

// add keeps the head of a call's output (where the story starts) and a
// short tail of everything (where a crash ends). Callers hold mu.
func (s *logSink) add(p []byte) {
	if len(p) == 0 {
		return
	}
	room := min(max(maxCallLogs-len(s.buf), 0), len(p))
	s.buf = append(s.buf, p[:room]...)
	s.dropped += len(p) - room
	if len(p) >= tailSize {
		s.tail = append(s.tail[:0], p[len(p)-tailSize:]...)
		return
	}
	s.tail = append(s.tail, p...)
	if len(s.tail) > tailSize {
		s.tail = append(s.tail[:0:0], s.tail[len(s.tail)-tailSize:]...)
	}
}

// startCall begins a call: a crash report's "last output" quotes only what
// was written from here on, never an earlier call's traceback.
func (s *logSink) startCall() {
	s.drain()
	s.mu.Lock()
	s.tail = s.tail[:0]
	s.mu.Unlock()
}

// resetTail starts the next call's "last output" here. A framed worker
// calls it once everything the worker printed before its answer (or its
// ready message) has been drained, which spares each call a drain of its
// own at its start: a crash report still quotes only what was written
// after the previous answer.
func (s *logSink) resetTail() {
	s.mu.Lock()
	s.tail = s.tail[:0]
	s.mu.Unlock()
}

// take returns the output since the last take.
func (s *logSink) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := string(s.buf)
	if s.dropped > 0 {
		out += fmt.Sprintf("\n[authlab: %d more bytes of output dropped]\n", s.dropped)
	}
	s.buf, s.dropped = s.buf[:0], 0
	return out
}

// lastOutput is the end of what the worker wrote since the current call
// began (since it started, before its first call).
func (s *logSink) lastOutput() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.tail)
}

// close stops the reader; the worker process must be gone.
func (s *logSink) close() {
	_ = s.f.Close()
	<-s.done
}
