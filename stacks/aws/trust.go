package aws

import (
	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
)

// PipelinePrincipalOutput is the landing zone's export of the one principal
// that may assume the deploy roles.
const PipelinePrincipalOutput = "pipelinePrincipal"

// deployRoleTrust narrows who may assume the deploy roles of the accounts
// infra creates. Organizations creates each role trusting the whole
// management account (CreateAccount RoleName), and its trust policy is not
// infra's to rewrite; a resource control policy on infra's top-level OUs
// denies sts:AssumeRole on those roles to every principal but the pipeline
// (aws:PrincipalArn), whatever the role's trust says. RCPs govern STS
// (Organizations User Guide, "Resource control policies (RCPs)": supported
// services) and never the management account, which stays the break-glass
// path: it can detach the policy. AWS services are exempt
// (aws:PrincipalIsAWSService), as in AWS's RCP examples.
//
// The pipeline is landingZone.aws.pipelineRole or, without one, the role
// (or user) that runs the landing zone, read from its session (IAM
// GetRole, through aws:iam/getSessionContext), so that the run that
// attaches the policy can still deploy the regional stacks.
func deployRoleTrust(ctx *pulumi.Context, name func(...string) string, o *landingzone.AWSOrg, org *organizations.Organization,
	caller *awsp.GetCallerIdentityResult, mgmt pulumi.ProviderResource, ous map[string]*organizations.OrganizationalUnit,
	part string, tags pulumi.StringMap) error {
	roles := o.CreatedDeployRoles()
	if len(roles) == 0 {
		return nil
	}
	pipeline := o.PipelineRoleARN(part, caller.AccountId)
	if pipeline == "" {
		session, err := iam.GetSessionContext(ctx, &iam.GetSessionContextArgs{Arn: caller.Arn}, pulumi.Provider(mgmt))
		if err != nil {
			return err
		}
		pipeline = session.IssuerArn
	}
	var arns []string
	for _, r := range roles {
		arns = append(arns, "arn:"+part+":iam::*:role/"+r)
	}
	doc, err := jsonString(map[string]any{
		"Version": policies.PolicyVersion,
		"Statement": []map[string]any{{
			"Sid": "DeployRolesTrustThePipelineOnly", "Effect": "Deny", "Principal": "*",
			"Action": "sts:AssumeRole", "Resource": arns,
			"Condition": map[string]any{
				"ArnNotEquals": map[string]string{"aws:PrincipalArn": pipeline},
				"BoolIfExists": map[string]string{"aws:PrincipalIsAWSService": "false"},
			},
		}},
	})
	if err != nil {
		return err
	}
	pol, err := organizations.NewPolicy(ctx, name("rcp", "deploy-role-trust"), &organizations.PolicyArgs{
		Name:        pulumi.String("infra-deploy-role-trust"),
		Description: pulumi.String("infra: only " + pipeline + " may assume the deploy roles"),
		Type:        pulumi.String("RESOURCE_CONTROL_POLICY"),
		Content:     pulumi.String(doc),
		Tags:        tags,
	}, pulumi.Provider(mgmt), pulumi.DependsOn([]pulumi.Resource{org}))
	if err != nil {
		return err
	}
	for _, u := range o.OUs {
		if u.Parent != "" {
			continue // inherited from the top-level OU
		}
		if _, err := organizations.NewPolicyAttachment(ctx, name("rcp", "deploy-role-trust", slug(u.Path)), &organizations.PolicyAttachmentArgs{
			PolicyId: pol.ID().ToStringOutput(),
			TargetId: ous[u.Path].ID().ToStringOutput(),
		}, pulumi.Provider(mgmt)); err != nil {
			return err
		}
	}
	ctx.Export(PipelinePrincipalOutput, pulumi.String(pipeline))
	return nil
}
