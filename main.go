// Command infra provisions multi-cloud Kubernetes platforms from one topology file.
package main

import (
	"context"
	"os"
	"os/signal"

	"infra/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cmd.Execute(ctx)
	stop()
	os.Exit(code)
}
