package policies

import (
	"strings"

	"infra/topology"
)

// IBMSubject is what the IBM landing zone holds for one environment, named
// as the landing zone names it.
type IBMSubject struct {
	Environment   string
	ResourceGroup string
	// Zone is the CBR network zone of the environment's clusters.
	Zone string
	// KeyProtect is the Key Protect instance's name; "" without one.
	KeyProtect string
}

// CBRRule is an IBM context-based restriction: requests to the resource are
// refused unless they come from Zone over one of EndpointType's
// comma-separated endpoint types.
type CBRRule struct {
	// Name identifies the rule within the landing zone, e.g. prod-cos.
	Name        string
	Description string
	Guardrail   string
	Environment string
	// Service is the IAM service name of the restricted resource.
	Service string
	// ResourceGroup (a group's name) and ServiceInstance (an instance's
	// name) narrow the resource; "" leaves that attribute out.
	ResourceGroup, ServiceInstance string
	Zone, EndpointType             string
	// EnforcementMode is "enabled" for a mandatory guardrail and "report"
	// (log what would be denied) for an advisory one.
	EnforcementMode string
}

// IBMRules are the context-based restrictions the guardrails ask of each
// environment: Object Storage only over private and direct endpoints from the
// environment's clusters (deny-public-buckets), and Key Protect only from
// them (protect-security-services, where Key Protect exists).
func IBMRules(spec *topology.Spec, subjects []IBMSubject) []CBRRule {
	var out []CBRRule
	for _, s := range subjects {
		// rule is the environment's private-endpoint rule on a service for
		// a guardrail: enforced when mandatory, else reported only.
		rule := func(g *topology.Guardrail, suffix, service, description string) CBRRule {
			mode := "report"
			if g.Mandatory() {
				mode = "enabled"
			}
			return CBRRule{Name: s.Environment + "-" + suffix, Description: description, Guardrail: g.Name,
				Environment: s.Environment, Service: service, Zone: s.Zone, EndpointType: "private", EnforcementMode: mode}
		}
		if g := spec.Guardrail(DenyPublicBuckets); g != nil {
			r := rule(g, "cos", "cloud-object-storage", "deny-public-buckets: Object Storage of "+s.ResourceGroup+" only over private and direct endpoints from its clusters")
			r.ResourceGroup = s.ResourceGroup
			// VPC workloads reach Object Storage over its direct endpoints,
			// which CBR tells from private ones (IBM doc "Endpoints and
			// storage locations": direct endpoints serve VPC; review ibm.md
			// item 5c).
			r.EndpointType = "private,direct"
			out = append(out, r)
		}
		if g := spec.Guardrail(ProtectSecurityServices); g != nil && s.KeyProtect != "" {
			r := rule(g, "kms", "kms", "protect-security-services: Key Protect "+s.KeyProtect+" only from the environment's clusters")
			r.ServiceInstance = s.KeyProtect
			out = append(out, r)
		}
	}
	return out
}

// APIBody is the rule as the Context Based Restrictions API takes it
// (POST /v1/rules), with ids not yet known written as <kind:name>.
func (r CBRRule) APIBody() map[string]any {
	attrs := []map[string]string{{"name": "accountId", "value": "<account>"}, {"name": "serviceName", "value": r.Service}}
	if r.ResourceGroup != "" {
		attrs = append(attrs, map[string]string{"name": "resourceGroupId", "value": "<resource-group:" + r.ResourceGroup + ">"})
	}
	if r.ServiceInstance != "" {
		attrs = append(attrs, map[string]string{"name": "serviceInstance", "value": "<service-instance:" + r.ServiceInstance + ">"})
	}
	return map[string]any{
		"description":      r.Description,
		"resources":        []map[string]any{{"attributes": attrs}},
		"contexts":         r.contexts(),
		"enforcement_mode": r.EnforcementMode,
	}
}

// contexts are the rule's contexts in the API's terms: one per endpoint
// type, since a context admits a request only if all its attributes do.
func (r CBRRule) contexts() []map[string]any {
	var out []map[string]any
	for _, ep := range strings.Split(r.EndpointType, ",") {
		out = append(out, map[string]any{"attributes": []map[string]string{
			{"name": "networkZoneId", "value": "<zone:" + r.Zone + ">"},
			{"name": "endpointType", "value": ep},
		}})
	}
	return out
}

// OVHDeny is what one guardrail denies every environment's identity group
// on the Public Cloud project.
type OVHDeny struct {
	Guardrail string
	Actions   []string
}

// OVHDenies are the actions the mandatory guardrails deny on OVH. OVH IAM
// has no audit mode, so advisory guardrails deny nothing. Action names
// follow OVH's <resource type>:apiovh:<route>/<verb> scheme.
func OVHDenies(spec *topology.Spec) []OVHDeny {
	var out []OVHDeny
	for _, a := range Enabled(spec) {
		if !a.Mandatory() {
			continue
		}
		var actions []string
		switch a.Name {
		case AllowedRegions:
			if len(a.Spec.AllowedRegions[topology.OVH]) > 0 {
				// IAM cannot test a region; new regions in the project can be refused.
				actions = []string{"publicCloudProject:apiovh:region/create"}
			}
		case DenyPublicBuckets:
			// storage/* are the legacy Swift routes; the S3 buckets are
			// /cloud/project/{serviceName}/region/{regionName}/storage/{name},
			// whose PUT is IAM action region/storage/edit (seen in public OVH
			// IAM policies next to region/storage/create, get and delete).
			// Access granted through the S3 API itself (bucket policies) is
			// not an OVH API route, so IAM cannot deny it here.
			actions = []string{"publicCloudProject:apiovh:region/storage/edit", "publicCloudProject:apiovh:storage/edit", "publicCloudProject:apiovh:storage/static"}
		case ProtectSecurityServices:
			actions = []string{"publicCloudProject:apiovh:*iam/*", "publicCloudProject:apiovh:*role/*", "publicCloudProject:apiovh:user/*"}
		}
		if len(actions) > 0 {
			out = append(out, OVHDeny{Guardrail: a.Name, Actions: actions})
		}
	}
	return out
}

// OVHProjectActions are what an environment's identity group is allowed on
// the project, before the denies.
var OVHProjectActions = []string{"publicCloudProject:apiovh:*"}
