package ibm

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// regionalTypes are the types the regional program declares; Types also
// lists those of other stacks.
var regionalTypes = []string{VpcType, VpcAddressPrefixType, PublicGatewayType, SubnetType, VpcClusterType, LoadBalancerType}

type registered struct {
	typ, name string
	id        string
	urn       string
	inputs    resource.PropertyMap
	deps      []string
}

// mocks answers like the IBM APIs: a crn for everything, a hostname for
// load balancers and the master URL of clusters.
type mocks struct {
	mu  sync.Mutex
	res []registered
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id := strings.ToLower(a.Name) + "-id"
	rec := registered{typ: a.TypeToken, name: a.Name, id: id, inputs: a.Inputs}
	if a.RegisterRPC != nil {
		rec.deps = a.RegisterRPC.GetDependencies()
	}
	m.mu.Lock()
	m.res = append(m.res, rec)
	m.mu.Unlock()
	state := a.Inputs.Copy()
	state["crn"] = resource.NewStringProperty("crn:v1:bluemix:public:is:us-south:a/test::" + id)
	switch a.TypeToken {
	case LoadBalancerType:
		state["hostname"] = resource.NewStringProperty(a.Name + ".lb.test.invalid")
	case VpcClusterType:
		state["masterUrl"] = resource.NewStringProperty("https://c100.us-south.containers.test.invalid:30000")
	}
	return id, state, nil
}

func (m *mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", a.Token)
}

func (m *mocks) byType(typ string) []registered {
	var out []registered
	for _, r := range m.res {
		if r.typ == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (m *mocks) named(name string) registered {
	for _, r := range m.res {
		if r.name == name {
			return r
		}
	}
	return registered{}
}

func run(t *testing.T, m *mocks, args RegionalArgs) (map[string]any, error) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	exports := map[string]any{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := Regional(ctx, args); err != nil {
			return err
		}
		for k, v := range ctx.GetCurrentExportMap() {
			wg.Add(1)
			pulumi.ToOutputWithContext(ctx.Context(), v).ApplyT(func(x any) any {
				defer wg.Done()
				mu.Lock()
				defer mu.Unlock()
				exports[k] = x
				return x
			})
		}
		return nil
	}, pulumi.WithMocks("infra", "test", m))
	if err == nil {
		wg.Wait()
	}
	return exports, err
}

func load(t *testing.T, path string) (*topology.Spec, *network.Plan) {
	t.Helper()
	spec, diags, err := topology.Load(path)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load %s: %v %v", path, err, diags)
	}
	plan, err := network.Compute(spec)
	if err != nil {
		t.Fatalf("network: %v", err)
	}
	return spec, plan
}

func str(m resource.PropertyMap, k string) string {
	v, ok := m[resource.PropertyKey(k)]
	if !ok || !v.IsString() {
		return fmt.Sprint(v)
	}
	return v.StringValue()
}

