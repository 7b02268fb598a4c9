package stacks

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"infra/network"
	awsstack "infra/stacks/aws"
	hetznerstack "infra/stacks/hetzner"
	ibmstack "infra/stacks/ibm"
	ovhstack "infra/stacks/ovh"
	"infra/stacks/wireguard"
	"infra/topology"
	"infra/topology/topologytest"
)

// meshMocks answers the global stack's registrations: real pre-shared
// keys (secret, as the provider returns them), ids, and the lookups.
type meshMocks struct {
	mu   sync.Mutex
	res  map[string]pulumi.MockResourceArgs
	psks map[string]string // by logical name
}

func (m *meshMocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.res[a.Name]; dup {
		return "", nil, fmt.Errorf("two resources named %s", a.Name)
	}
	m.res[a.Name] = a
	out := a.Inputs.Copy()
	switch a.TypeToken {
	case wireguard.PresharedKeyType:
		b := make([]byte, 32)
		rand.Read(b)
		k := base64.StdEncoding.EncodeToString(b)
		m.psks[a.Name] = k
		out["key"] = resource.MakeSecret(resource.NewProperty(k))
	case wireguard.SSHKeyType:
		out["publicKey"] = resource.NewProperty("ssh-ed25519 AAAA" + hex.EncodeToString([]byte(a.Name)) + " infra")
		out["privateKey"] = resource.MakeSecret(resource.NewProperty("-----BEGIN OPENSSH PRIVATE KEY-----"))
	case "aws:ec2/instance:Instance":
		out["primaryNetworkInterfaceId"] = resource.NewProperty("eni-" + a.Name)
	case ibmstack.InstanceType:
		out["primaryIpAddress"] = resource.NewProperty("10.240.0.4")
	}
	id := a.Name + "-id"
	if strings.HasPrefix(a.TypeToken, "hcloud:") {
		id = fmt.Sprint(1000 + len(m.res))
	}
	return id, out, nil
}

func (m *meshMocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	region := a.Args["region"].StringValue
	switch a.Token {
	case "aws:ssm/getParameter:getParameter":
		return resource.NewPropertyMapFromMap(map[string]any{"name": a.Args["name"].StringValue(), "value": "ami-0123456789abcdef0"}), nil
	case "ovh:CloudProject/getFlavors:getFlavors":
		return resource.NewPropertyMapFromMap(map[string]any{"flavors": []any{
			map[string]any{"id": "flavor-b2-7", "name": "b2-7", "region": region()},
			map[string]any{"id": "flavor-d2-4", "name": "d2-4", "region": region()},
		}}), nil
	case "ovh:CloudProject/getImages:getImages":
		return resource.NewPropertyMapFromMap(map[string]any{"images": []any{
			map[string]any{"id": "image-debian", "name": "Debian 12", "region": region()},
			map[string]any{"id": "image-ubuntu", "name": "Ubuntu 24.04", "region": region()},
		}}), nil
	}
	return nil, fmt.Errorf("unexpected call %s", a.Token)
}

