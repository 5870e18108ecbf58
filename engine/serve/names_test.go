package serve

import (
	"fmt"
	"strings"
	"testing"
)

func TestNameScannerFollowsFraming(t *testing.T) {
	t.Parallel()
	stream := "" +
		"POST /a HTTP/1.1\r\nhost: x\r\ncontent-length: 36\r\nX-api-KEY: k\r\n\r\n" +
		"GET /fake HTTP/1.1\r\nfake-header: 1\r\n" + // body bytes that look like a request
		"POST /b?q=1 HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\nauthorization: t\r\n\r\n" +
		"5;ext=1\r\nhello\r\n1a\r\nGET /no HTTP/1.1\r\nx: y\r\n\r\n\r\n0\r\ntrailer-x: 1\r\n\r\n" +
		"\r\nGET /c HTTP/1.1\r\nHOST: x\r\nAccept: */*\r\n\r\n"
	// Feed in awkward pieces: the server reads whatever the socket gives.
	for _, step := range []int{1, 3, 7, len(stream)} {
		t.Run(fmt.Sprint("pieces of ", step), func(t *testing.T) {
			s := &nameScanner{}
			for i := 0; i < len(stream); i += step {
				s.feed([]byte(stream[i:min(i+step, len(stream))]))
			}
			if s.state == scanDead {
				t.Fatal("scanner gave up on a well-formed stream")
			}
			want := []struct {
				method, target string
				names          map[string]string
			}{
				{"POST", "/a", map[string]string{"Host": "host", "Content-Length": "content-length", "X-Api-Key": "X-api-KEY"}},
				{"POST", "/b?q=1", map[string]string{"Host": "Host", "Transfer-Encoding": "transfer-encoding", "Authorization": "authorization"}},
				{"GET", "/c", map[string]string{"Host": "HOST", "Accept": "Accept"}},
			}
			for _, w := range want {
				got := s.take(w.method, w.target)
				if fmt.Sprint(got) != fmt.Sprint(w.names) {
					t.Errorf("%s %s: names %v, want %v", w.method, w.target, got, w.names)
				}
			}
		})
	}
}

func TestNameScannerGivesUpSafely(t *testing.T) {
	t.Parallel()
	s := &nameScanner{}
	s.feed([]byte("GET / HTTP/1.1\r\ncontent-length: nope\r\n\r\n"))
	if s.state != scanDead {
		t.Fatalf("state %v, want dead on a bad Content-Length", s.state)
	}
	s.feed([]byte("GET /next HTTP/1.1\r\nx-a: 1\r\n\r\n"))
	if got := s.take("GET", "/next"); got != nil {
		t.Errorf("a dead scanner reported names %v", got)
	}
	// A request the server answered itself (OPTIONS *) is skipped over.
	s = &nameScanner{}
	s.feed([]byte("OPTIONS * HTTP/1.1\r\nhost: a\r\n\r\nGET /x HTTP/1.1\r\nhost: a\r\n\r\n"))
	if got := s.take("GET", "/x"); got["Host"] != "host" {
		t.Errorf("got %v", got)
	}
	// A line longer than the limit stops the scanner, not the server.
	s = &nameScanner{}
	s.feed([]byte("GET / HTTP/1.1\r\nx: " + strings.Repeat("a", maxScanLine+1)))
	if s.state != scanDead {
		t.Error("an endless line was buffered")
	}
}

func TestByteSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"65536": 65536, "1KiB": 1024, "512kb": 512 << 10, "10MiB": 10 << 20, "10M": 10 << 20, "1GB": 1 << 30, " 7 B": 7,
	} {
		var s ByteSize
		if err := s.Set(in); err != nil || int64(s) != want {
			t.Errorf("%q: %d, %v; want %d", in, s, err, want)
		}
	}
	for _, bad := range []string{"", "ten", "-1", "1TB", "99999999999999GiB"} {
		var s ByteSize
		if err := s.Set(bad); err == nil {
			t.Errorf("%q accepted as %d", bad, s)
		}
	}
	s := ByteSize(10 << 20)
	if s.String() != "10MiB" {
		t.Errorf("String() = %q", s.String())
	}
}
