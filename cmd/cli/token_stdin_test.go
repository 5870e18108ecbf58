package cli

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/engine/limits"
)

// TestTokenStdinOverLimit: a token (or claims) on stdin over the limit is a
// usage error that says so, never a token silently cut at the limit.
func TestTokenStdinOverLimit(t *testing.T) {
	t.Parallel()
	tok := tokenMint(t, tokenMintOptions{Keys: tokenKeyFlags{Secret: "s"}})
	// Exactly the limit (the token, then blanks) is read whole.
	exact := tok + strings.Repeat(" ", limits.MaxTokenBytes-len(tok))
	if out, stderr, code := tokenDecode(t, tokenDecodeOptions{Token: "-", JSON: true}, exact); code != 0 || !strings.Contains(out, `"header"`) {
		t.Fatalf("a token of exactly the limit: exit %d\n%s%s", code, out, stderr)
	}
	_, stderr, code := tokenDecode(t, tokenDecodeOptions{Token: "-"}, exact+" ")
	if code != 2 || !strings.Contains(stderr, "stdin: token too large: more than 1 MiB, over the 1 MiB limit") {
		t.Fatalf("over the limit: exit %d %s", code, stderr)
	}

	s := newTokenStreams(`{"sub":"x"}` + strings.Repeat(" ", limits.MaxKeyBytes))
	o := tokenMintOptions{IO: s.io, Clock: tokenClock, Keys: tokenKeyFlags{Secret: "s"}, ClaimsFile: "-"}
	err := runTokenMint(&o)
	if tokenExit(err) != 2 || !strings.Contains(err.Error(), "--claims: stdin: claims too large") {
		t.Fatalf("claims over the limit: %v", err)
	}
}
