package ibm

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/stackstest"
)

// regionalTypes are the types the regional program declares; Types also
// lists those of other stacks.
var regionalTypes = []string{VpcType, VpcAddressPrefixType, PublicGatewayType, SubnetType, VpcClusterType}

// newMocks answers like the IBM APIs: a crn for everything, a hostname for
// load balancers and the master URL of clusters.
func newMocks() *stackstest.Mocks {
	return &stackstest.Mocks{
		ID: func(a pulumi.MockResourceArgs) string { return strings.ToLower(a.Name) + "-id" },
		State: func(a pulumi.MockResourceArgs, id string, state resource.PropertyMap) {
			state["crn"] = resource.NewStringProperty("crn:v1:bluemix:public:is:us-south:a/test::" + id)
			switch a.TypeToken {
			case LoadBalancerType:
				state["hostname"] = resource.NewStringProperty(a.Name + ".lb.test.invalid")
			case VpcClusterType:
				state["masterUrl"] = resource.NewStringProperty("https://c100.us-south.containers.test.invalid:30000")
				state["ingressHostname"] = resource.NewStringProperty(a.Name + ".us-south.containers.appdomain.test.invalid")
			}
		},
	}
}

// run runs Regional under m and returns the resolved exports.
func run(m *stackstest.Mocks, args RegionalArgs) (map[string]any, error) {
	return stackstest.Run(m, func(ctx *pulumi.Context) error { return Regional(ctx, args) })
}

// twoZones spreads over two of the three zones, with an allocated CIDR.
const twoZones = `name: acme
tags: {Owner: platform-team, Team: Edge Platform}
clouds:
  ibm:
    regions:
      - region: eu-de
        environment: staging
        zones: [eu-de-1, eu-de-3]
        cluster: {workersPerZone: 3}
`

