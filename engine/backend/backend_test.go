package backend

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an upstream that keeps the last request it saw.
type recorder struct {
	mu     sync.Mutex
	header http.Header
	host   string
	body   string
	handle func(w http.ResponseWriter, r *http.Request)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.header, rec.host, rec.body = r.Header.Clone(), r.Host, string(b)
	rec.mu.Unlock()
	if rec.handle != nil {
		rec.handle(w, r)
		return
	}
	io.WriteString(w, "ok")
}

func upstream(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) (*recorder, *URL) {
	t.Helper()
	rec := &recorder{handle: handle}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	u, err := NewURL(srv.URL+"/base", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return rec, u
}

func TestURLForwardsExactly(t *testing.T) {
	rec, u := upstream(t, nil)
	h := http.Header{}
	h.Set("Host", "api.example")
	h.Set("Connection", "X-Hop")
	h.Set("X-Hop", "1")
	h.Set("Keep-Alive", "timeout=5")
	h.Set("X-Forwarded-For", "10.0.0.1")
	h.Set("Authorization", "Bearer t")
	req := &Request{Method: "POST", Path: "/orders/42", Query: url.Values{"a": {"1"}}, Header: h,
		Body: []byte(`{"x":1}`), Host: "api.example", ClientIP: "192.0.2.7"}
	resp, err := u.Serve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != "ok" {
		t.Fatalf("got %d %q", resp.Status, resp.Body)
	}
	got := rec.header
	for name, want := range map[string]string{
		"X-Forwarded-For":   "10.0.0.1, 192.0.2.7",
		"X-Forwarded-Host":  "api.example",
		"X-Forwarded-Proto": "http",
		"Authorization":     "Bearer t",
		"X-Hop":             "",
		"Keep-Alive":        "",
		"User-Agent":        "", // none sent, none invented
		"Content-Type":      "", // none sent, none sniffed
		"Accept-Encoding":   "", // bodies pass through as encoded
	} {
		if got.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, got.Get(name), want)
		}
	}
	if strings.HasPrefix(rec.host, "api.example") {
		t.Errorf("upstream Host = %q: want the upstream's own host", rec.host)
	}
	if rec.body != `{"x":1}` {
		t.Errorf("body %q", rec.body)
	}
	if req.Header.Get("X-Forwarded-For") != "10.0.0.1" {
		t.Error("Serve edited the caller's headers")
	}
}

func TestURLIsNotABrowser(t *testing.T) {
	rec, u := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "alice"})
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	for i := 0; i < 2; i++ {
		resp, err := u.Serve(context.Background(), &Request{Method: "GET", Path: "/", Header: http.Header{}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != http.StatusFound || resp.Header.Get("Location") != "/elsewhere" {
			t.Fatalf("got %d %v: redirects go back to the client", resp.Status, resp.Header)
		}
	}
	if c := rec.header.Get("Cookie"); c != "" {
		t.Errorf("an upstream cookie was replayed to the next client: %q", c)
	}
}

func TestURLStreams(t *testing.T) {
	release := make(chan struct{})
	_, u := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first ")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "second")
	})
	resp, err := u.Serve(WithStreaming(context.Background()), &Request{Method: "GET", Path: "/", Header: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Stream == nil || resp.Body != nil {
		t.Fatal("streaming was asked for: want Stream, not Body")
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(resp.Stream, buf); err != nil || string(buf) != "first " {
		t.Fatalf("first part %q, %v", buf, err)
	}
	close(release)
	rest, err := io.ReadAll(resp.Stream)
	if err != nil || string(rest) != "second" {
		t.Fatalf("rest %q, %v", rest, err)
	}
	if err := resp.Stream.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestURLFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	down, _ := NewURL("http://"+closed, time.Second)
	if _, err := down.Serve(context.Background(), &Request{Method: "GET", Path: "/", Header: http.Header{}}); !errors.Is(err, ErrUnreachable) {
		t.Errorf("closed port: %v, want ErrUnreachable", err)
	}

	_, slow := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Minute):
		case <-r.Context().Done():
		}
	})
	slow.timeout = 100 * time.Millisecond
	start := time.Now()
	if _, err := slow.Serve(context.Background(), &Request{Method: "GET", Path: "/", Header: http.Header{}}); !errors.Is(err, ErrTimeout) {
		t.Errorf("slow upstream: %v, want ErrTimeout", err)
	}
	if took := time.Since(start); took >= time.Minute {
		t.Errorf("answered after the upstream's whole minute (%s): no timeout", took)
	}
}
