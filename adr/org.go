package adr

import (
	"slices"
	"strings"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// The landing-zone and guardrail records read the derived model (landing zone,
// SCPs, CBR rules, OVH denies, native enforcement), the same values the
// landing-zone stacks are built from; nothing here decides where an account
// goes or how a guardrail is enforced.

// otherClouds describes the organisation-level structure of IBM Cloud,
// OVHcloud and Hetzner Cloud, in the order the topology uses them.
func (m *model) otherClouds() []string {
	var out []string
	for _, c := range m.clouds() {
		switch {
		case c == topology.IBM && m.lz.IBM != nil:
			var envs []string
			for _, e := range m.lz.IBM.Environments {
				scope := "granted in every region"
				if rs := e.GrantRegions(); len(rs) > 0 {
					scope = "granted in " + and(rs) + " only"
				}
				d := sf("%s: resource group %s, access group %s (%s)", e.Name, code(e.ResourceGroup), code(e.AccessGroup), scope)
				if kp := e.KeyProtect; kp != nil {
					d += sf(", Key Protect %s in %s with root key %s", code(kp.Instance), kp.Region, code(kp.RootKey))
				}
				var rules []string
				for _, r := range m.cbr {
					if r.Environment == e.Name {
						rules = append(rules, code(r.Name))
					}
				}
				if len(rules) > 0 {
					d += ", context-based restrictions " + and(rules)
				}
				envs = append(envs, d)
			}
			out = append(out, sf("**IBM Cloud** (`landingzone-ibm`): per environment a resource group, an access group that deploys into it with IAM grants scoped to it, and infra's service ID as the group's member. %s.", strings.Join(envs, "; ")))
		case c == topology.OVH && m.lz.OVH != nil:
			project := "the Public Cloud project named by `OVH_CLOUD_PROJECT_SERVICE`"
			if p := m.lz.OVH.Project; p != "" {
				project = "the Public Cloud project " + code(p)
			}
			var groups []string
			for _, g := range m.lz.OVH.Groups {
				groups = append(groups, sf("%s: identity group %s, policy %s (%s)", g.Environment, code(g.Name), code(g.Policy), strings.Join(g.Regions, ", ")))
			}
			deny := "no guardrail denies an action there"
			if n := m.ovhDenied(); n > 0 {
				var gs []string
				for _, d := range m.ovhDenies {
					gs = append(gs, d.Guardrail)
				}
				deny = sf("the policies deny %s for %s", plural(n, "action"), and(gs))
			}
			out = append(out, sf("**OVHcloud** (`landingzone-ovh`): per environment an identity group and an IAM policy allowing it %s on %s; %s. %s.", and(codes(policies.OVHProjectActions)), project, deny, strings.Join(groups, "; ")))
		case c == topology.Hetzner && m.lz.Hetzner != nil:
			var ps []string
			for _, p := range m.lz.Hetzner.Projects {
				ps = append(ps, sf("%s (%s)", code(p.Name), strings.Join(p.Locations, ", ")))
			}
			out = append(out, sf("**Hetzner Cloud**: no organisation layer and no landing-zone stack; one project per environment, created in the Hetzner Console, each with its own API token: %s.", and(ps)))
		}
	}
	return out
}

// ovhDenied counts the actions the OVH policies deny.
func (m *model) ovhDenied() int {
	n := 0
	for _, d := range m.ovhDenies {
		n += len(d.Actions)
	}
	return n
}

func codes(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = code(s)
	}
	return out
}

// ouPaths lists the AWS Organization's OUs in creation order.
func ouPaths(o *landingzone.AWSOrg) []string {
	var out []string
	for _, u := range o.OUs {
		out = append(out, u.Path)
	}
	return out
}

// trailHome says which account holds the organisation trail's bucket.
func trailHome(o *landingzone.AWSOrg) string {
	if o.LogArchive == "" {
		return "the management account"
	}
	return "the " + o.LogArchive + " account"
}

