package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"infra/stacks"
	"infra/topology"
)

// synthetic is a topology of perCloud region entries in each of the four
// clouds. It prefers regions with three zones (every AWS and IBM region, the
// OVH 3-AZ regions; a Hetzner location is one zone) and repeats regions under
// further environments when a cloud has fewer regions than asked.
func synthetic(tb testing.TB, perCloud int) *stacks.Graph {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name: synthetic\ntags: {Owner: bench, CostCenter: cc-0}\nclouds:\n")
	for _, c := range topology.AllClouds {
		names := topology.RegionNames(c)
		slices.SortStableFunc(names, func(x, y string) int {
			return min(3, len(topology.ZonesOf(c, y))) - min(3, len(topology.ZonesOf(c, x)))
		})
		fmt.Fprintf(&b, "  %s:\n    regions:\n", c)
		for i := 0; i < perCloud; i++ {
			fmt.Fprintf(&b, "      - {region: %s, environment: env%d}\n", names[i%len(names)], i/len(names))
		}
	}
	spec, _, err := topology.Parse("synthetic.yaml", []byte(b.String()))
	if err != nil {
		tb.Fatalf("%v\n%s", err, b.String())
	}
	g, err := stacks.Build(spec)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func benchPlan(b *testing.B, g *stacks.Graph) { benchPlanRules(b, g, false) }

// benchPlanRules measures a plan, with or without the providers' rules.
func benchPlanRules(b *testing.B, g *stacks.Graph, withRules bool) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		p, err := Generate(context.Background(), g)
		if err != nil {
			b.Fatal(err)
		}
		if withRules {
			_ = p.Check()
		}
		n = len(p.Resources())
	}
	b.ReportMetric(float64(n), "resources/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
}

// go test ./plan -run '^$' -bench Plan -benchtime 5x
func BenchmarkPlanMulticloud(b *testing.B) {
	benchPlan(b, load(b, "../examples/multicloud.yaml"))
}

// The plan-time cost of the providers' rules: the multicloud plan with and
// without them, and the rules alone over its resources.
// go test ./plan -run '^$' -bench 'PlanMulticloudRules|RulesMulticloud' -benchtime 20x
func BenchmarkPlanMulticloudRules(b *testing.B) {
	g := load(b, "../examples/multicloud.yaml")
	b.Run("without", func(b *testing.B) { benchPlanRules(b, g, false) })
	b.Run("with", func(b *testing.B) { benchPlanRules(b, g, true) })
}

func BenchmarkRulesMulticloud(b *testing.B) {
	p, err := Generate(context.Background(), load(b, "../examples/multicloud.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Check()
	}
	b.ReportMetric(float64(len(p.Resources())), "resources/op")
}

// BenchmarkPlanSynthetic is 4 clouds × N regions × up to 3 zones, N from 1
// to 10, to show how plan time grows with the topology.
func BenchmarkPlanSynthetic(b *testing.B) {
	for _, n := range []int{1, 2, 5, 10} {
		b.Run(fmt.Sprintf("regions=4x%d", n), func(b *testing.B) {
			benchPlan(b, synthetic(b, n))
		})
	}
}

// The synthetic topology must itself be valid and spread as intended, or
// the benchmark measures the wrong thing.
func TestSyntheticTopology(t *testing.T) {
	g := synthetic(t, 10)
	if got := len(g.Stacks); got != 42 {
		t.Fatalf("%d stacks, want 40 regional + 2 landing zones (IBM, OVH), and no cross-region one (the topology has no mesh, transit or load balancer)", got)
	}
	for _, s := range g.Stacks {
		if s.Kind == stacks.Regional && (s.Cloud == topology.AWS || s.Cloud == topology.IBM) {
			if z := len(g.Net.Region(s.Name).Zones); z != 3 {
				t.Errorf("%s has %d zones, want 3", s.Name, z)
			}
		}
	}
}
