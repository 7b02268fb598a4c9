package aws

import (
	"encoding/json"
	"fmt"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// LandingZoneStack is the name of the AWS landing-zone stack.
const LandingZoneStack = "landingzone-aws"

// DeployRoleArnsOutput is the landing zone's export mapping each member
// account's name to the ARN of its deploy role.
const DeployRoleArnsOutput = "deployRoleArns"

// OrganizationArnOutput is the landing zone's export of the organization's
// ARN, the principal RAM shares go to.
const OrganizationArnOutput = "organizationArn"

// LandingZoneArgs is what the AWS landing-zone program is built from.
type LandingZoneArgs struct {
	Spec *topology.Spec
	// Org is landingzone.Derive(Spec).AWS.
	Org *landingzone.AWSOrg
	// SCPs are the packed SCPs, attached by OU path.
	SCPs *policies.SCPSet
}

// LandingZone declares the AWS Organization: the organisation itself, its
// OUs and member accounts (each with the deploy role), the guardrails' SCPs
// attached to their OUs, and an organization trail writing to a KMS-encrypted,
// versioned, public-access-blocked bucket in the Log Archive account.
//
// It runs in the management account with the caller's credentials; it
// reaches the Log Archive account through that account's deploy role.
func LandingZone(ctx *pulumi.Context, args LandingZoneArgs) error {
	o, spec := args.Org, args.Spec
	if o == nil || spec == nil || args.SCPs == nil {
		return fmt.Errorf("aws landing zone: Spec, Org and SCPs are required")
	}
	if args.SCPs.Diagnostics.HasErrors() {
		return fmt.Errorf("aws landing zone: the SCPs do not fit: %w", args.SCPs.Diagnostics)
	}
	name := func(parts ...string) string {
		n := LandingZoneStack
		for _, p := range parts {
			n += "-" + p
		}
		return n
	}
	tags := func(env string) pulumi.StringMap { return pulumi.ToStringMap(landingzone.Tags(spec, env)) }
	part := partition(o.HomeRegion)

	mgmt, err := awsp.NewProvider(ctx, name("provider"), &awsp.ProviderArgs{Region: pulumi.String(o.HomeRegion)})
	if err != nil {
		return err
	}
	inMgmt := pulumi.Provider(mgmt)
	caller, err := awsp.GetCallerIdentity(ctx, nil, pulumi.Provider(mgmt))
	if err != nil {
		return err
	}

	org, existing, err := organization(ctx, name, o, inMgmt)
	if err != nil {
		return err
	}
	if existing != nil {
		if n := accountsAfter(o, existing); n > landingzone.DefaultAccountQuota {
			// What the plan cannot count offline (rules: accounts per
			// organization): the accounts an adopted organization has.
			if err := ctx.Log.Warn(fmt.Sprintf("organization %s would have %d accounts with the ones infra creates; the default quota is %d (Organizations User Guide, \"Quotas for AWS Organizations\"): CreateAccount fails with ACCOUNT_NUMBER_LIMIT_EXCEEDED unless the quota was raised in Service Quotas", existing.Id, n, landingzone.DefaultAccountQuota), nil); err != nil {
				return err
			}
		}
	}
	rootID := org.Roots.Index(pulumi.Int(0)).Id().Elem()
	// Sharing the transit gateways with the organization (RAM): without it,
	// a principal association with a member account fails with
	// OperationNotPermittedException, and within the organization shares
	// need no invitation (Pulumi docs, ram.SharingWithOrganization;
	// hashicorp/terraform-provider-aws#7769).
	if _, err := ram.NewSharingWithOrganization(ctx, name("ram-sharing"), nil, inMgmt, pulumi.DependsOn([]pulumi.Resource{org})); err != nil {
		return err
	}

	// Centralized root access: member accounts have no root credentials
	// to steal, and the management account can still run the few tasks
	// that need root through a short root session (IAM User Guide,
	// "Centralize root access for member accounts"; needs IAM's trusted
	// access, above).
	if _, err := iam.NewOrganizationsFeatures(ctx, name("root-access"), &iam.OrganizationsFeaturesArgs{
		EnabledFeatures: pulumi.ToStringArray([]string{"RootCredentialsManagement", "RootSessions"}),
	}, inMgmt, pulumi.DependsOn([]pulumi.Resource{org})); err != nil {
		return err
	}

	ous := map[string]*organizations.OrganizationalUnit{}
	for _, u := range o.OUs {
		parent := rootID
		if u.Parent != "" {
			parent = ous[u.Parent].ID().ToStringOutput()
		}
		// OUs outlive a destroy: the accounts in them do (see below), and
		// DeleteOrganizationalUnit refuses an OU that is not empty.
		ou, err := organizations.NewOrganizationalUnit(ctx, name("ou", slug(u.Path)), &organizations.OrganizationalUnitArgs{
			Name:     pulumi.String(u.Name),
			ParentId: parent,
			Tags:     tags(""),
		}, inMgmt, pulumi.RetainOnDelete(true))
		if err != nil {
			return err
		}
		ous[u.Path] = ou
	}

	accounts := map[string]*organizations.Account{}
	members := map[string]*awsp.Provider{}
	roleArns := pulumi.StringMap{}
	var previous pulumi.Resource
	for _, a := range o.Accounts {
		args := &organizations.AccountArgs{
			Name:                   pulumi.String(a.Name),
			Email:                  pulumi.String(a.Email),
			ParentId:               ous[a.OU].ID().ToStringOutput(),
			IamUserAccessToBilling: pulumi.String("DENY"),
			Tags:                   tags(a.Environment),
		}
		// An account is never closed or removed by destroy: removing one
		// needs standalone billing and waits 7 days after creation, and
		// closing one is final (Pulumi docs, organizations.Account;
		// Organizations quotas). destroy leaves it, and the README says how
		// to close it by hand.
		opts := []pulumi.ResourceOption{inMgmt, pulumi.RetainOnDelete(true)}
		if a.Existing {
			id, err := existingAccountID(o, a, existing)
			if err != nil {
				return err
			}
			// What AWS cannot read back (roleName, iamUserAccessToBilling)
			// or infra must not change on someone's account (its name and
			// root e-mail, which would replace it) is ignored; the account
			// moves to its OU.
			opts = append(opts, pulumi.Import(pulumi.ID(id)),
				pulumi.IgnoreChanges([]string{"name", "email", "roleName", "iamUserAccessToBilling"}))
		} else {
			// Organizations creates the role, trusted by the management account.
			args.RoleName = pulumi.String(a.Role)
			// CreateAccount is asynchronous and "if you create multiple
			// accounts at the same time, Organizations returns an error"
			// (CloudFormation AWS::Organizations::Account, quoted in
			// pulumi/pulumi-aws-native#1687): one at a time, each waiting
			// for the one before.
			if previous != nil {
				opts = append(opts, pulumi.DependsOn([]pulumi.Resource{previous}))
			}
		}
		acct, err := organizations.NewAccount(ctx, name("account", a.Name), args, opts...)
		if err != nil {
			return err
		}
		if !a.Existing {
			previous = acct
		}
		accounts[a.Name] = acct
		role := a.Role
		roleArn := acct.ID().ToStringOutput().ApplyT(func(id string) string {
			return landingzone.RoleARN(part, id, role)
		}).(pulumi.StringOutput)
		if !a.Existing {
			// A new account is usable some time after CreateAccount
			// reports it (review item 8): everything that reaches it
			// assumes the role the probe found assumable, and so waits for
			// it. An adopted account is in use already.
			args := &AccountReadyArgs{
				AccountId: acct.ID().ToStringOutput(), RoleArn: roleArn, Region: pulumi.String(o.HomeRegion),
			}
			if regions := accountRegions(spec, o, a.Name); len(regions) > 0 {
				args.Regions = pulumi.ToStringArray(regions)
			}
			ready, err := NewAccountReady(ctx, name("account-ready", a.Name), args)
			if err != nil {
				return err
			}
			roleArn = ready.RoleArn
		}
		roleArns[a.Name] = roleArn
		// Each member account is reached through its deploy role, so that
		// the SCPs of its OU govern what infra does there too.
		p, err := awsp.NewProvider(ctx, name("provider", a.Name), &awsp.ProviderArgs{
			Region: pulumi.String(o.HomeRegion),
			AssumeRole: &awsp.ProviderAssumeRoleArgs{
				RoleArn:     roleArn,
				SessionName: pulumi.String("infra-" + LandingZoneStack),
			},
		})
		if err != nil {
			return err
		}
		members[a.Name] = p
		// The account-wide S3 public access block: with it, S3 refuses
		// public ACLs and public bucket policies on every bucket of the
		// account, whatever the bucket's own settings (S3 User Guide,
		// "Blocking public access to your Amazon S3 storage");
		// deny-public-buckets keeps anyone but infra from lifting it. It is
		// also the first call made with the new account's role, before any
		// regional stack uses it.
		if _, err := s3.NewAccountPublicAccessBlock(ctx, name("public-access-block", a.Name), &s3.AccountPublicAccessBlockArgs{
			AccountId:             acct.ID().ToStringOutput(),
			BlockPublicAcls:       pulumi.Bool(true),
			BlockPublicPolicy:     pulumi.Bool(true),
			IgnorePublicAcls:      pulumi.Bool(true),
			RestrictPublicBuckets: pulumi.Bool(true),
		}, pulumi.Provider(p)); err != nil {
			return err
		}
	}

	policyIDs := pulumi.StringMap{}
	for _, p := range args.SCPs.Policies {
		pol, err := organizations.NewPolicy(ctx, name("scp", p.Name), &organizations.PolicyArgs{
			Name:        pulumi.String(p.Name),
			Description: pulumi.String(truncate(p.Description, 512)),
			Type:        pulumi.String("SERVICE_CONTROL_POLICY"),
			Content:     pulumi.String(string(p.JSON)),
			Tags:        tags(""),
		}, inMgmt, pulumi.DependsOn([]pulumi.Resource{org}))
		if err != nil {
			return err
		}
		policyIDs[p.Name] = pol.ID().ToStringOutput()
		for _, t := range p.Targets {
			ou, ok := ous[t]
			if !ok {
				return fmt.Errorf("aws landing zone: SCP %s targets OU %s, which the organisation has not", p.Name, t)
			}
			if _, err := organizations.NewPolicyAttachment(ctx, name("scp", p.Name, slug(t)), &organizations.PolicyAttachmentArgs{
				PolicyId: pol.ID().ToStringOutput(),
				TargetId: ou.ID().ToStringOutput(),
			}, inMgmt); err != nil {
				return err
			}
		}
	}

	if err := deployRoleTrust(ctx, name, o, org, caller, mgmt, ous, part, tags("")); err != nil {
		return err
	}

	at := &reach{ctx: ctx, name: name, home: o.HomeRegion, mgmt: mgmt, members: members, roleArns: roleArns, made: map[string]*awsp.Provider{}}
	if err := securityServices(ctx, name, spec, o, org, accounts, at, tags("")); err != nil {
		return err
	}

	if err := configServices(ctx, name, spec, o, org, accounts, at, pulumi.String(caller.AccountId), part, tags("")); err != nil {
		return err
	}

	trailArn, bucket, err := trail(ctx, name, o, org, caller, mgmt, accounts, members, part, tags(""))
	if err != nil {
		return err
	}

	ctx.Export("organizationId", org.ID())
	ctx.Export(OrganizationArnOutput, org.Arn)
	ctx.Export("rootId", rootID)
	ctx.Export(DeployRoleArnsOutput, roleArns)
	ctx.Export("policyIds", policyIDs)
	ctx.Export("trailArn", trailArn)
	ctx.Export("trailBucket", bucket)
	return nil
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// slug turns an OU path into a name part: Workloads/Prod → workloads-prod.
func slug(path string) string {
	out := make([]byte, 0, len(path))
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '/':
			out = append(out, '-')
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
