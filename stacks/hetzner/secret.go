package hetzner

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/kubernetes"
)

// Where the stack's hcloud provider finds its API token: the stack's
// config, else the environment (pulumi-hcloud sdk/go/hcloud/config,
// GetToken: "can also be specified with the HCLOUD_TOKEN environment
// variable").
const (
	tokenConfigKey = "hcloud:token"
	tokenEnv       = "HCLOUD_TOKEN"
)

// hcloudToken is the Hetzner API token the stack deploys with, which the
// add-ons use too: the project's token, as Hetzner tokens are per project.
// It is read plain: the Manifests resource holding it makes its objects
// secret, as they hold a Secret.
func hcloudToken(ctx *pulumi.Context) string {
	if t, _ := ctx.GetConfig(tokenConfigKey); t != "" {
		return t
	}
	return os.Getenv(tokenEnv)
}

// addonSecret applies the hcloud Secret (hcloudSecret) to the cluster over
// the Kubernetes API, from where infra runs, as the cluster's admin (the
// client certificate of the CA infra made). It never goes through user
// data, which the metadata service serves to anything on a node.
//
// The API is reached where `infra kubeconfig` reaches it: on the first
// control plane's public address when the cluster sets apiAccess (the
// certificate is the registration address's, so that is the name checked),
// else at the registration load balancer, a private address, reached over
// the mesh. after is what must exist first: the servers and the
// registration load balancer's target and service. The provider retries
// while the cluster boots.
//
// The network is named, not numbered (the CCM takes either: hcloud-cloud-
// controller-manager docs/guides/private-network-setup.md, step 6), so the
// Secret is known in full before the network exists.
func (p *program) addonSecret(ca *ClusterCA, publics []pulumi.StringOutput, after []pulumi.Resource) error {
	args := p.clusterAPI(ca, publics)
	args.Objects = []kubernetes.Object{kubernetes.Object(hcloudSecret(hcloudToken(p.ctx), p.name("network")))}
	_, err := kubernetes.NewManifests(p.ctx, p.name("hcloud-secret"), args, pulumi.DependsOn(append(after, p.net)))
	return err
}

// clusterAPI is where and how infra reaches the cluster's API (see
// addonSecret), for a Manifests resource to fill in its objects.
func (p *program) clusterAPI(ca *ClusterCA, publics []pulumi.StringOutput) *kubernetes.ManifestsArgs {
	args := &kubernetes.ManifestsArgs{
		Cluster:    p.id,
		Server:     pulumi.String(fmt.Sprintf("https://%s:%d", p.regIP, apiPort)),
		CACert:     ca.CaCert,
		ClientCert: ca.ClientCert,
		ClientKey:  ca.ClientKey,
	}
	if len(p.r.Cluster.APIAccess) > 0 && len(publics) > 0 {
		args.Server = publics[0].ApplyT(func(ip string) string { return fmt.Sprintf("https://%s:%d", ip, apiPort) }).(pulumi.StringOutput)
		args.TLSServerName = pulumi.String(p.regIP.String())
	}
	return args
}
