package model

import (
	"net/netip"
	"reflect"
	"testing"

	"infra/network"
	"infra/topology"
	"infra/topology/topologytest"
)

func derive(t *testing.T, example string, opts ...network.Option) *Model {
	t.Helper()
	spec := topologytest.Load(t, "../examples/"+example+".yaml")
	m, err := Derive(spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNative pins which cloud enforces which guardrail natively, the one
// answer `infra guardrails check` and the guardrail ADR both render.
func TestNative(t *testing.T) {
	ibmAWSOVH := []topology.Cloud{topology.IBM, topology.AWS, topology.OVH}
	for _, tc := range []struct {
		example string
		clouds  map[string][]topology.Cloud
		how     map[string]map[topology.Cloud]string // a sample of the descriptions
	}{
		{"minimal", map[string][]topology.Cloud{}, nil},
		{"multicloud", map[string][]topology.Cloud{
			"allowed-regions": ibmAWSOVH, "deny-public-buckets": ibmAWSOVH, "deny-root-account": ibmAWSOVH,
			"protect-security-services": ibmAWSOVH, "require-encryption": {topology.IBM, topology.AWS},
			"require-tags": {topology.AWS},
		}, map[string]map[topology.Cloud]string{
			"deny-root-account":  {topology.IBM: "access groups scoped to resource groups", topology.OVH: "identity groups without an account role"},
			"require-encryption": {topology.IBM: "Key Protect", topology.AWS: "SCP DenyPublicS3+DenyRootAccountUsage+RequireEncryption"},
			"allowed-regions":    {topology.IBM: "IAM grants in the allowed regions only", topology.OVH: "IAM deny of 1 action"},
		}},
		// Guardrails without an organisation: IBM and OVH still enforce
		// theirs in their accounts, AWS has no SCP to attach.
		{"ipam", map[string][]topology.Cloud{
			"deny-public-buckets": {topology.IBM, topology.OVH}, "require-encryption": {topology.IBM},
		}, map[string]map[topology.Cloud]string{"deny-public-buckets": {topology.IBM: "CBR rules", topology.OVH: "IAM deny of 3 actions"}}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			m := derive(t, tc.example)
			if got := m.NativeClouds(); !reflect.DeepEqual(got, tc.clouds) {
				t.Errorf("NativeClouds:\n got %v\nwant %v", got, tc.clouds)
			}
			for g, by := range tc.how {
				for c, want := range by {
					if got := m.Native[g][c]; got != want {
						t.Errorf("%s on %s: %q, want %q", g, c, got, want)
					}
				}
			}
		})
	}
}

func TestDeriveCounts(t *testing.T) {
	spec := topologytest.Load(t, "../examples/minimal.yaml")
	before := Derivations()
	if _, err := Derive(spec); err != nil {
		t.Fatal(err)
	}
	if n := Derivations() - before; n != 1 {
		t.Errorf("one Derive counted %d times", n)
	}
}

// TestPinned: a model is pinned by its own allocations and by none that
// places a region elsewhere, so the engine derives again only then.
func TestPinned(t *testing.T) {
	m := derive(t, "multicloud")
	cidrs, overlays := map[string]netip.Prefix{}, map[string]netip.Addr{}
	for _, rn := range m.Addresses.Regions {
		cidrs[rn.ID] = rn.CIDR
		if rn.Overlay.IsValid() {
			overlays[rn.ID] = rn.Overlay
		}
	}
	if len(overlays) == 0 {
		t.Fatal("multicloud has no mesh overlay addresses to pin")
	}
	if !m.Pinned(cidrs, overlays) || !m.Pinned(nil, nil) {
		t.Error("a model is not pinned by its own allocations")
	}
	// Two allocated regions swapped, as an earlier deployment may have them.
	ipam := derive(t, "ipam")
	var alloc []*network.RegionNet
	for _, rn := range ipam.Addresses.Regions {
		if rn.Allocated {
			alloc = append(alloc, rn)
		}
	}
	if len(alloc) < 2 {
		t.Fatal("ipam has fewer than two allocated regions")
	}
	a, b := alloc[0], alloc[1]
	moved := map[string]netip.Prefix{a.ID: b.CIDR, b.ID: a.CIDR}
	if ipam.Pinned(moved, nil) {
		t.Errorf("pinned although %s and %s are deployed swapped", a.ID, b.ID)
	}
	if m.Pinned(nil, map[string]netip.Addr{"no-such-region": m.Addresses.Regions[0].Overlay}) {
		t.Error("pinned by a region the model does not have")
	}
	// Deriving with the other allocation honours it.
	again := derive(t, "ipam", network.WithPrevious(moved, nil))
	if !again.Pinned(moved, nil) {
		t.Errorf("Derive with WithPrevious did not keep %s and %s swapped", a.ID, b.ID)
	}
}
