package backend

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The upstream timeout bounds the wait for the answer's headers; a streamed
// body (server-sent events) may run past it. A buffered body may not.
func TestTimeoutBoundsHeadersNotStreams(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		for i := 0; i < 3; i++ {
			_, _ = io.WriteString(w, "data: tick\n\n")
			w.(http.Flusher).Flush()
			time.Sleep(80 * time.Millisecond)
		}
	}))
	defer srv.Close()
	u, err := NewURL(srv.URL, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := u.Serve(WithStreaming(context.Background()), &Request{Method: "GET", Path: "/", Header: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Stream)
	resp.Stream.Close()
	if err != nil || len(b) != 3*len("data: tick\n\n") {
		t.Errorf("streamed %q, %v: want all three events", b, err)
	}
	if _, err := u.Serve(context.Background(), &Request{Method: "GET", Path: "/", Header: http.Header{}}); err == nil {
		t.Errorf("a buffered answer slower than the timeout must fail")
	}
}
