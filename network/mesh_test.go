package network

import (
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"infra/topology"
	"infra/topology/topologytest"
)

func loadExample(t testing.TB, name string) (*topology.Spec, *AddressPlan, *Mesh) {
	t.Helper()
	src, err := os.ReadFile("../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return parseMesh(t, name, string(src))
}

// parseMesh is the spec of src with its address plan and mesh.
func parseMesh(t testing.TB, name, src string) (*topology.Spec, *AddressPlan, *Mesh) {
	t.Helper()
	spec, _, err := topology.Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	plan, mesh := meshOf(t, spec)
	return spec, plan, mesh
}

// meshOf is the address plan and mesh of spec.
func meshOf(t testing.TB, spec *topology.Spec) (*AddressPlan, *Mesh) {
	t.Helper()
	plan, err := Compute(spec)
	if err != nil {
		t.Fatal(err)
	}
	mesh, err := BuildMesh(spec, plan)
	if err != nil {
		t.Fatal(err)
	}
	return plan, mesh
}

// loadLoneDev is the multicloud example with hel1 (dev) back in the mesh,
// where it is the only gateway of its environment: what the example was
// before it set mesh: false there, and what the tests of a lone gateway and
// of connected environments need.
func loadLoneDev(t testing.TB) (*topology.Spec, *AddressPlan, *Mesh) {
	t.Helper()
	src, err := os.ReadFile("../examples/multicloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const out = "        cidr: 10.22.0.0/16\n        mesh: false\n"
	if !strings.Contains(string(src), out) {
		t.Fatal("the multicloud example no longer keeps hel1 out of the mesh")
	}
	return parseMesh(t, "multicloud.yaml", strings.Replace(string(src), out, "        cidr: 10.22.0.0/16\n", 1))
}

func TestMeshOfMulticloud(t *testing.T) {
	spec, plan, mesh := loadLoneDev(t)
	// one gateway per region, one per zone in AWS (us-east-1 prod has 3
	// zones, staging 2): 9 regions, 12 gateways
	if got, want := len(mesh.Gateways), len(spec.Regions())+2+1; got != want {
		t.Fatalf("%d gateways, want %d", got, want)
	}
	sites := mesh.Sites("aws-us-east-1-prod")
	if len(sites) != 3 {
		t.Fatalf("aws-us-east-1-prod has %d gateways, want one per zone", len(sites))
	}
	for i, g := range sites {
		z := plan.Region("aws-us-east-1-prod").Zones[i]
		if g.ID != "aws-us-east-1-prod-"+string(rune('a'+i)) || g.Zone != z.Zone || g.Region != "aws-us-east-1-prod" {
			t.Errorf("site %d: %s (zone %s, region %s)", i, g.ID, g.Zone, g.Region)
		}
		// its zone's subnets, and nothing of the other zones
		if want := []netip.Prefix{netip.PrefixFrom(z.Overlay, 32), z.Private, z.Public}; !slices.Equal(g.AllowedIPs, want) {
			t.Errorf("%s: AllowedIPs %v, want %v", g.ID, g.AllowedIPs, want)
		}
		for _, p := range mesh.Peers(g.ID) {
			if p.Region == g.Region {
				t.Errorf("%s peers with %s, of its own region", g.ID, p.ID)
			}
		}
	}
	// environments apart: prod has 7 gateways in 5 regions, staging 4 in 3,
	// dev 1; gateways of one region do not pair
	if got, want := len(mesh.Pairs()), (7*6/2-3)+(4*3/2-1)+0; got != want {
		t.Errorf("%d pairs, want %d", got, want)
	}
	for _, p := range mesh.Pairs() {
		if p.A.Environment != p.B.Environment {
			t.Errorf("pair %s joins two environments", p.Name())
		}
	}
	if got := len(mesh.Peers("hetzner-hel1-dev")); got != 0 {
		t.Errorf("the only dev region has %d peers", got)
	}
	cfg, err := mesh.Config("aws-us-east-1-prod-a", OfflineKeys{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Address = " + sites[0].Overlay.String() + "/24", "ListenPort = 51820", "MTU = 1440",
		"PrivateKey = <secret: from state>",
		"# ovh-gra11-prod\n[Peer]\nPublicKey = <public key of ovh-gra11-prod>\nPresharedKey = <secret: from state>\nAllowedIPs = 10.100.0.51/32, 10.30.0.0/16\nEndpoint = <public ip of ovh-gra11-prod>:51820\nPersistentKeepalive = 25\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	if n := strings.Count(cfg, "[Peer]"); n != 4 {
		t.Errorf("%d peers, want prod's other 4 regions", n)
	}
	// the others peer with each AWS zone's gateway
	cfg, _ = mesh.Config("ovh-gra11-prod", OfflineKeys{})
	for _, g := range sites {
		want := fmt.Sprintf("# %s\n[Peer]\nPublicKey = <public key of %s>\nPresharedKey = <secret: from state>\nAllowedIPs = %s/32, %s, %s\n",
			g.ID, g.ID, g.Overlay, g.AllowedIPs[1], g.AllowedIPs[2])
		if !strings.Contains(cfg, want) {
			t.Errorf("ovh-gra11-prod config lacks %q:\n%s", want, cfg)
		}
	}
	// connected environments: one full mesh, less the pairs within a region
	mesh.ConnectEnvironments = true
	if got, want := len(mesh.Pairs()), 12*11/2-3-1; got != want {
		t.Errorf("connected: %d pairs, want %d", got, want)
	}
	if got := len(mesh.Peers("hetzner-hel1-dev")); got != 11 {
		t.Errorf("connected: hel1 has %d peers, want 11", got)
	}
	mesh.ConnectEnvironments = false
	// Hetzner servers hold their public IP themselves: no keepalive needed.
	cfg, _ = mesh.Config("hetzner-nbg1-prod", OfflineKeys{})
	if strings.Contains(cfg, "PersistentKeepalive") {
		t.Errorf("hetzner gateway sends keepalives:\n%s", cfg)
	}
	if _, err := mesh.Config("aws-nowhere", OfflineKeys{}); err == nil || !strings.Contains(err.Error(), "gateways: aws-us-east-1-prod-a") {
		t.Errorf("unknown node error = %v", err)
	}
}

func TestMeshRejectsOverlappingAllowedIPs(t *testing.T) {
	regions := []topology.Region{
		{Cloud: topology.AWS, Name: "us-east-1", Environment: "prod", CIDR: "10.1.0.0/16"},
		{Cloud: topology.OVH, Name: "GRA11", Environment: "prod", CIDR: "10.255.0.0/16"}, // swallows the overlay
	}
	spec := specOf(regions, "10.0.0.0/8")
	plan, err := Compute(spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = BuildMesh(spec, plan)
	if err == nil || !strings.Contains(err.Error(), "mesh AllowedIPs overlap") {
		t.Fatalf("err = %v, want an AllowedIPs overlap", err)
	}
}

var keyText = regexp.MustCompile(`[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=`)

func TestOfflineConfigHoldsNoKeyMaterial(t *testing.T) {
	_, _, mesh := loadExample(t, "multicloud.yaml")
	for _, g := range mesh.Gateways {
		cfg, err := mesh.Config(g.ID, OfflineKeys{})
		if err != nil {
			t.Fatal(err)
		}
		if k := keyText.FindString(cfg); k != "" {
			t.Errorf("%s: offline config holds key-like text %q", g.ID, k)
		}
	}
}

// syntheticMesh has n gateways spread over the catalog, CIDRs allocated.
func syntheticMesh(b testing.TB, n int) *topology.Spec {
	var regions []topology.Region
	for i := 0; len(regions) < n; i++ {
		c := candidates[i%len(candidates)]
		c.Environment = fmt.Sprintf("%s%d", c.Environment, i/len(candidates))
		regions = append(regions, c)
	}
	s := specOf(regions, "10.0.0.0/8")
	s.Network.Mesh.Overlay = "100.64.0.0/23"
	// the environments differ: connected, every gateway peers with every
	// other region's, the largest mesh n regions make
	s.Network.Mesh.ConnectEnvironments = true
	return s
}

// BenchmarkMesh200 is IPAM plus the full mesh of 200 regions (more
// gateways than regions: an AWS region has one per zone), including every
// gateway's rendered config.
func BenchmarkMesh200(b *testing.B) {
	spec := syntheticMesh(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		_, mesh := meshOf(b, spec)
		want := 0
		for i, g := range mesh.Gateways {
			for _, h := range mesh.Gateways[i+1:] {
				if g.Region != h.Region {
					want++
				}
			}
		}
		if got := len(mesh.Pairs()); got != want || len(mesh.Gateways) < 200 {
			b.Fatalf("%d pairs of %d gateways, want %d", got, len(mesh.Gateways), want)
		}
		for _, g := range mesh.Gateways {
			if _, err := mesh.Config(g.ID, OfflineKeys{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkIPAM isolates the allocation, which must stay near-linear.
func BenchmarkIPAM(b *testing.B) {
	for _, n := range []int{20, 200} {
		spec := syntheticMesh(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compute(spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestPairName(t *testing.T) {
	if PairName("b", "a") != "a--b" || PairName("a", "b") != "a--b" {
		t.Error("PairName depends on argument order")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"pool of scale-to-zero members", `name: x
clouds:
  aws:
    regions:
      - {region: us-east-1, environment: prod, cluster: {nodesPerZone: {min: 0, max: 3}}}
network:
  globalLoadBalancer:
    hostname: app.example.com
    pools: [{name: us, members: [aws/us-east-1]}]
    fallback: us
`, "t.yaml:9:33: error: pool us has no member that can pass a health check"},
		{"OVH regions sharing a VLAN", `name: x
clouds:
  ovh:
    regions:
      - {region: GRA11, environment: prod, cidr: 10.30.0.0/24}
      - {region: SBG5, environment: prod, cidr: 10.30.1.0/24}
`, "t.yaml:6:49: error: ovh/SBG5/prod would share vRack VLAN 2592 with ovh/GRA11/prod"},
		{"supernet exhausted", `name: x
clouds:
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: us-east-2, environment: prod}
network:
  supernet: 10.0.0.0/16
`, "t.yaml:8:13: error: supernet 10.0.0.0/16 has no free /16 left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := topologytest.Parse(t, tt.yaml)
			ds := Validate(spec)
			if len(ds) != 1 || !strings.HasPrefix(ds[0].String(), tt.want) {
				t.Errorf("got %v, want one diagnostic starting %q", ds, tt.want)
			}
		})
	}
	for _, ex := range []string{"multicloud.yaml", "minimal.yaml", "ipam.yaml"} {
		spec := topologytest.Load(t, "../examples/"+ex)
		if ds := Validate(spec); len(ds) != 0 {
			t.Errorf("%s: %v", ex, ds)
		}
	}
}