func (m *meshMocks) byType(typ string) []pulumi.MockResourceArgs {
	var out []pulumi.MockResourceArgs
	for _, r := range m.res {
		if r.TypeToken == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// meshFixture is a deployed-looking graph: every regional stack's outputs
// with real WireGuard keys, as the engine would pass them.
type meshFixture struct {
	spec *topology.Spec
	g    *Graph
	m    *network.Mesh
	up   Upstream
	priv map[string]string
	pub  map[string]string
	ip   map[string]string
}

func newMeshFixture(t testing.TB, file string) *meshFixture {
	t.Helper()
	spec := topologytest.Load(t, file)
	return meshFixtureOf(t, spec)
}

func meshFixtureOf(t testing.TB, spec *topology.Spec) *meshFixture {
	t.Helper()
	g, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := network.BuildMesh(spec, g.Net)
	if err != nil || m == nil {
		t.Fatalf("mesh: %v", err)
	}
	f := &meshFixture{spec: spec, g: g, m: m, up: Upstream{}, priv: map[string]string{}, pub: map[string]string{}, ip: map[string]string{}}
	for i, gw := range m.Gateways {
		key, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		id := gw.ID
		f.priv[id] = base64.StdEncoding.EncodeToString(key.Bytes())
		f.pub[id] = base64.StdEncoding.EncodeToString(key.PublicKey().Bytes())
		f.ip[id] = fmt.Sprintf("198.51.100.%d", i+1)
	}
	v := func(x any) Value { return Value{Value: x} }
	for i, r := range spec.Regions() {
		sites := m.Sites(r.ID())
		if len(sites) == 0 {
			continue
		}
		id, rn := r.ID(), g.Net.Region(r.ID())
		o := Outputs{"vpcId": v(fmt.Sprint(100 + i))} // numeric, as Hetzner's are
		if sites[0].Zone == "" {
			o[wireguard.PrivateKeyOutput] = Value{Value: f.priv[id], Secret: true}
			o[wireguard.PublicKeyOutput] = v(f.pub[id])
			o[wireguard.PublicIPOutput] = v(f.ip[id])
		} else {
			// a gateway per zone: the keys and IPs by site, the rest by zone
			priv, pub, ip := map[string]any{}, map[string]any{}, map[string]any{}
			subnets, allocations, tables := map[string]any{}, map[string]any{}, map[string]any{}
			for _, s := range sites {
				priv[s.ID], pub[s.ID], ip[s.ID] = f.priv[s.ID], f.pub[s.ID], f.ip[s.ID]
				subnets[s.Zone], allocations[s.Zone], tables[s.Zone] = "subnet-public-"+s.Zone, "eipalloc-"+s.ID, "rtb-"+s.Zone
			}
			o[wireguard.SitesOutput(wireguard.PrivateKeyOutput)] = Value{Value: priv, Secret: true}
			o[wireguard.SitesOutput(wireguard.PublicKeyOutput)] = v(pub)
			o[wireguard.SitesOutput(wireguard.PublicIPOutput)] = v(ip)
			o[awsstack.MeshSubnetOutput] = v(subnets)
			o[awsstack.MeshAllocationOutput] = v(allocations)
			o[awsstack.MeshRouteTablesOutput] = v(tables)
		}
		switch r.Cloud {
		case topology.AWS:
			o[awsstack.ClusterSecurityGroupOutput] = v("sg-cluster-" + id)
		case topology.Hetzner:
			o[hetznerstack.MeshPrimaryIPOutput] = v(fmt.Sprint(5000 + i))
		case topology.IBM:
			o[ibmstack.MeshZoneOutput] = v(rn.Zones[0].Zone)
			o[ibmstack.MeshSubnetOutput] = v("subnet-" + id)
			subnets := map[string]any{}
			for _, z := range rn.Zones {
				subnets[z.Zone] = "subnet-" + id + "-" + z.Zone
			}
			o[ibmstack.MeshZoneSubnetsOutput] = v(subnets)
			o[ibmstack.MeshFloatingIPOutput] = v("fip-" + id)
			o[ibmstack.MeshRoutingTableOutput] = v("rt-" + id)
			o[ibmstack.ClusterSecurityGroupOutput] = v("sg-cluster-" + id)
		case topology.OVH:
			o["project"] = v("0123456789abcdef")
			o["openstackNetworkId"] = v("net-" + id)
			o["subnetId"] = v("subnet-" + id)
			o[ovhstack.MeshFloatingIPOutput] = v("fip-" + id)
			o[ovhstack.MeshRouterOutput] = v("router-" + id)
			ip, err := ovhstack.MeshGatewayIP(rn)
			if err != nil {
				t.Fatal(err)
			}
			o[ovhstack.MeshGatewayIPOutput] = v(ip.String())
		}
		f.up[id] = o
	}
	// the landing zone's deploy roles, by account
	if lz := g.LandingZone.AWS; lz != nil {
		roles := map[string]any{}
		for _, r := range spec.Regions() {
			if a := lz.EnvironmentAccount(r.Environment); a != nil {
				roles[a.Name] = "arn:aws:iam::111122223333:role/deploy-" + a.Name
			}
		}
		f.up[awsstack.LandingZoneStack] = Outputs{awsstack.DeployRoleArnsOutput: {Value: roles}}
	}
	// the IBM landing zone's deployer keys, by environment
	if lz := g.LandingZone.IBM; lz != nil {
		keys := map[string]any{}
		for _, e := range lz.Environments {
			keys[e.Name] = "deployer-key-" + e.Name
		}
		f.up[ibmstack.LandingZoneStack] = Outputs{ibmstack.DeployerKeysOutput: {Value: keys, Secret: true}}
	}
	return f
}

func (f *meshFixture) run(t testing.TB) (*meshMocks, error) {
	t.Helper()
	mocks := &meshMocks{res: map[string]pulumi.MockResourceArgs{}, psks: map[string]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		return mesh(ctx, f.g, f.up, awsstack.NewProviders(ctx, f.spec))
	}, pulumi.WithMocks(f.spec.Name, MeshName, mocks))
	return mocks, err
}

func (f *meshFixture) Keys(psks map[string]string) network.Keys {
	k := &keys{priv: f.priv, pub: f.pub, psk: map[string]string{}, endpoint: f.ip}
	for name, v := range psks {
		k.psk[strings.TrimPrefix(name, "mesh-psk-")] = v
	}
	return k
}

func secretString(t *testing.T, what string, v resource.PropertyValue) string {
	t.Helper()
	if !v.IsSecret() {
		t.Fatalf("%s is not secret", what)
	}
	return v.SecretValue().Element.StringValue()
}

func plainStrings(v resource.PropertyValue) []string {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	var out []string
	if v.IsNull() {
		return nil
	}
	for _, e := range v.ArrayValue() {
		out = append(out, e.StringValue())
	}
	sort.Strings(out)
	return out
}

// The mesh of examples/multicloud.yaml: 11 gateways (hel1, alone in dev,
// stays out; AWS has one per zone), 23 pairs (no pair
// joins two environments), and every
// gateway's cloud-init holds exactly the wg0.conf network.Mesh.Config
// renders from the real keys, while no key reaches a plain input.
func TestMeshGlobalStack(t *testing.T) {
	f := newMeshFixture(t, "../examples/multicloud.yaml")
	mocks, err := f.run(t)
	if err != nil {
		t.Fatal(err)
	}
	// one gateway per region, one per zone in AWS (prod 3, staging 2)
	if n := len(f.m.Gateways); n != 11 {
		t.Fatalf("%d gateways, want 11", n)
	}
	// environments apart: prod's 7 gateways in 5 regions, staging's 4 in 3;
	// one region's gateways do not pair
	psks := mocks.byType(wireguard.PresharedKeyType)
	if len(psks) != (21-3)+(6-1) {
		t.Errorf("%d PSKs, want 23: prod's 7 gateways pair but for AWS's 3 among themselves, staging's 4 but for AWS's 2", len(psks))
	}
	for _, p := range f.m.Pairs() {
		if _, ok := mocks.res[PSKName(p.Name())]; !ok {
			t.Errorf("no PSK for pair %s", p.Name())
		}
	}
	for typ, want := range map[string]int{
		// AWS: a gateway in each zone, 3 in prod and 2 in staging
		"aws:ec2/instance:Instance": 5, "hcloud:index/server:Server": 2, ibmstack.InstanceType: 3, // IBM: the gateway and a relay in each of us-south's two other zones
		"ovh:CloudProject/instance:Instance": 3, "aws:ec2/eipAssociation:EipAssociation": 5, "aws:ec2/networkInterface:NetworkInterface": 5,
		"hcloud:index/firewall:Firewall": 2, "aws:ec2/securityGroup:SecurityGroup": 2, ibmstack.SecurityGroupType: 1,
		// AWS: prod's 3 zones and staging's 2 each send 10.0.0.0/8, which
		// holds the overlay and the peers' CIDRs (the other us-east-1 VPC,
		// another environment, goes to the transit gateway, which drops it)
		"aws:ec2/route:Route": 5 * 1,
		// Hetzner: 10.0.0.0/8 less the region, in the pieces that hold the
		// overlay and the 4 other prod CIDRs (5 in nbg1 and fsn1 alike:
		// they fall in distinct pieces, whose number is bounded by 8 however
		// many regions join); IBM: the overlay and its 4 prod peers in each
		// of the 3 zones, each to a next hop in the route's zone (the
		// gateway or the zone's relay), where AWS prod's peers are its 3
		// zones' gateways with 2 subnets each
		"hcloud:index/networkRoute:NetworkRoute": 5 + 5, ibmstack.VpcRoutingTableRouteType: (1 + 3 + 3*2) * 3,
	} {
		if got := len(mocks.byType(typ)); got != want {
			t.Errorf("%d × %s, want %d", got, typ, want)
		}
	}

	keys := f.Keys(mocks.psks)
	gateways := map[string]string{
		"aws-us-east-1-prod-mesh-gateway-us-east-1a": "aws-us-east-1-prod-a", "aws-us-east-1-prod-mesh-gateway-us-east-1b": "aws-us-east-1-prod-b",
		"aws-us-east-1-prod-mesh-gateway-us-east-1c":    "aws-us-east-1-prod-c",
		"aws-us-east-1-staging-mesh-gateway-us-east-1a": "aws-us-east-1-staging-a", "aws-us-east-1-staging-mesh-gateway-us-east-1b": "aws-us-east-1-staging-b",
		"hetzner-nbg1-prod-mesh-gateway": "hetzner-nbg1-prod", "hetzner-fsn1-prod-mesh-gateway": "hetzner-fsn1-prod",
		"ibm-us-south-prod-mesh-gateway": "ibm-us-south-prod",
		"ovh-gra11-prod-mesh-gateway":    "ovh-gra11-prod", "ovh-bhs5-staging-mesh-gateway": "ovh-bhs5-staging",
		"ovh-sbg5-staging-mesh-gateway": "ovh-sbg5-staging",
	}
	dir := t.TempDir()
	for name, id := range gateways {
		r, ok := mocks.res[name]
		if !ok {
			t.Errorf("no gateway %s", name)
			continue
		}
		ud := r.Inputs["userData"]
		if ud.IsSecret() {
			ud = ud.SecretValue().Element
		}
		var cc struct {
			WriteFiles []struct{ Path, Content string } `yaml:"write_files"`
			Users      []any                            `yaml:"users"`
		}
		if err := yaml.Unmarshal([]byte(ud.StringValue()), &cc); err != nil {
			t.Fatalf("%s: cloud-init is not YAML: %v", name, err)
		}
		files := map[string]string{}
		for _, wf := range cc.WriteFiles {
			files[wf.Path] = wf.Content
		}
		// the user data names no peer and holds no key: a mesh change leaves it be
		if _, ok := files[wireguard.ConfigPath]; ok || strings.Contains(ud.StringValue(), "[Peer]") || wireguard.KeyMaterial.MatchString(ud.StringValue()) {
			t.Errorf("%s: user data carries the wg-quick configuration", name)
		}
		g := f.m.Gateway(id)
		local, snat := f.g.Net.Region(g.Region).CIDR, g.Cloud == topology.OVH
		if files[wireguard.FirewallPath] != wireguard.Firewall(wireguard.Boot{Port: 51820, Local: local, SNAT: snat}) {
			t.Errorf("%s: host firewall differs:\n%s", name, files[wireguard.FirewallPath])
		}
		if !strings.Contains(ud.StringValue(), "ssh-ed25519 AAAA"+hex.EncodeToString([]byte("mesh-push-key-"+id))+" infra'") {
			t.Errorf("%s: the push account does not hold the push key", name)
		}
		peers, ok := mocks.res["mesh-peers-"+id]
		if !ok {
			t.Errorf("%s: no infra:mesh:Peers", name)
			continue
		}
		want, err := f.m.Config(id, keys)
		if err != nil {
			t.Fatal(err)
		}
		conf := secretString(t, name+" config", peers.Inputs["config"])
		if conf != want {
			t.Errorf("%s: pushed wg0.conf differs from Mesh.Config with the deployed keys:\n%s\nwant\n%s", name, conf, want)
		}
		if !strings.Contains(conf, "PrivateKey = "+f.priv[id]+"\n") || strings.Contains(conf, network.SecretPlaceholder) {
			t.Errorf("%s: wg0.conf does not carry the gateway's own private key", name)
		}
		secretString(t, name+" push key", peers.Inputs["privateKey"])
		var ids []string
		for _, p := range f.m.Peers(id) {
			ids = append(ids, p.ID)
			if !strings.Contains(conf, "Endpoint = "+f.ip[p.ID]+":51820\n") || !strings.Contains(conf, "PublicKey = "+f.pub[p.ID]+"\n") {
				t.Errorf("%s: no peer %s at %s", name, p.ID, f.ip[p.ID])
			}
		}
		if got := plainStrings(peers.Inputs["peers"]); fmt.Sprint(got) != fmt.Sprint(ids) || peers.Inputs["host"].StringValue() != f.ip[id] {
			t.Errorf("%s: Peers peers %v host %v, want %v at %s", name, got, peers.Inputs["host"], ids, f.ip[id])
		}
		// wg-quick parses it (the netns test in network/ runs such configs for real)
		if _, err := exec.LookPath("wg-quick"); err == nil {
			path := filepath.Join(dir, "wg0.conf")
			os.WriteFile(path, []byte(conf), 0o600)
			out, err := exec.Command("wg-quick", "strip", path).CombinedOutput()
			if err != nil || (len(ids) > 0 && !strings.Contains(string(out), "PresharedKey")) {
				t.Errorf("%s: wg-quick strip: %v\n%s", name, err, out)
			}
		}
	}

	// No key material in any plain input: keys live only in secrets.
	for _, r := range mocks.res {
		for k, v := range r.Inputs {
			if v.ContainsSecrets() {
				continue
			}
			if s := fmt.Sprint(v.Mappable()); wireguard.KeyMaterial.MatchString(s) {
				t.Errorf("%s input %s holds key material in plain text", r.Name, k)
			}
		}
	}
}

// Each cloud's firewall admits WireGuard from the peers and nobody else.
func TestMeshFirewallsAdmitPeersOnly(t *testing.T) {
	f := newMeshFixture(t, "../examples/multicloud.yaml")
	mocks, err := f.run(t)
	if err != nil {
		t.Fatal(err)
	}
	peers := func(id string) []string {
		var out []string
		for _, p := range f.m.Peers(id) {
			out = append(out, f.ip[p.ID]+"/32")
		}
		sort.Strings(out)
		return out
	}
	for _, id := range []string{"aws-us-east-1-prod", "aws-us-east-1-staging"} {
		sites := f.m.Sites(id)
		sg := mocks.res[id+"-mesh-sg"].Inputs
		var udp []string
		for _, rule := range sg["ingress"].ArrayValue() {
			o := rule.ObjectValue()
			switch o["protocol"].StringValue() {
			case "udp":
				if o["fromPort"].NumberValue() != 51820 || o["toPort"].NumberValue() != 51820 {
					t.Errorf("%s: UDP rule on %v-%v", id, o["fromPort"], o["toPort"])
				}
				udp = append(udp, plainStrings(o["cidrBlocks"])...)
			case "tcp": // the push: SSH only
				if o["fromPort"].NumberValue() != 22 || o["toPort"].NumberValue() != 22 {
					t.Errorf("%s: TCP rule on %v-%v", id, o["fromPort"], o["toPort"])
				}
			case "-1":
				if got := plainStrings(o["cidrBlocks"]); !slices.Equal(got, []string{f.g.Net.Region(id).CIDR.String()}) {
					t.Errorf("%s: forwarding rule from %v, want the region's CIDR", id, got)
				}
			default:
				t.Errorf("%s: unexpected rule %v", id, o)
			}
		}
		sort.Strings(udp)
		// every zone's gateway has the other regions' gateways as peers
		for _, s := range sites {
			if !slices.Equal(udp, peers(s.ID)) {
				t.Errorf("%s: UDP sources %v, want %s's peers %v", id, udp, s.ID, peers(s.ID))
			}
		}
		if len(sites) != len(f.g.Net.Region(id).Zones) {
			t.Fatalf("%s: %d gateways, want one per zone", id, len(sites))
		}
		env := f.g.Stack(id).Region.Environment
		account := f.g.LandingZone.AWS.EnvironmentAccount(env).Name
		provName := "aws-provider-us-east-1-" + account
		for _, s := range sites {
			inst := mocks.res[id+"-mesh-gateway-"+s.Zone].Inputs
			eni := mocks.res[id+"-mesh-eni-"+s.Zone].Inputs
			if v := eni["sourceDestCheck"]; !v.IsBool() || v.BoolValue() {
				t.Errorf("%s: source/destination check %v: the gateway cannot forward", s.ID, v)
			}
			// in its own zone's public subnet
			if got := eni["subnetId"].StringValue(); got != "subnet-public-"+s.Zone {
				t.Errorf("%s: interface in %s, want its zone's public subnet", s.ID, got)
			}
			if got := inst["maintenanceOptions"]; !got.IsObject() || got.ObjectValue()["autoRecovery"].StringValue() != "default" {
				t.Errorf("%s: maintenance options %v, want automatic recovery", s.ID, got)
			}
			// launched on the interface that holds the Elastic IP before boot
			// (review item 13: no first boot without internet access)
			nics := inst["networkInterfaces"].ArrayValue()
			assoc := mocks.res[id+"-mesh-eip-association-"+s.Zone].Inputs
			if len(nics) != 1 || nics[0].ObjectValue()["deviceIndex"].NumberValue() != 0 ||
				nics[0].ObjectValue()["networkInterfaceId"].StringValue() != assoc["networkInterfaceId"].StringValue() ||
				!assoc["instanceId"].IsNull() || assoc["allocationId"].StringValue() != "eipalloc-"+s.ID {
				t.Errorf("%s: instance on %v, Elastic IP on %v: want both on the gateway's interface", s.ID, nics, assoc)
			}
			if !inst["rootBlockDevice"].ObjectValue()["encrypted"].BoolValue() {
				t.Errorf("%s: root volume not encrypted", s.ID)
			}
			// the zone's route table, and no other, points at the zone's gateway
			for _, r := range mocks.byType("aws:ec2/route:Route") {
				if !strings.HasPrefix(r.Name, id+"-mesh-route-") {
					continue
				}
				mine := strings.HasPrefix(r.Name, id+"-mesh-route-"+s.Zone+"-")
				if table := r.Inputs["routeTableId"].StringValue(); mine != (table == "rtb-"+s.Zone) {
					t.Errorf("%s: route %s in table %s", s.ID, r.Name, table)
				}
			}
			// deployed into the environment's member account, like the region
			if !strings.Contains(mocks.res[id+"-mesh-gateway-"+s.Zone].Provider, "::"+provName+"::") {
				t.Errorf("%s: gateway deploys with %s, want %s", s.ID, mocks.res[id+"-mesh-gateway-"+s.Zone].Provider, provName)
			}
		}
		role := mocks.res[provName].Inputs["assumeRole"].ObjectValue()["roleArn"].StringValue()
		if role != "arn:aws:iam::111122223333:role/deploy-"+account {
			t.Errorf("%s: provider assumes %q, want the %s account's deploy role", id, role, account)
		}
	}
	for _, id := range []string{"hetzner-nbg1-prod", "hetzner-fsn1-prod"} {
		var src []string
		for _, rule := range mocks.res[id+"-mesh-firewall"].Inputs["rules"].ArrayValue() {
			o := rule.ObjectValue()
			if o["protocol"].StringValue() == "tcp" && o["port"].StringValue() == "22" {
				continue // the push: SSH only
			}
			if o["protocol"].StringValue() != "udp" || o["port"].StringValue() != "51820" || o["direction"].StringValue() != "in" {
				t.Errorf("%s: unexpected rule %v", id, o)
			}
			src = append(src, plainStrings(o["sourceIps"])...)
		}
		sort.Strings(src)
		if !slices.Equal(src, peers(id)) {
			t.Errorf("%s: UDP sources %v, want the peers %v", id, src, peers(id))
		}
		srv := mocks.res[id+"-mesh-gateway"].Inputs
		gw, _ := hetznerstack.GatewayIP(f.g.Net.Region(id))
		if ip := srv["networks"].ArrayValue()[0].ObjectValue()["ip"].StringValue(); ip != gw.String() {
			t.Errorf("%s: server at %s, want the routes' gateway %s", id, ip, gw)
		}
	}
	var udp, admitted []string
	for _, r := range mocks.byType(ibmstack.SecurityGroupRuleType) {
		if r.Inputs["protocol"].StringValue() == "udp" {
			udp = append(udp, r.Inputs["remote"].StringValue()+"/32")
		}
		if r.Inputs["securityGroup"].StringValue() == "sg-cluster-ibm-us-south-prod" {
			admitted = append(admitted, r.Inputs["remote"].StringValue())
		}
	}
	// The workers' group admits every range the mesh routes to the region's gateway.
	var routed []string
	for _, r := range mocks.byType(ibmstack.VpcRoutingTableRouteType) {
		if d := r.Inputs["destination"].StringValue(); !slices.Contains(routed, d) {
			routed = append(routed, d)
		}
	}
	sort.Strings(admitted)
	sort.Strings(routed)
	if len(routed) == 0 || !slices.Equal(admitted, routed) {
		t.Errorf("ibm-us-south-prod: the workers' security group admits %v, want the routed ranges %v", admitted, routed)
	}
	sort.Strings(udp)
	if id := "ibm-us-south-prod"; !slices.Equal(udp, peers(id)) {
		t.Errorf("%s: UDP sources %v, want the peers %v", id, udp, peers(id))
	}
	if !mocks.res["ibm-us-south-prod-mesh-gateway"].Inputs["allowIpSpoofing"].BoolValue() {
		t.Error("IBM gateway cannot forward: allowIpSpoofing is off")
	}
	// Allowing IP spoofing needs the IP Spoofing Operator role, which the
	// landing zone grants the environment's deployer: the gateway is its.
	if p := mocks.res["ibm-us-south-prod-mesh-gateway"].Provider; !strings.Contains(p, "::ibm-us-south-prod-mesh-deployer::") {
		t.Errorf("IBM gateway made by provider %q, not the prod deployer's", p)
	}
}

// Routes send every other region's CIDR and the overlay to the gateway,
// except what a transit gateway reaches.
func TestMeshRoutes(t *testing.T) {
	f := newMeshFixture(t, "../examples/multicloud.yaml")
	transit := network.BuildTransit(f.spec)
	dest := func(rs []network.Route) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name+"="+r.Destination.String())
		}
		return out
	}
	prod := dest(f.m.Routes(transit, "aws-us-east-1-prod-a"))
	if slices.Contains(prod, "aws-us-east-1-staging-a=10.11.0.0/20") || len(prod) != 5 {
		t.Errorf("aws prod routes %v: want the overlay and prod's 4 other CIDRs", prod)
	}
	// each AWS zone's subnets go to that zone's gateway
	nbg := dest(f.m.Routes(transit, "hetzner-nbg1-prod"))
	want := []string{"overlay=10.100.0.0/24",
		"aws-us-east-1-prod-a=10.10.0.0/20", "aws-us-east-1-prod-a-2=10.10.128.0/20",
		"aws-us-east-1-prod-b=10.10.16.0/20", "aws-us-east-1-prod-b-2=10.10.144.0/20",
		"aws-us-east-1-prod-c=10.10.32.0/20", "aws-us-east-1-prod-c-2=10.10.160.0/20",
		"hetzner-fsn1-prod=10.21.0.0/16", "ibm-us-south-prod=10.240.0.0/16", "ovh-gra11-prod=10.30.0.0/16"}
	if !slices.Equal(nbg, want) {
		t.Errorf("hetzner nbg1 routes\n%v\nwant\n%v", nbg, want)
	}
	// Environments connected: every region, but the us-east-1 neighbour
	// goes by transit gateway when that connects them, else by the mesh.
	f.m.ConnectEnvironments = true
	if got := dest(f.m.Routes(nil, "aws-us-east-1-prod-a")); !slices.Contains(got, "aws-us-east-1-staging-b=10.11.16.0/20") || len(got) != 1+6+4 {
		t.Errorf("connected, no transit: routes %v lack staging", got)
	}
	f.spec.Network.Transit.AWS.ConnectEnvironments = true
	if got := dest(f.m.Routes(network.BuildTransit(f.spec), "aws-us-east-1-prod-a")); slices.Contains(got, "aws-us-east-1-staging-b=10.11.16.0/20") || len(got) != 1+6 {
		t.Errorf("connected, by transit: routes %v", got)
	}
}