func (m *model) landingZone() Record {
	clouds := m.clouds()
	others := m.otherClouds()
	o := m.lz.AWS
	awsSites := m.sitesOf(topology.AWS)
	if o == nil {
		ctx := sf("The topology runs on %s and sets no `landingZone.aws`.", and(cloudNames(clouds)))
		decision := "Create no AWS Organization: AWS regions deploy into the account of the credentials infra runs with."
		if len(awsSites) == 0 {
			decision = "No AWS account structure: the topology has no AWS region."
		}
		pos := []string{"no organisation, accounts or root mailboxes to own"}
		neg := []string{}
		if len(awsSites) > 0 {
			neg = append(neg, sf("%s on AWS share one account: no account boundary separates %s, and no SCP can tell them apart", plural(len(awsSites), "region"), and(m.envsOf(topology.AWS))))
		}
		if len(others) > 0 {
			decision = paras(decision, "Per cloud:", bullets(others))
		}
		if m.lz.Hetzner != nil {
			neg = append(neg, "Hetzner Cloud has no organisation layer: per-environment projects and tokens are the only separation")
		}
		if len(neg) == 0 {
			neg = append(neg, "environments are separated only by networks and names")
		}
		return Record{
			Key: "landing-zone", Title: "No AWS landing zone", Context: ctx,
			Chosen:   "no AWS Organization",
			Decision: decision,
			Alternatives: []Alternative{
				{"An AWS Organization with Security, Infrastructure and Workloads OUs", "the seeds' landing zone: 7 accounts, with SCPs on the OUs"},
			},
			Positive: pos, Negative: neg,
			Implementation: bullets(m.lzItems()),
		}
	}
	rows := [][]string{{"management", "(root)", "—", "the Organization itself"}}
	for _, a := range o.Accounts {
		var hosts []string
		for _, s := range awsSites {
			if a.Environment != "" && s.r.Environment == a.Environment {
				hosts = append(hosts, code(s.r.ID()))
			}
		}
		if len(hosts) == 0 {
			hosts = []string{"—"}
		}
		rows = append(rows, []string{a.Name, a.OU, a.Email, strings.Join(hosts, ", ")})
	}
	ous := ouPaths(o)
	total := len(o.Accounts) + 1
	ctx := paras(
		sf("Seeds 001 and 002 describe an AWS landing zone of 7 accounts (Management, Security, Log Archive, Shared Services, Dev, Staging, Prod) under Security, Infrastructure and Workloads OUs. The topology lists %s; with the implicit management account that is %s. Root e-mail addresses follow %s.", plural(len(o.Accounts), "member account"), plural(total, "account"), code(m.spec.LandingZone.AWS.EmailPattern)),
		table([]string{"Account", "OU", "Root e-mail", "Hosts"}, rows),
	)
	ouRows := [][]string{}
	for _, u := range o.OUs {
		parent := u.Parent
		if parent == "" {
			parent = "(root)"
		}
		var scps []string
		for _, p := range m.scpsOn(u.Path) {
			scps = append(scps, p.Name)
		}
		attached := "— (inherited)"
		if len(scps) > 0 {
			attached = strings.Join(scps, ", ")
		} else if u.Parent == "" {
			attached = "—"
		}
		ouRows = append(ouRows, []string{u.Path, parent, attached})
	}
	var adopted []string
	for _, a := range o.Accounts {
		if a.Existing {
			adopted = append(adopted, sf("%s (assuming %s)", code(a.Name), code(a.Role)))
		}
	}
	intro := sf("An AWS Organization with %s (%s). Every member account is created with the role %s, which infra assumes to deploy there, so the SCPs of the account's OU govern each call; AWS regional stacks deploy into their environment's account.", plural(len(ous), "OU"), and(ous), code(landingzone.DeployRole))
	if o.Existing {
		intro = sf("The AWS Organization the management account already runs, adopted: imported with its trusted services and policy types kept, CloudTrail and RAM trusted access and SCPs added, and left in place by destroy; %s (%s) are added to it. Every member account infra creates gets the role %s; the existing accounts %s are imported and moved to their OUs. infra assumes an account's role to deploy there, so the SCPs of the account's OU govern each call; AWS regional stacks deploy into their environment's account.",
			plural(len(ous), "OU"), and(ous), code(landingzone.DeployRole), and(adopted))
	}
	decision := paras(
		intro,
		table([]string{"OU", "Parent", "SCPs attached"}, ouRows),
	)
	if len(others) > 0 {
		decision = paras(decision, "On the other clouds:", bullets(others))
	}
	pos := []string{
		sf("the organisation trail %s writes every account's API calls to %s, out of reach of the workload accounts", code(o.Trail), trailHome(o)),
	}
	if envs := m.envsOf(topology.AWS); len(envs) > 0 {
		// Validation guarantees every AWS environment a member account.
		pos = append([]string{sf("on AWS, %s each have an account as their blast radius", and(envs))}, pos...)
	}
	neg := []string{
		sf("%s, each with a root mailbox that must exist and be guarded", plural(total, "account")),
		sf("infra needs the management account's credentials to create accounts and OUs, and assumes %s in each member account", code(landingzone.DeployRole)),
	}
	neg = append(neg, "SCPs never apply to the management account: its credentials can do anything, so they must be used for the organisation's own changes only")
	if m.lz.Hetzner != nil {
		neg = append(neg, "Hetzner Cloud has no organisation layer: per-environment projects and tokens are the only separation there")
	}
	return Record{
		Key:      "landing-zone",
		Title:    sf("AWS landing zone with %s", plural(total, "account")),
		Context:  ctx,
		Chosen:   sf("AWS Organization, %s in %s", plural(total, "account"), plural(len(ous), "OU")),
		Decision: decision,
		Alternatives: []Alternative{
			{"AWS Control Tower", "it brings its own account factory and controls that the topology cannot describe or review in a pull request"},
			{"One AWS account with environments separated by VPCs and tags", "an SCP applies to a whole account, so prod and staging could not have different guardrails, and one compromised role reaches both"},
		},
		Positive:       pos,
		Negative:       neg,
		Implementation: bullets(m.lzItems()),
	}
}

