package aws

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
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

// The trusted services and policy types infra needs in the organization:
// CloudTrail for the organization trail, RAM to share transit gateways, IAM
// for centralized root access; SCPs for the guardrails, and resource
// control and tag policies enabled so that the organization can use them
// (enabling a policy type attaches only AWS's allow-all policy, so it
// changes no permission: Organizations User Guide, "Enabling a policy
// type").
var (
	neededServicePrincipals = []string{"cloudtrail.amazonaws.com", "iam.amazonaws.com", "ram.amazonaws.com"}
	neededPolicyTypes       = []string{"RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY", "TAG_POLICY"}
)

// organization declares the AWS Organization: a new one, or, when the
// landing zone adopts the management account's existing organization, that
// one imported, with the trusted services and policy types it has kept and
// infra's added. It returns what it read of an existing one (nil for a new
// one).
func organization(ctx *pulumi.Context, name func(...string) string, o *landingzone.AWSOrg, in pulumi.ResourceOrInvokeOption) (*organizations.Organization, *organizations.LookupOrganizationResult, error) {
	args := &organizations.OrganizationArgs{
		FeatureSet:                 pulumi.String("ALL"),
		EnabledPolicyTypes:         pulumi.ToStringArray(neededPolicyTypes),
		AwsServiceAccessPrincipals: pulumi.ToStringArray(neededServicePrincipals),
	}
	opts := []pulumi.ResourceOption{in}
	if !o.Existing {
		// A created organization outlives a destroy too: it still holds the
		// retained accounts, and DeleteOrganization needs it empty.
		org, err := organizations.NewOrganization(ctx, name("organization"), args, append(opts, pulumi.RetainOnDelete(true))...)
		return org, nil, err
	}
	// An account already in an organization cannot create one
	// (CreateOrganization: AlreadyInOrganizationException), so the existing
	// one is read (DescribeOrganization, ListRoots, ListAccounts, ...) and
	// imported.
	existing, err := organizations.LookupOrganization(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: landingZone.aws: organization existing: reading the management account's organization: %w", o.Pos, err)
	}
	if err := adoptable(o, existing); err != nil {
		return nil, nil, err
	}
	// Updating the organization sets these lists whole: keep what it has,
	// or the next update would turn off every other trusted service and
	// policy type (Config, GuardDuty, IAM Identity Center, tag policies).
	args.AwsServiceAccessPrincipals = pulumi.ToStringArray(union(existing.AwsServiceAccessPrincipals, neededServicePrincipals))
	args.EnabledPolicyTypes = pulumi.ToStringArray(union(existing.EnabledPolicyTypes, neededPolicyTypes))
	org, err := organizations.NewOrganization(ctx, name("organization"), args,
		append(opts, pulumi.Import(pulumi.ID(existing.Id)), pulumi.RetainOnDelete(true))...)
	return org, existing, err
}

// adoptable checks that the organization read from the account is the one
// the spec means and can carry the landing zone.
func adoptable(o *landingzone.AWSOrg, existing *organizations.LookupOrganizationResult) error {
	switch {
	case existing == nil || existing.Id == "":
		return fmt.Errorf("%s: landingZone.aws: organization existing, but the management account is in no organization: remove organization: existing to create one", o.Pos)
	case o.OrganizationID != "" && existing.Id != o.OrganizationID:
		return fmt.Errorf("%s: landingZone.aws: organizationId is %s, but the credentials are of an account in organization %s", o.Pos, o.OrganizationID, existing.Id)
	case existing.FeatureSet != "" && existing.FeatureSet != "ALL":
		// SCPs need all features (EnablePolicyType:
		// PolicyTypeNotAvailableForOrganizationException).
		return fmt.Errorf("%s: landingZone.aws: organization %s has feature set %s; the guardrails' SCPs need all features: enable them in the Organizations console first (every member account must approve)", o.Pos, existing.Id, existing.FeatureSet)
	}
	return nil
}

// existingAccountID is the id of an account to adopt: the spec's, checked
// against the organization, or the one whose root e-mail address the spec
// gives.
func existingAccountID(o *landingzone.AWSOrg, a *landingzone.Account, existing *organizations.LookupOrganizationResult) (string, error) {
	if a.ID != "" {
		// Importing an id the organization lacks fails with
		// AccountNotFoundException (DescribeAccount).
		return a.ID, nil
	}
	for _, m := range existing.Accounts {
		if strings.EqualFold(m.Email, a.Email) {
			return m.Id, nil
		}
	}
	return "", fmt.Errorf("%s: account %s: organization %s has no account with the e-mail address %s: give its id", a.Pos, a.Name, existing.Id, a.Email)
}

