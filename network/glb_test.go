package network

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"infra/topology"
	"infra/topology/topologytest"
)

func TestGLBOfMulticloud(t *testing.T) {
	spec, _, _ := loadExample(t, "multicloud.yaml")
	g := BuildGLB(spec)
	if g.Hostname != "app.example.com" || g.Zone != "example.com" || g.Provider != "ibm-cis" {
		t.Fatalf("glb = %+v", g)
	}
	var got []string
	for _, p := range g.Pools {
		var ids []string
		for _, m := range p.Members {
			ids = append(ids, m.ID)
		}
		got = append(got, p.Name+"="+strings.Join(ids, ","))
	}
	want := []string{"us=ibm-us-south-prod,aws-us-east-1-prod", "eu=ovh-gra11-prod,hetzner-nbg1-prod,hetzner-fsn1-prod"}
	if !slices.Equal(got, want) {
		t.Errorf("pools %v, want %v", got, want)
	}
	if g.Fallback == nil || g.Fallback.Name != "eu" {
		t.Errorf("fallback = %v", g.Fallback)
	}
	if len(g.Origins) != 5 {
		t.Errorf("%d origins, want 5 distinct members", len(g.Origins))
	}
	if BuildGLB(topologytest.Parse(t, "name: t\nclouds: {aws: {regions: [{region: eu-west-1, environment: prod}]}}\n")) != nil {
		t.Error("a spec without a load balancer has one")
	}
}

