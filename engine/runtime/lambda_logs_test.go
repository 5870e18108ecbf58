package runtime

import (
	"strings"
	"testing"
)

// The Lambda Python runtime puts a handler on the root logger, so a
// handler's logger.info() lines reach the logs once it sets INFO, in
// Lambda's format: [LEVEL]<tab>time<tab>request id<tab>message.
func TestPythonLoggingAsLambda(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, pyFn(t, "logging_levels"), `{"id":"42"}`)
	for _, want := range []string{
		"[INFO]\t2026-01-01T00:00:00.",
		"Z\treq-1\torder 42 looked up\n",
		"[WARNING]\t",
		"\treq-1\tlow stock\n",
	} {
		if !strings.Contains(res.Logs, want) {
			t.Errorf("logs lack %q:\n%s", want, res.Logs)
		}
	}
	if strings.Contains(res.Logs, "not shown") {
		t.Errorf("a DEBUG line below the level was logged:\n%s", res.Logs)
	}
	res = mustInvoke(t, pyFn(t, "logging_default_level"), `{}`)
	if strings.Contains(res.Logs, "not shown") || !strings.Contains(res.Logs, "[ERROR]\t") || !strings.Contains(res.Logs, "\treq-1\tshown\n") {
		t.Errorf("the root logger's default level is WARNING, as on Lambda:\n%s", res.Logs)
	}
}

// The Lambda Node runtime writes console.* as time<tab>request id<tab>LEVEL<tab>message.
func TestNodeConsoleLevelsAsLambda(t *testing.T) {
	t.Parallel()
	res := mustInvoke(t, nodeFn(t, "handlers.js", "consoleLevels"), `{}`)
	for _, want := range []string{
		"\treq-1\tINFO\tplain log 1\n",
		"\treq-1\tINFO\tan info\n",
		"\treq-1\tWARN\ta warning\n",
		"\treq-1\tERROR\tan error\n",
		"\treq-1\tDEBUG\ta debug line\n",
		"2026-01-01T00:00:00.",
	} {
		if !strings.Contains(res.Logs, want) {
			t.Errorf("logs lack %q:\n%s", want, res.Logs)
		}
	}
}

// A returned string is passed on as it was, marked as text: Lambda would
// send it JSON-encoded, which a Lambda proxy integration tells apart.
func TestReturnedStringIsMarkedText(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]Function{"python": pyFn(t, "returns_text"), "node": nodeFn(t, "handlers.js", "returnsText")} {
		res := mustInvoke(t, fn, `{}`)
		if string(res.Payload) != "Hello" || !res.Text {
			t.Errorf("%s: payload %q, text %v", name, res.Payload, res.Text)
		}
	}
	if res := mustInvoke(t, pyFn(t, "dict_return"), `{}`); res.Text {
		t.Errorf("a dict is not text")
	}
}
