package engine

import (
	"net/netip"
	"testing"

	"infra/network"
	"infra/stacks"
	"infra/topology/topologytest"
)

// TestPinsKeepDeployedAllocations: the CIDR and overlay address a region
// was deployed with are read back from its outputs and win over what the
// allocator would choose now.
func TestPinsKeepDeployedAllocations(t *testing.T) {
	spec := topologytest.Load(t, "testdata/pair.yaml")
	fresh, err := network.Compute(spec)
	if err != nil {
		t.Fatal(err)
	}
	const id = "hetzner-fsn1-dev"
	cidr, overlay := netip.MustParsePrefix("10.77.0.0/16"), netip.MustParseAddr("10.100.0.77")
	if fresh.Region(id).CIDR == cidr || fresh.Region(id).Overlay == overlay {
		t.Fatal("pick other pins: the allocator chooses these anyway")
	}
	e := &Engine{spec: spec, deployed: map[string]*deployed{
		id: {Outputs: stacks.Outputs{
			CIDROutput:    {Value: cidr.String()},
			OverlayOutput: {Value: overlay.String()},
		}},
		"mesh": {Outputs: stacks.Outputs{CIDROutput: {Value: "not a prefix"}}},
	}}
	g, err := stacks.Build(spec, network.WithPrevious(e.pins()))
	if err != nil {
		t.Fatal(err)
	}
	if rn := g.Net.Region(id); rn.CIDR != cidr || rn.Overlay != overlay {
		t.Errorf("%s: %s %s, want the deployed %s %s", id, rn.CIDR, rn.Overlay, cidr, overlay)
	}
	other := "hetzner-nbg1-dev"
	if g.Net.Region(other).CIDR != fresh.Region(other).CIDR {
		t.Errorf("%s moved: %s, was %s", other, g.Net.Region(other).CIDR, fresh.Region(other).CIDR)
	}
}

func TestParseDeploymentRevealsSecrets(t *testing.T) {
	doc := `{"version":3,"deployment":{"resources":[
	  {"urn":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","type":"pulumi:pulumi:Stack","outputs":{
	    "plain":"x","key":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"\"k\""},
	    "nested":{"a":[1,{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"{\"b\":2}"}]}}},
	  {"urn":"urn:pulumi:s::p::pulumi:providers:aws::default","type":"pulumi:providers:aws"},
	  {"urn":"urn:pulumi:s::p::infra:mesh:PresharedKey::mesh-psk-a-b","type":"infra:mesh:PresharedKey","outputs":{
	    "key":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"\"psk\""}}}
	],"pending_operations":[{"resource":{"urn":"urn:pulumi:s::p::aws:ec2/vpc:Vpc::v"},"type":"creating"}]}}`
	d, err := parseDeployment([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if d.Resources != 1 || len(d.Pending) != 1 || d.Pending[0] != (PendingOperation{URN: "urn:pulumi:s::p::aws:ec2/vpc:Vpc::v", Type: "creating"}) {
		t.Errorf("resources %d, pending %v; want 1 and the create of v", d.Resources, d.Pending)
	}
	if v := d.Outputs["plain"]; v.Value != "x" || v.Secret {
		t.Errorf("plain = %#v", v)
	}
	if v := d.Outputs["key"]; v.Value != "k" || !v.Secret {
		t.Errorf("key = %#v", v)
	}
	if v := d.Outputs["nested"]; !v.Secret || v.Value.(map[string]any)["a"].([]any)[1].(map[string]any)["b"] != 2.0 {
		t.Errorf("nested = %#v", v)
	}
	if d.PSKs["mesh-psk-a-b"] != "psk" {
		t.Errorf("PSKs = %v", d.PSKs)
	}
	enc := `{"deployment":{"resources":[{"type":"pulumi:pulumi:Stack","outputs":{"k":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":"v1:abc"}}}]}}`
	if _, err := parseDeployment([]byte(enc)); err == nil {
		t.Error("an encrypted export was taken for plaintext")
	}
}
