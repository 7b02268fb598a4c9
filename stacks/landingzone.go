package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/model"
	awsstack "infra/stacks/aws"
	ibmstack "infra/stacks/ibm"
	ovhstack "infra/stacks/ovh"
	"infra/topology"
)

// landingZoneStacks makes a landing-zone stack for each cloud with
// organisation-level controls the topology uses: AWS (when landingZone.aws
// is set), IBM and OVH. Hetzner has none, so it has no such stack.
func landingZoneStacks(m *model.Model) ([]*Stack, error) {
	spec, lz := m.Spec, m.LandingZone
	var out []*Stack
	if lz.AWS != nil {
		scps := m.SCPs
		if scps.Diagnostics.HasErrors() {
			return nil, scps.Diagnostics
		}
		out = append(out, landingZoneStack(awsstack.LandingZoneStack, topology.AWS, func(ctx *pulumi.Context) error {
			return awsstack.LandingZone(ctx, awsstack.LandingZoneArgs{Spec: spec, Org: lz.AWS, SCPs: scps})
		}))
	}
	if lz.IBM != nil {
		rules := m.CBR
		out = append(out, landingZoneStack(ibmstack.LandingZoneStack, topology.IBM, func(ctx *pulumi.Context) error {
			return ibmstack.LandingZone(ctx, ibmstack.LandingZoneArgs{Spec: spec, Account: lz.IBM, Rules: rules})
		}))
	}
	if lz.OVH != nil {
		denies := m.OVHDenies
		out = append(out, landingZoneStack(ovhstack.LandingZoneStack, topology.OVH, func(ctx *pulumi.Context) error {
			return ovhstack.LandingZone(ctx, ovhstack.LandingZoneArgs{Spec: spec, Account: lz.OVH, Denies: denies})
		}))
	}
	return out, nil
}

// entry reads one key of a map-valued upstream output as a string: unknown
// while the upstream stack is not deployed, an error if it lacks the key.
func entry(ctx *pulumi.Context, up Upstream, stack, output, key string) pulumi.StringOutput {
	return up.Output(ctx, stack, output).ApplyT(func(v any) (string, error) {
		var s string
		var ok bool
		switch m := v.(type) {
		case map[string]string: // as the exporting program declared it
			s, ok = m[key]
		case map[string]any: // as decoded from state
			s, ok = m[key].(string)
		}
		if !ok {
			return "", fmt.Errorf("stack %s exports no %s for %s", stack, output, key)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// awsDeployRole is the role an AWS regional stack of env assumes: the deploy
// role of the environment's member account. Nil without an AWS landing zone.
func awsDeployRole(ctx *pulumi.Context, lz *landingzone.Model, up Upstream, env string) pulumi.StringInput {
	if lz.AWS == nil || lz.AWS.EnvironmentAccount(env) == nil {
		return nil
	}
	return entry(ctx, up, awsstack.LandingZoneStack, awsstack.DeployRoleArnsOutput, lz.AWS.EnvironmentAccount(env).Name)
}

// ibmEnvOutput is env's entry of an IBM landing-zone output keyed by
// environment: the deployer's API key (DeployerKeysOutput, a secret) or
// the CBR network zone a regional stack adds its VPC to (CbrZonesOutput).
// Nil without an IBM landing zone or that environment.
func ibmEnvOutput(ctx *pulumi.Context, lz *landingzone.Model, up Upstream, env, output string) pulumi.StringInput {
	if lz.IBM == nil {
		return nil
	}
	for _, e := range lz.IBM.Environments {
		if e.Name == env {
			return entry(ctx, up, ibmstack.LandingZoneStack, output, env)
		}
	}
	return nil
}

// ibmKms is the Key Protect instance and root key an IBM regional stack of
// env encrypts its cluster's secrets with; nil when there is none.
func ibmKms(ctx *pulumi.Context, lz *landingzone.Model, up Upstream, env string) (instance, key pulumi.StringInput) {
	if lz.IBM == nil {
		return nil, nil
	}
	for _, e := range lz.IBM.Environments {
		if e.Name == env && e.KeyProtect != nil {
			return entry(ctx, up, ibmstack.LandingZoneStack, ibmstack.KmsInstancesOutput, env),
				entry(ctx, up, ibmstack.LandingZoneStack, ibmstack.KmsRootKeysOutput, env)
		}
	}
	return nil, nil
}

// landingZoneStack is cloud's landing zone stack, which reads no upstream
// outputs.
func landingZoneStack(name string, cloud topology.Cloud, program pulumi.RunFunc) *Stack {
	return &Stack{Name: name, Kind: LandingZone, Cloud: cloud, Program: func(Upstream) pulumi.RunFunc { return program }}
}
