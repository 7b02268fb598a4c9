package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	awsvpc "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ingressPorts are the listener ports of the ingress load balancer: plain
// HTTP for redirects and ACME challenges, HTTPS for traffic.
var ingressPorts = []int{80, 443}

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
// public subnets. Its target groups take pod IPs of the in-cluster ingress
// controller, which the AWS Load Balancer Controller registers there
// (TargetGroupBinding; targetRegistrar gives it the permission to); its DNS
// name is the region's origin for the global load balancer.
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
	tgs := pulumi.StringMap{}
	var groups []*lb.TargetGroup
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
		tgs[ps] = tg.Arn
		groups = append(groups, tg)
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
	p.ctx.Export(TargetGroupsOutput, tgs)
	if err := p.targetRegistrar(cluster, groups); err != nil {
		return nil, err
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
