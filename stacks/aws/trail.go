package aws

import (
	"fmt"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
)

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

	bucketName := archiveAccount.ApplyT(o.TrailBucketName).(pulumi.StringOutput)
	b, err := s3.NewBucketV2(ctx, name("trail-bucket"), &s3.BucketV2Args{
		Bucket: bucketName,
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
	bucketPolicy := pulumi.All(org.ID().ToStringOutput(), bucketName).ApplyT(func(v []any) (string, error) {
		orgID, bucketArn := v[0].(string), "arn:"+part+":s3:::"+v[1].(string)
		onlyThisTrail := map[string]any{"StringEquals": map[string]string{"aws:SourceArn": trailArn}}
		return jsonString(map[string]any{
			"Version": policies.PolicyVersion,
			"Statement": []map[string]any{
				denyInsecureTransport(bucketArn),
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

// denyInsecureTransport is the bucket-policy statement that refuses every
// request to the bucket made without TLS (S3 User Guide, "Enforce
// encryption in transit": aws:SecureTransport).
func denyInsecureTransport(bucketArn string) map[string]any {
	return map[string]any{
		"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  []string{bucketArn, bucketArn + "/*"},
		"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
	}
}
