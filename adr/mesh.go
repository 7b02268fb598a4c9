package adr

import (
	"strings"

	"infra/cost"
	"infra/network"
	"infra/topology"
)

// gatewayKind is what a cloud's mesh gateway is.
func gatewayKind(c topology.Cloud) string {
	if f, ok := cloudFacts[c]; ok {
		return f.gateway
	}
	return "an instance"
}

func (m *model) meshRecord() Record {
	clouds := cloudNames(m.clouds())
	if m.mesh == nil {
		n := len(m.sites)
		alt := []Alternative{{"A WireGuard full mesh", sf("%s, one per region, with %s", plural(n, "gateway"), plural(n*(n-1)/2, "peer pair"))}}
		pos := []string{"no gateways, keys or tunnels to run"}
		neg := []string{"regions reach each other only over their public endpoints"}
		if n == 1 {
			pos = []string{"with one region there is nothing to connect"}
			neg = []string{"adding a region on another cloud will need the mesh, or public endpoints, to reach this one"}
		}
		return Record{
			Key: "mesh", Title: "No cross-cloud mesh",
			Context:        sf("The topology has %s on %s and does not set `network.mesh`.", plural(n, "region"), and(clouds)),
			Chosen:         "no mesh",
			Decision:       "Create no WireGuard mesh: regions are private islands, reachable from each other only through public load balancers.",
			Alternatives:   append(alt, Alternative{"Provider site-to-site VPNs", "not every cloud has one (Hetzner Cloud has none), and each pair of regions would need its own"}),
			Positive:       pos,
			Negative:       neg,
			Implementation: "Nothing: no gateway, key or pre-shared key is created.",
		}
	}
	ms := m.mesh
	n := len(ms.Gateways)
	pairs := len(ms.Pairs())
	envs := map[string]int{}
	for _, g := range ms.Gateways {
		envs[g.Environment]++
	}
	usable := 1<<(32-ms.Overlay.Bits()) - 2
	var rows [][]string
	nat := 0
	for _, g := range m.meshSites() {
		var allowed []string
		for _, p := range g.AllowedIPs {
			allowed = append(allowed, p.String())
		}
		ka := "—"
		if g.BehindNAT {
			ka = ms.Keepalive.String()
			nat++
		}
		rows = append(rows, []string{code(g.ID), cloudName(g.Cloud), g.Overlay.String(), strings.Join(allowed, ", "), ka})
	}
	var out []string
	for _, s := range m.sites {
		if !s.r.InMesh() {
			out = append(out, code(s.r.ID()))
		}
	}
	mtu := sf("MTU %d, set by the topology", ms.MTU)
	if m.spec.Network.Mesh.MTU == 0 {
		mtu = sf("MTU %d, derived from the clouds: every gateway's endpoint is an IPv4 address on a 1,500-byte path to the internet, and WireGuard over IPv4 adds 60 bytes (20 + 8 + 32; over IPv6 it would be 80, wg-quick's default of 1420, which wastes 20 bytes a packet here)", ms.MTU)
	}
	context := paras(
		sf("The topology spans %s. No provider's transit service crosses clouds, yet clusters need private reachability between regions (replication, service calls, operations).", and(clouds)),
		sf("`network.mesh` asks for a WireGuard mesh on overlay %s (%s usable addresses), UDP port %d and keepalive %s; %s.",
			ms.Overlay, thousands(usable), ms.Port, ms.Keepalive, mtu),
		"Gateways, from the address plan:",
		table([]string{"Gateway", "Cloud", "Overlay", "AllowedIPs", "Keepalive"}, rows),
	)
	if len(out) > 0 {
		context = paras(context, sf("Not in the mesh (`mesh: false`): %s.", and(out)))
	}
	per := "one WireGuard gateway per region"
	aws := awsGateways(ms)
	if aws.gateways > 0 {
		per = "one WireGuard gateway per region, one per zone on AWS"
	}
	shape := sf("A full mesh: %s (%s), each peering directly with every other region's, so %s.", per, plural(n, "gateway"), plural(pairs, "peer pair"))
	if !ms.ConnectEnvironments && len(envs) > 1 {
		shape = sf("A full mesh per environment: %s (%s), each peering directly with every other region's gateway of its environment and with no other, so %s across %s. A gateway has no peer that holds another environment's addresses and accepts from a peer only the sources its AllowedIPs hold, so WireGuard itself keeps dev and staging off prod's networks, as the AWS transit gateways do with a route table per environment; `network.mesh.connectEnvironments: true` joins them into one mesh.",
			per, plural(n, "gateway"), plural(pairs, "peer pair"), plural(len(envs), "environment"))
	}
	bulletsOf := []string{
		"**Keys** are generated inside Pulumi state: one key pair per gateway, an `infra:mesh:WireGuardKey` resource whose private key is a secret output, and one pre-shared key per peer pair. No key is ever written in plaintext to state, plan output, golden files, logs or pull-request comments; offline configs show `<secret: from state>`.",
		sf("**Addressing**: each gateway has one overlay address; a peer's AllowedIPs are its overlay /32 and the addresses it serves (its region's CIDR, or its zone's subnets on AWS), and no two overlap, so WireGuard's routing by AllowedIPs is unambiguous."),
		sf("**NAT**: %s behind a 1:1 NAT (AWS Elastic IPs, IBM floating IPs) send a keepalive every %s to hold the mapping open.", plural(nat, "gateway"), ms.Keepalive),
		sf("**Routing**: every region's network sends the other regions' CIDRs to its gateway (an OVH subnet sends its whole RFC 1918 block with one DHCP host route); the gateway's firewall admits UDP %d from the peers' public IPs only and drops unsolicited input from anywhere else.", ms.Port),
	}
	if aws.gateways > 0 {
		// Review aws.md item 22. WireGuard routes by AllowedIPs, which must
		// not overlap on one interface, so two gateways cannot both announce
		// the region's CIDR: each zone's gateway is a site of its own.
		bulletsOf = append(bulletsOf, sf("**AWS, a gateway per zone**: each AWS region has a gateway in each of its Availability Zones (%s in %s), a mesh site of its own whose AllowedIPs are its zone's private and public subnets, and each zone's private route table sends the mesh's ranges to its own zone's gateway. The peers send a zone's addresses to that zone's gateway and the zone's replies leave through it, so both directions of a flow cross one gateway, no zone's mesh traffic crosses to another zone, and losing a zone or its gateway cuts off that zone only. Each gateway is a %s with an Elastic IP, with EC2's automatic recovery on and its interface's source/destination check off: %s a month each, %s a month for the topology's %s where one per region would be %s.",
			plural(aws.gateways, "gateway"), plural(aws.regions, "region"), network.AWSGatewayInstanceType,
			usd(aws.each), usd(aws.each*float64(aws.gateways)), plural(aws.gateways, "AWS gateway"), usd(aws.each*float64(aws.regions))))
	}
	decision := paras(shape, bullets(bulletsOf))
	pos := []string{
		"any two regions are one tunnel apart, with no hub to fail or to carry everyone's traffic",
		sf("%s and %s live only in state, encrypted by the secrets provider", plural(n, "private key"), plural(pairs, "pre-shared key")),
		sf("the overlay has room for %s more gateways", thousands(usable-n)),
	}
	neg := []string{
		"the mesh grows as n² within an environment: adding a gateway adds a peer pair with every gateway of its environment and changes their configs, in place",
		"each gateway is a single instance: while it is down or replaced (a boot-configuration change; Hetzner and OVH delete the old one first, as the new one needs its name and addresses), the region it serves (the zone, on AWS) is cut off from the others, which keep reaching each other",
		sf("%d of every 1,500 bytes go to encapsulation and tunnel headroom (%s)", 1500-ms.MTU, percent(1500-ms.MTU, 1500)),
		"traffic between clouds is billed as internet egress by the sending provider",
	}
	neg = append(neg, "each gateway admits SSH from anywhere for the push of its peers (key only, one key whose forced command applies the configuration); the first push trusts the gateway's host key and every later one requires it")
	for _, g := range ms.Gateways {
		if g.Cloud == topology.OVH {
			// OVH public-cloud roadmap #295: routing through an instance needs port security off.
			neg = append(neg, "OVHcloud gateways source-NAT what they forward into their region, because OpenStack port security drops packets with a foreign source address: OVH clusters see mesh traffic as coming from their gateway, and connections they start toward other regions get their replies only where port security is off on the gateway's port, which the instance resource cannot set")
			break
		}
	}
	for _, g := range ms.Gateways {
		if g.Cloud == topology.IBM {
			// IBM doc "Determining route preference": a route's next hop must be
			// in the zone the traffic comes from.
			neg = append(neg, "IBM Cloud routes are zonal and a route's next hop must be in the zone the traffic comes from: each IBM region's gateway runs in its first zone, and each other zone routes the mesh's ranges to a relay instance of its own (one more instance per zone to pay for), which carries the traffic to the gateway in VXLAN over the VPC; the gateway's zone stays a single point of failure for the region's mesh traffic")
			break
		}
	}
	if aws.gateways > aws.regions {
		neg = append(neg, sf("AWS pays a gateway per zone: %s instead of %s, and every other gateway of an AWS region's environment peers with each of them, so an AWS region adds a peer per zone to every other gateway's configuration", plural(aws.gateways, "instance"), thousands(aws.regions)))
	}
	var items []string
	for _, c := range m.clouds() {
		k := 0
		for _, g := range ms.Gateways {
			if g.Cloud == c {
				k++
			}
		}
		if k > 0 {
			items = append(items, sf("%s: %s, each %s and a firewall opening UDP %d to the peers only", cloudName(c), plural(k, "gateway"), gatewayKind(c), ms.Port))
		}
	}
	items = append(items,
		sf("%s pre-shared keys, one per peer pair, as secret outputs", thousands(pairs)),
		"per gateway an `infra:mesh:Peers` resource that pushes its `wg0.conf` over SSH and applies it in place with `wg syncconf`: the user data holds no key and names no peer, so adding or removing a region updates the existing gateways without replacing them or dropping a tunnel that stays; `infra mesh config --node CLOUD/REGION [--zone ZONE]` prints the configuration, keys as `<secret: from state>` unless `--show-secrets` reads them from a deployed stack",
	)
	return Record{
		Key:      "mesh",
		Title:    "Cross-cloud WireGuard full mesh",
		Context:  context,
		Chosen:   sf("full mesh of %s, %s", plural(n, "gateway"), plural(pairs, "peer pair")) + map[bool]string{true: ", one mesh per environment"}[!ms.ConnectEnvironments && len(envs) > 1],
		Decision: decision,
		Alternatives: []Alternative{
			{"Hub and spoke", sf("%s instead of %s, but the hub would be a single point of failure and every packet between spokes would cross it twice", plural(n-1, "tunnel"), thousands(pairs))},
			{"One AWS gateway per region, in its first zone", "every zone's route table would point at it: losing its zone would cut the whole region off the mesh, and the other zones' mesh traffic would pay cross-zone data transfer; two gateways announcing the region's CIDR cannot both be peers, as WireGuard routes by AllowedIPs, which must not overlap on one interface"},
			{"Two gateways per region with route failover", "no region is cut off while one gateway is down, but failover needs a controller that rewrites the cloud's routes when a gateway dies (an AWS route table entry, a Hetzner network route, an IBM routing-table route), and an OVH subnet's host route cannot change at all without recreating the subnet and the cluster on it (`host_route` forces a new subnet, terraform-provider-ovh v2.17.0), while the instance resource cannot share an address between two ports (no allowed-address pairs, no port-security switch); with peers pushed in place a gateway is replaced only when its own boot configuration changes, and a replacement cuts off its region for one boot, not the mesh"},
			{"Provider site-to-site VPNs (IPsec)", "Hetzner Cloud has no VPN service, and each pair of clouds would need its own kind of tunnel"},
			{"A coordinated overlay service (Tailscale, Headscale)", "it adds a control server outside the topology that every gateway depends on to learn its peers"},
			{"No mesh", "clusters would reach each other only through public endpoints"},
		},
		Positive: pos,
		Negative: neg,
		Implementation: paras(
			sf("Each regional stack in the mesh reserves its gateways' public IPs and creates their `infra:mesh:WireGuardKey`s (%s in all), whose private key is a secret output. The %s stack, given every gateway's IP and public key, creates:", thousands(n), code("mesh")),
			bullets(items)),
	}
}

