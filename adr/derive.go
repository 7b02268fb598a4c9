package adr

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	derived "infra/model"

	"infra/landingzone"
	"infra/network"
	"infra/policies"
	"infra/topology"
)

// model is what every record reads: the spec and the derived network model.
type model struct {
	spec *topology.Spec
	net  *network.AddressPlan
	mesh *network.Mesh    // nil without a mesh
	tr   *network.Transit // never nil
	glbm *network.GLB     // nil without a global load balancer
	// lz is the organisation model the landing-zone stacks build.
	lz *landingzone.Model
	// scps are the packed SCPs of the AWS Organization; nil without one.
	scps *policies.SCPSet
	// cbr are the IBM guardrails' context-based restrictions.
	cbr []policies.CBRRule
	// ovhDenies are what the OVH guardrail policies deny.
	ovhDenies []policies.OVHDeny
	// nativeBy is how each cloud enforces each guardrail (model.Model.Native).
	nativeBy map[string]map[topology.Cloud]string
	sites    []*site // one per region entry, spec order
}

// site is one region entry with its cluster and address plan.
type site struct {
	r       *topology.Region
	net     *network.RegionNet
	cluster cluster
}

// cluster is a cloud's cluster settings reduced to what records compare.
type cluster struct {
	kube string
	// node describes a node, e.g. "t3.medium" or "bx2.4x16 (4 vCPU, 16 GB)".
	node string
	// minPerZone and maxPerZone bound worker nodes per zone; for Hetzner, which
	// has one site, they are the whole worker count.
	minPerZone, maxPerZone, desiredPerZone int
	controlPlanes                          int // self-managed control planes (Hetzner k3s); 0 when managed
	plan                                   string
	// apiAccess are the networks a k3s cluster's API is open to on the
	// control planes' public addresses (Hetzner); none: private only.
	apiAccess []string
}

// Derive computes the records of a derived topology, in the order new
// records are numbered. The model is the one the stacks are built from, so
// the records describe what is built.
func Derive(d *derived.Model) ([]Record, error) {
	spec, net := d.Spec, d.Addresses
	m := &model{spec: spec, net: net, mesh: d.Mesh, tr: d.Transit, glbm: d.GLB, lz: d.LandingZone,
		scps: d.SCPs, cbr: d.CBR, ovhDenies: d.OVHDenies, nativeBy: d.Native}
	for _, r := range spec.Regions() {
		rn := net.Region(r.ID())
		if rn == nil {
			return nil, fmt.Errorf("adr: the address plan has no region %s", r.ID())
		}
		m.sites = append(m.sites, &site{r: r, net: rn, cluster: clusterOf(spec, r)})
	}
	recs := []Record{m.recordDecisions(), m.placement()}
	for _, s := range m.sites {
		recs = append(recs, m.clusterRecord(s))
	}
	recs = append(recs, m.transit()...)
	recs = append(recs, m.meshRecord(), m.glb(), m.landingZone(), m.guardrails(), m.stateRecord())
	// last, so that a topology that gains it renumbers no record
	recs = append(recs, m.ingressAWS()...)
	recs = append(recs, m.glbHealth()...)
	recs = append(recs, m.ingressOVH()...)
	return recs, nil
}

