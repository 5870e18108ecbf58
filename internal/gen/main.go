// Command gen writes authlab's man pages and shell completions from the
// command tree, for release archives (goreleaser runs it before building):
//
//	go run ./internal/gen -out .release
//
// writes .release/man/authlab*.1 and .release/completions/authlab.{bash,zsh,fish,ps1}.
// SOURCE_DATE_EPOCH, when set, dates the man pages (reproducible builds).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/authlab/authlab/cmd/cli"
)

func main() {
	out := flag.String("out", ".release", "folder to write man/ and completions/ into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	var discard bytes.Buffer
	root := cli.NewRoot(&cli.IO{In: &discard, Out: &discard, Err: &discard, Getenv: os.Getenv})
	root.DisableAutoGenTag = true

	man := filepath.Join(out, "man")
	if err := os.MkdirAll(man, 0o755); err != nil {
		return err
	}
	date := time.Now()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		date = time.Unix(n, 0).UTC()
	}
	header := &doc.GenManHeader{Title: "AUTHLAB", Section: "1", Source: cli.Build().Version, Manual: "authlab manual", Date: &date}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}

	comp := filepath.Join(out, "completions")
	if err := os.MkdirAll(comp, 0o755); err != nil {
		return err
	}
	for name, gen := range map[string]func(string) error{
		"authlab.bash": func(f string) error { return root.GenBashCompletionFileV2(f, true) },
		"authlab.zsh":  root.GenZshCompletionFile,
		"authlab.fish": func(f string) error { return root.GenFishCompletionFile(f, true) },
		"authlab.ps1":  root.GenPowerShellCompletionFileWithDesc,
	} {
		if err := gen(filepath.Join(comp, name)); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
	}
	return nil
}
