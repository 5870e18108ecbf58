package redact

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ name, in, line, block string }{
		{"plain", "GET /orders/42", "GET /orders/42", "GET /orders/42"},
		{"unicode kept", "→ café ✓ …", "→ café ✓ …", "→ café ✓ …"},
		{"newline forges a log line", "/a\n10:00:00.000 GET /admin → 200", `/a\n10:00:00.000 GET /admin → 200`, "/a\n10:00:00.000 GET /admin → 200"},
		{"carriage return", "ok\rFAIL", `ok\rFAIL`, `ok\rFAIL`},
		{"tab", "a\tb", `a\tb`, "a\tb"},
		{"ANSI colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, `\x1b[31mred\x1b[0m`},
		{"OSC title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, `\x1b]0;pwned\x07`},
		{"NUL and BEL", "a\x00b\x07", `a\x00b\x07`, `a\x00b\x07`},
		{"DEL", "a\x7fb", `a\x7fb`, `a\x7fb`},
		{"C1 CSI as a character", "a\u009b31mb", `a\u009b31mb`, `a\u009b31mb`},
		{"C1 NEL", "a\u0085b", `a\u0085b`, `a\u0085b`},
		{"lone C1 byte (not UTF-8)", "a\x9b31mb", `a\x9b31mb`, `a\x9b31mb`},
		{"invalid UTF-8", "a\xffb", `a\xffb`, `a\xffb`},
		{"backslash stays", `C:\path`, `C:\path`, `C:\path`},
		{"control after unicode", "é\x1b", `é\x1b`, `é\x1b`},
		{"newline after unicode", "é\nx", `é\nx`, "é\nx"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Escape(c.in); got != c.line {
				t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.line)
			}
			if got := EscapeBlock(c.in); got != c.block {
				t.Errorf("EscapeBlock(%q) = %q, want %q", c.in, got, c.block)
			}
			for _, out := range []string{Escape(c.in), EscapeBlock(c.in)} {
				for _, r := range out {
					if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
						t.Errorf("%q still holds control character %U", out, r)
					}
				}
			}
		})
	}
}

