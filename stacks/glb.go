package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	awsstack "infra/stacks/aws"
	ibmstack "infra/stacks/ibm"
	"infra/topology"
)

// Exports of the global load balancer.
const (
	// GLBHostnameOutput is the load-balanced hostname.
	GLBHostnameOutput = "glbHostname"
	// GLBNameServersOutput are the name servers to delegate its zone to.
	GLBNameServersOutput = "glbNameServers"
	// IngressAddressesOutput maps each origin's region ID to its address.
	IngressAddressesOutput = "ingressAddresses"
)

// HostnameIngress reports whether a cloud's regional stacks export a DNS
// name as ingressAddress (AWS network load balancer, IBM cluster Ingress
// subdomain); Hetzner's and OVH's export an IPv4 address.
func HostnameIngress(c topology.Cloud) bool { return c == topology.AWS || c == topology.IBM }

// glb is the program of the glb stack: the global load balancer
// (network.GLB) on the provider the spec names, its origins the member
// regions' ingressAddress exports.
func glb(ctx *pulumi.Context, g *Graph, up Upstream, providers *awsstack.Providers) error {
	spec := g.Spec
	m := g.Model.GLB
	var nameServers pulumi.StringArrayOutput
	switch m.Provider {
	case "ibm-cis":
		ingress := map[string]pulumi.StringInput{}
		for _, o := range m.Origins {
			ingress[o.ID] = ingressOf(ctx, up, o.ID)
		}
		_, domain, err := ibmstack.GlobalLoadBalancer(ctx, ibmstack.GlobalLoadBalancerArgs{
			Spec: spec, GLB: m, Ingress: ingress, ResourceGroup: cisResourceGroup(spec),
		})
		if err != nil {
			return err
		}
		nameServers = domain.NameServers
	case "route53":
		origins := map[string]awsstack.Origin{}
		for _, o := range m.Origins {
			origins[o.ID] = awsstack.Origin{Address: ingressOf(ctx, up, o.ID), Hostname: HostnameIngress(o.Cloud)}
		}
		zone, err := awsstack.Route53(ctx, awsstack.Route53Args{
			Spec: spec, GLB: m, Providers: providers, Account: dnsAccount(ctx, g.LandingZone, up), Region: dnsRegion(spec, g.LandingZone), Origins: origins,
		})
		if err != nil {
			return err
		}
		nameServers = zone.NameServers
	default:
		return fmt.Errorf("%s: no global load balancer on %q", spec.Network.GlobalLoadBalancer.At("provider"), m.Provider)
	}
	ctx.Export(GLBHostnameOutput, pulumi.String(m.Hostname))
	ctx.Export(GLBNameServersOutput, nameServers)
	// the origins' addresses as the load balancer was given them
	ingress := pulumi.Map{}
	for _, o := range m.Origins {
		ingress[o.ID] = up.Output(ctx, o.ID, "ingressAddress")
	}
	ctx.Export(IngressAddressesOutput, ingress)
	return nil
}

// ingressOf is a member region's ingress address; an error if its stack
// exports none, rather than an origin with an empty address.
func ingressOf(ctx *pulumi.Context, up Upstream, id string) pulumi.StringOutput {
	return up.StringOutput(ctx, id, "ingressAddress").ApplyT(func(a string) (string, error) {
		if a == "" {
			return "", fmt.Errorf("global load balancer: stack %s exports no ingressAddress", id)
		}
		return a, nil
	}).(pulumi.StringOutput)
}

// cisResourceGroup holds the CIS instance: that of the first IBM entry's
// environment, as for the Transit Gateway; the account's Default group
// when the topology has no IBM region, and so no group of its own.
func cisResourceGroup(spec *topology.Spec) string {
	if c := spec.Clouds.IBM; c != nil && len(c.Regions) > 0 {
		return ibmstack.ResourceGroupName(spec, c.Regions[0].Environment)
	}
	return "Default"
}

// dnsAccount holds the Route 53 zone: the landing zone's hub account; else
// its first environment account (nothing but the landing zone itself
// deploys in the management account, where no SCP applies); else, with no
// landing zone, the caller's own.
func dnsAccount(ctx *pulumi.Context, lz *landingzone.Model, up Upstream) awsstack.Account {
	if hub := awsHub(ctx, lz, up); hub != nil {
		return *hub
	}
	if lz == nil || lz.AWS == nil {
		return awsstack.Account{}
	}
	for _, a := range lz.AWS.Accounts {
		if a.Environment != "" {
			return awsAccount(ctx, lz, up, a.Environment)
		}
	}
	a := lz.AWS.Accounts[0]
	return awsstack.Account{Name: a.Name, Role: entry(ctx, up, awsstack.LandingZoneStack, awsstack.DeployRoleArnsOutput, a.Name)}
}

// dnsRegion is the region of the Route 53 provider (Route 53 itself is
// global): the landing zone's home region, else the first AWS region of
// the spec, else us-east-1.
func dnsRegion(spec *topology.Spec, lz *landingzone.Model) string {
	switch {
	case lz != nil && lz.AWS != nil:
		return lz.AWS.HomeRegion
	case spec.Clouds.AWS != nil && len(spec.Clouds.AWS.Regions) > 0:
		return spec.Clouds.AWS.Regions[0].Name
	}
	return landingzone.DefaultAWSHomeRegion
}
