package aws_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"infra/plan"
	"infra/plan/plantest"
	"infra/stacks"
	"infra/topology"
	"infra/topology/topologytest"
)

// planOf plans testdata/aws.yaml.
func planOf(t *testing.T) (*topology.Spec, *stacks.Graph, *plan.Plan) {
	t.Helper()
	return planOfFile(t, "testdata/aws.yaml")
}

// planOfFile plans the topology at path.
func planOfFile(t *testing.T, path string) (*topology.Spec, *stacks.Graph, *plan.Plan) {
	t.Helper()
	spec := topologytest.Load(t, path)
	g, p := plantest.Generate(t, spec)
	return spec, g, p
}

// byType indexes a stack's resources by type, then logical name.
func byType(s *plan.Stack) map[string]map[string]*plan.Resource {
	out := map[string]map[string]*plan.Resource{}
	for _, r := range s.Resources {
		if out[r.Type] == nil {
			out[r.Type] = map[string]*plan.Resource{}
		}
		out[r.Type][r.Name] = r
	}
	return out
}

func TestRegionalSpreadsOverTheSpecZones(t *testing.T) {
	_, g, p := planOf(t)
	for _, id := range []string{"aws-us-east-1-prod", "aws-us-east-1-staging"} {
		s, res, net := p.Stack(id), byType(p.Stack(id)), g.Net.Region(id)
		if s == nil || net == nil {
			t.Fatalf("no stack or address plan for %s", id)
		}
		if got := len(res["aws:eks/nodeGroup:NodeGroup"]); got != len(net.Zones) {
			t.Errorf("%s: %d node groups, want one per zone (%d)", id, got, len(net.Zones))
		}
		for _, z := range net.Zones {
			for kind, cidr := range map[string]string{"public": z.Public.String(), "private": z.Private.String()} {
				sub := res["aws:ec2/subnet:Subnet"][fmt.Sprintf("%s-%s-%s", id, kind, z.Zone)]
				if sub == nil {
					t.Errorf("%s: no %s subnet in %s", id, kind, z.Zone)
					continue
				}
				// The plan's model maps the n-th letter to the n-th AZ ID;
				// us-east-1c is use1-az3, which EKS refuses, so it moves to
				// the first free AZ ID, use1-az4.
				wantID := map[string]string{"us-east-1a": "use1-az1", "us-east-1b": "use1-az2", "us-east-1c": "use1-az4"}[z.Zone]
				if sub.Inputs["availabilityZoneId"] != wantID || sub.Inputs["cidrBlock"] != cidr {
					t.Errorf("%s: %s subnet in %s = %v %v, want %s %s", id, kind, z.Zone, sub.Inputs["availabilityZoneId"], sub.Inputs["cidrBlock"], wantID, cidr)
				}
			}
			if res["aws:ec2/natGateway:NatGateway"][id+"-nat-"+z.Zone] == nil {
				t.Errorf("%s: no NAT gateway in %s", id, z.Zone)
			}
			ng := res["aws:eks/nodeGroup:NodeGroup"][id+"-nodes-"+z.Zone]
			if ng == nil {
				t.Errorf("%s: no node group in %s", id, z.Zone)
			} else if subs, _ := ng.Inputs["subnetIds"].([]any); len(subs) != 1 {
				t.Errorf("%s: node group in %s spans %v, want its zone's private subnet", id, z.Zone, subs)
			}
		}
		if got, want := s.Outputs["zones"], len(net.Zones); len(got.([]any)) != want {
			t.Errorf("%s: zones output %v, want %d zones", id, got, want)
		}
		if s.Outputs["cidr"] != net.CIDR.String() {
			t.Errorf("%s: cidr output %v, want %s", id, s.Outputs["cidr"], net.CIDR)
		}
	}
}

