package aws

import (
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// AWS Config records with a role of infra's own in every account it turns
// Config on in, rather than the service-linked AWSServiceRoleForConfig,
// which an account may already have (creating it again fails): AWS Config
// Developer Guide, "Permissions for the IAM role assigned to AWS Config",
// with the managed policy AWS_ConfigRole. The organization aggregator
// reads the organization with a role holding AWSConfigRoleForOrganizations
// ("Setting up an aggregator using the AWS CLI"). Both are auto-named, as
// every role of the programs is.

// configServices turns AWS Config on, the service protect-security-services
// keeps anyone from stopping: a recorder of every supported resource type
// (global types in the home region only, so each is recorded once) and a
// delivery channel in every account infra creates and in the management
// account of an organization it creates, in every region of
// securityRegions; one bucket for all of them in the log-archive account;
// and an organization aggregator in the security account, registered as
// Config's delegated administrator (AWS Config Developer Guide,
// "Register a Delegated Administrator" and "Multi-Account Multi-Region Data
// Aggregation").
//
// Adopted accounts, and the management account of an adopted organization,
// keep the Config they have: an account holds one configuration recorder
// per region (PutConfigurationRecorder:
// MaxNumberOfConfigurationRecordersExceededException), so declaring a
// second would fail where one runs already.
func configServices(ctx *pulumi.Context, name func(...string) string, spec *topology.Spec, o *landingzone.AWSOrg,
	org *organizations.Organization, accounts map[string]*organizations.Account, at *reach,
	mgmtID pulumi.StringInput, part string, tags pulumi.StringMap) error {
	type recorded struct {
		name string // "" is the management account
		id   pulumi.StringOutput
	}
	var recordedAccounts []recorded
	if !o.Existing {
		recordedAccounts = append(recordedAccounts, recorded{management, mgmtID.ToStringOutput()})
	}
	for _, a := range o.Accounts {
		if !a.Existing {
			recordedAccounts = append(recordedAccounts, recorded{a.Name, accounts[a.Name].ID().ToStringOutput()})
		}
	}
	if len(recordedAccounts) == 0 {
		return nil
	}

	// The bucket, next to the trail's, named after the account that holds it.
	archive, archiveID := management, mgmtID.ToStringOutput()
	if o.LogArchive != "" {
		archive, archiveID = o.LogArchive, accounts[o.LogArchive].ID().ToStringOutput()
	}
	inArchive, err := at.in(archive, o.HomeRegion)
	if err != nil {
		return err
	}
	bucketName := archiveID.ApplyT(o.ConfigBucketName).(pulumi.StringOutput)
	// Delivery history is evidence: destroy leaves the bucket, as it
	// leaves the trail's.
	bucket, err := s3.NewBucketV2(ctx, name("config-bucket"), &s3.BucketV2Args{
		Bucket: bucketName,
		Tags:   tags,
	}, pulumi.Provider(inArchive), pulumi.RetainOnDelete(true))
	if err != nil {
		return err
	}
	// SSE-S3: Config delivers to it without a key policy to grant (AWS
	// Config Developer Guide, "Permissions for the Amazon S3 Bucket"); the
	// explicit configuration is what require-encryption checks.
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name("config-bucket-encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, pulumi.Provider(inArchive)); err != nil {
		return err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name("config-bucket-public-access-block"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, pulumi.Provider(inArchive))
	if err != nil {
		return err
	}
	ids := make([]any, len(recordedAccounts))
	for i, a := range recordedAccounts {
		ids[i] = a.id
	}
	// The statements AWS Config needs on a bucket in another account, each
	// limited to the recording accounts by AWS:SourceAccount (AWS Config
	// Developer Guide, "Permissions for the Amazon S3 Bucket for the AWS
	// Config Delivery Channel").
	policy := pulumi.All(append([]any{bucketName}, ids...)...).ApplyT(func(v []any) (string, error) {
		arn := "arn:" + part + ":s3:::" + v[0].(string)
		var accts, objects []string
		for _, id := range v[1:] {
			accts = append(accts, id.(string))
		}
		sort.Strings(accts)
		for _, id := range accts {
			objects = append(objects, arn+"/AWSLogs/"+id+"/Config/*")
		}
		fromAccounts := map[string]any{"StringEquals": map[string]any{"AWS:SourceAccount": accts}}
		config := map[string]string{"Service": "config.amazonaws.com"}
		return jsonString(map[string]any{
			"Version": policies.PolicyVersion,
			"Statement": []map[string]any{
				denyInsecureTransport(arn),
				{"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": config, "Action": "s3:GetBucketAcl", "Resource": arn, "Condition": fromAccounts},
				{"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow", "Principal": config, "Action": "s3:ListBucket", "Resource": arn, "Condition": fromAccounts},
				{
					"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": config, "Action": "s3:PutObject", "Resource": objects,
					"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceAccount": accts, "s3:x-amz-acl": "bucket-owner-full-control"}},
				},
			},
		})
	}).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, name("config-bucket-policy"), &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: policy,
	}, pulumi.Provider(inArchive), pulumi.DependsOn([]pulumi.Resource{pab}))
	if err != nil {
		return err
	}

	trust, err := jsonString(map[string]any{
		"Version": policies.PolicyVersion,
		"Statement": []map[string]any{{
			"Effect": "Allow", "Principal": map[string]string{"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole",
		}},
	})
	if err != nil {
		return err
	}
	regions := securityRegions(spec, o.HomeRegion)
	for _, a := range recordedAccounts {
		who := a.name
		if who == management {
			who = "management"
		}
		// A member's recorder outlives destroy: protect-security-services
		// denies deleting and stopping it in every OU, infra's role
		// included. The management account is outside every SCP.
		retain := pulumi.RetainOnDelete(a.name != management)
		inHome, err := at.in(a.name, o.HomeRegion)
		if err != nil {
			return err
		}
		role, err := iam.NewRole(ctx, name("config-role", who), &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(trust),
			Tags:             tags,
		}, pulumi.Provider(inHome), retain)
		if err != nil {
			return err
		}
		attached, err := iam.NewRolePolicyAttachment(ctx, name("config-role", who, "AWS_ConfigRole"), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String("arn:" + part + ":iam::aws:policy/service-role/AWS_ConfigRole"),
		}, pulumi.Provider(inHome), retain)
		if err != nil {
			return err
		}
		for _, region := range regions {
			in, err := at.in(a.name, region)
			if err != nil {
				return err
			}
			recorder, err := cfg.NewRecorder(ctx, name("config-recorder", who, region), &cfg.RecorderArgs{
				Name:    pulumi.String("default"),
				RoleArn: role.Arn,
				RecordingGroup: &cfg.RecorderRecordingGroupArgs{
					AllSupported:               pulumi.Bool(true),
					IncludeGlobalResourceTypes: pulumi.Bool(region == o.HomeRegion),
				},
			}, pulumi.Provider(in), pulumi.DependsOn([]pulumi.Resource{attached}), retain)
			if err != nil {
				return err
			}
			// The channel needs the recorder, and the bucket's policy must
			// admit it before PutDeliveryChannel checks the bucket.
			channel, err := cfg.NewDeliveryChannel(ctx, name("config-delivery", who, region), &cfg.DeliveryChannelArgs{
				Name:         pulumi.String("default"),
				S3BucketName: bucket.Bucket,
			}, pulumi.Provider(in), pulumi.DependsOn([]pulumi.Resource{recorder, bp}), retain)
			if err != nil {
				return err
			}
			if _, err := cfg.NewRecorderStatus(ctx, name("config-recording", who, region), &cfg.RecorderStatusArgs{
				Name:      recorder.Name,
				IsEnabled: pulumi.Bool(true),
			}, pulumi.Provider(in), pulumi.DependsOn([]pulumi.Resource{channel}), retain); err != nil {
				return err
			}
		}
	}

	admin := securityAdmin(o)
	if admin == "" {
		return nil
	}
	// The security account aggregates every account and region of the
	// organization: Config's delegated administrator, designated from the
	// management account once trusted access is on.
	delegated, err := organizations.NewDelegatedAdministrator(ctx, name("config-admin"), &organizations.DelegatedAdministratorArgs{
		AccountId:        accounts[admin].ID().ToStringOutput(),
		ServicePrincipal: pulumi.String("config.amazonaws.com"),
	}, pulumi.Provider(at.mgmt), pulumi.DependsOn([]pulumi.Resource{org}))
	if err != nil {
		return err
	}
	inAdmin, err := at.in(admin, o.HomeRegion)
	if err != nil {
		return err
	}
	aggRole, err := iam.NewRole(ctx, name("config-aggregator-role"), &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             tags,
	}, pulumi.Provider(inAdmin))
	if err != nil {
		return err
	}
	aggAttached, err := iam.NewRolePolicyAttachment(ctx, name("config-aggregator-role", "AWSConfigRoleForOrganizations"), &iam.RolePolicyAttachmentArgs{
		Role:      aggRole.Name,
		PolicyArn: pulumi.String("arn:" + part + ":iam::aws:policy/service-role/AWSConfigRoleForOrganizations"),
	}, pulumi.Provider(inAdmin))
	if err != nil {
		return err
	}
	_, err = cfg.NewConfigurationAggregator(ctx, name("config-aggregator"), &cfg.ConfigurationAggregatorArgs{
		Name: pulumi.String(spec.Name + "-organization"),
		OrganizationAggregationSource: &cfg.ConfigurationAggregatorOrganizationAggregationSourceArgs{
			AllRegions: pulumi.Bool(true),
			RoleArn:    aggRole.Arn,
		},
		Tags: tags,
	}, pulumi.Provider(inAdmin), pulumi.DependsOn([]pulumi.Resource{delegated, aggAttached}))
	return err
}