func strs(v resource.PropertyValue) []string {
	var out []string
	if v.IsArray() {
		for _, e := range v.ArrayValue() {
			out = append(out, e.StringValue())
		}
	}
	return out
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
			spec, plan := load(t, tt.file)
			r := spec.Clouds.IBM.Regions[0]
			id := r.ID()
			rn := plan.Region(id)
			m := &mocks{}
			exports, err := run(t, m, RegionalArgs{Spec: spec, Region: r, Net: rn})
			if err != nil {
				t.Fatal(err)
			}

			counts := map[string]int{}
			for _, res := range m.res {
				counts[res.typ]++
				if strings.HasPrefix(res.typ, "infra:mesh:") {
					continue // the mesh key is the infra provider's, not IBM's
				}
				if !slices.Contains(Types, res.typ) {
					t.Errorf("%s has type %s, not in Types", res.name, res.typ)
				}
				if !strings.HasPrefix(res.name, id+"-") {
					t.Errorf("%s %q is not prefixed with %s", res.typ, res.name, id)
				}
				if got := str(res.inputs, "region"); got != tt.region {
					t.Errorf("%s region = %q", res.name, got)
				}
				if _, ok := res.inputs["resourceGroup"]; ok && str(res.inputs, "resourceGroup") != tt.group {
					t.Errorf("%s resourceGroup = %q, want %q", res.name, str(res.inputs, "resourceGroup"), tt.group)
				}
				// Every type IBM can tag is tagged.
				if res.typ != VpcAddressPrefixType {
					if got := strs(res.inputs["tags"]); !slices.Equal(got, tt.tags) {
						t.Errorf("%s tags = %q, want %q", res.name, got, tt.tags)
					}
				}
			}
			n := len(tt.zones)
			for typ, want := range map[string]int{
				VpcType: 1, VpcAddressPrefixType: n, PublicGatewayType: n, SubnetType: n, VpcClusterType: 1, LoadBalancerType: 1,
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

			vpc := m.named(id + "-vpc")
			if str(vpc.inputs, "addressPrefixManagement") != "manual" {
				t.Errorf("vpc addressPrefixManagement = %s", str(vpc.inputs, "addressPrefixManagement"))
			}
			var subnetIDs []string
			for i, z := range tt.zones {
				zn := rn.Zones[i]
				if zn.Zone != z {
					t.Fatalf("zone plan %d is %s, want %s", i, zn.Zone, z)
				}
				prefix := m.named(id + "-prefix-" + z)
				gw := m.named(id + "-gateway-" + z)
				sub := m.named(id + "-subnet-" + z)
				for _, res := range []registered{prefix, gw, sub} {
					if str(res.inputs, "zone") != z || str(res.inputs, "vpc") != vpc.id {
						t.Errorf("%s zone/vpc = %s/%s, want %s/%s", res.name, str(res.inputs, "zone"), str(res.inputs, "vpc"), z, vpc.id)
					}
				}
				if str(prefix.inputs, "cidr") != zn.Private.String() || str(sub.inputs, "ipv4CidrBlock") != zn.Private.String() {
					t.Errorf("zone %s prefix %s subnet %s, want %s", z, str(prefix.inputs, "cidr"), str(sub.inputs, "ipv4CidrBlock"), zn.Private)
				}
				if !rn.CIDR.Contains(zn.Private.Addr()) {
					t.Errorf("zone %s range %s outside %s", z, zn.Private, rn.CIDR)
				}
				if str(sub.inputs, "publicGateway") != gw.id {
					t.Errorf("subnet %s publicGateway = %s, want %s", z, str(sub.inputs, "publicGateway"), gw.id)
				}
				if !slices.ContainsFunc(sub.deps, func(u string) bool { return strings.HasSuffix(u, "::"+prefix.name) }) {
					t.Errorf("subnet %s does not depend on its address prefix: %v", z, sub.deps)
				}
				subnetIDs = append(subnetIDs, sub.id)
			}

			cl := m.named(id + "-cluster").inputs
			for k, want := range map[string]string{"name": id, "kubeVersion": "1.35", "flavor": tt.flavor, "vpcId": vpc.id} {
				if got := str(cl, k); got != want {
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
				if str(zs, z) != subnetIDs[i] {
					t.Errorf("cluster zone %s subnet = %s, want %s", z, str(zs, z), subnetIDs[i])
				}
			}

			lb := m.named(id + "-ingress").inputs
			if !lb["isPublic"].BoolValue() || !slices.Equal(strs(lb["subnets"]), subnetIDs) {
				t.Errorf("ingress lb isPublic=%v subnets=%v, want public on %v", lb["isPublic"], strs(lb["subnets"]), subnetIDs)
			}

			want := map[string]string{
				"vpcId":           vpc.id,
				"vpcCrn":          "crn:v1:bluemix:public:is:us-south:a/test::" + vpc.id,
				"cidr":            rn.CIDR.String(),
				"clusterName":     id,
				"clusterEndpoint": "https://c100.us-south.containers.test.invalid:30000",
				"ingressAddress":  id + "-ingress.lb.test.invalid",
				"zones":           fmt.Sprint(tt.zones),
				"resourceGroup":   tt.group,
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
	spec, plan := load(t, "../../examples/multicloud.yaml")
	spec.Tags["team/owner"] = "edge"
	r := spec.Clouds.IBM.Regions[0]
	_, err := run(t, &mocks{}, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
	if err == nil || !strings.Contains(err.Error(), "team/owner") || !strings.Contains(err.Error(), "cannot be an IBM Cloud tag") {
		t.Fatalf("err = %v", err)
	}
}

// TestRequiredArguments checks that every constructor refuses to declare a
// resource without its required inputs, as the generated SDKs do.
func TestRequiredArguments(t *testing.T) {
	s := pulumi.String("x")
	tests := []struct {
		name string
		new  func(ctx *pulumi.Context) error
		want string
	}{
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &mocks{}
			err := pulumi.RunErr(tt.new, pulumi.WithMocks("infra", "test", m))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to name %s", err, tt.want)
			}
			if len(m.res) != 0 {
				t.Errorf("registered %d resources despite the error", len(m.res))
			}
		})
	}
}

func TestRegionalNeedsPlan(t *testing.T) {
	spec, _ := load(t, "../../examples/multicloud.yaml")
	if _, err := run(t, &mocks{}, RegionalArgs{Spec: spec, Region: spec.Clouds.IBM.Regions[0]}); err == nil {
		t.Fatal("no error without a network plan")
	}
}

// BenchmarkRegional runs the program for the example's 3-zone region under mocks.
func BenchmarkRegional(b *testing.B) {
	spec, _, err := topology.Load("../../examples/multicloud.yaml")
	if err != nil {
		b.Fatal(err)
	}
	plan, err := network.Compute(spec)
	if err != nil {
		b.Fatal(err)
	}
	r := spec.Clouds.IBM.Regions[0]
	args := RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}
	var n int
	for b.Loop() {
		m := &mocks{}
		if err := pulumi.RunErr(func(ctx *pulumi.Context) error { return Regional(ctx, args) },
			pulumi.WithMocks("infra", "bench", m)); err != nil {
			b.Fatal(err)
		}
		n = len(m.res)
	}
	b.ReportMetric(float64(n), "resources/op")
}
