package ovh

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/stackstest"
)

const (
	tNetworkPrivate = "ovh:CloudProject/networkPrivate:NetworkPrivate"
	tSubnet         = "ovh:CloudProject/networkPrivateSubnetV2:NetworkPrivateSubnetV2"
	tGateway        = "ovh:CloudProject/gateway:Gateway"
	tKube           = "ovh:CloudProject/kube:Kube"
	tNodePool       = "ovh:CloudProject/kubeNodePool:KubeNodePool"
	tFloatingIP     = "ovh:index/cloudFloatingIp:CloudFloatingIp"
	testIngressIP   = "198.51.100.7"
	tManifests      = "infra:kubernetes:Manifests"
	// The cluster's credentials, as the mocks' kubeconfigAttributes hold
	// them (base64).
	testCA, testCert, testKey = "-----BEGIN CERTIFICATE-----\nca\n", "-----BEGIN CERTIFICATE-----\nadmin\n", "-----BEGIN PRIVATE KEY-----\nkey\n"
)

// newMocks answers like the OVH API: a per-region OpenStack id for private
// networks, a bare host name as the cluster url, an address for floating IPs.
func newMocks() *stackstest.Mocks {
	return &stackstest.Mocks{State: func(a pulumi.MockResourceArgs, _ string, state resource.PropertyMap) {
		switch a.TypeToken {
		case tNetworkPrivate:
			ids := resource.PropertyMap{}
			for _, r := range a.Inputs["regions"].ArrayValue() {
				ids[resource.PropertyKey(r.StringValue())] = resource.NewStringProperty("os-" + a.Name)
			}
			state["regionsOpenstackIds"] = resource.NewObjectProperty(ids)
		case tKube:
			state["url"] = resource.NewStringProperty("abc123.c1.gra.k8s.ovh.net")
			b64 := func(s string) resource.PropertyValue {
				return resource.NewStringProperty(base64.StdEncoding.EncodeToString([]byte(s)))
			}
			state["kubeconfigAttributes"] = resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{
				resource.NewObjectProperty(resource.PropertyMap{"host": resource.NewStringProperty("https://abc123.c1.gra.k8s.ovh.net"),
					"clusterCaCertificate": b64(testCA), "clientCertificate": b64(testCert), "clientKey": b64(testKey)})}))
		case tFloatingIP:
			state["currentState"] = resource.NewObjectProperty(resource.PropertyMap{"ip": resource.NewStringProperty(testIngressIP)})
		}
	}}
}

// run runs Regional under m and returns the resolved exports.
func run(m *stackstest.Mocks, args RegionalArgs) (map[string]any, error) {
	return stackstest.Run(m, func(ctx *pulumi.Context) error { return Regional(ctx, args) })
}

// paris is a spec with a 3-AZ region, where pools are pinned to zones.
const paris = `name: acme
tags: {Owner: platform-team}
clouds:
  ovh:
    project: 0123456789abcdef0123456789abcdef
    regions:
      - region: EU-WEST-PAR
        environment: prod
        cluster: {flavor: b3-16, nodes: {min: 2, max: 4}}
`

