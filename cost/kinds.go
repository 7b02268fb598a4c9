package cost

import (
	"fmt"
	"math"
	"strings"

	"infra/rules"
)

// unknown reports whether s is how a plan shows a value known only at
// deployment.
func unknown(s string) bool { return s == rules.Unknown }

// free are the resource types the clouds do not bill by themselves: a
// VPC, a route, a security group, an IAM role. What flows through them may
// cost (Usage says so).
var free = map[string]bool{
	"aws:ebs/encryptionByDefault:EncryptionByDefault":                                            true,
	"aws:ec2/eipAssociation:EipAssociation":                                                      true,
	"aws:ec2/internetGateway:InternetGateway":                                                    true,
	"aws:ec2/launchTemplate:LaunchTemplate":                                                      true, // the instances it launches are priced on their node group
	"aws:ec2/networkInterface:NetworkInterface":                                                  true, // the public IPv4 is billed on its Elastic IP
	"aws:ec2/route:Route":                                                                        true,
	"aws:ec2/routeTable:RouteTable":                                                              true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
	"aws:ec2/securityGroup:SecurityGroup":                                                        true,
	"aws:ec2/subnet:Subnet":                                                                      true,
	"aws:ec2/vpc:Vpc":                                                                            true,
	"aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter":                  true, // the attachment is priced once, on its requester
	"aws:ec2transitgateway/route:Route":                                                          true,
	"aws:ec2transitgateway/routeTable:RouteTable":                                                true,
	"aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation":                          true,
	"aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation":                          true,
	"aws:ec2transitgateway/transitGateway:TransitGateway":                                        true, // billed per attachment
	"aws:eks/addon:Addon":                                                                        true, // the add-on's pods run on the nodes
	"aws:eks/podIdentityAssociation:PodIdentityAssociation":                                      true,
	"aws:guardduty/organizationAdminAccount:OrganizationAdminAccount":                            true,
	"aws:organizations/delegatedAdministrator:DelegatedAdministrator":                            true,
	"aws:cfg/configurationAggregator:ConfigurationAggregator":                                    true,
	"aws:cfg/deliveryChannel:DeliveryChannel":                                                    true,
	"aws:cfg/recorderStatus:RecorderStatus":                                                      true,
	"aws:cfg/recorder:Recorder":                                                                  true, // billed by what it records: see usage
	"aws:eks/accessEntry:AccessEntry":                                                            true,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":                                    true,
	"aws:guardduty/organizationConfiguration:OrganizationConfiguration":                          true,
	"aws:securityhub/organizationAdminAccount:OrganizationAdminAccount":                          true,
	"aws:securityhub/organizationConfiguration:OrganizationConfiguration":                        true,
	"aws:iam/role:Role":                                                                          true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          true,
	"aws:kms/alias:Alias":                                                                        true,
	"aws:lb/listener:Listener":                                                                   true,
	"aws:lb/targetGroup:TargetGroup":                                                             true,
	"aws:autoscaling/attachment:Attachment":                                                      true,
	"aws:organizations/account:Account":                                                          true,
	"aws:organizations/organization:Organization":                                                true,
	"aws:organizations/organizationalUnit:OrganizationalUnit":                                    true,
	"aws:organizations/policy:Policy":                                                            true,
	"aws:organizations/policyAttachment:PolicyAttachment":                                        true,
	"aws:ram/principalAssociation:PrincipalAssociation":                                          true,
	"aws:ram/resourceAssociation:ResourceAssociation":                                            true,
	"aws:ram/resourceShare:ResourceShare":                                                        true,
	"aws:ram/sharingWithOrganization:SharingWithOrganization":                                    true,
	"aws:route53/record:Record":                                                                  true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               true,
	"aws:s3/bucketV2:BucketV2":                                                                   true,
	"aws:cloudtrail/trail:Trail":                                                                 true, // the first management-event trail is free
	"hcloud:index/firewall:Firewall":                                                             true,
	"hcloud:index/loadBalancerNetwork:LoadBalancerNetwork":                                       true,
	"hcloud:index/loadBalancerService:LoadBalancerService":                                       true,
	"hcloud:index/loadBalancerTarget:LoadBalancerTarget":                                         true,
	"hcloud:index/network:Network":                                                               true,
	"hcloud:index/networkRoute:NetworkRoute":                                                     true,
	"hcloud:index/networkSubnet:NetworkSubnet":                                                   true,
	"hcloud:index/placementGroup:PlacementGroup":                                                 true,
	"infra:ibm:AccessGroup":                                                                      true,
	"infra:ibm:CbrRule":                                                                          true,
	"infra:ibm:CbrZone":                                                                          true,
	"infra:ibm:CbrZoneAddresses":                                                                 true,
	"infra:ibm:CisDomain":                                                                        true, // part of the CIS plan
	"infra:ibm:CisGlobalLoadBalancer":                                                            true,
	"infra:ibm:CisHealthCheck":                                                                   true,
	"infra:ibm:CisOriginPool":                                                                    true,
	"infra:ibm:ClusterKms":                                                                       true,
	"infra:ibm:IamPolicy":                                                                        true,
	"infra:ibm:ResourceGroup":                                                                    true,
	"infra:ibm:ResourceInstance":                                                                 true, // Key Protect bills keys, not the instance
	"infra:ibm:SecurityGroup":                                                                    true,
	"infra:ibm:SecurityGroupRule":                                                                true,
	"infra:ibm:Subnet":                                                                           true,
	"infra:ibm:Vpc":                                                                              true,
	"infra:ibm:VpcAddressPrefix":                                                                 true,
	"infra:ibm:VpcRoutingTableRoute":                                                             true,
	"infra:k3s:Token":                                                                            true, // generated by infra, no cloud object
	"infra:k3s:ClusterCA":                                                                        true,
	"infra:kubernetes:Manifests":                                                                 true, // objects in a cluster, no cloud object
	"infra:mesh:PresharedKey":                                                                    true,
	"infra:mesh:SshKey":                                                                          true,
	"infra:mesh:WireGuardKey":                                                                    true,
	"ovh:CloudProject/networkPrivate:NetworkPrivate":                                             true,
	"ovh:CloudProject/networkPrivateSubnetV2:NetworkPrivateSubnetV2":                             true,
	"ovh:Iam/policy:Policy":                                                                      true,
	"ovh:Me/identityGroup:IdentityGroup":                                                         true,
	"ovh:Vrack/cloudProject:CloudProject":                                                        true,
	// Configuration without a price of its own (log groups and flow logs
	// cost by the data they take: see usage).
	"aws:cloudwatch/logGroup:LogGroup":                                       true,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                      true,
	"aws:ec2/flowLog:FlowLog":                                                true,
	"aws:iam/organizationsFeatures:OrganizationsFeatures":                    true,
	"aws:guardduty/detector:Detector":                                        true, // billed by what it analyses: see usage
	"aws:securityhub/account:Account":                                        true,
	"aws:iam/rolePolicy:RolePolicy":                                          true,
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":               true,
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": true,
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":              true,
	"infra:ibm:AccessGroupMember":                                            true,
	"infra:ibm:ServiceId":                                                    true,
	"infra:mesh:Peers":                                                       true,
	"infra:aws:AccountReady":                                                 true, // a few read calls: STS and EC2 free, S3 LIST and KMS requests a fraction of a cent
}

