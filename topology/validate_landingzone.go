package topology

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func (v *validator) landingZone() {
	lz := &v.s.LandingZone
	if a := lz.AWS; a != nil {
		v.awsAccounts(a)
		if !strings.Contains(a.EmailPattern, "{account}") || !strings.Contains(a.EmailPattern, "@") {
			v.errorf(a.At("emailPattern"), "e.g. aws+{account}@acme.example", "emailPattern %s must be an address containing {account}", strconv.Quote(a.EmailPattern))
		}
	}
	seen := map[string]*Guardrail{}
	for _, g := range lz.Guardrails {
		if g == nil || g.Name == "" {
			continue
		}
		if prev := seen[g.Name]; prev != nil {
			d := v.errorf(g.Pos, "merge the two entries", "guardrail %s is listed twice", g.Name)
			d.Related = []Related{{Pos: prev.Pos, Message: "first listed here"}}
			continue
		}
		seen[g.Name] = g
		switch g.Name {
		case "allowed-regions":
			v.allowedRegions(g)
		case "require-tags":
			v.requireTags(g)
		}
	}
	v.deployFrom(seen)
}

// deployFrom checks clouds.ibm.deployFrom: public IPv4 ranges, and present
// when infra would otherwise lock itself out. A mandatory
// protect-security-services enforces a context-based restriction on each
// environment's Key Protect (which require-encryption makes), and infra
// reads, updates and deletes its root key on Key Protect's public endpoint:
// every enforced rule on a resource must admit a request (IBM doc "What are
// context-based restrictions"), so the rule must hold where infra runs from.
func (v *validator) deployFrom(guardrails map[string]*Guardrail) {
	c := v.s.Clouds.IBM
	if c == nil {
		return
	}
	for i, s := range c.DeployFrom {
		p := c.At(fmt.Sprintf("deployFrom[%d]", i))
		if pr, ok := v.prefix(p, "deployFrom", s); ok && (pr.Addr().IsPrivate() || pr.Addr().IsLoopback()) {
			v.errorf(p, "list the public addresses IBM sees infra's requests come from", "deployFrom: %s is not a public range", s)
		}
	}
	g := guardrails["protect-security-services"]
	if len(c.DeployFrom) == 0 && g != nil && g.Mandatory() && guardrails["require-encryption"] != nil {
		v.errorf(c.Pos, "add deployFrom: [<the CI runners' egress CIDR>] under clouds.ibm",
			"clouds.ibm has no deployFrom: the Key Protect restriction that mandatory protect-security-services enforces would refuse infra's own calls to its root key")
	}
}

// awsAccounts checks the organization mode and the member accounts: names,
// what adopting an existing account needs, and ids and e-mail addresses
// that AWS holds unique.
func (v *validator) awsAccounts(a *AWSLandingZone) {
	switch a.Organization {
	case OrganizationCreate, OrganizationExisting:
	default:
		v.errorf(a.At("organization"), "use create or existing", "organization must be create or existing, got %s", strconv.Quote(a.Organization))
	}
	if a.OrganizationID != "" {
		switch {
		case !a.AdoptsOrganization():
			v.errorf(a.At("organizationId"), "add organization: existing, or remove organizationId", "organizationId names an organization to adopt, but organization is %s", a.Organization)
		case !orgID.MatchString(a.OrganizationID):
			// Organizations API Reference, Organization.Id: ^o-[a-z0-9]{10,32}$.
			v.errorf(a.At("organizationId"), "an organization id looks like o-a1b2c3d4e5", "organizationId %s is not an organization id", strconv.Quote(a.OrganizationID))
		}
	}
	if a.PipelineRole != "" && !IsIAMRole(a.PipelineRole) {
		v.errorf(a.At("pipelineRole"), "a role name such as infra-pipeline, or an ARN such as arn:aws:iam::123456789012:role/infra-pipeline",
			"pipelineRole %s is neither an IAM role name nor a role ARN", strconv.Quote(a.PipelineRole))
	}
	seen := map[string]*AWSAccount{}
	ids, emails := map[string]*AWSAccount{}, map[string]*AWSAccount{}
	for i, acct := range a.Accounts {
		p := a.At(fmt.Sprintf("accounts[%d]", i))
		if acct.Pos.Line != 0 {
			p = acct.Pos
		}
		switch {
		case !dnsLabel.MatchString(acct.Name):
			v.errorf(p, "use lower-case letters, digits and dashes", "account name %s is not a DNS label", strconv.Quote(acct.Name))
		case acct.Name == "management":
			v.errorf(p, "remove it: the management account is the organisation itself", "account management is implicit")
		case seen[acct.Name] != nil:
			d := v.errorf(p, "list each account once", "account %s is listed twice", acct.Name)
			d.Related = []Related{{Pos: seen[acct.Name].Pos, Message: "first listed here"}}
		}
		seen[acct.Name] = acct
		if acct.ID != "" {
			switch {
			case !accountID.MatchString(acct.ID):
				v.errorf(acct.At("id"), "an account id is 12 digits; quote it so YAML keeps leading zeros", "account %s: id %s is not a 12-digit account id", acct.Name, strconv.Quote(acct.ID))
			case !acct.Existing:
				v.errorf(acct.At("existing"), "remove existing: false, or the id", "account %s has an id but existing: false; an id names an account that exists", acct.Name)
			case ids[acct.ID] != nil:
				d := v.errorf(acct.At("id"), "each account has its own id", "accounts %s and %s have the same id", ids[acct.ID].Name, acct.Name)
				d.Related = []Related{{Pos: ids[acct.ID].At("id"), Message: "first used here"}}
			}
			ids[acct.ID] = acct
		}
		if acct.Existing && !a.AdoptsOrganization() {
			d := v.errorf(acct.Pos, "add organization: existing to landingZone.aws", "account %s exists already, but the landing zone creates a new organization: an existing account can only be adopted with the organization it belongs to", acct.Name)
			d.Related = []Related{{Pos: a.Pos, Message: "landingZone.aws is here"}}
		}
		if _, set := acct.Keys["email"]; set && !strings.Contains(acct.Email, "@") {
			v.errorf(acct.At("email"), "e.g. aws-prod@acme.example", "account %s: email %s is not an address", acct.Name, strconv.Quote(acct.Email))
		}
		// Every account has its own root e-mail address (CreateAccount:
		// EMAIL_ALREADY_EXISTS); adopting by e-mail needs it to be unique.
		if prev := emails[strings.ToLower(acct.Email)]; prev != nil && acct.Email != "" {
			d := v.errorf(p, "give each account its own address", "accounts %s and %s have the same e-mail address %s", prev.Name, acct.Name, acct.Email)
			d.Related = []Related{{Pos: prev.Pos, Message: "first used here"}}
		}
		emails[strings.ToLower(acct.Email)] = acct
		if _, set := acct.Keys["role"]; set && !iamRoleName.MatchString(acct.Role) {
			// IAM API Reference, CreateRole RoleName: [\w+=,.@-]+, 1 to 64.
			v.errorf(acct.At("role"), "letters, digits and +=,.@_- only, at most 64", "account %s: %s is not an IAM role name", acct.Name, strconv.Quote(acct.Role))
		}
	}
	if v.s.Clouds.AWS != nil {
		for _, r := range v.s.Clouds.AWS.Regions {
			if seen[r.Environment] == nil {
				d := v.errorf(r.At("environment"), "add "+r.Environment+" to landingZone.aws.accounts",
					"AWS environment %s has no member account to deploy into", r.Environment)
				d.Related = []Related{{Pos: a.At("accounts"), Message: "accounts are listed here"}}
			}
		}
	}
}