func clusterOf(spec *topology.Spec, r *topology.Region) cluster {
	switch r.Cloud {
	case topology.IBM:
		if x := topology.EntryOf(spec.Clouds.IBM.Regions, r); x != nil {
			c := x.Cluster
			return cluster{kube: c.Kubernetes, node: ibmFlavor(c.Flavor),
				minPerZone: c.WorkersPerZone, maxPerZone: c.WorkersPerZone, desiredPerZone: c.WorkersPerZone}
		}
	case topology.AWS:
		if x := topology.EntryOf(spec.Clouds.AWS.Regions, r); x != nil {
			c := x.Cluster
			return cluster{kube: c.Kubernetes, node: c.InstanceType,
				minPerZone: c.NodesPerZone.Min, maxPerZone: c.NodesPerZone.Max, desiredPerZone: c.NodesPerZone.Desired}
		}
	case topology.Hetzner:
		if x := topology.EntryOf(spec.Clouds.Hetzner.Regions, r); x != nil {
			c := x.Cluster
			return cluster{kube: c.Kubernetes, node: c.ServerType,
				minPerZone: c.Workers, maxPerZone: c.Workers, desiredPerZone: c.Workers, controlPlanes: c.ControlPlanes, apiAccess: c.APIAccess}
		}
	case topology.OVH:
		if x := topology.EntryOf(spec.Clouds.OVH.Regions, r); x != nil {
			c := x.Cluster
			return cluster{kube: c.Kubernetes, node: c.Flavor, plan: c.Plan,
				minPerZone: c.Nodes.Min, maxPerZone: c.Nodes.Max, desiredPerZone: c.Nodes.Desired}
		}
	}
	return cluster{}
}

// ibmFlavor spells out the cores and memory an IKS flavor name encodes.
func ibmFlavor(f string) string {
	_, size, ok := strings.Cut(f, ".")
	cores, mem, ok2 := strings.Cut(size, "x")
	if !ok || !ok2 {
		return f
	}
	mem, _, _ = strings.Cut(mem, ".")
	return sf("%s (%s vCPU, %s GB)", f, cores, mem)
}

// zones is the site's zone count: a Hetzner location or single-AZ OVH region is one.
func (s *site) zones() int { return max(1, len(s.r.Zones)) }

func (s *site) zoneNames() []string {
	var out []string
	for _, z := range s.net.Zones {
		out = append(out, z.Zone)
	}
	return out
}

// where names a site for prose: "AWS us-east-1 (prod)".
// nodes describes the node count of the whole cluster, e.g. "3–9 nodes".
func (s *site) nodes() string {
	c, z := s.cluster, s.zones()
	if s.r.Cloud == topology.Hetzner {
		return sf("%s and %s", plural(c.controlPlanes, "control-plane server"), plural(c.maxPerZone, "worker"))
	}
	lo, hi := c.minPerZone*z, c.maxPerZone*z
	if lo == hi {
		return plural(lo, "node")
	}
	if z == 1 {
		return sf("%d–%d nodes, %d desired", lo, hi, c.desiredPerZone)
	}
	return sf("%d–%d nodes", lo, hi)
}

// perZone describes nodes per zone, e.g. "1–3 per zone (1 desired)".
func (c cluster) perZone() string {
	if c.minPerZone == c.maxPerZone {
		return sf("%d per zone", c.minPerZone)
	}
	return sf("%d–%d per zone, %d desired", c.minPerZone, c.maxPerZone, c.desiredPerZone)
}

func (m *model) clouds() []topology.Cloud {
	var out []topology.Cloud
	for _, s := range m.sites {
		if !slices.Contains(out, s.r.Cloud) {
			out = append(out, s.r.Cloud)
		}
	}
	return out
}

func (m *model) sitesOf(c topology.Cloud) []*site {
	var out []*site
	for _, s := range m.sites {
		if s.r.Cloud == c {
			out = append(out, s)
		}
	}
	return out
}

func cloudNames(cs []topology.Cloud) []string {
	var out []string
	for _, c := range cs {
		out = append(out, cloudName(c))
	}
	return out
}

