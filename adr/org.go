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
				{"An AWS Organization with Security, Infrastructure and Workloads OUs", "the multi-account structure of AWS's whitepaper Organizing Your AWS Environment Using Multiple Accounts: Security, Infrastructure and Workloads OUs, with SCPs on the OUs"},
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
		sf("AWS's whitepaper Organizing Your AWS Environment Using Multiple Accounts puts workloads in accounts of their own, under Security, Infrastructure and Workloads OUs, with the logs and the security tooling in accounts of the Security OU. The topology lists %s; with the implicit management account that is %s. Root e-mail addresses follow %s.", plural(len(o.Accounts), "member account"), plural(total, "account"), code(m.spec.LandingZone.AWS.EmailPattern)),
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
		intro = sf("The AWS Organization the management account already runs, adopted: imported with its trusted services and policy types kept, CloudTrail, IAM and RAM trusted access and the SCP, RCP and tag policy types added, centralized root access turned on, and left in place by destroy; %s (%s) are added to it. Every member account infra creates gets the role %s; the existing accounts %s are imported and moved to their OUs. infra assumes an account's role to deploy there, so the SCPs of the account's OU govern each call; AWS regional stacks deploy into their environment's account.",
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
	neg = append(neg, "SCPs never apply to the management account: its credentials can do anything, so they must be used for the organisation's own changes only",
		// Review aws.md item 20: the trust of the role Organizations
		// creates cannot be changed by infra (pulumi-aws has no resource
		// for a role's trust policy alone, and importing the role fails
		// unless the program's inputs match it exactly).
		sf("%s has administrator rights and trusts the whole management account (Organizations creates it so); the guardrails keep anyone else in a member account from changing it, the trail or the public access block, but scoping who in the management account may assume it (an %s condition naming the pipeline's role) is done by hand", code(landingzone.DeployRole), code("aws:PrincipalArn")))
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
		items = append(items, sf("`landingzone-aws`: the Organization, with centralized root access (member accounts keep no root credentials); OUs %s; %s with their root e-mail addresses and the role %s, created one at a time (Organizations refuses concurrent CreateAccount calls), each with the account-wide S3 public access block set through that role; %s attached to the OUs; the organisation trail %s in %s, writing to the encrypted, versioned, public-access-blocked bucket %s in %s, whose files Object Lock keeps for a year", and(ouPaths(o)), plural(len(o.Accounts), "member account"), code(landingzone.DeployRole), plural(n, "SCP"), code(o.Trail), o.HomeRegion, code(o.TrailBucketName("<account id>")), trailHome(o)))
		for _, admin := range []string{"security", "audit"} {
			if o.Account(admin) != nil {
				items = append(items, sf("GuardDuty and Security Hub for every account of the organization, administered from the %s account, in %s and in every region the topology deploys to on AWS; AWS Config recording in every account infra creates, in the same regions, delivering to a bucket next to the trail's, with an organization aggregator in the %s account as Config's delegated administrator", code(admin), o.HomeRegion, code(admin)))
				break
			}
		}
	}
	if o := m.lz.AWS; o != nil && len(o.CreatedDeployRoles()) > 0 {
		who := "the principal that runs the landing zone"
		if o.PipelineRole != "" {
			who = code(o.PipelineRole)
		}
		items = append(items, sf("a resource control policy on the top-level OUs: only %s may assume %s, whatever the role's trust of the management account allows; the management account, which no RCP governs, can detach it (break glass)", who, and(codes(o.CreatedDeployRoles()))))
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
