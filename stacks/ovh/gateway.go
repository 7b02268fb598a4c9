package ovh

import (
	"fmt"

	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/cloudproject"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/wireguard"
	"infra/topology"
)

// Choices for the gateway instance the spec leaves to the program.
const (
	// gatewayFlavor is the smallest flavor every region offers: clouds.md
	// §4.2 lists d2 for all MKS regions, EU-WEST-PAR included (O1); the
	// preview's flavor lookup fails early, naming the region, where it is not.
	gatewayFlavor = "d2-4"
	// gatewayImage is the name of OVHcloud's Ubuntu 24.04 image.
	gatewayImage = "Ubuntu 24.04"
)

// GatewayArgs is what the global stack places one OVH region's mesh
// gateway with.
type GatewayArgs struct {
	Spec   *topology.Spec
	Region *topology.OVHRegion
	Net    *network.RegionNet
	// UserData is the gateway's cloud-init (wireguard.CloudInit): no key, no peer.
	UserData pulumi.StringOutput
	// Placed, when set, is called with the gateway's instance once it is
	// declared, and with what else the push must wait for (the public IP's
	// association): the mesh pushes the instance its peers (infra:mesh:Peers).
	Placed func(instance pulumi.CustomResource, after ...pulumi.Resource) error
	// From the regional stack: project, openstackNetworkId, subnetId,
	// MeshFloatingIPOutput, MeshRouterOutput and MeshGatewayIPOutput.
	Project, NetworkId, SubnetId, FloatingIpId, RouterId, PrivateIp pulumi.StringInput
}

// Gateway declares one OVH region's mesh gateway: an instance on the
// region's private network at the pinned address the subnet's host route
// names (MeshGatewayIP), reached through the region's floating IP on the
// subnet's OVHcloud Gateway. The instance resource of pulumi-ovh takes no
// security group, so the gateway's own nftables (wireguard.Firewall, input
// dropped by default) is its firewall. It source-NATs what it forwards from
// the tunnel into the region's network (wireguard.Boot.SNAT): OpenStack
// port security drops packets leaving a port with a source address that is
// not the port's own, and the instance resource cannot turn it off.
func Gateway(ctx *pulumi.Context, args GatewayArgs) error {
	r, rn := args.Region, args.Net
	if args.Spec == nil || r == nil || rn == nil || args.Project == nil || args.NetworkId == nil || args.SubnetId == nil ||
		args.FloatingIpId == nil || args.RouterId == nil || args.PrivateIp == nil {
		return fmt.Errorf("ovh mesh gateway: Spec, Region, Net, Project, NetworkId, SubnetId, FloatingIpId, RouterId and PrivateIp are required")
	}
	id := r.ID()
	region := pulumi.String(r.Name)
	flavor := cloudproject.GetFlavorsOutput(ctx, cloudproject.GetFlavorsOutputArgs{
		ServiceName: args.Project, Region: region, NameFilter: pulumi.String(gatewayFlavor),
	}).Flavors().ApplyT(func(fs []cloudproject.GetFlavorsFlavor) (string, error) {
		for _, f := range fs {
			if f.Name == gatewayFlavor && f.Region == r.Name {
				return f.Id, nil
			}
		}
		return "", fmt.Errorf("%s: %s: OVHcloud offers no flavor %s in %s", r.At("region"), id, gatewayFlavor, r.Name)
	}).(pulumi.StringOutput)
	image := cloudproject.GetImagesOutput(ctx, cloudproject.GetImagesOutputArgs{
		ServiceName: args.Project, Region: region, OsType: pulumi.String("linux"),
	}).Images().ApplyT(func(is []cloudproject.GetImagesImage) (string, error) {
		for _, i := range is {
			if i.Name == gatewayImage && i.Region == r.Name {
				return i.Id, nil
			}
		}
		return "", fmt.Errorf("%s: %s: OVHcloud offers no image %q in %s", r.At("region"), id, gatewayImage, r.Name)
	}).(pulumi.StringOutput)

	// The instance resource requires exactly one of sshKey (an existing
	// project key) and sshKeyCreate (terraform-provider-ovh v2.17.0
	// resource_cloud_project_instance.go:157). infra draws the key pair
	// itself, as it does the WireGuard keys: no key has to exist in the
	// project first, and the private half is a secret in state only.
	key, err := wireguard.NewSSHKey(ctx, id+"-mesh-ssh-key", nil)
	if err != nil {
		return err
	}
	inst, err := cloudproject.NewInstance(ctx, id+"-mesh-gateway", &cloudproject.InstanceArgs{
		ServiceName: args.Project,
		Region:      region,
		Name:        pulumi.String(id + "-mesh-gateway"),
		SshKeyCreate: cloudproject.InstanceSshKeyCreateArgs{
			Name:      pulumi.String(id + "-mesh-gateway"),
			PublicKey: key.PublicKey,
		},
		BillingPeriod:    pulumi.String("hourly"),
		AvailabilityZone: GatewayZone(r, rn),
		Flavor:           cloudproject.InstanceFlavorArgs{FlavorId: flavor},
		BootFrom:         cloudproject.InstanceBootFromArgs{ImageId: image},
		Network: cloudproject.InstanceNetworkArgs{
			Public: pulumi.Bool(false),
			Private: cloudproject.InstanceNetworkPrivateArgs{
				Ip:         args.PrivateIp,
				Network:    cloudproject.InstanceNetworkPrivateNetworkArgs{Id: args.NetworkId, SubnetId: args.SubnetId},
				FloatingIp: cloudproject.InstanceNetworkPrivateFloatingIpArgs{Id: args.FloatingIpId},
				Gateway:    cloudproject.InstanceNetworkPrivateGatewayArgs{Id: args.RouterId},
			},
		},
		UserData: args.UserData,
		// Every input forces a new instance, and the new one asks for the
		// floating IP and the pinned private IP the old one holds: delete first.
	}, pulumi.DeleteBeforeReplace(true))
	if err != nil || args.Placed == nil {
		return err
	}
	return args.Placed(inst)
}
