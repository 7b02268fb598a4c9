package computed

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const stack = "urn:pulumi:prod::multicloud::"

func urnOf(typ, name string) resource.URN { return resource.URN(stack + typ + "::" + name) }

func created(typ, name string, inputs resource.PropertyMap, region string) resource.PropertyMap {
	r := Resource{URN: urnOf(typ, name), Inputs: inputs, Region: region}
	r.ID = NewID(r, 0)
	return Outputs(r)
}

func inDocumentationNet(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	for _, p := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"} {
		if netip.MustParsePrefix(p).Contains(a) {
			return true
		}
	}
	return false
}

// The model must describe every type the programs create: the golden plans
// are the record of what they create, on every example.
func TestCoversEveryTypeOfTheGoldenPlans(t *testing.T) {
	files, err := filepath.Glob("../../golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden plans: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Stacks []struct {
				Resources []struct{ Type string }
			}
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, s := range p.Stacks {
			for _, r := range s.Resources {
				if !seen[r.Type] && !Known(r.Type) {
					t.Errorf("%s: type %s is not in the model (kinds)", filepath.Base(f), r.Type)
				}
				seen[r.Type] = true
			}
		}
	}
	if len(seen) < 80 {
		t.Errorf("only %d types in the golden plans; did the format change?", len(seen))
	}
	for typ := range autoNames {
		if !Known(typ) {
			t.Errorf("auto-named type %s is not in the model", typ)
		}
	}
}

// Every generator named in the table exists, and every type yields its
// outputs without a panic.
func TestEveryTypeComputes(t *testing.T) {
	for _, typ := range Types() {
		out := created(typ, "x", resource.PropertyMap{}, "eu-central-1")
		for _, n := range Names(typ) {
			if obj, key, nested := strings.Cut(n, "."); nested {
				if v, ok := out[resource.PropertyKey(obj)]; !ok || !v.IsObject() || !v.ObjectValue()[resource.PropertyKey(key)].IsString() {
					t.Errorf("%s: no %s", typ, n)
				}
				continue
			}
			if _, ok := out[resource.PropertyKey(n)]; !ok {
				t.Errorf("%s: no %s", typ, n)
			}
		}
	}
}

func TestDocumentationValuesAreDeterministic(t *testing.T) {
	in := resource.PropertyMap{"serverType": resource.NewProperty("cx23")}
	a := created("hcloud:index/server:Server", "gw-1", in, "")
	b := created("hcloud:index/server:Server", "gw-1", in, "")
	if !resource.NewProperty(a).DeepEquals(resource.NewProperty(b)) {
		t.Fatalf("outputs differ between runs:\n%v\n%v", a, b)
	}
	if a["serverType"].StringValue() != "cx23" {
		t.Errorf("inputs not kept: %v", a)
	}
	for _, k := range []resource.PropertyKey{"ipv4Address", "ipv6Address"} {
		if !inDocumentationNet(a[k].StringValue()) {
			t.Errorf("%s %v is not a documentation address", k, a[k])
		}
	}
	lb := created("aws:lb/loadBalancer:LoadBalancer", "ingress", resource.PropertyMap{"name": resource.NewProperty("Ingress_EU")}, "")
	if dns := lb["dnsName"].StringValue(); !regexp.MustCompile(`^ingress-eu-[0-9a-f]{16}\.sim\.invalid$`).MatchString(dns) {
		t.Errorf("dnsName = %q", dns)
	}
	// A value the program sets wins over the computed one.
	set := created("aws:ec2/vpc:Vpc", "main", resource.PropertyMap{"arn": resource.NewProperty("mine")}, "")
	if set["arn"].StringValue() != "mine" {
		t.Errorf("arn = %v, want the input", set["arn"])
	}
}