func TestFailoverOrderPutsTheFallbackLast(t *testing.T) {
	g := &GLB{Pools: []*GLBPool{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	g.Fallback = g.Pools[0]
	var names []string
	for _, p := range g.FailoverOrder() {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"b", "c", "a"}) {
		t.Errorf("failover order %v", names)
	}
}

func keys(ls []Geolocation) []string {
	var out []string
	for _, l := range ls {
		pool := "*"
		if l.Pool != nil {
			pool = l.Pool.Name
		}
		out = append(out, l.Key()+">"+pool)
	}
	return out
}

func TestGeolocations(t *testing.T) {
	tests := []struct {
		name string
		geo  map[string][]string // pool → codes, pools named a and b
		want []string
	}{
		{
			// Europe split between pools: EEU's countries carve their
			// area out of WEU's continent.
			name: "split continent",
			geo:  map[string][]string{"a": {"EEU"}, "b": {"WEU"}},
			want: []string{"bg>a", "by>a", "cz>a", "hu>a", "md>a", "pl>a", "ro>a", "ru>a", "sk>a", "ua>a", "continent-eu>b", "default>*"},
		},
		{
			// Only WEU steered: Eastern Europe goes to the default pools,
			// as CIS sends a region no pool claims, not to WEU's pool.
			name: "continent without its country list",
			geo:  map[string][]string{"a": {"WEU", "ENAM"}},
			want: []string{
				"continent-eu>a", "continent-na>a",
				"us-ak>*", "us-az>*", "us-ca>*", "us-co>*", "us-hi>*", "us-id>*", "us-mt>*", "us-nm>*", "us-nv>*", "us-or>*", "us-ut>*", "us-wa>*", "us-wy>*",
				"bg>*", "by>*", "cz>*", "hu>*", "md>*", "pl>*", "ro>*", "ru>*", "sk>*", "ua>*",
				"default>*",
			},
		},
		{
			name: "country list alone",
			geo:  map[string][]string{"a": {"SSAM"}, "b": {"OC"}},
			want: []string{"ar>a", "cl>a", "py>a", "uy>a", "continent-oc>b", "default>*"},
		},
		{
			name: "no geo",
			want: []string{"default>*"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &GLB{Pools: []*GLBPool{{Name: "a", Geo: tt.geo["a"]}, {Name: "b", Geo: tt.geo["b"]}}}
			if got := keys(g.Geolocations()); !slices.Equal(got, tt.want) {
				t.Errorf("geolocations\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// Every CIS region code translates, and no two codes claim one location.
func TestCISAreasCoverEveryCode(t *testing.T) {
	seen := map[string]string{}
	for _, code := range topology.CISRegions() {
		a, ok := cisAreas[code]
		if !ok {
			t.Errorf("no Route 53 translation of %s", code)
			continue
		}
		if a.continent == "" && !slices.Contains(narrowOrder, code) {
			t.Errorf("%s is a country list missing from narrowOrder", code)
		}
		if a.within != "" && !slices.ContainsFunc(topology.CISRegions(), func(c string) bool { return cisAreas[c].continent == a.within }) {
			t.Errorf("%s lies in %s, which no code covers", code, a.within)
		}
		for _, l := range a.locations(code, nil) {
			if prev, dup := seen[l.Key()]; dup {
				t.Errorf("%s claimed by %s and %s", l.Key(), prev, code)
			}
			seen[l.Key()] = code
		}
	}
}

// Every location of the catalog has a latency region, an AWS region itself.
func TestNearestAWSCoversTheCatalog(t *testing.T) {
	for _, c := range []topology.Cloud{topology.IBM, topology.Hetzner, topology.OVH} {
		for _, r := range topology.RegionNames(c) {
			o := &Origin{Cloud: c, Region: r}
			aws := o.LatencyRegion()
			if aws == "" {
				t.Errorf("%s/%s has no latency region", c, r)
				continue
			}
			if !topology.KnownRegion(topology.AWS, aws) {
				t.Errorf("%s/%s → %s, not an AWS region", c, r, aws)
			}
		}
		if len(nearestAWS[c]) != len(topology.RegionNames(c)) {
			t.Errorf("%s: table has %d locations, the catalog %d", c, len(nearestAWS[c]), len(topology.RegionNames(c)))
		}
	}
	if got := (&Origin{Cloud: topology.AWS, Region: "eu-west-1"}).LatencyRegion(); got != "eu-west-1" {
		t.Errorf("an AWS origin's latency region is %s", got)
	}
}

func TestValidateRoute53(t *testing.T) {
	const regions = `name: t
clouds:
  aws:
    regions:
      - {region: eu-central-1, environment: prod}
      - {region: us-east-1, environment: prod}
  hetzner:
    regions:
      - {region: nbg1, environment: prod}
`
	glb := func(host, steering, pools string) string {
		return regions + fmt.Sprintf("network:\n  globalLoadBalancer:\n    hostname: %s\n    provider: route53\n    steering: %s\n    pools:\n%s    fallback: a\n", host, steering, pools)
	}
	tests := []struct {
		name, yaml string
		want       []string // "line:col message fragment"
	}{
		{
			name: "fine",
			yaml: glb("app.example.com", "dynamic_latency", "      - {name: a, members: [aws/eu-central-1]}\n      - {name: b, members: [aws/us-east-1]}\n"),
		},
		{
			name: "apex",
			yaml: glb("example.com", "off", "      - {name: a, members: [aws/eu-central-1]}\n"),
			want: []string{"12:15 route53 cannot steer example.com: it is a zone apex"},
		},
		{
			name: "two pools nearest one region",
			yaml: glb("app.example.com", "dynamic_latency", "      - {name: a, members: [aws/eu-central-1]}\n      - {name: b, members: [hetzner/nbg1, aws/us-east-1]}\n"),
			want: []string{"17:29 route53 latency steering: pools a and b are both nearest to eu-central-1"},
		},
		{
			// geo and off steering name no latency region
			name: "same region, geo",
			yaml: glb("app.example.com", "geo", "      - {name: a, members: [aws/eu-central-1], geo: [WEU]}\n      - {name: b, members: [hetzner/nbg1], geo: [EEU]}\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Validate(topologytest.Parse(t, tt.yaml))
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Col, d.Message))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("diagnostics %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("diagnostic %q, want %q", got[i], tt.want[i])
				}
			}
		})
	}
}

// Members resolve as spec.Lookup does: cloud/region when the region has one
// entry, cloud/region/environment always; ambiguous and unknown ones are
// left to topology's diagnostics.
func TestBuildGLBResolvesLikeLookup(t *testing.T) {
	spec := topologytest.Parse(t, `name: t
clouds:
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: us-east-1, environment: dev}
      - {region: eu-west-1, environment: prod}
network:
  globalLoadBalancer:
    hostname: a.example.com
    pools: [{name: a, members: [aws/eu-west-1, aws/us-east-1/dev, aws/eu-west-1/prod]}]
    fallback: a
`)
	g := BuildGLB(spec)
	var ids []string
	for _, m := range g.Pools[0].Members {
		ids = append(ids, m.ID)
		if want := spec.Lookup(string(m.Cloud) + "/" + m.Region); len(want) == 0 {
			t.Errorf("%s does not look up", m.ID)
		}
	}
	if want := []string{"aws-eu-west-1-prod", "aws-us-east-1-dev", "aws-eu-west-1-prod"}; !slices.Equal(ids, want) {
		t.Errorf("members %v, want %v", ids, want)
	}
	if len(g.Origins) != 2 {
		t.Errorf("%d distinct origins, want 2", len(g.Origins))
	}
}

// BenchmarkGLBAndTransit builds the load balancer and transit models of 200
// regions: one pool per region plus one of all of them, and every AWS
// region peered. Resolving pools is linear in members; transit reach is
// quadratic only in the VPCs a gateway domain joins, as its routes are.
func BenchmarkGLBAndTransit(b *testing.B) {
	spec := syntheticMesh(b, 200)
	all := &topology.Pool{Name: "all"}
	g := &topology.GlobalLoadBalancer{Hostname: "a.example.com", Provider: "ibm-cis", Steering: "geo", Fallback: "all"}
	for _, r := range spec.Regions() {
		g.Pools = append(g.Pools, &topology.Pool{Name: r.ID(), Members: []string{r.Ref()}, Geo: []string{"WEU"}})
		all.Members = append(all.Members, r.Ref())
	}
	g.Pools = append(g.Pools, all)
	spec.Network.GlobalLoadBalancer = g
	spec.Network.Transit = topology.Transit{AWS: &topology.AWSTransit{Peering: true}, IBM: &topology.IBMTransit{Routing: "global"}}
	b.ReportAllocs()
	for b.Loop() {
		m := BuildGLB(spec)
		if len(m.Origins) != 200 || len(m.Geolocations()) != 12 {
			b.Fatalf("%d origins, %d geolocations", len(m.Origins), len(m.Geolocations()))
		}
		BuildTransit(spec)
	}
}
