// Package landingzone derives the organisation structure of a topology: the
// AWS Organization with its OUs, member accounts and SCP attachment points;
// IBM Cloud resource groups, access groups, context-based restrictions and
// Key Protect; OVHcloud identity groups; and the Hetzner projects, where no
// organisation level exists. Everything here is a pure function of the spec,
// computed once and read by stacks/, adr/ and ui/.
package landingzone

import (
	"slices"
	"strings"

	"infra/topology"
)

// Model is the organisation structure of one topology, per cloud. A cloud
// the topology does not use is nil.
type Model struct {
	AWS     *AWSOrg
	IBM     *IBMAccount
	OVH     *OVHAccount
	Hetzner *HetznerProjects
}

// Derive computes the organisation model of a validated spec.
func Derive(spec *topology.Spec) *Model {
	return &Model{
		AWS:     deriveAWS(spec),
		IBM:     deriveIBM(spec),
		OVH:     deriveOVH(spec),
		Hetzner: deriveHetzner(spec),
	}
}

// enforced lists the spec's mandatory guardrails in catalogue order: the ones
// the clouds enforce natively. Advisory guardrails only warn at plan time,
// so nothing in the organisation denies what they describe.
func enforced(spec *topology.Spec) []string {
	var out []string
	for _, name := range topology.GuardrailNames() {
		if g := spec.Guardrail(name); g != nil && g.Mandatory() {
			out = append(out, name)
		}
	}
	return out
}

// environments lists the environments of one cloud's region entries, in
// first-seen order, with the position of the first entry of each.
func environments(spec *topology.Spec, cloud topology.Cloud) (names []string, first map[string]*topology.Region) {
	first = map[string]*topology.Region{}
	for _, r := range spec.Regions() {
		if r.Cloud != cloud {
			continue
		}
		if first[r.Environment] == nil {
			first[r.Environment] = r
			names = append(names, r.Environment)
		}
	}
	return names, first
}

// regionsOf lists the distinct region names of one cloud and environment, in
// spec order.
func regionsOf(spec *topology.Spec, cloud topology.Cloud, env string) []string {
	var out []string
	for _, r := range spec.Regions() {
		if r.Cloud == cloud && r.Environment == env && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}

// title turns an environment or account name into an OU name: prod → Prod,
// shared-services → SharedServices.
func title(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