func TestRegional(t *testing.T) {
	dir := t.TempDir()
	twoFile := filepath.Join(dir, "two.yaml")
	if err := os.WriteFile(twoFile, []byte(twoZones), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, region, env string
		zones             []string
		flavor            string
		perZone           float64
		group             string
		tags              []string
	}{
		{"../../examples/multicloud.yaml", "us-south", "prod", []string{"us-south-1", "us-south-2", "us-south-3"},
			"bx2.4x16", 2, "acme-platform-prod",
			[]string{"costcenter:cc-1234", "environment:prod", "owner:platform-team"}},
		{twoFile, "eu-de", "staging", []string{"eu-de-1", "eu-de-3"},
			"bx2.4x16", 3, "acme-staging",
			[]string{"environment:staging", "owner:platform-team", "team:edge platform"}},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			spec, plan := stackstest.Load(t, tt.file)
			r := spec.Clouds.IBM.Regions[0]
			id := r.ID()
			rn := plan.Region(id)
			m := newMocks()
			exports, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: rn})
			if err != nil {
				t.Fatal(err)
			}

			counts := map[string]int{}
			for _, res := range m.Resources() {
				counts[res.Type]++
				if strings.HasPrefix(res.Type, "infra:mesh:") {
					continue // the mesh key is the infra provider's, not IBM's
				}
				if !slices.Contains(Types, res.Type) {
					t.Errorf("%s has type %s, not in Types", res.Name, res.Type)
				}
				if !strings.HasPrefix(res.Name, id+"-") {
					t.Errorf("%s %q is not prefixed with %s", res.Type, res.Name, id)
				}
				if got := stackstest.Str(res.Inputs, "region"); got != tt.region {
					t.Errorf("%s region = %q", res.Name, got)
				}
				if _, ok := res.Inputs["resourceGroup"]; ok && stackstest.Str(res.Inputs, "resourceGroup") != tt.group {
					t.Errorf("%s resourceGroup = %q, want %q", res.Name, stackstest.Str(res.Inputs, "resourceGroup"), tt.group)
				}
				// Every type IBM can tag is tagged.
				if res.Type != VpcAddressPrefixType {
					if got := stackstest.Strs(res.Inputs["tags"]); !slices.Equal(got, tt.tags) {
						t.Errorf("%s tags = %q, want %q", res.Name, got, tt.tags)
					}
				}
			}
			n := len(tt.zones)
			for typ, want := range map[string]int{
				VpcType: 1, VpcAddressPrefixType: n, PublicGatewayType: n, SubnetType: n, VpcClusterType: 1, LoadBalancerType: 0,
			} {
				if counts[typ] != want {
					t.Errorf("%d × %s, want %d", counts[typ], typ, want)
				}
			}
			for _, typ := range regionalTypes {
				if !slices.Contains(Types, typ) {
					t.Errorf("type %s is missing from Types", typ)
				}
			}

			vpc := m.Named(id + "-vpc")
			if stackstest.Str(vpc.Inputs, "addressPrefixManagement") != "manual" {
				t.Errorf("vpc addressPrefixManagement = %s", stackstest.Str(vpc.Inputs, "addressPrefixManagement"))
			}
			var subnetIDs []string
			for i, z := range tt.zones {
				zn := rn.Zones[i]
				if zn.Zone != z {
					t.Fatalf("zone plan %d is %s, want %s", i, zn.Zone, z)
				}
				prefix := m.Named(id + "-prefix-" + z)
				gw := m.Named(id + "-gateway-" + z)
				sub := m.Named(id + "-subnet-" + z)
				for _, res := range []stackstest.Resource{prefix, gw, sub} {
					if stackstest.Str(res.Inputs, "zone") != z || stackstest.Str(res.Inputs, "vpc") != vpc.ID {
						t.Errorf("%s zone/vpc = %s/%s, want %s/%s", res.Name, stackstest.Str(res.Inputs, "zone"), stackstest.Str(res.Inputs, "vpc"), z, vpc.ID)
					}
				}
				if stackstest.Str(prefix.Inputs, "cidr") != zn.Private.String() || stackstest.Str(sub.Inputs, "ipv4CidrBlock") != zn.Private.String() {
					t.Errorf("zone %s prefix %s subnet %s, want %s", z, stackstest.Str(prefix.Inputs, "cidr"), stackstest.Str(sub.Inputs, "ipv4CidrBlock"), zn.Private)
				}
				if !rn.CIDR.Contains(zn.Private.Addr()) {
					t.Errorf("zone %s range %s outside %s", z, zn.Private, rn.CIDR)
				}
				if stackstest.Str(sub.Inputs, "publicGateway") != gw.ID {
					t.Errorf("subnet %s publicGateway = %s, want %s", z, stackstest.Str(sub.Inputs, "publicGateway"), gw.ID)
				}
				if !slices.ContainsFunc(sub.Deps, func(u string) bool { return strings.HasSuffix(u, "::"+prefix.Name) }) {
					t.Errorf("subnet %s does not depend on its address prefix: %v", z, sub.Deps)
				}
				subnetIDs = append(subnetIDs, sub.ID)
			}

			cl := m.Named(id + "-cluster").Inputs
			for k, want := range map[string]string{"name": id, "kubeVersion": "1.35", "flavor": tt.flavor, "vpcId": vpc.ID} {
				if got := stackstest.Str(cl, k); got != want {
					t.Errorf("cluster %s = %q, want %q", k, got, want)
				}
			}
			if got := cl["workerCount"].NumberValue(); got != tt.perZone {
				t.Errorf("cluster workerCount = %v, want %v", got, tt.perZone)
			}
			zs := cl["zoneSubnets"].ObjectValue()
			if len(zs) != n {
				t.Errorf("cluster spans %d zones, want %d", len(zs), n)
			}
			for i, z := range tt.zones {
				if stackstest.Str(zs, z) != subnetIDs[i] {
					t.Errorf("cluster zone %s subnet = %s, want %s", z, stackstest.Str(zs, z), subnetIDs[i])
				}
			}

			want := map[string]string{
				"vpcId":           vpc.ID,
				"vpcCrn":          "crn:v1:bluemix:public:is:us-south:a/test::" + vpc.ID,
				"cidr":            rn.CIDR.String(),
				"clusterName":     id,
				"clusterEndpoint": "https://c100.us-south.containers.test.invalid:30000",
				// the cluster's Ingress subdomain, which IKS points at the
				// VPC load balancer it makes for the cluster's public ALBs
				"ingressAddress": id + "-cluster.us-south.containers.appdomain.test.invalid",
				"zones":          fmt.Sprint(tt.zones),
				"resourceGroup":  tt.group,
			}
			for k, w := range want {
				if got := fmt.Sprint(exports[k]); got != w {
					t.Errorf("export %s = %v, want %v", k, got, w)
				}
			}
		})
	}
}

