// Command infra provisions multi-cloud Kubernetes platforms from one topology file.
//
// Run as pulumi-resource-infra (a link to this executable, which the engine
// puts on the pulumi CLI's PATH), it serves the infra provider plugin.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"infra/cmd"
	"infra/provider"
)

func main() {
	if strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") == provider.PluginName {
		// The engine stops a plugin with an interrupt.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := provider.Main(ctx, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// The commands that run the engine take Ctrl-C, SIGTERM and SIGHUP
	// while they run: the first stops gracefully, the second at once, the
	// third exits (cmd/engine.go watchInterrupt). The others end at once.
	code := cmd.Execute(context.Background())
	os.Exit(code)
}
