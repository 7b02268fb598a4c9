// Package topology is the typed topology spec: its Go types, strict decoding
// with source positions, defaults and semantic validation.
package topology

import (
	"path/filepath"
	"slices"
	"strings"
)

// Cloud names a supported cloud.
type Cloud string

// The supported clouds, in the order every listing uses.
const (
	IBM     Cloud = "ibm"
	AWS     Cloud = "aws"
	Hetzner Cloud = "hetzner"
	OVH     Cloud = "ovh"
)

// AllClouds lists the clouds in canonical order.
var AllClouds = []Cloud{IBM, AWS, Hetzner, OVH}

// Spec is a whole topology: one file, fully typed, with defaults applied.
type Spec struct {
	Meta `yaml:"-" json:"-"`
	// File is the path the spec was loaded from.
	File string `yaml:"-" json:"-"`

	// Name of the platform; prefixes every stack and resource name.
	Name string `yaml:"name" jsonschema:"required,pattern=^[a-z]([-a-z0-9]*[a-z0-9])?$,maxLength=40"`
	// Tags applied to every taggable resource. Environment is added from each region.
	Tags map[string]string `yaml:"tags,omitempty"`
	// Clouds and the regions deployed in each.
	Clouds Clouds `yaml:"clouds" jsonschema:"required"`
	// Network: address plan, transit, mesh and global load balancing.
	Network Network `yaml:"network,omitempty"`
	// LandingZone: organisation structure and guardrails.
	LandingZone LandingZone `yaml:"landingZone,omitempty"`
	// Backend is any Pulumi backend URL. Relative file:// paths resolve against the spec's directory.
	Backend string `yaml:"backend,omitempty" jsonschema:"default=file://.infra/state"`
	// Budget caps the estimated monthly list price (infra cost): a plan or
	// preview over it fails as a guardrail violation.
	Budget *Budget `yaml:"budget,omitempty"`
}

// Clouds holds one optional section per cloud.
type Clouds struct {
	Meta    `yaml:"-" json:"-"`
	IBM     *IBMCloud     `yaml:"ibm,omitempty"`
	AWS     *AWSCloud     `yaml:"aws,omitempty"`
	Hetzner *HetznerCloud `yaml:"hetzner,omitempty"`
	OVH     *OVHCloud     `yaml:"ovh,omitempty"`
}

// Region is what every cloud's region entry has in common: where, for which
// environment, across which zones, with which address range. One entry becomes
// one regional stack; a region may appear once per environment.
type Region struct {
	Meta `yaml:"-" json:"-"`
	// Cloud is set by the loader from the section the entry is in.
	Cloud Cloud `yaml:"-" json:"-"`

	// Name is the cloud's region code (IBM/AWS region, Hetzner location, OVH region).
	Name string `yaml:"region" jsonschema:"required"`
	// Environment, e.g. prod, staging or dev. Becomes the Environment tag.
	Environment string `yaml:"environment" jsonschema:"required,pattern=^[a-z]([-a-z0-9]*[a-z0-9])?$"`
	// Zones to spread over. Defaults to every zone the catalog knows, up to three.
	Zones []string `yaml:"zones,omitempty"`
	// CIDR of the region's network. Allocated from network.supernet when omitted.
	CIDR string `yaml:"cidr,omitempty"`
	// Mesh says whether this region gets a WireGuard gateway. Defaults to true when network.mesh is set.
	Mesh *bool `yaml:"mesh,omitempty"`
}

// ID is the stable identifier of the entry: cloud-region-environment, lower case.
func (r *Region) ID() string {
	return strings.ToLower(string(r.Cloud) + "-" + r.Name + "-" + r.Environment)
}

// Ref is the short reference used in the spec (cloud/region) with the environment appended.
func (r *Region) Ref() string {
	return string(r.Cloud) + "/" + r.Name + "/" + r.Environment
}

// InMesh reports whether the region takes part in the mesh.
func (r *Region) InMesh() bool { return r.Mesh == nil || *r.Mesh }

// IBMCloud is the IBM Cloud section.
type IBMCloud struct {
	Meta    `yaml:"-" json:"-"`
	Regions []*IBMRegion `yaml:"regions" jsonschema:"required,minItems=1"`
	// DeployFrom are the public IPv4 ranges infra runs from (the CI
	// runners' and operators' egress addresses). The context-based
	// restrictions on what infra manages admit them over IBM's public
	// endpoints; without them an enforced Key Protect rule refuses infra's
	// own calls to its root key.
	DeployFrom []string `yaml:"deployFrom,omitempty"`
}

