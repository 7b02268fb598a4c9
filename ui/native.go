package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// NativeDocuments are the guardrails as one cloud enforces them natively:
// what `infra guardrails render --cloud` prints. Only the cloud's own
// fields are set.
type NativeDocuments struct {
	Cloud    topology.Cloud
	Topology string
	// Advisory lists the advisory guardrails: checked at plan time only,
	// since a native deny would enforce them.
	Advisory []string

	// AWS: the packed SCPs and the organisation they attach to (nil
	// without landingZone.aws).
	SCPs *policies.SCPSet
	Org  *landingzone.AWSOrg

	// IBM: the account structure and the context-based restrictions.
	IBM *landingzone.IBMAccount
	CBR []policies.CBRRule

	// OVH: the identity groups, the project's URN and what is denied.
	OVH        *landingzone.OVHAccount
	OVHProject string
	OVHDenies  []policies.OVHDeny

	Hetzner *landingzone.HetznerProjects
}

// NativeView renders native guardrail documents.
type NativeView interface {
	Native(n NativeDocuments) error
}

// NewNativeView returns the human or JSON rendering.
func NewNativeView(io *IO, asJSON bool) NativeView {
	if asJSON {
		return &nativeJSON{w: io.Out}
	}
	return &nativeHuman{w: io.Out, t: NewTheme(io.Out, io.Color), err: io.Err, te: NewTheme(io.Err, io.Color)}
}

// nativeDoc is one document as rendered: a name, what it is, and the body
// as the cloud's API takes it.
type nativeDoc struct {
	Kind       string   `json:"kind"`
	Name       string   `json:"name"`
	Guardrails []string `json:"guardrails,omitempty"`
	// Scope says where it applies: OUs, an environment.
	Scope string `json:"scope,omitempty"`
	Body  any    `json:"body"`
}

// NativeResult is the JSON document `infra guardrails render --json` prints.
type NativeResult struct {
	Cloud       string                `json:"cloud"`
	Topology    string                `json:"topology"`
	Documents   []nativeDoc           `json:"documents"`
	SCPs        *SCPReport            `json:"scps,omitempty"`
	Advisory    []string              `json:"advisory"`
	Notes       []string              `json:"notes"`
	Diagnostics []topology.Diagnostic `json:"diagnostics"`
}

// ibmRoleCRN is the CRN IAM names a role by: platform roles and service roles.
func ibmRoleCRN(role string) string {
	switch role {
	case "Reader", "Writer", "Manager":
		return "crn:v1:bluemix:public:iam::::serviceRole:" + role
	}
	return "crn:v1:bluemix:public:iam::::role:" + role
}

func attr(name, value string) map[string]string {
	return map[string]string{"name": name, "value": value}
}

