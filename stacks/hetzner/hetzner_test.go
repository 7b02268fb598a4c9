package hetzner

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/stackstest"
)

// example is the spec the tests plan.
const example = "../../examples/multicloud.yaml"

const (
	testToken = "0123456789abcdef-test-token"
	testLBIP  = "203.0.113.10"
)

// newMocks answers like the Hetzner API would: numeric IDs, an IPv4 for
// the load balancer and a token for infra:k3s:Token.
func newMocks() *stackstest.Mocks {
	return &stackstest.Mocks{ID: hetznerID, State: hetznerState}
}

func hetznerID(a pulumi.MockResourceArgs) string {
	h := fnv.New32a()
	h.Write([]byte(a.Name))
	return fmt.Sprint(1_000_000 + h.Sum32()%9_000_000)
}

func hetznerState(a pulumi.MockResourceArgs, _ string, state resource.PropertyMap) {
	switch a.TypeToken {
	case "hcloud:index/loadBalancer:LoadBalancer":
		state["ipv4"] = resource.NewStringProperty(testLBIP)
	case TokenType:
		state["token"] = resource.NewStringProperty(testToken)
	}
}

// run runs Regional under m and returns the resolved exports.
func run(m *stackstest.Mocks, args RegionalArgs) (map[string]any, error) {
	return stackstest.Run(m, func(ctx *pulumi.Context) error { return Regional(ctx, args) })
}

