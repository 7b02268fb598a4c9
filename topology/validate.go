package topology

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"infra/rules"
)

var (
	dnsLabel     = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	hostnameRE   = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$`)
	k8sVersion   = regexp.MustCompile(`^1\.[0-9]{2}$`)
	awsInstance  = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	ibmTag       = regexp.MustCompile(`^[A-Za-z0-9 _.:-]+$`)
	hcloudLabel  = regexp.MustCompile(`^([a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)?$`)
	tagKeyRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$`)
	backendSchem = []string{"azblob://", "file://", "gs://", "http://", "https://", "s3://"}
)

// validator checks what decoding cannot: values, references and cross-field rules.
type validator struct {
	s *Spec
	diags
	// byName indexes region entries by cloud/region and byRef by
	// cloud/region/environment, so that resolving pool members stays linear.
	byName map[string][]*Region
	byRef  map[string][]*Region
	// refs are the distinct cloud/region names, for suggestions.
	refs []string
}

func validate(s *Spec) Diagnostics {
	v := &validator{s: s, byName: map[string][]*Region{}, byRef: map[string][]*Region{}}
	for _, r := range s.Regions() {
		key := string(r.Cloud) + "/" + r.Name
		if v.byName[key] == nil {
			v.refs = append(v.refs, key)
		}
		v.byName[key] = append(v.byName[key], r)
		v.byRef[r.Ref()] = append(v.byRef[r.Ref()], r)
	}
	for i, check := range []func(){v.name, v.tags, v.regions, v.clusters, v.cidrs, v.transit, v.mesh, v.glb, v.landingZone, v.backend} {
		v.rule = ValidationRules[i]
		check()
	}
	return v.list
}

func (v *validator) name() {
	if v.s.Name != "" && (!dnsLabel.MatchString(v.s.Name) || len(v.s.Name) > 40) {
		v.errorf(v.s.At("name"), "use lower-case letters, digits and dashes, at most 40 characters, e.g. acme-platform",
			"name %s is not a DNS label", strconv.Quote(v.s.Name))
	}
}

func (v *validator) tags() {
	hetzner, ibm := v.s.Clouds.Hetzner != nil, v.s.Clouds.IBM != nil
	for _, k := range sortedKeys(v.s.Tags) {
		p := v.s.At("tags." + k)
		if k == "Environment" {
			v.errorf(p, "remove it: Environment is set from each region's environment", "tag Environment is reserved")
			continue
		}
		if !tagKeyRE.MatchString(k) {
			v.errorf(p, "start with a letter; use letters, digits and _.:/=+@-", "invalid tag key %s", strconv.Quote(k))
			continue
		}
		if val := v.s.Tags[k]; val == "" {
			v.errorf(p, "give it a value or remove it", "tag %s is empty", k)
		} else if hetzner && (!hcloudLabel.MatchString(val) || !hcloudLabel.MatchString(k)) {
			v.errorf(p, "Hetzner labels allow letters, digits and -_. (at most 63 characters)",
				"tag %s=%s cannot be a Hetzner label", k, strconv.Quote(val))
		} else if ibm && (!ibmTag.MatchString(k+":"+val) || len(k)+1+len(val) > 128) {
			v.errorf(p, "IBM tags allow letters, digits, spaces and _-.: (at most 128 characters with the key)",
				"tag %s=%s cannot be an IBM tag", k, strconv.Quote(val))
		}
	}
}

