// Package aws holds the AWS programs of the stack graph: the regional stack
// of one AWS region entry (VPC, subnets, gateways, EKS, ingress load balancer).
package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	awsvpc "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// RegionalArgs is what the regional program of one AWS region entry needs.
type RegionalArgs struct {
	Spec   *topology.Spec
	Region *topology.AWSRegion
	// Net is the region's address plan, from network.Compute(spec).Region(Region.ID()).
	Net *network.RegionNet
	// DeployRole is the ARN of the role to assume in the environment's
	// member account (the landing zone's deploy role), so that its OU's
	// SCPs govern the stack; nil deploys with the caller's own credentials.
	DeployRole pulumi.StringInput
}

// eksLogRetentionDays keeps control-plane logs (api, audit,
// authenticator) for 90 days instead of forever.
const eksLogRetentionDays = 90

// ingressPorts are the listener ports of the ingress load balancer: plain
// HTTP for redirects and ACME challenges, HTTPS for traffic.
var ingressPorts = []int{80, 443}

// The AWS managed policies an EKS cluster and its managed nodes need.
var (
	clusterPolicies = []string{"AmazonEKSClusterPolicy"}
	nodePolicies    = []string{"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"}
)

// Regional declares the resources of one AWS regional stack and exports
// vpcId, cidr, zones, clusterName, clusterEndpoint and ingressAddress, plus the
// private subnets and route tables the transit gateway attaches to.
func Regional(ctx *pulumi.Context, args RegionalArgs) error {
	r, net := args.Region, args.Net
	if r == nil || net == nil || args.Spec == nil {
		return fmt.Errorf("aws regional program: Spec, Region and Net are required")
	}
	if len(net.Zones) == 0 {
		return fmt.Errorf("aws regional program %s: the address plan has no zones", r.ID())
	}
	p := &program{ctx: ctx, spec: args.Spec, r: r, net: net, id: r.ID(), deployRole: args.DeployRole}
	return p.run()
}

type program struct {
	ctx        *pulumi.Context
	spec       *topology.Spec
	r          *topology.AWSRegion
	net        *network.RegionNet
	id         string // region ID: the prefix of every logical name
	deployRole pulumi.StringInput
	opts       []pulumi.ResourceOption
}

// name is the logical name of a resource: the region ID, then the parts.
func (p *program) name(parts ...string) string {
	return p.id + "-" + strings.Join(parts, "-")
}

// lbMaxName is the longest load balancer or target group name ELB takes:
// "can have a maximum of 32 characters" (CreateLoadBalancer,
// CreateTargetGroup; terraform-provider-aws elbv2/validate.go:19, :67).
const lbMaxName = 32

// lbName is the physical name of the ingress load balancer or one of its
// target groups: region, environment and suffix (the names are per account
// and region, and the "aws-" of the stack name adds nothing there). Set
// explicitly, because Pulumi's auto-name (logical name plus 8 characters)
// passes 32 for most regions. A name that would still be too long keeps
// its suffix and a hash of the stack name in place of the middle.
func (p *program) lbName(suffix string) string {
	name := strings.TrimPrefix(p.id, "aws-") + "-" + suffix
	if len(name) <= lbMaxName {
		return name
	}
	sum := sha256.Sum256([]byte(p.id))
	h := hex.EncodeToString(sum[:])[:6]
	keep := lbMaxName - len(suffix) - len(h) - 2
	head := strings.Trim(name[:keep], "-")
	return head + "-" + h + "-" + suffix
}

// tags are the default tags plus a Name tag, as the AWS console shows it.
func (p *program) tags(name string, extra ...string) pulumi.StringMap {
	m := pulumi.StringMap{}
	for k, v := range p.spec.TagsFor(&p.r.Region) {
		m[k] = pulumi.String(v)
	}
	m["Name"] = pulumi.String(name)
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = pulumi.String(extra[i+1])
	}
	return m
}

