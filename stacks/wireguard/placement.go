package wireguard

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// Placement is what the mesh stack places a region's mesh gateway with,
// whatever its cloud: the AWS, Hetzner and IBM GatewayArgs embed it and add
// what their regional stack exports.
type Placement struct {
	Spec *topology.Spec
	Net  *network.RegionNet
	// Port is the mesh's UDP port.
	Port int
	// UserData is the gateway's cloud-init (CloudInit): no key, no peer.
	UserData pulumi.StringOutput
	// Placed, when set, is called with the gateway's instance once it is
	// declared, and with what else the push must wait for (the public IP's
	// association): the mesh pushes the instance its peers (infra:mesh:Peers).
	Placed func(instance pulumi.CustomResource, after ...pulumi.Resource) error
	// Peers are the other gateways: only they may send to Port.
	Peers []Peer
	// Routes are what the region's network sends to the gateway: AWS's
	// private route tables, the Hetzner network, IBM's VPC routing table.
	Routes []network.Route
}
