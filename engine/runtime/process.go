package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// lineWorker runs the process runtime: any long-lived command reading one
// JSON event per line on stdin and writing one answer per line on stdout.
// Here stdout is the protocol and only stderr is logs.
//
// A line that is not JSON is still returned as the Payload: the command is
// the function, so its garbage is its answer, and the platform dialect
// decides what the gateway makes of it (AWS answers 500), as it does for a
// handler that returns a malformed object.
type lineWorker struct {
	holder
	r     *resolved
	stdin *os.File
	lines chan lineMsg
	// outOfStep is set after an answer that was not JSON: a banner or a
	// stray print may have been taken for it, and the real answer may still
	// be on its way. The next call first waits briefly to discard it.
	outOfStep bool
	answered  bool // the command has answered once, so it has started
}

// resyncWait is how long a call waits for late lines after a non-JSON answer.
const resyncWait = 50 * time.Millisecond

type lineMsg struct {
	data     []byte
	tooLarge int // the line's size when it exceeded MaxResponse
	err      error
}

func newLineWorker(r *resolved) *lineWorker {
	return &lineWorker{r: r, lines: make(chan lineMsg), holder: newHolder()}
}

// readySignal: a plain command has no way to say it is ready, so its cold
// start cost includes the whole first call.
func (w *lineWorker) readySignal() bool { return false }

func (w *lineWorker) start(context.Context) error {
	rd, wr, err := pipes(3) // stdin, stdout, stderr
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLoad, err)
	}
	p, err := startProc(w.r, procIO{
		stdin: rd[0], stdout: wr[1], stderr: wr[2],
		child:  []*os.File{rd[0], wr[1], wr[2]},
		parent: []*os.File{wr[0], rd[1]},
		logs:   rd[2],
	})
	if err != nil {
		return err
	}
	if err := w.holder.set(p); err != nil {
		return err
	}
	w.stdin = wr[0]
	go w.read(rd[1])
	return nil
}

// read delivers the command's stdout line by line to the call waiting for
// it, until a read fails (that failure is delivered too) or the worker is
// declared dead.
func (w *lineWorker) read(f *os.File) {
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		m := w.readLine(br)
		select {
		case w.lines <- m:
		case <-w.holder.dead:
			return
		}
		if m.err != nil {
			return
		}
	}
}

// readLine reads one answer line; an oversized one is skipped to its end so
// the worker stays in step for the next call.
func (w *lineWorker) readLine(br *bufio.Reader) lineMsg {
	var line []byte
	size, over := 0, false
	for {
		chunk, err := br.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return lineMsg{err: err}
		}
		size += len(chunk)
		if !over {
			line = append(line, chunk...)
			if len(bytes.TrimRight(line, "\r\n")) > w.r.MaxResponse {
				over, line = true, nil
			}
		}
		if err == nil {
			break
		}
	}
	if over {
		return lineMsg{tooLarge: size - 1}
	}
	return lineMsg{data: bytes.TrimRight(line, "\r\n")}
}

func (w *lineWorker) call(ctx context.Context, rq request) (res Result, keep bool, err error) {
	p := w.proc()
	p.logs.startCall()
	// Lines the command wrote while no call was waiting (a startup banner, a
	// late answer) would otherwise be taken as the answer to this call.
	var wait time.Duration
	if w.outOfStep {
		wait = resyncWait
	}
	stale, err := w.discardStale(wait)
	if err != nil {
		return w.broken(p, err)
	}
	w.outOfStep = false
	// One event per line: the gateway's JSON may be indented.
	var ev bytes.Buffer
	if err := json.Compact(&ev, rq.event); err != nil {
		return Result{}, true, fmt.Errorf("event is not JSON: %w", err)
	}
	ev.WriteByte('\n')
	// The command cannot say when it has started, so its first call also
	// gets the start-up allowance Lambda gives an init phase.
	limit, told := rq.budget(), rq.timeout
	if !w.answered {
		limit += initTimeout
		told += initTimeout
	}
	start := time.Now()
	if err := writeRequest(ctx, w.stdin, limit, ev.Bytes()); err != nil {
		return w.broken(p, err)
	}
	timer := time.NewTimer(limit - time.Since(start))
	defer timer.Stop()
	var m lineMsg
	select {
	case m = <-w.lines:
	case <-p.exited:
		m = w.lastLine()
	case <-w.holder.dead:
		return w.broken(p, errStopped)
	case <-timer.C:
		return w.broken(p, rq.timedOut(told))
	case <-ctx.Done():
		return w.broken(p, ctxError(ctx))
	}
	if m.err != nil {
		return w.broken(p, m.err)
	}
	w.answered = true
	p.logs.drain()
	res.Logs = staleNote(stale) + p.logs.take()
	if m.tooLarge > 0 {
		return res, true, tooLarge(m.tooLarge, w.r.MaxResponse)
	}
	res.Payload = m.data
	w.outOfStep = !json.Valid(m.data)
	return res, true, nil
}

// lastLine is for a command whose process has ended: a child it started
// may hold its stdout open, so end of file may never come, but an answer
// written before it died is in the pipe already.
func (w *lineWorker) lastLine() lineMsg {
	t := time.NewTimer(exitGrace)
	defer t.Stop()
	select {
	case m := <-w.lines:
		return m
	case <-t.C:
		return lineMsg{err: errWorkerExited}
	}
}

// discardStale takes the lines already written, and with wait > 0 also
// those arriving within wait.
func (w *lineWorker) discardStale(wait time.Duration) ([]string, error) {
	var stale []string
	var until <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		until = t.C
	}
	for {
		var m lineMsg
		if until == nil {
			select {
			case m = <-w.lines:
			default:
				return stale, nil
			}
		} else {
			select {
			case m = <-w.lines:
			case <-until:
				return stale, nil
			}
		}
		if m.err != nil {
			return stale, m.err
		}
		stale = append(stale, clip(m.data, 200))
	}
}

func staleNote(stale []string) string {
	if len(stale) == 0 {
		return ""
	}
	return "[authlab: ignored stdout lines written outside a call: " + strings.Join(stale, " | ") + "]\n"
}

func (w *lineWorker) broken(p *proc, cause error) (Result, bool, error) {
	err := cause
	if exitedEarly(cause) {
		p.waitExit(2 * time.Second)
		logs := strings.TrimSpace(p.logs.lastOutput())
		clean := p.cmd.ProcessState != nil && p.cmd.ProcessState.ExitCode() == 0
		err = fmt.Errorf("%w during the call (%s)", ErrExited, p.exitReport())
		if clean && logs == "" && w.answered {
			// A command that answers once and exits 0 (a script run per
			// event) was already gone when this call started: the
			// event never reached it, so the pool may start it again.
			err = fmt.Errorf("%w: %w", errGoneBeforeCall, err)
		}
	}
	w.kill()
	return Result{Logs: p.logs.take()}, false, err
}

// errGoneBeforeCall marks a warm command that had ended cleanly after its
// previous answer; the pool retries the call once on a fresh process.
var errGoneBeforeCall = errors.New("the command had exited after its last answer")