// documents gathers the cloud's documents, notes and findings.
func (n NativeDocuments) documents() NativeResult {
	res := NativeResult{Cloud: string(n.Cloud), Topology: n.Topology, Documents: []nativeDoc{}, Advisory: n.Advisory, Notes: []string{}}
	if res.Advisory == nil {
		res.Advisory = []string{}
	}
	// A cloud the topology lacks has nothing to render but a note.
	switch {
	case n.Cloud == topology.IBM && n.IBM == nil:
		res.Notes = append(res.Notes, "the topology has no IBM Cloud region: nothing to render")
	case n.Cloud == topology.OVH && n.OVH == nil:
		res.Notes = append(res.Notes, "the topology has no OVHcloud region: nothing to render")
	case n.Cloud == topology.Hetzner && n.Hetzner == nil:
		res.Notes = append(res.Notes, "the topology has no Hetzner location")
	case n.Cloud == topology.AWS:
		if n.Org == nil {
			res.Notes = append(res.Notes, "the topology has no landingZone.aws: these SCPs attach nowhere until it has one")
		} else {
			res.Notes = append(res.Notes, n.Org.Notes...)
		}
		if n.SCPs != nil {
			res.SCPs = scpJSON(n.SCPs, false)
			res.Diagnostics = n.SCPs.Diagnostics
			for _, p := range n.SCPs.Policies {
				res.Documents = append(res.Documents, nativeDoc{Kind: "scp", Name: p.Name, Guardrails: p.Guardrails,
					Scope: strings.Join(p.Targets, ", "), Body: p.Document})
			}
		}
	case n.Cloud == topology.IBM:
		res.Notes = append(res.Notes, n.IBM.Notes...)
		for _, e := range n.IBM.Environments {
			for i, g := range e.Grants {
				var roles []map[string]string
				for _, r := range g.Roles {
					roles = append(roles, map[string]string{"role_id": ibmRoleCRN(r)})
				}
				attrs := []map[string]string{attr("accountId", "<account>")}
				for _, k := range slices.Sorted(maps.Keys(g.Attributes)) {
					switch k {
					case "resourceGroup":
						attrs = append(attrs, attr("resourceGroupId", "<resource-group:"+g.Attributes[k]+">"))
					case "resource":
						attrs = append(attrs, attr("resource", "<resource-group:"+g.Attributes[k]+">"))
					default:
						attrs = append(attrs, attr(k, g.Attributes[k]))
					}
				}
				var gs []string
				if g.Attributes["region"] != "" {
					gs = []string{policies.AllowedRegions}
				}
				res.Documents = append(res.Documents, nativeDoc{Kind: "iam-policy", Name: fmt.Sprintf("%s-%d", e.AccessGroup, i+1), Guardrails: gs, Scope: e.Name,
					Body: map[string]any{
						"type":      "access",
						"subjects":  []map[string]any{{"attributes": []map[string]string{attr("access_group_id", "<access-group:"+e.AccessGroup+">")}}},
						"roles":     roles,
						"resources": []map[string]any{{"attributes": attrs}},
					}})
			}
			if kp := e.KeyProtect; kp != nil {
				res.Documents = append(res.Documents, nativeDoc{Kind: "iam-authorization", Name: kp.Instance + "-iks-reader",
					Guardrails: []string{policies.RequireEncryption}, Scope: e.Name,
					Body: map[string]any{
						"type":     "authorization",
						"subjects": []map[string]any{{"attributes": []map[string]string{attr("accountId", "<account>"), attr("serviceName", "containers-kubernetes")}}},
						"roles":    []map[string]string{{"role_id": ibmRoleCRN("Reader")}},
						"resources": []map[string]any{{"attributes": []map[string]string{
							attr("accountId", "<account>"), attr("serviceName", "kms"), attr("serviceInstance", "<service-instance:"+kp.Instance+">"),
						}}},
					}})
				res.Documents = append(res.Documents, nativeDoc{Kind: "key-protect", Name: kp.Instance, Guardrails: []string{policies.RequireEncryption}, Scope: e.Name,
					Body: map[string]any{"name": kp.Instance, "resource_plan": kp.Plan, "target": kp.Region,
						"resource_group": "<resource-group:" + e.ResourceGroup + ">", "root_key": kp.RootKey}})
			}
		}
		for _, r := range n.CBR {
			res.Documents = append(res.Documents, nativeDoc{Kind: "cbr-rule", Name: r.Name, Guardrails: []string{r.Guardrail}, Scope: r.Environment, Body: r.APIBody()})
		}
	case n.Cloud == topology.OVH:
		res.Notes = append(res.Notes, n.OVH.Notes...)
		var deny []map[string]string
		var gs []string
		for _, d := range n.OVHDenies {
			gs = append(gs, d.Guardrail)
			for _, a := range d.Actions {
				deny = append(deny, map[string]string{"action": a})
			}
		}
		var allow []map[string]string
		for _, a := range policies.OVHProjectActions {
			allow = append(allow, map[string]string{"action": a})
		}
		for _, g := range n.OVH.Groups {
			perms := map[string]any{"allow": allow}
			if len(deny) > 0 {
				perms["deny"] = deny
			}
			res.Documents = append(res.Documents, nativeDoc{Kind: "iam-policy", Name: g.Policy, Guardrails: gs, Scope: g.Environment,
				Body: map[string]any{
					"name":        g.Policy,
					"identities":  []string{"<identity-group:" + g.Name + ">"},
					"resources":   []map[string]string{{"urn": n.OVHProject}},
					"permissions": perms,
				}})
		}
	case n.Cloud == topology.Hetzner:
		res.Notes = append(res.Notes, n.Hetzner.Notes...)
		for _, p := range n.Hetzner.Projects {
			res.Documents = append(res.Documents, nativeDoc{Kind: "project", Name: p.Name, Scope: p.Environment,
				Body: map[string]any{"name": p.Name, "locations": p.Locations, "created": "by hand, in the Hetzner Console"}})
		}
	}
	if res.Diagnostics == nil {
		res.Diagnostics = topology.Diagnostics{}
	}
	return res
}

type nativeJSON struct{ w io.Writer }

func (v *nativeJSON) Native(n NativeDocuments) error {
	res := n.documents()
	if n.SCPs != nil {
		res.SCPs = scpJSON(n.SCPs, false)
	}
	return writeDocument(v.w, KindNative, res)
}

type nativeHuman struct {
	w, err io.Writer
	t, te  Theme
}

// Native prints each document as indented JSON under a heading, then the
// SCP size report (AWS), the notes and any finding.
func (v *nativeHuman) Native(n NativeDocuments) error {
	res := n.documents()
	fmt.Fprintf(v.w, "%s %s on %s: %s\n\n", v.t.Bold.Render("Guardrails"), n.Topology, n.Cloud, plural(len(res.Documents), "native document"))
	for _, d := range res.Documents {
		head := d.Kind + " " + d.Name
		var meta []string
		if len(d.Guardrails) > 0 {
			meta = append(meta, strings.Join(d.Guardrails, ", "))
		}
		if d.Scope != "" {
			meta = append(meta, d.Scope)
		}
		fmt.Fprintf(v.w, "%s %s\n", v.t.Accent.Render("# "+head), v.t.Dim.Render(strings.Join(meta, " · ")))
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // <kind:name> placeholders stay readable
		enc.SetIndent("", "  ")
		if err := enc.Encode(d.Body); err != nil {
			return err
		}
		fmt.Fprintf(v.w, "%s\n", b.String())
	}
	if n.Cloud == topology.AWS && n.SCPs != nil {
		scpReport(v.w, v.t, n.SCPs)
	}
	if len(res.Advisory) > 0 {
		fmt.Fprintf(v.w, "%s %s: advisory, so checked at plan time only\n", v.t.Dim.Render("not rendered:"), strings.Join(res.Advisory, ", "))
	}
	for _, note := range res.Notes {
		fmt.Fprintf(v.w, "%s %s\n", v.t.Dim.Render("note:"), note)
	}
	for _, d := range res.Diagnostics {
		RenderDiagnostic(v.err, v.te, d)
	}
	return nil
}