// meshSites are the mesh's gateways in the order of the topology's regions,
// a region's zones' gateways in zone order.
func (m *model) meshSites() []*network.Gateway {
	var out []*network.Gateway
	for _, s := range m.sites {
		out = append(out, m.mesh.Sites(s.r.ID())...)
	}
	return out
}

// awsMesh is what the AWS gateways of a mesh number and cost.
type awsMesh struct {
	gateways, regions int
	// each is one gateway's monthly price, instance and Elastic IP, at the
	// first AWS region's on-demand rate (cost/prices.csv); 0 when the
	// table has no price there.
	each float64
}

func awsGateways(ms *network.Mesh) awsMesh {
	var a awsMesh
	seen := map[string]bool{}
	for _, g := range ms.Gateways {
		if g.Cloud != topology.AWS {
			continue
		}
		a.gateways++
		if !seen[g.Region] {
			seen[g.Region] = true
			a.regions++
		}
		if a.each == 0 {
			name := strings.TrimPrefix(g.Region, "aws-")
			name = name[:strings.LastIndex(name, "-"+g.Environment)]
			prices := cost.Prices()
			inst, ok1 := prices.Lookup("aws", "instance", network.AWSGatewayInstanceType, name)
			ip, ok2 := prices.Lookup("aws", "public-ipv4", "", name)
			if ok1 && ok2 {
				a.each = inst.Monthly() + ip.Monthly()
			}
		}
	}
	return a
}

// usd is a monthly figure in dollars, or "an unpriced amount".
func usd(v float64) string {
	if v == 0 {
		return "an unpriced amount"
	}
	return sf("$%.2f", v)
}
