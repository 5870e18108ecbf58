package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/authlab/authlab/engine/backend"
)

// HTTP posts the event as JSON to a URL and reads the answer.
//
// Answers are read like Lambda's Invoke API: a 2xx body is the function's
// result; a response with X-Amz-Function-Error, or a non-2xx one, is the
// function's error (its errorMessage/errorType when the body carries them).
type HTTP struct {
	url         string
	headers     map[string]string
	timeout     time.Duration
	maxResponse int
	client      *resty.Client
}

var _ Function = (*HTTP)(nil)

// NewHTTP returns a function behind url.
func NewHTTP(url string, headers map[string]string, timeout time.Duration, maxResponse int) *HTTP {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxResponse <= 0 {
		maxResponse = DefaultMaxResponse
	}
	c := resty.New().
		SetDoNotParseResponse(true).
		SetRedirectPolicy(backend.NoRedirects)
	return &HTTP{url: url, headers: headers, timeout: timeout, maxResponse: maxResponse, client: c}
}

func (h *HTTP) Close() error { return nil }

func (h *HTTP) Invoke(ctx context.Context, inv Invocation) (Result, error) {
	timeout := h.timeout
	if inv.Timeout > 0 {
		timeout = inv.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := h.client.R().SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetHeader("Lambda-Runtime-Aws-Request-Id", inv.RequestID).
		SetHeaders(h.headers).
		SetBody(inv.Event)
	resp, err := req.Post(h.url)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Result{}, TimeoutError(timeout)
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return Result{}, TimeoutError(timeout)
		}
		return Result{}, fmt.Errorf("calling %s: %w", h.url, err)
	}
	body := resp.RawBody()
	defer body.Close()
	payload, err := io.ReadAll(io.LimitReader(body, int64(h.maxResponse)+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Result{}, TimeoutError(timeout)
		}
		return Result{}, fmt.Errorf("reading answer from %s: %w", h.url, err)
	}
	if len(payload) > h.maxResponse {
		return Result{}, fmt.Errorf("%w: over %d bytes", ErrTooLarge, h.maxResponse)
	}
	status := resp.StatusCode()
	if resp.Header().Get("X-Amz-Function-Error") != "" || status < 200 || status > 299 {
		return Result{Payload: payload, Err: functionError(status, payload)}, nil
	}
	return Result{Payload: payload}, nil
}

// functionError reads a Lambda-style error body, else describes the status.
func functionError(status int, body []byte) *FunctionError {
	var fe FunctionError
	if json.Unmarshal(body, &fe) == nil && fe.Message != "" {
		return &fe
	}
	msg := fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	if len(body) > 0 {
		snippet := string(body)
		if len(snippet) > 200 {
			snippet = snippet[:200] + "…"
		}
		msg += ": " + snippet
	}
	return &FunctionError{Type: "HTTPError", Message: msg}
}
