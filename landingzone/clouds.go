package landingzone

import (
	"fmt"
	"slices"
	"strings"

	"infra/topology"
)

// IBMAccount is the IBM Cloud account's structure: per environment a
// resource group, an access group that deploys it with grants scoped to the
// group (and to the allowed regions), and Key Protect when encryption is
// required. IBM IAM only allows, so narrowing the grants is how a region
// restriction is enforced there.
type IBMAccount struct {
	Environments []*IBMEnvironment
	Notes        []string
}

// IBMEnvironment is one environment's share of the IBM account.
type IBMEnvironment struct {
	Name string
	// Pos is the environment of the environment's first IBM region entry.
	Pos topology.Pos
	// Regions are the IBM regions the environment deploys to, in spec order.
	Regions []string
	// ResourceGroup holds every resource of the environment.
	ResourceGroup string
	// AccessGroup is the group whose members (infra's service ID) deploy it.
	AccessGroup string
	// ServiceID is the identity infra deploys the environment as: a member
	// of AccessGroup, with an API key the landing zone keeps secret.
	ServiceID string
	// Grants are the access group's IAM policies.
	Grants []IBMGrant
	// KeyProtect is the environment's key management, nil unless
	// require-encryption is set.
	KeyProtect *KeyProtect
	// Zone names the CBR network zone of the environment's clusters.
	Zone string
}