// usage names the costs of a resource type that depend on use, which no
// plan can know: they are listed as not estimated.
var usage = map[string][]string{
	"aws:ec2/natGateway:NatGateway":                             {"data processed per GB"},
	"aws:lb/loadBalancer:LoadBalancer":                          {"load balancer capacity units (LCUs)", "public IPv4 addresses AWS assigns an internet-facing load balancer"},
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment":         {"data processed per GB"},
	"aws:ec2transitgateway/peeringAttachment:PeeringAttachment": {"inter-region data transfer per GB"},
	"aws:eks/nodeGroup:NodeGroup":                               {"EBS root volumes (size from the launch defaults, not in the plan)"},
	"aws:ec2/instance:Instance":                                 {"EBS root volume (size from the AMI, not in the plan)", "data transfer out per GB"},
	"aws:kms/key:Key":                                           {"API requests"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           {"data processed per GB by interface endpoints (gateway endpoints: none)"},
	"aws:guardduty/detector:Detector":                           {"events and logs analysed (CloudTrail, VPC flow logs, DNS, EKS audit logs), per account after a 30-day trial"},
	"aws:securityhub/account:Account":                           {"security checks and finding ingestion, per account after a 30-day trial"},
	"aws:cfg/recorder:Recorder":                                 {"configuration items recorded, per account and region"},
	"aws:route53/zone:Zone":                                     {"DNS queries"},
	"aws:s3/bucketV2:BucketV2":                                  {"storage and requests (CloudTrail logs)"},
	"aws:cloudtrail/trail:Trail":                                {"data events and additional copies of management events"},
	"hcloud:index/server:Server":                                {"traffic beyond the included volume"},
	"hcloud:index/loadBalancer:LoadBalancer":                    {"traffic beyond the included volume"},
	"infra:ibm:LoadBalancer":                                    {"data processed per GB"},
	"infra:ibm:PublicGateway":                                   {"outbound data transfer per GB"},
	"infra:ibm:CisInstance":                                     {"origins, health checks and DNS queries beyond the plan"},
	"infra:ibm:Instance":                                        {"boot volume and data transfer out"},
	"ovh:CloudProject/gateway:Gateway":                          {"outbound traffic"},
	"ovh:CloudProject/kubeNodePool:KubeNodePool":                {"block storage of persistent volumes"},
	"aws:cloudwatch/logGroup:LogGroup":                          {"log ingestion and storage per GB"},
	"aws:ec2/flowLog:FlowLog":                                   {"vended log delivery per GB"},
}

// Usage lists the use-dependent costs of a resource type.
func Usage(typ string) []string { return usage[typ] }

// onePriced are the types that are one priced item: of a kind, with the
// SKU in an input ("" for a kind with one price).
var onePriced = map[string]struct{ cloud, kind, skuInput string }{
	"aws:ec2/instance:Instance":                                 {"aws", "instance", "instanceType"},
	"aws:ec2/natGateway:NatGateway":                             {"aws", "nat-gateway", ""},
	"aws:ec2/eip:Eip":                                           {"aws", "public-ipv4", ""},
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment":         {"aws", "tgw-attachment", ""},
	"aws:ec2transitgateway/peeringAttachment:PeeringAttachment": {"aws", "tgw-attachment", ""},
	"aws:kms/key:Key":                                           {"aws", "kms-key", ""},
	"aws:route53/zone:Zone":                                     {"aws", "hosted-zone", ""},
	"aws:route53/healthCheck:HealthCheck":                       {"aws", "health-check", ""},
	"hcloud:index/loadBalancer:LoadBalancer":                    {"hetzner", "load-balancer", "loadBalancerType"},
	"ovh:CloudProject/gateway:Gateway":                          {"ovh", "gateway", "model"},
	"ovh:index/cloudFloatingIp:CloudFloatingIp":                 {"ovh", "floating-ip", ""},
	"infra:ibm:Instance":                                        {"ibm", "vsi", "profile"},
	"infra:ibm:PublicGateway":                                   {"ibm", "public-gateway", ""},
	"infra:ibm:CisInstance":                                     {"ibm", "cis", "plan"},
	"infra:ibm:KmsKey":                                          {"ibm", "key-protect-key", ""},
	"infra:ibm:FloatingIp":                                      {"ibm", "floating-ip", ""},
	"infra:ibm:TransitGateway":                                  {"ibm", "transit-gateway", ""},
	"infra:ibm:TransitGatewayConnection":                        {"ibm", "transit-gateway-connection", ""},
}

// classify says which priced parts a resource has, or why it cannot be
// priced ("" with no items: the type is free).
func classify(r Resource, h Hints) ([]item, string) {
	in := r.Inputs
	one := func(cloud, kind, sku string) ([]item, string) {
		if unknown(sku) {
			return nil, kind + " unknown until deployment"
		}
		return []item{{cloud, kind, sku, 1}}, ""
	}
	if p, ok := onePriced[r.Type]; ok {
		return one(p.cloud, p.kind, str(in, p.skuInput))
	}
	switch r.Type {
	// AWS
	case "aws:eks/nodeGroup:NodeGroup":
		types, _ := in["instanceTypes"].([]any)
		n, ok := number(rules.Get(in, "scalingConfig", "desiredSize"))
		if len(types) == 0 || !ok {
			return nil, "instance type or desired size unknown until deployment"
		}
		sku, _ := types[0].(string)
		return []item{{"aws", "instance", sku, n}}, ""
	case "aws:eks/cluster:Cluster":
		if strings.EqualFold(str(asMap(in["upgradePolicy"]), "supportType"), "EXTENDED") {
			return one("aws", "eks-cluster", "extended")
		}
		return one("aws", "eks-cluster", "standard")
	case "aws:lb/loadBalancer:LoadBalancer":
		t := str(in, "loadBalancerType")
		if t == "" {
			t = "application" // the provider's default
		}
		return one("aws", "load-balancer", t)
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		// A gateway endpoint (S3, DynamoDB) has no charge; an interface
		// endpoint is billed per AZ it has a network interface in.
		if t := str(in, "vpcEndpointType"); t == "" || t == "Gateway" {
			return nil, ""
		}
		subnets, _ := in["subnetIds"].([]any)
		if len(subnets) == 0 {
			return nil, "subnets unknown until deployment"
		}
		return []item{{"aws", "interface-endpoint", "", float64(len(subnets))}}, ""
	// Hetzner
	case "hcloud:index/server:Server":
		items, gap := one("hetzner", "server", str(in, "serverType"))
		if gap == "" && serverHasIPv4(in) {
			items = append(items, item{"hetzner", "primary-ipv4", "", 1})
		}
		return items, gap
	case "hcloud:index/primaryIp:PrimaryIp":
		if str(in, "type") == "ipv6" {
			return nil, "" // IPv6 primary IPs are free
		}
		return one("hetzner", "primary-ipv4", "")
	// OVHcloud
	case "ovh:CloudProject/kube:Kube":
		plan := str(in, "plan")
		if plan == "" {
			plan = "free"
		}
		return one("ovh", "mks-cluster", plan)
	case "ovh:CloudProject/kubeNodePool:KubeNodePool":
		n, ok := number(in["desiredNodes"])
		if !ok {
			return nil, "node count unknown until deployment"
		}
		return []item{{"ovh", "instance", str(in, "flavorName"), n}}, ""
	case "ovh:CloudProject/instance:Instance":
		flavor := str(asMap(in["flavor"]), "flavorName")
		if flavor == "" {
			flavor = h.OVHInstanceFlavor
		}
		if flavor == "" {
			return nil, "flavor given by id only"
		}
		return one("ovh", "instance", flavor)
	// IBM Cloud
	case "infra:ibm:VpcCluster":
		workers, ok := number(in["workerCount"])
		zones, _ := in["zoneSubnets"].(map[string]any)
		if !ok || len(zones) == 0 {
			return nil, "worker count unknown until deployment"
		}
		// workerCount is per zone (provider/ibm/cluster.go: "workerCount
		// must be at least 1 per zone").
		return []item{{"ibm", "iks-cluster", "", 1}, {"ibm", "iks-worker", str(in, "flavor"), workers * float64(len(zones))}}, ""
	case "infra:ibm:LoadBalancer":
		if strings.HasPrefix(str(in, "profile"), "network") {
			return one("ibm", "load-balancer", "network")
		}
		return one("ibm", "load-balancer", "application")
	}
	if free[r.Type] || strings.HasPrefix(r.Type, "pulumi:providers:") {
		return nil, ""
	}
	return nil, fmt.Sprintf("the price table does not know the type %s", r.Type)
}

// serverHasIPv4 reports whether a Hetzner server gets a public IPv4 (the
// default when publicNets is not set).
func serverHasIPv4(in map[string]any) bool {
	nets, _ := in["publicNets"].([]any)
	for _, n := range nets {
		if m, ok := n.(map[string]any); ok {
			if v, ok := m["ipv4Enabled"].(bool); ok {
				return v
			}
		}
	}
	return true
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// number reads a count: JSON numbers are float64, Go ints from programs
// may be any integer type.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	}
	return 0, false
}
