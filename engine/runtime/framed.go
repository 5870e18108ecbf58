package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxHeader bounds one protocol header line (a long error message).
const maxHeader = 1 << 20

// frameHeader is a message from a runtime loop on fd 4.
type frameHeader struct {
	Kind    string `json:"kind"` // ready | load_error | result | error | too_large
	ID      uint64 `json:"id"`
	Len     int    `json:"len"`
	Type    string `json:"type"`
	Message string `json:"message"`
	Size    int    `json:"size"`
	Exit    bool   `json:"exit"` // the loop is exiting after this answer
	Text    bool   `json:"text"` // result: the handler returned a string, sent as it was
	// load_error: where in the user's code the handler failed to load,
	// when the interpreter says (a syntax error, the import that failed).
	File string `json:"file"`
	Line int    `json:"line"`
}

type frame struct {
	hdr     frameHeader
	payload []byte
	err     error // end of file or garbage; the worker is unusable
}

// A call goes to a runtime loop on fd 3 as one line, then the event:
//
//	<id> <len> <nowMs> <timeoutMs> <requestId> <functionName>\n<len bytes of event JSON>
//
// The two names are written as they are when they hold only bytes no
// parser could mistake (see plainToken), else as JSON strings with no raw
// space. A line of fields costs a Python loop a split, where a JSON header
// cost it a json.loads as dear as the event's (issue 18 item 3).
func appendRequest(b []byte, id uint64, rq request) []byte {
	b = strconv.AppendUint(b, id, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(rq.event)), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, rq.now.UnixMilli(), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, rq.budget().Milliseconds(), 10)
	b = append(b, ' ')
	b = appendToken(b, rq.requestID)
	b = append(b, ' ')
	b = appendToken(b, rq.functionName)
	b = append(b, '\n')
	return append(b, rq.event...)
}

// appendToken writes s as is when plainToken allows, else as a JSON string
// whose spaces are escaped (\u0020), so that the line splits on spaces.
func appendToken(b []byte, s string) []byte {
	if plainToken(s) {
		return append(b, s...)
	}
	q, _ := json.Marshal(s)
	for _, c := range q {
		if c == ' ' {
			b = append(b, `\u0020`...)
			continue
		}
		b = append(b, c)
	}
	return b
}

// plainToken: non-empty, and only letters, digits and ._:/@+=- (request
// ids, function names).
func plainToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '_' || c == ':' || c == '/' || c == '@' || c == '+' || c == '=' || c == '-':
		default:
			return false
		}
	}
	return true
}

// framedWorker runs a python or node runtime loop. Protocol messages travel
// on their own pipes (fds 3 and 4), so whatever the handler prints on
// stdout/stderr is only ever logs.
//
// The caller's goroutine reads the answer itself, under a read deadline,
// as the caller of a minimal JSON-lines worker would: a reader
// goroutine handing frames over a channel cost each call a goroutine
// switch, a timer and a select (issue 18 item 3).
type framedWorker struct {
	holder
	r    *resolved
	req  *os.File
	resp *os.File
	br   *bufio.Reader // resp's; kept across calls
	seq  uint64
	wbuf []byte // the request being written, kept for the next call
}

func newFramedWorker(r *resolved) *framedWorker {
	return &framedWorker{r: r, holder: newHolder()}
}

func (w *framedWorker) readySignal() bool { return true }

func (w *framedWorker) start(ctx context.Context) error {
	rd, wr, err := pipes(3) // requests, responses, logs
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLoad, err)
	}
	p, err := startProc(w.r, procIO{
		stdout: wr[2], stderr: wr[2],
		extra:  []*os.File{rd[0], wr[1]},
		child:  []*os.File{rd[0], wr[1], wr[2]},
		parent: []*os.File{wr[0], rd[1]},
		logs:   rd[2],
		wake:   []*os.File{rd[1]},
	})
	if err != nil {
		return err
	}
	if err := w.holder.set(p); err != nil {
		return err
	}
	w.req, w.resp = wr[0], rd[1]
	w.br = bufio.NewReaderSize(rd[1], 64<<10)

	f, err := w.await(ctx, p, time.Now().Add(initTimeout))
	if errors.Is(err, errAwaitTimeout) {
		return fmt.Errorf("%w: loading %s: %w", ErrLoad, w.r.file, TimeoutError(initTimeout))
	}
	if err != nil {
		return err
	}
	switch {
	case f.err != nil:
		p.waitExit(time.Second)
		return fmt.Errorf("%w: the %s worker exited before loading the handler (%s)", ErrLoad, w.r.Runtime, p.exitReport())
	case f.hdr.Kind == "ready":
		// What loading printed stays for the first call's logs; its crash
		// report quotes from here.
		p.logs.drain()
		p.logs.resetTail()
		return nil
	case f.hdr.Kind == "load_error":
		return loadError(w.r, f.hdr)
	default:
		return fmt.Errorf("%w: unexpected %q message while loading", ErrLoad, f.hdr.Kind)
	}
}

// errAwaitTimeout: the worker said nothing before the deadline.
var errAwaitTimeout = errors.New("no answer before the deadline")

