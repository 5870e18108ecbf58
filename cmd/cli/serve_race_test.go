//go:build race

package cli

// raceEnabled builds the served binary with the race detector too, so
// `go test -race` also checks the server that runs in another process.
const raceEnabled = true
