// Command authlab debugs API-gateway custom authorizers locally.
package main

import (
	"os"

	"github.com/authlab/authlab/cmd/cli"
)

func main() {
	os.Exit(cli.Execute(cli.SystemIO(), os.Args[1:]))
}
