package stacks

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsstack "infra/stacks/aws"
	ibmstack "infra/stacks/ibm"
	"infra/topology"
)

// crossRegionStacks are the stacks after the regional ones: one per
// cross-region concern the topology has (transit per cloud, mesh, global
// load balancer), each depending only on the stacks whose outputs its
// program reads. A failed stack then skips only the concerns that read it:
// an AWS region that fails leaves the IBM Transit Gateway, and a mesh or
// load balancer that does not include it, to deploy (review aws.md item 26).
func (g *Graph) crossRegionStacks() []*Stack {
	m, lz := g.Model, g.LandingZone
	awsLZ := lz != nil && lz.AWS != nil
	var out []*Stack
	add := func(name string, deps []string, run func(*pulumi.Context, *Graph, Upstream, *awsstack.Providers) error) {
		s := &Stack{Name: name, Kind: Global, DependsOn: deps}
		s.Program = func(up Upstream) pulumi.RunFunc {
			return func(ctx *pulumi.Context) error {
				return run(ctx, g, up, awsstack.NewProviders(ctx, g.Spec))
			}
		}
		out = append(out, s)
	}
	if t := m.Transit; t.IBM != nil {
		add(TransitIBMName, slices.Clone(t.IBM.VPCs), transitIBM)
	}
	if t := m.Transit; len(t.AWS) > 0 {
		var deps []string
		for _, gw := range t.AWS {
			deps = append(deps, gw.VPCs...)
		}
		if awsLZ {
			// the deploy roles of the hub and environment accounts, the
			// organization's ARN for the RAM share
			deps = append(deps, awsstack.LandingZoneStack)
		}
		add(TransitAWSName, deps, transitAWS)
	}
	if m.Mesh != nil {
		var deps []string
		for _, gw := range m.Mesh.Gateways {
			if slices.Contains(deps, gw.Region) {
				continue // another zone's gateway of the region
			}
			deps = append(deps, gw.Region)
			switch {
			case gw.Cloud == topology.AWS && awsLZ:
				// the deploy role of the gateway's environment account
				deps = append(deps, awsstack.LandingZoneStack)
			case gw.Cloud == topology.IBM && lz != nil && lz.IBM != nil:
				// the deployer API key of the gateway's environment
				deps = append(deps, ibmstack.LandingZoneStack)
			}
		}
		add(MeshName, deps, mesh)
	}
	if m.GLB != nil {
		var deps []string
		for _, o := range m.GLB.Origins {
			deps = append(deps, o.ID)
		}
		if m.GLB.Provider == "route53" && awsLZ {
			// the deploy role of the account that holds the zone
			deps = append(deps, awsstack.LandingZoneStack)
		}
		add(GLBName, deps, glb)
	}
	return out
}
