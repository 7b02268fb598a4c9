package ibm

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/stackstest"
)

// The transit and CIS constructors refuse to declare a resource without
// its required inputs, and the programs refuse a model they cannot build.
func TestTransitAndCISArguments(t *testing.T) {
	s := pulumi.String("x")
	spec, _ := stackstest.Load(t, "../../examples/multicloud.yaml")
	refuse(t, []refusal{
		{"transit gateway without location", func(ctx *pulumi.Context) error {
			_, err := NewTransitGateway(ctx, "t", &TransitGatewayArgs{Name: s, ResourceGroup: s})
			return err
		}, "Location"},
		{"connection without type", func(ctx *pulumi.Context) error {
			_, err := NewTransitGatewayConnection(ctx, "c", &TransitGatewayConnectionArgs{TransitGateway: s, Name: s})
			return err
		}, "NetworkType"},
		{"instance without plan", func(ctx *pulumi.Context) error {
			_, err := NewCisInstance(ctx, "i", &CisInstanceArgs{Name: s, ResourceGroup: s})
			return err
		}, "Plan"},
		{"domain without args", func(ctx *pulumi.Context) error {
			_, err := NewCisDomain(ctx, "d", nil)
			return err
		}, "missing one or more required arguments"},
		{"monitor without type", func(ctx *pulumi.Context) error {
			_, err := NewCisHealthCheck(ctx, "h", &CisHealthCheckArgs{Cis: s})
			return err
		}, "Type"},
		{"pool without origins", func(ctx *pulumi.Context) error {
			_, err := NewCisOriginPool(ctx, "p", &CisOriginPoolArgs{Cis: s, Name: s})
			return err
		}, "Origins"},
		{"load balancer without fallback", func(ctx *pulumi.Context) error {
			_, err := NewCisGlobalLoadBalancer(ctx, "l", &CisGlobalLoadBalancerArgs{Cis: s, Domain: s, Name: s, DefaultPools: pulumi.StringArray{s}})
			return err
		}, "FallbackPool"},
		{"transit without a VPC's crn", func(ctx *pulumi.Context) error {
			_, err := Transit(ctx, TransitArgs{Spec: spec, Transit: network.BuildTransit(spec).IBM})
			return err
		}, "no VPC CRN for ibm-us-south-prod"},
		{"load balancer without a member's address", func(ctx *pulumi.Context) error {
			_, _, err := GlobalLoadBalancer(ctx, GlobalLoadBalancerArgs{Spec: spec, GLB: network.BuildGLB(spec), ResourceGroup: "g",
				Ingress: map[string]pulumi.StringInput{"ibm-us-south-prod": s}})
			return err
		}, "pool us: no ingress address for aws-us-east-1-prod"},
	}, nil)
}
