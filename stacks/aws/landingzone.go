package aws

import (
	"encoding/json"
	"fmt"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
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

	org, err := organizations.NewOrganization(ctx, name("organization"), &organizations.OrganizationArgs{
		FeatureSet:                 pulumi.String("ALL"),
		EnabledPolicyTypes:         pulumi.StringArray{pulumi.String("SERVICE_CONTROL_POLICY")},
		AwsServiceAccessPrincipals: pulumi.StringArray{pulumi.String("cloudtrail.amazonaws.com")},
	}, inMgmt)
	if err != nil {
		return err
	}
	rootID := org.Roots.Index(pulumi.Int(0)).Id().Elem()

	ous := map[string]*organizations.OrganizationalUnit{}
	for _, u := range o.OUs {
		parent := rootID
		if u.Parent != "" {
			parent = ous[u.Parent].ID().ToStringOutput()
		}
		ou, err := organizations.NewOrganizationalUnit(ctx, name("ou", slug(u.Path)), &organizations.OrganizationalUnitArgs{
			Name:     pulumi.String(u.Name),
			ParentId: parent,
			Tags:     tags(""),
		}, inMgmt)
		if err != nil {
			return err
		}
		ous[u.Path] = ou
	}

	accounts := map[string]*organizations.Account{}
	roleArns := pulumi.StringMap{}
	for _, a := range o.Accounts {
		acct, err := organizations.NewAccount(ctx, name("account", a.Name), &organizations.AccountArgs{
			Name:     pulumi.String(a.Name),
			Email:    pulumi.String(a.Email),
			ParentId: ous[a.OU].ID().ToStringOutput(),
			// Organizations creates the role, trusted by the management account.
			RoleName:               pulumi.String(landingzone.DeployRole),
			IamUserAccessToBilling: pulumi.String("DENY"),
			Tags:                   tags(a.Environment),
		}, inMgmt)
		if err != nil {
			return err
		}
		accounts[a.Name] = acct
		roleArns[a.Name] = acct.ID().ToStringOutput().ApplyT(func(id string) string {
			return landingzone.RoleARN(part, id)
		}).(pulumi.StringOutput)
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

	trailArn, bucket, err := trail(ctx, name, o, org, caller, mgmt, accounts, part, tags(""))
	if err != nil {
		return err
	}

	ctx.Export("organizationId", org.ID())
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
	part string, tags pulumi.StringMap) (pulumi.StringOutput, pulumi.StringOutput, error) {
	var none pulumi.StringOutput
	archive := mgmt
	archiveAccount := pulumi.String(caller.AccountId).ToStringOutput()
	if o.LogArchive != "" {
		acct := accounts[o.LogArchive]
		archiveAccount = acct.ID().ToStringOutput()
		p, err := awsp.NewProvider(ctx, name("provider", o.LogArchive), &awsp.ProviderArgs{
			Region: pulumi.String(o.HomeRegion),
			AssumeRole: &awsp.ProviderAssumeRoleArgs{
				RoleArn:     acct.ID().ToStringOutput().ApplyT(func(id string) string { return landingzone.RoleARN(part, id) }).(pulumi.StringOutput),
				SessionName: pulumi.String("infra-" + LandingZoneStack),
			},
		})
		if err != nil {
			return none, none, err
		}
		archive = p
	}
	inArchive := pulumi.Provider(archive)
	trailArn := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", part, o.HomeRegion, caller.AccountId, o.Trail)

	keyPolicy := pulumi.All(archiveAccount).ApplyT(func(v []any) (string, error) {
		return jsonString(map[string]any{
			"Version": policies.PolicyVersion,
			"Statement": []map[string]any{
				{
					"Sid": "AccountAdministers", "Effect": "Allow",
					"Principal": map[string]string{"AWS": "arn:" + part + ":iam::" + v[0].(string) + ":root"},
					"Action":    "kms:*", "Resource": "*",
				},
				{
					"Sid": "CloudTrailEncrypts", "Effect": "Allow",
					"Principal": map[string]string{"Service": "cloudtrail.amazonaws.com"},
					"Action":    []string{"kms:DescribeKey", "kms:GenerateDataKey*"}, "Resource": "*",
					"Condition": map[string]any{
						"StringEquals": map[string]string{"aws:SourceArn": trailArn},
						"StringLike":   map[string]string{"kms:EncryptionContext:aws:cloudtrail:arn": "arn:" + part + ":cloudtrail:*:" + caller.AccountId + ":trail/*"},
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
	}, inArchive)
	if err != nil {
		return none, none, err
	}
	if _, err := kms.NewAlias(ctx, name("trail-key-alias"), &kms.AliasArgs{
		Name:        pulumi.String("alias/" + o.Trail),
		TargetKeyId: key.KeyId,
	}, inArchive); err != nil {
		return none, none, err
	}

	b, err := s3.NewBucketV2(ctx, name("trail-bucket"), &s3.BucketV2Args{
		Bucket: pulumi.String(o.TrailBucket),
		Tags:   tags,
	}, inArchive)
	if err != nil {
		return none, none, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name("trail-bucket-versioning"), &s3.BucketVersioningV2Args{
		Bucket:                  b.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, inArchive); err != nil {
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
