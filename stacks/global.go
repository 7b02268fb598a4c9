package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsstack "infra/stacks/aws"
)

// globalProgram is the program of the global stack, which needs every
// region's outputs: the transit gateways, the mesh gateways and the global
// load balancer. It also gathers every region's ingress address.
func globalProgram(g *Graph, s *Stack) func(Upstream) pulumi.RunFunc {
	return func(up Upstream) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			providers := awsstack.NewProviders(ctx, g.Spec)
			if err := transit(ctx, g, up, providers); err != nil {
				return err
			}
			if err := mesh(ctx, g, up, providers); err != nil {
				return err
			}
			if err := glb(ctx, g, up, providers); err != nil {
				return err
			}
			ingress := pulumi.Map{}
			for _, r := range g.Spec.Regions() {
				ingress[r.ID()] = up.Output(ctx, r.ID(), "ingressAddress")
			}
			ctx.Export("ingressAddresses", ingress)
			return nil
		}
	}
}
