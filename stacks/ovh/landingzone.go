package ovh

import (
	"fmt"

	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/iam"
	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/me"
	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/vrack"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// LandingZoneStack is the name of the OVH landing-zone stack.
const LandingZoneStack = "landingzone-ovh"

// LandingZoneArgs is what the OVH landing-zone program is built from.
type LandingZoneArgs struct {
	Spec *topology.Spec
	// Account is landingzone.Derive(Spec).OVH.
	Account *landingzone.OVHAccount
	// Denies are the guardrails' denied actions (policies.OVHDenies).
	Denies []policies.OVHDeny
}

// ProjectURN is the IAM URN of a Public Cloud project (landingzone.OVHProjectURN).
func ProjectURN(project string) string { return landingzone.OVHProjectURN(project) }

// LandingZone declares one identity group per environment, with no account
// role of its own, and an IAM policy allowing it the Public Cloud project
// except for what the guardrails deny. infra's service account belongs to
// the group of the environment it deploys.
func LandingZone(ctx *pulumi.Context, args LandingZoneArgs) error {
	a, spec := args.Account, args.Spec
	if a == nil || spec == nil {
		return fmt.Errorf("ovh landing zone: Spec and Account are required")
	}
	// The project's private networks live in a vRack: attach the project
	// to it first (ovh_vrack_cloudproject). The regional stacks, which
	// create the networks, run after this stack.
	if _, err := vrack.NewCloudProject(ctx, LandingZoneStack+"-vrack", &vrack.CloudProjectArgs{
		ServiceName: pulumi.String(Vrack(ctx, spec)),
		ProjectId:   pulumi.String(Project(ctx, spec)),
	}); err != nil {
		return err
	}
	project := ProjectURN(Project(ctx, spec))
	var denies []string
	for _, d := range args.Denies {
		denies = append(denies, d.Actions...)
	}
	groups := pulumi.StringMap{}
	for _, g := range a.Groups {
		grp, err := me.NewIdentityGroup(ctx, LandingZoneStack+"-"+g.Environment, &me.IdentityGroupArgs{
			Name:        pulumi.String(g.Name),
			Description: pulumi.String("deploys the " + g.Environment + " environment of " + spec.Name),
			Role:        pulumi.String("NONE"),
		})
		if err != nil {
			return err
		}
		pol := &iam.PolicyArgs{
			Name:        pulumi.String(g.Policy),
			Description: pulumi.String("the " + g.Environment + " deployers of " + spec.Name + " on the Public Cloud project"),
			Identities:  pulumi.StringArray{grp.GroupURN},
			Resources:   pulumi.StringArray{pulumi.String(project)},
			Allows:      pulumi.ToStringArray(policies.OVHProjectActions),
		}
		if len(denies) > 0 {
			pol.Denies = pulumi.ToStringArray(denies)
		}
		if _, err := iam.NewPolicy(ctx, LandingZoneStack+"-"+g.Environment+"-deployers", pol); err != nil {
			return err
		}
		groups[g.Environment] = grp.GroupURN
	}
	ctx.Export("identityGroups", groups)
	return nil
}

// Vrack is the vRack the project is attached to: the spec's clouds.ovh.vrack,
// else the VrackConfigKey config, else VrackEnv, else VrackPlaceholder.
func Vrack(ctx *pulumi.Context, spec *topology.Spec) string {
	var vrack string
	if c := spec.Clouds.OVH; c != nil {
		vrack = c.Vrack
	}
	return setting(ctx, vrack, VrackConfigKey, VrackEnv, VrackPlaceholder)
}
