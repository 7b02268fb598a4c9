// Package policies is the guardrail catalogue: what each guardrail means, its
// native rendering where a cloud has one (AWS SCP JSON, IBM IAM and
// context-based restrictions, OVH IAM), and a check of every planned
// resource of every cloud. The checks read a small resource type of their
// own, so this package imports only topology.
package policies

import (
	"infra/topology"
)

// The guardrails, by the names topology spells them with.
const (
	AllowedRegions          = topology.GuardrailAllowedRegions
	DenyPublicBuckets       = topology.GuardrailDenyPublicBuckets
	DenyRootAccount         = topology.GuardrailDenyRootAccount
	ProtectSecurityServices = topology.GuardrailProtectSecurityServices
	RequireEncryption       = topology.GuardrailRequireEncryption
	RequireTags             = topology.GuardrailRequireTags
)

// Info describes one guardrail of the catalogue.
type Info struct {
	Name string
	// SCP is the name of the guardrail's service control policy.
	SCP string
	// Summary says what the guardrail demands, in one line.
	Summary string
	// Native says how each cloud enforces it; a cloud absent here has no
	// native mechanism, and the plan-time check is all there is.
	Native map[topology.Cloud]string
	// Checks says what the plan-time check looks at.
	Checks string
}

// catalogue in topology.GuardrailNames order.
var catalogue = []Info{
	{
		Name:    AllowedRegions,
		SCP:     "RequireRegions",
		Summary: "resources only in the regions listed per cloud",
		Native: map[topology.Cloud]string{
			topology.AWS: "SCP denying every regional action outside the allowed regions",
			topology.IBM: "IAM grants of each environment's access group scoped to the allowed regions",
			topology.OVH: "IAM policy denying new regions in the project (OVH IAM cannot test a region)",
		},
		Checks: "the region or location of every resource, and of every AWS provider",
	},
	{
		Name:    DenyPublicBuckets,
		SCP:     "DenyPublicS3",
		Summary: "no bucket readable by the public",
		Native: map[topology.Cloud]string{
			topology.AWS: "S3 public access block on every member account, and an SCP denying public ACLs and, to all but infra's deploy role, changes to account or bucket public access blocks",
			topology.IBM: "context-based restriction: Object Storage reachable only over private and direct endpoints from the environment's clusters",
			topology.OVH: "IAM policy denying publishing or re-typing storage containers",
		},
		Checks: "S3 buckets have a public access block and no public ACL or policy",
	},
	{
		Name:    DenyRootAccount,
		SCP:     "DenyRootAccountUsage",
		Summary: "no root, owner or account-wide administrator credentials",
		Native: map[topology.Cloud]string{
			topology.AWS: "SCP denying every action to the root user of member accounts",
			topology.IBM: "per-environment access groups with grants scoped to their resource group; no account-wide Administrator",
			topology.OVH: "per-environment identity groups without an account role",
		},
		Checks: "providers carry no static keys and AWS stacks assume the landing zone's role; no account-wide administrator grants",
	},
	{
		Name:    ProtectSecurityServices,
		SCP:     "PreventSecurityChanges",
		Summary: "CloudTrail, Config, GuardDuty, Security Hub and their equivalents stay on",
		Native: map[topology.Cloud]string{
			topology.AWS: "SCP denying stopping or deleting CloudTrail, Config, GuardDuty, Security Hub and Access Analyzer, leaving the organization, deleting or shortening the trail archive (under Object Lock) or disabling its key, and changes to the deploy role by anyone else",
			topology.IBM: "context-based restriction: Key Protect usable only from the environment's clusters",
			topology.OVH: "IAM policy denying changes to project users, roles and IAM",
		},
		Checks: "an organization trail exists and logs; no detector, recorder or trail disabled; cluster audit logs on",
	},
	{
		Name:    RequireEncryption,
		SCP:     "RequireEncryption",
		Summary: "volumes, buckets and Kubernetes secrets encrypted at rest",
		Native: map[topology.Cloud]string{
			topology.AWS: "SCP denying unencrypted EBS volumes, disabling EBS default encryption and S3 uploads without encryption",
			topology.IBM: "Key Protect root key per environment, IKS authorised to use it",
		},
		Checks: "EBS volumes and node groups, S3 and OVH buckets, EKS and IKS secrets; Hetzner volumes cannot be encrypted",
	},
	{
		Name:    RequireTags,
		SCP:     "RequireTags",
		Summary: "the listed tags (labels on Hetzner) on every taggable resource",
		Native: map[topology.Cloud]string{
			topology.AWS: "SCP denying creation without, and removal of, the required tags",
		},
		Checks: "tags of every taggable resource, counting AWS provider default tags",
	},
}

// Catalogue lists every guardrail, in catalogue order.
func Catalogue() []Info {
	out := make([]Info, len(catalogue))
	copy(out, catalogue)
	return out
}

// Lookup returns the catalogue entry of a guardrail.
func Lookup(name string) (Info, bool) {
	for _, i := range catalogue {
		if i.Name == name {
			return i, true
		}
	}
	return Info{}, false
}

// Active is a guardrail the spec sets, with its catalogue entry.
type Active struct {
	Info
	Spec *topology.Guardrail
}

// Mandatory reports whether a violation blocks.
func (a *Active) Mandatory() bool { return a.Spec.Mandatory() }

// Severity is the severity of a violation: an error when mandatory.
func (a *Active) Severity() topology.Severity {
	if a.Mandatory() {
		return topology.Error
	}
	return topology.Warning
}

// Enabled lists the guardrails the spec sets, in catalogue order.
func Enabled(spec *topology.Spec) []*Active {
	var out []*Active
	for _, i := range catalogue {
		if g := spec.Guardrail(i.Name); g != nil {
			out = append(out, &Active{Info: i, Spec: g})
		}
	}
	return out
}
