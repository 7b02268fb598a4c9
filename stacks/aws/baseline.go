package aws

import (
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// flowLogRetentionDays keeps the VPC's flow logs for 90 days.
const flowLogRetentionDays = 90

// baseline declares what every VPC should have beyond its subnets:
//   - the default security group with no rules, so that nothing launched
//     without a group is reachable or can reach out (AWS Security Hub
//     control EC2.2, "VPC default security groups should not allow inbound
//     or outbound traffic");
//   - flow logs of all traffic to CloudWatch Logs (Security Hub EC2.6), with
//     a role the flow-logs service assumes to write them (VPC User Guide,
//     "IAM role for publishing flow logs to CloudWatch Logs");
//   - an S3 gateway endpoint on the private route tables, so that image
//     layers ECR serves from S3 and other S3 traffic skip the NAT gateways
//     (VPC User Guide, "Gateway endpoints for Amazon S3": no charge).
func (p *program) baseline(vpc *ec2.Vpc, sub *subnets) error {
	ctx := p.ctx
	if _, err := ec2.NewDefaultSecurityGroup(ctx, p.name("default-sg"), &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.name("default-sg")),
	}, p.with()...); err != nil {
		return err
	}

	logs, err := cloudwatch.NewLogGroup(ctx, p.name("flow-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/infra/" + p.spec.Name + "/" + p.id + "/vpc-flow-logs"),
		RetentionInDays: pulumi.Int(flowLogRetentionDays),
		Tags:            p.tags(p.name("flow-logs")),
	}, p.with()...)
	if err != nil {
		return err
	}
	role, _, err := p.role("flow-logs-role", "vpc-flow-logs.amazonaws.com", nil)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(ctx, p.name("flow-logs-write"), &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: logs.Arn.ApplyT(func(arn string) (string, error) {
			b, err := json.Marshal(map[string]any{
				"Version": "2012-10-17",
				"Statement": []map[string]any{{
					"Effect":   "Allow",
					"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
					"Resource": []string{arn, arn + ":*"},
				}},
			})
			return string(b), err
		}).(pulumi.StringOutput),
	}, p.with()...)
	if err != nil {
		return err
	}
	if _, err := ec2.NewFlowLog(ctx, p.name("flow-log"), &ec2.FlowLogArgs{
		VpcId:              vpc.ID(),
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     logs.Arn,
		IamRoleArn:         role.Arn,
		Tags:               p.tags(p.name("flow-log")),
	}, p.with(pulumi.DependsOn([]pulumi.Resource{policy}))...); err != nil {
		return err
	}

	if _, err := ec2.NewVpcEndpoint(ctx, p.name("s3-endpoint"), &ec2.VpcEndpointArgs{
		VpcId:           vpc.ID(),
		ServiceName:     pulumi.String("com.amazonaws." + p.r.Name + ".s3"),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   idsOf(sub.privateRoutes),
		Tags:            p.tags(p.name("s3-endpoint")),
	}, p.with()...); err != nil {
		return err
	}
	return p.interfaceEndpoints(vpc, sub)
}

// interfaceServices are the AWS services the nodes call on every image pull
// and every Pod Identity credential: ECR's API and registry, and STS. Their
// interface endpoints keep that traffic off the NAT gateways ($0.045 per GB
// processed, against $0.01 through an endpoint: VPC pricing page).
var interfaceServices = []string{"ecr.api", "ecr.dkr", "sts"}

// interfaceEndpoints declares an interface endpoint per service in the
// private subnets of every zone, with private DNS, so that the services'
// usual names resolve to them (PrivateLink User Guide, "Access an AWS
// service using an interface VPC endpoint": private DNS needs the VPC's DNS
// hostnames and support, both on), and a security group admitting HTTPS
// from the VPC only.
func (p *program) interfaceEndpoints(vpc *ec2.Vpc, sub *subnets) error {
	sg, err := ec2.NewSecurityGroup(p.ctx, p.name("endpoints-sg"), &ec2.SecurityGroupArgs{
		VpcId:       vpc.ID(),
		Description: pulumi.String("Interface endpoints: HTTPS from inside the region network"),
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTPS to AWS APIs"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(443),
			ToPort:      pulumi.Int(443),
			CidrBlocks:  pulumi.StringArray{pulumi.String(p.net.CIDR.String())},
		}},
		Tags: p.tags(p.name("endpoints-sg")),
	}, p.with()...)
	if err != nil {
		return err
	}
	for _, svc := range interfaceServices {
		name := p.name(strings.ReplaceAll(svc, ".", "-") + "-endpoint")
		if _, err := ec2.NewVpcEndpoint(p.ctx, name, &ec2.VpcEndpointArgs{
			VpcId:             vpc.ID(),
			ServiceName:       pulumi.String("com.amazonaws." + p.r.Name + "." + svc),
			VpcEndpointType:   pulumi.String("Interface"),
			SubnetIds:         idsOf(sub.private),
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			PrivateDnsEnabled: pulumi.Bool(true),
			Tags:              p.tags(name),
		}, p.with()...); err != nil {
			return err
		}
	}
	return nil
}
