package adr

import (
	"slices"
	"strings"

	"infra/policies"
	"infra/topology"
)

// native says how a cloud enforces a guardrail in this topology, beyond the
// plan-time check; "" when the check is all there is (model.Model.Native).
func (m *model) native(a *policies.Active, c topology.Cloud) string {
	return m.nativeBy[a.Name][c]
}

// active lists the spec's guardrails with their catalogue entries, in spec order.
func (m *model) active() []*policies.Active {
	var out []*policies.Active
	for _, g := range m.spec.LandingZone.Guardrails {
		if info, ok := policies.Lookup(g.Name); ok {
			out = append(out, &policies.Active{Info: info, Spec: g})
		}
	}
	return out
}

// guardrails is the guardrail record: which guardrails hold, how each cloud
// enforces them (the model's native matrix) and the SCP figures.
func (m *model) guardrails() Record {
	gs := m.active()
	catalogue := policies.Catalogue()
	if len(gs) == 0 {
		return noGuardrails(catalogue)
	}
	clouds := m.clouds()
	limits := sf("AWS limits an SCP to %s characters and %d policies per root, OU or account (Managing policies in AWS Organizations); the doubled quotas reported since 2026-05-15 are not on AWS's own quota page, so infra packs to the documented ones.", thousands(policies.SCPMaxSize), policies.SCPMaxPerTarget)
	var chosen []string
	mandatory := 0
	for _, a := range gs {
		chosen = append(chosen, a.Name)
		if a.Mandatory() {
			mandatory++
		}
	}
	ctx := paras(
		sf("The guardrail catalogue has %s; the topology sets %d, %d of them mandatory. The platform runs on %s. %s", plural(len(catalogue), "guardrail"), len(gs), mandatory, and(cloudNames(clouds)), m.nativeText()),
		limits,
	)
	var alts []Alternative
	for _, i := range catalogue {
		if !slices.Contains(chosen, i.Name) {
			alts = append(alts, Alternative{code(i.Name), "not set; it would demand " + i.Summary})
		}
	}
	alts = append(alts,
		Alternative{"SCPs on AWS only", sf("the %s of the other clouds would be ungoverned", plural(len(m.sites)-len(m.sitesOf(topology.AWS)), "region"))},
		Alternative{"Everything advisory", "violations would be reported but never stop `infra up`"},
	)
	decision := paras("One guardrail set for every cloud: native where the cloud has a mechanism, and checked at plan time on all of them. Mandatory violations stop a deployment; advisory ones are reported.", m.guardrailTable(gs, clouds))
	if m.scps != nil {
		decision = paras(decision, m.scpFigures())
	}
	return Record{
		Key:            "guardrails",
		Title:          sf("Guardrails: %d of %d, enforced on every cloud", len(gs), len(catalogue)),
		Context:        ctx,
		Chosen:         strings.Join(chosen, ", "),
		Decision:       decision,
		Alternatives:   alts,
		Positive:       m.guardrailGains(gs, clouds, mandatory),
		Negative:       m.guardrailCosts(gs, clouds),
		Implementation: bullets(m.guardrailItems(gs)),
	}
}

// noGuardrails is the record of a topology that sets no guardrail.
func noGuardrails(catalogue []policies.Info) Record {
	var alts []Alternative
	var demands []string
	for _, i := range catalogue {
		alts = append(alts, Alternative{code(i.Name), "it would demand " + i.Summary})
		if i.Name == policies.AllowedRegions || i.Name == policies.DenyPublicBuckets || i.Name == policies.RequireEncryption {
			demands = append(demands, i.Summary)
		}
	}
	return Record{
		Key: "guardrails", Title: "No guardrails",
		Context:        sf("The guardrail catalogue has %s; the topology sets none.", plural(len(catalogue), "guardrail")),
		Chosen:         "no guardrails",
		Decision:       "Deploy without guardrails: neither the clouds nor `infra plan` check the deployment against a policy.",
		Alternatives:   alts,
		Positive:       []string{"nothing blocks a deployment"},
		Negative:       []string{"nothing holds the deployment to " + strings.Join(demands, "; ")},
		Implementation: "Nothing: no SCPs, no guardrail IAM policies or context-based restrictions, no plan-time checks.",
	}
}

