package network

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"infra/topology"
)

// candidates is the pool the property test draws regions from.
var candidates = func() []topology.Region {
	var out []topology.Region
	for _, c := range topology.AllClouds {
		for _, name := range topology.RegionNames(c) {
			for _, env := range []string{"prod", "staging", "dev"} {
				out = append(out, topology.Region{Cloud: c, Name: name, Environment: env, Zones: topology.ZonesOf(c, name)})
			}
		}
	}
	return out
}()

// specOf builds a spec holding exactly the given regions, in that order.
func specOf(regions []topology.Region, supernet string) *topology.Spec {
	c := topology.Clouds{IBM: &topology.IBMCloud{}, AWS: &topology.AWSCloud{}, Hetzner: &topology.HetznerCloud{}, OVH: &topology.OVHCloud{}}
	for _, r := range regions {
		switch r.Cloud {
		case topology.IBM:
			c.IBM.Regions = append(c.IBM.Regions, &topology.IBMRegion{Region: r})
		case topology.AWS:
			c.AWS.Regions = append(c.AWS.Regions, &topology.AWSRegion{Region: r})
		case topology.Hetzner:
			c.Hetzner.Regions = append(c.Hetzner.Regions, &topology.HetznerRegion{Region: r})
		case topology.OVH:
			c.OVH.Regions = append(c.OVH.Regions, &topology.OVHRegion{Region: r})
		}
	}
	// /22: an AWS region takes an overlay address per zone (PerZone)
	return &topology.Spec{Clouds: c, Network: topology.Network{Supernet: supernet, Mesh: &topology.Mesh{Overlay: "10.255.0.0/22"}}}
}

func TestAllocationStableUnderEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var live []topology.Region
	cidrs := map[string]netip.Prefix{}
	overlay := map[string]netip.Addr{}
	regionOf := map[string]string{} // site ID → region ID
	for step := 0; step < 1000; step++ {
		switch op := rng.IntN(3); {
		case op == 0 || len(live) < 3: // add
			c := candidates[rng.IntN(len(candidates))]
			dup := false
			for _, r := range live {
				if r.ID() == c.ID() {
					dup = true
				}
			}
			if !dup && len(live) < 120 {
				live = append(live, c)
			}
		case op == 1: // remove
			i := rng.IntN(len(live))
			delete(cidrs, live[i].ID())
			for id, r := range regionOf {
				if r == live[i].ID() {
					delete(overlay, id) // the region's, or its zones' (SiteID)
				}
			}
			live = append(live[:i], live[i+1:]...)
		default: // reorder
			rng.Shuffle(len(live), func(i, j int) { live[i], live[j] = live[j], live[i] })
		}
		spec := specOf(live, "10.0.0.0/8")
		p, err := Compute(spec, WithPrevious(cidrs, overlay))
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		seen := map[netip.Prefix]string{}
		addrs := map[netip.Addr]string{}
		for i, rn := range p.Regions {
			if old, ok := cidrs[rn.ID]; ok && old != rn.CIDR {
				t.Fatalf("step %d: %s moved from %s to %s", step, rn.ID, old, rn.CIDR)
			}
			if other, dup := seen[rn.CIDR]; dup {
				t.Fatalf("step %d: %s and %s share %s", step, rn.ID, other, rn.CIDR)
			}
			seen[rn.CIDR], cidrs[rn.ID] = rn.ID, rn.CIDR
			sites := rn.MeshSites(spec.Regions()[i])
			if len(sites) == 0 {
				t.Fatalf("step %d: %s has no mesh gateway", step, rn.ID)
			}
			for id, a := range sites {
				if old, ok := overlay[id]; ok && old != a {
					t.Fatalf("step %d: %s overlay moved from %s to %s", step, id, old, a)
				}
				if other, dup := addrs[a]; dup || !a.IsValid() {
					t.Fatalf("step %d: %s and %s share overlay %s", step, id, other, a)
				}
				addrs[a], overlay[id], regionOf[id] = id, a, rn.ID
			}
		}
	}
}