// GrantRegions are the regions the environment's grants are scoped to;
// none when they span the resource group in every region.
func (e *IBMEnvironment) GrantRegions() []string {
	var out []string
	for _, g := range e.Grants {
		if r := g.Attributes["region"]; r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// IBMGrant is one IAM access policy of an access group.
type IBMGrant struct {
	// Roles are IAM role names: platform roles (Viewer, Editor, ...) and
	// service roles (Reader, Writer, Manager).
	Roles []string
	// Attributes scope the policy's resource: resourceGroup (a group's name),
	// region, serviceName, resourceType, resource.
	Attributes map[string]string
}

// KeyProtect is a Key Protect instance with one root key, which encrypts the
// environment's cluster secrets. IKS is authorised to read it.
type KeyProtect struct {
	Instance string
	Region   string
	RootKey  string
	// Plan is the Key Protect service plan.
	Plan string
}

// ResourceGroupName is the resource group of an environment's IBM resources:
// the platform's name and the environment, e.g. acme-platform-prod.
func ResourceGroupName(spec *topology.Spec, env string) string { return spec.Name + "-" + env }

func deriveIBM(spec *topology.Spec) *IBMAccount {
	envs, first := environments(spec, topology.IBM)
	if len(envs) == 0 {
		return nil
	}
	a := &IBMAccount{}
	var allowed []string
	if g := spec.Guardrail(topology.GuardrailAllowedRegions); g != nil && g.Mandatory() {
		allowed = g.AllowedRegions[topology.IBM]
	}
	encrypt := spec.Guardrail(topology.GuardrailRequireEncryption) != nil
	for _, env := range envs {
		e := &IBMEnvironment{
			Name:          env,
			Pos:           first[env].At("environment"),
			Regions:       regionsOf(spec, topology.IBM, env),
			ResourceGroup: ResourceGroupName(spec, env),
			AccessGroup:   spec.Name + "-" + env + "-deployers",
			ServiceID:     spec.Name + "-" + env + "-deployer",
			Zone:          spec.Name + "-" + env + "-clusters",
		}
		// The group sees its resource group, and edits and manages every
		// service inside it: in the allowed regions only when the guardrail
		// restricts them.
		e.Grants = append(e.Grants, IBMGrant{
			Roles:      []string{"Viewer"},
			Attributes: map[string]string{"resourceType": "resource-group", "resource": e.ResourceGroup},
		})
		// regional scopes a grant to the allowed regions, when the
		// guardrail restricts them.
		regional := func(roles []string, attrs map[string]string) {
			if len(allowed) == 0 {
				e.Grants = append(e.Grants, IBMGrant{Roles: roles, Attributes: attrs})
				return
			}
			for _, r := range allowed {
				a := map[string]string{"region": r}
				for k, v := range attrs {
					a[k] = v
				}
				e.Grants = append(e.Grants, IBMGrant{Roles: roles, Attributes: a})
			}
		}
		regional([]string{"Editor", "Manager"}, map[string]string{"resourceGroup": e.ResourceGroup})
		// Creating a cluster takes the Administrator platform role on the
		// Kubernetes Service (IBM Cloud docs, "IAM platform access roles":
		// containers-kubernetes.cluster.create is an Administrator action).
		regional([]string{"Administrator"}, map[string]string{"resourceGroup": e.ResourceGroup, "serviceName": "containers-kubernetes"})
		// The mesh gateway forwards other clouds' traffic, so its NIC allows
		// IP spoofing, which only the IP Spoofing Operator service role of
		// VPC may set; Editor and Manager do not (IBM Cloud docs, "About IP
		// spoofing checks"; "Managing IAM access for VPC Infrastructure
		// Services").
		regional([]string{"IPSpoofingOperator"}, map[string]string{"resourceGroup": e.ResourceGroup, "serviceName": "is"})
		if len(allowed) > 0 {
			// Global services have no region: a grant narrowed to regions
			// never matches their instances (CIS is created with target
			// global, transit gateways are global resources). Transit defines
			// platform roles only.
			e.Grants = append(e.Grants,
				IBMGrant{Roles: []string{"Editor", "Manager"}, Attributes: map[string]string{"resourceGroup": e.ResourceGroup, "serviceName": "internet-svcs"}},
				IBMGrant{Roles: []string{"Editor"}, Attributes: map[string]string{"resourceGroup": e.ResourceGroup, "serviceName": "transit"}})
		}
		if encrypt {
			e.KeyProtect = &KeyProtect{
				Instance: spec.Name + "-" + env + "-kms",
				Region:   e.Regions[0],
				RootKey:  spec.Name + "-" + env + "-cluster-secrets",
				Plan:     "tiered-pricing",
			}
		}
		a.Environments = append(a.Environments, e)
	}
	a.Notes = append(a.Notes,
		"IBM IAM has no deny policies: guardrails are grants narrowed to each environment's resource group (and allowed regions) plus context-based restrictions",
		"infra's service ID joins each environment's access group; the account owner's API key is never used")
	if len(allowed) > 0 {
		a.Notes = append(a.Notes, "allowed-regions: each access group is granted only in "+strings.Join(allowed, ", "))
	}
	return a
}

// OVHAccount is the OVHcloud account's structure: one identity group per
// environment, allowed on the Public Cloud project by an IAM policy.
type OVHAccount struct {
	// Project is the Public Cloud project (service name); "" when the spec
	// leaves it to OVH_CLOUD_PROJECT_SERVICE.
	Project string
	Groups  []*OVHGroup
	Notes   []string
}

// OVHProjectEnv is the variable the OVH provider reads the Public Cloud
// project from when the spec names none.
const OVHProjectEnv = "OVH_CLOUD_PROJECT_SERVICE"

// OVHProjectPlaceholder stands for the project when neither the spec nor
// the environment names it: an offline plan needs none, a deployment fails
// at OVH without one.
const OVHProjectPlaceholder = "${" + OVHProjectEnv + "}"

// OVHProjectURN is the IAM URN of a Public Cloud project on the EU API, which
// serves every region the catalog lists.
func OVHProjectURN(project string) string { return "urn:v1:eu:resource:publicCloudProject:" + project }

// OVHGroup is an environment's identity group and its policy.
type OVHGroup struct {
	Environment string
	Pos         topology.Pos
	// Name is the identity group's name; Policy the IAM policy's.
	Name, Policy string
	Regions      []string
}

func deriveOVH(spec *topology.Spec) *OVHAccount {
	envs, first := environments(spec, topology.OVH)
	if len(envs) == 0 {
		return nil
	}
	a := &OVHAccount{Project: spec.Clouds.OVH.Project}
	for _, env := range envs {
		a.Groups = append(a.Groups, &OVHGroup{
			Environment: env,
			Pos:         first[env].At("environment"),
			Name:        spec.Name + "-" + env,
			Policy:      spec.Name + "-" + env + "-deployers",
			Regions:     regionsOf(spec, topology.OVH, env),
		})
	}
	a.Notes = append(a.Notes,
		"every environment shares the one Public Cloud project: OVH IAM scopes a group to the project, not to a region or environment",
		"the account owner (NIC handle) bypasses IAM: deploy with a service account in the environment's group, never the owner's API keys",
		"OVH IAM conditions test resource tags, dates and the request IP, not regions: allowed-regions is enforced at plan time, and natively only by denying new regions in the project")
	return a
}

// HetznerProjects is what Hetzner Cloud has instead of an organisation:
// nothing. A project is the only boundary, it cannot be created through the
// API, and no policy can be set on it.
type HetznerProjects struct {
	Projects []*HetznerProject
	Notes    []string
}

// HetznerProject is the project an environment's Hetzner stacks deploy into.
type HetznerProject struct {
	Environment string
	Pos         topology.Pos
	// Name is the project's name to create in the Hetzner Console.
	Name      string
	Locations []string
}

func deriveHetzner(spec *topology.Spec) *HetznerProjects {
	envs, first := environments(spec, topology.Hetzner)
	if len(envs) == 0 {
		return nil
	}
	h := &HetznerProjects{}
	for _, env := range envs {
		h.Projects = append(h.Projects, &HetznerProject{
			Environment: env,
			Pos:         first[env].At("environment"),
			Name:        spec.Name + "-" + env,
			Locations:   regionsOf(spec, topology.Hetzner, env),
		})
	}
	h.Notes = append(h.Notes,
		"Hetzner Cloud has no organisation level: nothing is created there by a landing zone, and no landingzone-hetzner stack exists",
		"create one project per environment in the Hetzner Console and give that environment's stacks a read/write API token of its project (hcloud:token, a secret)",
		"every guardrail on Hetzner is enforced at plan time only")
	return h
}

// OVHVrackEnv is the variable the vRack (service name, pn-…) comes from
// when the spec names none.
const OVHVrackEnv = "OVH_VRACK_SERVICE"

// OVHUnset reports, as errors at the spec's clouds.ovh, the OVH settings a
// deployment needs and neither the spec nor the environment gives: the
// Public Cloud project and the vRack. An offline plan writes placeholders
// for them (OVHProjectPlaceholder); a real preview or up would send the
// placeholder to OVH and fail late, resource by resource, with a 404
// (review hetzner-ovh-mesh.md item 11), so cmd refuses to start one.
// Nothing when the spec has no OVH region.
func OVHUnset(spec *topology.Spec, getenv func(string) string) topology.Diagnostics {
	o := spec.Clouds.OVH
	if o == nil || len(o.Regions) == 0 {
		return nil
	}
	var ds topology.Diagnostics
	for _, s := range []struct{ key, value, env, what string }{
		{"project", o.Project, OVHProjectEnv, "the Public Cloud project id (the API's service name)"},
		{"vrack", o.Vrack, OVHVrackEnv, "the vRack the project's private networks live in (pn-…)"},
	} {
		if s.value != "" || getenv(s.env) != "" {
			continue
		}
		ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "topology/ovh-" + s.key, Pos: spec.Clouds.At("ovh"),
			Message: fmt.Sprintf("OVH needs %s: clouds.ovh.%s is not set and neither is %s", s.what, s.key, s.env),
			Hint:    fmt.Sprintf("set clouds.ovh.%s in the topology or export %s; an offline plan shows %s instead", s.key, s.env, "${"+s.env+"}")})
	}
	return ds
}
