package adr

import (
	"slices"

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
		Implementation: paras(sf("The %s stack creates the Transit Gateway in %s (routing %s, in the resource group of %s) and:", code("transit-ibm"), t.Location, routing, t.Environment), bullets(conns)),
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