func (p *program) with(opts ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, p.opts...), opts...)
}

// clusterName is the EKS cluster's name in AWS: unique per account and
// region, so it carries the platform name and the environment.
func (p *program) clusterName() string { return p.spec.Name + "-" + p.id }

func (p *program) run() error {
	ctx := p.ctx
	// An explicit provider pins the region and, with a landing zone, assumes
	// the deploy role in the environment's member account.
	pargs := &awsp.ProviderArgs{Region: pulumi.String(p.r.Name)}
	if p.deployRole != nil {
		pargs.AssumeRole = &awsp.ProviderAssumeRoleArgs{
			RoleArn:     p.deployRole,
			SessionName: pulumi.String("infra-" + p.id),
		}
	}
	prov, err := awsp.NewProvider(ctx, p.name("provider"), pargs)
	if err != nil {
		return err
	}
	p.opts = []pulumi.ResourceOption{pulumi.Provider(prov)}

	// EKS managed node groups boot from EBS volumes that are encrypted only
	// when the account and region encrypt EBS by default.
	// Deleting it would disable default encryption ("Removing the resource
	// disables default encryption", terraform-provider-aws
	// ebs_encryption_by_default), which the require-encryption SCP denies
	// (DenyDisablingEbsDefaultEncryption): destroy leaves it on.
	if _, err := ebs.NewEncryptionByDefault(ctx, p.name("ebs-encryption"), &ebs.EncryptionByDefaultArgs{
		Enabled: pulumi.Bool(true),
	}, p.with(pulumi.RetainOnDelete(true))...); err != nil {
		return err
	}

	vpc, err := ec2.NewVpc(ctx, p.name("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(p.net.CIDR.String()),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               p.tags(p.name("vpc")),
	}, p.with()...)
	if err != nil {
		return err
	}
	zoneIDs := p.zoneIDs(prov)
	sub, err := p.subnets(vpc, zoneIDs)
	if err != nil {
		return err
	}
	if err := p.baseline(vpc, sub); err != nil {
		return err
	}
	cluster, err := p.cluster(vpc, sub)
	if err != nil {
		return err
	}
	ingress, err := p.ingress(vpc, sub, cluster)
	if err != nil {
		return err
	}
	if err := p.mesh(sub); err != nil {
		return err
	}

	zones := make(pulumi.StringArray, len(p.net.Zones))
	for i, z := range p.net.Zones {
		zones[i] = pulumi.String(z.Zone)
	}
	ctx.Export("vpcId", vpc.ID())
	ctx.Export("cidr", vpc.CidrBlock)
	ctx.Export("zones", zones)
	ctx.Export("zoneIds", zoneIDs)
	ctx.Export("clusterName", cluster.Name)
	ctx.Export("clusterEndpoint", cluster.Endpoint)
	// What `infra kubeconfig` needs: the cluster's CA, its region, and the
	// deploy role that created it (the cluster's admin) for aws eks get-token.
	ctx.Export("clusterCaData", cluster.CertificateAuthority.Data().Elem())
	ctx.Export("region", pulumi.String(p.r.Name))
	if p.deployRole != nil {
		ctx.Export("deployRoleArn", p.deployRole)
	}
	ctx.Export(ClusterSecurityGroupOutput, cluster.VpcConfig.ClusterSecurityGroupId())
	ctx.Export("ingressAddress", ingress.DnsName)
	ctx.Export("privateSubnetIds", idsOf(sub.private))
	ctx.Export("privateRouteTableIds", idsOf(sub.privateRoutes))
	return nil
}

// subnets are the subnets and route tables of every zone, in Net.Zones order.
type subnets struct {
	public, private []*ec2.Subnet
	privateRoutes   []*ec2.RouteTable
}

