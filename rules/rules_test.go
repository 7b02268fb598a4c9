package rules

import (
	"fmt"
	"strings"
	"testing"
)

// valid inputs per type: each passes every rule, and each table row below
// mutates one of them so that exactly one rule class fires.
func validLB() map[string]any {
	return map[string]any{"name": "us-east-1-prod-ingress", "loadBalancerType": "network", "subnets": []any{"subnet-1"}}
}

func validSG() map[string]any {
	return map[string]any{"name": "web", "description": "web tier", "vpcId": "vpc-1",
		"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "description": "https"}}}
}

func validOVHInstance() map[string]any {
	return map[string]any{
		"serviceName": "p", "region": "GRA11", "name": "gw", "billingPeriod": "hourly",
		"flavor":   map[string]any{"flavorId": "f"},
		"bootFrom": map[string]any{"imageId": "i"},
		"network":  map[string]any{"public": true},
		"sshKey":   map[string]any{"name": "k"},
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// Each rule class fires on one mutated input, with the property and a source.
func TestRuleClassesFire(t *testing.T) {
	const (
		lb  = "aws:lb/loadBalancer:LoadBalancer"
		sg  = "aws:ec2/securityGroup:SecurityGroup"
		ovh = "ovh:CloudProject/instance:Instance"
		tg  = "aws:lb/targetGroup:TargetGroup"
	)
	for _, valid := range []struct {
		typ    string
		inputs map[string]any
	}{{lb, validLB()}, {sg, validSG()}, {ovh, validOVHInstance()}} {
		if vs := Check(valid.typ, valid.inputs); len(vs) != 0 {
			t.Fatalf("valid %s fails: %v", valid.typ, vs)
		}
	}
	sgRule := func(desc string) map[string]any {
		return with(validSG(), "ingress", []any{map[string]any{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "description": desc}})
	}
	for _, tc := range []struct {
		class, typ string
		inputs     map[string]any
		rule, prop string
	}{
		{"length", lb, with(validLB(), "name", strings.Repeat("a", 33)), "maxLength", "name"},
		{"charset (pattern)", sg, sgRule("the region's network"), "pattern", "ingress[0].description"},
		{"charset (cloud limit)", sg, with(validSG(), "description", "the region's network"), RuleCloudLimit, "description"},
		{"notPattern", lb, with(validLB(), "name", "internal-x"), "notPattern", "name"},
		{"exactly-one-of (none)", ovh, with(validOVHInstance(), "sshKey", nil), "exactlyOneOf", "sshKey"},
		{"exactly-one-of (both)", ovh, with(validOVHInstance(), "sshKeyCreate", map[string]any{"name": "k", "publicKey": "ssh-ed25519 AAAA"}), "exactlyOneOf", "sshKey"},
		{"conflicts", lb, with(validLB(), "namePrefix", "ing"), "conflictsWith", "name"},
		{"enum", lb, with(validLB(), "loadBalancerType", "classic"), "oneOf", "loadBalancerType"},
		{"range", tg, map[string]any{"port": 70000.0}, "range", "port"},
		{"required (nested)", sg, with(validSG(), "ingress", []any{map[string]any{"fromPort": 1.0, "toPort": 1.0}}), "required", "ingress[0].protocol"},
		{"type", lb, with(validLB(), "internal", "yes"), RuleType, "internal"},
		{"unknown property", lb, with(validLB(), "nmae", "x"), RuleUnknownProperty, "nmae"},
		{"ibm reserved name", "infra:ibm:VpcRoutingTableRoute", map[string]any{"name": "ibm-route", "action": "deliver"}, RuleName, "name"},
		{"ibm enum", "infra:ibm:VpcRoutingTableRoute", map[string]any{"name": "route", "action": "forward"}, RuleEnum, "action"},
		{"ibm version-dependent", "infra:ibm:SecurityGroupRule", map[string]any{"protocol": "all", "direction": "inbound"}, "notOneOf", "protocol"},
	} {
		t.Run(tc.class, func(t *testing.T) {
			vs := Check(tc.typ, tc.inputs)
			found := false
			for _, v := range vs {
				if v.Rule == tc.rule && v.Property == tc.prop && v.Severity == Error && v.Source != "" && v.Message != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("want %s on %s, got %v", tc.rule, tc.prop, vs)
			}
		})
	}
}

// Values a plan cannot know pass every rule.
func TestUnknownsAreSkipped(t *testing.T) {
	in := with(validLB(), "name", Unknown)
	in["loadBalancerType"] = Secret
	if vs := Check("aws:lb/loadBalancer:LoadBalancer", in); len(vs) != 0 {
		t.Errorf("unknowns fired rules: %v", vs)
	}
	// An unknown member satisfies exactly-one-of: it is set.
	if vs := Check("ovh:CloudProject/instance:Instance", with(validOVHInstance(), "sshKey", Unknown)); len(vs) != 0 {
		t.Errorf("unknown sshKey: %v", vs)
	}
}

// A warning is a warning: hcloud primary IP assigneeType without assigneeId.
func TestWarnWithout(t *testing.T) {
	vs := Check("hcloud:index/primaryIp:PrimaryIp", map[string]any{"name": "ip", "type": "ipv4", "assigneeType": "server", "location": "nbg1", "autoDelete": false})
	if len(vs) != 1 || vs[0].Severity != Warning || vs[0].Rule != "warnWithout" {
		t.Errorf("got %v", vs)
	}
}

// Auto-names count against length limits: a target group named by Pulumi
// is its logical name plus 8 characters.
func TestAutoName(t *testing.T) {
	const tg = "aws:lb/targetGroup:TargetGroup"
	a, ok := AutoName(tg)
	if !ok || a.MaxLen != 32 || a.Property != "name" {
		t.Fatalf("AutoName(%s) = %+v, %v", tg, a, ok)
	}
	in := WithAutoName(tg, "aws-us-east-1-prod-ingress-tg-443", "abc", map[string]any{"port": 443.0})
	if in["name"] != "aws-us-east-1-prod-ingress-tg-443-abc0000" {
		t.Errorf("auto-name %v", in["name"])
	}
	vs := Check(tg, in)
	if len(vs) != 1 || vs[0].Rule != "maxLength" {
		t.Errorf("got %v", vs)
	}
	if out := WithAutoName(tg, "x", "abc", map[string]any{"namePrefix": "x"}); out["name"] != nil {
		t.Errorf("auto-named despite namePrefix: %v", out)
	}
}

// Cloud limits over a plan: SCPs per target (FullAWSAccess counts), spread
// placement groups, network zones.
func TestLimits(t *testing.T) {
	var rs []Resource
	for i := range 5 {
		rs = append(rs, Resource{Type: "aws:organizations/policyAttachment:PolicyAttachment", Name: "a" + string(rune('0'+i)),
			Inputs: map[string]any{"policyId": "p", "targetId": "ou-1"}})
	}
	rs = append(rs, Resource{Type: "aws:organizations/policyAttachment:PolicyAttachment", Name: "ok",
		Inputs: map[string]any{"policyId": "p", "targetId": "ou-2"}})
	// A resource control policy on the full OU does not count as an SCP.
	rs = append(rs, Resource{Type: "aws:organizations/policy:Policy", Name: "rcp", ID: "p-rcp", Inputs: map[string]any{"type": "RESOURCE_CONTROL_POLICY", "content": "{}"}},
		Resource{Type: "aws:organizations/policyAttachment:PolicyAttachment", Name: "rcp-ou-2",
			Inputs: map[string]any{"policyId": "p-rcp", "targetId": "ou-2"}})
	for i := range 3 {
		rs = append(rs, Resource{Type: "aws:organizations/policyAttachment:PolicyAttachment", Name: "b" + string(rune('0'+i)),
			Inputs: map[string]any{"policyId": "p", "targetId": "ou-2"}})
	}
	rs = append(rs,
		Resource{Type: "hcloud:index/networkSubnet:NetworkSubnet", Name: "s1", Inputs: map[string]any{"networkId": "n", "networkZone": "eu-central"}},
		Resource{Type: "hcloud:index/networkSubnet:NetworkSubnet", Name: "s2", Inputs: map[string]any{"networkId": "n", "networkZone": "us-east"}})
	vs := Limits(rs)
	if len(vs) != 2 {
		t.Fatalf("got %v", vs)
	}
	if vs[0].Resource != "a4" || !strings.Contains(vs[0].Message, "6 SCPs") || vs[1].Resource != "s2" {
		t.Errorf("got %v", vs)
	}
}

// Force-new paths replace; other changes update; conditions need values.
func TestForceNew(t *testing.T) {
	const pool = "ovh:CloudProject/kubeNodePool:KubeNodePool"
	if r, because, _ := ForceNew(pool, []string{"flavorName", "desiredNodes"}); !r || len(because) != 1 || because[0] != "flavorName" {
		t.Errorf("flavorName: %v %v", r, because)
	}
	if r, _, _ := ForceNew(pool, []string{"desiredNodes"}); r {
		t.Error("desiredNodes replaced the pool")
	}
	if r, because, _ := ForceNew("hcloud:index/network:Network", []string{"ipRange"}); !r || because[0] != "ipRange" {
		t.Errorf("network ipRange: %v", because)
	}
	if r, because, _ := ForceNew("infra:ibm:SecurityGroupRule", []string{"protocol"}); !r || because[0] != "protocol" {
		t.Errorf("ibm immutable protocol: %v", because)
	}
	const inst = "aws:ec2/instance:Instance"
	old := map[string]any{"userData": "a", "userDataReplaceOnChange": true, "instanceType": "t3.small"}
	if r, because, _ := Replace(inst, old, with(old, "userData", "b")); !r || because[0] != "userData" {
		t.Errorf("userData with userDataReplaceOnChange: %v", because)
	}
	noRep := with(old, "userDataReplaceOnChange", false)
	if r, _, _ := Replace(inst, noRep, with(noRep, "userData", "b")); r {
		t.Error("userData replaced without userDataReplaceOnChange")
	}
	if r, _, _ := Replace(inst, old, with(old, "instanceType", "t3.large")); r {
		t.Error("same-architecture resize replaced the instance")
	}
	if r, _, _ := Replace(inst, old, with(old, "instanceType", "t4g.small")); !r {
		t.Error("x86 to arm64 did not replace the instance")
	}
	// The program named the load balancer: the provider deletes first.
	lbOld := validLB()
	if r, _, dbr := Replace("aws:lb/loadBalancer:LoadBalancer", lbOld, with(lbOld, "internal", true)); !r || !dbr {
		t.Errorf("internal change: replace %v, deleteBeforeReplace %v", r, dbr)
	}
	// IBM inputs applied once never replace.
	if r, _, _ := Replace("infra:ibm:VpcCluster", map[string]any{"flavor": "a"}, map[string]any{"flavor": "b"}); r {
		t.Error("VpcCluster flavor (applied once) replaced the cluster")
	}
	// Another root key or Key Protect instance is enableKMS again, in
	// place (data/corrections.json); another cluster is a new enablement.
	kms := map[string]any{"cluster": "c1", "instance": "i1", "rootKey": "k1"}
	for _, p := range []string{"rootKey", "instance"} {
		if r, because, _ := Replace("infra:ibm:ClusterKms", kms, with(kms, p, "x")); r {
			t.Errorf("ClusterKms %s change replaced it (because %v)", p, because)
		}
	}
	if r, _, _ := Replace("infra:ibm:ClusterKms", kms, with(kms, "cluster", "c2")); !r {
		t.Error("ClusterKms on another cluster did not replace it")
	}
}

// What Check cannot evaluate is known and short.
func TestUnchecked(t *testing.T) {
	if u := Unchecked(); len(u) > 6 {
		t.Errorf("%d unchecked constraints: %v", len(u), u)
	}
}

// An IBM transit gateway with one connection routes nothing, and global
// routing within one region costs more for nothing: both warn (ibm.md 16).
func TestTransitGatewayWarnings(t *testing.T) {
	gw := func(global bool) Resource {
		return Resource{Type: "infra:ibm:TransitGateway", Name: "ibm-transit-gateway", Inputs: map[string]any{"global": global}}
	}
	conn := func(n, region string) Resource {
		return Resource{Type: "infra:ibm:TransitGatewayConnection", Name: n,
			Inputs: map[string]any{"networkId": "crn:v1:bluemix:public:is:" + region + ":a/acct::vpc:r006-" + n}}
	}
	for _, c := range []struct {
		name string
		rs   []Resource
		want string
	}{
		{"one connection", []Resource{gw(true), conn("a", "us-south")}, "routes nothing"},
		{"global in one region", []Resource{gw(true), conn("a", "us-south"), conn("b", "us-south")}, "local routing"},
		{"global across regions", []Resource{gw(true), conn("a", "us-south"), conn("b", "eu-de")}, ""},
		{"local in one region", []Resource{gw(false), conn("a", "us-south"), conn("b", "us-south")}, ""},
	} {
		vs := Limits(c.rs)
		switch {
		case c.want == "" && len(vs) != 0:
			t.Errorf("%s: %v, want nothing", c.name, vs)
		case c.want != "" && (len(vs) != 1 || vs[0].Severity != Warning || !strings.Contains(vs[0].Message, c.want)):
			t.Errorf("%s: %v, want one warning with %q", c.name, vs, c.want)
		}
	}
}

// A CIS zone for an RFC 2606 domain can never be delegated: a warning
// (ibm.md 18); a real domain passes.
func TestReservedCISDomain(t *testing.T) {
	for dom, want := range map[string]bool{"example.com": true, "app.example.org": true, "shop.test": true, "acme.io": false, "example.com.au": false} {
		vs := Check("infra:ibm:CisDomain", map[string]any{"cis": "crn", "domain": dom})
		got := false
		for _, v := range vs {
			if v.Property == "domain" && v.Severity == Warning && strings.Contains(v.Message, "RFC 2606") {
				got = true
			}
		}
		if got != want {
			t.Errorf("%s: warned %v, want %v (%v)", dom, got, want, vs)
		}
	}
}

// New accounts must be created one at a time: two creates with no chain of
// dependencies between them break the rule; imported accounts never do.
// An RCP's document is held to the same 5,120 characters as an SCP's.
func TestRCPSize(t *testing.T) {
	big := `{"Statement":"` + strings.Repeat("x", 5200) + `"}`
	vs := Limits([]Resource{
		{Type: "aws:organizations/policy:Policy", Name: "rcp", Inputs: map[string]any{"type": "RESOURCE_CONTROL_POLICY", "content": big}},
		{Type: "aws:organizations/policy:Policy", Name: "tags", Inputs: map[string]any{"type": "TAG_POLICY", "content": big}},
	})
	if len(vs) != 1 || vs[0].Resource != "rcp" || !strings.Contains(vs[0].Message, "an RCP holds at most 5120") {
		t.Errorf("got %v, want the RCP over its limit (a tag policy holds 10,000)", vs)
	}
}

// The account quota counts the management account: nine members fit the
// default of ten, a tenth does not.
func TestAccountQuota(t *testing.T) {
	const acct = "aws:organizations/account:Account"
	accounts := func(n int) []Resource {
		var rs []Resource
		for i := range n {
			// Imported, so that the one-at-a-time rule stays quiet.
			rs = append(rs, Resource{Type: acct, Name: fmt.Sprintf("a%d", i), Import: fmt.Sprintf("%012d", i)})
		}
		return rs
	}
	if vs := Limits(accounts(9)); len(vs) != 0 {
		t.Errorf("9 members and the management account: %v", vs)
	}
	vs := Limits(accounts(10))
	if len(vs) != 1 || vs[0].Severity != Warning || vs[0].Resource != "a9" ||
		!strings.Contains(vs[0].Message, "ACCOUNT_NUMBER_LIMIT_EXCEEDED") || !strings.Contains(vs[0].Message, "11 accounts (10 members and the management account)") {
		t.Errorf("10 members: %v", vs)
	}
}

func TestAccountsOneAtATime(t *testing.T) {
	const acct = "aws:organizations/account:Account"
	tests := []struct {
		name string
		rs   []Resource
		want []string // resources named by violations
	}{
		{"parallel", []Resource{{Type: acct, Name: "a"}, {Type: acct, Name: "b"}, {Type: acct, Name: "c", DependsOn: []string{"b"}}}, []string{"b", "c"}},
		{"chained", []Resource{{Type: acct, Name: "a"}, {Type: acct, Name: "b", DependsOn: []string{"a"}}, {Type: acct, Name: "c", DependsOn: []string{"b"}}}, nil},
		{"through another resource", []Resource{{Type: acct, Name: "a"}, {Type: "x", Name: "probe", DependsOn: []string{"a"}}, {Type: acct, Name: "b", DependsOn: []string{"probe"}}}, nil},
		{"imports run in parallel", []Resource{{Type: acct, Name: "a", Import: "111111111111"}, {Type: acct, Name: "b", Import: "222222222222"}, {Type: acct, Name: "c"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range Limits(tt.rs) {
				if v.Rule != RuleSerialCreate || !strings.Contains(v.Message, "CONCURRENT_ACCOUNT_MODIFICATION") {
					t.Errorf("unexpected %v", v)
				}
				got = append(got, v.Resource)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("violations on %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEKSZones(t *testing.T) {
	subnet := func(name, id, az string) Resource {
		return Resource{Type: "aws:ec2/subnet:Subnet", Name: name, ID: id, Inputs: map[string]any{"availabilityZoneId": az}}
	}
	rs := []Resource{
		subnet("a", "subnet-a", "use1-az1"),
		subnet("c", "subnet-c", "use1-az3"),
		subnet("u", "subnet-u", Unknown),
		{Type: "aws:eks/cluster:Cluster", Name: "eks", Inputs: map[string]any{"vpcConfig": map[string]any{
			"subnetIds": []any{"subnet-a", "subnet-c", "subnet-u", Unknown, "subnet-elsewhere"}}}},
	}
	vs := Limits(rs)
	if len(vs) != 1 || vs[0].Rule != RuleEKSZone || vs[0].Resource != "eks" || vs[0].Property != "vpcConfig.subnetIds[1]" ||
		!strings.Contains(vs[0].Message, "UnsupportedAvailabilityZoneException") || vs[0].Severity != Error {
		t.Fatalf("violations = %v", vs)
	}
	if got := EKSUnsupportedZoneIDs("us-east-1"); len(got) != 1 || got[0] != "use1-az3" {
		t.Errorf("us-east-1: %v", got)
	}
	if got := EKSUnsupportedZoneIDs("eu-west-1"); len(got) != 0 {
		t.Errorf("eu-west-1: %v", got)
	}
}

func TestReservedDomains(t *testing.T) {
	for _, tc := range []struct {
		typ, prop, value string
		want             Severity
	}{
		{"aws:route53/zone:Zone", "name", "example.org", Error},
		{"aws:route53/zone:Zone", "name", "app.EXAMPLE.com.", Error},
		{"aws:route53/zone:Zone", "name", "svc.test", Error},
		{"aws:route53/zone:Zone", "name", "myexample.com", ""},
		{"aws:route53/zone:Zone", "name", "example.company", ""},
		{"aws:organizations/account:Account", "email", "aws+dev@acme.example", Warning},
		{"aws:organizations/account:Account", "email", "aws+dev@acme.io", ""},
	} {
		var got Severity
		for _, v := range Check(tc.typ, map[string]any{tc.prop: tc.value}) {
			if v.Rule == RuleReservedDomain {
				got = v.Severity
			}
		}
		if got != tc.want {
			t.Errorf("%s %s=%q: severity %q, want %q", tc.typ, tc.prop, tc.value, got, tc.want)
		}
	}
}

// The OVH v2 subnet (host routes) and the vRack attachment: every input of
// both forces a new resource, and the subnet's addresses are checked as the
// provider validates them (review hetzner-ovh-mesh.md, rules data).
func TestOVHSubnetV2AndVrack(t *testing.T) {
	const (
		subnet = "ovh:CloudProject/networkPrivateSubnetV2:NetworkPrivateSubnetV2"
		vrack  = "ovh:Vrack/cloudProject:CloudProject"
	)
	for _, tc := range []struct {
		typ, path string
	}{{subnet, "hostRoutes"}, {subnet, "allocationPools"}, {subnet, "cidr"}, {subnet, "gatewayIp"}, {vrack, "projectId"}, {vrack, "serviceName"}} {
		if r, because, _ := ForceNew(tc.typ, []string{tc.path}); !r || len(because) != 1 || because[0] != tc.path {
			t.Errorf("%s %s: replace %v because %v, want a replacement", tc.typ, tc.path, r, because)
		}
	}
	valid := map[string]any{
		"serviceName": "p", "networkId": "n", "region": "GRA11", "name": "s", "cidr": "10.30.0.0/16",
		"dhcp": true, "enableGatewayIp": true, "gatewayIp": "10.30.0.1",
		"allocationPools": []any{map[string]any{"start": "10.30.0.16", "end": "10.30.255.254"}},
		"hostRoutes":      []any{map[string]any{"destination": "10.0.0.0/8", "nexthop": "10.30.0.3"}},
	}
	if vs := Check(subnet, valid); len(vs) != 0 {
		t.Fatalf("valid subnet fails: %v", vs)
	}
	for _, tc := range []struct{ path, prop string }{
		{"cidr", "cidr"}, {"gatewayIp", "gatewayIp"},
	} {
		vs := Check(subnet, with(valid, tc.path, "not-an-address"))
		found := false
		for _, v := range vs {
			found = found || (v.Rule == "format" && v.Property == tc.prop && v.Source != "")
		}
		if !found {
			t.Errorf("%s: want a format error, got %v", tc.path, vs)
		}
	}
	routes := with(valid, "hostRoutes", []any{map[string]any{"destination": "10.0.0.0/8", "nexthop": "gateway"}})
	if vs := Check(subnet, routes); len(vs) == 0 {
		t.Error("a host route whose next hop is no IP passes")
	}
	if vs := Check(vrack, map[string]any{"serviceName": "pn-1", "projectId": "p"}); len(vs) != 0 {
		t.Errorf("valid vRack attachment fails: %v", vs)
	}
}
