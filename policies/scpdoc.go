package policies

import (
	"regexp"
	"strings"

	"infra/topology"
)

// scpDocument is the SCP of one guardrail, or nil when it has nothing to
// deny on AWS (allowed-regions without an AWS list).
func scpDocument(g *topology.Guardrail, opts SCPOptions) *Document {
	var st []Statement
	// exceptDeployers limits a deny to principals other than infra's
	// deploy roles (AWS's pattern "Prevent modifications to a specific IAM
	// role ... except by an administrator role", Organizations User Guide,
	// SCP examples). The management account, which SCPs never govern, is
	// the break-glass path: it can detach or edit the policy.
	exceptDeployers := func(st Statement) Statement {
		if len(opts.DeployRoles) > 0 {
			var arns Strings
			for _, r := range opts.DeployRoles {
				arns = append(arns, "arn:aws:iam::*:role/"+r)
			}
			if st.Condition == nil {
				st.Condition = Condition{}
			}
			st.Condition["ArnNotLike"] = map[string]Strings{"aws:PrincipalArn": arns}
		}
		return st
	}
	switch g.Name {
	case DenyRootAccount:
		st = []Statement{{
			Sid: "DenyRootUser", Effect: "Deny", Action: Strings{"*"}, Resource: Strings{"*"},
			Condition: Condition{"StringLike": {"aws:PrincipalArn": {"arn:aws:iam::*:root"}}},
		}}
	case RequireEncryption:
		st = []Statement{
			{Sid: "DenyUnencryptedVolumes", Effect: "Deny", Action: Strings{"ec2:CreateVolume"}, Resource: Strings{"*"},
				Condition: Condition{"Bool": {"ec2:Encrypted": {"false"}}}},
			{Sid: "DenyUnencryptedInstanceVolumes", Effect: "Deny", Action: Strings{"ec2:RunInstances"},
				Resource: Strings{"arn:aws:ec2:*:*:volume/*"}, Condition: Condition{"Bool": {"ec2:Encrypted": {"false"}}}},
			{Sid: "DenyDisablingEbsDefaultEncryption", Effect: "Deny", Action: Strings{"ec2:DisableEbsEncryptionByDefault"}, Resource: Strings{"*"}},
			{Sid: "DenyUnencryptedS3Uploads", Effect: "Deny", Action: Strings{"s3:PutObject"}, Resource: Strings{"*"},
				Condition: Condition{
					"StringNotEquals": {"s3:x-amz-server-side-encryption": {"AES256", "aws:kms", "aws:kms:dsse"}},
					"Null":            {"s3:x-amz-server-side-encryption": {"false"}},
				}},
		}
	case AllowedRegions:
		regions := g.AllowedRegions[topology.AWS]
		if len(regions) == 0 {
			return nil
		}
		st = []Statement{{
			Sid: "DenyOutsideAllowedRegions", Effect: "Deny", NotAction: Strings(globalActions), Resource: Strings{"*"},
			Condition: Condition{"StringNotEquals": {"aws:RequestedRegion": Strings(regions)}},
		}}
	case RequireTags:
		// Kubernetes makes AWS resources too: the cloud controller (as the
		// EKS cluster role) for Services of type LoadBalancer, the EBS CSI
		// driver and the AWS Load Balancer Controller (as the node role or
		// their own) for volumes, load balancers, target groups and
		// security groups. They send no Environment, Owner or CostCenter
		// tag unless configured to, and SCPs govern them like any role, so
		// the require-tag denies exempt them. Their roles are matched by
		// the names infra gives them (KubernetesRolePatterns).
		for _, tag := range g.Tags {
			key := "aws:RequestTag/" + tag
			sid := sidPart(tag)
			st = append(st,
				Statement{Sid: "RequireTag" + sid, Effect: "Deny", Action: Strings(taggedCreates), Resource: Strings{"*"},
					Condition: Condition{"Null": {key: {"true"}}, "ArnNotLike": {"aws:PrincipalArn": Strings(KubernetesRolePatterns)}}},
				Statement{Sid: "RequireTag" + sid + "OnInstances", Effect: "Deny", Action: Strings{"ec2:RunInstances"},
					Resource: Strings{"arn:aws:ec2:*:*:instance/*"}, Condition: Condition{"Null": {key: {"true"}}}},
			)
		}
		if len(g.Tags) > 0 {
			st = append(st, Statement{Sid: "DenyRemovingRequiredTags", Effect: "Deny", Action: Strings(untagActions), Resource: Strings{"*"},
				Condition: Condition{"ForAnyValue:StringEquals": {"aws:TagKeys": Strings(g.Tags)}}})
		}
	case DenyPublicBuckets:
		// Public ACLs: new buckets have ACLs off (BucketOwnerEnforced), so
		// this only matters for a bucket someone turns them back on for.
		// What makes buckets private is the account-wide public access
		// block, which the landing zone sets in every member account
		// (s3.AccountPublicAccessBlock): with BlockPublicPolicy and
		// RestrictPublicBuckets on, S3 refuses public bucket policies
		// (S3 User Guide, "Blocking public access to your Amazon S3
		// storage"). Here no one but infra may lift it, at account or
		// bucket level; DeletePublicAccessBlock needs the same two
		// permissions (S3 API Reference, DeletePublicAccessBlock).
		st = []Statement{
			{
				Sid: "DenyPublicAcls", Effect: "Deny",
				Action:    Strings{"s3:CreateBucket", "s3:PutBucketAcl", "s3:PutObject", "s3:PutObjectAcl"},
				Resource:  Strings{"*"},
				Condition: Condition{"StringEquals": {"s3:x-amz-acl": {"authenticated-read", "public-read", "public-read-write"}}},
			},
			exceptDeployers(Statement{Sid: "DenyPublicAccessBlockChanges", Effect: "Deny",
				Action: Strings{"s3:PutAccountPublicAccessBlock", "s3:PutBucketPublicAccessBlock"}, Resource: Strings{"*"}}),
		}
	case ProtectSecurityServices:
		st = []Statement{
			{Sid: "DenySecurityServiceChanges", Effect: "Deny", Action: Strings(securityActions), Resource: Strings{"*"}},
			// An account that leaves takes itself out of every guardrail
			// and of the organization trail.
			{Sid: "DenyLeavingOrganization", Effect: "Deny", Action: Strings{"organizations:LeaveOrganization"}, Resource: Strings{"*"}},
			// The deploy roles: no one else may re-trust, widen or delete
			// them (Organizations User Guide, SCP examples, "Prevent IAM
			// principals from making certain changes").
			exceptDeployers(Statement{Sid: "ProtectDeployRoles", Effect: "Deny", Action: Strings(roleChangeActions),
				Resource: deployRoleArns(opts.DeployRoles)}),
		}
		if b := opts.TrailBucket; b != "" {
			arn := "arn:aws:s3:::" + b
			st = append(st,
				// Nobody, infra included, deletes the audit trail or
				// shortens its life: its objects are written by CloudTrail
				// only, and destroy retains the bucket.
				Statement{Sid: "DenyTrailArchiveDeletion", Effect: "Deny", Action: Strings(trailBucketDeletions),
					Resource: Strings{arn, arn + "/*"}},
				// Its policy, encryption, versioning and public access
				// block are infra's to set.
				exceptDeployers(Statement{Sid: "DenyTrailArchiveChanges", Effect: "Deny", Action: Strings(trailBucketChanges),
					Resource: Strings{arn}}),
			)
		}
		if a := opts.TrailKeyAlias; a != "" {
			// The key is named by its alias: kms:ResourceAliases matches
			// key-management calls on the aliased key (AWS KMS Developer
			// Guide, "kms:ResourceAliases"). Disabling or deleting it makes
			// the archive unreadable, so nobody may.
			byAlias := Condition{"ForAnyValue:StringEquals": {"kms:ResourceAliases": {a}}}
			st = append(st,
				Statement{Sid: "DenyTrailKeyDeletion", Effect: "Deny", Action: Strings(trailKeyDeletions), Resource: Strings{"*"}, Condition: byAlias},
				exceptDeployers(Statement{Sid: "DenyTrailKeyChanges", Effect: "Deny", Action: Strings(trailKeyChanges), Resource: Strings{"*"},
					Condition: Condition{"ForAnyValue:StringEquals": {"kms:ResourceAliases": {a}}}}),
				exceptDeployers(Statement{Sid: "DenyTrailKeyAliasChanges", Effect: "Deny", Action: Strings{"kms:DeleteAlias", "kms:UpdateAlias"},
					Resource: Strings{"arn:aws:kms:*:*:" + a}}),
			)
		}
	default:
		return nil
	}
	return &Document{Version: PolicyVersion, Statement: st}
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]+`)

// sidPart makes a tag key usable in a Sid, which takes letters and digits only.
func sidPart(tag string) string {
	var b strings.Builder
	for _, p := range nonAlnum.Split(tag, -1) {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// globalActions are the services and actions that run in us-east-1 whatever
// region a caller uses, so a region restriction must exempt them: AWS's
// reference list (Organizations User Guide, SCP general examples, "Deny
// access to AWS based on the requested AWS Region"), without its regional
// services (kms:*, config:*, acm:*) that the allowed regions must keep
// to themselves.
var globalActions = []string{
	"account:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "budgets:*",
	"ce:*", "cloudfront:*", "cur:*", "directconnect:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways",
	"ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*", "iam:*", "importexport:*",
	"networkmanager:*", "organizations:*", "pricing:*", "route53-recovery-cluster:*",
	"route53-recovery-control-config:*", "route53-recovery-readiness:*", "route53:*", "route53domains:*",
	"s3:GetAccountPublicAccessBlock", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints",
	"s3:PutAccountPublicAccessBlock", "shield:*", "sso:*", "sts:*", "support:*", "trustedadvisor:*",
	"waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
}

// KubernetesRolePatterns match the IAM roles Kubernetes acts as in an AWS
// regional stack (the role names are the regional program's: logical name
// "<region id>-eks-cluster-role" plus Pulumi's random suffix, and so on),
// plus "<region id>-k8s-<controller>" for the roles of in-cluster
// controllers (EBS CSI, AWS Load Balancer Controller) through EKS Pod
// Identity or IRSA.
var KubernetesRolePatterns = []string{
	"arn:aws:iam::*:role/aws-*-eks-cluster-role-*",
	"arn:aws:iam::*:role/aws-*-eks-node-role-*",
	"arn:aws:iam::*:role/aws-*-k8s-*",
}

// taggedCreates are the create actions of what the programs deploy that
// accept tags on the request.
var taggedCreates = []string{
	"ec2:AllocateAddress", "ec2:CreateInternetGateway", "ec2:CreateNatGateway",
	"ec2:CreateRouteTable", "ec2:CreateSecurityGroup", "ec2:CreateSubnet",
	"ec2:CreateTransitGateway", "ec2:CreateVolume", "ec2:CreateVpc",
	"eks:CreateCluster", "eks:CreateNodegroup",
	"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
	"kms:CreateKey",
}

// untagActions remove tags from what taggedCreates makes.
var untagActions = []string{
	"ec2:DeleteTags", "eks:UntagResource", "elasticloadbalancing:RemoveTags", "kms:UntagResource",
}

// securityActions turn off or tear down the security services.
var securityActions = []string{
	"access-analyzer:DeleteAnalyzer",
	"cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
	"config:DeleteConfigRule", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:StopConfigurationRecorder",
	"guardduty:DeleteDetector", "guardduty:DeleteMembers", "guardduty:DisassociateFromAdministratorAccount",
	"guardduty:DisassociateFromMasterAccount", "guardduty:DisassociateMembers", "guardduty:StopMonitoringMembers", "guardduty:UpdateDetector",
	"securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount",
}

// deployRoleArns are the ARNs of the deploy roles in every account; without
// any, the default role's.
func deployRoleArns(roles []string) Strings {
	if len(roles) == 0 {
		roles = []string{topology.DefaultDeployRole}
	}
	var out Strings
	for _, r := range roles {
		out = append(out, "arn:aws:iam::*:role/"+r)
	}
	return out
}

// roleChangeActions change or remove a role, its trust or its permissions.
var roleChangeActions = []string{
	"iam:AttachRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy",
	"iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy",
	"iam:UpdateRole", "iam:UpdateRoleDescription",
}

// trailBucketDeletions delete the archive or its objects, or arrange for
// that to happen later (lifecycle) or bypass Object Lock.
var trailBucketDeletions = []string{
	"s3:BypassGovernanceRetention", "s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion",
	"s3:PutLifecycleConfiguration",
}

// trailBucketChanges loosen the archive's access or protection.
var trailBucketChanges = []string{
	"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketPolicy",
	"s3:PutBucketVersioning", "s3:PutEncryptionConfiguration",
}

// trailKeyDeletions make the archive unreadable.
var trailKeyDeletions = []string{"kms:DisableKey", "kms:DisableKeyRotation", "kms:ScheduleKeyDeletion"}

// trailKeyChanges hand the key to someone else.
var trailKeyChanges = []string{"kms:CreateGrant", "kms:PutKeyPolicy"}