func (v *validator) regions() {
	all := v.s.Regions()
	if _, set := v.s.Keys["clouds"]; !set {
		return // reported as a missing field
	}
	if len(all) == 0 {
		v.errorf(v.s.Clouds.Pos, "add at least one cloud with one region, e.g. clouds: {aws: {regions: [{region: us-east-1, environment: prod}]}}",
			"the topology has no regions")
		return
	}
	seen := map[string]*Region{}
	for _, r := range all {
		if r.Name == "" || r.Environment == "" {
			continue // reported as a missing field
		}
		if !KnownRegion(r.Cloud, r.Name) {
			names := RegionNames(r.Cloud)
			hint := fmt.Sprintf("%s regions: %s", r.Cloud, strings.Join(names, ", "))
			if s := suggest(r.Name, names); s != "" {
				hint = "did you mean " + s + "?"
			}
			v.errorf(r.At("region"), hint, "%s has no region %s", r.Cloud, strconv.Quote(r.Name))
			continue
		}
		if !dnsLabel.MatchString(r.Environment) || len(r.Environment) > 20 {
			v.errorf(r.At("environment"), "use a short lower-case name such as prod, staging or dev",
				"environment %s is not a DNS label", strconv.Quote(r.Environment))
			continue
		}
		if len(r.ID()) > 63 || !dnsLabel.MatchString(r.ID()) {
			v.errorf(r.Pos, "shorten the environment name", "stack name %s is not a DNS label of at most 63 characters", r.ID())
		}
		if prev, dup := seen[r.ID()]; dup {
			d := v.errorf(r.Pos, "give the second entry a different environment, or merge them",
				"%s is declared twice for environment %s", r.Cloud+"/"+Cloud(r.Name), r.Environment)
			d.Related = []Related{{Pos: prev.Pos, Message: "first declared here"}}
			continue
		}
		seen[r.ID()] = r
		v.zones(r)
	}
}

func (v *validator) zones(r *Region) {
	known := ZonesOf(r.Cloud, r.Name)
	_, explicit := r.Keys["zones"]
	switch {
	case r.Cloud == Hetzner && explicit:
		v.errorf(r.At("zones"), "remove zones: servers are spread by a placement group",
			"Hetzner location %s has no zones", r.Name)
		return
	case r.Cloud == OVH && len(known) == 0 && explicit && len(r.Zones) > 0:
		v.errorf(r.At("zones"), "remove zones, or use a 3-AZ region such as EU-WEST-PAR",
			"OVH region %s is a single-zone region", r.Name)
		return
	}
	dup := map[string]bool{}
	for i, z := range r.Zones {
		p := r.At(fmt.Sprintf("zones[%d]", i))
		if dup[z] {
			v.errorf(p, "list each zone once", "zone %s is listed twice", z)
			continue
		}
		dup[z] = true
		if !slices.Contains(known, z) {
			hint := fmt.Sprintf("zones of %s: %s", r.Name, strings.Join(known, ", "))
			if s := suggest(z, known); s != "" {
				hint = "did you mean " + s + "?"
			}
			v.errorf(p, hint, "%s region %s has no zone %s", r.Cloud, r.Name, strconv.Quote(z))
		}
	}
	if r.Cloud == AWS && len(r.Zones) < 2 {
		v.errorf(r.At("zones"), "EKS needs subnets in at least two AZs; list two or more", "AWS region %s has %d zone", r.Name, len(r.Zones))
	}
}