func TestRegionalTakesClusterSettingsFromTheSpec(t *testing.T) {
	_, _, p := planOf(t)
	res := byType(p.Stack("aws-us-east-1-prod"))
	cluster := res["aws:eks/cluster:Cluster"]["aws-us-east-1-prod-eks"]
	if cluster == nil {
		t.Fatal("no EKS cluster")
	}
	if cluster.Inputs["version"] != "1.34" || cluster.Inputs["name"] != "awstest-aws-us-east-1-prod" {
		t.Errorf("cluster inputs = %v", cluster.Inputs)
	}
	enc, _ := cluster.Inputs["encryptionConfig"].(map[string]any)
	if res, _ := enc["resources"].([]any); len(res) != 1 || res[0] != "secrets" {
		t.Errorf("secrets encryption = %v", enc)
	}
	for _, ng := range res["aws:eks/nodeGroup:NodeGroup"] {
		sc := ng.Inputs["scalingConfig"].(map[string]any)
		if sc["minSize"] != 2.0 || sc["maxSize"] != 5.0 || sc["desiredSize"] != 3.0 {
			t.Errorf("%s scaling = %v, want 2/5/3", ng.Name, sc)
		}
		if it := ng.Inputs["instanceTypes"].([]any); len(it) != 1 || it[0] != "m5.large" {
			t.Errorf("%s instance types = %v", ng.Name, it)
		}
	}
	for _, tg := range res["aws:lb/targetGroup:TargetGroup"] {
		hc := tg.Inputs["healthCheck"].(map[string]any)
		// The controller's health endpoint on its node port, as often
		// as the spec's global load balancer probes.
		if hc["protocol"] != "HTTP" || hc["path"] != "/healthz" || hc["port"] != "30254" || hc["interval"] != 30.0 {
			t.Errorf("%s health check = %v, want the controller's at the spec's interval", tg.Name, hc)
		}
	}
	prov := res["pulumi:providers:aws"]["aws-us-east-1-prod-provider"]
	if prov == nil || prov.Inputs["region"] != "us-east-1" {
		t.Fatalf("provider = %+v, want region us-east-1", prov)
	}
	for _, r := range p.Stack("aws-us-east-1-prod").Resources {
		if r.Type != "pulumi:providers:aws" && r.Provider != prov.Name {
			t.Errorf("%s uses provider %q, want the region's", r.Name, r.Provider)
		}
	}
	// The ingress address is the load balancer's DNS name, which starts
	// with its name (region-environment-ingress, within ELB's 32
	// characters).
	addr, _ := p.Stack("aws-us-east-1-prod").Outputs["ingressAddress"].(string)
	if !strings.HasPrefix(addr, "us-east-1-prod-ingress-") || !strings.HasSuffix(addr, ".sim.invalid") {
		t.Errorf("ingressAddress = %q", addr)
	}
}

// untaggable are the AWS types that take no tags.
var untaggable = map[string]bool{
	"pulumi:providers:aws":                                true,
	"aws:ec2/route:Route":                                 true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation": true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   true,
	"aws:ebs/encryptionByDefault:EncryptionByDefault":     true,
	"aws:iam/rolePolicy:RolePolicy":                       true,
	"aws:autoscaling/attachment:Attachment":               true,
	"infra:kubernetes:Manifests":                          true,
}

func TestRegionalTagsEverythingTaggable(t *testing.T) {
	spec, _, p := planOf(t)
	for _, s := range p.Stacks {
		if s.Kind != string(stacks.Regional) {
			continue
		}
		for _, r := range s.Resources {
			if untaggable[r.Type] {
				continue
			}
			tags, _ := r.Inputs["tags"].(map[string]any)
			for k, v := range spec.Tags {
				if tags[k] != v {
					t.Errorf("%s: tag %s = %v, want %s", r.Name, k, tags[k], v)
				}
			}
			if tags["Environment"] != s.Environment {
				t.Errorf("%s: Environment = %v, want %s", r.Name, tags["Environment"], s.Environment)
			}
		}
	}
}