// await reads the worker's next message, waiting no later than deadline
// (errAwaitTimeout), until ctx ends (ctxError) or the worker is killed
// (errStopped). A message that is a broken channel (end of file, garbage)
// is returned as the frame's err. A worker whose process ended gives the
// message it wrote before dying, if any (see lastFrame).
func (w *framedWorker) await(ctx context.Context, p *proc, deadline time.Time) (frame, error) {
	if err := w.resp.SetReadDeadline(deadline); err != nil {
		return w.unread(ctx, p, err)
	}
	if ctx.Done() != nil {
		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			_ = w.resp.SetReadDeadline(time.Unix(1, 0))
			close(fired)
		})
		defer func() {
			if !stop() {
				<-fired // so it cannot cut short the next call's read
			}
		}()
	}
	if !p.alive() {
		// It may have exited before the deadline above was set, so the
		// exit may not cut the read short.
		return w.lastFrame(p), nil
	}
	f := w.readFrame(w.br)
	if f.err == nil || !errors.Is(f.err, os.ErrDeadlineExceeded) && !errors.Is(f.err, os.ErrClosed) {
		return f, nil
	}
	return w.unread(ctx, p, f.err)
}

// unread says why a read was cut short.
func (w *framedWorker) unread(ctx context.Context, p *proc, cause error) (frame, error) {
	select {
	case <-w.holder.dead:
		return frame{}, errStopped
	default:
	}
	switch {
	case !p.alive():
		return w.lastFrame(p), nil
	case ctx.Err() != nil:
		return frame{}, ctxError(ctx)
	case errors.Is(cause, os.ErrDeadlineExceeded):
		return frame{}, errAwaitTimeout
	default:
		return frame{err: cause}, nil
	}
}

// lastFrame is for a worker whose process has ended: the message it wrote
// before dying, if any, else errWorkerExited. (A child it forked may hold
// the pipe open, so no end of file may come.)
func (w *framedWorker) lastFrame(p *proc) frame {
	<-p.woken
	if err := w.resp.SetReadDeadline(time.Now().Add(exitGrace)); err != nil {
		return frame{err: errWorkerExited}
	}
	f := w.readFrame(w.br)
	if errors.Is(f.err, os.ErrDeadlineExceeded) || errors.Is(f.err, os.ErrClosed) {
		return frame{err: errWorkerExited}
	}
	return f
}

// loadError reports what the interpreter said; its traceback is in the
// logs of the failed call, as Lambda logs an import error.
func loadError(r *resolved, h frameHeader) error {
	return &LoadError{Handler: r.Handler, Type: h.Type, Message: h.Message,
		Hint: MissingModuleHint(r.Runtime, r.interpreter(), h.Type, h.Message), File: h.File, Line: h.Line}
}

// LoadError is a handler that does not load: the interpreter's error, and
// where in the user's code it happened when the interpreter says (File,
// Line: the handler file, or the module it imports that failed). It
// wraps ErrLoad.
type LoadError struct {
	Handler string // FILE:FUNCTION
	Type    string // SyntaxError, ModuleNotFoundError, ...
	Message string
	Hint    string // what to do, when authlab knows (MissingModuleHint)
	File    string
	Line    int
}

func (e *LoadError) Error() string {
	msg := e.Message
	if e.Type != "" {
		msg = e.Type + ": " + msg
	}
	if e.Hint != "" {
		msg += " — " + e.Hint
	}
	return fmt.Sprintf("%s: %s: %s", ErrLoad, e.Handler, msg)
}

func (e *LoadError) Unwrap() error { return ErrLoad }

// interpreter is the program a python or node worker runs.
func (r *resolved) interpreter() string {
	if len(r.argv) == 0 {
		return ""
	}
	return r.argv[0]
}

var noModule = regexp.MustCompile(`No module named '([^']+)'`)

// MissingModuleHint says, for a Python ModuleNotFoundError, which
// interpreter ran the handler and how to point the function at another:
// the module is usually installed, but in a virtualenv the worker did not
// use. "" for any other error.
func MissingModuleHint(runtime, interpreter, errType, message string) string {
	if runtime != "python" || (errType != "ModuleNotFoundError" && !(errType == "ImportError" && noModule.MatchString(message))) {
		return ""
	}
	install := "install it for that interpreter"
	if m := noModule.FindStringSubmatch(message); m != nil {
		top, _, _ := strings.Cut(m[1], ".")
		install = fmt.Sprintf("install it for that interpreter (%s -m pip install %s)", interpreter, top)
	}
	return fmt.Sprintf("the handler ran under %s; %s, or point the function at the interpreter that has it with python: PATH (without python:, a .venv beside the handler or the gateway file is used)", interpreter, install)
}