func TestMeshErrors(t *testing.T) {
	// A Hetzner network routes only inside its RFC 1918 block.
	f := newMeshFixture(t, "../examples/multicloud.yaml")
	f.spec.Clouds.IBM.Regions[0].CIDR = "172.16.0.0/16"
	g, err := Build(f.spec)
	if err != nil {
		t.Fatal(err)
	}
	f.g = g
	_, err = f.run(t)
	if err == nil || !strings.Contains(err.Error(), "routes only inside its range 10.0.0.0/8") ||
		!strings.Contains(err.Error(), "multicloud.yaml:") {
		t.Errorf("err = %v, want the Hetzner range error at the spec position", err)
	}
}

// No mesh in the spec, no mesh stack.
func TestMeshAbsent(t *testing.T) {
	spec := topologytest.Parse(t, "name: t\nclouds:\n  hetzner:\n    regions: [{region: nbg1, environment: prod}]\n")
	g, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	if s := g.Stack(MeshName); s != nil {
		t.Errorf("stack %s without a mesh in the spec", s.Name)
	}
}

// BenchmarkMeshGlobalStack is the mesh stack under
// mocks for n gateways spread over the four clouds: n(n-1)/2 PSKs, and per
// gateway a config, a firewall and routes that each grow with n, so the
// resources, and the time, grow as n².
func BenchmarkMeshGlobalStack(b *testing.B) {
	for _, n := range []int{8, 20, 40} {
		b.Run(fmt.Sprintf("gateways=%d", n), func(b *testing.B) {
			var y strings.Builder
			y.WriteString("name: bench\nclouds:\n")
			for _, c := range topology.AllClouds {
				names := topology.RegionNames(c)
				fmt.Fprintf(&y, "  %s:\n    regions:\n", c)
				for i := 0; i < n/4; i++ {
					fmt.Fprintf(&y, "      - {region: %s, environment: env%d}\n", names[i%len(names)], i/len(names))
				}
			}
			y.WriteString("network:\n  mesh: {}\n")
			spec, _, err := topology.Parse("bench.yaml", []byte(y.String()))
			if err != nil {
				b.Fatal(err)
			}
			f := meshFixtureOf(b, spec)
			b.ReportAllocs()
			resources := 0
			for b.Loop() {
				m, err := f.run(b)
				if err != nil {
					b.Fatal(err)
				}
				resources = len(m.res)
			}
			b.ReportMetric(float64(resources), "resources/op")
		})
	}
}