// subnets lays out a public and a private subnet per zone, an internet
// gateway, and a NAT gateway per zone so that losing one AZ leaves the
// others their egress.
func (p *program) subnets(vpc *ec2.Vpc, zoneIDs pulumi.StringMapOutput) (*subnets, error) {
	ctx := p.ctx
	cluster := "kubernetes.io/cluster/" + p.clusterName()
	igw, err := ec2.NewInternetGateway(ctx, p.name("igw"), &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.name("igw")),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	publicRT, err := ec2.NewRouteTable(ctx, p.name("public-rt"), &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.name("public-rt")),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	// Routes are separate resources, not inline, so that the transit
	// gateway can add its own routes to the same tables.
	if _, err := ec2.NewRoute(ctx, p.name("public-rt-default"), &ec2.RouteArgs{
		RouteTableId:         publicRT.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, p.with()...); err != nil {
		return nil, err
	}

	out := &subnets{}
	for _, z := range p.net.Zones {
		pubName, privName := p.name("public", z.Zone), p.name("private", z.Zone)
		// Placed by AZ ID, not by the spec's zone name (see placeZones).
		zoneID := zoneIDs.MapIndex(pulumi.String(z.Zone))
		pub, err := ec2.NewSubnet(ctx, pubName, &ec2.SubnetArgs{
			VpcId:               vpc.ID(),
			CidrBlock:           pulumi.String(z.Public.String()),
			AvailabilityZoneId:  zoneID,
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                p.tags(pubName, "kubernetes.io/role/elb", "1", cluster, "shared"),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		priv, err := ec2.NewSubnet(ctx, privName, &ec2.SubnetArgs{
			VpcId:              vpc.ID(),
			CidrBlock:          pulumi.String(z.Private.String()),
			AvailabilityZoneId: zoneID,
			Tags:               p.tags(privName, "kubernetes.io/role/internal-elb", "1", cluster, "shared"),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, p.name("public-rta", z.Zone), &ec2.RouteTableAssociationArgs{
			SubnetId:     pub.ID(),
			RouteTableId: publicRT.ID(),
		}, p.with()...); err != nil {
			return nil, err
		}

		eip, err := ec2.NewEip(ctx, p.name("nat-eip", z.Zone), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   p.tags(p.name("nat-eip", z.Zone)),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, p.name("nat", z.Zone), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     pub.ID(),
			Tags:         p.tags(p.name("nat", z.Zone)),
		}, p.with(pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return nil, err
		}
		rt, err := ec2.NewRouteTable(ctx, p.name("private-rt", z.Zone), &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Tags:  p.tags(p.name("private-rt", z.Zone)),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRoute(ctx, p.name("private-rt-default", z.Zone), &ec2.RouteArgs{
			RouteTableId:         rt.ID(),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
			NatGatewayId:         nat.ID(),
		}, p.with()...); err != nil {
			return nil, err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, p.name("private-rta", z.Zone), &ec2.RouteTableAssociationArgs{
			SubnetId:     priv.ID(),
			RouteTableId: rt.ID(),
		}, p.with()...); err != nil {
			return nil, err
		}
		out.public = append(out.public, pub)
		out.private = append(out.private, priv)
		out.privateRoutes = append(out.privateRoutes, rt)
	}
	return out, nil
}

// cluster declares EKS: its IAM roles, a KMS key for envelope encryption of
// Kubernetes secrets, the control plane on the private subnets, and one
// managed node group per zone so each AZ scales on its own.
func (p *program) cluster(vpc *ec2.Vpc, sub *subnets) (*eks.Cluster, error) {
	ctx, k := p.ctx, p.r.Cluster
	clusterRole, clusterAttach, err := p.role("eks-cluster-role", "eks.amazonaws.com", clusterPolicies)
	if err != nil {
		return nil, err
	}
	nodeRole, nodeAttach, err := p.role("eks-node-role", "ec2.amazonaws.com", nodePolicies)
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, p.name("eks-secrets-key"), &kms.KeyArgs{
		Description:       pulumi.String("Envelope encryption of Kubernetes secrets in " + p.clusterName()),
		EnableKeyRotation: pulumi.Bool(true),
		Tags:              p.tags(p.name("eks-secrets-key")),
	}, p.with()...)
	if err != nil {
		return nil, err
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
		return nil, err
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
		return nil, err
	}
	cluster, err := eks.NewCluster(ctx, p.name("eks"), &eks.ClusterArgs{
		Name:    pulumi.String(p.clusterName()),
		Version: pulumi.String(k.Kubernetes),
		RoleArn: clusterRole.Arn,
		VpcConfig: &eks.ClusterVpcConfigArgs{
			SubnetIds:        idsOf(sub.private),
			SecurityGroupIds: pulumi.StringArray{sg.ID()},
			// Private only: the API is reached from inside the VPC, and
			// from the mesh and transit ranges the cluster security group
			// admits (admitCIDR). A public endpoint without publicAccessCidrs
			// is open to 0.0.0.0/0 (EKS API Reference, VpcConfigRequest).
			EndpointPrivateAccess: pulumi.Bool(true),
			EndpointPublicAccess:  pulumi.Bool(false),
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
		return nil, err
	}
	n := k.NodesPerZone
	for i, z := range p.net.Zones {
		name := p.name("nodes", z.Zone)
		if _, err := eks.NewNodeGroup(ctx, name, &eks.NodeGroupArgs{
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
			Tags:         p.tags(name),
			// The desired size is where a node group starts; afterwards the
			// cluster autoscaler owns it, and an update must not reset it
			// (terraform-provider-aws eks_node_group docs: ignore_changes on
			// scaling_config[0].desired_size).
		}, p.with(pulumi.DependsOn(nodeAttach), pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))...); err != nil {
			return nil, err
		}
	}
	return cluster, nil
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
	role, err := iam.NewRole(p.ctx, p.name(part), &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(string(doc)),
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

// ingress declares the internet-facing network load balancer across the
// public subnets. Its target groups take pod IPs, registered by the
// in-cluster ingress controller; its DNS name is the region's origin for the
// global load balancer.
func (p *program) ingress(vpc *ec2.Vpc, sub *subnets, cluster *eks.Cluster) (*lb.LoadBalancer, error) {
	ctx := p.ctx
	var rules ec2.SecurityGroupIngressArray
	for _, port := range ingressPorts {
		rules = append(rules, &ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("ingress " + strconv.Itoa(port)),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(port),
			ToPort:      pulumi.Int(port),
			CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		})
	}
	sg, err := ec2.NewSecurityGroup(ctx, p.name("ingress-sg"), &ec2.SecurityGroupArgs{
		VpcId:       vpc.ID(),
		Description: pulumi.String("Ingress load balancer: HTTP and HTTPS from anywhere"),
		Ingress:     rules,
		Egress: ec2.SecurityGroupEgressArray{&ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("to the cluster pods"),
			Protocol:    pulumi.String("-1"),
			FromPort:    pulumi.Int(0),
			ToPort:      pulumi.Int(0),
			CidrBlocks:  pulumi.StringArray{pulumi.String(p.net.CIDR.String())},
		}},
		Tags: p.tags(p.name("ingress-sg")),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	// The targets are pods and nodes carrying the cluster security group:
	// it must admit the load balancer on the listener and health-check
	// ports ("The security groups associated with an instance must allow
	// traffic from the load balancer using the health check port and
	// health check protocol", ELB User Guide, Troubleshoot your Network
	// Load Balancer).
	for _, port := range p.targetPorts() {
		ps := strconv.Itoa(port)
		if _, err := awsvpc.NewSecurityGroupIngressRule(ctx, p.name("cluster-from-ingress", ps), &awsvpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           cluster.VpcConfig.ClusterSecurityGroupId().Elem(),
			ReferencedSecurityGroupId: sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(port),
			ToPort:                    pulumi.Int(port),
			Description:               pulumi.String("ingress load balancer to targets on " + ps),
			Tags:                      p.tags(p.name("cluster-from-ingress", ps)),
		}, p.with()...); err != nil {
			return nil, err
		}
	}
	nlb, err := lb.NewLoadBalancer(ctx, p.name("ingress"), &lb.LoadBalancerArgs{
		Name:                         pulumi.String(p.lbName("ingress")),
		LoadBalancerType:             pulumi.String("network"),
		Internal:                     pulumi.Bool(false),
		Subnets:                      idsOf(sub.public),
		SecurityGroups:               pulumi.StringArray{sg.ID()},
		EnableCrossZoneLoadBalancing: pulumi.Bool(true),
		Tags:                         p.tags(p.name("ingress")),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	for _, port := range ingressPorts {
		ps := strconv.Itoa(port)
		tg, err := lb.NewTargetGroup(ctx, p.name("ingress-tg", ps), &lb.TargetGroupArgs{
			Name:        pulumi.String(p.lbName("tg-" + ps)),
			VpcId:       vpc.ID(),
			Port:        pulumi.Int(port),
			Protocol:    pulumi.String("TCP"),
			TargetType:  pulumi.String("ip"),
			HealthCheck: p.healthCheck(),
			Tags:        p.tags(p.name("ingress-tg", ps)),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		if _, err := lb.NewListener(ctx, p.name("ingress-listener", ps), &lb.ListenerArgs{
			LoadBalancerArn: nlb.Arn,
			Port:            pulumi.Int(port),
			Protocol:        pulumi.String("TCP"),
			DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
				Type:           pulumi.String("forward"),
				TargetGroupArn: tg.Arn,
			}},
			Tags: p.tags(p.name("ingress-listener", ps)),
		}, p.with()...); err != nil {
			return nil, err
		}
	}
	return nlb, nil
}

// targetPorts are the ports the load balancer reaches its targets on: the
// listener ports and the health check's, sorted and unique.
func (p *program) targetPorts() []int {
	ports := append([]int{}, ingressPorts...)
	if g := p.spec.Network.GlobalLoadBalancer; g != nil && !slices.Contains(ports, g.HealthCheck.Port) {
		ports = append(ports, g.HealthCheck.Port)
	}
	slices.Sort(ports)
	return ports
}

// healthCheck probes targets as the global load balancer probes the region,
// when the spec has one; otherwise a TCP connect.
func (p *program) healthCheck() *lb.TargetGroupHealthCheckArgs {
	g := p.spec.Network.GlobalLoadBalancer
	if g == nil {
		return &lb.TargetGroupHealthCheckArgs{Enabled: pulumi.Bool(true), Protocol: pulumi.String("TCP")}
	}
	h := g.HealthCheck
	return &lb.TargetGroupHealthCheckArgs{
		Enabled:  pulumi.Bool(true),
		Protocol: pulumi.String(strings.ToUpper(h.Protocol)),
		Port:     pulumi.String(strconv.Itoa(h.Port)),
		Path:     pulumi.String(h.Path),
		Interval: pulumi.Int(int(h.Interval.Seconds())),
		Timeout:  pulumi.Int(int(h.Timeout.Seconds())),
	}
}

func allEgress() ec2.SecurityGroupEgressArray {
	return ec2.SecurityGroupEgressArray{&ec2.SecurityGroupEgressArgs{
		Description: pulumi.String("all outbound"),
		Protocol:    pulumi.String("-1"),
		FromPort:    pulumi.Int(0),
		ToPort:      pulumi.Int(0),
		CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
	}}
}

// idsOf collects resource IDs in order.
func idsOf[R interface{ ID() pulumi.IDOutput }](rs []R) pulumi.StringArray {
	out := make(pulumi.StringArray, len(rs))
	for i, r := range rs {
		out[i] = r.ID().ToStringOutput()
	}
	return out
}

// partition is the AWS partition a region belongs to, for ARNs.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