// IBMRegion is an IBM VPC region with an IKS cluster.
type IBMRegion struct {
	Region  `yaml:",inline"`
	Cluster IBMCluster `yaml:"cluster,omitempty"`
}

// IBMCluster is an IBM Kubernetes Service VPC cluster.
type IBMCluster struct {
	Meta           `yaml:"-" json:"-"`
	Kubernetes     string `yaml:"kubernetes,omitempty" jsonschema:"default=1.35"`
	Flavor         string `yaml:"flavor,omitempty" jsonschema:"default=bx2.4x16"`
	WorkersPerZone int    `yaml:"workersPerZone,omitempty" jsonschema:"default=2,minimum=1"`
}

// AWSCloud is the AWS section.
type AWSCloud struct {
	Meta    `yaml:"-" json:"-"`
	Regions []*AWSRegion `yaml:"regions" jsonschema:"required,minItems=1"`
}

// AWSRegion is an AWS region with an EKS cluster.
type AWSRegion struct {
	Region  `yaml:",inline"`
	Cluster AWSCluster `yaml:"cluster,omitempty"`
}

// AWSCluster is an EKS cluster with one managed node group per AZ.
type AWSCluster struct {
	Meta         `yaml:"-" json:"-"`
	Kubernetes   string  `yaml:"kubernetes,omitempty" jsonschema:"default=1.35"`
	InstanceType string  `yaml:"instanceType,omitempty" jsonschema:"default=t3.medium"`
	NodesPerZone Scaling `yaml:"nodesPerZone,omitempty"`
	// Admins are the IAM roles people administer the cluster with (an IAM Identity Center permission set's role, a break-glass role): each gets an EKS access entry with AmazonEKSClusterAdminPolicy. A role name, optionally with its path, is the role of that name in the cluster's account; a full role ARN names one exactly.
	Admins []string `yaml:"admins,omitempty"`
	// APIAccess are the CIDRs that may reach the EKS API's public endpoint, e.g. where infra runs (a CI runner's egress, an office): infra applies the ingress controller through it. Empty: the endpoint is private only, reached from the VPC, the mesh and transit, and infra cannot install the ingress controller from outside them.
	APIAccess []string `yaml:"apiAccess,omitempty"`
}

// HetznerCloud is the Hetzner Cloud section.
type HetznerCloud struct {
	Meta    `yaml:"-" json:"-"`
	Regions []*HetznerRegion `yaml:"regions" jsonschema:"required,minItems=1"`
}

// HetznerRegion is a Hetzner location with a k3s cluster.
type HetznerRegion struct {
	Region  `yaml:",inline"`
	Cluster HetznerCluster `yaml:"cluster,omitempty"`
}

// HetznerCluster is a k3s cluster installed by cloud-init on hcloud servers.
type HetznerCluster struct {
	Meta          `yaml:"-" json:"-"`
	Kubernetes    string `yaml:"kubernetes,omitempty" jsonschema:"default=1.35"`
	ServerType    string `yaml:"serverType,omitempty" jsonschema:"default=cx33"`
	ControlPlanes int    `yaml:"controlPlanes,omitempty" jsonschema:"default=1,enum=1,enum=3"`
	Workers       int    `yaml:"workers,omitempty" jsonschema:"default=3,minimum=1"`
	// APIAccess are the CIDRs that may reach the Kubernetes API (TCP 6443) on the control planes' public addresses, e.g. an office or a CI runner's egress. Empty: the API is reachable only from the private network and over the mesh, at the registration address.
	APIAccess []string `yaml:"apiAccess,omitempty"`
}

// OVHCloud is the OVHcloud Public Cloud section.
type OVHCloud struct {
	Meta `yaml:"-" json:"-"`
	// Project is the Public Cloud project id (service name). Taken from OVH_CLOUD_PROJECT_SERVICE when omitted.
	Project string `yaml:"project,omitempty"`
	// Vrack is the vRack (service name, pn-…) the project is attached to, so that its private networks exist. Taken from OVH_VRACK_SERVICE when omitted.
	Vrack   string       `yaml:"vrack,omitempty"`
	Regions []*OVHRegion `yaml:"regions" jsonschema:"required,minItems=1"`
}