// The cluster security group EKS creates admits the ingress load balancer
// on the controller's node ports, traffic and health check (by its
// security group, not a CIDR), and the API endpoint is private.
func TestRegionalAdmitsTheLoadBalancerAndKeepsTheAPIPrivate(t *testing.T) {
	_, _, p := planOf(t)
	id := "aws-us-east-1-prod"
	s, res := p.Stack(id), byType(p.Stack(id))
	sgID, _ := s.Outputs["clusterSecurityGroupId"].(string)
	if !strings.HasPrefix(sgID, "sg-") {
		t.Fatalf("clusterSecurityGroupId output = %v", s.Outputs["clusterSecurityGroupId"])
	}
	lbSG := res["aws:ec2/securityGroup:SecurityGroup"][id+"-ingress-sg"]
	rules := res["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"]
	var ports []string
	for _, r := range rules {
		if !strings.HasPrefix(r.Name, id+"-cluster-from-ingress-") {
			continue
		}
		if r.Inputs["securityGroupId"] != sgID || r.Inputs["cidrIpv4"] != nil || r.Inputs["ipProtocol"] != "tcp" ||
			!slices.Contains(r.DependsOn, lbSG.Name) {
			t.Errorf("%s = %v, want tcp from the ingress security group to %s", r.Name, r.Inputs, sgID)
		}
		ports = append(ports, fmt.Sprint(r.Inputs["fromPort"]))
	}
	slices.Sort(ports)
	if fmt.Sprint(ports) != "[30080 30254 30443]" {
		t.Errorf("ports admitted from the load balancer = %v, want the node ports 30080, 30443 and 30254", ports)
	}
	vpc := res["aws:eks/cluster:Cluster"][id+"-eks"].Inputs["vpcConfig"].(map[string]any)
	if vpc["endpointPublicAccess"] != false || vpc["endpointPrivateAccess"] != true {
		t.Errorf("API endpoint access = %v", vpc)
	}
}

// Every VPC gets its baseline: a default security group without rules,
// flow logs with a retention, an S3 gateway endpoint on the private route
// tables; the control-plane log group has a retention too.
func TestRegionalBaseline(t *testing.T) {
	_, g, p := planOf(t)
	id := "aws-us-east-1-prod"
	res := byType(p.Stack(id))
	if sg := res["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"][id+"-default-sg"]; sg == nil || sg.Inputs["ingress"] != nil || sg.Inputs["egress"] != nil {
		t.Errorf("default security group = %+v, want one without rules", sg)
	}
	if fl := res["aws:ec2/flowLog:FlowLog"][id+"-flow-log"]; fl == nil || fl.Inputs["trafficType"] != "ALL" || fl.Inputs["logDestinationType"] != "cloud-watch-logs" {
		t.Errorf("flow log = %+v", fl)
	}
	for name, want := range map[string]string{id + "-flow-logs": "/infra/awstest/" + id + "/vpc-flow-logs", id + "-eks-logs": "/aws/eks/awstest-" + id + "/cluster"} {
		lg := res["aws:cloudwatch/logGroup:LogGroup"][name]
		if lg == nil || lg.Inputs["name"] != want || lg.Inputs["retentionInDays"] != 90.0 {
			t.Errorf("log group %s = %+v, want %s kept 90 days", name, lg, want)
		}
	}
	ep := res["aws:ec2/vpcEndpoint:VpcEndpoint"][id+"-s3-endpoint"]
	if ep == nil || ep.Inputs["serviceName"] != "com.amazonaws.us-east-1.s3" || ep.Inputs["vpcEndpointType"] != "Gateway" {
		t.Fatalf("S3 endpoint = %+v", ep)
	}
	if rts, _ := ep.Inputs["routeTableIds"].([]any); len(rts) != len(g.Net.Region(id).Zones) {
		t.Errorf("S3 endpoint on %v, want every private route table", rts)
	}
	// image pulls and Pod Identity credentials skip the NAT gateways
	// (review item 24)
	for _, svc := range []string{"ecr.api", "ecr.dkr", "sts"} {
		ep := res["aws:ec2/vpcEndpoint:VpcEndpoint"][id+"-"+strings.ReplaceAll(svc, ".", "-")+"-endpoint"]
		if ep == nil || ep.Inputs["serviceName"] != "com.amazonaws.us-east-1."+svc || ep.Inputs["vpcEndpointType"] != "Interface" || ep.Inputs["privateDnsEnabled"] != true {
			t.Errorf("%s endpoint = %+v, want an interface endpoint with private DNS", svc, ep)
			continue
		}
		if subs, _ := ep.Inputs["subnetIds"].([]any); len(subs) != len(g.Net.Region(id).Zones) {
			t.Errorf("%s endpoint in %v, want every private subnet", svc, subs)
		}
	}
}