// The rows where the plan's mocks and the simulator used to disagree,
// resolved toward what the real providers return.
func TestResolvedDivergences(t *testing.T) {
	for _, tc := range []struct{ typ, key, want string }{
		{"aws:eks/cluster:Cluster", "status", "ACTIVE"},     // EKS API: CREATING|ACTIVE|...
		{"hcloud:index/server:Server", "status", "running"}, // Hetzner API server status
		{"ovh:CloudProject/kube:Kube", "status", "READY"},   // OVH cloud.kube.ClusterStatusEnum
		{"infra:ibm:CisDomain", "status", "active"},         // Cloudflare zone status
		{"infra:ibm:TransitGatewayConnection", "status", "attached"},
		{"infra:ibm:Vpc", "status", "available"},
		{"infra:ibm:VpcCluster", "state", "normal"},
	} {
		out := created(tc.typ, "x", resource.PropertyMap{}, "")
		if got := out[resource.PropertyKey(tc.key)]; !got.IsString() || got.StringValue() != tc.want {
			t.Errorf("%s %s = %v, want %s", tc.typ, tc.key, got, tc.want)
		}
	}
	key := created("aws:kms/key:Key", "k", nil, "us-east-1")
	if id := key["keyId"].StringValue(); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("KMS keyId = %q, want a UUID", id)
	}
	if arn := key["arn"].StringValue(); arn != "arn:aws:kms:us-east-1:"+Account+":key/"+key["keyId"].StringValue() {
		t.Errorf("KMS arn = %q", arn)
	}
	if ns := created("aws:route53/zone:Zone", "z", nil, "")["nameServers"].ArrayValue(); len(ns) != 4 {
		t.Errorf("Route 53 gives %d name servers, want 4", len(ns))
	}
	if ns := created("infra:ibm:CisDomain", "d", nil, "")["nameServers"].ArrayValue(); len(ns) != 2 {
		t.Errorf("CIS gives %d name servers, want 2", len(ns))
	}
	grp := created("ovh:Me/identityGroup:IdentityGroup", "g", resource.PropertyMap{"name": resource.NewProperty("ops")}, "")
	if got := grp["GroupURN"].StringValue(); got != "urn:v1:eu:identity:group:xx1111-ovh/ops" {
		t.Errorf("GroupURN = %q", got)
	}
	eip := created("aws:ec2/eip:Eip", "e", nil, "")
	if eip["allocationId"].StringValue() != string(NewID(Resource{URN: urnOf("aws:ec2/eip:Eip", "e")}, 0)) ||
		!strings.HasPrefix(eip["allocationId"].StringValue(), "eipalloc-") || !strings.HasPrefix(eip["publicDns"].StringValue(), "ec2-") {
		t.Errorf("EIP outputs = %v", eip)
	}
	vm := created("aws:ec2/instance:Instance", "gw", nil, "")
	if vm["publicIp"].StringValue() != "" {
		t.Errorf("an instance that asks for no public IP got %v", vm["publicIp"])
	}
}

func TestIDs(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		inputs resource.PropertyMap
		want   string
	}{
		{"aws:ec2/vpc:Vpc", nil, `^vpc-[0-9a-f]{17}$`},
		{"aws:ec2/securityGroup:SecurityGroup", nil, `^sg-[0-9a-f]{17}$`},
		{"aws:ec2/instance:Instance", nil, `^i-[0-9a-f]{17}$`},
		{"aws:ec2transitgateway/routeTable:RouteTable", nil, `^tgw-rtb-[0-9a-f]{17}$`},
		{"aws:organizations/organization:Organization", nil, `^o-[0-9a-f]{10}$`},
		{"aws:organizations/organizationalUnit:OrganizationalUnit", nil, `^ou-[0-9a-f]{4}-[0-9a-f]{8}$`},
		{"aws:organizations/account:Account", nil, `^[0-9]{12}$`},
		{"aws:iam/role:Role", resource.PropertyMap{"name": resource.NewProperty("deployer")}, `^deployer$`},
		{"aws:lb/loadBalancer:LoadBalancer", resource.PropertyMap{"name": resource.NewProperty("in"), "loadBalancerType": resource.NewProperty("network")},
			`^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/in/[0-9a-f]{16}$`},
		{"aws:ec2/route:Route", resource.PropertyMap{"routeTableId": resource.NewProperty("rtb-1"), "destinationCidrBlock": resource.NewProperty("10.0.0.0/8")}, `^rtb-1_10\.0\.0\.0/8$`},
		{"aws:eks/nodeGroup:NodeGroup", resource.PropertyMap{"clusterName": resource.NewProperty("c"), "nodeGroupName": resource.NewProperty("n")}, `^c:n$`},
		{"hcloud:index/server:Server", nil, `^[0-9]{7}$`},
		{"hcloud:index/networkSubnet:NetworkSubnet", resource.PropertyMap{"networkId": resource.NewProperty(4711.0), "ipRange": resource.NewProperty("10.1.0.0/24")}, `^4711-10\.1\.0\.0/24$`},
		{"ovh:CloudProject/kube:Kube", nil, `^[0-9a-f-]{36}$`},
		{"ovh:CloudProject/networkPrivate:NetworkPrivate", resource.PropertyMap{"vlanId": resource.NewProperty(7.0)}, `^pn-[0-9]{7}_7$`},
		{"infra:ibm:Vpc", nil, `^r006-[0-9a-f-]{36}$`},
		{"infra:ibm:CisInstance", nil, `^crn:v1:bluemix:public:internet-svcs:global:a/[0-9a-f]{32}:[0-9a-f-]{36}::$`},
	} {
		id := string(NewID(Resource{URN: urnOf(tc.typ, "x"), Inputs: tc.inputs}, 0))
		if !regexp.MustCompile(tc.want).MatchString(id) {
			t.Errorf("%s id = %q, want %s", tc.typ, id, tc.want)
		}
	}
	vpc := Resource{URN: urnOf("aws:ec2/vpc:Vpc", "main")}
	if NewID(vpc, 0) == NewID(vpc, 1) {
		t.Error("a replacement got the same id")
	}
	// Accounts, OUs and policies of one landing zone embed its one
	// organization.
	org := created("aws:organizations/organization:Organization", "org", nil, "")
	ou := created("aws:organizations/organizationalUnit:OrganizationalUnit", "prod", nil, "")
	orgID := string(NewID(Resource{URN: urnOf("aws:organizations/organization:Organization", "org")}, 0))
	if !strings.Contains(ou["arn"].StringValue(), ":ou/"+orgID+"/ou-") || !strings.HasSuffix(org["arn"].StringValue(), "organization/"+orgID) {
		t.Errorf("organization %v, OU arn %v", org["arn"], ou["arn"])
	}
	root := org["roots"].ArrayValue()[0].ObjectValue()["id"].StringValue()
	if !strings.HasPrefix(string(NewID(Resource{URN: urnOf("aws:organizations/organizationalUnit:OrganizationalUnit", "prod")}, 0)), "ou-"+strings.TrimPrefix(root, "r-")+"-") {
		t.Errorf("OU id does not carry the root %s", root)
	}
}