// lzItems says what each landing-zone stack creates, and what Hetzner needs by hand.
func (m *model) lzItems() []string {
	var items []string
	if o := m.lz.AWS; o != nil {
		n := 0
		if m.scps != nil {
			n = len(m.scps.Policies)
		}
		items = append(items, sf("`landingzone-aws`: the Organization; OUs %s; %s with their root e-mail addresses and the role %s; %s attached to the OUs; the organisation trail %s in %s, writing to the encrypted, versioned, public-access-blocked bucket %s in %s", and(ouPaths(o)), plural(len(o.Accounts), "member account"), code(landingzone.DeployRole), plural(n, "SCP"), code(o.Trail), o.HomeRegion, code(o.TrailBucket), trailHome(o)))
	}
	if a := m.lz.IBM; a != nil {
		grants, kps := 0, 0
		for _, e := range a.Environments {
			grants += len(e.Grants)
			if e.KeyProtect != nil {
				kps++
			}
		}
		item := sf("`landingzone-ibm`: %s, %s with %s, %s", plural(len(a.Environments), "resource group"), plural(len(a.Environments), "access group"), plural(grants, "IAM grant"), plural(len(m.cbr), "context-based restriction"))
		if kps > 0 {
			item += sf(", %s with a root key IKS is authorised to read", plural(kps, "Key Protect instance"))
		}
		items = append(items, item)
	}
	if a := m.lz.OVH; a != nil {
		items = append(items, sf("`landingzone-ovh`: %s and %s, denying %s", plural(len(a.Groups), "identity group"), plural(len(a.Groups), "IAM policy"), plural(m.ovhDenied(), "action")))
	}
	if h := m.lz.Hetzner; h != nil {
		items = append(items, sf("Hetzner Cloud: nothing at organisation level; each environment's project token (%s) is supplied to its regional stacks", plural(len(h.Projects), "project")))
	}
	if len(items) == 0 {
		items = append(items, "No landing-zone stack.")
	}
	return items
}

