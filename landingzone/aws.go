package landingzone

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"infra/topology"
)

// The top-level OUs of the AWS Organization.
const (
	SecurityOU       = "Security"
	InfrastructureOU = "Infrastructure"
	WorkloadsOU      = "Workloads"
)

// DeployRole is the role Organizations creates in every member account
// infra creates, trusted by the management account. infra assumes it (or an
// existing account's role, Account.Role) to deploy into an account, so that
// the SCPs of the account's OU govern every call it makes.
const DeployRole = topology.DefaultDeployRole

// DefaultAWSHomeRegion is where the organization trail lives when the spec
// names no AWS region at all.
const DefaultAWSHomeRegion = "us-east-1"

// foundational accounts and the OU they belong in; every other account is an
// environment's and goes under Workloads.
var foundational = map[string]string{
	"security":        SecurityOU,
	"audit":           SecurityOU,
	"log-archive":     SecurityOU,
	"shared-services": InfrastructureOU,
	"network":         InfrastructureOU,
	"networking":      InfrastructureOU,
}

// AWSOrg is the AWS Organization of a topology: the management account (the
// organisation itself, implicit), OUs, member accounts, where each guardrail's
// SCP attaches, and the organization trail.
type AWSOrg struct {
	// Pos is the landingZone.aws entry.
	Pos topology.Pos
	// HomeRegion is the region of the organization trail and its bucket.
	HomeRegion string
	// OUs in creation order: every parent before its children.
	OUs []*OU
	// Accounts are the member accounts, in spec order.
	Accounts []*Account
	// LogArchive is the account that holds the trail's bucket; "" is the
	// management account, used when the spec lists no log-archive account.
	LogArchive string
	// Existing is true when the organization exists already and infra
	// adopts it (landingZone.aws.organization: existing).
	Existing bool
	// OrganizationID is the id of the organization to adopt, when the spec
	// gives it; "" reads it from the management account.
	OrganizationID string
	// Trail is the organization trail's name; TrailKeyAlias the alias of
	// the KMS key that encrypts it. TrailBucket is the start of its S3
	// bucket's name, which ends in the id of the account that holds it
	// (TrailBucketName): bucket names are global, and the account's id
	// keeps another AWS customer from having taken it.
	Trail, TrailBucket, TrailKeyAlias string
	// PipelineRole is landingZone.aws.pipelineRole: the only principal
	// that may assume the deploy roles of the accounts infra creates; ""
	// is the principal that runs the landing zone.
	PipelineRole string
	// Notes say what the model chose and why, for people reading the plan.
	Notes []string
}

// OU is an organizational unit.
type OU struct {
	// Path is the OU's place in the tree, e.g. Workloads/Prod.
	Path string
	// Name is the last element of Path.
	Name string
	// Parent is the parent OU's path; "" is the organization root.
	Parent string
	// Guardrails are the mandatory guardrails whose SCPs attach here, in
	// catalogue order. Children inherit them.
	Guardrails []string
}

// Account is a member account.
type Account struct {
	Name  string
	Email string
	// OU is the path of the OU the account is placed in.
	OU string
	// Environment is the environment whose regional stacks deploy into the
	// account; "" for foundational accounts.
	Environment string
	// Pos is the account's entry in landingZone.aws.accounts.
	Pos topology.Pos
	// Existing accounts are adopted, not created: found by ID or, without
	// one, by Email among the organization's accounts.
	Existing bool
	// ID is an existing account's id when the spec gives it.
	ID string
	// Role is the role infra assumes in the account.
	Role string
}

// RoleARN is the ARN of the account's deploy role, given its id.
func (a *Account) RoleARN(partition, accountID string) string {
	return RoleARN(partition, accountID, a.Role)
}

// RoleARN is the ARN of role in an account with the given id.
func RoleARN(partition, accountID, role string) string {
	return "arn:" + partition + ":iam::" + accountID + ":role/" + role
}

