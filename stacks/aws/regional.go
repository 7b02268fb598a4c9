// Package aws holds the AWS programs of the stack graph: the regional stack
// of one AWS region entry (VPC, subnets, gateways, EKS, ingress load balancer).
package aws

import (
	"fmt"
	"strings"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// RegionalArgs is what the regional program of one AWS region entry needs.
type RegionalArgs struct {
	Spec   *topology.Spec
	Region *topology.AWSRegion
	// Net is the region's address plan, from network.Compute(spec).Region(Region.ID()).
	Net *network.RegionNet
	// DeployRole is the ARN of the role to assume in the environment's
	// member account (the landing zone's deploy role), so that its OU's
	// SCPs govern the stack; nil deploys with the caller's own credentials.
	DeployRole pulumi.StringInput
}

// Regional declares the resources of one AWS regional stack and exports
// vpcId, cidr, zones, clusterName, clusterEndpoint and ingressAddress, plus the
// private subnets and route tables the transit gateway attaches to.
func Regional(ctx *pulumi.Context, args RegionalArgs) error {
	r, net := args.Region, args.Net
	if r == nil || net == nil || args.Spec == nil {
		return fmt.Errorf("aws regional program: Spec, Region and Net are required")
	}
	if len(net.Zones) == 0 {
		return fmt.Errorf("aws regional program %s: the address plan has no zones", r.ID())
	}
	p := &program{ctx: ctx, spec: args.Spec, r: r, net: net, id: r.ID(), deployRole: args.DeployRole}
	return p.run()
}

type program struct {
	ctx        *pulumi.Context
	spec       *topology.Spec
	r          *topology.AWSRegion
	net        *network.RegionNet
	id         string // region ID: the prefix of every logical name
	deployRole pulumi.StringInput
	opts       []pulumi.ResourceOption
}

// name is the logical name of a resource: the region ID, then the parts.
func (p *program) name(parts ...string) string {
	return p.id + "-" + strings.Join(parts, "-")
}

// tags are the default tags plus a Name tag, as the AWS console shows it.
func (p *program) tags(name string, extra ...string) pulumi.StringMap {
	m := pulumi.StringMap{}
	for k, v := range p.spec.TagsFor(&p.r.Region) {
		m[k] = pulumi.String(v)
	}
	m["Name"] = pulumi.String(name)
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = pulumi.String(extra[i+1])
	}
	return m
}

func (p *program) with(opts ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, p.opts...), opts...)
}

// clusterName is the EKS cluster's name in AWS: unique per account and
// region, so it carries the platform name and the environment.
func (p *program) clusterName() string { return p.spec.Name + "-" + p.id }

func (p *program) run() error {
	ctx := p.ctx
	// An explicit provider pins the region and, with a landing zone, assumes
	// the deploy role in the environment's member account.
	pargs := &awsp.ProviderArgs{Region: pulumi.String(p.r.Name)}
	if p.deployRole != nil {
		pargs.AssumeRole = &awsp.ProviderAssumeRoleArgs{
			RoleArn:     p.deployRole,
			SessionName: pulumi.String("infra-" + p.id),
		}
	}
	prov, err := awsp.NewProvider(ctx, p.name("provider"), pargs)
	if err != nil {
		return err
	}
	p.opts = []pulumi.ResourceOption{pulumi.Provider(prov)}

	// EKS managed node groups boot from EBS volumes that are encrypted only
	// when the account and region encrypt EBS by default.
	// Deleting it would disable default encryption ("Removing the resource
	// disables default encryption", terraform-provider-aws
	// ebs_encryption_by_default), which the require-encryption SCP denies
	// (DenyDisablingEbsDefaultEncryption): destroy leaves it on.
	if _, err := ebs.NewEncryptionByDefault(ctx, p.name("ebs-encryption"), &ebs.EncryptionByDefaultArgs{
		Enabled: pulumi.Bool(true),
	}, p.with(pulumi.RetainOnDelete(true))...); err != nil {
		return err
	}

	vpc, err := ec2.NewVpc(ctx, p.name("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(p.net.CIDR.String()),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               p.tags(p.name("vpc")),
	}, p.with()...)
	if err != nil {
		return err
	}
	zoneIDs := p.zoneIDs(prov)
	sub, err := p.subnets(vpc, zoneIDs)
	if err != nil {
		return err
	}
	if err := p.baseline(vpc, sub); err != nil {
		return err
	}
	cluster, nodes, err := p.cluster(vpc, sub)
	if err != nil {
		return err
	}
	ingress, err := p.ingress(vpc, sub, cluster, nodes, prov)
	if err != nil {
		return err
	}
	if err := p.mesh(sub); err != nil {
		return err
	}

	zones := make(pulumi.StringArray, len(p.net.Zones))
	for i, z := range p.net.Zones {
		zones[i] = pulumi.String(z.Zone)
	}
	ctx.Export("vpcId", vpc.ID())
	ctx.Export("cidr", vpc.CidrBlock)
	ctx.Export("zones", zones)
	ctx.Export("zoneIds", zoneIDs)
	ctx.Export("clusterName", cluster.Name)
	ctx.Export("clusterEndpoint", cluster.Endpoint)
	// What `infra kubeconfig` needs: the cluster's CA, its region, and the
	// deploy role that created it (the cluster's admin) for aws eks get-token.
	ctx.Export("clusterCaData", cluster.CertificateAuthority.Data().Elem())
	ctx.Export("region", pulumi.String(p.r.Name))
	if p.deployRole != nil {
		ctx.Export("deployRoleArn", p.deployRole)
	}
	ctx.Export(ClusterSecurityGroupOutput, cluster.VpcConfig.ClusterSecurityGroupId())
	ctx.Export("ingressAddress", ingress.DnsName)
	ctx.Export("privateSubnetIds", idsOf(sub.private))
	ctx.Export("privateRouteTableIds", idsOf(sub.privateRoutes))
	return nil
}

func allEgress() ec2.SecurityGroupEgressArray {
	return ec2.SecurityGroupEgressArray{&ec2.SecurityGroupEgressArgs{
		Description: pulumi.String("all outbound"),
		Protocol:    pulumi.String("-1"),
		FromPort:    pulumi.Int(0),
		ToPort:      pulumi.Int(0),
		CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
	}}
}

// idsOf collects resource IDs in order.
func idsOf[R interface{ ID() pulumi.IDOutput }](rs []R) pulumi.StringArray {
	out := make(pulumi.StringArray, len(rs))
	for i, r := range rs {
		out[i] = r.ID().ToStringOutput()
	}
	return out
}

// partition is the AWS partition a region belongs to, for ARNs.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
