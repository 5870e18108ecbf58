package runtime

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// errLineTooLong is returned by readLine; the rest of the line is unread.
var errLineTooLong = errors.New("line too long")

// readLine reads one '\n'-terminated line (without it) of at most max bytes.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max+1 {
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if err == nil {
			return line[:len(line)-1], nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}

// writeRequest writes parts to a worker, giving up at the deadline or when
// ctx ends: a worker that stopped reading must not hang the caller.
// pipeAtomic is the most a write to an empty pipe always takes at once
// (PIPE_BUF, the smallest pipe capacity Linux allows).
const pipeAtomic = 4096

func writeRequest(ctx context.Context, f *os.File, timeout time.Duration, parts ...[]byte) error {
	deadline := time.Now().Add(timeout)
	if err := f.SetWriteDeadline(deadline); err != nil {
		return fmt.Errorf("request channel: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Now()) })
	defer func() {
		stop()
		_ = f.SetWriteDeadline(time.Time{}) // later writes arm their own, or none
	}()
	for _, p := range parts {
		if _, err := f.Write(p); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if ctx.Err() != nil {
					return ctxError(ctx)
				}
				return fmt.Errorf("%w (the worker stopped reading its requests)", TimeoutError(timeout))
			}
			return err
		}
	}
	return nil
}

// exitedEarly tells a channel that ended (the worker died mid-message or
// before answering) from a worker that misbehaved while alive.
func exitedEarly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) || errors.Is(err, errWorkerExited)
}
