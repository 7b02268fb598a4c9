package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/network"
	awsstack "infra/stacks/aws"
	hetznerstack "infra/stacks/hetzner"
	ibmstack "infra/stacks/ibm"
	ovhstack "infra/stacks/ovh"
	"infra/topology"
)

// regionalProgram is a cloud's regional program bound to its region entry;
// up holds the outputs of its cloud's landing zone, if it has one.
type regionalProgram func(ctx *pulumi.Context, rn *network.RegionNet, up Upstream) error

// regionalStacks makes one stack per region entry, in spec order (clouds in
// canonical order, entries in file order), each bound to its cloud's program.
func regionalStacks(spec *topology.Spec, net *network.AddressPlan, lz *landingzone.Model) ([]*Stack, error) {
	var out []*Stack
	for _, r := range spec.Regions() {
		rn := net.Region(r.ID())
		if rn == nil {
			return nil, fmt.Errorf("%s: no address plan for %s", r.Pos, r.ID())
		}
		var run regionalProgram
		switch r.Cloud {
		case topology.IBM:
			e := topology.EntryOf(spec.Clouds.IBM.Regions, r)
			run = func(ctx *pulumi.Context, rn *network.RegionNet, up Upstream) error {
				instance, key := ibmKms(ctx, lz, up, r.Environment)
				return ibmstack.Regional(ctx, ibmstack.RegionalArgs{Spec: spec, Region: e, Net: rn, KmsInstance: instance, KmsRootKey: key,
					DeployerApiKey: ibmEnvOutput(ctx, lz, up, r.Environment, ibmstack.DeployerKeysOutput),
					CbrZone:        ibmEnvOutput(ctx, lz, up, r.Environment, ibmstack.CbrZonesOutput)})
			}
		case topology.AWS:
			e := topology.EntryOf(spec.Clouds.AWS.Regions, r)
			run = func(ctx *pulumi.Context, rn *network.RegionNet, up Upstream) error {
				return awsstack.Regional(ctx, awsstack.RegionalArgs{Spec: spec, Region: e, Net: rn,
					DeployRole: awsDeployRole(ctx, lz, up, r.Environment)})
			}
		case topology.Hetzner:
			e := topology.EntryOf(spec.Clouds.Hetzner.Regions, r)
			run = func(ctx *pulumi.Context, rn *network.RegionNet, _ Upstream) error {
				return hetznerstack.Regional(ctx, hetznerstack.RegionalArgs{Spec: spec, Region: e, Net: rn})
			}
		case topology.OVH:
			e := topology.EntryOf(spec.Clouds.OVH.Regions, r)
			run = func(ctx *pulumi.Context, rn *network.RegionNet, _ Upstream) error {
				return ovhstack.Regional(ctx, ovhstack.RegionalArgs{Spec: spec, Region: e, Net: rn})
			}
		default:
			return nil, fmt.Errorf("%s: %s: no regional program for cloud %s", r.Pos, r.ID(), r.Cloud)
		}
		out = append(out, &Stack{
			Name:   r.ID(),
			Kind:   Regional,
			Cloud:  r.Cloud,
			Region: r,
			Program: func(up Upstream) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error { return run(ctx, rn, up) }
			},
		})
	}
	return out, nil
}
