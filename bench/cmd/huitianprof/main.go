// Command huitianprof is the huitian command with net/http/pprof served on
// a side address (HUITIAN_PPROF_ADDR, loopback only), for loadbench's
// -pprof: the application's binary has no profiling endpoint, and this one
// is never deployed.
package main

import (
	"context"
	"fmt"
	"net/http"
	_ "net/http/pprof" // the profiling handlers on http.DefaultServeMux
	"os"
	"strings"
	_ "time/tzdata"

	"github.com/huitian/huitian/internal/cli"
)

func main() {
	if addr := os.Getenv("HUITIAN_PPROF_ADDR"); addr != "" {
		if !strings.HasPrefix(addr, "127.0.0.1:") && !strings.HasPrefix(addr, "localhost:") {
			fmt.Fprintln(os.Stderr, "huitianprof: HUITIAN_PPROF_ADDR must be on loopback")
			os.Exit(2)
		}
		go func() { fmt.Fprintln(os.Stderr, "huitianprof:", http.ListenAndServe(addr, nil)) }()
	}
	os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