// recordDecisions is adr-tools' first record, stated for generated records.
func (m *model) recordDecisions() Record {
	return Record{
		Key:   "adr",
		Title: "Record architecture decisions",
		Context: paras(
			sf("The platform **%s** is described by one topology file. Where clusters run, how many zones they span, how regions and clouds connect, how traffic is steered, how accounts are organised and which guardrails hold all follow from that file, and they change whenever it changes.", m.spec.Name),
			"Reviewers of a topology change need to see which decisions it makes, which earlier decisions it replaces, and the figures behind them.",
		),
		Chosen:   "Nygard-style records generated from the topology",
		Decision: "We record architecture decisions as Michael Nygard describes them, one `NNNN-slug.md` file per decision with an index in `README.md`, in the layout adr-tools uses. `infra adr` derives the records from the topology and its network model. When a decision changes, a new record supersedes the old one, whose status then links to its successor; a decision the topology no longer makes is marked deprecated. What only people know (business drivers, rejected ideas, links) goes in each record's **Notes** section, or anywhere outside the `infra:adr` fence, and regeneration keeps it.",
		Alternatives: []Alternative{
			{"Hand-written records only", "the figures (zones, availability targets, peer counts, accounts) would be copied by hand and drift from the topology that deploys"},
			{"Comments in the topology file", "they have no status, no history and no supersede chain, and they cannot be linked from a design review"},
			{"No records", "the reasons for the platform's shape would live only in pull-request threads"},
		},
		Positive: []string{
			"every figure in the records comes from the topology that deploys, so the records and the infrastructure cannot disagree",
			"a pull request that changes the topology shows, as a diff of this directory, the decisions it adds and the ones it supersedes",
		},
		Negative: []string{
			"the records are only as deep as the topology: drivers and trade-offs it does not express must be written by hand in Notes",
			"every change of a decision adds a record, so the directory grows with the topology's history",
		},
		Implementation: bullets([]string{
			"`infra adr -f topology.yaml -o docs/adr` writes the records and the index; run it in the pull request that changes the topology.",
			"`infra adr --check` exits 1 when the directory is out of date, for CI.",
			"Dates come from `--date YYYY-MM-DD` (default: today) and are written once: regenerating an unchanged topology rewrites nothing.",
		}),
	}
}

