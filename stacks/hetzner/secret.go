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

// clusterAPI is where and how infra reaches the cluster's API, for a
// Manifests resource to fill in its objects: as the cluster's admin (the
// client certificate of the CA infra made), where `infra kubeconfig`
// reaches it: on the first control plane's public address when the
// cluster sets apiAccess (the certificate is the registration address's,
// so that is the name checked), else at the registration load balancer, a
// private address, reached over the mesh. The provider retries while the
// cluster boots.
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

// kubeAccess is what clusterAPI needs: the cluster's CA and the control
// planes' public addresses, in order.
type kubeAccess struct {
	ca      *ClusterCA
	publics []pulumi.StringOutput
}

// clusterObjects declares objects applied to the cluster over its API,
// from where infra runs, once after exists (infra:kubernetes:Manifests).
// What must reach running nodes goes this way, not through user data:
// user data reaches only servers made after it changes (the servers
// ignore its changes, hetzner.go), and the metadata service serves it to
// anything on a node.
func (p *program) clusterObjects(name string, api kubeAccess, objs []obj, after []pulumi.Resource) (*kubernetes.Manifests, error) {
	args := p.clusterAPI(api.ca, api.publics)
	for _, o := range objs {
		args.Objects = append(args.Objects, kubernetes.Object(o))
	}
	return kubernetes.NewManifests(p.ctx, p.name(name), args, pulumi.DependsOn(after))
}

// clusterAddons applies what infra keeps in the cluster, in order:
//   - the hcloud Secret (hcloudSecret), after the servers, the registration
//     load balancer's target and service (reg) and the network it names.
//     The network is named, not numbered (the CCM takes either:
//     hcloud-cloud-controller-manager docs/guides/private-network-setup.md,
//     step 6), so the Secret is known in full before the network exists;
//   - the hcloud add-ons (addons.go), which read it, after it: a set of
//     their own, so that a preview shows their changes, which the Secret's
//     set would hide;
//   - the system-upgrade-controller (upgrade.go) and the Plans that hold
//     every node at the pinned k3s release, after the add-ons: the
//     controller's pod waits for the cloud-controller-manager to
//     initialise a node, and the Plans wait for the controller to register
//     their kind (provider/kubernetes.go, kind.addon), so that wait starts
//     when it can end. One set: the Plans live in the controller's
//     namespace and apply last.
func (p *program) clusterAddons(api kubeAccess, servers, reg []pulumi.Resource) error {
	after := append(append(append([]pulumi.Resource{}, servers...), reg...), p.net)
	secret, err := p.clusterObjects("hcloud-secret", api, []obj{hcloudSecret(hcloudToken(p.ctx), p.name("network"))}, after)
	if err != nil {
		return err
	}
	addons, err := p.clusterObjects("hcloud-addons", api, addonObjects(p.r.Name), []pulumi.Resource{secret})
	if err != nil {
		return err
	}
	_, err = p.clusterObjects("k3s-upgrade", api, append(controllerObjects(), upgradePlans(p.k3s)...), []pulumi.Resource{addons})
	return err
}
