package adr

import (
	"slices"
	"strings"
	"time"

	"infra/topology"
)

// transit yields one record per cloud that has a transit gateway service and
// regions in the topology, whether or not the topology uses it.
func (m *model) transit() []Record {
	var out []Record
	if ibm := m.sitesOf(topology.IBM); len(ibm) > 0 {
		out = append(out, m.transitIBM(ibm))
	}
	if aws := m.sitesOf(topology.AWS); len(aws) > 0 {
		out = append(out, m.transitAWS(aws))
	}
	if len(out) == 0 {
		clouds := cloudNames(m.clouds())
		out = append(out, Record{
			Key:     "transit",
			Title:   "No cloud transit gateways",
			Context: sf("The topology's regions are on %s, which offer no managed transit gateway between their private networks.", and(clouds)),
			Chosen:  "no transit gateway",
			Decision: paras("Regions of the same cloud connect, where they need to, through the cross-cloud mesh rather than a provider transit service.",
				m.meshNote()),
			Alternatives:   []Alternative{{"Self-managed routers between regions", "they would duplicate what the mesh gateways already do"}},
			Positive:       []string{"no transit resources to pay for or operate"},
			Negative:       []string{"private traffic between regions depends on the mesh gateways"},
			Implementation: "Nothing: there is no transit resource for these clouds.",
		})
	}
	return out
}

func (m *model) meshNote() string {
	if m.mesh == nil {
		return "The topology has no mesh, so regions do not reach each other privately."
	}
	return sf("The mesh joins %s.", plural(len(m.mesh.Gateways), "gateway"))
}

func (m *model) transitIBM(sites []*site) Record {
	var rows [][]string
	var regions []string
	for _, s := range sites {
		rows = append(rows, []string{s.r.ID(), s.r.Name, s.r.Environment, s.net.CIDR.String()})
		if !slices.Contains(regions, s.r.Name) {
			regions = append(regions, s.r.Name)
		}
	}
	context := paras(
		sf("The topology has %s on IBM Cloud in %s:", plural(len(sites), "VPC"), plural(len(regions), "region")),
		table([]string{"VPC", "Region", "Environment", "CIDR"}, rows),
		"IBM Transit Gateway connects VPCs: with local routing, those in the gateway's own region; with global routing, VPCs in every IBM multi-zone region, the gateway's location affecting only latency (IBM Cloud Docs, About IBM Cloud Transit Gateway).",
	)
	t := m.tr.IBM
	if t == nil {
		alt := "global routing"
		if len(regions) == 1 {
			alt = "local routing"
		}
		var pos []string
		if len(sites) == 1 {
			pos = append(pos, "with one VPC there is nothing to route between, and nothing to pay for")
		} else {
			pos = append(pos, "no Transit Gateway to pay for")
		}
		neg := []string{"IBM VPCs reach each other only through the mesh gateways, one instance per region"}
		if m.mesh == nil && len(sites) > 1 {
			neg = []string{sf("the %d IBM VPCs cannot reach each other privately", len(sites))}
		}
		return Record{
			Key: "transit/ibm", Title: "No IBM Transit Gateway", Context: context,
			Chosen:         "no Transit Gateway",
			Decision:       paras("The topology sets no `network.transit.ibm`, so infra creates no Transit Gateway.", m.meshNote()),
			Alternatives:   []Alternative{{"A Transit Gateway with " + alt, sf("it would connect the %s through a managed, redundant service", plural(len(sites), "VPC"))}},
			Positive:       pos,
			Negative:       neg,
			Implementation: "Nothing on IBM Cloud's transit side.",
		}
	}
	n := len(t.VPCs)
	routing := "local"
	if t.Global {
		routing = "global"
	}
	alts := []Alternative{}
	if t.Global {
		if len(regions) == 1 {
			alts = append(alts, Alternative{"Local routing", sf("all IBM VPCs are in %s, so local routing would do until a second region is added; global routing is ready for it", regions[0])})
		} else {
			alts = append(alts, Alternative{"Local routing", sf("it cannot connect VPCs in %s", and(regions))})
		}
	} else {
		alts = append(alts, Alternative{"Global routing", sf("only needed for VPCs outside %s", regions[0])})
	}
	alts = append(alts, Alternative{"The WireGuard mesh alone", "each region's mesh gateway is one instance; the Transit Gateway is a managed, redundant service"})
	pos := []string{sf("%s through one managed gateway instead of %s", plural(n, "VPC connection"), plural(n*(n-1)/2, "pairwise link"))}
	if n == 1 {
		pos = []string{"the gateway is in place before a second VPC needs it: the next IBM VPC joins with one connection"}
	}
	if t.Global {
		pos = append(pos, sf("new IBM regions join by adding a connection; the gateway's location, %s, only affects latency", t.Location))
	}
	neg := []string{
		"the Transit Gateway carries IBM-to-IBM traffic only: other clouds are reached through the mesh",
	}
	if t.Global {
		neg = append(neg, "switching back from global to local routing later requires every existing connection to be local")
	}
	var conns []string
	for _, id := range t.VPCs {
		conns = append(conns, sf("a `vpc` connection for %s (%s)", code(id), m.net.Region(id).CIDR))
	}
	return Record{
		Key:          "transit/ibm",
		Title:        sf("IBM Transit Gateway with %s routing", routing),
		Context:      context,
		Chosen:       sf("one Transit Gateway, %s routing", routing),
		Decision:     sf("Connect every IBM VPC to one IBM Transit Gateway in %s with %s routing: %s.", t.Location, routing, plural(n, "connection")),
		Alternatives: alts, Positive: pos, Negative: neg,
		Implementation: paras(sf("The %s stack creates the Transit Gateway in %s (routing %s, in the resource group of %s) and:", code("global"), t.Location, routing, t.Environment), bullets(conns)),
	}
}

