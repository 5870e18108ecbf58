// Package redact is authlab's one policy for what its output may show
// (ALL-2): which values are secrets, how a secret is abbreviated so that
// it can be recognised but not reused, and how text from outside (paths,
// headers, handler logs) is made safe to print on a terminal.
//
// Every renderer — fire, run, serve, trace files, the TUI, error messages
// and diagnostics — goes through a Redactor. A nil *Redactor is the
// --reveal one (TUI: v): secrets in full, control characters still escaped
// by Line and Block.
package redact

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// schemes are the Authorization schemes kept in front of an abbreviation.
var schemes = []string{"Bearer ", "Basic ", "bearer ", "basic "}

// Abbreviate shortens a secret so it can be recognised but not reused:
// "Bearer eyJhbGciOi…Q3xw".
func Abbreviate(s string) string {
	prefix := ""
	for _, scheme := range schemes {
		if strings.HasPrefix(s, scheme) {
			prefix, s = scheme, s[len(scheme):]
			break
		}
	}
	r := []rune(s)
	switch {
	case len(r) <= 4:
		return prefix + "…"
	case len(r) <= 12:
		return prefix + string(r[:3]) + "…"
	}
	return prefix + string(r[:6]) + "…" + string(r[len(r)-4:])
}

// secretWords are the parts of a header, query, cookie, argument or
// environment name that say its value is a credential.
var secretWords = []string{"auth", "token", "key", "secret", "sig", "pass", "cred", "session", "cookie", "jwt"}

// SecretName reports whether a name (header, query parameter, cookie,
// argument, environment variable) suggests that its value is a credential.
func SecretName(name string) bool {
	if !isASCII(name) {
		// Unicode lower-casing can make ASCII out of other letters
		// (the Kelvin sign K is k): compare what ToLower makes.
		name = strings.ToLower(name)
	}
	// One pass over the name: at each byte, only the words that start
	// with it are compared (every header of every request is checked).
	for i := 0; i < len(name); i++ {
		for _, w := range secretWordsByFirst[lower(name[i])] {
			if hasFoldAt(name, i, w) {
				return true
			}
		}
	}
	return false
}

// secretWordsByFirst indexes secretWords by their first byte.
var secretWordsByFirst = func() (idx [256][]string) {
	for _, w := range secretWords {
		idx[w[0]] = append(idx[w[0]], w)
	}
	return idx
}()