func (m *model) placement() Record {
	envs := m.spec.Environments()
	clouds := m.clouds()
	header := append([]string{"Cloud"}, envs...)
	var rows [][]string
	for _, c := range clouds {
		row := []string{cloudName(c)}
		for _, e := range envs {
			var names []string
			for _, s := range m.sitesOf(c) {
				if s.r.Environment == e {
					names = append(names, sf("%s (%s)", s.r.Name, plural(s.zones(), "zone")))
				}
			}
			if len(names) == 0 {
				names = []string{"—"}
			}
			row = append(row, strings.Join(names, ", "))
		}
		rows = append(rows, row)
	}
	var per []string
	var decided []string
	largest := map[string]int{}
	cloudsIn := map[string][]topology.Cloud{}
	for _, e := range envs {
		n := 0
		for _, s := range m.sites {
			if s.r.Environment != e {
				continue
			}
			n++
			if !slices.Contains(cloudsIn[e], s.r.Cloud) {
				cloudsIn[e] = append(cloudsIn[e], s.r.Cloud)
			}
		}
		for _, c := range cloudsIn[e] {
			k := 0
			for _, s := range m.sitesOf(c) {
				if s.r.Environment == e {
					k++
				}
			}
			largest[e] = max(largest[e], k)
		}
		per = append(per, sf("%s in %s on %s", e, plural(n, "region"), plural(len(cloudsIn[e]), "cloud")))
		var where []string
		for _, c := range cloudsIn[e] {
			var names []string
			for _, s := range m.sitesOf(c) {
				if s.r.Environment == e {
					names = append(names, s.r.Name)
				}
			}
			where = append(where, cloudName(c)+" "+and(names))
		}
		decided = append(decided, sf("**%s**: %s", e, strings.Join(where, "; ")))
	}
	shared := m.sharedRegions()
	decision := paras(
		"Every (cloud, region, environment) entry of the topology gets its own network and its own Kubernetes cluster, deployed by its own regional stack:",
		bullets(decided),
	)
	if len(shared) > 0 {
		decision = paras(decision, sf("Environments that share a region (%s) still get separate networks and clusters; on AWS each environment deploys into its own member account.", and(shared)))
	}
	alts := []Alternative{
		{"One cluster per region shared by environments, separated by namespaces", "environments would share a blast radius, a network and, on AWS, an account, so an OU's guardrails could not tell prod from staging"},
	}
	var pos, neg []string
	if len(clouds) > 1 {
		alts = append(alts, Alternative{"Every environment on a single cloud", sf("one provider's outage, quota or account suspension would stop every environment; the topology spreads its regions over %s", and(cloudNames(clouds)))})
		for _, e := range envs {
			if len(cloudsIn[e]) > 1 {
				total := 0
				for _, s := range m.sites {
					if s.r.Environment == e {
						total++
					}
				}
				pos = append(pos, sf("%s keeps serving if any one cloud fails: no cloud holds more than %d of its %d regions", e, largest[e], total))
			}
		}
		var dists []string
		for _, c := range clouds {
			dists = append(dists, shortDistribution(c))
		}
		neg = append(neg,
			sf("%s Kubernetes offerings (%s) to operate, upgrade and secure, each with its own release calendar", thousands(len(clouds)), and(dists)),
			"traffic between clouds leaves each provider's network and is billed as internet egress",
		)
	} else {
		alts = append(alts, Alternative{"Spreading over a second cloud", sf("it would add a second control plane, network and account model to operate; the topology accepts %s as a single provider", cloudName(clouds[0]))})
		pos = append(pos, sf("one provider, %s, to operate, secure and pay", cloudName(clouds[0])))
		neg = append(neg, sf("an outage or account suspension at %s stops every environment", cloudName(clouds[0])))
	}
	pos = append(pos, sf("each environment can be changed, deployed and destroyed alone: %s", plural(len(m.sites), "regional stack")))
	if len(shared) > 0 {
		neg = append(neg, "environments sharing a region each pay the region's fixed baseline (NAT gateways, load balancers, gateways) separately")
	}
	var stackRows [][]string
	for _, s := range m.sites {
		stackRows = append(stackRows, []string{code(s.r.ID()), cloudName(s.r.Cloud), s.r.Name, s.r.Environment,
			sf("%s %s, %s", shortDistribution(s.r.Cloud), s.cluster.kube, s.nodes())})
	}
	var tags []string
	for _, k := range slices.Sorted(maps.Keys(m.spec.Tags)) {
		tags = append(tags, code(k+"="+m.spec.Tags[k]))
	}
	tags = append(tags, "`Environment=<environment>`")
	return Record{
		Key:   "placement",
		Title: "Workload placement per cloud and environment",
		Context: paras(
			sf("**%s** runs %s on %s (%s) in %s (%s). Where each environment runs:", m.spec.Name,
				plural(len(m.sites), "Kubernetes cluster"), plural(len(clouds), "cloud"), and(cloudNames(clouds)),
				plural(len(envs), "environment"), and(envs)),
			table(header, rows),
		),
		Chosen:       strings.Join(per, "; "),
		Decision:     decision,
		Alternatives: alts,
		Positive:     pos,
		Negative:     neg,
		Implementation: paras(
			"One regional stack per entry, each holding the network, the cluster, its ingress load balancer and, in the mesh, the region's gateway:",
			table([]string{"Stack", "Cloud", "Region", "Environment", "Cluster"}, stackRows),
			"Every taggable resource carries "+and(tags)+".",
		),
	}
}

// sharedRegions lists "cloud region" names that host more than one environment.
func (m *model) sharedRegions() []string {
	count := map[string]int{}
	var order []string
	for _, s := range m.sites {
		k := cloudName(s.r.Cloud) + " " + s.r.Name
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	var out []string
	for _, k := range order {
		if count[k] > 1 {
			out = append(out, k)
		}
	}
	return out
}