func TestRegionalExample(t *testing.T) {
	spec, plan := stackstest.Load(t, example)
	tests := []struct {
		location, env       string
		serverType          string
		controlPlanes, wrks int
	}{
		{"nbg1", "prod", "cx33", 3, 3},
		{"fsn1", "prod", "cx33", 3, 3},
		{"hel1", "dev", "cx23", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.location, func(t *testing.T) {
			r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, tt.location, tt.env)
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
				if !strings.HasPrefix(res.Name, id+"-") {
					t.Errorf("resource %s %q is not prefixed with %s", res.Type, res.Name, id)
				}
				if _, ok := res.Inputs["labels"]; ok {
					labels := stackstest.Unwrap(res.Inputs["labels"]).ObjectValue()
					for k, want := range map[string]string{"Environment": tt.env, "Owner": "platform-team", "CostCenter": "cc-1234", labelCluster: id} {
						if got := stackstest.Str(labels, k); got != want {
							t.Errorf("%s labels[%s] = %q, want %q", res.Name, k, got, want)
						}
					}
				}
			}
			wantCounts := map[string]int{
				"hcloud:index/network:Network":                         1,
				"hcloud:index/networkSubnet:NetworkSubnet":             1,
				"hcloud:index/firewall:Firewall":                       1,
				"hcloud:index/placementGroup:PlacementGroup":           2,
				"hcloud:index/server:Server":                           tt.controlPlanes + tt.wrks,
				"hcloud:index/loadBalancer:LoadBalancer":               1,
				"hcloud:index/loadBalancerNetwork:LoadBalancerNetwork": 1,
				"hcloud:index/loadBalancerTarget:LoadBalancerTarget":   1,
				"hcloud:index/loadBalancerService:LoadBalancerService": 2,
				TokenType: 1,
			}
			if rn.Overlay.IsValid() { // the mesh gateway's key and address (mesh.go)
				wantCounts["infra:mesh:WireGuardKey"] = 1
				wantCounts["hcloud:index/primaryIp:PrimaryIp"] = 1
			}
			for typ, n := range wantCounts {
				if counts[typ] != n {
					t.Errorf("%d × %s, want %d", counts[typ], typ, n)
				}
			}
			for typ := range counts {
				if _, ok := wantCounts[typ]; !ok {
					t.Errorf("unexpected resource type %s", typ)
				}
			}

			if got := stackstest.Str(m.Named(id+"-network").Inputs, "ipRange"); got != NetworkRange(rn).String() {
				t.Errorf("network ipRange = %s, want %s", got, NetworkRange(rn))
			}
			sub := m.Named(id + "-subnet").Inputs
			if got := stackstest.Str(sub, "networkZone"); got != "eu-central" {
				t.Errorf("subnet networkZone = %q, want eu-central", got)
			}
			if got := stackstest.Str(sub, "ipRange"); got != rn.Zones[0].Private.String() {
				t.Errorf("subnet ipRange = %s, want %s", got, rn.Zones[0].Private)
			}

			cp1 := netip.MustParseAddr(stackstest.Str(stackstest.Unwrap(stackstest.Unwrap(m.Named(id + "-control-plane-1").Inputs["networks"]).ArrayValue()[0]).ObjectValue(), "ip"))
			for _, s := range m.ByType("hcloud:index/server:Server") {
				in := s.Inputs
				for k, want := range map[string]string{"serverType": tt.serverType, "location": tt.location, "image": image} {
					if got := stackstest.Str(in, k); got != want {
						t.Errorf("%s %s = %q, want %q", s.Name, k, got, want)
					}
				}
				if _, ok := in["sshKeys"]; ok {
					t.Errorf("%s has SSH keys", s.Name)
				}
				ud := in["userData"]
				if !stackstest.IsSecret(ud) {
					t.Fatalf("%s userData is not secret", s.Name)
				}
				text := stackstest.Unwrap(ud).StringValue()
				for _, want := range []string{"#cloud-config", "INSTALL_K3S_CHANNEL=v1.35", `token: "` + testToken + `"`} {
					if !strings.Contains(text, want) {
						t.Errorf("%s cloud-init lacks %q:\n%s", s.Name, want, text)
					}
				}
				ip := stackstest.Str(stackstest.Unwrap(stackstest.Unwrap(in["networks"]).ArrayValue()[0]).ObjectValue(), "ip")
				if !rn.Zones[0].Private.Contains(netip.MustParseAddr(ip)) {
					t.Errorf("%s ip %s outside %s", s.Name, ip, rn.Zones[0].Private)
				}
				if !strings.Contains(text, `node-ip: "`+ip+`"`) {
					t.Errorf("%s cloud-init does not pin node-ip %s", s.Name, ip)
				}
				switch role := stackstest.Str(stackstest.Unwrap(in["labels"]).ObjectValue(), labelRole); {
				case s.Name == id+"-control-plane-1":
					if !strings.Contains(text, "cluster-init: true") || !strings.HasSuffix(text, "sh -s - server\n") {
						t.Errorf("first control plane does not initialise the cluster:\n%s", text)
					}
				case role == "control-plane":
					if !strings.Contains(text, fmt.Sprintf(`server: "https://%s:6443"`, cp1)) || !strings.HasSuffix(text, "sh -s - server\n") {
						t.Errorf("%s does not join %s as a server:\n%s", s.Name, cp1, text)
					}
				case role == "worker":
					if !strings.Contains(text, fmt.Sprintf(`server: "https://%s:6443"`, cp1)) || !strings.HasSuffix(text, "sh -s - agent\n") {
						t.Errorf("%s does not join %s as an agent:\n%s", s.Name, cp1, text)
					}
				default:
					t.Errorf("%s has role %q", s.Name, role)
				}
			}
			if n := len(m.ByType("hcloud:index/server:Server")); n != tt.controlPlanes+tt.wrks {
				t.Errorf("%d servers", n)
			}

			// The token never appears outside a secret.
			for _, res := range m.Resources() {
				for _, s := range stackstest.PlainStrings(resource.NewObjectProperty(res.Inputs)) {
					if strings.Contains(s, testToken) {
						t.Errorf("%s carries the k3s token in plaintext", res.Name)
					}
				}
			}

			rules := stackstest.Unwrap(m.Named(id + "-firewall").Inputs["rules"]).ArrayValue()
			if len(rules) == 0 {
				t.Fatal("firewall has no rules")
			}
			for _, rule := range rules {
				o := stackstest.Unwrap(rule).ObjectValue()
				if stackstest.Str(o, "port") == "22" {
					t.Error("firewall opens SSH")
				}
				src := stackstest.Unwrap(o["sourceIps"]).ArrayValue()
				if len(src) != 1 || stackstest.Unwrap(src[0]).StringValue() != rn.CIDR.String() {
					t.Errorf("firewall rule %v admits %v, want only %s", o, src, rn.CIDR)
				}
			}

			target := m.Named(id + "-ingress-workers").Inputs
			if got, want := stackstest.Str(target, "labelSelector"), labelCluster+"="+id+","+labelRole+"=worker"; got != want {
				t.Errorf("target selector = %q, want %q", got, want)
			}

			want := map[string]any{
				"cidr":            rn.CIDR.String(),
				"clusterName":     id,
				"clusterEndpoint": fmt.Sprintf("https://%s:6443", cp1),
				"ingressAddress":  testLBIP,
				"zones":           []string{tt.location},
			}
			for k, w := range want {
				if got := fmt.Sprint(exports[k]); got != fmt.Sprint(w) {
					t.Errorf("export %s = %v, want %v", k, got, w)
				}
			}
			if exports["vpcId"] == nil || exports["vpcId"] == "" {
				t.Error("vpcId not exported")
			}
		})
	}
}