// hasFoldAt reports whether s holds word (lower-case ASCII) at i, in any case.
func hasFoldAt(s string, i int, word string) bool {
	if len(s)-i < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		if lower(s[i+j]) != word[j] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiEqualFold reports whether s lower-cased is word (lower-case ASCII).
func asciiEqualFold(s, word string) bool {
	if len(s) != len(word) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != word[i] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// SecretHeader reports whether a header carries a credential:
// Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key and
// the like. The challenges (WWW-Authenticate) say how to authenticate and
// hold nothing secret, nor do the CORS headers that name credentials
// (Access-Control-Allow-Credentials: true), nor a challenge API Gateway
// renamed (X-Amzn-Remapped-WWW-Authenticate).
func SecretHeader(name string) bool {
	n := strings.TrimSpace(name)
	if !isASCII(n) {
		n = strings.ToLower(n)
	}
	switch {
	case asciiEqualFold(n, "www-authenticate"), asciiEqualFold(n, "proxy-authenticate"),
		asciiEqualFold(n, "authentication-info"), asciiEqualFold(n, "access-control-allow-credentials"),
		asciiEqualFold(n, "x-amzn-remapped-www-authenticate"):
		return false
	}
	return SecretName(name)
}

// HeaderSecrets are the values to abbreviate for one credential header:
// the value, the credential after its scheme ("Bearer X": X), and for
// cookies each name=value pair and the value of each credential cookie.
func HeaderSecrets(name, value string) []string {
	return AppendHeaderSecrets(nil, name, value)
}

// AppendHeaderSecrets is HeaderSecrets appending to out, so that a caller
// checking every request's headers can pass a buffer of its own.
func AppendHeaderSecrets(out []string, name, value string) []string {
	value = strings.TrimSpace(value)
	if value == "" {
		return out
	}
	out = append(out, value)
	for _, scheme := range schemes {
		if rest, ok := strings.CutPrefix(value, scheme); ok && strings.TrimSpace(rest) != "" {
			out = append(out, strings.TrimSpace(rest))
			break
		}
	}
	n := strings.TrimSpace(name)
	if !isASCII(n) {
		n = strings.ToLower(n)
	}
	if setCookie := asciiEqualFold(n, "set-cookie"); setCookie || asciiEqualFold(n, "cookie") {
		for i, crumb := range strings.Split(value, ";") {
			if setCookie && i > 0 {
				break // the attributes (Path, HttpOnly) are not secret
			}
			crumb = strings.TrimSpace(crumb)
			cn, cv, ok := strings.Cut(crumb, "=")
			if !ok || cv == "" {
				continue
			}
			out = append(out, crumb)
			if SecretName(cn) || len(cv) >= 16 {
				out = append(out, cv)
			}
		}
	}
	return out
}

// URLSecrets are the password of a URL's user information, decoded and as
// written (percent-encoded): "http://user:pass@host" gives "pass".
func URLSecrets(raw string) []string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		// An unparsable URL may still carry one: take it as written.
		if m := userinfo.FindStringSubmatch(raw); m != nil {
			return []string{m[2]}
		}
		return nil
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" {
		return nil
	}
	out := []string{pw}
	if m := userinfo.FindStringSubmatch(raw); m != nil && m[2] != pw {
		out = append(out, m[2])
	}
	return out
}

var (
	// userinfo finds "scheme://user:password@" in any text.
	userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@"'<>]*):([^/\s@"'<>]+)@`)
	// privateKey finds a PEM private key block, also inside a JSON string.
	privateKey = regexp.MustCompile(`(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----)`)
)

// Redactor abbreviates secrets wherever they appear. Besides the secrets it
// is given, it always abbreviates passwords in URLs (http://user:pa…@host)
// and the body of PEM private keys.
//
// A short secret (under 12 bytes) is replaced where it stands as a whole
// value, not inside a longer word: a tenant "acme" used as an identity
// value is abbreviated in "?tenant=acme", "X-Tenant: acme" and a JSON
// "\nacme", but "acme-service" is left alone. Longer secrets are replaced
// wherever they appear.
type Redactor struct {
	secrets []string
	// cores are, per secret, its longest run of bytes that no form of it
	// escapes: a text without any core holds no secret in any form, so it
	// is returned as it is, and the forms (JSON, URL-escaped) are worked
	// out only for a text that may hold one. serve builds a Redactor for
	// every request's log line, which seldom does.
	cores []string
	any   bool // some secret has no core: every text must be searched

	once  sync.Once
	pairs []pair // longest first
	first [256]bool
}

type pair struct{ from, to string }

// New abbreviates each secret, and the forms it takes in a URL (query or
// path escaped) and inside a JSON string. Longer secrets are replaced
// first, so "Bearer abc…" wins over its token "abc…".
func New(secrets []string) *Redactor {
	r := &Redactor{secrets: secrets, cores: make([]string, 0, len(secrets))}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		c := core(s)
		if c == "" {
			r.any = true
		}
		r.cores = append(r.cores, c)
	}
	return r
}

