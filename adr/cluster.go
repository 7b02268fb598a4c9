package adr

import (
	"maps"
	"slices"
	"strings"

	"infra/topology"
)

// clusterRecord is the multi-zone decision of one region entry.
func (m *model) clusterRecord(s *site) Record {
	r, c, z := s.r, s.cluster, s.zones()
	tier := TierFor(z)
	offered := topology.ZonesOf(r.Cloud, r.Name)
	kind := "Multi-zone"
	if z == 1 {
		kind = "Single-zone"
	}
	var tierRows [][]string
	for _, t := range []Tier{TierMissionCritical, TierBusinessCritical, TierStandard} {
		zones := map[int]string{9999: "3 or more", 9990: "2", 9950: "1"}[t.BasisPoints]
		mark := ""
		if t == tier {
			mark = "◀"
		}
		tierRows = append(tierRows, []string{zones, t.Target(), t.Downtime(), t.Name, t.Architecture, mark})
	}
	where := sf("The %s environment on %s in %s runs Kubernetes %s on %s.", r.Environment, cloudName(r.Cloud), r.Name, c.kube, distribution(r.Cloud))
	var siteFacts string
	switch {
	case r.Cloud == topology.Hetzner:
		siteFacts = sf("A Hetzner location is a single site: %s is one data-centre park in network zone %s, so the cluster has one zone whatever its size.", r.Name, topology.NetworkZone(r.Name))
	case r.Cloud == topology.OVH && len(offered) == 0:
		siteFacts = sf("OVHcloud's %s is a single-availability-zone region, so the cluster has one zone.", r.Name)
	default:
		siteFacts = sf("The region offers %s (%s); the topology uses %d: %s.", plural(len(offered), "zone"), strings.Join(offered, ", "), z, and(s.zoneNames()))
	}
	context := paras(where, siteFacts,
		"infra's availability tiers tie the number of zones to an availability target and a yearly downtime budget (365-day year):",
		table([]string{"Zones", "Target", "Downtime a year", "Tier", "Architecture the tier asks for", "This cluster"}, tierRows))

	chosen := sf("%s, %s target, %s", plural(z, "zone"), tier.Target(), tier.Name)
	var decision string
	switch r.Cloud {
	case topology.IBM:
		decision = sf("Spread the IKS cluster over %s (%s) with one worker pool across them: %s workers, %s, %d in all.", plural(z, "zone"), and(s.zoneNames()), c.node, c.perZone(), c.minPerZone*z)
	case topology.AWS:
		decision = sf("Spread the EKS cluster over %s (%s) with one managed node group per zone of %s, %s: %s in all.", plural(z, "zone"), and(s.zoneNames()), c.node, c.perZone(), s.nodes())
	case topology.Hetzner:
		ha := "one control plane"
		if c.controlPlanes >= 3 {
			ha = sf("%d control planes running embedded etcd", c.controlPlanes)
		}
		decision = sf("Run k3s in %s on %s: %s and %s, all %s, on a spread placement group so that no two servers share a physical host.", r.Name, plural(c.controlPlanes+c.maxPerZone, "server"), ha, plural(c.maxPerZone, "worker"), c.node)
	case topology.OVH:
		if z > 1 {
			decision = sf("Run an MKS cluster (%s plan) over %s (%s) with one node pool per zone of %s, %s: %s in all.", c.plan, plural(z, "zone"), and(s.zoneNames()), c.node, c.perZone(), s.nodes())
		} else {
			decision = sf("Run an MKS cluster (%s plan) in %s with one node pool of %s, %s.", c.plan, r.Name, c.node, s.nodes())
		}
	}
	decision = paras(decision, sf("This targets %s availability: at most %s of downtime a year.", tier.Target(), tier.Downtime()))

	var alts []Alternative
	if z > 1 {
		t := TierFor(z - 1)
		alts = append(alts, Alternative{sf("%s", plural(z-1, "zone")), sf("the target would drop to %s, %s of downtime a year instead of %s", t.Target(), t.Downtime(), tier.Downtime())})
	}
	switch {
	case len(offered) > z && z < 3:
		t := TierFor(min(3, len(offered)))
		alts = append(alts, Alternative{sf("%s of the %d the region offers", plural(min(3, len(offered)), "zone"), len(offered)),
			sf("it would reach %s (%s of downtime a year), at the price of more nodes and cross-zone traffic", t.Target(), t.Downtime())})
	case len(offered) > z:
		alts = append(alts, Alternative{sf("All %d zones of the region", len(offered)), "the tier table has no tier above 99.99%, so more zones would add nodes and cross-zone traffic without raising the target"})
	}
	switch r.Cloud {
	case topology.Hetzner:
		other := 1
		if c.controlPlanes < 3 {
			other = 3
		}
		why := "a single control plane is a single point of failure for the Kubernetes API: running workloads keep serving, but nothing can be scheduled or changed while it is down"
		if other == 1 {
			why = "it would save 2 servers, but a control-plane failure would stop scheduling and the Kubernetes API until it is rebuilt; three keep etcd's quorum through one failure"
		}
		alts = append(alts,
			Alternative{plural(other, "control plane"), why},
			Alternative{"One cluster stretched over several locations", sf("locations of network zone %s share a private network, but etcd and cluster traffic would cross sites; the topology runs one cluster per location and spreads across them with the global load balancer", topology.NetworkZone(r.Name))})
	case topology.OVH:
		if z == 1 {
			alts = append(alts, Alternative{"A 3-AZ region (EU-WEST-PAR or EU-SOUTH-MIL)", sf("it would reach %s (%s of downtime a year), but only on the Standard plan", TierMissionCritical.Target(), TierMissionCritical.Downtime())})
		}
	case topology.AWS:
		alts = append(alts, Alternative{"Self-managed Kubernetes on EC2", "the control plane, etcd backups and upgrades would be ours to run; EKS runs the control plane across the region's zones"})
	case topology.IBM:
		alts = append(alts, Alternative{"Red Hat OpenShift on IBM Cloud", "larger minimum flavors and a different operating model; the topology asks for IKS"})
	}

	var pos, neg []string
	if z > 1 {
		pos = append(pos, sf("the %s target allows at most %s of downtime a year", tier.Target(), tier.Downtime()))
	}
	if z > 1 {
		switch r.Cloud {
		case topology.AWS:
			pos = append(pos, sf("losing one zone leaves %d of %d node groups, %d–%d nodes, %s of the capacity; the others can scale up to %d nodes", z-1, z, c.minPerZone*(z-1), c.maxPerZone*(z-1), percent(z-1, z), c.maxPerZone*(z-1)))
		case topology.IBM:
			pos = append(pos, sf("losing one zone leaves %d of %d workers, %s of the capacity", c.minPerZone*(z-1), c.minPerZone*z, percent(z-1, z)))
		default:
			pos = append(pos, sf("losing one zone leaves %d of %d node pools, %s of the capacity", z-1, z, percent(z-1, z)))
		}
		neg = append(neg,
			sf("traffic between the %d zones is billed as cross-zone data transfer, and every replica set needs %s to spread", z, code("topologySpreadConstraints")+" on "+code("topology.kubernetes.io/zone")),
			sf("%s also asks for %s: the cluster makes them possible, the workloads must provide them", tier.Name, tier.Operations))
		if r.Cloud == topology.AWS {
			neg = append(neg, sf("there are %s to pay for, one per zone, so that a zone's egress does not depend on another zone", plural(z, "NAT gateway")))
		}
	} else {
		neg = append(neg,
			sf("an outage of %s stops the cluster: the %s target allows %s of downtime a year", r.Name, tier.Target(), tier.Downtime()),
			sf("%s asks for %s; the global load balancer and the other regions have to be that failover", tier.Name, tier.Operations))
		pos = append(pos, "every node is in one zone: no cross-zone data transfer, and no per-zone duplicates of gateways or node groups")
		if r.Cloud == topology.Hetzner {
			pos = append(pos, sf("the spread placement group puts the %s on distinct hosts: one host failure takes out one server", plural(c.controlPlanes+c.maxPerZone, "server")))
		}
	}
	if r.Cloud == topology.AWS {
		// EKS passes no --admission-control-config-file, so Pod Security
		// is per namespace only (aws/containers-roadmap#1822).
		neg = append(neg, "pods on the host network still reach the instance metadata and the node role; EKS takes no cluster-wide Pod Security configuration, so keeping workloads off the host network takes pod-security.kubernetes.io labels on their namespaces, which infra does not set")
	}
	if r.Cloud == topology.Hetzner {
		pos = append(pos, "nodes join, and clients reach the API, through a private load balancer in front of every control plane, so no single control plane is the cluster's address")
		pos = append(pos, "the hcloud cloud-controller-manager ties every node to its server (provider ID hcloud://<server id>) and removes the nodes of deleted servers; volumes are Hetzner volumes, which outlive any node")
		pos = append(pos, "a new k3s or add-on release updates the running cluster in place: servers ignore changes of their user data, so no change replaces them all at once (Hetzner refuses a second server of the same name and address, and etcd would lose every member); the system-upgrade-controller's Plans upgrade the control planes one at a time, cordoned, then the workers")
		neg = append(neg, "the rest of the k3s configuration is user data and reaches only servers made after it changes: each server's infra/k3s-config label names the configuration it was made with, and every preview warns about the servers it no longer matches; a release can only go up, one minor version at a time (k3s-upgrade refuses a downgrade)",
			"infra applies the add-ons, their Secret and the upgrade Plans from where it runs, so it must reach the API: from the apiAccess networks, or over the mesh at the registration address; until it does, nodes stay uninitialised and take no workloads",
			"Services of type LoadBalancer stay with k3s's ServiceLB and make no Hetzner load balancer: the ingress load balancer infra declares targets ServiceLB's ports, and two controllers on one Service would fight over it")
		// DESIGN.md "Secrets on machines": Hetzner has no secret store.
		neg = append(neg, "Hetzner Cloud has no secret store, so the k3s join tokens and the cluster CA key sit in the servers' user data, which the metadata service (169.254.169.254) serves to anything on the server: every node's nftables drop pod traffic to it, workers hold only the agent token, and the API servers enforce the baseline Pod Security Standard, which refuses host-network, privileged and hostPath pods everywhere but kube-system and system-upgrade; a pod there, or in a namespace an administrator labels out of the standard, can still read it")
		if c.controlPlanes >= 3 {
			pos = append(pos, sf("%d control planes keep etcd's quorum through the loss of %d", c.controlPlanes, (c.controlPlanes-1)/2))
		} else {
			neg = append(neg, "the single control plane is a single point of failure for the Kubernetes API")
		}
	}

	var zoneRows [][]string
	for _, zn := range s.net.Zones {
		zoneRows = append(zoneRows, []string{zn.Zone, zn.Private.String(), zn.Public.String()})
	}
	var items []string
	switch r.Cloud {
	case topology.AWS:
		items = []string{
			sf("VPC %s with a private and a public subnet per zone, an internet gateway, a NAT gateway per zone and route tables, flow logs, an S3 gateway endpoint and interface endpoints for ECR and STS (image pulls and pod credentials skip the NAT gateways)", s.net.CIDR),
			sf("EKS cluster %s with its IAM roles, and a managed node group per zone (%s, %s), launched from a template that requires IMDSv2 with a hop limit of 1, so pods on the pod network get no metadata token and no node-role credentials", c.kube, c.node, c.perZone()),
			"security groups, and an ingress load balancer",
		}
	case topology.IBM:
		items = []string{
			sf("VPC with an address prefix, a subnet and a public gateway per zone, in %s", s.net.CIDR),
			sf("IKS VPC cluster %s with a worker pool over the zones (%s, %s)", c.kube, c.node, c.perZone()),
			"the cluster's Ingress subdomain as the ingress address (IKS makes the load balancer of its Ingress ALBs)",
		}
	case topology.Hetzner:
		items = []string{
			sf("network spanning the RFC 1918 block of %s with a subnet %s in network zone %s", s.net.CIDR, s.net.CIDR, topology.NetworkZone(r.Name)),
			"a spread placement group, and a firewall with no inbound rule (Hetzner firewalls filter public interfaces only; each node's nftables filter the private network)",
			sf("%s and %s (%s) installing k3s %s through cloud-init, held at that release by the system-upgrade-controller's Plans, flannel on the private interface, secrets encrypted in etcd", plural(c.controlPlanes, "control-plane server"), plural(c.maxPerZone, "worker server"), c.node, c.kube),
			"a private registration load balancer for the control planes (port 6443), and a load balancer targeting the workers",
			"Pod Security admission on the API servers: the baseline standard enforced in every namespace but kube-system and system-upgrade, restricted audited and warned about",
			"the hcloud cloud-controller-manager and CSI driver at pinned releases, and the system-upgrade-controller, applied with their Secret (the API token and the network) over the Kubernetes API from where infra runs, never through user data; Hetzner volumes are the default StorageClass and k3s's node-local storage is off",
		}
		if len(c.apiAccess) > 0 {
			items = append(items, sf("a second firewall on the control planes admitting the Kubernetes API (TCP 6443) on their public addresses from %s only; `infra kubeconfig` takes the first control plane that answers there (without apiAccess the API answers on the private network and over the mesh only)", strings.Join(c.apiAccess, ", ")))
		}
	case topology.OVH:
		items = []string{
			sf("private network (vRack, the project attached to it in the landing zone) with a subnet in %s whose DHCP routes the rest of its RFC 1918 block through the mesh gateway, and a gateway", s.net.CIDR),
			sf("MKS cluster %s (%s plan) on the private network", c.kube, c.plan),
		}
		if z > 1 {
			items = append(items, sf("one node pool per zone (%s, %s)", c.node, c.perZone()))
		} else {
			items = append(items, sf("a node pool (%s, %s)", c.node, s.nodes()))
		}
	}
	if r.InMesh() && m.mesh != nil {
		items = append(items, "the region's WireGuard mesh gateway (see the mesh record)")
	}
	var tags []string
	for _, k := range slices.Sorted(maps.Keys(m.spec.TagsFor(r))) {
		tags = append(tags, code(k+"="+m.spec.TagsFor(r)[k]))
	}
	items = append(items, "tags (labels on Hetzner and OVHcloud) on every resource: "+strings.Join(tags, ", "))
	return Record{
		Key:          "cluster/" + r.ID(),
		Title:        sf("%s cluster in %s %s (%s)", kind, cloudName(r.Cloud), r.Name, r.Environment),
		Context:      context,
		Chosen:       chosen,
		Decision:     decision,
		Alternatives: alts,
		Positive:     pos,
		Negative:     neg,
		Implementation: paras(
			sf("Regional stack %s creates:", code(r.ID())),
			bullets(items),
			"Subnets, from the address plan:",
			table([]string{"Zone", "Private", "Public"}, zoneRows),
		),
	}
}