func TestAbbreviate(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer allow-alice":                   "Bearer all…",
		"Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig0": "Bearer eyJhbG…sig0",
		"abcd":                                 "…",
		"secret-pw":                            "sec…",
		"Basic dXNlcjpwYXNzd29yZA==":           "Basic dXNlcj…ZA==",
	} {
		if got := Abbreviate(in); got != want {
			t.Errorf("Abbreviate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactorForms(t *testing.T) {
	const tok = `q-tok"en/with space&more`
	red := New([]string{tok, "Bearer allow-alice", "allow-alice", "acme", "s3cr3t-api-key-0001"})
	for _, c := range []struct{ name, in, want string }{
		{"header value", "Authorization: Bearer allow-alice", "Authorization: Bearer all…"},
		{"token alone", "token allow-alice matched row 1", "token all… matched row 1"},
		{"whole value only", "principal acme-service, tenant acme", "principal acme-service, tenant …"},
		{"query escaped", "/x?t=q-tok%22en%2Fwith+space%26more&n=1", "/x?t=q-tok%22%E2%80%A6more&n=1"},
		{"path escaped", "/x/q-tok%22en%2Fwith%20space&more", "/x/q-tok%22%E2%80%A6more"},
		{"long secret inside a word", "log: s3cr3t-api-key-0001_checked", "log: s3cr3t…0001_checked"},
		{"short secret after an escape", `{"log":"a\nacme\u003cacme"}`, `{"log":"a\n…\u003c…"}`},
		{"URL password", "calling http://svc:hunter2-pass@auth.local/x: refused", "calling http://svc:hun…@auth.local/x: refused"},
		{"URL without password", "http://auth.local:8080/x", "http://auth.local:8080/x"},
		{"private key", "k: -----BEGIN PRIVATE KEY-----\nMIIEv\nQ==\n-----END PRIVATE KEY-----", "k: -----BEGIN PRIVATE KEY-----…-----END PRIVATE KEY-----"},
	} {
		if got := red.String(c.in); got != c.want {
			t.Errorf("%s: %q\n got %q\nwant %q", c.name, c.in, got, c.want)
		}
	}
	// Inside JSON the abbreviation is escaped as the secret was, so the
	// document stays valid.
	doc, _ := json.Marshal(map[string]string{"token": tok, "html": "<" + tok + ">"})
	out := red.String(string(doc))
	if strings.Contains(out, "with space") || !json.Valid([]byte(out)) {
		t.Errorf("JSON form: %s", out)
	}
	var back map[string]string
	_ = json.Unmarshal([]byte(out), &back)
	if back["token"] != Abbreviate(tok) {
		t.Errorf("JSON form decodes to %q, want %q", back["token"], Abbreviate(tok))
	}

	// nil is --reveal: everything in full, control characters still escaped.
	var reveal *Redactor
	if got := reveal.String("Bearer allow-alice http://u:p4ssw0rd@h"); got != "Bearer allow-alice http://u:p4ssw0rd@h" {
		t.Errorf("nil redactor changed %q", got)
	}
	if got := reveal.Line("a\nb\x1b"); got != `a\nb\x1b` {
		t.Errorf("nil redactor Line = %q", got)
	}
	if got := New(nil).Error(errors.New("get http://u:p4ssw0rd@h/: refused\n\x1b[2J")); got != "get http://u:p4s…@h/: refused\n\\x1b[2J" {
		t.Errorf("Error = %q", got)
	}
}

func TestHeaderSecrets(t *testing.T) {
	got := HeaderSecrets("Cookie", "session=s3cr3t-cookie-value; theme=dark")
	want := []string{"session=s3cr3t-cookie-value; theme=dark", "session=s3cr3t-cookie-value", "s3cr3t-cookie-value", "theme=dark"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Cookie secrets = %q, want %q", got, want)
	}
	got = HeaderSecrets("Authorization", "Bearer abc.def.ghi")
	if strings.Join(got, "|") != "Bearer abc.def.ghi|abc.def.ghi" {
		t.Errorf("Authorization secrets = %q", got)
	}
	for name, want := range map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true,
		"Set-Cookie": true, "X-Api-Key": true, "WWW-Authenticate": false, "Content-Type": false, "X-User": false,
		"Access-Control-Allow-Credentials": false, "X-Amzn-Remapped-WWW-Authenticate": false, "X-Amzn-Remapped-Authorization": true} {
		if SecretHeader(name) != want {
			t.Errorf("SecretHeader(%s) = %v", name, !want)
		}
	}
	if got := URLSecrets("http://user:p%40ss@host/x"); strings.Join(got, "|") != "p@ss|p%40ss" {
		t.Errorf("URLSecrets = %q", got)
	}
}

func TestNewCostsNothingUntilATextMayHoldASecret(t *testing.T) {
	secrets := []string{"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln"}
	allocs := testing.AllocsPerRun(100, func() {
		r := New(secrets)
		_ = r.Line("GET")
		_ = r.Line("/orders/42?x=1")
		_ = r.Line("alice")
	})
	if allocs > 2 {
		t.Errorf("a Redactor whose texts hold no secret allocated %.0f times, want at most 2 (itself and its cores)", allocs)
	}
	r := New(secrets)
	if got := r.Line("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln here"); strings.Contains(got, "c2ln here") && strings.Contains(got, "eyJzdWIi") {
		t.Errorf("not abbreviated: %s", got)
	}
}

func TestCoreIsInEveryForm(t *testing.T) {
	for _, s := range []string{"Bearer abc.def", `a"b\\c<d>e&f g`, "caf\u00e9~x_y-z", "!!!", "tok\u2028en"} {
		c := core(s)
		for _, form := range []string{s, jsonString(s, false), jsonString(s, true), url.QueryEscape(s), url.PathEscape(s)} {
			if !strings.Contains(form, c) {
				t.Errorf("core %q of %q is not in its form %q", c, s, form)
			}
		}
	}
}

// SecretName compares without lower-casing copies; it must say what the
// plain definition says.
func TestSecretNameAsDefined(t *testing.T) {
	names := []string{"Authorization", "X-API-KEY", "x-api-key", "Cookie", "Set-Cookie", "X-Request-Id", "Accept",
		"SESSIONID", "my_Token", "tok", "JWT", "x-amz-security-TOKEN", "Passport", "credentials", "sig", "Content-Type",
		"\u212Aey", "ſecret", "Tö\u212Aen", "", "k", "authorisation", "X-Jw", "ke", "passwd"}
	for _, n := range names {
		want := false
		for _, w := range secretWords {
			want = want || strings.Contains(strings.ToLower(n), w)
		}
		if got := SecretName(n); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", n, got, want)
		}
	}
}