func TestRegional(t *testing.T) {
	dir := t.TempDir()
	parisFile := filepath.Join(dir, "paris.yaml")
	if err := os.WriteFile(parisFile, []byte(paris), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(ProjectEnv, "")
	tests := []struct {
		file, region, env string
		project           string
		plan, flavor      string
		min, max, desired int
		zones             []string
	}{
		{"../../examples/multicloud.yaml", "GRA11", "prod", ProjectPlaceholder, "free", "b3-8", 3, 6, 3, []string{"GRA11"}},
		{"../../examples/multicloud.yaml", "BHS5", "staging", ProjectPlaceholder, "free", "b2-7", 3, 3, 3, []string{"BHS5"}},
		{"../../examples/multicloud.yaml", "SBG5", "staging", ProjectPlaceholder, "free", "b2-7", 3, 3, 3, []string{"SBG5"}},
		{parisFile, "EU-WEST-PAR", "prod", "0123456789abcdef0123456789abcdef", "standard", "b3-16", 2, 4, 2,
			[]string{"eu-west-par-a", "eu-west-par-b", "eu-west-par-c"}},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			spec, plan := stackstest.Load(t, tt.file)
			r := stackstest.Region(t, spec.Clouds.OVH.Regions, tt.region, tt.env)
			id := r.ID()
			rn := plan.Region(id)
			m := newMocks()
			exports, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: rn})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range m.Resources() {
				if !strings.HasPrefix(res.Name, id+"-") {
					t.Errorf("%s %q is not prefixed with %s", res.Type, res.Name, id)
				}
				if strings.HasPrefix(res.Type, "infra:") {
					continue // the mesh key and the Kubernetes objects are the infra provider's, not OVH's
				}
				if got := stackstest.Str(res.Inputs, "serviceName"); got != tt.project {
					t.Errorf("%s serviceName = %q, want %q", res.Name, got, tt.project)
				}
				if n := stackstest.Str(res.Inputs, "name"); strings.Contains(n, "_") {
					t.Errorf("%s name %q has an underscore", res.Name, n)
				}
			}
			openstackID := "os-" + id + "-network"

			net := m.One(t, tNetworkPrivate)
			if got := fmt.Sprint(stackstest.Strs(net["regions"])); got != "["+tt.region+"]" {
				t.Errorf("network regions = %s", got)
			}
			if v := stackstest.Num(net, "vlanId"); v < 2 || v > 4000 {
				t.Errorf("vlanId = %d", v)
			}

			sub := m.One(t, tSubnet)
			base := rn.CIDR.Masked().Addr()
			for k, want := range map[string]string{
				"cidr": rn.CIDR.String(), "region": tt.region, "networkId": openstackID,
				"gatewayIp": base.Next().String(),
			} {
				if got := stackstest.Str(sub, k); got != want {
					t.Errorf("subnet %s = %q, want %q", k, got, want)
				}
			}
			pools := sub["allocationPools"].ArrayValue()
			if len(pools) != 1 {
				t.Fatalf("subnet allocationPools = %v", pools)
			}
			start := netip.MustParseAddr(stackstest.Str(pools[0].ObjectValue(), "start"))
			end := netip.MustParseAddr(stackstest.Str(pools[0].ObjectValue(), "end"))
			if !rn.CIDR.Contains(end) || !rn.CIDR.Contains(end.Next()) {
				t.Errorf("subnet pool end %s is not the last host of %s", end, rn.CIDR)
			}
			// Every region of the mesh lies in the RFC 1918 block: one host
			// route sends it all to the gateway, whose address DHCP never hands out.
			gwIP, err := MeshGatewayIP(rn)
			if err != nil {
				t.Fatal(err)
			}
			if !gwIP.Less(start) || !base.Next().Less(gwIP) {
				t.Errorf("mesh gateway %s is not between the gateway IP and the DHCP pool %s-%s", gwIP, start, end)
			}
			routes := sub["hostRoutes"].ArrayValue()
			block, _ := network.PrivateBlock(rn.CIDR)
			if len(routes) != 1 || stackstest.Str(routes[0].ObjectValue(), "destination") != block.String() ||
				stackstest.Str(routes[0].ObjectValue(), "nexthop") != gwIP.String() {
				t.Errorf("subnet hostRoutes = %v, want %s via %s", routes, block, gwIP)
			}

			gw := m.One(t, tGateway)
			for k, want := range map[string]string{"model": "s", "region": tt.region, "networkId": openstackID, "subnetId": id + "-subnet-id"} {
				if got := stackstest.Str(gw, k); got != want {
					t.Errorf("gateway %s = %q, want %q", k, got, want)
				}
			}

			kube := m.One(t, tKube)
			for k, want := range map[string]string{
				"region": tt.region, "version": "1.35", "plan": tt.plan, "privateNetworkId": openstackID,
				"nodesSubnetId": id + "-subnet-id", "loadBalancersSubnetId": id + "-subnet-id", "name": id,
			} {
				if got := stackstest.Str(kube, k); got != want {
					t.Errorf("kube %s = %q, want %q", k, got, want)
				}
			}
			pnc := kube["privateNetworkConfiguration"].ObjectValue()
			if !pnc["privateNetworkRoutingAsDefault"].BoolValue() || stackstest.Str(pnc, "defaultVrackGateway") != "" {
				t.Errorf("privateNetworkConfiguration = %v", pnc)
			}

			nodePools := m.ByType(tNodePool)
			if len(nodePools) != len(tt.zones) {
				t.Fatalf("%d node pools, want %d", len(nodePools), len(tt.zones))
			}
			for i, p := range nodePools {
				in := p.Inputs
				if got := stackstest.Str(in, "flavorName"); got != tt.flavor {
					t.Errorf("%s flavor = %q, want %q", p.Name, got, tt.flavor)
				}
				if stackstest.Num(in, "minNodes") != tt.min || stackstest.Num(in, "maxNodes") != tt.max || stackstest.Num(in, "desiredNodes") != tt.desired {
					t.Errorf("%s nodes = %d/%d/%d, want %d/%d/%d", p.Name, stackstest.Num(in, "minNodes"), stackstest.Num(in, "maxNodes"),
						stackstest.Num(in, "desiredNodes"), tt.min, tt.max, tt.desired)
				}
				if got := in["autoscale"].BoolValue(); got != (tt.max > tt.min) {
					t.Errorf("%s autoscale = %v", p.Name, got)
				}
				if stackstest.Str(in, "kubeId") != id+"-cluster-id" {
					t.Errorf("%s kubeId = %s", p.Name, stackstest.Str(in, "kubeId"))
				}
				az, pinned := in["availabilityZones"]
				if len(tt.zones) > 1 {
					if !pinned || fmt.Sprint(stackstest.Strs(az)) != "["+tt.zones[i]+"]" {
						t.Errorf("%s availabilityZones = %v, want [%s]", p.Name, az, tt.zones[i])
					}
				} else if pinned {
					t.Errorf("%s pinned to %v in a single-AZ region", p.Name, az)
				}
			}

			var fip resource.PropertyMap
			for _, f := range m.ByType(tFloatingIP) {
				if f.Name == id+"-ingress-ip" {
					fip = f.Inputs
				}
			}
			if stackstest.Str(fip, "region") != tt.region {
				t.Errorf("floating IP region = %s", stackstest.Str(fip, "region"))
			}

			want := map[string]string{
				"vpcId":           id + "-network-id",
				"cidr":            rn.CIDR.String(),
				"clusterName":     id,
				"clusterEndpoint": "https://abc123.c1.gra.k8s.ovh.net",
				"ingressAddress":  testIngressIP,
				"zones":           fmt.Sprint(tt.zones),
			}
			for k, w := range want {
				got := exports[k]
				if p, ok := got.(*string); ok && p != nil {
					got = *p
				}
				if fmt.Sprint(got) != w {
					t.Errorf("export %s = %v, want %v", k, got, w)
				}
			}
		})
	}
}

