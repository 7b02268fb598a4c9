package stacks

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	awsstack "infra/stacks/aws"
	hetznerstack "infra/stacks/hetzner"
	ibmstack "infra/stacks/ibm"
	ovhstack "infra/stacks/ovh"
	"infra/stacks/wireguard"
	"infra/topology"
)

// MeshGatewaysOutput is the mesh stack's map of each mesh gateway's
// public IP, by region ID.
const MeshGatewaysOutput = "meshGateways"

// PSKName is the logical name of a peer pair's pre-shared key.
func PSKName(pair string) string { return "mesh-psk-" + pair }

// mesh is the program of the mesh stack: a
// pre-shared key per peer pair and, per gateway, the instance that runs
// it, its push key and its peers. A gateway's cloud-init names no peer and
// holds no key (wireguard.CloudInit), so adding or removing a region or
// rotating a key never replaces a gateway. Its wg0.conf, rendered by
// network.Mesh.Config from the real keys (its private key from its regional
// stack, its peers' public keys and public IPs from theirs, the PSKs from
// here), is an infra:mesh:Peers resource that pushes it over SSH and
// applies it in place with `wg syncconf`: a change updates the Peers of the
// gateways it concerns, and the preview lists their peers.
func mesh(ctx *pulumi.Context, g *Graph, up Upstream, providers *awsstack.Providers) error {
	spec, net, m := g.Spec, g.Net, g.Model.Mesh
	psk := map[string]pulumi.StringOutput{}
	for _, p := range m.Pairs() {
		k, err := wireguard.NewPresharedKey(ctx, PSKName(p.Name()), nil)
		if err != nil {
			return err
		}
		psk[p.Name()] = k.Key
	}
	publicKey, publicIP := map[string]pulumi.StringOutput{}, map[string]pulumi.StringOutput{}
	endpoints := pulumi.StringMap{}
	for _, g := range m.Gateways {
		publicKey[g.ID] = siteOutput(ctx, up, g, wireguard.PublicKeyOutput)
		publicIP[g.ID] = siteOutput(ctx, up, g, wireguard.PublicIPOutput)
		endpoints[g.ID] = publicIP[g.ID]
	}
	transit := g.Model.Transit

	type gateway struct {
		userData pulumi.StringOutput
		peers    []wireguard.Peer
		routes   []network.Route
		placed   func(pulumi.CustomResource, ...pulumi.Resource) error
	}
	gateways := map[string]gateway{}
	for _, g := range m.Gateways {
		key, err := wireguard.NewSSHKey(ctx, "mesh-push-key-"+g.ID, nil)
		if err != nil {
			return err
		}
		// the region's CIDR, whichever zone the gateway serves: the whole
		// region may reach it
		local := net.Region(g.Region).CIDR
		boot := wireguard.Boot{ID: g.ID, Port: m.Port, Local: local, SNAT: g.Cloud == topology.OVH}
		if g.Cloud == topology.IBM && len(net.Region(g.Region).Zones) > 1 {
			boot.RelayPort = ibmstack.RelayPort // the other zones' relays (ibm.md item 4)
		}
		// summarised where the cloud's routes take it (AWS, Hetzner), so a
		// region's routes do not grow with the number of regions
		gw := gateway{routes: m.CloudRoutes(transit, g.ID),
			userData: key.PublicKey.ApplyT(func(k string) (string, error) {
				b := boot
				b.PushKey = k
				return wireguard.CloudInit(b)
			}).(pulumi.StringOutput)}
		ids := pulumi.StringArray{} // never nil: a gateway alone in its environment has no peer yet
		for _, p := range m.Peers(g.ID) {
			gw.peers = append(gw.peers, wireguard.Peer{ID: p.ID, PublicIP: publicIP[p.ID]})
			ids = append(ids, pulumi.String(p.ID))
		}
		conf, id := peerConfig(ctx, m, g, up, publicKey, publicIP, psk), g.ID
		gw.placed = func(inst pulumi.CustomResource, after ...pulumi.Resource) error {
			_, err := wireguard.NewPeers(ctx, "mesh-peers-"+id, &wireguard.PeersArgs{
				Gateway: pulumi.String(id), Host: publicIP[id], Instance: inst.ID().ToStringOutput(),
				Peers: ids, Config: conf, PrivateKey: key.PrivateKey,
			}, pulumi.DependsOn(append([]pulumi.Resource{inst}, after...)))
			return err
		}
		gateways[g.ID] = gw
	}
	str := func(id, key string) pulumi.StringOutput { return up.StringOutput(ctx, id, key) }
	for _, r := range spec.Regions() {
		id, rn := r.ID(), net.Region(r.ID())
		sites := m.Sites(id)
		if len(sites) == 0 {
			continue
		}
		place := func(site string) wireguard.Placement {
			gw := gateways[site]
			return wireguard.Placement{Spec: spec, Net: rn, Port: m.Port, UserData: gw.userData, Placed: gw.placed, Peers: gw.peers, Routes: gw.routes}
		}
		placement := place(sites[0].ID)
		var err error
		switch r.Cloud {
		case topology.AWS:
			// the account of the region's VPC and Elastic IPs
			in, perr := providers.In(r.Name, awsAccount(ctx, g.LandingZone, up, r.Environment))
			if perr != nil {
				return perr
			}
			var zones []awsstack.ZoneGateway
			for _, site := range sites {
				zones = append(zones, awsstack.ZoneGateway{Placement: place(site.ID), Zone: site.Zone,
					SubnetId:     entry(ctx, up, id, awsstack.MeshSubnetOutput, site.Zone),
					AllocationId: entry(ctx, up, id, awsstack.MeshAllocationOutput, site.Zone),
					RouteTable:   entry(ctx, up, id, awsstack.MeshRouteTablesOutput, site.Zone)})
			}
			err = awsstack.Gateway(ctx, awsstack.GatewayArgs{
				Spec: spec, Region: topology.EntryOf(spec.Clouds.AWS.Regions, r), Net: rn, Port: m.Port,
				Provider: in, VpcId: str(id, "vpcId"), Zones: zones,
				ClusterSecurityGroup: str(id, awsstack.ClusterSecurityGroupOutput),
			})
		case topology.Hetzner:
			err = hetznerstack.Gateway(ctx, hetznerstack.GatewayArgs{
				Placement: placement, Region: topology.EntryOf(spec.Clouds.Hetzner.Regions, r),
				NetworkId: str(id, "vpcId"), PrimaryIpId: str(id, hetznerstack.MeshPrimaryIPOutput),
			})
		case topology.IBM:
			subnets := map[string]pulumi.StringInput{}
			for _, z := range rn.Zones {
				subnets[z.Zone] = entry(ctx, up, id, ibmstack.MeshZoneSubnetsOutput, z.Zone)
			}
			err = ibmstack.Gateway(ctx, ibmstack.GatewayArgs{
				Placement: placement, Region: topology.EntryOf(spec.Clouds.IBM.Regions, r),
				VpcId: str(id, "vpcId"), Zone: str(id, ibmstack.MeshZoneOutput), SubnetId: str(id, ibmstack.MeshSubnetOutput),
				FloatingIpId: str(id, ibmstack.MeshFloatingIPOutput), RoutingTableId: str(id, ibmstack.MeshRoutingTableOutput),
				ZoneSubnets:          subnets,
				ClusterSecurityGroup: str(id, ibmstack.ClusterSecurityGroupOutput),
				DeployerApiKey:       ibmEnvOutput(ctx, g.LandingZone, up, r.Environment, ibmstack.DeployerKeysOutput),
			})
		case topology.OVH:
			err = ovhstack.Gateway(ctx, ovhstack.GatewayArgs{
				Spec: spec, Region: topology.EntryOf(spec.Clouds.OVH.Regions, r), Net: rn, UserData: placement.UserData, Placed: placement.Placed,
				Project: str(id, "project"), NetworkId: str(id, "openstackNetworkId"), SubnetId: str(id, "subnetId"),
				FloatingIpId: str(id, ovhstack.MeshFloatingIPOutput), RouterId: str(id, ovhstack.MeshRouterOutput),
				PrivateIp: str(id, ovhstack.MeshGatewayIPOutput),
			})
		default:
			err = fmt.Errorf("%s: %s: no mesh gateway for cloud %s", r.Pos, id, r.Cloud)
		}
		if err != nil {
			return err
		}
	}
	ctx.Export(MeshGatewaysOutput, endpoints)
	return nil
}

