package sim

import (
	"context"
	"sync"

	"google.golang.org/grpc/stats"
)

// connection is what one provider instance of the engine told the
// simulator. The engine opens a gRPC connection per provider instance (the
// default aws provider, each explicit aws.Provider, ...), and some calls,
// Invoke among them, do not say which instance they are for: the connection
// does.
type connection struct {
	mu         sync.Mutex
	region     string
	canceled   chan struct{}
	cancelOnce sync.Once
}

func (c *connection) setRegion(r string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.region = r
}

func (c *connection) getRegion() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.region
}

func (c *connection) cancel() { c.cancelOnce.Do(func() { close(c.canceled) }) }

type connKey struct{}

// connections is a gRPC stats handler that gives each connection a record.
// On the server side, the context of every call on a connection derives
// from the one TagConn returns, so the record travels with the calls and
// goes away with the connection.
type connections struct{}

func (connections) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return context.WithValue(ctx, connKey{}, &connection{canceled: make(chan struct{})})
}

func (connections) HandleConn(context.Context, stats.ConnStats) {}

func (connections) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

func (connections) HandleRPC(context.Context, stats.RPCStats) {}

// connOf returns the record of the connection a call came in on.
func connOf(ctx context.Context) *connection {
	if c, ok := ctx.Value(connKey{}).(*connection); ok {
		return c
	}
	// Not reached through the gRPC server: a record of its own.
	return &connection{canceled: make(chan struct{})}
}
