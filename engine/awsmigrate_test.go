package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/engine"
)

// legacyGateway names what made an AWS region's one mesh gateway before a
// gateway per zone: the stack that holds it and its name then. The first
// zone's gateway is that gateway now (it ran in the first zone's subnet).
var legacyGateway = []struct{ stack, name string }{
	{"aws-eu-central-1-prod", "mesh-key"},
	{"aws-eu-central-1-prod", "mesh-eip"},
	{"mesh", "mesh-eni"},
	{"mesh", "mesh-eip-association"},
	{"mesh", "mesh-gateway"},
}

// TestAWSRegionMovesToZoneGateways: a region deployed with one mesh
// gateway moves to a gateway per zone. The old gateway's Elastic IP is
// associated by the mesh stack, which runs after the regional one, so a
// regional stack that released it first would fail on AWS
// (InvalidIPAddress.InUse, which the simulator answers too). The first
// zone's gateway takes the old one over: same key, address, interface and
// instance; only the other zones' gateways are new.
func TestAWSRegionMovesToZoneGateways(t *testing.T) {
	slow(t, "two deployments")
	d := deploy(t, writeSpec(t, twoAWSRegions))
	cli := legacyCLI(t, d.open(t), "two-aws", d.backend)
	const zone = "eu-central-1a"
	before := map[string]resource.ID{}
	for _, g := range legacyGateway {
		var doc struct {
			Deployment struct{ Resources []struct{ URN, ID string } }
		}
		if err := json.Unmarshal(cli("stack", "export", "--stack", g.stack), &doc); err != nil {
			t.Fatal(err)
		}
		current := "aws-eu-central-1-prod-" + g.name + "-" + zone
		found := false
		for _, r := range doc.Deployment.Resources {
			if resource.URN(r.URN).Name() == current {
				cli("state", "rename", "--stack", g.stack, "--yes", r.URN, "aws-eu-central-1-prod-"+g.name)
				before[current], found = resource.ID(r.ID), true
			}
		}
		if !found {
			t.Fatalf("stack %s has no %s", g.stack, current)
		}
	}

	up := d.open(t).Up(d.ctx)
	mustSucceed(t, "up from one gateway to one per zone", up)
	for _, s := range up.Stacks {
		for _, c := range []engine.Change{engine.Create, engine.Delete, engine.Replace} {
			for _, st := range s.StepsOf(c) {
				if strings.Contains(string(st.URN), zone) && st.Type != "aws:ec2/instance:Instance" {
					t.Errorf("%s: %s %s; the first zone's gateway must take the old one over", s.Name, c, st.URN)
				}
			}
		}
	}
	for _, o := range d.srv.Cloud().Objects() {
		if id, ok := before[o.URN.Name()]; ok && id != o.ID && o.URN.Type() != "aws:ec2/instance:Instance" {
			t.Errorf("%s is %s, was %s", o.URN.Name(), o.ID, id)
		}
	}
}
