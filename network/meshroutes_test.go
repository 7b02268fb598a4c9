package network

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"infra/topology/topologytest"
)

func routeNames(rs []Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name+"="+r.Destination.String())
	}
	return out
}

func TestRoutes(t *testing.T) {
	spec, _, m := loadLoneDev(t)
	tr := BuildTransit(spec)
	tests := []struct {
		id   string
		t    *Transit
		want []string
	}{
		// each environment is a mesh of its own: prod routes prod
		{"aws-us-east-1-prod-a", tr, []string{"overlay=10.100.0.0/24", "hetzner-fsn1-prod=10.21.0.0/16",
			"hetzner-nbg1-prod=10.20.0.0/16", "ibm-us-south-prod=10.240.0.0/16", "ovh-gra11-prod=10.30.0.0/16"}},
		// each AWS zone's gateway takes its zone's private and public subnets
		{"ovh-bhs5-staging", tr, []string{"overlay=10.100.0.0/24",
			"aws-us-east-1-staging-a=10.11.0.0/20", "aws-us-east-1-staging-a-2=10.11.128.0/20",
			"aws-us-east-1-staging-b=10.11.16.0/20", "aws-us-east-1-staging-b-2=10.11.144.0/20", "ovh-sbg5-staging=10.32.0.0/16"}},
		{"hetzner-hel1-dev", tr, []string{"overlay=10.100.0.0/24"}},
	}
	for _, tt := range tests {
		if got := routeNames(m.Routes(tt.t, tt.id)); !slices.Equal(got, tt.want) {
			t.Errorf("%s routes\n%v\nwant\n%v", tt.id, got, tt.want)
		}
	}
	// environments connected: every region, but us-east-1 prod reaches
	// staging by its transit gateway (when that connects them too), else
	// over the mesh
	m.ConnectEnvironments = true
	defer func() { m.ConnectEnvironments = false }()
	// (overlay, 7 regions of one gateway, 2 zones of staging with 2 subnets each)
	if got := routeNames(m.Routes(nil, "aws-us-east-1-prod-b")); !slices.Contains(got, "aws-us-east-1-staging-b=10.11.16.0/20") || len(got) != 1+7+4 {
		t.Errorf("connected, no transit: %v", got)
	}
	// (overlay, 6 other regions of one gateway, 5 AWS zones with 2 subnets each)
	if got := routeNames(m.Routes(tr, "hetzner-nbg1-prod")); len(got) != 1+6+10 || !slices.Contains(got, "hetzner-hel1-dev=10.22.0.0/16") {
		t.Errorf("connected: %v", got)
	}
	// the transit gateways keep prod and staging apart: the mesh does too
	if got := routeNames(m.Routes(tr, "aws-us-east-1-prod-c")); slices.Contains(got, "aws-us-east-1-staging-b=10.11.16.0/20") || len(got) != 1+7 {
		t.Errorf("connected, transit isolating: %v", got)
	}
	// names are unique per gateway
	for _, g := range m.Gateways {
		seen := map[string]bool{}
		for _, r := range m.Routes(tr, g.ID) {
			if seen[r.Name] {
				t.Errorf("%s: two routes named %s", g.ID, r.Name)
			}
			seen[r.Name] = true
		}
	}
}

func TestPrivateBlock(t *testing.T) {
	for in, want := range map[string]string{
		"10.20.0.0/16": "10.0.0.0/8", "172.20.0.0/16": "172.16.0.0/12", "192.168.4.0/24": "192.168.0.0/16",
		"172.0.0.0/8": "", "100.64.0.0/10": "", "10.0.0.0/7": "",
	} {
		got, ok := PrivateBlock(netip.MustParsePrefix(in))
		if (want == "") == ok || (ok && got.String() != want) {
			t.Errorf("PrivateBlock(%s) = %v %v, want %q", in, got, ok, want)
		}
	}
}