func TestTagsIBMCannotHold(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	spec.Tags["team/owner"] = "edge"
	r := spec.Clouds.IBM.Regions[0]
	_, err := run(newMocks(), RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
	if err == nil || !strings.Contains(err.Error(), "team/owner") || !strings.Contains(err.Error(), "cannot be an IBM Cloud tag") {
		t.Fatalf("err = %v", err)
	}
}

// TestRequiredArguments checks that every constructor refuses to declare a
// resource without its required inputs, as the generated SDKs do.
func TestRequiredArguments(t *testing.T) {
	s := pulumi.String("x")
	refuse(t, []refusal{
		{"vpc without resource group", func(ctx *pulumi.Context) error {
			_, err := NewVpc(ctx, "v", &VpcArgs{Name: s, Region: s})
			return err
		}, "ResourceGroup"},
		{"vpc without args", func(ctx *pulumi.Context) error {
			_, err := NewVpc(ctx, "v", nil)
			return err
		}, "missing one or more required arguments"},
		{"prefix without cidr", func(ctx *pulumi.Context) error {
			_, err := NewVpcAddressPrefix(ctx, "p", &VpcAddressPrefixArgs{Vpc: s, Region: s, Name: s, Zone: s})
			return err
		}, "Cidr"},
		{"gateway without zone", func(ctx *pulumi.Context) error {
			_, err := NewPublicGateway(ctx, "g", &PublicGatewayArgs{Vpc: s, Region: s, Name: s, ResourceGroup: s})
			return err
		}, "Zone"},
		{"subnet without cidr", func(ctx *pulumi.Context) error {
			_, err := NewSubnet(ctx, "s", &SubnetArgs{Vpc: s, Region: s, Name: s, Zone: s, ResourceGroup: s})
			return err
		}, "Ipv4CidrBlock"},
		{"cluster without zones", func(ctx *pulumi.Context) error {
			_, err := NewVpcCluster(ctx, "c", &VpcClusterArgs{Name: s, Region: s, ResourceGroup: s, KubeVersion: s,
				VpcId: s, Flavor: s, WorkerCount: pulumi.Int(1)})
			return err
		}, "ZoneSubnets"},
		{"lb without subnets", func(ctx *pulumi.Context) error {
			_, err := NewLoadBalancer(ctx, "l", &LoadBalancerArgs{Name: s, Region: s, IsPublic: pulumi.Bool(true), ResourceGroup: s})
			return err
		}, "Subnets"},
	}, func(t *testing.T, m *stackstest.Mocks) {
		if len(m.Resources()) != 0 {
			t.Errorf("registered %d resources despite the error", len(m.Resources()))
		}
	})
}

// refusal is a declaration that must fail with an error naming want.
type refusal struct {
	name string
	new  func(ctx *pulumi.Context) error
	want string
}

// refuse runs each refusal under fresh mocks as a subtest, fails it unless
// the error names want, then hands the mocks to after, when set.
func refuse(t *testing.T, tests []refusal, after func(t *testing.T, m *stackstest.Mocks)) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMocks()
			_, err := stackstest.Run(m, tt.new)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to name %s", err, tt.want)
			}
			if after != nil {
				after(t, m)
			}
		})
	}
}

// TestRegionalActsAsDeployer: with the landing zone's deployer key, every
// IBM resource of the region is made by a provider acting with that key,
// which stays a secret (ibm.md item 3: the grants reach the deployer only).
func TestRegionalActsAsDeployer(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	r := spec.Clouds.IBM.Regions[0]
	m := newMocks()
	if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID()),
		DeployerApiKey: pulumi.String("deployer-key"), CbrZone: pulumi.String("zone-prod")}); err != nil {
		t.Fatal(err)
	}
	prov := m.Named(r.ID() + "-deployer")
	if prov.Type != "pulumi:providers:infra" || !stackstest.IsSecret(prov.Inputs["apiKey"]) ||
		stackstest.Unwrap(prov.Inputs["apiKey"]).StringValue() != "deployer-key" {
		t.Fatalf("deployer provider = %+v, want pulumi:providers:infra with the key as a secret", prov)
	}
	n := 0
	for _, res := range m.Resources() {
		if !strings.HasPrefix(res.Type, "infra:ibm:") {
			continue
		}
		n++
		if res.Type == CbrZoneAddressesType {
			// the landing zone's identity edits its network zones (item 5c)
			if res.Provider != "" || res.Inputs["zone"].StringValue() != "zone-prod" || res.Inputs["name"].StringValue() != r.ID() ||
				len(res.Inputs["vpcs"].ArrayValue()) != 1 || res.Inputs["vpcs"].ArrayValue()[0].StringValue() != "crn:v1:bluemix:public:is:us-south:a/test::"+r.ID()+"-vpc-id" {
				t.Errorf("%s: provider %q, inputs %v; want the default provider adding the VPC's CRN to zone-prod", res.Name, res.Provider, res.Inputs)
			}
			continue
		}
		if !strings.Contains(res.Provider, "::"+r.ID()+"-deployer::") {
			t.Errorf("%s %s is made by provider %q, not the deployer's", res.Type, res.Name, res.Provider)
		}
	}
	if n == 0 {
		t.Fatal("no IBM resource")
	}
}

func TestRegionalNeedsPlan(t *testing.T) {
	spec, _ := stackstest.Load(t, "../../examples/multicloud.yaml")
	if _, err := run(newMocks(), RegionalArgs{Spec: spec, Region: spec.Clouds.IBM.Regions[0]}); err == nil {
		t.Fatal("no error without a network plan")
	}
}

// BenchmarkRegional runs the program for the example's 3-zone region under mocks.
func BenchmarkRegional(b *testing.B) {
	spec, plan := stackstest.Load(b, "../../examples/multicloud.yaml")
	r := spec.Clouds.IBM.Regions[0]
	args := RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}
	stackstest.Benchmark(b, newMocks, func(ctx *pulumi.Context) error { return Regional(ctx, args) })
}
