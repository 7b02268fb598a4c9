package adr

import (
	"strings"
)

func (m *model) stateRecord() Record {
	b := m.spec.Backend
	scheme, _, _ := strings.Cut(b, "://")
	n := len(m.sites)
	lzStacks := m.lzStacks()
	cross := m.crossRegionStacks()
	stacks := n + len(cross) + len(lzStacks)
	gws, pairs := 0, 0
	if m.mesh != nil {
		gws = len(m.mesh.Gateways)
		pairs = len(m.mesh.Pairs())
	}
	var secrets []string
	if gws > 0 {
		secrets = append(secrets, plural(gws, "WireGuard private key"), plural(pairs, "pre-shared key"))
	}
	if h := m.lz.Hetzner; h != nil {
		secrets = append(secrets, sf("%s (one per environment)", plural(len(h.Projects), "Hetzner project token")))
	}
	secrets = append(secrets, "the cloud credentials the providers are configured with")
	kinds := []string{plural(n, "regional stack")}
	if len(cross) > 0 {
		kinds = append(kinds, plural(len(cross), "cross-region stack"))
	}
	if len(lzStacks) > 0 {
		kinds = append(kinds, plural(len(lzStacks), "landing-zone stack"))
	}
	kind := map[string]string{
		"file":   "a directory on the local disk",
		"s3":     "an S3 bucket",
		"gs":     "a Google Cloud Storage bucket",
		"azblob": "an Azure Blob container",
		"https":  "Pulumi Cloud",
	}[scheme]
	ctx := paras(
		sf("The topology becomes %s: %s. Each stack's state records every resource and its outputs, including secrets: %s.", plural(stacks, "Pulumi stack"), and(kinds), and(secrets)),
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
	alts = append(alts, Alternative{"Keys generated outside and passed in as configuration", "private keys would pass through files, environment variables or CI logs before reaching state"},
		// Review aws.md item 26.
		Alternative{"One " + code("global") + " stack for the transit gateways, the mesh and the global load balancer of every cloud (infra's first versions)", "it waits for every other stack, so one failure on any cloud leaves all three as they were until it deploys: one blast radius for all clouds"})
	pos := []string{
		"private keys and pre-shared keys are created inside state as secret outputs, so they never appear in the topology, plans, logs or pull-request comments",
		"any Pulumi backend URL works (`--backend`, `INFRA_BACKEND`), so the state can move when the team outgrows it",
		"each cross-region concern has a stack of its own that waits only for the stacks it reads, so a failed stack skips only the concerns that read it; a backend deployed with the former " + code("global") + " stack is migrated by the next `infra up`, which moves its resources into these stacks (`pulumi state move`) before anything runs, and changes nothing in the clouds",
	}
	neg := []string{
		"losing the passphrase (or the KMS key) makes every secret in state unreadable: the mesh keys must then be rotated on every gateway",
		"a concern still waits for every region it spans: a region that fails leaves its cloud's transit gateway, and the mesh when the region has a gateway, as they were until it deploys",
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
	for _, s := range cross {
		stackNames = append(stackNames, code(s))
	}
	return Record{
		Key:            "state",
		Title:          sf("State in the %s backend, secrets encrypted by the secrets provider", scheme),
		Context:        ctx,
		Chosen:         sf("%s backend, passphrase or KMS secrets provider", scheme),
		Decision:       sf("Keep the state of every stack in %s. Encrypt secrets with the stack's secrets provider: a passphrase from `INFRA_PASSPHRASE` (or `PULUMI_CONFIG_PASSPHRASE`), or a KMS URL. Generate WireGuard keys and pre-shared keys inside state, as secret outputs, never outside it.", code(b)),
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: paras(sf("Stacks, deployed in this order (landing zones, then regions in parallel, then each cross-region stack once the stacks it reads are deployed): %s.", strings.Join(stackNames, ", ")), fileNote),
	}
}

// crossRegionStacks names the stacks of the cross-region concerns the
// topology has, in the order the stack graph deploys them.
func (m *model) crossRegionStacks() []string {
	var out []string
	if m.tr.IBM != nil {
		out = append(out, "transit-ibm")
	}
	if len(m.tr.AWS) > 0 {
		out = append(out, "transit-aws")
	}
	if m.mesh != nil {
		out = append(out, "mesh")
	}
	if m.glbm != nil {
		out = append(out, "glb")
	}
	return out
}
