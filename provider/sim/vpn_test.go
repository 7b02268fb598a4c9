package sim

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/computed"
)

// The simulator previews the VPN for VPC types with their computed outputs
// unknown (the values are the shared model's, tested there) and replaces
// them where the IBM provider's Diff does.
func TestVPNTypes(t *testing.T) {
	const stack = "urn:pulumi:dev::simtest::"
	if preview := outputs(computed.Resource{URN: stack + "infra:ibm:VpnGateway::to-aws"}, true); !preview["publicIps"].IsComputed() {
		t.Errorf("a preview's publicIps = %v, want unknown", preview["publicIps"])
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