func (v *validator) clusters() {
	if c := v.s.Clouds.IBM; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			v.kubernetes(IBM, k.Meta, k.Kubernetes)
			if exists, offered := ibmFlavorOK(r.Name, k.Flavor); !exists {
				v.errorf(k.At("flavor"), "use <family>.<cores>x<GB>, e.g. bx2.4x16 or bx3d.4x20", "unknown IKS worker flavor %s", strconv.Quote(k.Flavor))
			} else if !offered {
				v.errorf(k.At("flavor"), "use a 3d family there, e.g. bx3d.4x20", "IBM region %s offers only the bx3d/cx3d/mx3d flavors, not %s", r.Name, k.Flavor)
			}
			if k.WorkersPerZone < 1 {
				v.errorf(k.At("workersPerZone"), "omit it for the default of 2", "workersPerZone must be at least 1, got %d", k.WorkersPerZone)
			} else if n := k.WorkersPerZone * len(r.Zones); n > maxClusterNodes {
				v.errorf(k.At("workersPerZone"), fmt.Sprintf("at most %d worker nodes per cluster (%s)", maxClusterNodes, maxClusterNodesSource),
					"workersPerZone %d makes %d workers in %d zones", k.WorkersPerZone, n, len(r.Zones))
			}
		}
	}
	if c := v.s.Clouds.AWS; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			v.kubernetes(AWS, k.Meta, k.Kubernetes)
			if !awsInstance.MatchString(k.InstanceType) {
				v.errorf(k.At("instanceType"), "write an EC2 instance type such as t3.medium", "invalid instance type %s", strconv.Quote(k.InstanceType))
			}
			v.scaling(&k.NodesPerZone, k.At("nodesPerZone"), 0, maxEKSNodeGroup, maxEKSNodeGroupSource)
			v.apiAccess(&k.Meta, k.APIAccess, "IAM authentication")
			if len(k.APIAccess) == 0 && v.s.PoolMember(&r.Region) {
				// infra applies the ingress controller over the Kubernetes
				// API (infra:kubernetes:Manifests); the endpoint is private.
				// It matters where the global load balancer sends traffic.
				at := k.At("apiAccess")
				if at.Line == 0 {
					at = r.Pos
				}
				v.warnf(at, "list the networks infra runs from, e.g. apiAccess: [203.0.113.0/24], or run infra from inside the VPC, the mesh or transit",
					"cluster %s has no apiAccess: infra cannot reach its private API to install the ingress controller, so the global load balancer's origin %s never turns healthy", r.ID(), r.Ref())
			}
			seen := map[string]bool{}
			for i, a := range k.Admins {
				p := k.At(fmt.Sprintf("admins[%d]", i))
				switch {
				case !IsIAMRole(a):
					v.errorf(p, "a role name such as platform-admins, or a role ARN", "cluster admin %s is neither an IAM role name nor a role ARN", strconv.Quote(a))
				case seen[a]:
					// CreateAccessEntry: ResourceInUseException.
					v.errorf(p, "list each role once", "cluster admin %s is listed twice", a)
				}
				seen[a] = true
			}
		}
	}
	if c := v.s.Clouds.Hetzner; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			v.kubernetes(Hetzner, k.Meta, k.Kubernetes)
			t := k.ServerType
			switch {
			case hetznerRetired[t] != "":
				v.errorf(k.At("serverType"), "use "+hetznerRetired[t]+", its current equivalent", "Hetzner server type %s has been retired", t)
			case hetznerDeprecated[t] != "":
				v.warnf(k.At("serverType"), "use "+hetznerDeprecated[t]+" before it disappears", "Hetzner server type %s is deprecated", t)
			case !slices.Contains(hetznerCurrent, t):
				v.errorf(k.At("serverType"), "current types: "+strings.Join(hetznerCurrent, ", "), "unknown Hetzner server type %s", strconv.Quote(t))
			}
			if !rules.HetznerServerTypeSold(t, r.Name) {
				v.errorf(k.At("serverType"), "choose a type sold there, such as cpx22 (CPX) or ccx13", "Hetzner does not sell server type %s in %s", t, r.Name)
			}
			v.apiAccess(&k.Meta, k.APIAccess, "client certificates")
			if len(k.APIAccess) == 0 {
				// The nodes run cloud-provider=external: they take no pod
				// until the hcloud cloud-controller-manager initialises
				// them, and it starts only with the Secret infra applies
				// over the Kubernetes API (stacks/hetzner/secret.go). With
				// no apiAccess that API is private: a real up run from
				// outside the region's network and the mesh would wait out
				// the apply and fail, where the simulator cannot tell.
				at := k.At("apiAccess")
				if at.Line == 0 {
					at = r.Pos
				}
				v.warnf(at, "list the networks infra runs from, e.g. apiAccess: [203.0.113.0/24], or run infra from inside the region's network or the mesh",
					"cluster %s has no apiAccess: infra cannot reach its API to give the hcloud cloud-controller-manager its token, and without it no node takes a pod", r.ID())
			}
			if k.ControlPlanes != 1 && k.ControlPlanes != 3 {
				v.errorf(k.At("controlPlanes"), "use 1, or 3 for an etcd quorum", "controlPlanes must be 1 or 3, got %d", k.ControlPlanes)
			}
			if k.Workers < 1 {
				v.errorf(k.At("workers"), "omit it for the default of 3", "workers must be at least 1, got %d", k.Workers)
			} else if n := k.Workers + k.ControlPlanes + 1; n > maxHetznerNetworkServers {
				v.errorf(k.At("workers"), fmt.Sprintf("a Hetzner network takes at most %d servers (%s); the control planes and the mesh gateway count too", maxHetznerNetworkServers, maxHetznerNetworkServersSource),
					"workers %d make %d servers on the region's network", k.Workers, n)
			}
		}
	}
	if c := v.s.Clouds.OVH; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			v.kubernetes(OVH, k.Meta, k.Kubernetes)
			if slices.Contains(ovhUSRegions, r.Name) {
				v.errorf(r.At("region"), "use an EU or APAC region; the US regions need an OVHcloud US account (api.us.ovhcloud.com, IAM URNs urn:v1:us:), which infra does not model",
					"OVH region %s is sold only by OVHcloud US", r.Name)
			}
			if exists, offered := ovhFlavorOK(r.Name, k.Flavor); !exists {
				v.errorf(k.At("flavor"), "use an MKS flavor such as b2-7 or b3-8", "unknown OVH flavor %s", strconv.Quote(k.Flavor))
			} else if !offered {
				v.errorf(k.At("flavor"), "3rd-generation flavors are offered in DE1, GRA11, UK1 and WAW1; use b2-7 here",
					"OVH region %s does not offer %s", r.Name, k.Flavor)
			}
			switch {
			case k.Plan != "free" && k.Plan != "standard":
				v.errorf(k.At("plan"), "use free or standard", "invalid plan %s", strconv.Quote(k.Plan))
			case k.Plan == "free" && OVHStandardOnly(r.Name):
				v.errorf(k.At("plan"), "use plan: standard", "OVH region %s offers only the Standard plan", r.Name)
			}
			v.scaling(&k.Nodes, k.At("nodes"), 1, maxOVHClusterNodes, maxOVHClusterNodesSource)
		}
	}
}