func TestARNs(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		inputs resource.PropertyMap
		want   string
	}{
		{"aws:ec2/vpc:Vpc", nil, `^arn:aws:ec2:eu-central-1:123456789012:vpc/vpc-[0-9a-f]{17}$`},
		{"aws:ec2/securityGroup:SecurityGroup", nil, `:security-group/sg-`},
		{"aws:iam/role:Role", resource.PropertyMap{"name": resource.NewProperty("r")}, `^arn:aws:iam::123456789012:role/r$`},
		{"aws:s3/bucketV2:BucketV2", resource.PropertyMap{"bucket": resource.NewProperty("logs")}, `^arn:aws:s3:::logs$`},
		{"aws:route53/zone:Zone", nil, `^arn:aws:route53::123456789012:hostedzone/Z[0-9A-F]{13}$`},
		{"aws:lb/listener:Listener", resource.PropertyMap{"loadBalancerArn": resource.NewProperty("arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/net/in/0123456789abcdef")},
			`^arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/in/0123456789abcdef/[0-9a-f]{16}$`},
	} {
		out := created(tc.typ, "x", tc.inputs, "eu-central-1")
		if got := out["arn"].StringValue(); !regexp.MustCompile(tc.want).MatchString(got) {
			t.Errorf("%s arn = %q, want %s", tc.typ, got, tc.want)
		}
	}
	// A load balancer is known by its ARN: ID and arn output agree.
	r := Resource{URN: urnOf("aws:lb/targetGroup:TargetGroup", "tg"), Inputs: resource.PropertyMap{"name": resource.NewProperty("tg-1")}}
	r.ID = NewID(r, 0)
	if got := Outputs(r)["arn"].StringValue(); got != string(r.ID) {
		t.Errorf("target group arn %q, id %q", got, r.ID)
	}
}

func TestIBMOutputs(t *testing.T) {
	loc := resource.PropertyMap{"location": resource.NewProperty("us-south")}
	tg := Resource{URN: urnOf("infra:ibm:TransitGateway", "tg"), Inputs: loc}
	tg.ID = NewID(tg, 0)
	if got, want := Outputs(tg)["crn"].StringValue(), "crn:v1:bluemix:public:transit:us-south:a/"+IBMAccount+"::gateway:"+string(tg.ID); got != want {
		t.Errorf("transit gateway crn = %q, want %q", got, want)
	}
	vpc := created("infra:ibm:Vpc", "edge", resource.PropertyMap{"region": resource.NewProperty("eu-de")}, "")
	if got := vpc["crn"].StringValue(); !strings.HasPrefix(got, "crn:v1:bluemix:public:is:eu-de:a/"+IBMAccount+"::vpc:r006-") {
		t.Errorf("vpc crn = %q", got)
	}
	if pool := created("infra:ibm:CisOriginPool", "p", nil, ""); !pool["healthy"].IsBool() || !pool["healthy"].BoolValue() {
		t.Errorf("origin pool healthy = %v", pool["healthy"])
	}
}