// OVHRegion is an OVH Managed Kubernetes region.
type OVHRegion struct {
	Region  `yaml:",inline"`
	Cluster OVHCluster `yaml:"cluster,omitempty"`
}

// OVHCluster is an OVH Managed Kubernetes Service cluster with one node pool per zone.
type OVHCluster struct {
	Meta       `yaml:"-" json:"-"`
	Kubernetes string  `yaml:"kubernetes,omitempty" jsonschema:"default=1.35"`
	Flavor     string  `yaml:"flavor,omitempty" jsonschema:"default=b3-8"`
	Plan       string  `yaml:"plan,omitempty" jsonschema:"enum=free,enum=standard"`
	Nodes      Scaling `yaml:"nodes,omitempty"`
}

// Scaling is a node count: a plain number (fixed size) or {min, max, desired}.
type Scaling struct {
	Meta    `yaml:"-" json:"-"`
	Min     int `yaml:"min,omitempty"`
	Max     int `yaml:"max,omitempty"`
	Desired int `yaml:"desired,omitempty"`
}

// Network is the address plan and the connectivity between regions.
type Network struct {
	Meta `yaml:"-" json:"-"`
	// Supernet is where omitted region CIDRs are allocated from.
	Supernet           string              `yaml:"supernet,omitempty" jsonschema:"default=10.0.0.0/8"`
	Transit            Transit             `yaml:"transit,omitempty"`
	Mesh               *Mesh               `yaml:"mesh,omitempty"`
	GlobalLoadBalancer *GlobalLoadBalancer `yaml:"globalLoadBalancer,omitempty"`
}

// Transit configures the clouds' own transit gateways.
type Transit struct {
	Meta `yaml:"-" json:"-"`
	IBM  *IBMTransit `yaml:"ibm,omitempty"`
	AWS  *AWSTransit `yaml:"aws,omitempty"`
}

// IBMTransit is an IBM Transit Gateway connecting every IBM VPC.
type IBMTransit struct {
	Meta    `yaml:"-" json:"-"`
	Routing string `yaml:"routing,omitempty" jsonschema:"enum=local,enum=global,default=local"`
}

// AWSTransit is one AWS Transit Gateway per region, optionally peered.
type AWSTransit struct {
	Meta    `yaml:"-" json:"-"`
	Peering bool `yaml:"peering,omitempty"`
	// ConnectEnvironments routes the VPCs of different environments to
	// each other through the gateways. Off by default: each environment
	// has a route table of its own, so prod and staging do not reach each
	// other at layer 3.
	ConnectEnvironments bool `yaml:"connectEnvironments,omitempty"`
}

// Mesh is the cross-cloud WireGuard mesh.
type Mesh struct {
	Meta `yaml:"-" json:"-"`
	// Overlay is the range gateway tunnel addresses come from.
	Overlay string `yaml:"overlay,omitempty" jsonschema:"default=10.255.0.0/24"`
	// Port is the UDP listen port on every gateway.
	Port int `yaml:"port,omitempty" jsonschema:"default=51820,minimum=1,maximum=65535"`
	// MTU of the tunnel interface. Omitted, infra derives it from the
	// clouds of the mesh's gateways: every gateway's endpoint is IPv4 on a
	// 1,500-byte path, and WireGuard over IPv4 takes 60 bytes, so 1440.
	MTU int `yaml:"mtu,omitempty" jsonschema:"minimum=1280,maximum=1500"`
	// Keepalive is the PersistentKeepalive sent to peers behind NAT.
	Keepalive Duration `yaml:"keepalive,omitempty" jsonschema:"default=25s"`
	// ConnectEnvironments peers the gateways of different environments.
	// Off by default: each environment is a mesh of its own, so that dev
	// and staging do not reach prod's networks, as the AWS transit
	// gateways keep them apart with a route table per environment.
	ConnectEnvironments bool `yaml:"connectEnvironments,omitempty"`
}

// GlobalLoadBalancer spreads one hostname over regional ingresses.
type GlobalLoadBalancer struct {
	Meta        `yaml:"-" json:"-"`
	Hostname    string      `yaml:"hostname" jsonschema:"required"`
	Provider    string      `yaml:"provider,omitempty" jsonschema:"enum=ibm-cis,enum=route53,default=ibm-cis"`
	Steering    string      `yaml:"steering,omitempty" jsonschema:"enum=off,enum=geo,enum=random,enum=dynamic_latency,default=dynamic_latency"`
	HealthCheck HealthCheck `yaml:"healthCheck,omitempty"`
	Pools       []*Pool     `yaml:"pools" jsonschema:"required,minItems=1"`
	Fallback    string      `yaml:"fallback" jsonschema:"required"`
}

