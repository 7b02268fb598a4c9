package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	awsstack "infra/stacks/aws"
	ibmstack "infra/stacks/ibm"
)

// TransitGatewaysOutput is a transit stack's map of transit gateway ids:
// "ibm" for the IBM Transit Gateway (transit-ibm), "aws-<region>" for each
// AWS one (transit-aws).
const TransitGatewaysOutput = "transitGateways"

// transitIBM is the program of transit-ibm: the IBM Transit Gateway
// (network.Transit) with a connection per IBM VPC, whose CRNs come from the
// IBM regional stacks' exports.
func transitIBM(ctx *pulumi.Context, g *Graph, up Upstream, _ *awsstack.Providers) error {
	t := g.Model.Transit.IBM
	crns := map[string]pulumi.StringInput{}
	for _, id := range t.VPCs {
		crns[id] = up.StringOutput(ctx, id, "vpcCrn")
	}
	gw, err := ibmstack.Transit(ctx, ibmstack.TransitArgs{Spec: g.Spec, Transit: t, VpcCrns: crns})
	if err != nil {
		return err
	}
	ctx.Export(TransitGatewaysOutput, pulumi.StringMap{"ibm": gw.ID().ToStringOutput()})
	return nil
}

// transitAWS is the program of transit-aws: an AWS Transit Gateway per AWS
// region with its attachments, routes and peerings. VPCs come from their
// regional stacks' exports; AWS accounts from the landing zone.
func transitAWS(ctx *pulumi.Context, g *Graph, up Upstream, providers *awsstack.Providers) error {
	spec, t := g.Spec, g.Model.Transit
	attached := map[string]bool{}
	for _, gw := range t.AWS {
		for _, id := range gw.VPCs {
			attached[id] = true
		}
	}
	vpcs := map[string]awsstack.TransitVPC{}
	for _, r := range spec.Regions() {
		if id := r.ID(); attached[id] {
			vpcs[id] = awsstack.TransitVPC{
				Account:              awsAccount(ctx, g.LandingZone, up, r.Environment),
				VpcId:                up.StringOutput(ctx, id, "vpcId"),
				PrivateSubnetIds:     stringArray(ctx, up, id, "privateSubnetIds"),
				PrivateRouteTableIds: stringArray(ctx, up, id, "privateRouteTableIds"),
				ClusterSecurityGroup: up.StringOutput(ctx, id, awsstack.ClusterSecurityGroupOutput),
			}
		}
	}
	var orgArn pulumi.StringInput
	if g.LandingZone != nil && g.LandingZone.AWS != nil {
		orgArn = up.StringOutput(ctx, awsstack.LandingZoneStack, awsstack.OrganizationArnOutput)
	}
	gws, err := awsstack.Transit(ctx, awsstack.TransitArgs{
		Spec: spec, Transit: t, Net: g.Net, Providers: providers,
		Hub: awsHub(ctx, g.LandingZone, up), VPCs: vpcs, OrganizationArn: orgArn,
	})
	if err != nil {
		return err
	}
	ids := pulumi.StringMap{}
	for region, id := range gws {
		ids["aws-"+region] = id
	}
	ctx.Export(TransitGatewaysOutput, ids)
	return nil
}

// awsAccount is the account an environment's AWS resources live in: its
// member account when the landing zone has one, else the caller's own.
func awsAccount(ctx *pulumi.Context, lz *landingzone.Model, up Upstream, env string) awsstack.Account {
	if lz == nil || lz.AWS == nil || lz.AWS.EnvironmentAccount(env) == nil {
		return awsstack.Account{}
	}
	a := lz.AWS.EnvironmentAccount(env)
	return awsstack.Account{Name: a.Name, Environment: env,
		Role: entry(ctx, up, awsstack.LandingZoneStack, awsstack.DeployRoleArnsOutput, a.Name)}
}

// hubAccounts are the landing-zone accounts that may own what serves every
// environment (transit gateways, the DNS zone), in order of preference.
var hubAccounts = []string{"network", "networking", "shared-services"}

// awsHub is the account that owns what serves every environment: the first
// of hubAccounts the landing zone has; nil without one, which leaves each
// transit gateway to its region's first VPC's account and the DNS zone to
// the caller's.
func awsHub(ctx *pulumi.Context, lz *landingzone.Model, up Upstream) *awsstack.Account {
	if lz == nil || lz.AWS == nil {
		return nil
	}
	for _, name := range hubAccounts {
		if lz.AWS.Account(name) != nil {
			return &awsstack.Account{Name: name,
				Role: entry(ctx, up, awsstack.LandingZoneStack, awsstack.DeployRoleArnsOutput, name)}
		}
	}
	return nil
}

// stringArray reads a list-valued upstream output: unknown while the
// upstream stack is not deployed.
func stringArray(ctx *pulumi.Context, up Upstream, stack, key string) pulumi.StringArrayOutput {
	return up.Output(ctx, stack, key).ApplyT(func(v any) []string {
		switch l := v.(type) {
		case []string: // as the exporting program declared it
			return l
		case []any: // as decoded from state
			out := make([]string, 0, len(l))
			for _, e := range l {
				s, _ := e.(string)
				out = append(out, s)
			}
			return out
		}
		return nil
	}).(pulumi.StringArrayOutput)
}