func (m *model) transitAWS(sites []*site) Record {
	byRegion := map[string][]*site{}
	var regions []string
	var rows [][]string
	for _, s := range sites {
		if byRegion[s.r.Name] == nil {
			regions = append(regions, s.r.Name)
		}
		byRegion[s.r.Name] = append(byRegion[s.r.Name], s)
		rows = append(rows, []string{s.r.ID(), s.r.Name, s.r.Environment, s.net.CIDR.String()})
	}
	k := len(regions)
	context := paras(
		sf("The topology has %s on AWS in %s:", plural(len(sites), "VPC"), plural(k, "region")),
		table([]string{"VPC", "Region", "Environment", "CIDR"}, rows),
		"An AWS Transit Gateway is regional: it routes between VPCs attached to it in its region, and between regions only over peering attachments.",
	)
	t := m.spec.Network.Transit.AWS
	if t == nil || len(m.tr.AWS) == 0 {
		n := len(sites)
		pos := []string{"no Transit Gateway attachments or data-processing charges"}
		if n == 1 {
			pos = []string{"with one VPC there is nothing to route between, and nothing to pay for"}
		}
		neg := []string{"AWS VPCs reach each other only through the mesh gateways"}
		if m.mesh == nil && n > 1 {
			neg = []string{sf("the %d AWS VPCs cannot reach each other privately", n)}
		}
		return Record{
			Key: "transit/aws", Title: "No AWS Transit Gateway", Context: context,
			Chosen:   "no Transit Gateway",
			Decision: paras("The topology sets no `network.transit.aws`, so infra creates no Transit Gateway.", m.meshNote()),
			Alternatives: []Alternative{
				{"A Transit Gateway per region", sf("it would give the %s transitive private routing", plural(n, "VPC"))},
				{"VPC peering", sf("%s, non-transitive, each with its own routes", plural(n*(n-1)/2, "peering connection"))},
			},
			Positive: pos, Negative: neg,
			Implementation: "Nothing on AWS's transit side.",
		}
	}
	peerings := len(m.tr.Peerings)
	var decision string
	if t.Peering && k > 1 {
		decision = sf("One Transit Gateway per AWS region (%d), every VPC attached to its region's gateway (%s), and the gateways peered with each other (%s).",
			k, plural(len(sites), "attachment"), plural(peerings, "peering attachment"))
	} else {
		decision = sf("One Transit Gateway per AWS region (%d), every VPC attached to its region's gateway (%s).", k, plural(len(sites), "attachment"))
		if t.Peering {
			decision += " Peering is asked for, but with a single region there is nothing to peer yet."
		}
	}
	var alts []Alternative
	alts = append(alts, Alternative{"VPC peering", sf("%s for %s, non-transitive, each with its own route entries", plural(len(sites)*(len(sites)-1)/2, "peering connection"), plural(len(sites), "VPC"))})
	if t.Peering {
		alts = append(alts, Alternative{"No inter-region peering", "regions would reach each other only through the mesh"})
	} else if k > 1 {
		alts = append(alts, Alternative{"Inter-region peering", sf("%s would join the regions' gateways", plural(k*(k-1)/2, "peering attachment"))})
	}
	pos := []string{"routing between VPCs is transitive: a VPC attached once reaches every other VPC of its region and environment"}
	if !t.ConnectEnvironments {
		pos = append(pos, "each environment has a route table of its own on every gateway: prod and staging share a gateway but no route, so a compromised staging workload cannot reach prod at layer 3 (and the mesh does not route between them either); `network.transit.aws.connectEnvironments: true` joins them")
	}
	if t.Peering && k > 1 {
		pos = append(pos, sf("%s reach each other privately over AWS's backbone", and(regions)))
	}
	neg := []string{
		"every attachment is billed by the hour and every gigabyte through the gateway is billed as data processing",
		"the Transit Gateways carry AWS-to-AWS traffic only: other clouds are reached through the mesh",
	}
	for _, reg := range regions {
		if len(byRegion[reg]) > 1 {
			var envs []string
			for _, s := range byRegion[reg] {
				envs = append(envs, s.r.Environment)
			}
			if t.ConnectEnvironments {
				neg = append(neg, sf("in %s, %s share one gateway and one route table, so their VPCs reach each other: only security groups and the accounts' SCPs keep them apart", reg, and(envs)))
			}
		}
	}
	var items []string
	for _, gw := range m.tr.AWS {
		var ids []string
		for _, id := range gw.VPCs {
			ids = append(ids, code(id))
		}
		items = append(items, sf("%s: a Transit Gateway with %s (%s), and VPC attachments for %s", gw.Region, plural(len(gw.Tables), "route table"), and(gw.Tables), and(ids)))
	}
	for _, p := range m.tr.Peerings {
		items = append(items, sf("a peering attachment requested by %s's gateway and accepted by %s's", p.Requester, p.Accepter))
	}
	if len(m.tr.Peerings) > 0 && !t.ConnectEnvironments {
		items = append(items, "on each gateway, a peering route table the peering attachments are associated with (an attachment has exactly one), into which every local VPC propagates; the far VPCs are routed only from the table of their own environment, so no connection crosses environments (a packet sent one way is not answered)")
	}
	title := "AWS Transit Gateway per region"
	if t.Peering && k > 1 {
		title += ", peered"
	}
	return Record{
		Key: "transit/aws", Title: title, Context: context,
		Chosen:   sf("%s, %s", plural(k, "Transit Gateway"), plural(peerings, "peering")),
		Decision: decision, Alternatives: alts, Positive: pos, Negative: neg,
		Implementation: bullets(items),
	}
}

