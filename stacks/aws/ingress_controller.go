package aws

import (
	"encoding/base64"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/kubernetes"
	"infra/stacks/kubernetes/ingressnginx"
)

// nodePorts are the fixed node ports of the controller's Service, by
// listener port, and healthNodePort the one of its health endpoint: fixed,
// so the target groups (created before the Service) can name them. They
// are in the default node port range, 30000-32767 (Kubernetes docs,
// Service, type NodePort).
var nodePorts = map[int]int{80: 30080, 443: 30443}

const healthNodePort = 30254

// controllerService is how the controller's Service exposes it in EKS:
// on fixed node ports, the network load balancer's targets (ingress).
var controllerService = ingressnginx.Service{Type: "NodePort", NodePorts: nodePorts, HealthNodePort: healthNodePort}

// ingressController installs the ingress controller in the cluster over
// its API, as the deploy role that created it (EKS made it cluster admin:
// bootstrapClusterCreatorAdminPermissions; a second access entry for the
// same role would fail with ResourceInUseException, EKS API Reference,
// CreateAccessEntry). The token is aws eks get-token's, signed with the
// provider's credentials. Nothing when the cluster has no apiAccess: its
// endpoint is private, and validation warned that infra cannot reach it.
func (p *program) ingressController(cluster *eks.Cluster, nodes []*eks.NodeGroup, prov pulumi.ProviderResource) error {
	if len(p.r.Cluster.APIAccess) == 0 {
		return nil
	}
	auth := eks.GetClusterAuthOutput(p.ctx, eks.GetClusterAuthOutputArgs{Name: cluster.Name}, pulumi.Provider(prov))
	ca := cluster.CertificateAuthority.Data().Elem().ApplyT(decodeBase64).(pulumi.StringOutput)
	deps := make([]pulumi.Resource, len(nodes))
	for i, n := range nodes {
		deps[i] = n
	}
	objects := controllerService.Objects()
	if route, ok := p.healthIngress(); ok {
		objects = append(objects, route)
	}
	_, err := kubernetes.NewManifests(p.ctx, p.name("ingress-controller"), &kubernetes.ManifestsArgs{
		Cluster: p.clusterName(),
		Server:  cluster.Endpoint,
		CACert:  ca,
		Token:   auth.Token(),
		Objects: objects,
	}, pulumi.DependsOn(deps))
	return err
}

// decodeBase64 decodes EKS's certificateAuthority.data, the base64 of the
// PEM certificate.
func decodeBase64(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	return string(b), err
}