func TestValidateMeshRoutes(t *testing.T) {
	const spec = `name: x
clouds:
  hetzner:
    regions:
      - {region: nbg1, environment: prod, cidr: 10.20.0.0/16}
  ibm:
    regions:
      - {region: us-south, environment: prod, cidr: %s%s}
network:
  mesh: {overlay: %s}
`
	tests := []struct {
		name, ibm, ibmMesh, overlay, want string
	}{
		{"one block", "10.240.0.0/16", "", "10.100.0.0/24", ""},
		{"another block", "172.16.0.0/16", "", "10.100.0.0/24",
			"t.yaml:5:49: error: hetzner-nbg1-prod cannot route region ibm-us-south-prod's CIDR (172.16.0.0/16) to its mesh gateway"},
		{"overlay elsewhere", "10.240.0.0/16", "", "192.168.100.0/24",
			"t.yaml:5:49: error: hetzner-nbg1-prod cannot route the mesh overlay (192.168.100.0/24)"},
		{"other region out of the mesh", "172.16.0.0/16", ", mesh: false", "10.100.0.0/24", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := strings.Replace(strings.Replace(strings.Replace(spec, "%s", tt.ibm, 1), "%s", tt.ibmMesh, 1), "%s", tt.overlay, 1)
			s := topologytest.Parse(t, y)
			ds := Validate(s)
			switch {
			case tt.want == "" && len(ds) != 0:
				t.Errorf("unexpected %v", ds)
			case tt.want != "" && (len(ds) != 1 || !strings.HasPrefix(ds[0].String(), tt.want)):
				t.Errorf("got %v, want one diagnostic starting %q", ds, tt.want)
			}
		})
	}
}

// An AWS region of the multicloud example sends one summary to its gateway
// instead of the overlay and seven peers; the peers a transit gateway
// reaches keep their more specific routes there.
func TestSummaryRoutes(t *testing.T) {
	spec, _, mesh := loadLoneDev(t)
	// The example keeps prod and staging apart (one route table each): the
	// summary holds staging's CIDR, so the transit stack routes it to the
	// transit gateway, which drops it.
	if got := BuildTransit(spec).Isolated("aws-us-east-1-prod"); !slices.Contains(got, "aws-us-east-1-staging") {
		t.Fatalf("prod isolated from %v, want staging among them", got)
	}
	spec.Network.Transit.AWS.ConnectEnvironments = true
	mesh.ConnectEnvironments = true
	tr := BuildTransit(spec)
	full := mesh.Routes(tr, "aws-us-east-1-prod")
	sum := mesh.SummaryRoutes(tr, "aws-us-east-1-prod")
	if len(full) != 8 || len(sum) != 1 || sum[0].Destination.String() != "10.0.0.0/8" || sum[0].Name != "block-10-0-0-0-8" {
		t.Fatalf("routes %v, summarised %v", full, sum)
	}
	for _, r := range full {
		if !sum[0].Destination.Contains(r.Destination.Addr()) {
			t.Errorf("%s (%s) is not covered by the summary", r.Name, r.Destination)
		}
	}
	// an overlay outside RFC 1918 keeps its own route
	mesh.Overlay = netip.MustParsePrefix("100.64.0.0/24")
	sum = mesh.SummaryRoutes(tr, "aws-us-east-1-prod")
	if len(sum) != 2 || sum[0].Name != "overlay" || sum[1].Destination.String() != "10.0.0.0/8" {
		t.Errorf("with a CGNAT overlay: %v", sum)
	}
}

