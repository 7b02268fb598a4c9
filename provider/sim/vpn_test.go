package sim

import (
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The simulator answers the VPN for VPC types as IBM does: a gateway with
// its two members' public IPs (documentation addresses), stable; a
// connection in its gateway's mode, down; and the replacements of the IBM
// provider's Diff.
func TestVPNTypes(t *testing.T) {
	const stack = "urn:pulumi:dev::simtest::"
	gw := computeOutputs(target{urn: stack + "infra:ibm:VpnGateway::to-aws", id: "r006-gw"}, false)
	ips := gw["publicIps"]
	if !ips.IsArray() || len(ips.ArrayValue()) != 2 || ips.ArrayValue()[0].DeepEquals(ips.ArrayValue()[1]) {
		t.Fatalf("publicIps = %v, want two distinct addresses", ips)
	}
	for _, ip := range ips.ArrayValue() {
		a, err := netip.ParseAddr(ip.StringValue())
		doc := false
		for _, n := range documentationNets {
			doc = doc || err == nil && a.As4()[0] == n[0] && a.As4()[1] == n[1] && a.As4()[2] == n[2]
		}
		if !doc {
			t.Errorf("public IP %v is not a documentation address", ip)
		}
	}
	if gw["lifecycleState"].StringValue() != "stable" || gw["healthState"].StringValue() != "ok" || !gw.HasValue("crn") {
		t.Errorf("gateway outputs = %v", gw)
	}
	if preview := computeOutputs(target{urn: stack + "infra:ibm:VpnGateway::to-aws"}, true); !preview["publicIps"].IsComputed() {
		t.Errorf("a preview's publicIps = %v, want unknown", preview["publicIps"])
	}

	psk := resource.MakeSecret(resource.NewStringProperty("a-pre-shared-key"))
	route := computeOutputs(target{urn: stack + "infra:ibm:VpnGatewayConnection::tunnel", id: "r006-c",
		inputs: resource.PropertyMap{"psk": psk}}, false)
	policy := computeOutputs(target{urn: stack + "infra:ibm:VpnGatewayConnection::tunnel", id: "r006-c",
		inputs: resource.PropertyMap{"psk": psk, "peerCidrs": resource.NewPropertyValue([]any{"10.20.0.0/16"})}}, false)
	if route["mode"].StringValue() != "route" || policy["mode"].StringValue() != "policy" || route["status"].StringValue() != "down" {
		t.Errorf("connection outputs: %v / %v", route, policy)
	}
	if !route["psk"].IsSecret() {
		t.Errorf("the psk output lost its secrecy: %v", route["psk"])
	}
	ike := computeOutputs(target{urn: stack + "infra:ibm:IkePolicy::ike"}, false)
	ipsec := computeOutputs(target{urn: stack + "infra:ibm:IpsecPolicy::ipsec"}, false)
	if ike["negotiationMode"].StringValue() != "main" || ipsec["encapsulationMode"].StringValue() != "tunnel" ||
		ipsec["transformProtocol"].StringValue() != "esp" {
		t.Errorf("policy outputs: %v / %v", ike, ipsec)
	}

	for typ, keys := range map[string][]resource.PropertyKey{
		"infra:ibm:VpnGateway":           {"subnet", "mode"},
		"infra:ibm:VpnGatewayConnection": {"vpnGateway", "peerCidrs"},
	} {
		r := replaceKeys(typ)
		for _, k := range keys {
			if !r[k] {
				t.Errorf("%s: a change of %s does not replace", typ, k)
			}
		}
	}
}
