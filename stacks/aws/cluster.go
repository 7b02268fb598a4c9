package aws

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// eksLogRetentionDays keeps control-plane logs (api, audit,
// authenticator) for 90 days instead of forever.
const eksLogRetentionDays = 90

// The AWS managed policies an EKS cluster and its managed nodes need.
var (
	clusterPolicies = []string{"AmazonEKSClusterPolicy"}
	// The CNI's policy is not here: the vpc-cni add-on gets it through
	// Pod Identity (addonsBeforeNodes), so pods on the node cannot use it
	// through the instance role (EKS User Guide, "Configure the Amazon VPC
	// CNI plugin to use IRSA/Pod Identity").
	nodePolicies = []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}
)

// cluster declares EKS: its IAM roles, a KMS key for envelope encryption of
// Kubernetes secrets, the control plane on the private subnets, and one
// managed node group per zone so each AZ scales on its own.
func (p *program) cluster(vpc *ec2.Vpc, sub *subnets) (*eks.Cluster, []*eks.NodeGroup, error) {
	ctx, k := p.ctx, p.r.Cluster
	clusterRole, clusterAttach, err := p.role("eks-cluster-role", "eks.amazonaws.com", clusterPolicies)
	if err != nil {
		return nil, nil, err
	}
	nodeRole, nodeAttach, err := p.role("eks-node-role", "ec2.amazonaws.com", nodePolicies)
	if err != nil {
		return nil, nil, err
	}
	key, err := kms.NewKey(ctx, p.name("eks-secrets-key"), &kms.KeyArgs{
		Description:       pulumi.String("Envelope encryption of Kubernetes secrets in " + p.clusterName()),
		EnableKeyRotation: pulumi.Bool(true),
		Tags:              p.tags(p.name("eks-secrets-key")),
	}, p.with()...)
	if err != nil {
		return nil, nil, err
	}
	sg, err := ec2.NewSecurityGroup(ctx, p.name("cluster-sg"), &ec2.SecurityGroupArgs{
		VpcId:       vpc.ID(),
		Description: pulumi.String("EKS control plane: the Kubernetes API from inside the region network"),
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("Kubernetes API"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(443),
			ToPort:      pulumi.Int(443),
			CidrBlocks:  pulumi.StringArray{pulumi.String(p.net.CIDR.String())},
		}},
		Egress: allEgress(),
		Tags:   p.tags(p.name("cluster-sg")),
	}, p.with()...)
	if err != nil {
		return nil, nil, err
	}
	// EKS writes control-plane logs to this group, creating it with no
	// expiry if it does not exist ("/aws/eks/<cluster>/cluster", EKS User
	// Guide, "Send control plane logs to CloudWatch Logs"): declared first,
	// with a retention, it is the one EKS uses.
	logs, err := cloudwatch.NewLogGroup(ctx, p.name("eks-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/eks/" + p.clusterName() + "/cluster"),
		RetentionInDays: pulumi.Int(eksLogRetentionDays),
		Tags:            p.tags(p.name("eks-logs")),
	}, p.with()...)
	if err != nil {
		return nil, nil, err
	}
	cluster, err := eks.NewCluster(ctx, p.name("eks"), &eks.ClusterArgs{
		Name:    pulumi.String(p.clusterName()),
		Version: pulumi.String(k.Kubernetes),
		RoleArn: clusterRole.Arn,
		VpcConfig: &eks.ClusterVpcConfigArgs{
			SubnetIds:        idsOf(sub.private),
			SecurityGroupIds: pulumi.StringArray{sg.ID()},
			// Private: the API is reached from inside the VPC, and from the
			// mesh and transit ranges the cluster security group admits
			// (admitCIDR). Public only for cluster.apiAccess, where infra
			// runs from (it applies the ingress controller through it): a
			// public endpoint without publicAccessCidrs is open to
			// 0.0.0.0/0 (EKS API Reference, VpcConfigRequest).
			EndpointPrivateAccess: pulumi.Bool(true),
			EndpointPublicAccess:  pulumi.Bool(len(k.APIAccess) > 0),
			PublicAccessCidrs:     publicAccess(k.APIAccess),
		},
		EncryptionConfig: &eks.ClusterEncryptionConfigArgs{
			Resources: pulumi.StringArray{pulumi.String("secrets")},
			Provider:  &eks.ClusterEncryptionConfigProviderArgs{KeyArn: key.Arn},
		},
		AccessConfig: &eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String("API"),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(true),
		},
		EnabledClusterLogTypes: pulumi.StringArray{pulumi.String("api"), pulumi.String("audit"), pulumi.String("authenticator")},
		Tags:                   p.tags(p.clusterName()),
	}, p.with(pulumi.DependsOn(append(clusterAttach, logs)))...)
	if err != nil {
		return nil, nil, err
	}
	before, err := p.addonsBeforeNodes(cluster)
	if err != nil {
		return nil, nil, err
	}
	lt, err := p.nodeLaunchTemplate()
	if err != nil {
		return nil, nil, err
	}
	var groups []pulumi.Resource
	var nodeGroups []*eks.NodeGroup
	n := k.NodesPerZone
	for i, z := range p.net.Zones {
		name := p.name("nodes", z.Zone)
		ng, err := eks.NewNodeGroup(ctx, name, &eks.NodeGroupArgs{
			ClusterName:   cluster.Name,
			NodeRoleArn:   nodeRole.Arn,
			SubnetIds:     pulumi.StringArray{sub.private[i].ID()},
			InstanceTypes: pulumi.StringArray{pulumi.String(k.InstanceType)},
			Version:       pulumi.String(k.Kubernetes),
			ScalingConfig: &eks.NodeGroupScalingConfigArgs{
				MinSize:     pulumi.Int(n.Min),
				MaxSize:     pulumi.Int(n.Max),
				DesiredSize: pulumi.Int(n.Desired),
			},
			UpdateConfig: &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
			// A new template version rolls the group's nodes, one at a
			// time (updateConfig); the template's id is fixed for the
			// group's life (EKS API Reference, UpdateNodegroupVersion).
			LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{
				Id:      lt.ID(),
				Version: lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput),
			},
			Tags: p.tags(name),
			// The desired size is where a node group starts; afterwards the
			// cluster autoscaler owns it, and an update must not reset it
			// (terraform-provider-aws eks_node_group docs: ignore_changes on
			// scaling_config[0].desired_size).
		}, p.with(pulumi.DependsOn(append(append([]pulumi.Resource{}, nodeAttach...), before...)), pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))...)
		if err != nil {
			return nil, nil, err
		}
		groups = append(groups, ng)
		nodeGroups = append(nodeGroups, ng)
	}
	if err := p.addonsAfterNodes(cluster, groups); err != nil {
		return nil, nil, err
	}
	if err := p.clusterAdmins(cluster); err != nil {
		return nil, nil, err
	}
	return cluster, nodeGroups, nil
}