func (m *model) envsOf(c topology.Cloud) []string {
	var out []string
	for _, s := range m.sitesOf(c) {
		if !slices.Contains(out, s.r.Environment) {
			out = append(out, s.r.Environment)
		}
	}
	return out
}

// scpsOn lists the SCPs attached directly to an OU.
func (m *model) scpsOn(path string) []*policies.SCP {
	if m.scps == nil {
		return nil
	}
	var out []*policies.SCP
	for _, p := range m.scps.Policies {
		if slices.Contains(p.Targets, path) {
			out = append(out, p)
		}
	}
	return out
}

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

func (m *model) guardrails() Record {
	gs := m.active()
	catalogue := policies.Catalogue()
	clouds := m.clouds()
	limits := sf("AWS limits an SCP to %s characters and %d policies per root, OU or account (Managing policies in AWS Organizations); the doubled quotas reported since 2026-05-15 are not on AWS's own quota page, so infra packs to the documented ones.", thousands(policies.SCPMaxSize), policies.SCPMaxPerTarget)
	if len(gs) == 0 {
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
	header := []string{"Guardrail", "Enforcement", "Parameters"}
	for _, c := range clouds {
		header = append(header, cloudName(c))
	}
	var rows [][]string
	var chosen []string
	mandatory := 0
	for _, a := range gs {
		chosen = append(chosen, a.Name)
		if a.Mandatory() {
			mandatory++
		}
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
	nativeText := "No cloud of the topology enforces them natively."
	if len(mech) > 0 {
		nativeText = "Natively, " + and(mech) + " enforce them."
	}
	if m.lz.Hetzner != nil {
		nativeText += " Hetzner Cloud has no organisation-level control."
	}
	ctx := paras(
		sf("The guardrail catalogue has %s; the topology sets %d, %d of them mandatory. The platform runs on %s. %s Seeds 001 and 002 describe six SCPs.", plural(len(catalogue), "guardrail"), len(gs), mandatory, and(cloudNames(clouds)), nativeText),
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
	decision := paras("One guardrail set for every cloud: native where the cloud has a mechanism, and checked at plan time on all of them. Mandatory violations stop a deployment; advisory ones are reported.", table(header, rows))
	if m.scps != nil {
		decision = paras(decision, m.scpFigures())
	}
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
	items = append(items, sf("`infra plan` and `infra guardrails check` evaluate the %s over the plan record of every stack; `infra guardrails render --cloud aws|ibm|ovh|hetzner` prints the native documents", plural(len(gs), "guardrail")))
	return Record{
		Key:            "guardrails",
		Title:          sf("Guardrails: %d of %d, enforced on every cloud", len(gs), len(catalogue)),
		Context:        ctx,
		Chosen:         strings.Join(chosen, ", "),
		Decision:       decision,
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: bullets(items),
	}
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

func (m *model) stateRecord() Record {
	b := m.spec.Backend
	scheme, _, _ := strings.Cut(b, "://")
	n := len(m.sites)
	lzStacks := m.lzStacks()
	stacks := n + 1 + len(lzStacks)
	gws, pairs := 0, 0
	if m.mesh != nil {
		gws = len(m.mesh.Gateways)
		pairs = gws * (gws - 1) / 2
	}
	var secrets []string
	if gws > 0 {
		secrets = append(secrets, plural(gws, "WireGuard private key"), plural(pairs, "pre-shared key"))
	}
	if h := m.lz.Hetzner; h != nil {
		secrets = append(secrets, sf("%s (one per environment)", plural(len(h.Projects), "Hetzner project token")))
	}
	secrets = append(secrets, "the cloud credentials the providers are configured with")
	kind := map[string]string{
		"file":   "a directory on the local disk",
		"s3":     "an S3 bucket",
		"gs":     "a Google Cloud Storage bucket",
		"azblob": "an Azure Blob container",
		"https":  "Pulumi Cloud",
	}[scheme]
	ctx := paras(
		sf("The topology becomes %s: %s, the %s stack and %s. Each stack's state records every resource and its outputs, including secrets: %s.", plural(stacks, "Pulumi stack"), plural(n, "regional stack"), code("global"), plural(len(lzStacks), "landing-zone stack"), and(secrets)),
		sf("The topology's backend is %s, %s.", code(b), kind),
	)
	var alts []Alternative
	for _, alt := range []struct{ scheme, what, why string }{
		{"file", "A local file backend", "state would live on one machine's disk, out of reach of teammates and CI"},
		{"s3", "An object-store backend (s3://, gs://, azblob://)", "state shared by every operator and CI, at the price of a bucket, its access policy and its versioning to run"},
		{"https", "Pulumi Cloud", "a hosted service and account that every deployment depends on"},
	} {
		if alt.scheme == scheme || (alt.scheme == "s3" && (scheme == "gs" || scheme == "azblob")) {
			continue
		}
		alts = append(alts, Alternative{alt.what, alt.why})
	}
	alts = append(alts, Alternative{"Keys generated outside and passed in as configuration", "private keys would pass through files, environment variables or CI logs before reaching state"})
	pos := []string{
		"private keys and pre-shared keys are created inside state as secret outputs, so they never appear in the topology, plans, logs or pull-request comments",
		"any Pulumi backend URL works (`--backend`, `INFRA_BACKEND`), so the state can move when the team outgrows it",
	}
	neg := []string{
		"losing the passphrase (or the KMS key) makes every secret in state unreadable: the mesh keys must then be rotated on every gateway",
	}
	if scheme == "file" {
		pos = append(pos, "no service or bucket to run: state works offline, next to the topology")
		neg = append(neg, "state is on one machine's disk: teammates and CI cannot share it, and it must be backed up")
	} else {
		neg = append(neg, sf("every deployment depends on reaching %s", kind))
	}
	fileNote := ""
	if scheme == "file" {
		fileNote = "A relative `file://` path resolves against the topology file's directory, so the same topology finds the same state from any working directory."
	}
	var stackNames []string
	for _, s := range lzStacks {
		stackNames = append(stackNames, code(s))
	}
	for _, s := range m.sites {
		stackNames = append(stackNames, code(s.r.ID()))
	}
	stackNames = append(stackNames, code("global"))
	return Record{
		Key:            "state",
		Title:          sf("State in the %s backend, secrets encrypted by the secrets provider", scheme),
		Context:        ctx,
		Chosen:         sf("%s backend, passphrase or KMS secrets provider", scheme),
		Decision:       sf("Keep the state of every stack in %s. Encrypt secrets with the stack's secrets provider: a passphrase from `INFRA_PASSPHRASE` (or `PULUMI_CONFIG_PASSPHRASE`), or a KMS URL. Generate WireGuard keys and pre-shared keys inside state, as secret outputs, never outside it.", code(b)),
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: paras(sf("Stacks, deployed in this order (landing zones, then regions in parallel, then global): %s.", strings.Join(stackNames, ", ")), fileNote),
	}
}

// lzStacks names the landing-zone stacks the graph builds: one per cloud
// with organisation-level controls (AWS with landingZone.aws, IBM, OVH).
func (m *model) lzStacks() []string {
	var out []string
	if m.lz.AWS != nil {
		out = append(out, "landingzone-aws")
	}
	if m.lz.IBM != nil {
		out = append(out, "landingzone-ibm")
	}
	if m.lz.OVH != nil {
		out = append(out, "landingzone-ovh")
	}
	return out
}
