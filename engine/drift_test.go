package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/engine"
	"infra/provider/sim"
)

// TestDriftIsReadOnly: a property changed and a resource deleted behind
// infra's back, through the simulator, are reported (property, expected,
// actual; the vanished resource), and the state file is byte-identical
// afterwards.
func TestDriftIsReadOnly(t *testing.T) {
	d := deploy(t, "testdata/pair.yaml", engine.WithStacks("hetzner-nbg1-dev"))
	network, lb := networkAndLB(d.srv)
	if err := d.srv.Cloud().Drift(network.URN, "labels", resource.NewObjectProperty(resource.PropertyMap{"hand": resource.NewStringProperty("edited")})); err != nil {
		t.Fatal(err)
	}
	d.srv.Cloud().Remove(lb.URN)
	checkpoint := filepath.Join(d.backend, ".pulumi", "stacks", "pair", "hetzner-nbg1-dev.json")
	before, err := os.ReadFile(checkpoint)
	if err != nil {
		t.Fatal(err)
	}

	res, rep := d.open(t).Drift(d.ctx)
	mustSucceed(t, "drift", res)
	if !rep.Drifted {
		t.Fatal("no drift reported")
	}
	var got *engine.StackDrift
	for i := range rep.Stacks {
		if rep.Stacks[i].Name == "hetzner-nbg1-dev" {
			got = &rep.Stacks[i]
		} else if rep.Stacks[i].Drifted() {
			t.Errorf("stack %s drifted: %+v", rep.Stacks[i].Name, rep.Stacks[i])
		}
	}
	if got == nil || len(got.Vanished) != 1 || got.Vanished[0].Resource != lb.URN.Name() {
		t.Fatalf("vanished = %+v, want the load balancer %s", got, lb.URN.Name())
	}
	found := false
	for _, c := range got.Changed {
		if c.Resource == network.URN.Name() && (c.Property == "labels" || c.Property == "labels.hand") {
			found = fmt.Sprint(c.Actual) != "" && fmt.Sprint(c.Actual) != fmt.Sprint(c.Expected)
			t.Logf("changed: %s %s: %v -> %v", c.Resource, c.Property, c.Expected, c.Actual)
		}
	}
	if !found {
		t.Errorf("changed = %+v, want the network's labels with expected and actual values", got.Changed)
	}
	after, err := os.ReadFile(checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("drift wrote the state file")
	}
}

// networkAndLB finds a Hetzner region's network and load balancer in the
// simulated cloud.
func networkAndLB(srv *sim.Server) (network, lb sim.Object) {
	for _, o := range srv.Cloud().Objects() {
		switch o.URN.Type() {
		case "hcloud:index/network:Network":
			network = o
		case "hcloud:index/loadBalancer:LoadBalancer":
			lb = o
		}
	}
	return network, lb
}