// core is the longest run of s in [A-Za-z0-9._~-]: the bytes JSON and URL
// escaping both leave alone, so every form of s contains it.
func core(s string) string {
	best, start := "", -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && unescaped(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

func unescaped(c byte) bool {
	return wordByte(c) || c == '.' || c == '~'
}

// mayHold reports whether s may hold a secret in some form.
func (r *Redactor) mayHold(s string) bool {
	if r.any {
		return s != ""
	}
	for _, c := range r.cores {
		if strings.Contains(s, c) {
			return true
		}
	}
	return false
}

// build works out the replacements, once.
func (r *Redactor) build() {
	seen := map[string]bool{}
	var pairs []pair
	add := func(from, to string) {
		if from == "" || seen[from] {
			return
		}
		seen[from] = true
		pairs = append(pairs, pair{from, to})
	}
	for _, s := range r.secrets {
		if s == "" {
			continue
		}
		short := Abbreviate(s)
		add(s, short)
		// A JSON string (an event, a trace file) must stay valid: the
		// abbreviation is escaped as the secret was.
		add(jsonString(s, false), jsonString(short, false))
		add(jsonString(s, true), jsonString(short, true))
		// In a URL (a query string, a logged target) the abbreviation is
		// shown as is unless it would break a JSON string it sits in.
		for _, esc := range []func(string) string{url.QueryEscape, url.PathEscape} {
			to := short
			if strings.ContainsAny(short, "\"\\") || Escape(short) != short {
				to = esc(short)
			}
			add(esc(s), to)
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	for _, p := range pairs {
		r.first[p.from[0]] = true
	}
	r.pairs = pairs
}

// wholeWordBelow is the length under which a secret is only replaced as a
// whole word: short values ("acme", "42") are often part of other words.
const wholeWordBelow = 12

// inWord reports whether s[i] continues the word before it. An escape
// ("\n", "\u003c" in JSON, "%3D" in a URL) ends a word.
func inWord(s string, i int) bool {
	if i == 0 || !wordByte(s[i-1]) {
		return false
	}
	if i >= 2 && s[i-2] == '\\' {
		return false
	}
	if i >= 3 && s[i-3] == '%' {
		return false
	}
	if i >= 6 && s[i-6] == '\\' && s[i-5] == 'u' {
		return false
	}
	return true
}

// wordByte is a byte that continues a word: a secret next to one is part
// of a longer value, not the secret itself.
func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// replace abbreviates every whole occurrence of a secret, longest first at
// each position, in one pass (an abbreviation is never abbreviated again).
func (r *Redactor) replace(s string) string {
	if len(r.cores) == 0 || !r.mayHold(s) {
		return s
	}
	r.once.Do(r.build)
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if !r.first[s[i]] {
			continue
		}
		for _, p := range r.pairs {
			if !strings.HasPrefix(s[i:], p.from) {
				continue
			}
			end := i + len(p.from)
			if len(p.from) < wholeWordBelow && ((wordByte(p.from[0]) && inWord(s, i)) ||
				(end < len(s) && wordByte(s[end]) && wordByte(p.from[len(p.from)-1]))) {
				continue
			}
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:i])
			b.WriteString(p.to)
			last = end
			i = end - 1
			break
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// jsonString is s as it is written inside a JSON string, without quotes.
func jsonString(s string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// String abbreviates every secret in s. It does not escape control
// characters: JSON output is escaped by its encoder.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	if strings.Contains(s, "://") {
		s = userinfo.ReplaceAllStringFunc(s, func(m string) string {
			sub := userinfo.FindStringSubmatch(m)
			return sub[1] + ":" + Abbreviate(sub[2]) + "@"
		})
	}
	if strings.Contains(s, "PRIVATE KEY-----") {
		s = privateKey.ReplaceAllString(s, "$1…$2")
	}
	return r.replace(s)
}

// Line is String for a one-line field of a text output: control
// characters, line breaks included, are escaped (see Escape).
func (r *Redactor) Line(s string) string { return Escape(r.String(s)) }

// Block is String for a multi-line text (a body, handler logs): line
// breaks and tabs are kept, every other control character is escaped.
func (r *Redactor) Block(s string) string { return EscapeBlock(r.String(s)) }

// Error is an error message as a text output prints it: secrets
// abbreviated (a nil *Redactor shows them), control characters escaped,
// line breaks kept.
func (r *Redactor) Error(err error) string {
	if err == nil {
		return ""
	}
	return r.Block(err.Error())
}