func (w *framedWorker) readFrame(br *bufio.Reader) frame {
	line, err := readLine(br, maxHeader)
	if errors.Is(err, errLineTooLong) {
		return frame{err: fmt.Errorf("garbage on the protocol channel: a line over %d bytes", maxHeader)}
	}
	if err != nil {
		return frame{err: err}
	}
	var fr frame
	if h, ok := parseResultHeader(line); ok {
		fr.hdr = h
	} else if err := json.Unmarshal(line, &fr.hdr); err != nil || fr.hdr.Kind == "" {
		return frame{err: fmt.Errorf("garbage on the protocol channel: %q", clip(line, 120))}
	}
	if fr.hdr.Len < 0 || fr.hdr.Len > w.r.MaxResponse {
		return frame{err: fmt.Errorf("protocol channel announced a %d-byte answer", fr.hdr.Len)}
	}
	if fr.hdr.Len > 0 {
		fr.payload = make([]byte, fr.hdr.Len)
		if _, err := io.ReadFull(br, fr.payload); err != nil {
			return frame{err: err}
		}
	}
	return fr
}

// parseResultHeader reads the header the runtime loops write for an
// answer, {"kind":"result","id":N,"len":M} (node adds ,"exit":false), without
// encoding/json; anything else is left to json.Unmarshal.
func parseResultHeader(line []byte) (frameHeader, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"kind":"result","id":`))
	if !ok {
		return frameHeader{}, false
	}
	id, rest, ok := cutUint(rest)
	if !ok {
		return frameHeader{}, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"len":`)); !ok {
		return frameHeader{}, false
	}
	n, rest, ok := cutUint(rest)
	if !ok || n > math.MaxInt32 {
		return frameHeader{}, false
	}
	if !bytes.Equal(rest, []byte("}")) && !bytes.Equal(rest, []byte(`,"exit":false}`)) {
		return frameHeader{}, false
	}
	return frameHeader{Kind: "result", ID: id, Len: int(n)}, true
}

// cutUint reads the decimal digits at the start of b (at most 18 of them,
// no leading zero unless alone).
func cutUint(b []byte) (uint64, []byte, bool) {
	i := 0
	for i < len(b) && i < 19 && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == 0 || i > 18 || (b[0] == '0' && i > 1) {
		return 0, b, false
	}
	n, err := strconv.ParseUint(string(b[:i]), 10, 64)
	return n, b[i:], err == nil
}

// call sends one event and waits for its answer. keep reports whether the
// worker can take another call.
func (w *framedWorker) call(ctx context.Context, rq request) (res Result, keep bool, err error) {
	p := w.proc()
	w.seq++
	// One write: the loop reads the line and the event in one read.
	w.wbuf = appendRequest(w.wbuf[:0], w.seq, rq)
	if cap(w.wbuf) > 64<<10 {
		defer func() { w.wbuf = nil }() // do not keep a big event's buffer
	}
	start := time.Now()
	var err2 error
	if len(w.wbuf) <= pipeAtomic {
		// The worker read the last request whole before it answered, so
		// its pipe is empty and a write this small cannot block: no
		// deadline to arm (a timer and a context callback per call).
		_, err2 = w.req.Write(w.wbuf)
	} else {
		err2 = writeRequest(ctx, w.req, rq.budget(), w.wbuf)
	}
	if err2 != nil {
		return w.broken(p, err2)
	}
	f, err := w.await(ctx, p, start.Add(rq.budget()))
	if errors.Is(err, errAwaitTimeout) {
		err = rq.timedOut(rq.timeout)
	}
	if err != nil {
		return w.broken(p, err)
	}
	return w.answer(p, f)
}

// answer turns the worker's message into the call's outcome.
func (w *framedWorker) answer(p *proc, f frame) (res Result, keep bool, err error) {
	if f.err != nil {
		return w.broken(p, f.err)
	}
	if f.hdr.ID != w.seq {
		return w.broken(p, fmt.Errorf("garbage on the protocol channel: answer to call %d during call %d", f.hdr.ID, w.seq))
	}
	p.logs.drain()
	res.Logs = p.logs.take()
	p.logs.resetTail()
	keep = !f.hdr.Exit && p.alive()
	switch f.hdr.Kind {
	case "result":
		res.Payload = f.payload
		if res.Payload == nil {
			res.Payload = []byte{}
		}
		res.Text = f.hdr.Text
		return res, keep, nil
	case "error":
		res.Err = &FunctionError{Type: f.hdr.Type, Message: f.hdr.Message}
		return res, keep, nil
	case "too_large":
		return res, keep, tooLarge(f.hdr.Size, w.r.MaxResponse)
	default:
		return w.broken(p, fmt.Errorf("garbage on the protocol channel: unexpected %q message", f.hdr.Kind))
	}
}

// broken ends a worker whose call failed, keeping the logs it wrote.
func (w *framedWorker) broken(p *proc, cause error) (Result, bool, error) {
	err := cause
	if exitedEarly(cause) {
		p.waitExit(2 * time.Second)
		err = fmt.Errorf("%w during the call (%s)", ErrExited, p.exitReport())
	}
	w.kill()
	return Result{Logs: p.logs.take()}, false, err
}

func tooLarge(size, limit int) error {
	return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, size, limit)
}

func ctxError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	}
	return fmt.Errorf("call abandoned: %w", ctx.Err())
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
