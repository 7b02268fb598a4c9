package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// globalProgram is the program of the global stack. Transit gateways, the
// mesh and the global load balancer land here with the network issue; for
// now it gathers every region's ingress address, which is what the global
// load balancer's pools will be built from.
func globalProgram(g *Graph, s *Stack) func(Upstream) pulumi.RunFunc {
	return func(up Upstream) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			if err := mesh(ctx, g.Spec, g.Net, g.LandingZone, up); err != nil {
				return err
			}
			ingress := pulumi.Map{}
			for _, d := range s.DependsOn {
				ingress[d] = up.Output(ctx, d, "ingressAddress")
			}
			ctx.Export("ingressAddresses", ingress)
			return nil
		}
	}
}