func TestAutoNames(t *testing.T) {
	sg := urnOf("aws:ec2/securityGroup:SecurityGroup", "aws-us-east-1-prod-mesh-sg")
	got, err := Defaults(sg, resource.PropertyMap{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := got["name"].StringValue()
	if !regexp.MustCompile(`^aws-us-east-1-prod-mesh-sg-[0-9a-f]{7}$`).MatchString(name) {
		t.Errorf("auto-name = %q, want the logical name, '-' and 7 hex digits", name)
	}
	if again, _ := Defaults(sg, resource.PropertyMap{}, 0); again["name"].StringValue() != name {
		t.Error("auto-names are not deterministic")
	}
	if repl, _ := Defaults(sg, resource.PropertyMap{}, 1); repl["name"].StringValue() == name {
		t.Error("a replacement reuses the auto-name")
	}
	if got["description"].StringValue() != "Managed by Pulumi" {
		t.Errorf("security group description = %v, want the provider's default", got["description"])
	}
	explicit, _ := Defaults(sg, resource.PropertyMap{"name": resource.NewProperty("mine")}, 0)
	if explicit["name"].StringValue() != "mine" {
		t.Errorf("an explicit name was replaced: %v", explicit["name"])
	}
	bucket, _ := Defaults(urnOf("aws:s3/bucketV2:BucketV2", "Trail-Logs"), nil, 0)
	if b := bucket["bucket"].StringValue(); !regexp.MustCompile(`^trail-logs-[0-9a-f]{7}$`).MatchString(b) {
		t.Errorf("bucket = %q, want lower case", b)
	}
	alias, _ := Defaults(urnOf("aws:kms/alias:Alias", "state"), nil, 0)
	if a := alias["name"].StringValue(); !strings.HasPrefix(a, "alias/state-") {
		t.Errorf("alias = %q", a)
	}
	if vpc, _ := Defaults(urnOf("aws:ec2/vpc:Vpc", "main"), nil, 0); vpc.HasValue("name") {
		t.Errorf("a VPC has no name input, got %v", vpc)
	}
	if !IsAutoName("aws:ec2/securityGroup:SecurityGroup", "aws-us-east-1-prod-mesh-sg", name) ||
		IsAutoName("aws:ec2/securityGroup:SecurityGroup", "aws-us-east-1-prod-mesh-sg", "mine") ||
		!IsAutoName("aws:kms/alias:Alias", "state", alias["name"].StringValue()) {
		t.Error("IsAutoName does not recognise the auto-names")
	}
	long := urnOf("aws:iam/role:Role", strings.Repeat("r", 60))
	if _, err := Defaults(long, nil, 0); err == nil || !strings.Contains(err.Error(), "plus 7 random chars is longer than maximum length 64") {
		t.Errorf("a 60-character role name: err = %v", err)
	}
}

func TestInvokes(t *testing.T) {
	azs, ok := Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", nil, "eu-central-1")
	if !ok || len(azs["names"].ArrayValue()) != 3 || azs["zoneIds"].ArrayValue()[0].StringValue() != "euc1-az1" {
		t.Errorf("zones = %v", azs)
	}
	use1, _ := Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", resource.PropertyMap{
		"excludeZoneIds": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("use1-az3")}),
	}, "us-east-1")
	if got := fmt.Sprint(use1["names"].ArrayValue(), use1["zoneIds"].ArrayValue()); got != "[{us-east-1a} {us-east-1b} {us-east-1d} {us-east-1e} {us-east-1f}] [{use1-az1} {use1-az2} {use1-az4} {use1-az5} {use1-az6}]" {
		t.Errorf("us-east-1 without use1-az3: %s", got)
	}
	ami, _ := Invoke("aws:ssm/getParameter:getParameter", resource.PropertyMap{"name": resource.NewProperty("/aws/service/ami")}, "")
	if !regexp.MustCompile(`^ami-[0-9a-f]{17}$`).MatchString(ami["value"].StringValue()) {
		t.Errorf("ami = %v", ami["value"])
	}
	if _, ok := Invoke("aws:index/getAmi:getAmi", nil, ""); ok {
		t.Error("an unknown function was answered")
	}
}
