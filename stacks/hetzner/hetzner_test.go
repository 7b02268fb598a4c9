package hetzner

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

const (
	testToken = "0123456789abcdef-test-token"
	testLBIP  = "203.0.113.10"
)

// registered is one resource the program declared.
type registered struct {
	typ, name string
	inputs    resource.PropertyMap
}

// mocks answers like the Hetzner API would: numeric IDs, an IPv4 for the
// load balancer and a token for infra:k3s:Token.
type mocks struct {
	mu   sync.Mutex
	res  []registered
	fail string // type token whose registration fails
	ids  func(name string) string
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.res = append(m.res, registered{a.TypeToken, a.Name, a.Inputs})
	m.mu.Unlock()
	if a.TypeToken == m.fail {
		return "", nil, fmt.Errorf("simulated failure creating %s", a.Name)
	}
	h := fnv.New32a()
	h.Write([]byte(a.Name))
	id := fmt.Sprint(1_000_000 + h.Sum32()%9_000_000)
	if m.ids != nil {
		id = m.ids(a.Name)
	}
	state := a.Inputs.Copy()
	switch a.TypeToken {
	case "hcloud:index/loadBalancer:LoadBalancer":
		state["ipv4"] = resource.NewStringProperty(testLBIP)
	case TokenType:
		state["token"] = resource.NewStringProperty(testToken)
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

// run runs Regional under mocks and returns the resolved exports.
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

func loadExample(t *testing.T) (*topology.Spec, *network.Plan) {
	t.Helper()
	spec, diags, err := topology.Load("../../examples/multicloud.yaml")
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	plan, err := network.Compute(spec)
	if err != nil {
		t.Fatalf("network: %v", err)
	}
	return spec, plan
}

func region(t *testing.T, spec *topology.Spec, name, env string) *topology.HetznerRegion {
	t.Helper()
	for _, r := range spec.Clouds.Hetzner.Regions {
		if r.Name == name && r.Environment == env {
			return r
		}
	}
	t.Fatalf("no hetzner region %s/%s in example", name, env)
	return nil
}

func str(m resource.PropertyMap, k string) string {
	v, ok := m[resource.PropertyKey(k)]
	if !ok {
		return ""
	}
	return unwrap(v).StringValue()
}

// unwrap removes secret and output wrappers.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

func isSecret(v resource.PropertyValue) bool {
	return v.IsSecret() || v.IsOutput() && v.OutputValue().Secret
}

// plainStrings lists every string reachable from v outside of secrets.
func plainStrings(v resource.PropertyValue, out *[]string) {
	if isSecret(v) {
		return
	}
	v = unwrap(v)
	switch {
	case v.IsString():
		*out = append(*out, v.StringValue())
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			plainStrings(e, out)
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			plainStrings(e, out)
		}
	}
}

func TestRegionalExample(t *testing.T) {
	spec, plan := loadExample(t)
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
			r := region(t, spec, tt.location, tt.env)
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
				if !strings.HasPrefix(res.name, id+"-") {
					t.Errorf("resource %s %q is not prefixed with %s", res.typ, res.name, id)
				}
				if _, ok := res.inputs["labels"]; ok {
					labels := unwrap(res.inputs["labels"]).ObjectValue()
					for k, want := range map[string]string{"Environment": tt.env, "Owner": "platform-team", "CostCenter": "cc-1234", labelCluster: id} {
						if got := str(labels, k); got != want {
							t.Errorf("%s labels[%s] = %q, want %q", res.name, k, got, want)
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

			if got := str(m.named(id+"-network").inputs, "ipRange"); got != NetworkRange(rn).String() {
				t.Errorf("network ipRange = %s, want %s", got, NetworkRange(rn))
			}
			sub := m.named(id + "-subnet").inputs
			if got := str(sub, "networkZone"); got != "eu-central" {
				t.Errorf("subnet networkZone = %q, want eu-central", got)
			}
			if got := str(sub, "ipRange"); got != rn.Zones[0].Private.String() {
				t.Errorf("subnet ipRange = %s, want %s", got, rn.Zones[0].Private)
			}

			cp1 := netip.MustParseAddr(str(unwrap(unwrap(m.named(id + "-control-plane-1").inputs["networks"]).ArrayValue()[0]).ObjectValue(), "ip"))
			for _, s := range m.byType("hcloud:index/server:Server") {
				in := s.inputs
				for k, want := range map[string]string{"serverType": tt.serverType, "location": tt.location, "image": image} {
					if got := str(in, k); got != want {
						t.Errorf("%s %s = %q, want %q", s.name, k, got, want)
					}
				}
				if _, ok := in["sshKeys"]; ok {
					t.Errorf("%s has SSH keys", s.name)
				}
				ud := in["userData"]
				if !isSecret(ud) {
					t.Fatalf("%s userData is not secret", s.name)
				}
				text := unwrap(ud).StringValue()
				for _, want := range []string{"#cloud-config", "INSTALL_K3S_CHANNEL=v1.35", `token: "` + testToken + `"`} {
					if !strings.Contains(text, want) {
						t.Errorf("%s cloud-init lacks %q:\n%s", s.name, want, text)
					}
				}
				ip := str(unwrap(unwrap(in["networks"]).ArrayValue()[0]).ObjectValue(), "ip")
				if !rn.Zones[0].Private.Contains(netip.MustParseAddr(ip)) {
					t.Errorf("%s ip %s outside %s", s.name, ip, rn.Zones[0].Private)
				}
				if !strings.Contains(text, `node-ip: "`+ip+`"`) {
					t.Errorf("%s cloud-init does not pin node-ip %s", s.name, ip)
				}
				switch role := str(unwrap(in["labels"]).ObjectValue(), labelRole); {
				case s.name == id+"-control-plane-1":
					if !strings.Contains(text, "cluster-init: true") || !strings.HasSuffix(text, "sh -s - server\n") {
						t.Errorf("first control plane does not initialise the cluster:\n%s", text)
					}
				case role == "control-plane":
					if !strings.Contains(text, fmt.Sprintf(`server: "https://%s:6443"`, cp1)) || !strings.HasSuffix(text, "sh -s - server\n") {
						t.Errorf("%s does not join %s as a server:\n%s", s.name, cp1, text)
					}
				case role == "worker":
					if !strings.Contains(text, fmt.Sprintf(`server: "https://%s:6443"`, cp1)) || !strings.HasSuffix(text, "sh -s - agent\n") {
						t.Errorf("%s does not join %s as an agent:\n%s", s.name, cp1, text)
					}
				default:
					t.Errorf("%s has role %q", s.name, role)
				}
			}
			if n := len(m.byType("hcloud:index/server:Server")); n != tt.controlPlanes+tt.wrks {
				t.Errorf("%d servers", n)
			}

			// The token never appears outside a secret.
			for _, res := range m.res {
				var plain []string
				plainStrings(resource.NewObjectProperty(res.inputs), &plain)
				for _, s := range plain {
					if strings.Contains(s, testToken) {
						t.Errorf("%s carries the k3s token in plaintext", res.name)
					}
				}
			}

			rules := unwrap(m.named(id + "-firewall").inputs["rules"]).ArrayValue()
			if len(rules) == 0 {
				t.Fatal("firewall has no rules")
			}
			for _, rule := range rules {
				o := unwrap(rule).ObjectValue()
				if str(o, "port") == "22" {
					t.Error("firewall opens SSH")
				}
				src := unwrap(o["sourceIps"]).ArrayValue()
				if len(src) != 1 || unwrap(src[0]).StringValue() != rn.CIDR.String() {
					t.Errorf("firewall rule %v admits %v, want only %s", o, src, rn.CIDR)
				}
			}

			target := m.named(id + "-ingress-workers").inputs
			if got, want := str(target, "labelSelector"), labelCluster+"="+id+","+labelRole+"=worker"; got != want {
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
	spec, plan := loadExample(t)
	r := region(t, spec, "hel1", "dev")
	r.Cluster.Workers = 25
	m := &mocks{}
	if _, err := run(t, m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}); err != nil {
		t.Fatal(err)
	}
	groups := m.byType("hcloud:index/placementGroup:PlacementGroup")
	var names []string
	for _, g := range groups {
		names = append(names, g.name)
		if str(g.inputs, "type") != "spread" {
			t.Errorf("%s is not a spread group", g.name)
		}
	}
	want := "hetzner-hel1-dev-control-plane-spread hetzner-hel1-dev-workers-spread-1 hetzner-hel1-dev-workers-spread-2 hetzner-hel1-dev-workers-spread-3"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("placement groups = %s, want %s", got, want)
	}
	if n := len(m.byType("hcloud:index/server:Server")); n != 26 {
		t.Errorf("%d servers, want 26", n)
	}
}

func TestRegionalErrors(t *testing.T) {
	spec, plan := loadExample(t)
	r := region(t, spec, "hel1", "dev")
	rn := plan.Region(r.ID())
	small := &network.RegionNet{ID: rn.ID, CIDR: netip.MustParsePrefix("10.22.0.0/24"),
		Zones: []network.ZoneNet{{Zone: "hel1", Private: netip.MustParsePrefix("10.22.0.0/28"), Public: netip.MustParsePrefix("10.22.0.128/28")}}}
	tests := []struct {
		name string
		m    *mocks
		net  *network.RegionNet
		want string
	}{
		{"provider error surfaces", &mocks{fail: "hcloud:index/server:Server"}, rn, "simulated failure"},
		{"non-numeric id", &mocks{ids: func(n string) string { return n + "-id" }}, rn, "is not a number"},
		{"subnet too small", &mocks{}, small, "has no room for host 20"},
		{"no network plan", &mocks{}, nil, "network plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, tt.m, RegionalArgs{Spec: spec, Region: r, Net: tt.net})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	_, err := run(t, &mocks{}, RegionalArgs{Spec: spec, Region: r, Net: small})
	if !strings.Contains(fmt.Sprint(err), "multicloud.yaml:") {
		t.Errorf("error %v does not point into the spec", err)
	}
	if errors.Is(err, nil) {
		t.Error("no error")
	}
}

func TestNewTokenRequiresLength(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewToken(ctx, "t", &TokenArgs{})
		return err
	}, pulumi.WithMocks("infra", "test", &mocks{}))
	if err == nil || !strings.Contains(err.Error(), "Length") {
		t.Fatalf("err = %v, want a missing Length error", err)
	}
}

// BenchmarkRegional runs the program for the example's largest location
// (3 control planes, 3 workers) under mocks.
func BenchmarkRegional(b *testing.B) {
	spec, _, err := topology.Load("../../examples/multicloud.yaml")
	if err != nil {
		b.Fatal(err)
	}
	plan, err := network.Compute(spec)
	if err != nil {
		b.Fatal(err)
	}
	r := spec.Clouds.Hetzner.Regions[0]
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