// nativeText says which clouds enforce the guardrails natively, and with what.
func (m *model) nativeText() string {
	var mech []string
	if m.scps != nil {
		mech = append(mech, "AWS with SCPs on the Organization's OUs")
	}
	if m.lz.IBM != nil {
		mech = append(mech, "IBM Cloud with access groups scoped to resource groups, Key Protect and context-based restrictions")
	}
	if m.lz.OVH != nil {
		mech = append(mech, "OVHcloud with identity groups and IAM policies")
	}
	text := "No cloud of the topology enforces them natively."
	if len(mech) > 0 {
		text = "Natively, " + and(mech) + " enforce them."
	}
	if m.lz.Hetzner != nil {
		text += " Hetzner Cloud has no organisation-level control."
	}
	return text
}

// guardrailTable is the matrix of guardrails against clouds: native
// enforcement, or the plan-time check alone.
func (m *model) guardrailTable(gs []*policies.Active, clouds []topology.Cloud) string {
	header := []string{"Guardrail", "Enforcement", "Parameters"}
	for _, c := range clouds {
		header = append(header, cloudName(c))
	}
	var rows [][]string
	for _, a := range gs {
		row := []string{a.Name, a.Spec.Enforcement, params(a.Spec)}
		for _, c := range clouds {
			n := "plan-time"
			if how := m.native(a, c); how != "" {
				n = how + " + plan-time"
			}
			row = append(row, n)
		}
		rows = append(rows, row)
	}
	return table(header, rows)
}

// guardrailGains are the record's positive consequences.
func (m *model) guardrailGains(gs []*policies.Active, clouds []topology.Cloud, mandatory int) []string {
	pos := []string{sf("the same %s apply on %s", plural(len(gs), "rule"), plural(len(clouds), "cloud"))}
	if m.scps != nil && len(m.scps.Policies) > 0 {
		most := 0
		for _, n := range m.scps.Attached {
			most = max(most, n)
		}
		pos = append(pos, sf("on AWS, %s hold even for changes made outside infra; the busiest OU carries %d of the %d policies one target may have, %s included", plural(len(m.scps.Policies), "SCP"), most, m.scps.Limits.PerTarget, policies.FullAWSAccess))
	}
	if mandatory > 0 {
		pos = append(pos, sf("a mandatory violation (%d of %d guardrails are mandatory) stops `infra up` before anything is applied, with the spec's file:line", mandatory, len(gs)))
	}
	return pos
}

// guardrailCosts are the record's negative consequences.
func (m *model) guardrailCosts(gs []*policies.Active, clouds []topology.Cloud) []string {
	var planOnly []string
	for _, c := range clouds {
		only := true
		for _, a := range gs {
			if m.native(a, c) != "" {
				only = false
			}
		}
		if only {
			planOnly = append(planOnly, cloudName(c))
		}
	}
	neg := []string{}
	if len(planOnly) > 0 {
		neg = append(neg, sf("on %s the guardrails are checked at plan time only: changes made in a console or API bypass them", and(planOnly)))
	}
	var advisory []string
	for _, a := range gs {
		if !a.Mandatory() {
			advisory = append(advisory, a.Name)
		}
	}
	if len(advisory) > 0 && m.scps != nil {
		neg = append(neg, sf("advisory guardrails (%s) get no SCP: an SCP can only deny, so on AWS they are reported at plan time only", and(advisory)))
	}
	if m.scps != nil && len(m.scps.Policies) > 0 {
		big := m.scps.Policies[0]
		for _, p := range m.scps.Policies {
			if p.Size > big.Size {
				big = p
			}
		}
		neg = append(neg, sf("each SCP document must stay within %s characters, minified: the largest, %s, has %s, leaving %s; infra splits documents that grow past the limit", thousands(m.scps.Limits.Size), big.Name, thousands(big.Size), thousands(big.Headroom)))
	}
	if len(neg) == 0 {
		neg = append(neg, "guardrails without a native mechanism hold only for changes made through infra")
	}
	return neg
}