// peerConfig is gateway g's wg0.conf rendered with the real keys once they
// are known, for its infra:mesh:Peers. It is a secret.
func peerConfig(ctx *pulumi.Context, m *network.Mesh, g *network.Gateway, up Upstream,
	publicKey, publicIP, psk map[string]pulumi.StringOutput) pulumi.StringOutput {
	peers := m.Peers(g.ID)
	// inputs: g's private key, then per peer its public key, public IP and the pair's PSK
	in := []any{siteOutput(ctx, up, g, wireguard.PrivateKeyOutput)}
	for _, p := range peers {
		in = append(in, publicKey[p.ID], publicIP[p.ID], psk[network.PairName(g.ID, p.ID)])
	}
	out := pulumi.All(in...).ApplyT(func(vs []any) (string, error) {
		k := &keys{priv: map[string]string{}, pub: map[string]string{}, psk: map[string]string{}, endpoint: map[string]string{}}
		k.priv[g.ID] = vs[0].(string)
		for i, p := range peers {
			pub, ip, s := vs[1+3*i].(string), vs[2+3*i].(string), vs[3+3*i].(string)
			a, err := netip.ParseAddr(ip)
			if err != nil || !a.Is4() {
				return "", fmt.Errorf("mesh gateway %s: peer %s has no public IPv4 (%q)", g.ID, p.ID, ip)
			}
			if pub == "" || s == "" {
				return "", fmt.Errorf("mesh gateway %s: peer %s has no public key or pre-shared key", g.ID, p.ID)
			}
			k.pub[p.ID], k.endpoint[p.ID], k.psk[network.PairName(g.ID, p.ID)] = pub, ip, s
		}
		if k.priv[g.ID] == "" {
			return "", fmt.Errorf("mesh gateway %s: its regional stack exports no private key", g.ID)
		}
		return m.Config(g.ID, k)
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(out).(pulumi.StringOutput)
}

// siteOutput is output of gateway g from its regional stack: the output
// itself where the gateway serves the whole region, its entry of the
// sites' map (wireguard.SitesOutput) where it serves one zone.
func siteOutput(ctx *pulumi.Context, up Upstream, g *network.Gateway, output string) pulumi.StringOutput {
	if g.Zone == "" {
		return up.StringOutput(ctx, g.Region, output)
	}
	return entry(ctx, up, g.Region, wireguard.SitesOutput(output), g.ID)
}

// keys are the key material of one gateway's config, resolved.
type keys struct{ priv, pub, psk, endpoint map[string]string }

func (k *keys) PrivateKey(id string) string   { return k.priv[id] }
func (k *keys) PublicKey(id string) string    { return k.pub[id] }
func (k *keys) PresharedKey(id string) string { return k.psk[id] }
func (k *keys) Endpoint(id string) string     { return k.endpoint[id] }
