// Package rules holds what the real cloud providers accept, replace and
// limit, each fact with its source, and applies it to resource inputs. It is
// the one place both the offline plan and the simulator ask "would the real
// provider take this?" and "would this change replace the resource?".
//
// The facts are embedded copies of the project's reference data (see
// data/README.md): provider-rules.json (constraints, force-new paths, cloud
// limits, the IBM objects behind infra:ibm:*) and the Pulumi schemas of the
// pinned aws, hcloud and ovh providers (types, required inputs, enums).
//
// Inputs are JSON-shaped Go values (map[string]any, []any, string, float64,
// bool, nil). A value that is not known yet (Unknown, "[unknown]") or hidden
// (Secret, "[secret]") is skipped by every rule that would need to read it.
// This package imports nothing of the project.
package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Placeholders a plan writes where it cannot or must not show a value. Rules
// never fire on them; a caller with real unknowns (the simulator) passes
// Unknown for a computed value.
const (
	Unknown = "[unknown]"
	Secret  = "[secret]"
)

// Severity says whether a violation blocks.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Rule classes a Violation can name. Constraint rules from provider-rules.json
// keep their own names there (maxLength, pattern, exactlyOneOf, ...).
const (
	RuleType            = "type"
	RuleRequired        = "required"
	RuleEnum            = "enum"
	RuleUnknownProperty = "unknownProperty"
	RuleSchemaPattern   = "schemaPattern"
	RuleCloudLimit      = "cloudLimit"
	RuleName            = "name"
	// RuleEKSZone: an EKS cluster subnet in an Availability Zone EKS refuses.
	RuleEKSZone = "eksZone"
	// RuleReservedDomain: a reserved example domain (RFC 2606) where a real
	// one is needed.
	RuleReservedDomain = "reservedDomain"
)

// Violation is one input a real provider or cloud API would reject (or, for
// a warning, accept with a complaint).
type Violation struct {
	// Type is the resource's type token, e.g. aws:lb/loadBalancer:LoadBalancer.
	Type string `json:"type"`
	// Resource is the logical name; set by Limits and by callers that know it.
	Resource string `json:"resource,omitempty"`
	// Property is the input path with list indexes, e.g. ingress[0].description;
	// empty for a rule over the whole resource.
	Property string `json:"property,omitempty"`
	// Rule names the rule class: a constraint rule of provider-rules.json
	// (maxLength, exactlyOneOf, ...), or type, required, enum,
	// unknownProperty, schemaPattern, cloudLimit, name.
	Rule string `json:"rule"`
	// Message is worded the way the provider or API reports the problem.
	Message string `json:"message"`
	// Source is where the rule comes from: provider file:line or API doc page.
	Source   string   `json:"source"`
	Severity Severity `json:"severity"`
}

func (v Violation) String() string {
	s := string(v.Severity) + ": " + v.Type
	if v.Resource != "" {
		s += " " + fmt.Sprintf("%q", v.Resource)
	}
	if v.Property != "" {
		s += " " + v.Property
	}
	return s + ": " + v.Message + " [" + v.Rule + "; " + v.Source + "]"
}

// Check tests one resource's inputs against its schema, its provider's
// constraints and the per-resource cloud limits. Unknown and secret values
// are skipped. Types the rules do not know (provider resources, component
// resources, the project's own infra:* types outside infra:ibm:*) pass.
// The result is sorted by property, then rule.
func Check(typ string, inputs map[string]any) []Violation {
	db := load()
	var out []Violation
	if s, ok := db.schemaRes[typ]; ok {
		out = append(out, db.checkSchema(typ, s, inputs)...)
	}
	if r, ok := db.resources[typ]; ok {
		out = append(out, db.checkConstraints(typ, r, inputs)...)
	}
	if o := db.ibmObject(typ); o != nil {
		out = append(out, db.checkIBM(typ, o, inputs)...)
	}
	out = append(out, db.checkResourceLimits(typ, inputs)...)
	out = append(out, checkReserved(typ, inputs)...)
	sortViolations(out)
	return out
}