// HealthCheck is the monitor every origin is probed with, sending the
// load-balanced hostname as Host header.
type HealthCheck struct {
	Meta `yaml:"-" json:"-"`
	// Protocol is http or https. https needs a certificate for the hostname on every origin, which infra does not install: CIS validates it, so the origins stay unhealthy until one is served.
	Protocol string `yaml:"protocol,omitempty" jsonschema:"enum=http,enum=https,default=http"`
	// Port is where the origins' ingress load balancers serve the protocol: 80 for http, 443 for https, the only ports they listen on.
	Port int `yaml:"port,omitempty" jsonschema:"default=80"`
	// Path is probed on every origin: infra routes it for the hostname to the ingress controller's own health endpoint on the clusters it installs the route in (AWS, Hetzner); IKS's ALB answers /healthz by itself while no Ingress of yours routes the hostname.
	Path     string   `yaml:"path,omitempty" jsonschema:"default=/healthz"`
	Interval Duration `yaml:"interval,omitempty" jsonschema:"default=60s"`
	Timeout  Duration `yaml:"timeout,omitempty" jsonschema:"default=5s"`
	Retries  int      `yaml:"retries,omitempty" jsonschema:"default=2,minimum=0,maximum=5"`
}

// HealthPath is the health-check path infra answers on every origin it
// installs a route in, and the default of healthCheck.path; another path
// is the user's to serve (ADR glb/health-check).
const HealthPath = "/healthz"

// HealthCheckPort is the port the origins' ingress load balancers serve a
// health-check protocol on: 80 for http, 443 for https.
func HealthCheckPort(protocol string) int {
	if protocol == "https" {
		return 443
	}
	return 80
}

// Pool is a set of regions that serve one geography.
type Pool struct {
	Meta `yaml:"-" json:"-"`
	Name string `yaml:"name" jsonschema:"required"`
	// Members are region references: cloud/region, or cloud/region/environment when a region has several.
	Members []string `yaml:"members" jsonschema:"required,minItems=1"`
	// Geo lists the CIS region codes (WNAM, ENAM, WEU...) steered to this pool.
	Geo []string `yaml:"geo,omitempty"`
}

// LandingZone is the organisation structure and the guardrails.
type LandingZone struct {
	Meta       `yaml:"-" json:"-"`
	AWS        *AWSLandingZone `yaml:"aws,omitempty"`
	Guardrails []*Guardrail    `yaml:"guardrails,omitempty"`
}

// AWSLandingZone is an AWS Organization with one member account per entry.
type AWSLandingZone struct {
	Meta `yaml:"-" json:"-"`
	// Organization says whether infra creates the AWS Organization (create) or adopts the one the management account already runs (existing): adopting imports it and keeps its trusted services and policy types, adding only what infra needs.
	Organization string `yaml:"organization,omitempty" jsonschema:"enum=create,enum=existing,default=create"`
	// OrganizationID is the id (o-...) of the organization to adopt; read from the management account when omitted. Only with organization: existing.
	OrganizationID string `yaml:"organizationId,omitempty" jsonschema:"pattern=^o-[a-z0-9]{10,32}$"`
	// Accounts are member accounts; the management account is implicit. A name alone is an account infra creates; a mapping can adopt one the organization already has.
	Accounts []*AWSAccount `yaml:"accounts" jsonschema:"required,minItems=1"`
	// EmailPattern makes each account's root email; {account} is replaced by the account name.
	EmailPattern string `yaml:"emailPattern,omitempty" jsonschema:"default=aws+{account}@example.com"`
	// PipelineRole is the only principal that may assume the deploy roles of the accounts infra creates (a resource control policy on their OUs): a role name, optionally with its path, in the management account, or a full role ARN. Omitted, it is the principal that runs the landing zone, read from the caller's session.
	PipelineRole string `yaml:"pipelineRole,omitempty"`
}

// AdoptsOrganization reports whether the organization exists already.
func (lz *AWSLandingZone) AdoptsOrganization() bool { return lz.Organization == OrganizationExisting }

// Values of AWSLandingZone.Organization.
const (
	OrganizationCreate   = "create"
	OrganizationExisting = "existing"
)

