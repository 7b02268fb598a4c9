package adr

import (
	"slices"
	"strings"

	"infra/topology"
)

// account is a member account of the AWS landing zone and where it sits.
type account struct {
	Name, OU, Email string
}

// accounts places the spec's member accounts in the OUs of seeds 001/002:
// Security (security, log-archive), Infrastructure (shared-services) and
// Workloads/<Name> for the rest.
func accounts(lz *topology.AWSLandingZone) []account {
	var out []account
	for _, a := range lz.Accounts {
		ou := "Workloads/" + capitalize(a)
		switch a {
		case "security", "log-archive":
			ou = "Security"
		case "shared-services":
			ou = "Infrastructure"
		}
		out = append(out, account{Name: a, OU: ou, Email: strings.ReplaceAll(lz.EmailPattern, "{account}", a)})
	}
	return out
}

func (m *model) landingZone() Record {
	clouds := m.clouds()
	lz := m.spec.LandingZone.AWS
	var others []string
	for _, c := range clouds {
		envs := m.envsOf(c)
		switch c {
		case topology.IBM:
			others = append(others, sf("**IBM Cloud**: an access group and a resource group per environment (%s), with IAM policies and context-based restrictions", and(envs)))
		case topology.OVH:
			others = append(others, sf("**OVHcloud**: IAM policies in the Public Cloud project for %s", and(envs)))
		case topology.Hetzner:
			others = append(others, sf("**Hetzner Cloud**: no organisation layer exists; one project per environment (%s), each with its own API token", and(envs)))
		}
	}
	awsSites := m.sitesOf(topology.AWS)
	if lz == nil {
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
		if slices.Contains(clouds, topology.Hetzner) {
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
			Implementation: "No landing-zone stack for AWS; per-environment separation on the other clouds is created by their landing-zone stacks.",
		}
	}
	accts := accounts(lz)
	var rows [][]string
	for _, a := range accts {
		var hosts []string
		for _, s := range awsSites {
			if s.r.Environment == a.Name {
				hosts = append(hosts, code(s.r.ID()))
			}
		}
		if len(hosts) == 0 {
			hosts = []string{"—"}
		}
		rows = append(rows, []string{a.Name, a.OU, a.Email, strings.Join(hosts, ", ")})
	}
	rows = append([][]string{{"management", "(root)", "—", "the Organization itself"}}, rows...)
	var ous []string
	for _, a := range accts {
		if !slices.Contains(ous, a.OU) {
			ous = append(ous, a.OU)
		}
	}
	total := len(accts) + 1
	ctx := paras(
		sf("Seeds 001 and 002 describe an AWS landing zone of 7 accounts (Management, Security, Log Archive, Shared Services, Dev, Staging, Prod) under Security, Infrastructure and Workloads OUs. The topology lists %s; with the implicit management account that is %s. Root e-mail addresses follow %s.", plural(len(accts), "member account"), plural(total, "account"), code(lz.EmailPattern)),
		table([]string{"Account", "OU", "Root e-mail", "Hosts"}, rows),
	)
	decision := paras(
		sf("An AWS Organization with %s (%s), and every AWS regional stack deploying into its environment's member account through a role the landing zone creates, so the SCPs on that account's OU govern it.", plural(len(ous), "OU"), and(ous)),
		"On the other clouds:",
		bullets(others),
	)
	if len(others) == 0 {
		decision = strings.TrimSuffix(strings.TrimSpace(strings.Split(decision, "On the other clouds:")[0]), "\n")
	}
	pos := []string{
		sf("on AWS, %s each have an account as their blast radius", and(m.envsOf(topology.AWS))),
		"an organisation CloudTrail writes every account's API calls to the log-archive account, out of reach of the workload accounts",
	}
	neg := []string{
		sf("%s, each with a root mailbox that must exist and be guarded", plural(total, "account")),
		"infra needs the management account's credentials to create accounts and OUs, and assumes a role in each member account",
	}
	if slices.Contains(clouds, topology.Hetzner) {
		neg = append(neg, "Hetzner Cloud has no organisation layer: per-environment projects and tokens are the only separation there")
	}
	items := []string{
		sf("`landingzone-aws`: the Organization, OUs %s, %s with their e-mail addresses, SCPs attached to the OUs, an organisation CloudTrail writing to an encrypted, versioned, public-access-blocked bucket in log-archive, and the cross-account role infra assumes", and(ous), plural(len(accts), "member account")),
	}
	for _, c := range clouds {
		switch c {
		case topology.IBM:
			items = append(items, "`landingzone-ibm`: access groups, IAM policies and context-based-restriction rules per environment")
		case topology.OVH:
			items = append(items, "`landingzone-ovh`: IAM policies")
		case topology.Hetzner:
			items = append(items, "Hetzner Cloud: nothing at organisation level; each environment's project token is supplied to its regional stacks")
		}
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
		Implementation: bullets(items),
	}
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

// scpNames are the seeds' SCPs behind each guardrail on AWS.
var scpNames = map[string]string{
	"deny-root-account":         "DenyRootAccountUsage",
	"require-encryption":        "RequireEncryption (S3, EBS)",
	"allowed-regions":           "RequireRegions",
	"require-tags":              "RequireTags",
	"deny-public-buckets":       "DenyPublicS3",
	"protect-security-services": "PreventSecurityChanges (CloudTrail, Config, GuardDuty)",
}

// guardrailPurpose says what each catalogue entry prevents.
var guardrailPurpose = map[string]string{
	"allowed-regions":           "resources outside the approved regions",
	"deny-public-buckets":       "publicly readable buckets",
	"deny-root-account":         "use of root or owner credentials",
	"protect-security-services": "disabling audit and threat-detection services",
	"require-encryption":        "unencrypted volumes, buckets and cluster secrets",
	"require-tags":              "resources without the required tags or labels",
}

// native names how a guardrail is enforced on a cloud by the cloud itself.
func (m *model) native(g *topology.Guardrail, c topology.Cloud) string {
	switch {
	case c == topology.AWS && m.spec.LandingZone.AWS != nil:
		return "SCP " + scpNames[g.Name]
	case c == topology.IBM && g.Name == "require-encryption":
		return "Key Protect"
	}
	return "plan-time"
}

func (m *model) guardrails() Record {
	gs := m.spec.LandingZone.Guardrails
	catalogue := topology.GuardrailNames()
	clouds := m.clouds()
	if len(gs) == 0 {
		var alts []Alternative
		for _, n := range catalogue {
			alts = append(alts, Alternative{code(n), "would prevent " + guardrailPurpose[n]})
		}
		return Record{
			Key: "guardrails", Title: "No guardrails",
			Context:        sf("The guardrail catalogue has %s; the topology sets none.", plural(len(catalogue), "guardrail")),
			Chosen:         "no guardrails",
			Decision:       "Deploy without guardrails: neither the clouds nor `infra plan` check the deployment against a policy.",
			Alternatives:   alts,
			Positive:       []string{"nothing blocks a deployment"},
			Negative:       []string{"nothing stops " + and([]string{guardrailPurpose["allowed-regions"], guardrailPurpose["deny-public-buckets"], guardrailPurpose["require-encryption"]})},
			Implementation: "Nothing: no SCPs, IAM policies or plan-time checks.",
		}
	}
	header := []string{"Guardrail", "Enforcement", "Parameters"}
	for _, c := range clouds {
		header = append(header, cloudName(c))
	}
	var rows [][]string
	var chosen []string
	mandatory, scps := 0, 0
	for _, g := range gs {
		chosen = append(chosen, g.Name)
		if g.Mandatory() {
			mandatory++
		}
		row := []string{g.Name, g.Enforcement, params(g)}
		for _, c := range clouds {
			n := m.native(g, c)
			if strings.HasPrefix(n, "SCP") {
				scps++
			}
			if n != "plan-time" {
				n += " + plan-time"
			}
			row = append(row, n)
		}
		rows = append(rows, row)
	}
	ctx := paras(
		sf("The guardrail catalogue has %s; the topology sets %d, %d of them mandatory. The platform runs on %s, and only AWS has organisation-wide policies (SCPs); seeds 001 and 002 describe six.", plural(len(catalogue), "guardrail"), len(gs), mandatory, and(cloudNames(clouds))),
		"AWS limits an SCP to 10,240 characters and 10 policies per root, OU or account since 2026-05-15 (5,120 and 5 before); RCPs stay at 5,120 characters (clouds.md §1.4).",
	)
	var alts []Alternative
	for _, n := range catalogue {
		if !slices.Contains(chosen, n) {
			alts = append(alts, Alternative{code(n), "not in the set: nothing prevents " + guardrailPurpose[n]})
		}
	}
	alts = append(alts,
		Alternative{"SCPs on AWS only", sf("the %s of the other clouds would be ungoverned", plural(len(m.sites)-len(m.sitesOf(topology.AWS)), "region"))},
		Alternative{"Everything advisory", "violations would be reported but never stop `infra up`"},
	)
	pos := []string{sf("the same %s apply on %s", plural(len(gs), "rule"), plural(len(clouds), "cloud"))}
	if scps > 0 {
		pos = append(pos, sf("on AWS, %s hold even for changes made outside infra, within the 10 SCPs one target can carry", plural(len(gs), "SCP")))
	}
	if mandatory > 0 {
		pos = append(pos, sf("a mandatory violation (%d of %d guardrails are mandatory) stops `infra up` before anything is applied, with the spec's file:line", mandatory, len(gs)))
	}
	var planOnly []string
	for _, c := range clouds {
		only := true
		for _, g := range gs {
			if m.native(g, c) != "plan-time" {
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
	if scps > 0 {
		neg = append(neg, "each SCP document must stay within 10,240 characters, minified; infra reports the headroom and splits documents that grow past it")
	}
	if len(neg) == 0 {
		neg = append(neg, "guardrails without a native mechanism hold only for changes made through infra")
	}
	var items []string
	if m.spec.LandingZone.AWS != nil && slices.Contains(clouds, topology.AWS) {
		items = append(items, sf("`landingzone-aws`: %s attached to the Organization's OUs", plural(len(gs), "SCP")))
	}
	for _, g := range gs {
		if g.Name == "require-encryption" && slices.Contains(clouds, topology.IBM) {
			items = append(items, "`landingzone-ibm`: a Key Protect instance for cluster and volume encryption")
		}
	}
	items = append(items, sf("`infra plan` and `infra guardrails check` evaluate the %s over the plan record of every stack; `infra guardrails render --cloud aws|ibm|ovh` prints the native documents", plural(len(gs), "guardrail")))
	return Record{
		Key:            "guardrails",
		Title:          sf("Guardrails: %d of %d, enforced on every cloud", len(gs), len(catalogue)),
		Context:        ctx,
		Chosen:         strings.Join(chosen, ", "),
		Decision:       paras("One guardrail set for every cloud: native where the cloud has a mechanism, and checked at plan time on all of them. Mandatory violations stop a deployment; advisory ones are reported.", table(header, rows)),
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: bullets(items),
	}
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
	if h := m.envsOf(topology.Hetzner); len(h) > 0 {
		secrets = append(secrets, sf("%s (one per environment)", plural(len(h), "Hetzner project token")))
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

// lzStacks names the landing-zone stacks: AWS with an Organization, IBM and OVH when present.
func (m *model) lzStacks() []string {
	var out []string
	for _, c := range m.clouds() {
		switch {
		case c == topology.AWS && m.spec.LandingZone.AWS != nil:
			out = append(out, "landingzone-aws")
		case c == topology.IBM, c == topology.OVH:
			out = append(out, "landingzone-"+string(c))
		}
	}
	slices.Sort(out)
	return out
}
