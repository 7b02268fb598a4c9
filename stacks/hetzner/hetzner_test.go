package hetzner

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/kubernetes"
	"infra/stacks/stackstest"
)

// example is the spec the tests plan.
const example = "../../examples/multicloud.yaml"

const (
	testToken      = "0123456789abcdef-test-token"
	testAgentToken = "fedcba9876543210-agent-token"
	testLBIP       = "203.0.113.10"
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
	case "hcloud:index/server:Server":
		// a public address per server, from its name: control-plane-1 is .1
		n := a.Name[strings.LastIndex(a.Name, "-")+1:]
		if strings.Contains(a.Name, "-worker-") {
			n = "1" + n
		}
		state["ipv4Address"] = resource.NewStringProperty("198.51.100." + n)
	case TokenType:
		if strings.HasSuffix(a.Name, "-k3s-agent-token") {
			state["token"] = resource.NewStringProperty(testAgentToken)
		} else {
			state["token"] = resource.NewStringProperty(testToken)
		}
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
				"hcloud:index/firewall:Firewall":                       2, // nodes, and the API for apiAccess
				"hcloud:index/placementGroup:PlacementGroup":           2,
				"hcloud:index/server:Server":                           tt.controlPlanes + tt.wrks,
				"hcloud:index/loadBalancer:LoadBalancer":               2, // ingress and registration
				"hcloud:index/loadBalancerNetwork:LoadBalancerNetwork": 2,
				"hcloud:index/loadBalancerTarget:LoadBalancerTarget":   2,
				"hcloud:index/loadBalancerService:LoadBalancerService": 3,
				TokenType:     2, // server and agent tokens
				ClusterCAType: 1, // the cluster CA and admin certificate
				// the hcloud Secret, the hcloud add-ons, and the
				// system-upgrade-controller with its Plans
				kubernetes.ManifestsType: 3,
			}
			if spec.PoolMember(&r.Region) { // the global load balancer's health route (ingress.go)
				wantCounts[kubernetes.ManifestsType]++
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

			reg, _ := host(rn.Zones[0].Private, hostRegistration)
			regNet := m.Named(id + "-registration-network").Inputs
			if stackstest.Str(regNet, "ip") != reg.String() || regNet["enablePublicInterface"].BoolValue() {
				t.Errorf("registration load balancer network = %v, want private only at %s", regNet, reg)
			}
			if got := stackstest.Str(m.Named(id+"-registration-control-planes").Inputs, "labelSelector"); got != labelCluster+"="+id+","+labelRole+"=control-plane" {
				t.Errorf("registration targets %q", got)
			}
			join := fmt.Sprintf(`server: "https://%s:6443"`, reg)
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
				for _, want := range []string{"#cloud-config", "INSTALL_K3S_VERSION=v1.35.5+k3s1 sh /run/k3s-install.sh",
					"https://raw.githubusercontent.com/k3s-io/k3s/v1.35.5+k3s1/install.sh", `echo "flannel-iface: \"$iface\""`,
					"ip saddr 10.42.0.0/16 ip daddr 169.254.169.254 drop", "ip saddr { " + rn.CIDR.String() + ", 10.42.0.0/16 } accept"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s cloud-init lacks %q:\n%s", s.Name, want, text)
					}
				}
				if strings.Contains(text, "get.k3s.io") || strings.Contains(text, "| sh") {
					t.Errorf("%s pipes an unpinned installer into sh", s.Name)
				}
				ip := stackstest.Str(stackstest.Unwrap(stackstest.Unwrap(in["networks"]).ArrayValue()[0]).ObjectValue(), "ip")
				if !rn.Zones[0].Private.Contains(netip.MustParseAddr(ip)) {
					t.Errorf("%s ip %s outside %s", s.Name, ip, rn.Zones[0].Private)
				}
				if !strings.Contains(text, `node-ip: "`+ip+`"`) {
					t.Errorf("%s cloud-init does not pin node-ip %s", s.Name, ip)
				}
				server := strings.Contains(text, `token: "`+testToken+`"`) && strings.Contains(text, `agent-token: "`+testAgentToken+`"`) &&
					strings.Contains(text, "secrets-encryption: true") && strings.Contains(text, `  - "`+reg.String()+`"`)
				switch role := stackstest.Str(stackstest.Unwrap(in["labels"]).ObjectValue(), labelRole); {
				case s.Name == id+"-control-plane-1":
					// etcd starts here only if no control plane answers at the registration address
					if !server || strings.Contains(text, "\n      "+join) || !strings.Contains(text, "echo 'cluster-init: true'") ||
						!strings.Contains(text, "if ready; then echo '"+join+"'") || !strings.HasSuffix(text, "[/usr/local/sbin/infra-k3s-install]\n") {
						t.Errorf("first control plane does not initialise or rejoin the cluster:\n%s", text)
					}
				case role == "control-plane":
					if !server || !strings.Contains(text, "\n      "+join) || !strings.Contains(text, "k3s-install.sh server\n") {
						t.Errorf("%s does not join %s as a server:\n%s", s.Name, reg, text)
					}
				case role == "worker":
					if strings.Contains(text, testToken) || !strings.Contains(text, `token: "`+testAgentToken+`"`) ||
						!strings.Contains(text, "\n      "+join) || !strings.Contains(text, "k3s-install.sh agent\n") {
						t.Errorf("%s does not join %s as an agent with the agent token alone:\n%s", s.Name, reg, text)
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
					if strings.Contains(s, testToken) || strings.Contains(s, testAgentToken) {
						t.Errorf("%s carries the k3s token in plaintext", res.Name)
					}
				}
			}

			// Hetzner firewalls filter public interfaces only: no rule, no public inbound.
			if rules, ok := m.Named(id + "-firewall").Inputs["rules"]; ok && len(stackstest.Unwrap(rules).ArrayValue()) > 0 {
				t.Errorf("firewall has rules %v, want none", rules)
			}

			target := m.Named(id + "-ingress-workers").Inputs
			if got, want := stackstest.Str(target, "labelSelector"), labelCluster+"="+id+","+labelRole+"=worker"; got != want {
				t.Errorf("target selector = %q, want %q", got, want)
			}

			want := map[string]any{
				"cidr":            rn.CIDR.String(),
				"clusterName":     id,
				"clusterEndpoint": fmt.Sprintf("https://%s:6443", reg),
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

// The gateway's type is one Hetzner sells in the location: CX in the EU,
// CPX where CX is not sold.
func TestGatewayServerTypePerLocation(t *testing.T) {
	for loc, want := range map[string]string{"nbg1": "cx23", "fsn1": "cx23", "hel1": "cx23", "ash": "cpx12", "hil": "cpx12", "sin": "cpx12"} {
		if got := gatewayServerType(loc); got != want {
			t.Errorf("gateway in %s: %s, want %s", loc, got, want)
		}
	}
}

// apiAccess opens TCP 6443 on the control planes' public interface to the
// listed networks and nothing else: a second firewall on the control
// planes only, and the first control plane's public endpoint exported for
// the kubeconfig. Without it there is neither.
func TestRegionalAPIAccess(t *testing.T) {
	spec, plan := stackstest.Load(t, example)
	r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, "nbg1", "prod")
	r.Cluster.APIAccess = nil
	m := newMocks()
	out, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out[APIPublicEndpointsOutput]; ok || len(m.ByType("hcloud:index/firewall:Firewall")) != 1 {
		t.Fatalf("without apiAccess: %s exported or a second firewall (%d)", APIPublicEndpointOutput, len(m.ByType("hcloud:index/firewall:Firewall")))
	}

	r.Cluster.APIAccess = []string{"203.0.113.0/24", "198.51.100.7/32"}
	m = newMocks()
	out, err = run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
	if err != nil {
		t.Fatal(err)
	}
	if got := out[APIPublicEndpointOutput]; got != "https://198.51.100.1:6443" {
		t.Errorf("%s = %v, want the first control plane's public address", APIPublicEndpointOutput, got)
	}
	// every control plane, in order: the kubeconfig takes the first that answers
	if got := fmt.Sprint(out[APIPublicEndpointsOutput]); got != "[https://198.51.100.1:6443 https://198.51.100.2:6443 https://198.51.100.3:6443]" {
		t.Errorf("%s = %v, want the three control planes' public addresses", APIPublicEndpointsOutput, got)
	}
	api := m.Named("hetzner-nbg1-prod-api-firewall")
	rules := api.Inputs["rules"].ArrayValue()
	if len(rules) != 1 {
		t.Fatalf("api firewall rules %v, want one", rules)
	}
	rule := rules[0].ObjectValue()
	if stackstest.Str(rule, "direction") != "in" || stackstest.Str(rule, "protocol") != "tcp" || stackstest.Str(rule, "port") != "6443" ||
		strings.Join(stackstest.PlainStrings(rule["sourceIps"]), " ") != "203.0.113.0/24 198.51.100.7/32" {
		t.Errorf("api firewall rule %v, want TCP 6443 in from apiAccess only", rule)
	}
	base := m.Named("hetzner-nbg1-prod-firewall")
	for _, s := range m.ByType("hcloud:index/server:Server") {
		var ids []string
		for _, v := range s.Inputs["firewallIds"].ArrayValue() {
			ids = append(ids, fmt.Sprint(int(v.NumberValue())))
		}
		want := []string{base.ID}
		if strings.Contains(s.Name, "-control-plane-") {
			want = append(want, api.ID)
		}
		if strings.Join(ids, " ") != strings.Join(want, " ") {
			t.Errorf("%s: firewalls %v, want %v", s.Name, ids, want)
		}
	}
}

