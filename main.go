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
	// First interrupt: cancel gracefully (operations in flight finish, the
	// state stays consistent). Second: abort. Third: leave now. A hangup
	// (the terminal closed, an ssh session dropped) is an interrupt too:
	// left to its default, it would kill infra and leave pulumi's locks and
	// pending operations behind.
	ctx, cancel := context.WithCancel(context.Background())
	abort := make(chan struct{})
	sigs := make(chan os.Signal, 3)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-sigs
		cancel()
		<-sigs
		close(abort)
		<-sigs
		os.Exit(130)
	}()
	code := cmd.Execute(ctx, abort)
	cancel()
	os.Exit(code)
}
