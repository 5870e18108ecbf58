package jose_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/jose"
)

func TestFetchJWKS(t *testing.T) {
	t.Parallel()
	jwks := mustRead(t, "jwks.json")
	mux := http.NewServeMux()
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, r *http.Request) { w.Write(jwks) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Minute):
		case <-r.Context().Done():
		}
	})
	var srv *httptest.Server
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"issuer":"x","jwks_uri":"` + srv.URL + `/jwks.json"}`))
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	tok := mustMint(t, jose.MintOptions{Alg: "ES256", Key: loadKey(t, "ec-p256.pem")})
	for _, path := range []string{"/jwks.json", "/.well-known/openid-configuration"} {
		ks, err := jose.LoadJWKS(ctx, srv.URL+path, time.Second)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(ks.Keys) != 5 || !strings.HasSuffix(ks.Source, "/jwks.json") {
			t.Fatalf("%s: %d keys from %s", path, len(ks.Keys), ks.Source)
		}
		if v := jose.Verify(tok, ks, jose.VerifyOptions{Now: t0}); !v.Valid {
			t.Fatalf("%s: %s", path, v)
		}
	}
	if _, err := jose.FetchJWKS(ctx, srv.URL+"/missing", time.Second); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("404: %v", err)
	}
	start := time.Now()
	if _, err := jose.FetchJWKS(ctx, srv.URL+"/slow", 100*time.Millisecond); err == nil {
		t.Error("slow server: no timeout")
	}
	if time.Since(start) >= time.Minute {
		t.Errorf("waited for the server's whole minute (%v): no timeout", time.Since(start))
	}
}
