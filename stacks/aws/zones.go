package aws

import (
	"fmt"
	"slices"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/rules"
)

// placeZones chooses the AZ ID each spec zone's subnets go to, given the
// region's available zones as the target account names them (names[i] is
// ids[i]). A zone goes to its own ID unless that is one of excluded (the
// AZ IDs EKS refuses for cluster subnets); such a zone moves to the first
// zone, in ID order, that is neither excluded nor taken by another spec
// zone. Names map to IDs per account (AWS AZ documentation: "us-east-1a"
// may be a different physical zone in another account), so the choice is
// made against the account at deploy time, never from the spec's letter.
func placeZones(spec, names, ids, excluded []string) (map[string]string, error) {
	if len(names) != len(ids) {
		return nil, fmt.Errorf("DescribeAvailabilityZones answered %d names and %d zone IDs", len(names), len(ids))
	}
	idOf := map[string]string{}
	for i, n := range names {
		idOf[n] = ids[i]
	}
	out, taken := map[string]string{}, map[string]bool{}
	var moved []string
	for _, z := range spec {
		id, ok := idOf[z]
		if !ok {
			return nil, fmt.Errorf("zone %s is not available to this account (its zones: %v)", z, names)
		}
		if slices.Contains(excluded, id) {
			moved = append(moved, z)
			continue
		}
		out[z], taken[id] = id, true
	}
	free := slices.Clone(ids)
	slices.Sort(free)
	for _, z := range moved {
		i := slices.IndexFunc(free, func(id string) bool { return !taken[id] && !slices.Contains(excluded, id) })
		if i < 0 {
			return nil, fmt.Errorf("zone %s is %s, which EKS does not take, and the region has no other zone left", z, idOf[z])
		}
		out[z], taken[free[i]] = free[i], true
	}
	return out, nil
}

// zoneIDs looks the region's zones up in the target account and places the
// spec's zones by AZ ID (placeZones), avoiding the AZ IDs EKS refuses
// (rules.EKSUnsupportedZoneIDs). The result maps spec zone to AZ ID.
func (p *program) zoneIDs(prov pulumi.ProviderResource) pulumi.StringMapOutput {
	spec := make([]string, len(p.net.Zones))
	for i, z := range p.net.Zones {
		spec[i] = z.Zone
	}
	excluded := rules.EKSUnsupportedZoneIDs(p.r.Name)
	azs := awsp.GetAvailabilityZonesOutput(p.ctx, awsp.GetAvailabilityZonesOutputArgs{
		State: pulumi.String("available"),
	}, pulumi.Provider(prov))
	return azs.ApplyT(func(r awsp.GetAvailabilityZonesResult) (pulumi.StringMapOutput, error) {
		if len(r.Names) == 0 && p.ctx.DryRun() {
			// A preview against a provider that is not configured yet (its
			// role comes from an undeployed stack) gets empty invoke
			// results: the placement is not known until deployment.
			return pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) map[string]string { return nil }).(pulumi.StringMapOutput), nil
		}
		m, err := placeZones(spec, r.Names, r.ZoneIds, excluded)
		if err != nil {
			return pulumi.StringMapOutput{}, fmt.Errorf("%s: aws region %s: %w", p.r.At("zones"), p.id, err)
		}
		return pulumi.ToStringMap(m).ToStringMapOutput(), nil
	}).(pulumi.StringMapOutput)
}