func TestCover(t *testing.T) {
	for _, c := range []struct{ block, less, want string }{
		{"10.0.0.0/8", "10.21.0.0/16", "10.0.0.0/12 10.16.0.0/14 10.20.0.0/16 10.22.0.0/15 10.24.0.0/13 10.32.0.0/11 10.64.0.0/10 10.128.0.0/9"},
		{"172.16.0.0/12", "172.16.0.0/14", "172.20.0.0/14 172.24.0.0/13"},
		{"10.0.0.0/8", "10.0.0.0/8", ""},
		{"10.0.0.0/29", "10.0.0.0/31 10.0.0.4/32", "10.0.0.2/31 10.0.0.5/32 10.0.0.6/31"},
	} {
		var less, got []string
		var ex []netip.Prefix
		for _, l := range strings.Fields(c.less) {
			ex = append(ex, netip.MustParsePrefix(l))
			less = append(less, l)
		}
		for _, p := range cover(netip.MustParsePrefix(c.block), ex) {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s less %v = %v, want %s", c.block, less, got, c.want)
		}
	}
}

// A Hetzner network refuses a route that overlaps its subnet, so its
// summary is the block less the region: routes that cover every
// destination, overlap neither the region nor each other, and stay at most
// 8 for a /16 in 10/8 however many regions there are, none holding the
// network's gateway.
func TestSummaryRoutesAround(t *testing.T) {
	_, _, m := loadExample(t, "multicloud.yaml")
	local := netip.MustParsePrefix("10.21.0.0/16")
	got := routeNames(m.SummaryRoutesAround(nil, "hetzner-fsn1-prod", local))
	// 10.10.0.0/16 (AWS) lies in 10.8.0.0/13: 10.0.0.0/12 would hold the
	// network's gateway, 10.0.0.1
	want := []string{"summary-10-64-0-0-10=10.64.0.0/10", "summary-10-128-0-0-9=10.128.0.0/9", "summary-10-8-0-0-13=10.8.0.0/13",
		"summary-10-24-0-0-13=10.24.0.0/13", "summary-10-20-0-0-16=10.20.0.0/16"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("fsn1 summary\n%v\nwant\n%v", got, want)
	}
	if cr := routeNames(m.CloudRoutes(nil, "hetzner-fsn1-prod")); !slices.Equal(slices.Sorted(slices.Values(cr)), want) {
		t.Errorf("CloudRoutes of a Hetzner region %v, want the summary", cr)
	}
	// Many regions: the routes stop growing, and still cover every destination.
	src := "name: many\nclouds:\n  hetzner:\n    regions:\n"
	for i := range 40 {
		src += fmt.Sprintf("      - {region: nbg1, environment: e%d, cidr: 10.%d.0.0/16}\n", i, 100+i)
	}
	src += "network: {supernet: 10.0.0.0/8, mesh: {overlay: 10.250.0.0/24, connectEnvironments: true}}\n"
	_, _, big := parseMesh(t, "many.yaml", src)
	for _, g := range big.Gateways {
		sum := big.CloudRoutes(nil, g.ID)
		if full := big.Routes(nil, g.ID); len(full) != 40 || len(sum) > 8 {
			t.Fatalf("%s: %d routes summarised to %d, want 40 to at most 8", g.ID, len(full), len(sum))
		}
		if slices.ContainsFunc(sum, func(r Route) bool { return r.Destination.Contains(netip.MustParseAddr("10.0.0.1")) }) {
			t.Errorf("%s: a route holds the network's gateway 10.0.0.1: %v", g.ID, sum)
		}
		for i, r := range sum {
			if r.Destination.Overlaps(g.AllowedIPs[1]) {
				t.Errorf("%s: %s overlaps the region %s", g.ID, r.Destination, g.AllowedIPs[1])
			}
			for _, o := range sum[:i] {
				if r.Destination.Overlaps(o.Destination) {
					t.Errorf("%s: %s overlaps %s", g.ID, r.Destination, o.Destination)
				}
			}
		}
		for _, d := range big.Routes(nil, g.ID) {
			if !slices.ContainsFunc(sum, func(r Route) bool {
				return r.Destination.Contains(d.Destination.Addr()) && r.Destination.Bits() <= d.Destination.Bits()
			}) {
				t.Errorf("%s: %s (%s) is not covered", g.ID, d.Name, d.Destination)
			}
		}
	}
}
