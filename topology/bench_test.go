package topology

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// synthetic writes a valid topology with n entries in each of the four
// clouds: real region names reused with distinct environments, a distinct
// explicit /22 per entry, a mesh, a load-balancer pool per cloud referencing
// every entry, AWS accounts for every environment and the guardrails.
func synthetic(n int) []byte {
	var b strings.Builder
	width := len(fmt.Sprint(n))
	env := func(i int) string { return fmt.Sprintf("e%0*d", width, i+1) }
	b.WriteString("name: synthetic\ntags: {Owner: platform-team, CostCenter: cc-1}\nclouds:\n")
	pools := map[Cloud][]string{}
	k := 0
	for _, c := range AllClouds {
		fmt.Fprintf(&b, "  %s:\n    regions:\n", c)
		names := RegionNames(c)
		for i := range n {
			r := names[i%len(names)]
			// 10.0.0.0/8 holds 16384 /22s: entry k gets the k-th, from
			// 10.4.0.0 on, past OVH's pod and service networks (ClusterRanges).
			// AWS and Hetzner clusters name where infra reaches their API from.
			cluster := ""
			if c == AWS || c == Hetzner {
				cluster = ", cluster: {apiAccess: [203.0.113.0/24]}"
			}
			fmt.Fprintf(&b, "      - {region: %s, environment: %s, cidr: 10.%d.%d.0/22%s}\n", r, env(i), 4+k>>6, (k&63)<<2, cluster)
			pools[c] = append(pools[c], fmt.Sprintf("%s/%s/%s", c, r, env(i)))
			k++
		}
	}
	b.WriteString("network:\n  supernet: 10.0.0.0/8\n  transit: {ibm: {routing: global}, aws: {peering: true}}\n")
	b.WriteString("  mesh: {overlay: 100.64.0.0/16}\n")
	b.WriteString("  globalLoadBalancer:\n    hostname: app.example.com\n    pools:\n")
	geo := map[Cloud]string{IBM: "WNAM", AWS: "ENAM", Hetzner: "WEU", OVH: "EEU"}
	for _, c := range AllClouds {
		fmt.Fprintf(&b, "      - {name: %s, geo: [%s], members: [%s]}\n", c, geo[c], strings.Join(pools[c], ", "))
	}
	b.WriteString("    fallback: aws\nlandingZone:\n  aws:\n    accounts: [security")
	for i := range n {
		b.WriteString(", " + env(i))
	}
	b.WriteString("]\n  guardrails:\n    - deny-root-account\n    - require-tags: [Environment, Owner, CostCenter]\n    - allowed-regions:\n")
	for _, c := range AllClouds {
		fmt.Fprintf(&b, "        %s: [%s]\n", c, strings.Join(RegionNames(c), ", "))
	}
	return []byte(b.String())
}

func TestSyntheticIsValid(t *testing.T) {
	for _, n := range []int{2, 40} {
		s, ds, err := Parse("synthetic.yaml", synthetic(n))
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(ds) != 0 || len(s.Regions()) != 4*n {
			t.Fatalf("n=%d: %d regions, diagnostics:\n%s", n, len(s.Regions()), dump(ds))
		}
	}
}

// BenchmarkLoad measures Load (read, decode, defaults, validation) at 4×250
// region entries and at ten times that; validation must scale near-linearly.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{250, 2500} {
		b.Run(fmt.Sprintf("4x%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "topology.yaml")
			data := synthetic(n)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			if _, ds, err := Load(path); err != nil || len(ds) != 0 {
				b.Fatalf("synthetic spec is invalid: %v", err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, _, err := Load(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(4*n), "ns/region")
			// CPU time (GC included) is what scales with the work; wall time also counts waiting for a core.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
