package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/authlab/authlab/engine"
)

// joinUpgrade finishes a protocol switch (WebSocket) the authorizer allowed
// and the upstream accepted: the client gets the upstream's 101, then bytes
// flow both ways until either side closes. It returns why the tunnel ended
// when that was not a clean close.
func joinUpgrade(w http.ResponseWriter, resp *engine.Response) error {
	back, ok := resp.Stream.(io.ReadWriteCloser)
	if !ok {
		resp.Stream.Close()
		return errors.New("the upstream's 101 answer carries no connection")
	}
	defer back.Close()
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return fmt.Errorf("taking over the client connection: %w", err)
	}
	defer conn.Close()
	// The server's read and write deadlines were for one request; a tunnel
	// lives as long as both ends want it.
	_ = conn.SetDeadline(time.Time{})
	if err := writeSwitch(brw.Writer, resp); err != nil {
		return fmt.Errorf("writing the 101 to the client: %w", err)
	}
	done := make(chan error, 2)
	go func() {
		// bytes the client sent after its request, already buffered
		_, err := io.Copy(back, io.MultiReader(bufferedPart(brw.Reader), conn))
		done <- err
	}()
	go func() {
		_, err := io.Copy(conn, back)
		done <- err
	}()
	err = <-done
	if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("tunnel: %w", err)
	}
	return nil
}

func writeSwitch(bw *bufio.Writer, resp *engine.Response) error {
	if _, err := fmt.Fprintf(bw, "HTTP/1.1 101 Switching Protocols\r\n"); err != nil {
		return err
	}
	if err := resp.Header.Write(bw); err != nil {
		return err
	}
	if _, err := bw.WriteString("\r\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// bufferedPart is what the server's reader already holds past the request.
func bufferedPart(r *bufio.Reader) io.Reader {
	n := r.Buffered()
	if n == 0 {
		return eofReader{}
	}
	b, _ := r.Peek(n)
	return io.LimitReader(r, int64(len(b)))
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