// What infra keeps in the cluster goes over its API as the cluster's
// admin, in three sets, each after what it needs: the hcloud Secret (the
// deploying token and the network's name, secret in the plan) after the
// servers and the registration load balancer; the add-ons after the
// Secret; the system-upgrade-controller and its Plans, at the pinned
// release, after the add-ons. All reach the API
// where the kubeconfig does: the registration address, or with apiAccess
// the first control plane's public address checked against the
// registration address's name. Nothing of it is in user data.
func TestClusterObjectsOverTheAPI(t *testing.T) {
	const token = "hcloud-t0ken-for-the-ccm"
	t.Setenv(tokenEnv, token)
	spec, plan := stackstest.Load(t, example)
	r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, "nbg1", "prod")
	id := r.ID()
	reg, _ := host(plan.Region(id).Zones[0].Private, hostRegistration)
	servers := []string{id + "-control-plane-1", id + "-worker-3", id + "-registration-control-planes", id + "-registration-api", id + "-network"}
	sets := []struct {
		name   string
		secret bool
		ids    []string // some of its ids
		after  []string
	}{
		{"hcloud-secret", true, []string{"Secret/kube-system/hcloud"}, servers},
		{"hcloud-addons", false, []string{"Deployment/kube-system/hcloud-cloud-controller-manager", "DaemonSet/kube-system/hcloud-csi-node",
			"CSIDriver//csi.hetzner.cloud", "StorageClass//hcloud-volumes"}, []string{id + "-hcloud-secret"}},
		{"k3s-upgrade", false, []string{"Namespace//system-upgrade", "Deployment/system-upgrade/system-upgrade-controller",
			"Plan/system-upgrade/k3s-agent", "Plan/system-upgrade/k3s-server"}, []string{id + "-hcloud-addons"}},
	}
	for _, access := range [][]string{nil, {"203.0.113.0/24"}} {
		r.Cluster.APIAccess = access
		m := newMocks()
		if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}); err != nil {
			t.Fatal(err)
		}
		for _, set := range sets {
			res := m.Named(id + "-" + set.name)
			in := res.Inputs
			if stackstest.IsSecret(in["objects"]) != set.secret || !stackstest.IsSecret(in["clientKey"]) {
				t.Errorf("%s: objects secret %v, client key secret %v", set.name, stackstest.IsSecret(in["objects"]), stackstest.IsSecret(in["clientKey"]))
			}
			objs := stackstest.Unwrap(in["objects"]).StringValue()
			if set.name == "hcloud-secret" && (!strings.Contains(objs, `"token":"`+token+`"`) || !strings.Contains(objs, `"network":"`+id+`-network"`)) {
				t.Errorf("secret objects %s", objs)
			}
			if set.name != "hcloud-secret" && strings.Contains(objs, token) {
				t.Errorf("%s holds the hcloud token in the clear", set.name)
			}
			if set.name == "k3s-upgrade" && strings.Count(objs, `"version":"v1.35.5+k3s1"`) != 2 {
				t.Errorf("plans %s", objs)
			}
			ids := stackstest.PlainStrings(in["ids"])
			for _, want := range set.ids {
				if !slices.Contains(ids, want) {
					t.Errorf("%s: ids %v lack %s", set.name, ids, want)
				}
			}
			server, name := stackstest.Str(in, "server"), ""
			if v, ok := in["tlsServerName"]; ok && !v.IsNull() {
				name = stackstest.Str(in, "tlsServerName")
			}
			if access == nil && (server != "https://"+reg.String()+":6443" || name != "") {
				t.Errorf("%s without apiAccess: server %s, tlsServerName %q", set.name, server, name)
			}
			if access != nil && (server != "https://198.51.100.1:6443" || name != reg.String()) {
				t.Errorf("%s with apiAccess: server %s, tlsServerName %q", set.name, server, name)
			}
			deps := map[string]bool{}
			for _, d := range res.Deps {
				deps[d[strings.LastIndex(d, "::")+2:]] = true
			}
			for _, want := range set.after {
				if !deps[want] {
					t.Errorf("%s does not wait for %s: %v", set.name, want, res.Deps)
				}
			}
		}
		for _, s := range m.ByType("hcloud:index/server:Server") {
			if strings.Contains(stackstest.Unwrap(s.Inputs["userData"]).StringValue(), token) {
				t.Errorf("%s: the hcloud token is in user data", s.Name)
			}
		}
	}
}

// A server ignores changes of its user data, so no change of it replaces
// every node at once, and of its configuration label, which so names what
// it was made with.
func TestServersIgnoreUserDataChanges(t *testing.T) {
	spec, plan := stackstest.Load(t, example)
	r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, "nbg1", "prod")
	m := newMocks()
	if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}); err != nil {
		t.Fatal(err)
	}
	hashes := map[string]bool{}
	for _, s := range m.ByType("hcloud:index/server:Server") {
		if !slices.Equal(s.IgnoreChanges, []string{"userData", `labels["infra/k3s-config"]`}) {
			t.Errorf("%s ignores changes of %v, want userData and the configuration label", s.Name, s.IgnoreChanges)
		}
		h := stackstest.Str(stackstest.Unwrap(s.Inputs["labels"]).ObjectValue(), configLabel)
		if len(h) != 12 || hashes[h] {
			t.Errorf("%s: configuration label %q (seen: %v)", s.Name, h, hashes)
		}
		hashes[h] = true
	}
	if len(hashes) != 6 {
		t.Errorf("%d servers with a configuration label, want 6", len(hashes))
	}
}