// IsIAMRole reports whether s names an IAM role: a role name, optionally
// after a path (IAM API Reference, CreateRole: RoleName [\w+=,.@-]{1,64},
// Path /[\x21-\x7E]*/ of at most 512), or a role ARN.
func IsIAMRole(s string) bool {
	if strings.HasPrefix(s, "arn:") {
		m := roleARN.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		s = m[1]
	}
	path, name := "", s
	if i := strings.LastIndex(s, "/"); i >= 0 {
		path, name = s[:i+1], s[i+1:]
	}
	return iamRoleName.MatchString(name) && len(path) <= 512 && rolePath.MatchString(path)
}

var (
	roleARN     = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role/(.+)$`)
	rolePath    = regexp.MustCompile(`^([\x21-\x2E\x30-\x7E]+/)*$`)
	orgID       = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	accountID   = regexp.MustCompile(`^[0-9]{12}$`)
	iamRoleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

func (v *validator) allowedRegions(g *Guardrail) {
	if g.AllowedRegions != nil && len(g.AllowedRegions) == 0 {
		v.errorf(g.At(g.Name), "e.g. allowed-regions: {aws: [us-east-1]}", "allowed-regions lists no cloud, so it enforces nothing")
	}
	for _, c := range AllClouds {
		allowed, ok := g.AllowedRegions[c]
		if !ok {
			continue
		}
		set := map[string]bool{}
		for i, name := range allowed {
			set[name] = true
			if !KnownRegion(c, name) {
				hint := ""
				if s := suggest(name, RegionNames(c)); s != "" {
					hint = "did you mean " + s + "?"
				}
				v.errorf(g.At(fmt.Sprintf("allowed-regions.%s[%d]", c, i)), hint, "allowed-regions: %s has no region %s", c, strconv.Quote(name))
			}
		}
		for _, r := range v.s.Regions() {
			if r.Cloud == c && KnownRegion(c, r.Name) && !set[r.Name] {
				d := v.guardrailf(g, r.At("region"), "add "+r.Name+" to allowed-regions."+string(c)+", or deploy elsewhere",
					"region %s is not in the guardrail's allowed regions for %s", r.Name, c)
				d.Related = []Related{{Pos: g.At("allowed-regions." + string(c)), Message: "allowed-regions." + string(c) + " is set here"}}
			}
		}
	}
}

// guardrailf reports a contradiction between the spec and a guardrail: an
// error when the guardrail is mandatory, a warning when it is advisory (the
// plan-time check then warns about each resource it concerns).
func (v *validator) guardrailf(g *Guardrail, p Pos, hint, format string, args ...any) *Diagnostic {
	d := v.errorf(p, hint, format, args...)
	if !g.Mandatory() {
		d.Severity = Warning
	}
	return d
}

func (v *validator) requireTags(g *Guardrail) {
	for i, t := range g.Tags {
		if t == "Environment" {
			continue
		}
		if _, ok := v.s.Tags[t]; ok {
			continue
		}
		d := v.guardrailf(g, g.At(fmt.Sprintf("require-tags[%d]", i)), "add "+t+": <value> to the top-level tags",
			"required tag %s is not among the default tags", t)
		d.Related = []Related{{Pos: v.s.At("tags"), Message: "default tags are set here"}}
	}
}

func (v *validator) backend() {
	b := v.s.Backend
	for _, s := range backendSchem {
		if strings.HasPrefix(b, s) {
			return
		}
	}
	v.errorf(v.s.At("backend"), "use file://PATH, s3://, gs://, azblob:// or https://api.pulumi.com", "unsupported backend URL %s", strconv.Quote(b))
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