// DeployRoles are the names of the roles infra assumes in member accounts,
// sorted, without duplicates: the guardrails exempt them, and only them,
// from the denies that would stop infra deploying.
func (o *AWSOrg) DeployRoles() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range o.Accounts {
		r := a.Role
		if r == "" {
			r = DeployRole
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		out = []string{DeployRole}
	}
	sort.Strings(out)
	return out
}

// TrailBucketName is the trail bucket's name in the account with the given
// id: at most 63 characters, as the spec's name has at most 40 (S3 User
// Guide, "General purpose bucket naming rules").
func (o *AWSOrg) TrailBucketName(accountID string) string {
	return o.TrailBucket + "-" + accountID
}

// TrailBucketPattern matches the trail bucket's name whatever the account,
// for policies written before the account exists.
func (o *AWSOrg) TrailBucketPattern() string { return o.TrailBucket + "-*" }

// ConfigBucketName is the name of the bucket AWS Config delivers to, in the
// account with the given id.
func (o *AWSOrg) ConfigBucketName(accountID string) string {
	return strings.TrimSuffix(o.TrailBucket, "-org-trail") + "-config-" + accountID
}

// DefaultAccountQuota is how many accounts an organization holds, the
// management account included, unless the quota was raised; "for newly
// created accounts and organizations, this quota might be lower"
// (Organizations User Guide, "Quotas for AWS Organizations", Default
// maximum number of accounts).
const DefaultAccountQuota = 10

// AccountsNeeded is how many accounts the organization holds with the
// spec's: every member account and the management account. An adopted
// organization's other accounts count too, but only the account can say
// how many it has.
func (o *AWSOrg) AccountsNeeded() int { return len(o.Accounts) + 1 }

// CreatedDeployRoles are the names of the roles infra assumes in the
// accounts it creates, sorted, without duplicates: the roles whose trust
// the landing zone narrows to the pipeline. Adopted accounts' roles are
// left as their organization uses them.
func (o *AWSOrg) CreatedDeployRoles() []string {
	var out []string
	for _, a := range o.Accounts {
		if !a.Existing && !slices.Contains(out, a.Role) {
			out = append(out, a.Role)
		}
	}
	sort.Strings(out)
	return out
}

// PipelineRoleARN is the ARN of PipelineRole, a name being a role in the
// management account; "" when PipelineRole is.
func (o *AWSOrg) PipelineRoleARN(partition, managementID string) string {
	switch {
	case o.PipelineRole == "", strings.HasPrefix(o.PipelineRole, "arn:"):
		return o.PipelineRole
	}
	return RoleARN(partition, managementID, strings.TrimPrefix(o.PipelineRole, "/"))
}

// OU returns the OU at path, or nil.
func (o *AWSOrg) OU(path string) *OU {
	for _, u := range o.OUs {
		if u.Path == path {
			return u
		}
	}
	return nil
}

