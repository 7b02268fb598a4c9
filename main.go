// Command infra provisions multi-cloud Kubernetes platforms from one topology file.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"infra/cmd"
	"infra/provider"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// Run as pulumi-resource-infra (a symlink to this executable), infra is
	// the engine's provider plugin for its own resource types.
	if strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") == provider.PluginName {
		err := provider.Main(ctx, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	code := cmd.Execute(ctx)
	stop()
	os.Exit(code)
}
