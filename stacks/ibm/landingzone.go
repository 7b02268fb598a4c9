package ibm

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// LandingZoneStack is the name of the IBM landing-zone stack.
const LandingZoneStack = "landingzone-ibm"

// Exports of the landing zone that regional stacks read, each a map keyed by
// environment.
const (
	KmsInstancesOutput = "kmsInstances"
	KmsRootKeysOutput  = "kmsRootKeys"
	DeployersOutput    = "deployers"
	DeployerKeysOutput = "deployerApiKeys"
	// CbrZonesOutput are the ids of the environments' CBR network zones,
	// to which each regional stack adds its VPC.
	CbrZonesOutput = "cbrZones"
)

// iksService is the IAM service name of IBM Kubernetes Service.
const iksService = "containers-kubernetes"

// LandingZoneArgs is what the IBM landing-zone program is built from.
type LandingZoneArgs struct {
	Spec *topology.Spec
	// Account is landingzone.Derive(Spec).IBM.
	Account *landingzone.IBMAccount
	// Rules are the guardrails' context-based restrictions (model.Model.CBR).
	Rules []policies.CBRRule
}

// LandingZone declares, per environment, the resource group the regional
// stacks deploy into, the access group that deploys it with its IAM grants,
// Key Protect with a root key IKS may use (when encryption is required), the
// CBR network zone of the environment's clusters, and the guardrails'
// context-based restrictions.
func LandingZone(ctx *pulumi.Context, args LandingZoneArgs) error {
	a, spec := args.Account, args.Spec
	if a == nil || spec == nil {
		return fmt.Errorf("ibm landing zone: Spec and Account are required")
	}
	name := func(parts ...string) string { return LandingZoneStack + "-" + strings.Join(parts, "-") }
	groups, accessGroups := pulumi.StringMap{}, pulumi.StringMap{}
	kmsInstances, kmsKeys := pulumi.StringMap{}, pulumi.StringMap{}
	deployers, deployerKeys, cbrZones := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	// Where infra runs from: a rule on an instance infra makes things in
	// admits it over the public endpoint infra calls, or once enforced it
	// refuses infra's own reads, updates and deletes (ibm.md item 5a).
	var runners pulumi.StringArray
	if c := spec.Clouds.IBM; c != nil && len(c.DeployFrom) > 0 {
		z, err := NewCbrZone(ctx, name("infra-zone"), &CbrZoneArgs{
			Name:        pulumi.String(spec.Name + "-infra"),
			Description: pulumi.String("where infra deploys " + spec.Name + " from (clouds.ibm.deployFrom)"),
			IpAddresses: pulumi.ToStringArray(c.DeployFrom),
		})
		if err != nil {
			return err
		}
		runners = pulumi.StringArray{z.ID().ToStringOutput()}
	}
	for _, e := range a.Environments {
		rg, err := NewResourceGroup(ctx, name(e.Name, "resource-group"), &ResourceGroupArgs{Name: pulumi.String(e.ResourceGroup)})
		if err != nil {
			return err
		}
		rgID := rg.ID().ToStringOutput()
		ag, err := NewAccessGroup(ctx, name(e.Name, "deployers"), &AccessGroupArgs{
			Name:        pulumi.String(e.AccessGroup),
			Description: pulumi.String("deploys the " + e.Name + " environment of " + spec.Name + "; infra's service ID is its member"),
		})
		if err != nil {
			return err
		}
		// The identity infra deploys the environment as joins the group, so
		// that the grants below reach it.
		sid, err := NewServiceId(ctx, name(e.Name, "deployer"), &ServiceIdArgs{
			Name:        pulumi.String(e.ServiceID),
			Description: pulumi.String("infra deploys the " + e.Name + " environment of " + spec.Name + " with this identity"),
		})
		if err != nil {
			return err
		}
		if _, err := NewAccessGroupMember(ctx, name(e.Name, "deployer-member"), &AccessGroupMemberArgs{
			AccessGroup: ag.ID().ToStringOutput(),
			IamId:       sid.IamId,
			Type:        pulumi.String("service"),
		}); err != nil {
			return err
		}
		deployers[e.Name] = sid.IamId
		deployerKeys[e.Name] = sid.ApiKey
		for i, g := range e.Grants {
			attrs := pulumi.StringMap{}
			for _, k := range sortedKeys(g.Attributes) {
				switch v := g.Attributes[k]; {
				case k == "resourceGroup":
					// The model names the group; IAM takes its id.
					attrs["resourceGroupId"] = rgID
				case k == "resource" && g.Attributes["resourceType"] == "resource-group":
					attrs[k] = rgID
				default:
					attrs[k] = pulumi.String(v)
				}
			}
			if _, err := NewIamPolicy(ctx, name(e.Name, "deployers", fmt.Sprint(i+1)), &IamPolicyArgs{
				Type:               pulumi.String("access"),
				AccessGroup:        ag.ID().ToStringOutput().ToStringPtrOutput(),
				Roles:              pulumi.ToStringArray(g.Roles),
				ResourceAttributes: attrs,
				Description:        pulumi.String(grantDescription(e, g)),
			}); err != nil {
				return err
			}
		}
		groups[e.Name] = rgID
		accessGroups[e.Name] = ag.ID().ToStringOutput()

		zone, err := NewCbrZone(ctx, name(e.Name, "zone"), &CbrZoneArgs{
			Name:        pulumi.String(e.Zone),
			Description: pulumi.String("the " + e.Name + " clusters of " + spec.Name),
			ServiceRefs: pulumi.StringArray{pulumi.String(iksService)},
		})
		if err != nil {
			return err
		}
		cbrZones[e.Name] = zone.ID().ToStringOutput()
		instances := map[string]pulumi.StringOutput{}
		// A rule on an instance waits for what infra makes inside it: once
		// enforced, the rule refuses infra's own calls to the instance
		// (ibm.md item 5b: the root key's create raced the Key Protect rule).
		inside := map[string][]pulumi.Resource{}
		if kp := e.KeyProtect; kp != nil {
			tags, err := envTags(spec, e.Name)
			if err != nil {
				return err
			}
			inst, err := NewResourceInstance(ctx, name(e.Name, "kms"), &ResourceInstanceArgs{
				Name:          pulumi.String(kp.Instance),
				Service:       pulumi.String("kms"),
				Plan:          pulumi.String(kp.Plan),
				Location:      pulumi.String(kp.Region),
				ResourceGroup: pulumi.String(e.ResourceGroup),
				Tags:          tags,
			}, pulumi.DependsOn([]pulumi.Resource{rg}))
			if err != nil {
				return err
			}
			key, err := NewKmsKey(ctx, name(e.Name, "kms-root-key"), &KmsKeyArgs{
				Instance: inst.Guid,
				Region:   pulumi.String(kp.Region),
				Name:     pulumi.String(kp.RootKey),
				RootKey:  pulumi.Bool(true),
			})
			if err != nil {
				return err
			}
			// IKS reads the root key to wrap the cluster's data encryption keys.
			if _, err := NewIamPolicy(ctx, name(e.Name, "iks-reads-kms"), &IamPolicyArgs{
				Type:          pulumi.String("authorization"),
				SourceService: pulumi.String(iksService).ToStringPtrOutput(),
				Roles:         pulumi.ToStringArray([]string{"Reader"}),
				ResourceAttributes: pulumi.StringMap{
					"serviceName":     pulumi.String("kms"),
					"serviceInstance": inst.Guid,
				},
				Description: pulumi.String("IKS clusters of " + e.ResourceGroup + " use Key Protect " + kp.Instance),
			}); err != nil {
				return err
			}
			instances[kp.Instance] = inst.Guid
			inside[kp.Instance] = append(inside[kp.Instance], key)
			kmsInstances[e.Name] = inst.Guid
			kmsKeys[e.Name] = key.KeyId
		}
		for _, r := range args.Rules {
			if r.Environment != e.Name {
				continue
			}
			attrs := pulumi.StringMap{"serviceName": pulumi.String(r.Service)}
			if r.ResourceGroup != "" {
				attrs["resourceGroupId"] = rgID
			}
			if r.ServiceInstance != "" {
				id, ok := instances[r.ServiceInstance]
				if !ok {
					return fmt.Errorf("ibm landing zone: CBR rule %s names instance %s, which the landing zone has not", r.Name, r.ServiceInstance)
				}
				attrs["serviceInstance"] = id
			}
			args := &CbrRuleArgs{
				Description:        pulumi.String(r.Description),
				ResourceAttributes: attrs,
				Zones:              pulumi.StringArray{zone.ID().ToStringOutput()},
				EndpointType:       pulumi.String(r.EndpointType),
				EnforcementMode:    pulumi.String(r.EnforcementMode),
			}
			if len(inside[r.ServiceInstance]) > 0 && runners != nil {
				args.PublicZones = runners
			}
			if _, err := NewCbrRule(ctx, name("cbr", r.Name), args, pulumi.DependsOn(inside[r.ServiceInstance])); err != nil {
				return err
			}
		}
	}
	ctx.Export("resourceGroups", groups)
	ctx.Export("accessGroups", accessGroups)
	// The deployers' IAM ids, and their API keys as a secret: what the
	// regional stacks of each environment run with (IBMCLOUD_API_KEY).
	ctx.Export(DeployersOutput, deployers)
	ctx.Export(DeployerKeysOutput, pulumi.ToSecret(deployerKeys))
	ctx.Export(KmsInstancesOutput, kmsInstances)
	ctx.Export(KmsRootKeysOutput, kmsKeys)
	ctx.Export(CbrZonesOutput, cbrZones)
	return nil
}

func grantDescription(e *landingzone.IBMEnvironment, g landingzone.IBMGrant) string {
	// IamPolicy finds infra's policies by description: each grant's is
	// unique in its group.
	s := strings.Join(g.Roles, " and ") + " on " + e.ResourceGroup
	if svc := g.Attributes["serviceName"]; svc != "" {
		s = strings.Join(g.Roles, " and ") + " on " + svc + " in " + e.ResourceGroup
	}
	if g.Attributes["resourceType"] == "resource-group" {
		s = strings.Join(g.Roles, " and ") + " of the resource group " + e.ResourceGroup
	}
	if r := g.Attributes["region"]; r != "" {
		s += " in " + r
	}
	return s
}

// envTags are the landing zone's tags of an environment as IBM user tags.
func envTags(spec *topology.Spec, env string) (pulumi.StringArray, error) {
	m := landingzone.Tags(spec, env)
	var out pulumi.StringArray
	for _, k := range sortedKeys(m) {
		t := strings.ToLower(k + ":" + m[k])
		if !tagRE.MatchString(t) {
			return nil, fmt.Errorf("%s: tag %s=%s cannot be an IBM Cloud tag %q", spec.At("tags."+k), k, m[k], t)
		}
		out = append(out, pulumi.String(t))
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
