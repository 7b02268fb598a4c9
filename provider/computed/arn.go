package computed

import (
	"fmt"
	"strings"
)

// arnShape gives the service and resource part of a type's ARN; global
// services (IAM, Organizations, Route 53, S3) have no region in theirs.
type arnShape struct {
	service string
	global  bool
	res     func(r Resource, salt string) string
}

func withID(prefix string) func(Resource, string) string {
	return func(r Resource, _ string) string { return prefix + string(r.ID) }
}

func withName(prefix string) func(Resource, string) string {
	return func(r Resource, _ string) string { return prefix + nameOr(r) }
}

// arnShapes are the ARNs of the types programs read or pass on, as the
// services document them (for example arn:aws:elasticloadbalancing:us-west-2:
// 123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188 in
// provider-rules' importId). Other AWS types get <kind>/<id>.
var arnShapes = map[string]arnShape{
	"aws:cloudwatch/logGroup:LogGroup":                          {"logs", false, withName("log-group:")},
	"aws:cloudtrail/trail:Trail":                                {"cloudtrail", false, withName("trail/")},
	"aws:ec2/eip:Eip":                                           {"ec2", false, withID("elastic-ip/")},
	"aws:ec2/instance:Instance":                                 {"ec2", false, withID("instance/")},
	"aws:ec2/internetGateway:InternetGateway":                   {"ec2", false, withID("internet-gateway/")},
	"aws:ec2/launchTemplate:LaunchTemplate":                     {"ec2", false, withID("launch-template/")},
	"aws:ec2/natGateway:NatGateway":                             {"ec2", false, withID("natgateway/")},
	"aws:ec2/routeTable:RouteTable":                             {"ec2", false, withID("route-table/")},
	"aws:ec2/securityGroup:SecurityGroup":                       {"ec2", false, withID("security-group/")},
	"aws:ec2/subnet:Subnet":                                     {"ec2", false, withID("subnet/")},
	"aws:ec2/vpc:Vpc":                                           {"ec2", false, withID("vpc/")},
	"aws:ec2transitgateway/transitGateway:TransitGateway":       {"ec2", false, withID("transit-gateway/")},
	"aws:ec2transitgateway/routeTable:RouteTable":               {"ec2", false, withID("transit-gateway-route-table/")},
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment":         {"ec2", false, withID("transit-gateway-attachment/")},
	"aws:ec2transitgateway/peeringAttachment:PeeringAttachment": {"ec2", false, withID("transit-gateway-attachment/")},
	"aws:eks/cluster:Cluster":                                   {"eks", false, withName("cluster/")},
	"aws:eks/nodeGroup:NodeGroup": {"eks", false, func(r Resource, salt string) string {
		return "nodegroup/" + str(r.Inputs, "clusterName") + "/" + str(r.Inputs, "nodeGroupName") + "/" + uuidOf(r.URN, "arn")
	}},
	"aws:iam/role:Role":   {"iam", true, withName("role/")},
	"aws:kms/key:Key":     {"kms", false, withID("key/")},
	"aws:kms/alias:Alias": {"kms", false, withName("")},
	"aws:lb/loadBalancer:LoadBalancer": {"elasticloadbalancing", false, func(r Resource, salt string) string {
		return "loadbalancer/" + lbKind(r) + "/" + nameOr(r) + "/" + hexOf(r.URN, salt, 16)
	}},
	"aws:lb/targetGroup:TargetGroup": {"elasticloadbalancing", false, func(r Resource, salt string) string {
		return "targetgroup/" + nameOr(r) + "/" + hexOf(r.URN, salt, 16)
	}},
	// A listener's ARN extends its load balancer's.
	"aws:lb/listener:Listener": {"elasticloadbalancing", false, func(r Resource, salt string) string {
		_, lb, _ := strings.Cut(str(r.Inputs, "loadBalancerArn"), ":loadbalancer/")
		return "listener/" + lb + "/" + hexOf(r.URN, salt, 16)
	}},
	"aws:organizations/organization:Organization": {"organizations", true, func(r Resource, _ string) string {
		return "organization/" + orgID(r.URN)
	}},
	"aws:organizations/account:Account": {"organizations", true, func(r Resource, _ string) string {
		return "account/" + orgID(r.URN) + "/" + string(r.ID)
	}},
	"aws:organizations/organizationalUnit:OrganizationalUnit": {"organizations", true, func(r Resource, _ string) string {
		return "ou/" + orgID(r.URN) + "/" + string(r.ID)
	}},
	"aws:organizations/policy:Policy": {"organizations", true, func(r Resource, _ string) string {
		return "policy/" + orgID(r.URN) + "/service_control_policy/" + string(r.ID)
	}},
	"aws:ram/resourceShare:ResourceShare": {"ram", false, func(r Resource, salt string) string {
		return "resource-share/" + uuidOf(r.URN, salt)
	}},
	"aws:route53/zone:Zone":               {"route53", true, withID("hostedzone/")},
	"aws:route53/healthCheck:HealthCheck": {"route53", true, withID("healthcheck/")},
}

// lbKind is the load balancer type in its ARN: app, net or gwy. AWS
// creates an application load balancer when no type is given.
func lbKind(r Resource) string {
	switch str(r.Inputs, "loadBalancerType") {
	case "network":
		return "net"
	case "gateway":
		return "gwy"
	}
	return "app"
}

// arnOf is the resource's ARN. Types known by their ARN (load balancers,
// target groups, listeners, resource shares) compute it from the ID's salt,
// and their ARN output is their ID.
func arnOf(r Resource, salt string) string {
	typ := r.Type()
	if isByARN(typ) && salt == "" && r.ID != "" {
		return string(r.ID)
	}
	if typ == "aws:s3/bucketV2:BucketV2" {
		return "arn:aws:s3:::" + nameOr(r)
	}
	region := regionOr(r.Region, DefaultRegion)
	if shape, ok := arnShapes[typ]; ok {
		if shape.global {
			region = ""
		}
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", shape.service, region, Account, shape.res(r, salt))
	}
	_, mod, kind := splitToken(typ)
	service, _, _ := strings.Cut(mod, "/")
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, Account, strings.ToLower(kind), r.ID)
}

func isByARN(typ string) bool {
	switch typ {
	case "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:ram/resourceShare:ResourceShare":
		return true
	}
	return false
}