// union is a and b merged, sorted, without duplicates.
func union(a, b []string) []string {
	out := append(append([]string{}, a...), b...)
	sort.Strings(out)
	return slices.Compact(out)
}

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

// trail declares the organization trail and, in the Log Archive account,
// its bucket (versioned, encrypted with a KMS key of its own, every public
// access blocked, writable only by CloudTrail for this trail).
func trail(ctx *pulumi.Context, name func(...string) string, o *landingzone.AWSOrg, org *organizations.Organization,
	caller *awsp.GetCallerIdentityResult, mgmt *awsp.Provider, accounts map[string]*organizations.Account,
	members map[string]*awsp.Provider, part string, tags pulumi.StringMap) (pulumi.StringOutput, pulumi.StringOutput, error) {
	var none pulumi.StringOutput
	archive := mgmt
	archiveAccount := pulumi.String(caller.AccountId).ToStringOutput()
	if o.LogArchive != "" {
		archiveAccount = accounts[o.LogArchive].ID().ToStringOutput()
		archive = members[o.LogArchive]
	}
	inArchive := pulumi.Provider(archive)
	trailArn := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", part, o.HomeRegion, caller.AccountId, o.Trail)
	trailContext := "arn:" + part + ":cloudtrail:*:" + caller.AccountId + ":trail/*"

	keyPolicy := pulumi.All(archiveAccount).ApplyT(func(v []any) (string, error) {
		return jsonString(map[string]any{
			"Version": policies.PolicyVersion,
			"Statement": []map[string]any{
				{
					"Sid": "AccountAdministers", "Effect": "Allow",
					"Principal": map[string]string{"AWS": "arn:" + part + ":iam::" + v[0].(string) + ":root"},
					"Action":    "kms:*", "Resource": "*",
				},
				// The three sections "Configure AWS KMS key policies for
				// CloudTrail" requires (AWS CloudTrail User Guide,
				// create-kms-key-policy-for-cloudtrail): encrypt, with
				// the trail's encryption context;
				{
					"Sid": "CloudTrailEncrypts", "Effect": "Allow",
					"Principal": map[string]string{"Service": "cloudtrail.amazonaws.com"},
					"Action":    "kms:GenerateDataKey*", "Resource": "*",
					"Condition": map[string]any{
						"StringEquals": map[string]string{"aws:SourceArn": trailArn},
						"StringLike":   map[string]string{"kms:EncryptionContext:aws:cloudtrail:arn": trailContext},
					},
				},
				// describe the key, a call that carries no encryption
				// context, so conditioned on the trail alone;
				{
					"Sid": "CloudTrailDescribesKey", "Effect": "Allow",
					"Principal": map[string]string{"Service": "cloudtrail.amazonaws.com"},
					"Action":    "kms:DescribeKey", "Resource": "*",
					"Condition": map[string]any{"StringEquals": map[string]string{"aws:SourceArn": trailArn}},
				},
				// and decrypt: "required to create or update a trail with
				// SSE-KMS encryption enabled" when the bucket uses an S3
				// Bucket Key, as this one does,
				{
					"Sid": "CloudTrailDecryptsForBucketKey", "Effect": "Allow",
					"Principal": map[string]string{"Service": "cloudtrail.amazonaws.com"},
					"Action":    "kms:Decrypt", "Resource": "*",
					"Condition": map[string]any{
						"StringEquals": map[string]string{"aws:SourceArn": trailArn},
						"Null":         map[string]string{"kms:EncryptionContext:aws:cloudtrail:arn": "false"},
					},
				},
				// and for the log readers of the archive account, only
				// for CloudTrail's files.
				{
					"Sid": "ArchiveReadsLogs", "Effect": "Allow",
					"Principal": map[string]string{"AWS": "*"},
					"Action":    []string{"kms:Decrypt", "kms:ReEncryptFrom"}, "Resource": "*",
					"Condition": map[string]any{
						"StringEquals": map[string]string{"kms:CallerAccount": v[0].(string)},
						"StringLike":   map[string]string{"kms:EncryptionContext:aws:cloudtrail:arn": trailContext},
					},
				},
			},
		})
	}).(pulumi.StringOutput)
	key, err := kms.NewKey(ctx, name("trail-key"), &kms.KeyArgs{
		Description:       pulumi.String("Encrypts the organization trail " + o.Trail),
		EnableKeyRotation: pulumi.Bool(true),
		Policy:            keyPolicy,
		Tags:              tags,
		// The audit trail outlives a destroy: the key that decrypts it and
		// the bucket that holds it are left in place.
	}, inArchive, pulumi.RetainOnDelete(true))
	if err != nil {
		return none, none, err
	}
	if _, err := kms.NewAlias(ctx, name("trail-key-alias"), &kms.AliasArgs{
		Name:        pulumi.String(o.TrailKeyAlias),
		TargetKeyId: key.KeyId,
	}, inArchive); err != nil {
		return none, none, err
	}

	b, err := s3.NewBucketV2(ctx, name("trail-bucket"), &s3.BucketV2Args{
		Bucket: pulumi.String(o.TrailBucket),
		Tags:   tags,
	}, inArchive, pulumi.RetainOnDelete(true))
	if err != nil {
		return none, none, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name("trail-bucket-versioning"), &s3.BucketVersioningV2Args{
		Bucket:                  b.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, inArchive)
	if err != nil {
		return none, none, err
	}
	// Object Lock keeps every version of the trail's files for a year:
	// in governance mode only s3:BypassGovernanceRetention could shorten
	// it, and protect-security-services denies that to everyone. A
	// versioned bucket can have Object Lock turned on after creation
	// (S3 User Guide, "Enabling S3 Object Lock on an existing bucket";
	// terraform-provider-aws s3 bucket_object_lock_configuration).
	if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name("trail-bucket-object-lock"), &s3.BucketObjectLockConfigurationV2Args{
		Bucket:            b.Bucket,
		ObjectLockEnabled: pulumi.String("Enabled"),
		Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
			DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String("GOVERNANCE"),
				Days: pulumi.Int(trailRetentionDays),
			},
		},
		// Object Lock cannot be turned off again; destroy leaves the
		// retention in place with the bucket.
	}, inArchive, pulumi.DependsOn([]pulumi.Resource{versioning}), pulumi.RetainOnDelete(true)); err != nil {
		return none, none, err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name("trail-bucket-encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, inArchive)
	if err != nil {
		return none, none, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name("trail-bucket-public-access-block"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, inArchive)
	if err != nil {
		return none, none, err
	}
	bucketArn := "arn:" + part + ":s3:::" + o.TrailBucket
	bucketPolicy := org.ID().ToStringOutput().ApplyT(func(orgID string) (string, error) {
		onlyThisTrail := map[string]any{"StringEquals": map[string]string{"aws:SourceArn": trailArn}}
		return jsonString(map[string]any{
			"Version": policies.PolicyVersion,
			"Statement": []map[string]any{
				{
					"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
					"Resource":  []string{bucketArn, bucketArn + "/*"},
					"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
				},
				{
					"Sid": "CloudTrailReadsAcl", "Effect": "Allow", "Principal": map[string]string{"Service": "cloudtrail.amazonaws.com"},
					"Action": "s3:GetBucketAcl", "Resource": bucketArn, "Condition": onlyThisTrail,
				},
				{
					"Sid": "CloudTrailWrites", "Effect": "Allow", "Principal": map[string]string{"Service": "cloudtrail.amazonaws.com"},
					"Action": "s3:PutObject",
					"Resource": []string{
						bucketArn + "/AWSLogs/" + caller.AccountId + "/*",
						bucketArn + "/AWSLogs/" + orgID + "/*",
					},
					"Condition": map[string]any{
						"StringEquals": map[string]string{"aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control"},
					},
				},
			},
		})
	}).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, name("trail-bucket-policy"), &s3.BucketPolicyArgs{
		Bucket: b.Bucket,
		Policy: bucketPolicy,
	}, inArchive, pulumi.DependsOn([]pulumi.Resource{pab}))
	if err != nil {
		return none, none, err
	}

	t, err := cloudtrail.NewTrail(ctx, name("trail"), &cloudtrail.TrailArgs{
		Name:                       pulumi.String(o.Trail),
		S3BucketName:               b.Bucket,
		KmsKeyId:                   key.Arn,
		IsOrganizationTrail:        pulumi.Bool(true),
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		Tags:                       tags,
	}, pulumi.Provider(mgmt), pulumi.DependsOn([]pulumi.Resource{org, bp, sse}))
	if err != nil {
		return none, none, err
	}
	return t.Arn, b.Bucket, nil
}

// trailRetentionDays is how long Object Lock keeps each version of the
// trail's log files.
const trailRetentionDays = 365

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