func TestAllocationIgnoresOrder(t *testing.T) {
	regions := candidates[:40]
	a, err := Compute(specOf(regions, "10.0.0.0/8"))
	if err != nil {
		t.Fatal(err)
	}
	rev := make([]topology.Region, len(regions))
	for i, r := range regions {
		rev[len(regions)-1-i] = r
	}
	b, err := Compute(specOf(rev, "10.0.0.0/8"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rn := range a.Regions {
		if got := b.Region(rn.ID); got.CIDR != rn.CIDR || got.Overlay != rn.Overlay || fmt.Sprint(got.Zones) != fmt.Sprint(rn.Zones) {
			t.Errorf("%s: %s/%s %v in one order, %s/%s %v in the other", rn.ID, rn.CIDR, rn.Overlay, rn.Zones, got.CIDR, got.Overlay, got.Zones)
		}
	}
}

func TestExplicitCIDRsAreHonouredAndAvoided(t *testing.T) {
	var regions []topology.Region
	for i, c := range candidates[:30] {
		if i%3 == 0 {
			c.CIDR = fmt.Sprintf("10.%d.0.0/16", i)
		}
		regions = append(regions, c)
	}
	p, err := Compute(specOf(regions, "10.0.0.0/10"))
	if err != nil {
		t.Fatal(err)
	}
	for i, rn := range p.Regions {
		if regions[i].CIDR != "" {
			if rn.CIDR.String() != regions[i].CIDR || rn.Allocated {
				t.Errorf("%s: explicit %s became %s", rn.ID, regions[i].CIDR, rn.CIDR)
			}
			continue
		}
		for j, other := range p.Regions {
			if i != j && rn.CIDR.Overlaps(other.CIDR) {
				t.Errorf("%s %s overlaps %s %s", rn.ID, rn.CIDR, other.ID, other.CIDR)
			}
		}
		if rn.CIDR.Overlaps(p.Overlay) {
			t.Errorf("%s %s overlaps the overlay", rn.ID, rn.CIDR)
		}
	}
}

func TestZoneSubnets(t *testing.T) {
	tests := []struct {
		region  topology.Region
		want    []string // zone private public
		wantErr bool
	}{
		{topology.Region{Cloud: topology.AWS, Name: "us-east-1", Environment: "prod", CIDR: "10.1.0.0/16", Zones: []string{"us-east-1c", "us-east-1a"}},
			[]string{"us-east-1c 10.1.32.0/20 10.1.160.0/20", "us-east-1a 10.1.0.0/20 10.1.128.0/20"}, false},
		{topology.Region{Cloud: topology.Hetzner, Name: "nbg1", Environment: "prod", CIDR: "10.2.0.0/24"},
			[]string{"nbg1 10.2.0.0/28 10.2.0.128/28"}, false},
		{topology.Region{Cloud: topology.IBM, Name: "eu-de", Environment: "prod", CIDR: "172.16.0.0/12", Zones: []string{"eu-de-3"}},
			[]string{"eu-de-3 172.18.0.0/16 172.26.0.0/16"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.region.ID(), func(t *testing.T) {
			p, err := Compute(specOf([]topology.Region{tt.region}, "10.0.0.0/8"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, z := range p.Regions[0].Zones {
				got = append(got, fmt.Sprintf("%s %s %s", z.Zone, z.Private, z.Public))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSupernetExhausted(t *testing.T) {
	_, err := Compute(specOf(candidates[:5], "10.0.0.0/15"))
	if err == nil {
		t.Fatal("five regions fit in a /15")
	}
	if want := "supernet 10.0.0.0/15 has no free /16 left"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// A new region is never given a cluster's pod or service network
// (topology.ClusterRanges): a k3s node would send it to flannel, not the mesh.
func TestAllocationAvoidsClusterRanges(t *testing.T) {
	var hetzner topology.Region
	for _, c := range candidates {
		if c.Cloud == topology.Hetzner {
			hetzner = c
			break
		}
	}
	if _, err := Compute(specOf([]topology.Region{hetzner}, "10.42.0.0/15")); err == nil || !strings.Contains(err.Error(), "no free /16") {
		t.Errorf("a Hetzner region was allocated inside k3s's 10.42.0.0/15: %v", err)
	}
	p, err := Compute(specOf([]topology.Region{hetzner}, "10.42.0.0/14")) // masked: 10.40.0.0/14
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Regions[0].CIDR.String(); got != "10.40.0.0/16" && got != "10.41.0.0/16" {
		t.Errorf("allocated %s, want a /16 outside 10.42.0.0/15", got)
	}
}
