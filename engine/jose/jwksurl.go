package jose

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// DefaultFetchTimeout bounds a JWKS download when the caller gives none.
const DefaultFetchTimeout = 10 * time.Second

// maxJWKSBytes caps a JWKS download; real ones are a few kilobytes.
const maxJWKSBytes = 1 << 20

// IsURL reports whether a key reference is an http(s) URL rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// LoadJWKS loads a key set from a file or an http(s) URL (see FetchJWKS).
func LoadJWKS(ctx context.Context, ref string, timeout time.Duration) (*KeySet, error) {
	if IsURL(ref) {
		return FetchJWKS(ctx, ref, timeout)
	}
	return LoadKeys(ref)
}

// FetchJWKS downloads a JWKS. An OpenID discovery document (a JSON object
// with "jwks_uri") is followed once, so an issuer's
// /.well-known/openid-configuration works too. timeout bounds each request;
// 0 = DefaultFetchTimeout.
func FetchJWKS(ctx context.Context, url string, timeout time.Duration) (*KeySet, error) {
	return FetchJWKSLimited(ctx, url, timeout, maxJWKSBytes)
}

// FetchJWKSLimited is FetchJWKS with a gateway's own size limit on each
// answer (an HTTP API JWT authorizer takes at most 150000 bytes, AWSH-J4).
func FetchJWKSLimited(ctx context.Context, url string, timeout time.Duration, maxBytes int) (*KeySet, error) {
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	if maxBytes <= 0 {
		maxBytes = maxJWKSBytes
	}
	client := resty.New().SetTimeout(timeout).SetResponseBodyLimit(maxBytes)
	body, err := fetch(ctx, client, url)
	if err != nil {
		return nil, err
	}
	var discovery struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if json.Unmarshal(body, &discovery) == nil && discovery.JWKSURI != "" {
		if !IsURL(discovery.JWKSURI) {
			return nil, fmt.Errorf("%s: jwks_uri %q is not an http(s) URL", url, discovery.JWKSURI)
		}
		url = discovery.JWKSURI
		if body, err = fetch(ctx, client, url); err != nil {
			return nil, err
		}
	}
	return ParseKeys(body, url)
}

func fetch(ctx context.Context, client *resty.Client, url string) ([]byte, error) {
	resp, err := client.R().SetContext(ctx).SetHeader("Accept", "application/json").Get(url)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS: %w", err)
	}
	if resp.StatusCode() != 200 {
		return nil, fmt.Errorf("fetching JWKS from %s: HTTP %s", url, resp.Status())
	}
	return resp.Body(), nil
}
