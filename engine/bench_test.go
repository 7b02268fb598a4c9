package engine_test

import (
	"context"
	"testing"
	"time"

	"infra/engine"
	"infra/provider/sim"
	"infra/stacks"
	"infra/topology/topologytest"
)

// criticalPath is the longest chain of stacks through the graph, each stack
// weighing what it took in run.
func criticalPath(g *stacks.Graph, run *engine.Result) time.Duration {
	finish := map[string]time.Duration{}
	var longest time.Duration
	for _, s := range g.Stacks { // topological order
		var start time.Duration
		for _, d := range s.DependsOn {
			start = max(start, finish[d])
		}
		finish[s.Name] = start + run.Stack(s.Name).Duration
		longest = max(longest, finish[s.Name])
	}
	return longest
}

// BenchmarkUpMulticloud deploys examples/multicloud.yaml on the simulator
// with INFRA_SIM_LATENCY=200ms, once one stack at a time (the Automation
// API's multi-stack example) and once with stacks in parallel, and reports
// each wall time against the critical path: the longest chain of stacks,
// each weighing its own time in the one-at-a-time run, where nothing
// competes with it. A ratio of 1 is the best a DAG runner can do.
//
//	go test ./engine -run '^$' -bench UpMulticloud -benchtime 1x
func BenchmarkUpMulticloud(b *testing.B) {
	pulumiCLI(b)
	ctx := context.Background()
	spec := topologytest.Load(b, "../examples/multicloud.yaml")
	// Only the ups are timed; the simulator and engine start-up are not.
	up := func(b *testing.B, parallel int) (*engine.Engine, *engine.Result, time.Duration) {
		b.StopTimer()
		srv := startSim(b, sim.WithLatency(200*time.Millisecond))
		e := open(b, spec, b.TempDir(), srv, engine.WithParallel(parallel))
		b.StartTimer()
		start := time.Now()
		r := e.Up(ctx)
		wall := time.Since(start)
		mustSucceed(b, "up", r)
		return e, r, wall
	}
	var critical, seqWall, parWall time.Duration
	resources := 0
	for i := range b.N {
		e, seq, sw := up(b, 1)
		critical += criticalPath(e.Graph(), seq)
		_, _, pw := up(b, 10)
		seqWall, parWall = seqWall+sw, parWall+pw
		resources = 0
		for _, s := range seq.Stacks {
			resources += s.Total()
			if i == 0 {
				b.Logf("%-22s %4d resources  %6.1fs alone", s.Name, s.Total(), s.Duration.Seconds())
			}
		}
	}
	// Means over the iterations (ns/op covers both ups).
	n := float64(b.N)
	b.ReportMetric(critical.Seconds()/n, "critical-s")
	b.ReportMetric(seqWall.Seconds()/n, "sequential-s")
	b.ReportMetric(parWall.Seconds()/n, "parallel-s")
	b.ReportMetric(seqWall.Seconds()/critical.Seconds(), "sequential/critical")
	b.ReportMetric(parWall.Seconds()/critical.Seconds(), "parallel/critical")
	b.ReportMetric(float64(resources), "resources")
}

// BenchmarkEngineOverhead deploys the multicloud example one stack at a time
// on a simulator with no latency: what is left is the engine's own cost
// (the CLI, the language host, gRPC, state writes), per resource and, for
// the fixed part, per stack.
//
//	go test ./engine -run '^$' -bench EngineOverhead -benchtime 1x
func BenchmarkEngineOverhead(b *testing.B) {
	pulumiCLI(b)
	ctx := context.Background()
	spec := topologytest.Load(b, "../examples/multicloud.yaml")
	for range b.N {
		srv := startSim(b)
		e := open(b, spec, b.TempDir(), srv, engine.WithParallel(1))
		calls0, spent0 := e.CLIStats()
		start := time.Now()
		r := e.Up(ctx)
		wall := time.Since(start)
		mustSucceed(b, "up", r)
		calls, spent := e.CLIStats()
		resources := 0
		for _, s := range r.Stacks {
			resources += s.Total()
		}
		// A no-op up of every stack: it still runs every program and
		// checks and diffs every resource, so it is the cost of a stack
		// with nothing to change, not a fixed cost per stack; the
		// difference is what creating costs beyond that.
		start = time.Now()
		noop := e.Up(ctx)
		noopWall := time.Since(start)
		mustSucceed(b, "no-op up", noop)
		perStack := noopWall / time.Duration(len(r.Stacks))
		b.ReportMetric(float64(wall.Milliseconds())/float64(resources), "ms/resource")
		b.ReportMetric(float64((wall-noopWall).Milliseconds())/float64(resources), "ms/resource-create-beyond-noop")
		b.ReportMetric(perStack.Seconds(), "s/stack-noop-up")
		b.ReportMetric(float64(calls-calls0)/float64(len(r.Stacks)), "cli-calls/stack")
		b.ReportMetric((spent - spent0).Seconds(), "cli-s")
		b.ReportMetric(wall.Seconds(), "up-s")
		b.ReportMetric(float64(resources), "resources")
	}
}