func TestRegionalSpreadGroups(t *testing.T) {
	spec, plan := stackstest.Load(t, example)
	r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, "hel1", "dev")
	r.Cluster.Workers = 25
	m := newMocks()
	if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}); err != nil {
		t.Fatal(err)
	}
	groups := m.ByType("hcloud:index/placementGroup:PlacementGroup")
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
		if stackstest.Str(g.Inputs, "type") != "spread" {
			t.Errorf("%s is not a spread group", g.Name)
		}
	}
	want := "hetzner-hel1-dev-control-plane-spread hetzner-hel1-dev-workers-spread-1 hetzner-hel1-dev-workers-spread-2 hetzner-hel1-dev-workers-spread-3"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("placement groups = %s, want %s", got, want)
	}
	if n := len(m.ByType("hcloud:index/server:Server")); n != 26 {
		t.Errorf("%d servers, want 26", n)
	}
}

func TestRegionalErrors(t *testing.T) {
	spec, plan := stackstest.Load(t, example)
	r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, "hel1", "dev")
	rn := plan.Region(r.ID())
	small := &network.RegionNet{ID: rn.ID, CIDR: netip.MustParsePrefix("10.22.0.0/24"),
		Zones: []network.ZoneNet{{Zone: "hel1", Private: netip.MustParsePrefix("10.22.0.0/28"), Public: netip.MustParsePrefix("10.22.0.128/28")}}}
	tests := []struct {
		name string
		m    *stackstest.Mocks
		net  *network.RegionNet
		want string
	}{
		{"provider error surfaces", &stackstest.Mocks{Fail: "hcloud:index/server:Server", ID: hetznerID, State: hetznerState}, rn, "simulated failure"},
		{"non-numeric id", &stackstest.Mocks{ID: func(a pulumi.MockResourceArgs) string { return a.Name + "-id" }, State: hetznerState}, rn, "is not a number"},
		{"subnet too small", newMocks(), small, "has no room for host 20"},
		{"no network plan", newMocks(), nil, "network plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(tt.m, RegionalArgs{Spec: spec, Region: r, Net: tt.net})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	_, err := run(newMocks(), RegionalArgs{Spec: spec, Region: r, Net: small})
	if !strings.Contains(fmt.Sprint(err), "multicloud.yaml:") {
		t.Errorf("error %v does not point into the spec", err)
	}
	if errors.Is(err, nil) {
		t.Error("no error")
	}
}

func TestNewTokenRequiresLength(t *testing.T) {
	_, err := stackstest.Run(newMocks(), func(ctx *pulumi.Context) error {
		_, err := NewToken(ctx, "t", &TokenArgs{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "Length") {
		t.Fatalf("err = %v, want a missing Length error", err)
	}
}

// BenchmarkRegional runs the program for the example's largest location
// (3 control planes, 3 workers) under mocks.
func BenchmarkRegional(b *testing.B) {
	spec, plan := stackstest.Load(b, example)
	r := spec.Clouds.Hetzner.Regions[0]
	args := RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}
	stackstest.Benchmark(b, newMocks, func(ctx *pulumi.Context) error { return Regional(ctx, args) })
}
