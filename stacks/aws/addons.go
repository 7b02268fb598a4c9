package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// podIdentityTrust is the trust policy of a role that EKS Pod Identity
// hands to pods: the pods.eks.amazonaws.com service assumes it and tags the
// session (EKS User Guide, "Create IAM role with trust policy required by
// EKS Pod Identity").
const podIdentityTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`

// addonsBeforeNodes installs the EKS managed add-ons that nodes need to
// become Ready: the Pod Identity agent, the VPC CNI (its permissions
// through Pod Identity, not on the node role, so that no pod on a node can
// use them) and kube-proxy. They run as DaemonSets, so they are healthy
// with no node yet (terraform-aws-modules/eks: before_compute). It
// returns them, for the node groups to wait on.
func (p *program) addonsBeforeNodes(cluster *eks.Cluster) ([]pulumi.Resource, error) {
	agent, err := p.addon(cluster, "eks-pod-identity-agent", nil)
	if err != nil {
		return nil, err
	}
	cniRole, cniAttach, err := p.podRole("vpc-cni-role", []string{"AmazonEKS_CNI_Policy"})
	if err != nil {
		return nil, err
	}
	cni, err := p.addon(cluster, "vpc-cni", eks.AddonPodIdentityAssociationArray{&eks.AddonPodIdentityAssociationArgs{
		RoleArn:        cniRole.Arn,
		ServiceAccount: pulumi.String("aws-node"),
	}}, append(cniAttach, agent)...)
	if err != nil {
		return nil, err
	}
	proxy, err := p.addon(cluster, "kube-proxy", nil)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{agent, cni, proxy}, nil
}

// addonsAfterNodes installs what runs as Deployments and so needs nodes:
// CoreDNS.
func (p *program) addonsAfterNodes(cluster *eks.Cluster, nodes []pulumi.Resource) error {
	_, err := p.addon(cluster, "coredns", nil, nodes...)
	return err
}

// addon installs one EKS managed add-on at the default version for the
// cluster's Kubernetes version, overwriting what EKS installed by itself
// (vpc-cni, kube-proxy and coredns come preinstalled as self-managed).
func (p *program) addon(cluster *eks.Cluster, name string, identities eks.AddonPodIdentityAssociationArrayInput, after ...pulumi.Resource) (*eks.Addon, error) {
	args := &eks.AddonArgs{
		ClusterName:              cluster.Name,
		AddonName:                pulumi.String(name),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		Tags:                     p.tags(p.name("addon", name)),
	}
	if identities != nil {
		args.PodIdentityAssociations = identities
	}
	return eks.NewAddon(p.ctx, p.name("addon", name), args, p.with(pulumi.DependsOn(after))...)
}

// podRole declares a role for pods (EKS Pod Identity) with AWS managed
// policies attached, returning the attachments for DependsOn.
func (p *program) podRole(part string, policies []string) (*iam.Role, []pulumi.Resource, error) {
	return p.roleTrusting(part, podIdentityTrust, policies)
}