// gatewayKind is what a cloud's mesh gateway is.
func gatewayKind(c topology.Cloud) string {
	switch c {
	case topology.AWS:
		return "an EC2 instance booted on a network interface already holding its Elastic IP"
	case topology.IBM:
		return "a virtual server instance with a floating IP"
	case topology.Hetzner:
		return "an hcloud server with a primary IP"
	case topology.OVH:
		return "a Public Cloud instance with a floating IP"
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
	for _, s := range m.sites {
		g := ms.Gateway(s.r.ID())
		if g == nil {
			continue
		}
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
	shape := sf("A full mesh: one WireGuard gateway per region (%s), each peering directly with every other, so %s and %s per gateway.", plural(n, "gateway"), plural(pairs, "peer pair"), plural(n-1, "peer"))
	if !ms.ConnectEnvironments && len(envs) > 1 {
		shape = sf("A full mesh per environment: one WireGuard gateway per region (%s), each peering directly with every other gateway of its environment and with no other, so %s across %s. A gateway has no peer that holds another environment's addresses and accepts from a peer only the sources its AllowedIPs hold, so WireGuard itself keeps dev and staging off prod's networks, as the AWS transit gateways do with a route table per environment; `network.mesh.connectEnvironments: true` joins them into one mesh.",
			plural(n, "gateway"), plural(pairs, "peer pair"), plural(len(envs), "environment"))
	}
	decision := paras(
		shape,
		bullets([]string{
			"**Keys** are generated inside Pulumi state: one key pair per gateway, an `infra:mesh:WireGuardKey` resource whose private key is a secret output, and one pre-shared key per peer pair. No key is ever written in plaintext to state, plan output, golden files, logs or pull-request comments; offline configs show `<secret: from state>`.",
			sf("**Addressing**: each gateway has one overlay address; a peer's AllowedIPs are its overlay /32 and its region's CIDR, and no two overlap, so WireGuard's routing by AllowedIPs is unambiguous."),
			sf("**NAT**: %s behind a 1:1 NAT (AWS Elastic IPs, IBM floating IPs) send a keepalive every %s to hold the mapping open.", plural(nat, "gateway"), ms.Keepalive),
			sf("**Routing**: every region's network sends the other regions' CIDRs to its gateway (an OVH subnet sends its whole RFC 1918 block with one DHCP host route); the gateway's firewall admits UDP %d from the peers' public IPs only and drops unsolicited input from anywhere else.", ms.Port),
		}),
	)
	pos := []string{
		"any two regions are one tunnel apart, with no hub to fail or to carry everyone's traffic",
		sf("%s and %s live only in state, encrypted by the secrets provider", plural(n, "private key"), plural(pairs, "pre-shared key")),
		sf("the overlay has room for %s more gateways", thousands(usable-n)),
	}
	neg := []string{
		"the mesh grows as n² within an environment: adding a gateway adds a peer pair with every gateway of its environment and changes their configs, in place",
		"each region's gateway is a single instance: while it is down or replaced (a boot-configuration change; Hetzner and OVH delete the old one first, as the new one needs its name and addresses), that region is cut off from the others, which keep reaching each other",
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
			neg = append(neg, "IBM Cloud routes are zonal and a route's next hop must be in the zone the traffic comes from: each IBM region's one gateway runs in its first zone, so only that zone's subnets route to the mesh, and workloads in the other zones reach other clouds only through public endpoints until there is a gateway per zone")
			break
		}
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
		"per gateway an `infra:mesh:Peers` resource that pushes its `wg0.conf` over SSH and applies it in place with `wg syncconf`: the user data holds no key and names no peer, so adding or removing a region updates the existing gateways without replacing them or dropping a tunnel that stays; `infra mesh config --node CLOUD/REGION` prints the configuration, keys as `<secret: from state>` unless `--show-secrets` reads them from a deployed stack",
	)
	return Record{
		Key:      "mesh",
		Title:    "Cross-cloud WireGuard full mesh",
		Context:  context,
		Chosen:   sf("full mesh of %s, %s", plural(n, "gateway"), plural(pairs, "peer pair")) + map[bool]string{true: ", one mesh per environment"}[!ms.ConnectEnvironments && len(envs) > 1],
		Decision: decision,
		Alternatives: []Alternative{
			{"Hub and spoke", sf("%s instead of %s, but the hub would be a single point of failure and every packet between spokes would cross it twice", plural(n-1, "tunnel"), thousands(pairs))},
			{"Two gateways per region with route failover", "no region is cut off while one gateway is down, but failover needs a controller that rewrites the cloud's routes when a gateway dies (an AWS route table entry, a Hetzner network route, an IBM routing-table route), and an OVH subnet's host route cannot change at all without recreating the subnet and the cluster on it (`host_route` forces a new subnet, terraform-provider-ovh v2.17.0), while the instance resource cannot share an address between two ports (no allowed-address pairs, no port-security switch); with peers pushed in place a gateway is replaced only when its own boot configuration changes, and a replacement cuts off its region for one boot, not the mesh"},
			{"Provider site-to-site VPNs (IPsec)", "Hetzner Cloud has no VPN service, and each pair of clouds would need its own kind of tunnel"},
			{"A coordinated overlay service (Tailscale, Headscale)", "it adds a control server outside the topology that every gateway depends on to learn its peers"},
			{"No mesh", "clusters would reach each other only through public endpoints"},
		},
		Positive: pos,
		Negative: neg,
		Implementation: paras(
			sf("Each regional stack in the mesh reserves its gateway's public IP and creates its `infra:mesh:WireGuardKey` (%s in all), whose private key is a secret output. The %s stack, given every gateway's IP and public key, creates:", thousands(n), code("global")),
			bullets(items)),
	}
}

// steeringMeaning is clouds.md §2.5 (CIS) with Route 53's equivalents.
func steeringMeaning(provider, s string) string {
	if provider == "route53" {
		return map[string]string{
			"dynamic_latency": "latency records: each client is answered with the lowest-latency healthy region",
			"geo":             "geolocation records: each pool serves the locations mapped to it",
			"off":             "failover records: the first healthy pool in order",
		}[s]
	}
	return map[string]string{
		"off":             "failover in pool order; the fallback pool only when all are unhealthy",
		"geo":             "region pools: clients are sent to the pool of their CIS region",
		"random":          "a random healthy pool; the fallback pool can get traffic while others are healthy",
		"dynamic_latency": "the pool with the lowest round-trip time, an EWMA measured by the health checks",
	}[s]
}

func (m *model) glb() Record {
	g := m.spec.Network.GlobalLoadBalancer
	if g == nil {
		n := len(m.sites)
		pos := []string{"no DNS zone, monitors or pools to pay for"}
		if n == 1 {
			pos = append(pos, "with one region there is nothing to steer between")
		}
		return Record{
			Key: "glb", Title: "No global load balancer",
			Context:  sf("The topology has %s and does not set `network.globalLoadBalancer`.", plural(n, "region")),
			Chosen:   "no global load balancer",
			Decision: "Each region's ingress load balancer is reached on its own address; infra manages no global hostname.",
			Alternatives: []Alternative{
				{"IBM CIS global load balancer", "one hostname over every region's ingress, with health checks and a fallback pool"},
				{"Route 53 latency or failover records", "the same on AWS's DNS"},
			},
			Positive:       pos,
			Negative:       []string{"a region's failure is not steered around: clients keep using its address until someone changes DNS"},
			Implementation: "Nothing: each regional stack's ingress load balancer stands alone.",
		}
	}
	h := g.HealthCheck
	var rows [][]string
	covered := 0
	var single []string
	for _, p := range g.Pools {
		geo := "—"
		if len(p.Geo) > 0 {
			geo = strings.Join(p.Geo, ", ")
			covered += len(p.Geo)
		}
		role := "default"
		if p.Name == g.Fallback {
			role = "default, fallback"
		}
		rows = append(rows, []string{p.Name, strings.Join(p.Members, ", "), geo, role})
		if len(p.Members) == 1 {
			single = append(single, p.Name)
		}
	}
	cis := topology.CISRegions()
	detect := secs(h.Interval.Duration + time.Duration(h.Retries+1)*h.Timeout.Duration)
	providerName := map[string]string{"ibm-cis": "IBM Cloud Internet Services (CIS)", "route53": "Amazon Route 53"}[g.Provider]
	context := paras(
		sf("The platform serves %s from %s. The topology asks for %s with %s steering (%s).", code(g.Hostname), plural(m.members(), "region"), providerName, code(g.Steering), steeringMeaning(g.Provider, g.Steering)),
		table([]string{"Pool", "Members", "Geo", "Role"}, rows),
		sf("Health check: %s on port %d, path %s, every %s, timeout %s, %s.", strings.ToUpper(h.Protocol), h.Port, code(h.Path), secs(h.Interval.Duration), secs(h.Timeout.Duration), plural(h.Retries, "retry")),
	)
	var alts []Alternative
	allowed := []string{"dynamic_latency", "geo", "off", "random"}
	if g.Provider == "route53" {
		allowed = []string{"dynamic_latency", "geo", "off"}
	}
	for _, s := range allowed {
		if s != g.Steering {
			alts = append(alts, Alternative{sf("%s steering", code(s)), steeringMeaning(g.Provider, s)})
		}
	}
	if g.Provider == "ibm-cis" {
		alts = append(alts, Alternative{"Route 53", "AWS's DNS: latency, geolocation and failover records with health checks, but no random steering"})
	} else {
		alts = append(alts, Alternative{"IBM CIS", "a Cloudflare-based global load balancer with origin pools, region pools and a fallback pool"})
	}
	alts = append(alts, Alternative{"DNS round robin", "no health checks: a failed region keeps receiving its share of clients"})

	pos := []string{
		sf("an origin that stops answering is marked unhealthy within about %s (interval %s + %d attempts × timeout %s), and traffic moves to the healthy pools", detect, secs(h.Interval.Duration), h.Retries+1, secs(h.Timeout.Duration)),
		sf("when every pool is unhealthy, traffic still goes to the fallback pool %s", code(g.Fallback)),
	}
	neg := []string{"steering happens in DNS: clients that cached an answer keep using it until its TTL expires"}
	if g.Steering == "geo" {
		pos = append(pos, sf("clients in %d of the %d geo regions (%s) are steered to a chosen pool", covered, len(cis), and(geoCodes(g.Pools))))
		neg = append(neg, sf("clients in the other %d geo regions get the default pool order, whatever their distance", len(cis)-covered))
	}
	if g.Steering == "dynamic_latency" {
		pos = append(pos, "each client gets the pool that answers it fastest, measured, not assumed from geography")
		if covered > 0 {
			neg = append(neg, sf("the pools' geo lists (%d regions) take effect only if steering is switched to geo", covered))
		}
	}
	if g.Steering == "random" {
		neg = append(neg, "the fallback pool can receive traffic while other pools are healthy")
	}
	if g.Steering == "off" {
		var order []string
		for _, p := range m.glbm.FailoverOrder() {
			order = append(order, code(p.Name))
		}
		pos = append(pos, sf("failover is predictable: pools take traffic in the order %s", strings.Join(order, " → ")))
		neg = append(neg, "every client goes to the first healthy pool, however far it is")
	}
	if len(single) > 0 {
		neg = append(neg, sf("pool %s has a single member: one regional failure empties it", and(single)))
	}
	var items []string
	if g.Provider == "ibm-cis" {
		items = []string{
			"a CIS instance and the domain of " + code(g.Hostname),
			sf("a health monitor: %s %s:%d every %s, timeout %s, %s", strings.ToUpper(h.Protocol), h.Path, h.Port, secs(h.Interval.Duration), secs(h.Timeout.Duration), plural(h.Retries, "retry")),
			sf("%s, whose origins are the member regions' ingress load balancers", plural(len(g.Pools), "origin pool")),
			sf("the global load balancer for %s: steering %s, default pools %s, fallback pool %s", code(g.Hostname), code(g.Steering), and(poolNames(g.Pools)), code(g.Fallback)),
		}
		if covered > 0 {
			items = append(items, sf("region pools for %s", and(geoCodes(g.Pools))))
		}
	} else {
		kind := map[string]string{"dynamic_latency": "latency", "geo": "geolocation", "off": "failover"}[g.Steering]
		records := kind + " records"
		if g.Steering == "geo" {
			records = plural(len(m.glbm.Geolocations()), "geolocation record") + " (one per location the pools' codes stand for, plus the default)"
		}
		items = []string{
			sf("a Route 53 health check per member region (%s, %s %s:%d every %s)", plural(m.members(), "region"), strings.ToUpper(h.Protocol), h.Path, h.Port, secs(h.Interval.Duration)),
			sf("%s for %s over the pools' ingress load balancers in zone %s, with %s as the failover target", records, code(g.Hostname), code(m.glbm.Zone), code(g.Fallback)),
		}
	}
	return Record{
		Key:            "glb",
		Title:          sf("Global load balancing of %s with %s steering", g.Hostname, g.Steering),
		Context:        context,
		Chosen:         sf("%s, %s steering, %s, fallback %s", g.Provider, g.Steering, plural(len(g.Pools), "pool"), g.Fallback),
		Decision:       sf("Serve %s through %s with %s steering over %s (%s); fall back to %s when every pool is unhealthy.", code(g.Hostname), providerName, code(g.Steering), plural(len(g.Pools), "pool"), and(poolNames(g.Pools)), code(g.Fallback)),
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: paras(sf("The %s stack, given every member region's ingress address, creates:", code("global")), bullets(items)),
	}
}

// members counts distinct pool members.
func (m *model) members() int { return len(m.glbm.Origins) }

func poolNames(ps []*topology.Pool) []string {
	var out []string
	for _, p := range ps {
		out = append(out, code(p.Name))
	}
	return out
}

func geoCodes(ps []*topology.Pool) []string {
	var out []string
	for _, p := range ps {
		for _, c := range p.Geo {
			out = append(out, c+" → "+p.Name)
		}
	}
	return out
}

// secs renders a duration in seconds, the unit health checks are set in.
func secs(d time.Duration) string {
	if d%time.Second != 0 {
		return d.String()
	}
	return sf("%d s", int64(d/time.Second))
}
