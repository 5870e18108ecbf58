package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set by the release build:
//
//	go build -ldflags "-X github.com/authlab/authlab/cmd/cli.version=v1.2.3 -X github.com/authlab/authlab/cmd/cli.commit=abc1234 -X github.com/authlab/authlab/cmd/cli.date=2026-01-01T00:00:00Z"
//
// Left empty, they come from the module and VCS information Go records in
// the binary (`go install …@v1.2.3` records the version, a build in a git
// checkout the commit).
var (
	version string
	commit  string
	date    string
)

// BuildInfo is what `authlab version` reports.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	Modified  bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Build returns the binary's version information.
func Build() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	// A release tool without git information stamps placeholders.
	if b.Commit == "none" || b.Commit == "unknown" {
		b.Commit = ""
	}
	if strings.HasPrefix(b.Date, "0001-01-01") {
		b.Date = ""
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true" && commit == ""
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	return b
}

// String is the one-line form: "authlab v1.2.3 (commit abc1234, 2026-01-01, go1.26.8 linux/amd64)".
func (b BuildInfo) String() string {
	s := "authlab " + b.Version + " ("
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += "commit " + c
		if b.Modified {
			s += "+modified"
		}
		s += ", "
	}
	if b.Date != "" {
		s += "built " + b.Date + ", "
	}
	return s + b.GoVersion + " " + b.Platform + ")"
}

// VersionOptions are version's flags.
type VersionOptions struct {
	IO   *IO
	JSON bool
}

func newVersionCmd(io *IO) *cobra.Command {
	o := &VersionOptions{IO: io}
	c := &cobra.Command{
		Use:   "version",
		Short: "Print authlab's version, commit and Go version",
		Long: `version prints the version of this binary, the commit it was built from and
the Go toolchain that built it (also 'authlab --version'). Include it in bug
reports.`,
		Example: `  authlab version
  authlab --version
  authlab version --json | jq -r .version`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runVersion(o)
		},
	}
	c.Flags().BoolVar(&o.JSON, "json", false, "print the version information as JSON")
	return c
}

func runVersion(o *VersionOptions) error {
	b := Build()
	if o.JSON {
		return writeJSONTo(o.IO.Out, b)
	}
	_, err := fmt.Fprintln(o.IO.Out, b.String())
	return err
}