func (v *validator) kubernetes(c Cloud, m Meta, ver string) {
	p := m.At("kubernetes")
	if !k8sVersion.MatchString(ver) {
		v.errorf(p, `write the minor version as a quoted string, e.g. "1.35"`, "invalid Kubernetes version %s", strconv.Quote(ver))
		return
	}
	known, ok := kubernetesVersions[c]
	if !ok {
		return
	}
	switch {
	case slices.Contains(known.supported, ver):
	case slices.Contains(known.deprecated, ver):
		v.warnf(p, "upgrade to "+known.supported[len(known.supported)-1], "Kubernetes %s is past its end of support on %s", ver, c)
	default:
		v.errorf(p, "supported: "+strings.Join(known.supported, ", "), "%s does not offer Kubernetes %s", c, ver)
	}
}

// Upper bounds on node counts, from each cloud's published limits.
const (
	// EKS service quotas, "Nodes per managed node group": 450; infra makes
	// one managed node group per zone.
	maxEKSNodeGroup       = 450
	maxEKSNodeGroupSource = "EKS quota: nodes per managed node group, docs.aws.amazon.com/eks/latest/userguide/service-quotas.html"
	// OVHcloud Managed Kubernetes known limits: 100 nodes per cluster
	// (tested maximum; support.us.ovhcloud.com/hc/en-us/articles/1500005048361).
	maxOVHClusterNodes       = 100
	maxOVHClusterNodesSource = "OVHcloud MKS known limits: 100 nodes per cluster, help.ovhcloud.com managed-kubernetes-known-limits"
	// Hetzner Cloud Networks: at most 100 servers attached to one network.
	maxHetznerNetworkServers       = 100
	maxHetznerNetworkServersSource = "docs.hetzner.com/cloud/networks/overview, limits"
	// Kubernetes' own tested ceiling, used for IKS, whose per-cluster
	// worker limit is a quota of the account (ibmcloud ks quota ls).
	maxClusterNodes       = 5000
	maxClusterNodesSource = "kubernetes.io/docs/setup/best-practices/cluster-large: no more than 5,000 nodes"
)

