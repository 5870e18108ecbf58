package probe

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// keyServer is the attacker's key server: it serves authlab's own key (a
// JWKS for jku, a certificate for x5u) on 127.0.0.1 for the length of one
// probe, and remembers which paths were fetched, so the report can say
// whether the authorizer followed the token's URL.
type keyServer struct {
	base string
	srv  *http.Server
	ln   net.Listener

	mu      sync.Mutex
	docs    map[string]doc
	fetched map[string]int
}

type doc struct {
	contentType string
	body        []byte
}

func startKeyServer() (*keyServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &keyServer{ln: ln, base: "http://" + ln.Addr().String(), docs: map[string]doc{}, fetched: map[string]int{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// put publishes a document at path and returns its URL.
func (s *keyServer) put(path, contentType string, body []byte) string {
	s.mu.Lock()
	s.docs[path] = doc{contentType, body}
	s.mu.Unlock()
	return s.base + path
}

// fetches says how many times path was requested.
func (s *keyServer) fetches(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetched[path]
}

func (s *keyServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.fetched[r.URL.Path]++
	d, ok := s.docs[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", d.contentType)
	_, _ = w.Write(d.body)
}

// Close stops the server.
func (s *keyServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}
