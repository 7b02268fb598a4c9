package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/engine"
	"infra/topology/topologytest"
)

// oneK3s is a Hetzner k3s cluster on the older pinned minor version.
const oneK3s = `name: one-k3s
clouds:
  hetzner:
    regions:
      - {region: nbg1, environment: prod, cidr: 10.20.0.0/16, cluster: {kubernetes: "1.34", serverType: cx23, controlPlanes: 3, workers: 2, apiAccess: [203.0.113.0/24]}}
network:
  supernet: 10.0.0.0/8
`

// TestK3sUpgradeUpdatesPlansOnly: a k3s version bump in the topology
// replaces no server (their user data names the release, and Hetzner
// refuses a second server with the same name and address; replacing every
// control plane at once would lose etcd). It updates only the upgrade
// Plans, which the system-upgrade-controller carries out node by node.
// A worker added afterwards boots the new release from its user data.
func TestK3sUpgradeUpdatesPlansOnly(t *testing.T) {
	slow(t, "deploys a topology")
	d := deploy(t, writeSpec(t, oneK3s))

	bumped := strings.Replace(oneK3s, `kubernetes: "1.34"`, `kubernetes: "1.35"`, 1)
	e := open(t, topologytest.Load(t, writeSpec(t, bumped)), d.backend, d.srv)
	pre := e.Preview(d.ctx)
	mustSucceed(t, "preview of the bump", pre)
	up := e.Up(d.ctx)
	mustSucceed(t, "up with the bump", up)
	for _, r := range []*engine.Result{pre, up} {
		s := r.Stack("hetzner-nbg1-prod")
		if s == nil {
			t.Fatalf("no hetzner stack in %v", r.Stacks)
		}
		var changed []string
		for _, st := range s.Steps {
			if st.Change == engine.Same {
				continue
			}
			changed = append(changed, fmt.Sprintf("%s %s %s", st.Change, st.Type, urnName(st.URN)))
			if st.Change != engine.Update || urnName(st.URN) != "hetzner-nbg1-prod-k3s-upgrade" {
				continue
			}
			if strings.Join(st.Diffs, ",") != "objects" {
				t.Errorf("the plans' update changes %v, want objects only", st.Diffs)
			}
			for _, v := range st.Values {
				if v.Name == "objects" && (v.Secret || strings.Count(fmt.Sprint(v.New), `"version":"v1.35.5+k3s1"`) != 2 ||
					strings.Count(fmt.Sprint(v.Old), `"version":"v1.34.8+k3s1"`) != 2) {
					t.Errorf("objects change: secret %v, old %.80v…, new %.80v…", v.Secret, v.Old, v.New)
				}
			}
		}
		if len(changed) != 1 || changed[0] != "update infra:kubernetes:Manifests hetzner-nbg1-prod-k3s-upgrade" {
			t.Errorf("%s changes %v; want only the upgrade plans updated", r.Operation, changed)
		}
	}

	// A worker made now installs the release the plans hold the others at.
	grown := strings.Replace(bumped, "workers: 2", "workers: 3", 1)
	up = open(t, topologytest.Load(t, writeSpec(t, grown)), d.backend, d.srv).Up(d.ctx)
	mustSucceed(t, "up with a third worker", up)
	if n := len(up.Stack("hetzner-nbg1-prod").StepsOf(engine.Replace)); n != 0 {
		t.Errorf("adding a worker replaces %d resources", n)
	}
	found := false
	for _, o := range d.srv.Cloud().Objects() {
		if urnName(string(o.URN)) != "hetzner-nbg1-prod-worker-3" {
			continue
		}
		found = true
		ud := o.Inputs["userData"]
		if ud.IsSecret() {
			ud = ud.SecretValue().Element
		}
		if !strings.Contains(ud.StringValue(), "INSTALL_K3S_VERSION=v1.35.5+k3s1") {
			t.Errorf("the new worker installs another release:\n%s", ud.StringValue())
		}
	}
	if !found {
		t.Error("no third worker in the simulated cloud")
	}
}

// TestK3sStaleConfigWarns: a server keeps the k3s configuration it was
// made with (its user data is read once), which its infra/k3s-config label
// names. While that differs from the current configuration, every preview
// warns about that server, and changes nothing.
func TestK3sStaleConfigWarns(t *testing.T) {
	slow(t, "deploys a topology")
	d := deploy(t, writeSpec(t, oneK3s))
	const server = "hetzner-nbg1-prod-control-plane-2"
	// As if made by an older infra: another configuration in its label.
	for _, o := range d.srv.Cloud().Objects() {
		if urnName(string(o.URN)) != server {
			continue
		}
		labels := o.Inputs["labels"].ObjectValue().Copy()
		labels["infra/k3s-config"] = resource.NewStringProperty("0123456789ab")
		if err := d.srv.Cloud().Drift(o.URN, "labels", resource.NewObjectProperty(labels)); err != nil {
			t.Fatal(err)
		}
	}
	mustSucceed(t, "refresh", d.open(t).Refresh(d.ctx))
	pre := d.open(t).Preview(d.ctx)
	mustSucceed(t, "preview", pre)
	s := pre.Stack("hetzner-nbg1-prod")
	var warned []string
	for _, dg := range s.Diagnostics {
		if strings.Contains(dg.Message, "k3s configuration") {
			warned = append(warned, dg.Message)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], server+" was made with k3s configuration 0123456789ab") {
		t.Errorf("warnings %q; want one, about %s", warned, server)
	}
	if n := s.Total(); n != 0 {
		t.Errorf("the preview changes %d resources: %v", n, s.Steps)
	}
}
