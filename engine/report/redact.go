// Package report renders an engine result — its trace and response — as
// readable text or JSON. fire, run, serve and the TUI all use it, so a trace
// reads the same everywhere.
package report

import (
	"github.com/authlab/authlab/engine"
	"github.com/authlab/authlab/engine/redact"
)

// Abbreviate shortens a secret so it can be recognised but not reused
// (ALL-2): "Bearer eyJhbGciOi…Q3xw".
func Abbreviate(s string) string { return redact.Abbreviate(s) }

// Redactor replaces secrets wherever they appear (see engine/redact).
type Redactor = redact.Redactor

// NewRedactor abbreviates each secret; longer secrets are replaced first so
// "Bearer abc…" wins over its token "abc…".
func NewRedactor(secrets []string) *Redactor { return redact.New(secrets) }

// ForResult is the redactor every rendering of a result uses: the secrets
// the engine recorded in its trace (identity values, credential headers,
// the gateway file's secrets), or nil — everything in full — with reveal.
func ForResult(res *engine.Result, reveal bool) *Redactor {
	if reveal {
		return nil
	}
	if res == nil || res.Trace == nil {
		return redact.New(nil)
	}
	return redact.New(res.Trace.Secrets)
}