// Adding a region to the mesh changes no existing gateway's user data (a
// change there replaces the instance on every cloud) and changes each
// existing gateway's Peers, in place, by the new region: the rolling change
// the netns test (stacks/wireguard) proves on the real tools.
func TestMeshChangeLeavesGatewaysInPlace(t *testing.T) {
	var mesh *network.Mesh
	gateways := func(late bool) map[string]pulumi.MockResourceArgs {
		spec := topologytest.Load(t, "../examples/multicloud.yaml")
		if !late {
			off := false
			spec.Clouds.OVH.Regions[len(spec.Clouds.OVH.Regions)-1].Mesh = &off
		}
		f := meshFixtureOf(t, spec)
		mocks, err := f.run(t)
		if err != nil {
			t.Fatal(err)
		}
		mesh = f.m
		return mocks.res
	}
	before, after := gateways(false), gateways(true)
	// staging: its aws-us-east-1-staging and ovh-bhs5-staging peers change,
	// the other environments' gateways do not
	const late = "ovh-sbg5-staging"
	staging := []string{"aws-us-east-1-staging-a", "aws-us-east-1-staging-b", "ovh-bhs5-staging"}
	if _, ok := before["mesh-peers-"+late]; ok {
		t.Fatalf("%s is in the mesh before it is added", late)
	}
	n := 0
	for name, b := range before {
		if b.TypeToken != wireguard.PeersType {
			continue
		}
		id := strings.TrimPrefix(name, "mesh-peers-")
		inst := id + "-mesh-gateway"
		if g := mesh.Gateway(id); g.Zone != "" {
			inst = g.Region + "-mesh-gateway-" + g.Zone
		}
		if ub, ua := before[inst].Inputs["userData"], after[inst].Inputs["userData"]; !ub.DeepEquals(ua) || ub.IsNull() {
			t.Errorf("%s: adding %s changes the gateway's user data, which replaces it", id, late)
		}
		pb, pa := plainStrings(b.Inputs["peers"]), plainStrings(after[name].Inputs["peers"])
		want := slices.Clone(pb)
		if slices.Contains(staging, id) {
			want = append(want, late)
		}
		if !slices.Equal(sortedCopy(pa), sortedCopy(want)) {
			t.Errorf("%s: peers %v → %v, want %v", id, pb, pa, want)
		}
		n++
	}
	if n != 10 {
		t.Errorf("%d gateways before the change, want 10 (hel1 dev stays out; AWS has 5 zones)", n)
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}