func (v *validator) scaling(s *Scaling, p Pos, minNodes, maxNodes int, source string) {
	switch {
	case s.Min < minNodes:
		v.errorf(p, "", "minimum node count must be at least %d", minNodes)
	case s.Max < 1:
		v.errorf(p, "omit it for the default", "maximum node count must be at least 1, got %d", s.Max)
	case s.Max > maxNodes:
		v.errorf(p, fmt.Sprintf("at most %d (%s)", maxNodes, source), "maximum node count %d is over the limit of %d", s.Max, maxNodes)
	case s.Min > s.Max:
		v.errorf(p, "swap them", "minimum %d is above maximum %d", s.Min, s.Max)
	case s.Desired < s.Min || s.Desired > s.Max:
		v.errorf(p, "", "desired %d is outside %d..%d", s.Desired, s.Min, s.Max)
	}
}

// cidrRange is one address range a spec claims, for the overlap sweep.
type cidrRange struct {
	prefix netip.Prefix
	pos    Pos
	owner  string
}

// cidrs checks every explicit range and reports overlaps. The sweep sorts by
// first address and compares each range only with the widest one open so far,
// so it is O(n log n) however many ranges there are.
func (v *validator) cidrs() {
	var ranges []cidrRange
	supernet, ok := v.prefix(v.s.Network.At("supernet"), "supernet", v.s.Network.Supernet)
	if ok && supernet.Bits() > 16 {
		v.errorf(v.s.Network.At("supernet"), "use a /16 or larger, e.g. 10.0.0.0/8", "supernet %s is too small to hold a /16 per region", supernet)
	}
	for _, r := range v.s.Regions() {
		if r.CIDR == "" {
			continue
		}
		p, ok := v.prefix(r.At("cidr"), r.Ref(), r.CIDR)
		if !ok {
			continue
		}
		switch {
		case p.Bits() > 24:
			v.errorf(r.At("cidr"), "use a /24 or larger (a /16 is recommended)", "CIDR %s of %s is too small for a subnet per zone", p, r.Ref())
		case p.Bits() < 8:
			v.errorf(r.At("cidr"), "use a /8 or smaller", "CIDR %s of %s is too large", p, r.Ref())
		case r.Cloud == Hetzner && !rfc1918(p):
			v.errorf(r.At("cidr"), "use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", "Hetzner networks must use private (RFC 1918) ranges, not %s", p)
		}
		ranges = append(ranges, cidrRange{p, r.At("cidr"), r.Ref()})
	}
	if v.s.Clouds.IBM != nil {
		v.iksRanges(ranges, supernet)
	}
	v.clusterRanges(ranges)
	if m := v.s.Network.Mesh; m != nil {
		if p, ok := v.prefix(m.At("overlay"), "mesh overlay", m.Overlay); ok {
			ranges = append(ranges, cidrRange{p, m.At("overlay"), "the mesh overlay"})
		}
	}
	for _, o := range overlaps(ranges) {
		d := v.errorf(o[1].pos, "give each region and the overlay a range of its own",
			"%s %s overlaps %s %s", o[1].owner, o[1].prefix, o[0].owner, o[0].prefix)
		d.Related = []Related{{Pos: o[0].pos, Message: o[0].owner + " is " + o[0].prefix.String()}}
	}
}

// overlaps returns the pairs of overlapping ranges: for each range that starts
// inside an earlier one, the pair (earlier, later).
func overlaps(ranges []cidrRange) [][2]cidrRange {
	sorted := slices.Clone(ranges)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].prefix, sorted[j].prefix
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c < 0
		}
		return a.Bits() < b.Bits()
	})
	var out [][2]cidrRange
	open := -1
	for i, r := range sorted {
		if open >= 0 && sorted[open].prefix.Contains(r.prefix.Addr()) {
			out = append(out, [2]cidrRange{sorted[open], r})
			continue
		}
		// CIDR blocks either nest or are disjoint, so the newest non-nested block is the only one that can contain later ones.
		open = i
	}
	return out
}

