package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"infra/plan/plantest"
	"infra/policies"
	"infra/topology"
	"infra/topology/topologytest"
	"infra/ui"
)

// syntheticGuardrails writes a topology of perCloud region entries on each
// of the four clouds (three-zone regions first, regions repeated under new
// environments when a cloud has fewer), an AWS landing zone and all six
// guardrails, with allowed-regions listing exactly the regions used.
func syntheticGuardrails(tb testing.TB, perCloud int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name: synthetic\ntags: {Owner: bench, CostCenter: cc-0}\nclouds:\n")
	allowed := map[topology.Cloud][]string{}
	envs := map[string]bool{}
	for _, c := range topology.AllClouds {
		names := topology.RegionNames(c)
		slices.SortStableFunc(names, func(x, y string) int {
			return min(3, len(topology.ZonesOf(c, y))) - min(3, len(topology.ZonesOf(c, x)))
		})
		fmt.Fprintf(&b, "  %s:\n", c)
		if c == topology.IBM {
			b.WriteString("    deployFrom: [198.51.100.0/24]\n")
		}
		b.WriteString("    regions:\n")
		for i := range perCloud {
			name, env := names[i%len(names)], fmt.Sprintf("env%d", i/len(names))
			fmt.Fprintf(&b, "      - {region: %s, environment: %s}\n", name, env)
			if !slices.Contains(allowed[c], name) {
				allowed[c] = append(allowed[c], name)
			}
			if c == topology.AWS {
				envs[env] = true
			}
		}
	}
	accounts := []string{"security", "log-archive", "shared-services"}
	for e := range envs {
		accounts = append(accounts, e)
	}
	slices.Sort(accounts[3:])
	fmt.Fprintf(&b, "landingZone:\n  aws: {accounts: [%s]}\n  guardrails:\n", strings.Join(accounts, ", "))
	b.WriteString("    - deny-root-account\n    - require-encryption\n    - deny-public-buckets\n    - protect-security-services\n")
	b.WriteString("    - require-tags: [Environment, Owner, CostCenter]\n    - allowed-regions:\n")
	for _, c := range topology.AllClouds {
		fmt.Fprintf(&b, "        %s: [%s]\n", c, strings.Join(allowed[c], ", "))
	}
	return b.String()
}

// The synthetic topology is valid, spread as intended, and keeps every
// guardrail, or the benchmark measures the wrong thing.
func TestSyntheticGuardrailsTopology(t *testing.T) {
	f := writeFile(t, "synthetic.yaml", syntheticGuardrails(t, 10))
	r := run(t, false, nil, "guardrails", "check", "-f", f)
	if r.code != ExitOK || !strings.Contains(r.out, "Guardrails synthetic: 6 guardrails over ") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	spec := topologytest.Load(t, f)
	if n := len(spec.Regions()); n != 40 {
		t.Errorf("%d regions, want 40", n)
	}
}

// BenchmarkGuardrailsCheck is `infra guardrails check` in-process on the
// synthetic 4 clouds × N regions topology: load, graph, offline plan of every
// stack, every check, the SCPs and the rendering.
//
//	go test ./cmd -run '^$' -bench GuardrailsCheck -benchtime 5x
func BenchmarkGuardrailsCheck(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("regions=4x%d", n), func(b *testing.B) {
			f := writeFileB(b, syntheticGuardrails(b, n))
			for b.Loop() {
				var out, errb bytes.Buffer
				fac := &Factory{IO: &ui.IO{Out: &out, Err: &errb}, Getenv: func(string) string { return "" }, Now: time.Now}
				if code := Run(context.Background(), fac, []string{"guardrails", "check", "-f", f}); code != ExitOK {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
		})
	}
}

// BenchmarkCheck is the plan-time checks alone on the records of the
// synthetic 4 × 10 plan.
func BenchmarkCheck(b *testing.B) {
	spec, _, err := topology.Load(writeFileB(b, syntheticGuardrails(b, 10)))
	if err != nil {
		b.Fatal(err)
	}
	_, p := plantest.Generate(b, spec)
	rs := p.PolicyResources()
	for b.Loop() {
		if rep := policies.Check(spec, rs); rep.Failed() {
			b.Fatal(rep.Diagnostics)
		}
	}
	b.ReportMetric(float64(len(rs)), "resources/op")
}

func writeFileB(b *testing.B, content string) string {
	b.Helper()
	p := b.TempDir() + "/synthetic.yaml"
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}
