package hetzner

import (
	"strconv"

	"github.com/pulumi/pulumi-hcloud/sdk/go/hcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// firewall is the servers' Hetzner firewall. Hetzner firewalls filter only
// public interfaces (docs.hetzner.com/cloud/firewalls: "Firewalls only
// filter traffic on the public network interfaces"), so it has no rules: no
// inbound traffic from the internet at all, SSH included; replies to what
// the servers start pass, as the firewall is stateful. What crosses the
// private network is the nodes' own nftables' business (nodeFirewall).
func firewall(ctx *pulumi.Context, name string, labels pulumi.StringMap) (*hcloud.Firewall, error) {
	return hcloud.NewFirewall(ctx, name, &hcloud.FirewallArgs{
		Name:   pulumi.String(name),
		Labels: labels,
	})
}

// Outputs of a Hetzner regional stack whose cluster sets apiAccess: the
// API's URL on the first control plane's public address, and on every
// control plane's, in order.
const (
	APIPublicEndpointOutput  = "apiPublicEndpoint"
	APIPublicEndpointsOutput = "apiPublicEndpoints"
)

// apiFirewall is the control planes' second firewall when the cluster sets
// apiAccess: TCP 6443 from those networks only, on the public interface
// (Hetzner firewalls filter public interfaces only, and a server's
// firewalls add up). Hetzner load balancers take no firewall and no source
// filter, so the API is not put behind one on the internet. Without
// apiAccess there is none, and the API answers only on the private network
// and over the mesh, at the registration address.
func (p *program) apiFirewall() (*hcloud.Firewall, error) {
	k := p.r.Cluster
	if len(k.APIAccess) == 0 {
		return nil, nil
	}
	sources := pulumi.StringArray{}
	for _, c := range k.APIAccess {
		sources = append(sources, pulumi.String(c))
	}
	return hcloud.NewFirewall(p.ctx, p.name("api-firewall"), &hcloud.FirewallArgs{
		Name:   pulumi.String(p.name("api-firewall")),
		Labels: p.labels("control-plane"),
		Rules: hcloud.FirewallRuleArray{hcloud.FirewallRuleArgs{
			Direction:   pulumi.String("in"),
			Protocol:    pulumi.String("tcp"),
			Port:        pulumi.String(strconv.Itoa(apiPort)),
			SourceIps:   sources,
			Description: pulumi.String("Kubernetes API from apiAccess"),
		}},
	})
}
