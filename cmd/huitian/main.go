// Command huitian is the Huitian community governance platform: one binary
// for the server, the demo and the operator's commands.
package main

import (
	"context"
	"os"
	_ "time/tzdata" // Asia/Shanghai display time on machines without zoneinfo

	"github.com/huitian/huitian/internal/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