// nodeLaunchTemplate is the launch template of the cluster's managed node
// groups, which sets only the instance metadata options: IMDSv2 only, and a
// PUT response hop limit of 1, so the session token a metadata read needs
// never leaves the node's own network stack. A pod on the pod network is a
// hop further (its own network namespace) and gets no token, so it cannot
// read the node role's credentials; host-network pods (aws-node, kube-proxy,
// the Pod Identity agent) still can, as they must (EC2 User Guide, "Use
// IMDSv2": "if the hop limit is 1 in a container environment, the call
// might not receive a response at all because going to the container is
// considered an additional network hop"; EKS Best Practices Guide,
// Security, "Restrict access to the instance profile assigned to the
// worker node"). Pods get AWS credentials through Pod Identity,
// which does not use IMDS. The defaults are not relied on: AL2023's AMIs
// default to a hop limit of 2 (Amazon Linux 2023 User Guide, "IMDSv2").
//
// EKS fills in the rest (AMI, user data, security groups, instance type
// from the node group): a template for managed nodes may set none of
// subnet, instance profile and the like (EKS User Guide, "Customize
// managed nodes with launch templates").
func (p *program) nodeLaunchTemplate() (*ec2.LaunchTemplate, error) {
	name := p.name("nodes-lt")
	return ec2.NewLaunchTemplate(p.ctx, name, &ec2.LaunchTemplateArgs{
		Description: pulumi.String("EKS nodes of " + p.clusterName() + ": IMDSv2 only, hop limit 1"),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		Tags: p.tags(name),
	}, p.with()...)
}

// role declares an IAM role that service may assume, with AWS managed
// policies attached. It returns the attachments too, for DependsOn: EKS
// must not start before its permissions exist.
func (p *program) role(part, service string, policies []string) (*iam.Role, []pulumi.Resource, error) {
	doc, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":    "Allow",
			"Principal": map[string]string{"Service": service},
			"Action":    "sts:AssumeRole",
		}},
	})
	if err != nil {
		return nil, nil, err
	}
	return p.roleTrusting(part, string(doc), policies)
}

// roleTrusting declares an IAM role with the trust policy trust and AWS
// managed policies attached, returning the attachments for DependsOn.
func (p *program) roleTrusting(part, trust string, policies []string) (*iam.Role, []pulumi.Resource, error) {
	role, err := iam.NewRole(p.ctx, p.name(part), &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             p.tags(p.name(part)),
	}, p.with()...)
	if err != nil {
		return nil, nil, err
	}
	var attached []pulumi.Resource
	for _, pol := range policies {
		a, err := iam.NewRolePolicyAttachment(p.ctx, p.name(part, pol), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(fmt.Sprintf("arn:%s:iam::aws:policy/%s", partition(p.r.Name), pol)),
		}, p.with()...)
		if err != nil {
			return nil, nil, err
		}
		attached = append(attached, a)
	}
	return role, attached, nil
}

// publicAccess is the endpoint's publicAccessCidrs: apiAccess, or nothing
// when the endpoint is private.
func publicAccess(cidrs []string) pulumi.StringArrayInput {
	if len(cidrs) == 0 {
		return nil
	}
	return pulumi.ToStringArray(cidrs)
}