// AWSAccount is one member account: a bare name (infra creates it), or a
// mapping that adopts an account the organization already has, by id or by
// e-mail address.
type AWSAccount struct {
	Meta `yaml:"-" json:"-"`
	// Name is the account's name in the landing zone: an environment (its regional stacks deploy there) or a foundational account (security, log-archive, shared-services, network).
	Name string `yaml:"name" jsonschema:"required,pattern=^[a-z]([-a-z0-9]*[a-z0-9])?$"`
	// Existing adopts an account the organization already has, found by ID or, without one, by Email.
	Existing bool `yaml:"existing,omitempty"`
	// ID is the 12-digit id of an existing account; setting it implies existing.
	ID string `yaml:"id,omitempty" jsonschema:"pattern=^[0-9]{12}$"`
	// Email is the account's root e-mail address; defaults to emailPattern.
	Email string `yaml:"email,omitempty"`
	// Role is the role infra assumes in the account. Defaults to infra-deployer for accounts infra creates (Organizations creates it) and OrganizationAccountAccessRole for existing ones (the role Organizations gives the accounts it creates; add it to invited accounts).
	Role string `yaml:"role,omitempty"`
}

// The roles infra assumes in member accounts by default.
const (
	// DefaultDeployRole is the role Organizations creates, at infra's
	// request, in every account infra creates (CreateAccount RoleName).
	DefaultDeployRole = "infra-deployer"
	// ExistingAccountRole is the role Organizations creates in accounts it
	// creates when no RoleName is given; invited accounts need it added
	// ("Accessing member accounts in your organization", AWS Organizations
	// User Guide).
	ExistingAccountRole = "OrganizationAccountAccessRole"
)

// AccountNames lists the member accounts' names in spec order.
func (lz *AWSLandingZone) AccountNames() []string {
	out := make([]string, 0, len(lz.Accounts))
	for _, a := range lz.Accounts {
		out = append(out, a.Name)
	}
	return out
}

// Guardrail is one entry of the guardrail set: a bare name, or a mapping of the
// name to its parameters with an optional enforcement level.
type Guardrail struct {
	Meta `yaml:"-" json:"-"`
	Name string `yaml:"-"`
	// Enforcement is mandatory (the default) or advisory.
	Enforcement string `yaml:"-"`
	// AllowedRegions is the parameter of allowed-regions, per cloud.
	AllowedRegions map[Cloud][]string `yaml:"-"`
	// Tags is the parameter of require-tags.
	Tags []string `yaml:"-"`
}

// Mandatory reports whether a violation of the guardrail must stop a deployment.
func (g *Guardrail) Mandatory() bool { return g.Enforcement != "advisory" }

// Environments lists the distinct environments in first-seen order.
func (s *Spec) Environments() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range s.Regions() {
		if !seen[r.Environment] {
			seen[r.Environment] = true
			out = append(out, r.Environment)
		}
	}
	return out
}

// Guardrail returns the named guardrail, or nil when the spec does not set it.
func (s *Spec) Guardrail(name string) *Guardrail {
	for _, g := range s.LandingZone.Guardrails {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// TagsFor returns the default tags for a region: the spec's tags plus Environment.
func (s *Spec) TagsFor(r *Region) map[string]string {
	out := make(map[string]string, len(s.Tags)+1)
	for k, v := range s.Tags {
		out[k] = v
	}
	out["Environment"] = r.Environment
	return out
}

// BackendURL resolves the backend: relative file:// URLs are taken relative to
// the spec file's directory, so a spec means the same thing from any working directory.
func (s *Spec) BackendURL() string {
	const scheme = "file://"
	if !strings.HasPrefix(s.Backend, scheme) {
		return s.Backend
	}
	p := strings.TrimPrefix(s.Backend, scheme)
	if p == "" || p == "~" || strings.HasPrefix(p, "~/") || filepath.IsAbs(p) {
		return s.Backend
	}
	return scheme + filepath.Join(filepath.Dir(s.File), p)
}

// PoolMember says whether a pool of the global load balancer sends
// traffic to the region.
func (s *Spec) PoolMember(r *Region) bool {
	g := s.Network.GlobalLoadBalancer
	if g == nil {
		return false
	}
	for _, p := range g.Pools {
		if p == nil {
			continue
		}
		for _, ref := range p.Members {
			if slices.Contains(s.Lookup(ref), r) {
				return true
			}
		}
	}
	return false
}