func TestProject(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	r := spec.Clouds.OVH.Regions[0]
	tests := []struct {
		name, spec, config, env, want string
	}{
		{"spec wins", "from-spec", "from-config", "from-env", "from-spec"},
		{"then config", "", "from-config", "from-env", "from-config"},
		{"then environment", "", "", "from-env", "from-env"},
		{"else placeholder", "", "", "", ProjectPlaceholder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec.Clouds.OVH.Project = tt.spec
			t.Setenv(ProjectEnv, tt.env)
			cfg := "{}"
			if tt.config != "" {
				cfg = fmt.Sprintf(`{%q: %q}`, ProjectConfigKey, tt.config)
			}
			t.Setenv(pulumi.EnvConfig, cfg)
			m := newMocks()
			exports, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
			if err != nil {
				t.Fatal(err)
			}
			if got := stackstest.Str(m.One(t, tKube), "serviceName"); got != tt.want {
				t.Errorf("serviceName = %q, want %q", got, tt.want)
			}
			if exports["project"] != tt.want {
				t.Errorf("project export = %v", exports["project"])
			}
		})
	}
}

func TestVLANsDifferAcrossRegions(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	seen := map[int]string{}
	for _, r := range spec.Clouds.OVH.Regions {
		v := network.OVHVLAN(plan.Region(r.ID()).CIDR)
		if other, dup := seen[v]; dup {
			t.Errorf("%s and %s share VLAN %d", r.ID(), other, v)
		}
		seen[v] = r.ID()
	}
	for _, c := range []string{"10.0.0.0/16", "10.255.0.0/16", "172.16.0.0/16", "172.31.0.0/16", "192.168.0.0/16"} {
		if v := network.OVHVLAN(netip.MustParsePrefix(c)); v < 2 || v > 4000 {
			t.Errorf("network.OVHVLAN(%s) = %d, outside 2-4000", c, v)
		}
	}
}

func TestPool(t *testing.T) {
	tests := []struct{ cidr, gateway, start, end, err string }{
		{"10.30.0.0/16", "10.30.0.1", "10.30.0.16", "10.30.255.254", ""},
		{"192.168.4.0/24", "192.168.4.1", "192.168.4.16", "192.168.4.254", ""},
		{"10.0.0.0/27", "", "", "", "too small"},
	}
	for _, tt := range tests {
		g, s, e, err := pool(netip.MustParsePrefix(tt.cidr))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("pool(%s) err = %v, want %q", tt.cidr, err, tt.err)
			}
			continue
		}
		if err != nil || g.String() != tt.gateway || s.String() != tt.start || e.String() != tt.end {
			t.Errorf("pool(%s) = %s, %s-%s, %v; want %s, %s-%s", tt.cidr, g, s, e, err, tt.gateway, tt.start, tt.end)
		}
	}
}

func TestRegionalErrors(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	r := spec.Clouds.OVH.Regions[0]
	for _, typ := range []string{tNetworkPrivate, tKube, tNodePool, tFloatingIP} {
		failing := newMocks()
		failing.Fail = typ
		_, err := run(failing, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
		if err == nil || !strings.Contains(err.Error(), "simulated failure") {
			t.Errorf("failing %s: err = %v", typ, err)
		}
	}
	if _, err := run(newMocks(), RegionalArgs{Spec: spec, Region: r}); err == nil {
		t.Error("no error without a network plan")
	}
}

// BenchmarkRegional runs the program for one example region under mocks.
func BenchmarkRegional(b *testing.B) {
	spec, plan := stackstest.Load(b, "../../examples/multicloud.yaml")
	r := spec.Clouds.OVH.Regions[0]
	args := RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}
	stackstest.Benchmark(b, newMocks, func(ctx *pulumi.Context) error { return Regional(ctx, args) })
}