// iksPodServiceRanges are the pod and service networks IKS gives every VPC
// cluster by default; pods cannot reach addresses inside them.
var iksPodServiceRanges = []netip.Prefix{netip.MustParsePrefix("172.17.0.0/18"), netip.MustParsePrefix("172.21.0.0/16")}

// iksRanges rejects region CIDRs that IBM clusters' pods could not reach.
func (v *validator) iksRanges(ranges []cidrRange, supernet netip.Prefix) {
	for _, r := range ranges {
		for _, k := range iksPodServiceRanges {
			if r.prefix.Overlaps(k) {
				v.errorf(r.pos, "use a range outside 172.17.0.0/18 and 172.21.0.0/16, e.g. inside 10.0.0.0/8",
					"%s %s overlaps the IKS pod/service network %s, which IBM cluster pods cannot route out of", r.owner, r.prefix, k)
			}
		}
	}
	for _, k := range iksPodServiceRanges {
		if supernet.IsValid() && supernet.Overlaps(k) {
			v.warnf(v.s.Network.At("supernet"), "use a supernet inside 10.0.0.0/8",
				"supernet %s overlaps the IKS pod/service network %s; regions allocated there would be unreachable from IBM pods", supernet, k)
		}
	}
}

// ClusterRanges are the pod and service networks the clusters infra
// builds use inside every cluster, by cloud: k3s's defaults (cluster-cidr
// 10.42.0.0/16, service-cidr 10.43.0.0/16, k3s server docs) and OVH MKS's
// (pods 10.2.0.0/16, services 10.3.0.0/16, OVHcloud "Known limits"). A node
// sends these to its CNI, not to the mesh, so a region in one of them is
// unreachable from the cluster (review hetzner-ovh-mesh.md item 26).
var ClusterRanges = map[Cloud][]netip.Prefix{
	Hetzner: {netip.MustParsePrefix("10.42.0.0/16"), netip.MustParsePrefix("10.43.0.0/16")},
	OVH:     {netip.MustParsePrefix("10.2.0.0/16"), netip.MustParsePrefix("10.3.0.0/16")},
}

// clusterRanges rejects region CIDRs inside a cluster network of the spec.
func (v *validator) clusterRanges(ranges []cidrRange) {
	for _, c := range []Cloud{Hetzner, OVH} {
		if (c == Hetzner && v.s.Clouds.Hetzner == nil) || (c == OVH && v.s.Clouds.OVH == nil) {
			continue
		}
		for _, r := range ranges {
			for _, k := range ClusterRanges[c] {
				if r.prefix.Overlaps(k) {
					v.errorf(r.pos, "use a range outside the clusters' pod and service networks",
						"%s %s overlaps the %s clusters' pod/service network %s, which their nodes do not route to the mesh", r.owner, r.prefix, c, k)
				}
			}
		}
	}
}

func (v *validator) prefix(p Pos, what, s string) (netip.Prefix, bool) {
	pr, err := netip.ParsePrefix(s)
	if err != nil {
		v.errorf(p, "write it like 10.1.0.0/16", "%s: %s is not a valid CIDR", what, strconv.Quote(s))
		return pr, false
	}
	if !pr.Addr().Is4() {
		v.errorf(p, "use an IPv4 range", "%s: %s is not IPv4", what, s)
		return pr, false
	}
	if pr.Masked() != pr {
		v.errorf(p, "write "+pr.Masked().String(), "%s: %s has host bits set", what, s)
		return pr, false
	}
	return pr, true
}

func rfc1918(p netip.Prefix) bool {
	for _, s := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} {
		b := netip.MustParsePrefix(s)
		if b.Contains(p.Addr()) && p.Bits() >= b.Bits() {
			return true
		}
	}
	return false
}
