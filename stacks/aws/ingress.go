package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	awsvpc "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/kubernetes/ingressnginx"
)

// ingressPorts are the listener ports of the ingress load balancer: the
// controller's.
var ingressPorts = ingressnginx.Ports

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

// ingress declares the internet-facing network load balancer across the
// public subnets, its DNS name the region's origin for the global load
// balancer. Its targets are the cluster's nodes, on the node ports of the
// ingress controller infra installs (ingressController): each target group
// is attached to every node group's Auto Scaling group, so EKS registers
// the nodes it launches and deregisters those it drains. See the ADR
// ingress/aws for why not pod targets.
func (p *program) ingress(vpc *ec2.Vpc, sub *subnets, cluster *eks.Cluster, nodes []*eks.NodeGroup, prov pulumi.ProviderResource) (*lb.LoadBalancer, error) {
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
			Description: pulumi.String("to the cluster nodes"),
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
	// The targets are nodes, which carry the cluster security group (the
	// managed node groups have no launch template of their own): it must
	// admit the load balancer on the traffic and health-check ports ("The
	// security groups associated with an instance must allow traffic from
	// the load balancer using the health check port and health check
	// protocol", ELB User Guide, Troubleshoot your Network Load Balancer).
	// Those are the node ports, and nothing else.
	for _, port := range targetPorts() {
		ps := strconv.Itoa(port)
		if _, err := awsvpc.NewSecurityGroupIngressRule(ctx, p.name("cluster-from-ingress", ps), &awsvpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           cluster.VpcConfig.ClusterSecurityGroupId().Elem(),
			ReferencedSecurityGroupId: sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(port),
			ToPort:                    pulumi.Int(port),
			Description:               pulumi.String("ingress load balancer to node port " + ps),
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
			Port:        pulumi.Int(nodePorts[port]),
			Protocol:    pulumi.String("TCP"),
			TargetType:  pulumi.String("instance"),
			HealthCheck: p.healthCheck(),
			Tags:        p.tags(p.name("ingress-tg", ps)),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		for i, ng := range nodes {
			z := p.net.Zones[i].Zone
			if _, err := autoscaling.NewAttachment(ctx, p.name("ingress-tg", ps, z), &autoscaling.AttachmentArgs{
				AutoscalingGroupName: nodeGroupASG(ng),
				LbTargetGroupArn:     tg.Arn,
			}, p.with()...); err != nil {
				return nil, err
			}
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
	if err := p.ingressController(cluster, nodes, prov); err != nil {
		return nil, err
	}
	return nlb, nil
}

// nodeGroupASG is the name of the Auto Scaling group EKS made for a
// managed node group (one per node group: EKS API Reference,
// NodegroupResources.autoScalingGroups).
func nodeGroupASG(ng *eks.NodeGroup) pulumi.StringOutput {
	return ng.Resources.ApplyT(func(rs []eks.NodeGroupResource) string {
		for _, r := range rs {
			for _, g := range r.AutoscalingGroups {
				if g.Name != nil {
					return *g.Name
				}
			}
		}
		return ""
	}).(pulumi.StringOutput)
}

// targetPorts are the ports the load balancer reaches the nodes on: the
// node ports of the listeners and of the health check, sorted.
func targetPorts() []int {
	var ports []int
	for _, port := range ingressPorts {
		ports = append(ports, nodePorts[port])
	}
	ports = append(ports, healthNodePort)
	slices.Sort(ports)
	return ports
}

// healthCheck probes the ingress controller's health endpoint through its
// node port: a node is healthy when the controller answers there, which
// kube-proxy forwards to a ready controller pod on any node. It probes as
// often as the global load balancer probes the region, when there is one.
func (p *program) healthCheck() *lb.TargetGroupHealthCheckArgs {
	hc := &lb.TargetGroupHealthCheckArgs{
		Enabled:  pulumi.Bool(true),
		Protocol: pulumi.String("HTTP"),
		Port:     pulumi.String(strconv.Itoa(healthNodePort)),
		Path:     pulumi.String(ingressnginx.HealthPath),
		Matcher:  pulumi.String("200"),
	}
	if g := p.spec.Network.GlobalLoadBalancer; g != nil {
		hc.Interval = pulumi.Int(int(g.HealthCheck.Interval.Seconds()))
		hc.Timeout = pulumi.Int(int(g.HealthCheck.Timeout.Seconds()))
	}
	return hc
}
