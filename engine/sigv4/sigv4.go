// Package sigv4 signs requests with AWS Signature Version 4 (through the AWS
// SDK for Go's signer) and verifies them the way API Gateway does for
// AWS_IAM methods (semantics AWS-S1..S6): the same canonical request, so a
// mismatch can be explained with the canonical request and the string to
// sign the gateway expected.
package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Algorithm is the only signing algorithm of SigV4.
const Algorithm = "AWS4-HMAC-SHA256"

// TimeFormat is X-Amz-Date's ISO 8601 basic format.
const TimeFormat = "20060102T150405Z"

// Request is what a signature covers, as the client sent it.
type Request struct {
	Method string
	// RawPath is the path as sent, still percent-encoded ("/prod/a%2Fb").
	RawPath string
	// RawQuery is the query as sent, without "?".
	RawQuery string
	Host     string
	Header   http.Header
	Body     []byte
}

// Credentials sign a request.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Sign signs r in place with the AWS SDK for Go's SigV4 signer at t: it
// sets Authorization, X-Amz-Date and, for temporary credentials,
// X-Amz-Security-Token. Every header r carries is signed (but
// User-Agent and the SDK's other ignored headers), and the host.
func Sign(ctx context.Context, r *Request, c Credentials, region, service string, t time.Time) error {
	u := &url.URL{Scheme: "https", Host: r.Host, Path: mustUnescape(r.RawPath), RawPath: r.RawPath, RawQuery: r.RawQuery}
	if u.Path == "" {
		u.Path = "/"
	}
	hr, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return err
	}
	// Keep the path bytes exactly as the client will send them.
	hr.URL.RawPath, hr.URL.Path = r.RawPath, mustUnescape(r.RawPath)
	hr.URL.RawQuery = r.RawQuery
	hr.Host = r.Host
	hr.Header = r.Header.Clone()
	if hr.Header == nil {
		hr.Header = http.Header{}
	}
	hr.Header.Del("Authorization")
	hr.Header.Del("X-Amz-Date")
	hr.Header.Del("X-Amz-Security-Token")
	hr.Header.Del("Host")
	hr.ContentLength = int64(len(r.Body))
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if err := v4.NewSigner().SignHTTP(ctx, creds, hr, PayloadHash(r.Body), service, region, t); err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
		if v := hr.Header.Get(h); v != "" {
			r.Header.Set(h, v)
		}
	}
	// The SDK drops a default port from the host it signs; send what it signed.
	r.Host = hr.Host
	return nil
}

func mustUnescape(p string) string {
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}

// PayloadHash is the hex SHA-256 of the body, the canonical request's last line.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Authorization is a parsed Authorization header.
type Authorization struct {
	KeyID, Date, Region, Service, Terminator string
	SignedHeaders                            []string
	Signature                                string
}

// Scope is the credential scope, DATE/REGION/SERVICE/aws4_request.
func (a *Authorization) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// ParseError is an Authorization header API Gateway cannot read: the
// IncompleteSignatureException texts (AWS-S3, AWS-G12).
type ParseError struct{ Message string }

func (e *ParseError) Error() string { return e.Message }

// Parse reads an Authorization header. dateHeader says whether the request
// carries X-Amz-Date or Date, which the parse errors mention.
func Parse(v string, dateHeader bool) (*Authorization, *ParseError) {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "=") {
		sum := sha256.Sum256([]byte(v))
		return nil, &ParseError{Message: "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '" + b64(sum[:]) + "'."}
	}
	alg, rest, _ := strings.Cut(v, " ")
	if strings.Contains(alg, "=") {
		return nil, &ParseError{Message: "Authorization header must begin with the algorithm name, which cannot include an equal-sign. Authorization=" + v}
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok {
			params[k] = val
		}
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if !dateHeader {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return nil, &ParseError{Message: strings.Join(missing, " ") + " Authorization=" + v}
	}
	if alg != Algorithm {
		return nil, &ParseError{Message: "Unsupported Authorization Type. Authorization=" + v}
	}
	cred := strings.Split(params["Credential"], "/")
	if len(cred) != 5 {
		return nil, &ParseError{Message: "Credential should be scoped to a valid region, not ''. Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + params["Credential"] + "'"}
	}
	a := &Authorization{KeyID: cred[0], Date: cred[1], Region: cred[2], Service: cred[3], Terminator: cred[4],
		SignedHeaders: strings.Split(strings.ToLower(params["SignedHeaders"]), ";"), Signature: params["Signature"]}
	return a, nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// RequestTime reads X-Amz-Date, else Date (RFC 1123).
func RequestTime(h http.Header) (t time.Time, raw string, err error) {
	if raw = h.Get("X-Amz-Date"); raw != "" {
		t, err = time.Parse(TimeFormat, raw)
		return t, raw, err
	}
	if raw = h.Get("Date"); raw != "" {
		t, err = http.ParseTime(raw)
		return t, raw, err
	}
	return time.Time{}, "", fmt.Errorf("no X-Amz-Date or Date header")
}

// Canonical is a request's canonical form and what is signed.
type Canonical struct {
	Request      string // the canonical request
	StringToSign string
	Signature    string // what the secret signs it to
}

// Compute builds the canonical request of r for the headers the client
// signed, the string to sign at amzDate for the scope, and the signature
// the secret gives it. The canonical URI is the path as sent with each
// segment encoded once more (SigV4 for every service but S3); the query is
// sorted and re-encoded; header values are trimmed with inner spaces
// collapsed; the payload hash is SHA-256 of the body.
func Compute(r *Request, a *Authorization, amzDate, secret string) Canonical {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(r.RawPath))
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(r.RawQuery))
	b.WriteByte('\n')
	for _, name := range a.SignedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(a.SignedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(PayloadHash(r.Body))
	c := Canonical{Request: b.String()}
	sum := sha256.Sum256([]byte(c.Request))
	c.StringToSign = Algorithm + "\n" + amzDate + "\n" + a.Scope() + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+secret), a.Date)
	key = hmacSHA256(key, a.Region)
	key = hmacSHA256(key, a.Service)
	key = hmacSHA256(key, a.Terminator)
	c.Signature = hex.EncodeToString(hmacSHA256(key, c.StringToSign))
	return c
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// headerValue is a signed header's canonical value: the host, or the
// values of the header, trimmed, inner runs of spaces made one, joined
// with commas. A signed content-length the transport moved out of the
// headers is the body's length.
func headerValue(r *Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{r.Host}
	default:
		vals = r.Header.Values(name)
		if len(vals) == 0 && name == "content-length" && len(r.Body) > 0 {
			vals = []string{fmt.Sprint(len(r.Body))}
		}
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

// CanonicalURI encodes each byte of the path as sent except unreserved
// characters and "/" — so an encoded %2F becomes %252F, the double
// encoding of SigV4 for non-S3 services (AWS-S5).
func CanonicalURI(rawPath string) string {
	if rawPath == "" {
		return "/"
	}
	return escape(rawPath, true)
}

// CanonicalQuery sorts the parameters by name, then value, each encoded
// per RFC 3986 (space as %20).
func CanonicalQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, p := range strings.Split(rawQuery, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil {
			dk = k
		}
		if err2 != nil {
			dv = v
		}
		pairs = append(pairs, kv{escape(dk, false), escape(dv, false)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// escape percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (and / when
// keepSlash), upper-case hex, as SigV4 requires.
func escape(s string, keepSlash bool) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || keepSlash && c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

// Equal compares two signatures in constant time.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
