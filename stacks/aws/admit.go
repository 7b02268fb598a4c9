package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/topology"
)

// ClusterSecurityGroupOutput is the regional stack's output holding the
// security group EKS creates for the cluster (vpcConfig.clusterSecurityGroupId):
// the control plane's ENIs and every managed node carry it, so it is where
// traffic from outside the VPC is admitted.
const ClusterSecurityGroupOutput = "clusterSecurityGroupId"

// admitCIDR admits all traffic from one CIDR that reaches the region by a
// route (the mesh gateway or the transit gateway) to the cluster security
// group. Security groups are stateful and deny inbound by default, and the
// EKS-created group admits only itself ("Inbound | All | All | Self", EKS
// User Guide, Amazon EKS security group requirements), so a route alone
// opens nothing. All protocols, so that ICMP "fragmentation needed" keeps
// path MTU discovery working through the tunnels.
func admitCIDR(ctx *pulumi.Context, name string, sg pulumi.StringInput, cidr, description string, tags pulumi.StringMap, opts ...pulumi.ResourceOption) error {
	_, err := vpc.NewSecurityGroupIngressRule(ctx, name, &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg,
		CidrIpv4:        pulumi.String(cidr),
		IpProtocol:      pulumi.String("-1"),
		Description:     pulumi.String(description),
		Tags:            tags,
	}, opts...)
	return err
}

// regionTags are the default tags of the region with the given ID, plus a
// Name tag: what the regional program's tags give, for resources the global
// stack adds to a region.
func regionTags(spec *topology.Spec, id, name string) pulumi.StringMap {
	m := pulumi.StringMap{"Name": pulumi.String(name)}
	for _, r := range spec.Regions() {
		if r.ID() == id {
			for k, v := range spec.TagsFor(r) {
				m[k] = pulumi.String(v)
			}
		}
	}
	m["Name"] = pulumi.String(name)
	return m
}