// guardrailItems say what each landing-zone stack and each check implements.
func (m *model) guardrailItems(gs []*policies.Active) []string {
	var items []string
	if m.scps != nil {
		items = append(items, sf("`landingzone-aws`: %s attached to the Organization's OUs", plural(len(m.scps.Policies), "SCP")))
	}
	if m.lz.IBM != nil {
		kps := 0
		for _, e := range m.lz.IBM.Environments {
			if e.KeyProtect != nil {
				kps++
			}
		}
		var parts []string
		if kps > 0 {
			parts = append(parts, sf("%s encrypting cluster secrets", plural(kps, "Key Protect instance")))
		}
		if len(m.cbr) > 0 {
			parts = append(parts, plural(len(m.cbr), "context-based restriction"))
		}
		if len(parts) > 0 {
			items = append(items, "`landingzone-ibm`: "+and(parts))
		}
	}
	if m.lz.OVH != nil && len(m.ovhDenies) > 0 {
		items = append(items, sf("`landingzone-ovh`: IAM policies denying %s", plural(m.ovhDenied(), "action")))
	}
	for _, a := range gs {
		items = append(items, sf("plan-time check of %s: %s", code(a.Name), a.Checks))
	}
	return append(items, sf("`infra plan` and `infra guardrails check` evaluate the %s over the plan record of every stack; `infra guardrails render --cloud aws|ibm|ovh|hetzner` prints the native documents", plural(len(gs), "guardrail")))
}

// scpFigures is the SCP size report: each policy's guardrails, targets, size
// and headroom, the policies attached per OU, and every split or merge.
func (m *model) scpFigures() string {
	s := m.scps
	if len(s.Policies) == 0 {
		return "No SCP: no mandatory guardrail has one."
	}
	var rows [][]string
	for _, p := range s.Policies {
		targets := strings.Join(p.Targets, ", ")
		if targets == "" {
			targets = "—"
		}
		rows = append(rows, []string{p.Name, strings.Join(p.Guardrails, ", "), targets, thousands(p.Size), thousands(p.Headroom)})
	}
	var per []string
	for _, path := range ouPaths(m.lz.AWS) {
		if n, ok := s.Attached[path]; ok {
			per = append(per, sf("%s %d", path, n))
		}
	}
	out := paras(
		sf("The SCPs as created, minified (limit %s characters):", thousands(s.Limits.Size)),
		table([]string{"SCP", "Guardrails", "Attached to", "Characters", "Headroom"}, rows),
	)
	if len(per) > 0 {
		out = paras(out, sf("Policies attached per OU, %s included (limit %d): %s.", policies.FullAWSAccess, s.Limits.PerTarget, strings.Join(per, ", ")))
	}
	if len(s.Diagnostics) > 0 {
		var ds []string
		for _, d := range s.Diagnostics {
			ds = append(ds, string(d.Severity)+": "+d.Message)
		}
		out = paras(out, "Packing the SCPs into the limits reported:", bullets(ds))
	}
	return out
}

// params renders a guardrail's parameters.
func params(g *topology.Guardrail) string {
	switch {
	case len(g.Tags) > 0:
		return strings.Join(g.Tags, ", ")
	case len(g.AllowedRegions) > 0:
		var parts []string
		for _, c := range topology.AllClouds {
			if rs, ok := g.AllowedRegions[c]; ok {
				parts = append(parts, string(c)+": "+strings.Join(rs, " "))
			}
		}
		return strings.Join(parts, "; ")
	}
	return "—"
}