// Account returns the named member account, or nil.
func (o *AWSOrg) Account(name string) *Account {
	for _, a := range o.Accounts {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// EnvironmentAccount returns the account an environment deploys into, or nil.
func (o *AWSOrg) EnvironmentAccount(env string) *Account {
	for _, a := range o.Accounts {
		if a.Environment == env {
			return a
		}
	}
	return nil
}

// Targets lists the paths of the OUs a guardrail's SCP attaches to.
func (o *AWSOrg) Targets(guardrail string) []string {
	var out []string
	for _, u := range o.OUs {
		if slices.Contains(u.Guardrails, guardrail) {
			out = append(out, u.Path)
		}
	}
	return out
}

func deriveAWS(spec *topology.Spec) *AWSOrg {
	lz := spec.LandingZone.AWS
	if lz == nil {
		return nil
	}
	o := &AWSOrg{
		Pos:         lz.Pos,
		HomeRegion:  awsHomeRegion(spec),
		Trail:       spec.Name + "-org-trail",
		TrailBucket: spec.Name + "-org-trail",
	}
	o.TrailKeyAlias = "alias/" + o.Trail
	guardrails := enforced(spec)
	addOU := func(path string) {
		if o.OU(path) != nil {
			return
		}
		parent, name := "", path
		if i := strings.LastIndex(path, "/"); i >= 0 {
			parent, name = path[:i], path[i+1:]
		}
		var attached []string
		if parent == "" {
			// SCPs attach to the top-level OUs and are inherited below.
			// Foundational OUs hold services AWS itself creates resources
			// for (GuardDuty, Config, the trail), which carry no workload
			// tags: require-tags governs workloads only.
			for _, g := range guardrails {
				if g == topology.GuardrailRequireTags && path != WorkloadsOU {
					continue
				}
				attached = append(attached, g)
			}
		}
		o.OUs = append(o.OUs, &OU{Path: path, Name: name, Parent: parent, Guardrails: attached})
	}
	o.Existing, o.OrganizationID, o.PipelineRole = lz.AdoptsOrganization(), lz.OrganizationID, lz.PipelineRole
	for i, acct := range lz.Accounts {
		name := acct.Name
		a := &Account{
			Name:     name,
			Email:    acct.Email,
			Pos:      lz.At(accountKey(i)),
			Existing: acct.Existing,
			ID:       acct.ID,
			Role:     acct.Role,
		}
		if acct.Pos.Line != 0 {
			a.Pos = acct.Pos
		}
		if ou, ok := foundational[name]; ok {
			a.OU = ou
			addOU(ou)
		} else {
			a.Environment = name
			a.OU = WorkloadsOU + "/" + title(name)
			addOU(WorkloadsOU)
			addOU(a.OU)
		}
		o.Accounts = append(o.Accounts, a)
	}
	if o.Account("log-archive") != nil {
		o.LogArchive = "log-archive"
	} else {
		o.Notes = append(o.Notes, "no log-archive account is listed: the organization trail's bucket lives in the management account")
	}
	if o.Existing {
		o.Notes = append(o.Notes, "the organization exists already: infra imports it, keeps the trusted services and policy types it has and adds only what infra needs; destroy leaves it in place")
	}
	o.Notes = append(o.Notes,
		"SCPs never apply to the management account: it holds only the organization, its policies and the trail",
		"every member account infra creates gets the role "+DeployRole+", which infra assumes to deploy there, so the SCPs of the account's OU govern each call")
	for _, a := range o.Accounts {
		if a.Existing {
			how := "found by its e-mail address " + a.Email
			if a.ID != "" {
				how = "account " + a.ID
			}
			o.Notes = append(o.Notes, "account "+a.Name+" exists already ("+how+"): infra imports it, moves it to "+a.OU+", assumes "+a.Role+" there and never closes it")
		}
	}
	return o
}

func accountKey(i int) string { return "accounts[" + strconv.Itoa(i) + "]" }

// awsHomeRegion is the first AWS region of the spec; failing that, the first
// region allowed-regions allows; failing that, us-east-1.
func awsHomeRegion(spec *topology.Spec) string {
	if c := spec.Clouds.AWS; c != nil && len(c.Regions) > 0 {
		return c.Regions[0].Name
	}
	if g := spec.Guardrail(topology.GuardrailAllowedRegions); g != nil && len(g.AllowedRegions[topology.AWS]) > 0 {
		return g.AllowedRegions[topology.AWS][0]
	}
	return DefaultAWSHomeRegion
}

// Tags are the tags of a landing-zone resource: the spec's default tags and
// Environment, which is the environment an account serves or "shared" for
// what serves the whole organisation.
func Tags(spec *topology.Spec, env string) map[string]string {
	out := make(map[string]string, len(spec.Tags)+1)
	for k, v := range spec.Tags {
		out[k] = v
	}
	if env == "" {
		env = SharedEnvironment
	}
	out["Environment"] = env
	return out
}

// SharedEnvironment is the Environment tag of organisation-wide resources.
const SharedEnvironment = "shared"
