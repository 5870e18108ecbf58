package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/scenario"
)

// hostileCases are the scenario files under testdata/hostile: each is
// refused at the place it goes past a limit (engine/limits), saying which.
var hostileCases = map[string]string{
	"laughs_step.yaml":           "laughs_step.yaml:14:18: aliases expand too far: with *a4 the file's aliases add more than 100000 nodes once expanded; expected at most 100000",
	"laughs_inline_gateway.yaml": "laughs_inline_gateway.yaml:18:24: aliases expand too far: with *a4",
	"flow_nesting.yaml":          "flow_nesting.yaml:5:137: nesting too deep: more than 100 levels of mappings and lists; expected at most 100",
	"block_nesting.yaml":         "block_nesting.yaml:4:199: nesting too deep: more than 100 levels",
	// The gateway file a scenario names is held to the same limits.
	"hostile_gateway.yaml": "testdata/gateways/laughs.yaml:18:22: aliases expand too far: with *a4",
}

func TestHostileScenariosRefused(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.yaml"))
	if err != nil || len(files) != len(hostileCases) {
		t.Fatalf("%d files under testdata/hostile, %d cases: %v", len(files), len(hostileCases), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := hostileCases[name]
			if !ok {
				t.Fatalf("no expected message for %s in hostileCases", name)
			}
			if !scenario.IsScenario(mustRead(t, f)) {
				t.Errorf("%s is not taken for a scenario", name)
			}
			sc, diags, err := scenario.LoadFile(f, testLoad)
			if err == nil || sc != nil {
				t.Fatalf("%s loaded", f)
			}
			if got := diags.Format(false); !strings.Contains(got, want) {
				t.Errorf("output lacks %q:\n%s", want, got)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestScenarioTooLarge: a scenario file over the size limit is refused
// before it is read whole, and a folder search still finds it (by its
// first bytes) so that `run DIR` reports it rather than skip it.
func TestScenarioTooLarge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("gateway: g.yaml\nsteps:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 100<<20); err != nil { // sparse
		t.Fatal(err)
	}
	other := filepath.Join(dir, "data.yaml") // too large, not a scenario
	if err := os.WriteFile(other, []byte("rows:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(other, 2<<20); err != nil {
		t.Fatal(err)
	}
	_, diags, err := scenario.LoadFile(big, testLoad)
	want := big + ":1:1: scenario file too large: 100 MiB, over the 1 MiB limit; expected at most 1048576 bytes"
	if err == nil || diags == nil || !strings.Contains(diags.Format(false), want) {
		t.Errorf("LoadFile: %v, want %q", err, want)
	}
	files, err := scenario.Discover([]string{dir})
	if err != nil || len(files) != 1 || files[0] != big {
		t.Errorf("Discover = %v, %v; want [%s]", files, err, big)
	}
}

// TestScenarioBOM: a UTF-8 byte order mark before the first key is not part
// of it, for the scenario and for IsScenario.
func TestScenarioBOM(t *testing.T) {
	t.Parallel()
	src := "\xef\xbb\xbfgateway: gateway.yaml\nsteps:\n  - request: {method: GET, path: /health}\n    expect: {status: 200}\n"
	if !scenario.IsScenario([]byte(src)) {
		t.Error("IsScenario refuses a file with a BOM")
	}
	sc, diags, err := scenario.Load(filepath.Join("testdata", "bom.yaml"), []byte(src), testLoad)
	if err != nil {
		t.Fatalf("%s", diags.Format(false))
	}
	if len(sc.Plan) != 1 {
		t.Errorf("%d steps", len(sc.Plan))
	}
}
