package engine_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"infra/engine"
	"infra/stacks"
)

// TestUpReplacesOverlappingHetznerRoutes: a mesh deployed with Hetzner
// routes under names the program no longer declares (as per-peer routes
// were before they were summarised), each overlapping a route the program
// now declares. pulumi would create the new routes before deleting the old
// ones, and the simulator, as Hetzner, refuses a route that overlaps
// another of its network; the up deletes the old routes first, says so,
// and succeeds, leaving the declared routes only, none overlapping.
func TestUpReplacesOverlappingHetznerRoutes(t *testing.T) {
	slow(t, "two deployments")
	d := deploy(t, "testdata/pair.yaml")

	// Rename the routes in the state only: the cloud keeps them, the
	// program declares their names no more.
	cli := legacyCLI(t, d.open(t), d.spec.Name, d.backend)
	var doc struct {
		Deployment struct {
			Resources []struct{ URN, Type string }
		}
	}
	if err := json.Unmarshal(cli("stack", "export", "--stack", stacks.MeshName), &doc); err != nil {
		t.Fatal(err)
	}
	renamed := 0
	for _, r := range doc.Deployment.Resources {
		if r.Type != "hcloud:index/networkRoute:NetworkRoute" {
			continue
		}
		name := r.URN[strings.LastIndex(r.URN, "::")+2:]
		cli("state", "rename", "--stack", stacks.MeshName, "--yes", r.URN, strings.Replace(name, "-mesh-route-", "-mesh-route-old-", 1))
		renamed++
	}
	if renamed == 0 {
		t.Fatal("the mesh stack holds no Hetzner route")
	}

	pv := d.open(t).Preview(d.ctx)
	mustSucceed(t, "preview over the old routes", pv)
	if !hasDiag(pv.Stack(stacks.MeshName), engine.RuleRun, "the up first deletes "+strconv.Itoa(renamed)+" Hetzner network route(s)") {
		t.Errorf("the preview does not say the up deletes the old routes first: %v", pv.Stack(stacks.MeshName).Diagnostics)
	}

	up := d.open(t).Up(d.ctx)
	mustSucceed(t, "up over the old routes", up)
	mesh := up.Stack(stacks.MeshName)
	if !hasDiag(mesh, engine.RuleRun, "deleted "+strconv.Itoa(renamed)+" Hetzner network route(s) before the up") {
		t.Errorf("the up does not say it deleted the %d old routes first: %v", renamed, mesh.Diagnostics)
	}
	if got := mesh.Changes[engine.Create]; got != renamed {
		t.Errorf("%d creates in the mesh stack, want the %d routes: %v", got, renamed, mesh.Steps)
	}
	type route struct {
		network string
		dest    netip.Prefix
	}
	var routes []route
	for _, o := range d.srv.Cloud().Objects() {
		if string(o.URN.Type()) != "hcloud:index/networkRoute:NetworkRoute" {
			continue
		}
		if strings.Contains(string(o.URN), "-mesh-route-old-") {
			t.Errorf("%s is still in the cloud", o.URN)
		}
		routes = append(routes, route{fmt.Sprint(o.Inputs["networkId"].V), netip.MustParsePrefix(o.Inputs["destination"].StringValue())})
	}
	if len(routes) != renamed {
		t.Errorf("%d routes in the cloud, want %d", len(routes), renamed)
	}
	for i, a := range routes {
		for _, b := range routes[i+1:] {
			if a.network == b.network && a.dest.Overlaps(b.dest) {
				t.Errorf("routes %s and %s overlap in network %s", a.dest, b.dest, a.network)
			}
		}
	}
	again := d.open(t).Up(d.ctx)
	mustSucceed(t, "no-op up", again)
	if hasDiag(again.Stack(stacks.MeshName), engine.RuleRun, "Hetzner network route") {
		t.Errorf("a no-op up deleted routes: %v", again.Stack(stacks.MeshName).Diagnostics)
	}
}
