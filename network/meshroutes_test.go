package network

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"infra/topology"
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
		{"aws-us-east-1-prod", tr, []string{"overlay=10.100.0.0/24", "hetzner-fsn1-prod=10.21.0.0/16",
			"hetzner-nbg1-prod=10.20.0.0/16", "ibm-us-south-prod=10.240.0.0/16", "ovh-gra11-prod=10.30.0.0/16"}},
		{"ovh-bhs5-staging", tr, []string{"overlay=10.100.0.0/24", "aws-us-east-1-staging=10.11.0.0/16", "ovh-sbg5-staging=10.32.0.0/16"}},
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
	if got := routeNames(m.Routes(nil, "aws-us-east-1-prod")); !slices.Contains(got, "aws-us-east-1-staging=10.11.0.0/16") || len(got) != 9 {
		t.Errorf("connected, no transit: %v", got)
	}
	if got := routeNames(m.Routes(tr, "hetzner-nbg1-prod")); len(got) != 9 || !slices.Contains(got, "hetzner-hel1-dev=10.22.0.0/16") {
		t.Errorf("connected: %v", got)
	}
	// the transit gateways keep prod and staging apart: the mesh does too
	if got := routeNames(m.Routes(tr, "aws-us-east-1-prod")); slices.Contains(got, "aws-us-east-1-staging=10.11.0.0/16") || len(got) != 8 {
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
			s, _, err := topology.Parse("t.yaml", []byte(y))
			if err != nil {
				t.Fatal(err)
			}
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