// Resource is one planned resource, as Limits reads it.
type Resource struct {
	Type string
	Name string
	// ID is the resource's ID where the caller knows it (a plan's mock
	// ID), so that rules can follow references between resources.
	ID     string
	Inputs map[string]any
	// DependsOn names the resources this one waits for (explicit and
	// through its inputs), as the plan records them.
	DependsOn []string
	// Import is the id of an existing resource the program adopts; ""
	// for one it creates.
	Import string
}

// Limits tests the cloud API limits that span resources, over every resource
// of a deployment: SCPs attached per target, SCP document size, policies per
// organization, accounts per organization, accounts created one at a time,
// servers per placement group, network zones per network, access groups per
// IBM identity, EKS cluster
// subnets in the Availability Zones EKS refuses, Hetzner routes that leave
// their network's range or overlap a subnet or another route. Each
// violation names the resource that crosses the limit.
func Limits(resources []Resource) []Violation {
	db := load()
	out := db.checkLimits(resources)
	out = append(out, db.checkIBMPerValue(resources)...)
	out = append(out, checkEKSZones(resources)...)
	out = append(out, checkHetznerRoutes(resources)...)
	sortViolations(out)
	return out
}

// ForceNew says whether changing the given input paths replaces a resource
// of type typ, and which of them do. A path replaces when it is, or lies
// under, one of the type's force-new paths (for infra:ibm:* types, an
// immutable input). Conditional replacements need the values to decide:
// ForceNew leaves them out, Replace evaluates them. deleteBeforeReplace is
// what the provider would answer when the program sets the physical name
// (see Replace); ForceNew, knowing no values, answers false.
func ForceNew(typ string, changedPaths []string) (replace bool, because []string, deleteBeforeReplace bool) {
	db := load()
	for _, p := range changedPaths {
		if db.forceNewPath(typ, p) {
			because = append(because, p)
		}
	}
	sort.Strings(because)
	return len(because) > 0, because, false
}

// Replace compares old and new inputs of one resource and says whether the
// real provider replaces it, naming the paths that cause it: the
// unconditional force-new paths, and the conditional ones whose condition
// the values satisfy (user data with userDataReplaceOnChange, a transit
// gateway's default route table association going from disable to enable,
// ...). Inputs of infra:ibm:* types listed as appliedOnceOnly never cause a
// replacement. deleteBeforeReplace is true when a replacement keeps a
// physical name the program set itself (the bridged providers then delete
// first, as two resources cannot share the name). Unknown new values count
// as changed.
func Replace(typ string, olds, news map[string]any) (replace bool, because []string, deleteBeforeReplace bool) {
	return load().replace(typ, olds, news)
}

// AutoNaming is how a provider names a resource whose program sets no name:
// the logical name, the separator and RandLen random characters, at most
// MaxLen characters in all (a longer result fails the create).
type AutoNaming struct {
	Property  string
	Separator string
	RandLen   int
	MaxLen    int
	Source    string
}

// AutoName says whether and how the provider of typ auto-names it.
func AutoName(typ string) (AutoNaming, bool) {
	return load().autoName(typ)
}

// Name is the auto-name of a resource with the given logical name and
// random suffix (shortened or padded to RandLen with '0').
func (a AutoNaming) Name(logical, suffix string) string {
	if len(suffix) > a.RandLen {
		suffix = suffix[:a.RandLen]
	}
	suffix += strings.Repeat("0", a.RandLen-len(suffix))
	return logical + a.Separator + suffix
}

// WithAutoName returns inputs with the auto-named property filled in the way
// the provider would fill it, when the program left it and its prefix form
// unset, so that length rules apply to the real physical name. The map is
// copied only when a name is added.
func WithAutoName(typ, logical, suffix string, inputs map[string]any) map[string]any {
	a, ok := AutoName(typ)
	if !ok {
		return inputs
	}
	if _, set := inputs[a.Property]; set {
		return inputs
	}
	if _, set := inputs[a.Property+"Prefix"]; set {
		return inputs
	}
	out := make(map[string]any, len(inputs)+1)
	for k, v := range inputs {
		out[k] = v
	}
	out[a.Property] = a.Name(logical, suffix)
	return out
}

func sortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if a.Property != b.Property {
			return a.Property < b.Property
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}
