package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"infra/engine"
	"infra/plan"
	"infra/provider/sim"
	"infra/stacks"
	"infra/topology"
	"infra/topology/topologytest"
)

// checkpoint is what a file backend holds of one stack: its resources'
// URNs and the operations a run left unfinished.
type checkpoint struct {
	URNs    []string
	Pending int
}

func readCheckpoint(t *testing.T, backend, project, stack string) checkpoint {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(backend, ".pulumi", "stacks", project, stack+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Checkpoint struct {
			Latest struct {
				Resources []struct {
					URN  string `json:"urn"`
					Type string `json:"type"`
				} `json:"resources"`
				Pending []json.RawMessage `json:"pending_operations"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var c checkpoint
	for _, r := range doc.Checkpoint.Latest.Resources {
		if r.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		c.URNs = append(c.URNs, r.URN)
	}
	c.Pending = len(doc.Checkpoint.Latest.Pending)
	return c
}

// inCloud lists the URNs of the simulated cloud's objects of one stack.
func inCloud(srv *sim.Server, stack string) map[string]bool {
	out := map[string]bool{}
	for _, o := range srv.Cloud().Objects() {
		if strings.HasPrefix(string(o.URN), "urn:pulumi:"+stack+"::") {
			out[string(o.URN)] = true
		}
	}
	return out
}

// heldCalls starts a simulator that holds the Create of the resources
// matching globs until the engine cancels, and reports each held call.
func heldCalls(t *testing.T, globs []string, opts ...sim.Option) (*sim.Server, <-chan sim.Call) {
	held := make(chan sim.Call, 16)
	opts = append(opts, sim.WithHold(globs...), sim.WithHook(func(_ context.Context, c sim.Call) error {
		if c.Held {
			held <- c
		}
		return nil
	}))
	return startSim(t, opts...), held
}

// converges reruns up on a simulator of the same world without holds and
// checks that it completes, that nothing is left to change, and that the
// cloud holds each resource of the topology once.
func converges(t *testing.T, spec string, backend string, world *sim.Cloud) {
	t.Helper()
	ctx := context.Background()
	s := topologytest.Load(t, spec)
	srv := startSim(t, sim.WithCloud(world))
	mustSucceed(t, "rerun", open(t, s, backend, srv).Up(ctx))
	e := open(t, s, backend, srv)
	pre := e.Preview(ctx)
	mustSucceed(t, "preview after the rerun", pre)
	if pre.HasChanges() {
		for _, st := range pre.Stacks {
			t.Logf("%s: %v", st.Name, st.Steps)
		}
		t.Errorf("the rerun left changes")
	}
	want := planned(t, e)
	if got := len(srv.Cloud().Objects()); got != want {
		t.Errorf("the cloud holds %d objects, the topology has %d resources: duplicates or losses", got, want)
	}
}

// TestStopFinishesWhatIsInFlight: a graceful stop while both regions create
// their networks (held open by the simulator until the engine cancels). The
// networks finish, are in the state with no pending operation and are
// counted as created; nothing that needs them starts; mesh does not
// start; the run says it was interrupted; a rerun converges.
func TestStopFinishesWhatIsInFlight(t *testing.T) {
	it := newInterruptTest(t, "", []string{"hetzner-*-dev-network"})
	backend, srv := it.backend, it.srv
	stop := make(chan struct{})
	res := it.interrupt(t, (*engine.Engine).Up, 2, stop, engine.WithStop(stop))

	var ie *engine.IncompleteError
	if !res.Interrupted || !errors.As(res.Err(), &ie) || !ie.Interrupted() {
		t.Errorf("the result does not say it was interrupted: %v", res.Err())
	}
	for _, name := range []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev"} {
		r := res.Stack(name)
		if r.Status != engine.Canceled {
			t.Errorf("%s: %s (%v), want canceled", name, r.Status, r.Err)
		}
		network := "urn:pulumi:" + name + "::pair::hcloud:index/network:Network::" + name + "-network"
		subnet := "urn:pulumi:" + name + "::pair::hcloud:index/networkSubnet:NetworkSubnet::" + name + "-subnet"
		cp := readCheckpoint(t, backend, "pair", name)
		if cp.Pending != 0 {
			t.Errorf("%s: %d operations left pending by a graceful stop", name, cp.Pending)
		}
		cloud := inCloud(srv, name)
		if !cloud[network] || !slices.Contains(cp.URNs, network) {
			t.Errorf("%s: the network in flight did not finish: in the cloud %v, in the state %v", name, cloud[network], slices.Contains(cp.URNs, network))
		}
		if cloud[subnet] {
			t.Errorf("%s: the subnet, which needs the network, started after the stop", name)
		}
		if len(cloud) != len(cp.URNs) || r.Changes[engine.Create] != len(cp.URNs) {
			t.Errorf("%s: %d objects in the cloud, %d in the state, %d counted as created: want the same",
				name, len(cloud), len(cp.URNs), r.Changes[engine.Create])
		}
		for _, st := range r.Steps {
			if st.URN == network && (st.Failed || st.Incomplete) {
				t.Errorf("%s: the network is reported as not done: %+v", name, st)
			}
		}
	}
	if g := res.Stack(stacks.MeshName); g.Status != engine.NotStarted {
		t.Errorf("mesh: %s (%v), want not started", g.Status, g.Err)
	}
	if _, err := os.Stat(filepath.Join(backend, ".pulumi", "stacks", "pair", stacks.MeshName+".json")); err == nil {
		t.Errorf("mesh was made in the backend though it never started")
	}
	converges(t, "testdata/pair.yaml", backend, srv.Cloud())
}

// TestAbortStopsAtOnce: a stop at once while both networks are in flight,
// which here would take an hour after the cancel: the run ends without
// them, says it was interrupted, and a rerun converges.
func TestAbortStopsAtOnce(t *testing.T) {
	// Once the cancel releases the networks, the cloud's answer is an hour
	// away: they can only end by the run stopping at once.
	it := newInterruptTest(t, "", []string{"hetzner-*-dev-network"}, sim.WithLatency(time.Hour))
	backend, srv := it.backend, it.srv
	stop, abort := make(chan struct{}), make(chan struct{})
	res := it.interrupt(t, (*engine.Engine).Up, 2, abort, engine.WithStop(stop), engine.WithAbort(abort))
	if !res.Interrupted {
		t.Errorf("the result does not say it was interrupted: %v", res.Err())
	}
	for _, name := range []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev"} {
		r := res.Stack(name)
		if r.Status != engine.Canceled || r.Err == nil || !strings.Contains(r.Err.Error(), "at once") {
			t.Errorf("%s: %s (%v), want canceled at once", name, r.Status, r.Err)
		}
		network := "urn:pulumi:" + name + "::pair::hcloud:index/network:Network::" + name + "-network"
		if inCloud(srv, name)[network] {
			t.Errorf("%s: the network finished although the run stopped at once", name)
		}
	}
	if g := res.Stack(stacks.MeshName); g.Status != engine.NotStarted {
		t.Errorf("mesh: %s, want not started", g.Status)
	}
	converges(t, "testdata/pair.yaml", backend, srv.Cloud())
}

// interruptTest is the setup of the interrupt tests: the pair topology, a
// backend of its own, and a simulator that holds the calls matching holds
// until the engine cancels them.
type interruptTest struct {
	spec    *topology.Spec
	backend string
	srv     *sim.Server
	held    <-chan sim.Call
}

// newInterruptTest skips under -short, then makes the setup; a non-empty
// backend (one already deployed to) is used instead of a new one.
func newInterruptTest(t *testing.T, backend string, holds []string, opts ...sim.Option) *interruptTest {
	t.Helper()
	slow(t, "deploys on the simulator")
	if backend == "" {
		backend = t.TempDir()
	}
	srv, held := heldCalls(t, holds, opts...)
	return &interruptTest{spec: topologytest.Load(t, "testdata/pair.yaml"), backend: backend, srv: srv, held: held}
}

// interrupt runs op on an engine made with opts, closes signal (its stop or
// abort channel) once n calls are held, and returns the result, logged.
func (it *interruptTest) interrupt(t *testing.T, op func(*engine.Engine, context.Context) *engine.Result, n int, signal chan struct{}, opts ...engine.Option) *engine.Result {
	t.Helper()
	e := open(t, it.spec, it.backend, it.srv, opts...)
	done := make(chan *engine.Result)
	go func() { done <- op(e, context.Background()) }()
	for range n {
		<-it.held
	}
	close(signal)
	signaled := time.Now()
	res := <-done
	logResult(t, res)
	t.Logf("the run ended %v after the signal", time.Since(signaled).Round(time.Millisecond))
	return res
}

func logResult(t *testing.T, res *engine.Result) {
	t.Helper()
	for _, s := range res.Stacks {
		t.Logf("%s: %s %v (%v)", s.Name, s.Status, s.Changes, s.Err)
	}
}

// TestStopDuringDestroy: a graceful stop while the mesh stack deletes its
// gateways (held in flight). pulumi ends such a destroy without an error,
// its other deletes skipped; the engine still reports mesh as
// interrupted, not destroyed, and starts no region. The gateways' deletes
// finish; the rest stays, in the cloud and in the state; a rerun of destroy
// empties both.
func TestStopDuringDestroy(t *testing.T) {
	slow(t, "deploys on the simulator")
	d := deploy(t, "testdata/pair.yaml")

	it := newInterruptTest(t, d.backend, []string{"*-mesh-gateway"}, sim.WithCloud(d.srv.Cloud()))
	srv := it.srv
	stop := make(chan struct{})
	res := it.interrupt(t, (*engine.Engine).Destroy, 2, stop, engine.WithStop(stop))

	if !res.Interrupted {
		t.Errorf("the result does not say it was interrupted: %v", res.Err())
	}
	g := res.Stack(stacks.MeshName)
	if g.Status != engine.Canceled {
		t.Errorf("mesh: %s (%v), want canceled: its destroy did not finish", g.Status, g.Err)
	}
	cp := readCheckpoint(t, d.backend, "pair", stacks.MeshName)
	cloud := inCloud(srv, stacks.MeshName)
	if len(cp.URNs) == 0 || len(cloud) != len(cp.URNs) || cp.Pending != 0 {
		t.Errorf("mesh after the stop: %d resources in the state, %d in the cloud, %d pending: want the same, more than none, no pending",
			len(cp.URNs), len(cloud), cp.Pending)
	}
	for urn := range cloud {
		if strings.HasSuffix(urn, "-mesh-gateway") {
			t.Errorf("a gateway whose delete was in flight is still there: %s", urn)
		}
	}
	if g.Changes[engine.Delete] < 2 {
		t.Errorf("mesh: %d deletes counted, want the two gateways at least", g.Changes[engine.Delete])
	}
	for _, name := range []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev"} {
		if r := res.Stack(name); r.Status != engine.NotStarted {
			t.Errorf("%s: %s, want not started", name, r.Status)
		}
	}

	again := startSim(t, sim.WithCloud(d.srv.Cloud()))
	mustSucceed(t, "destroy again", open(t, d.spec, d.backend, again).Destroy(d.ctx))
	if n := len(again.Cloud().Objects()); n != 0 {
		t.Errorf("%d objects left in the cloud after the rerun of destroy", n)
	}
}

// TestSlowCreatesHoldBackNothing: every create of the pair's regional
// stacks is held at once, on a pulumi that sees one CPU (its own default
// would then run 4 operations at a time). All the resources that need
// nothing else start together: a slow create never holds back one that
// does not depend on it, whatever the machine.
func TestSlowCreatesHoldBackNothing(t *testing.T) {
	ctx := context.Background()
	it := newInterruptTest(t, "", []string{"*"})
	held := it.held
	stop, abort := make(chan struct{}), make(chan struct{})
	e := open(t, it.spec, it.backend, it.srv, engine.WithStop(stop), engine.WithAbort(abort),
		engine.WithEnv(map[string]string{"GOMAXPROCS": "1"}))
	p, err := plan.Generate(ctx, e.Graph())
	if err != nil {
		t.Fatal(err)
	}
	roots := 0
	for _, s := range p.Stacks {
		if s.Name == stacks.MeshName {
			continue
		}
		for _, r := range s.Resources {
			if len(r.DependsOn) == 0 && !strings.HasPrefix(r.Type, "pulumi:") {
				roots++
			}
		}
	}
	if roots <= 2*4 {
		t.Fatalf("the pair has %d resources that need nothing: too few to fill pulumi's default slots", roots)
	}
	done := make(chan *engine.Result, 1)
	go func() { done <- e.Up(ctx) }()
	// A bound so that a regression fails instead of hanging; not a timing.
	bound := time.After(2 * time.Minute)
	for n := 0; n < roots; n++ {
		select {
		case <-held:
		case <-bound:
			t.Fatalf("%d of the %d resources that need nothing started; the others wait for a slot", n, roots)
		}
	}
	close(abort)
	<-done
}
