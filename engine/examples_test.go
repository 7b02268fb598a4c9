package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"infra/engine"
	"infra/plan"
	"infra/provider/sim"
	"infra/rules"
	"infra/topology/topologytest"
)

// fourClouds is a synthetic topology with one small region on each cloud.
const fourClouds = `name: four-clouds
clouds:
  ibm:
    regions:
      - {region: eu-de, environment: prod, zones: [eu-de-1, eu-de-2], cidr: 10.240.0.0/16}
  aws:
    regions:
      - {region: eu-central-1, environment: prod, zones: [eu-central-1a, eu-central-1b], cidr: 10.10.0.0/16}
  hetzner:
    regions:
      - {region: nbg1, environment: prod, cidr: 10.20.0.0/16, cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}}
  ovh:
    regions:
      - {region: GRA11, environment: prod, cidr: 10.30.0.0/16, cluster: {flavor: b3-8, nodes: 3}}
network:
  supernet: 10.0.0.0/8
  mesh: {overlay: 10.100.0.0/24}
`

func writeSpec(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "four-clouds.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEveryExampleDeploys previews and ups every example, and a synthetic
// topology on all four clouds, on the simulator. The offline plan and the
// simulator share one model of what the clouds compute and one set of
// provider rules, so they must agree: a topology whose plan keeps the
// rules deploys exactly the planned resources, with the planned outputs;
// one whose plan breaks a rule fails its preview at exactly those
// resources, as a real preview would.
func TestEveryExampleDeploys(t *testing.T) {
	slow(t, "deploys every example")
	pulumiCLI(t)
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	files = append(files, writeSpec(t, fourClouds))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { deployExample(t, f) })
	}
}

func deployExample(t *testing.T, file string) {
	ctx := context.Background()
	t.Setenv("OVH_CLOUD_PROJECT_SERVICE", "") // the plan and the deployment read the same project
	spec := topologytest.Load(t, file)
	var opts []sim.Option
	// An example that adopts what an account has comes with the seed of
	// that account.
	seed := filepath.Join(filepath.Dir(file), "seeds", filepath.Base(file))
	adopts := fileExists(seed)
	if adopts {
		seeds, err := sim.LoadSeeds(seed)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, sim.WithSeeds(seeds...))
	}
	srv := startSim(t, opts...)
	e := open(t, spec, t.TempDir(), srv)
	p, err := plan.Generate(ctx, e.Graph())
	if err != nil {
		t.Fatal(err)
	}
	broken := map[string]bool{} // stack/resource the rules reject
	for _, f := range p.Check() {
		if f.Severity == rules.Error && f.Rule != rules.RuleCloudLimit {
			broken[f.Stack+"/"+f.Resource] = true
		}
	}

	brokenStacks := map[string]bool{}
	for k := range broken {
		brokenStacks[strings.SplitN(k, "/", 2)[0]] = true
	}

	pre := e.Preview(ctx)
	if len(broken) > 0 {
		// The simulator's Check rejects what the plan's rules reject. A
		// preview stops a stack at its first failure, so it names some of
		// them, and nothing else.
		failed := map[string]bool{}
		for _, s := range pre.Stacks {
			for _, d := range s.Diagnostics {
				if d.Severity == "error" && d.URN != "" {
					failed[s.Name+"/"+urnName(d.URN)] = true
				}
			}
			if brokenStacks[s.Name] != (s.Status == engine.Failed) {
				t.Errorf("preview of %s: %s; the plan's rules reject %v of its resources", s.Name, s.Status, brokenStacks[s.Name])
			}
		}
		if len(failed) == 0 {
			t.Fatalf("the plan breaks the providers' rules at %v, but the simulated preview failed nowhere", keys(broken))
		}
		for k := range failed {
			if !broken[k] {
				t.Errorf("the simulated preview failed at %s, which the plan's rules accept", k)
			}
		}
		t.Logf("%s breaks the providers' rules at %d resources; the simulated preview refuses %v", filepath.Base(file), len(broken), keys(failed))
	} else {
		mustSucceed(t, "preview", pre)
		for _, s := range pre.Stacks {
			// What an example adopts previews as imports, which the
			// simulator counts as updates.
			got := s.Changes[engine.Create]
			if adopts {
				got += s.Changes[engine.Update]
			}
			if want := len(p.Stack(s.Name).Resources); got != want {
				t.Errorf("preview of %s: %v, want %d to create (as planned)", s.Name, s.Changes, want)
			}
		}
	}

	// Up: every stack the rules accept deploys (those downstream of a
	// broken one aside), the broken ones fail.
	up := e.Up(ctx)
	if len(broken) == 0 {
		mustSucceed(t, "up", up)
	}
	deployed, compared := 0, 0
	for _, s := range up.Stacks {
		switch {
		case brokenStacks[s.Name]:
			if s.Status != engine.Failed {
				t.Errorf("up of %s: %s, want failed (the rules reject it)", s.Name, s.Status)
			}
			continue
		case s.Status == engine.Skipped:
			continue
		case s.Status != engine.Succeeded:
			t.Errorf("up of %s: %s (%v)", s.Name, s.Status, s.Err)
			continue
		}
		deployed++
		// One count: what the engine says a deployed stack holds (the
		// destroy question) is what the plan and the up counted.
		if n, _ := e.Deployed(s.Name); n != len(p.Stack(s.Name).Resources) || n != s.Changes[engine.Create]+s.Changes[engine.Update] {
			t.Errorf("%s: %d resources deployed, %d planned, %v in the up", s.Name, n, len(p.Stack(s.Name).Resources), s.Changes)
		}
		// One model: what the plan predicted is what the simulated clouds
		// made, output for output (secrets and the plan's key stand-ins
		// aside, alone or in a map of an AWS region's per-zone gateways).
		for k, want := range p.Stack(s.Name).Outputs {
			if want == plan.Redacted || want == plan.Unknown || strings.Contains(fmt.Sprint(want), "plan-public-key-") {
				continue
			}
			got, ok := s.Outputs[k]
			if !ok {
				t.Errorf("%s: output %s planned, not deployed", s.Name, k)
				continue
			}
			if g, w := asJSON(got.Value), asJSON(want); g != w && adopts && importDerived[k] {
				// The plan's mocks give an imported resource an ID of
				// their own, not the import ID (plan/mocks.go).
				t.Logf("%s: output %s is %s deployed (imported), %s planned", s.Name, k, g, w)
			} else if g != w {
				t.Errorf("%s: output %s is %s deployed, %s planned", s.Name, k, g, w)
			}
			compared++
		}
	}
	t.Logf("%s: %d of %d stacks deployed, %d outputs as planned", filepath.Base(file), deployed, len(up.Stacks), compared)
}

// TestForceNewPreviewsAsReplacement: on the simulator, a topology edit that
// changes a force-new input previews as a replacement naming that input,
// where a real preview would, and anything else as an update.
func TestForceNewPreviewsAsReplacement(t *testing.T) {
	slow(t, "deploys a topology")
	t.Setenv("OVH_CLOUD_PROJECT_SERVICE", "")
	d := deploy(t, writeSpec(t, fourClouds))

	edited := strings.NewReplacer(
		"flavor: b3-8", "flavor: b3-16", // OVH node pool flavorName
		"cidr: 10.20.0.0/16", "cidr: 172.20.0.0/16", // Hetzner network ipRange: another private block
		"cidr: 10.10.0.0/16", "cidr: 10.12.0.0/16", // AWS VPC cidrBlock
	).Replace(fourClouds)
	// Moving the Hetzner region to another private block changes its
	// network's range, and the mesh stack then refuses the topology (the
	// overlay is no longer routable there): read the regional stacks.
	pre := open(t, topologytest.Load(t, writeSpec(t, edited)), d.backend, d.srv).Preview(d.ctx)
	replaced := map[string][]string{}
	for _, name := range []string{"aws-eu-central-1-prod", "hetzner-nbg1-prod", "ovh-gra11-prod"} {
		s := pre.Stack(name)
		if s == nil || s.Status != engine.Succeeded {
			t.Fatalf("preview of %s: %+v", name, s)
		}
		for _, st := range s.StepsOf(engine.Replace) {
			replaced[st.Type] = append(replaced[st.Type], strings.Join(st.Replaces, ","))
		}
	}
	for typ, prop := range map[string]string{
		"ovh:CloudProject/kubeNodePool:KubeNodePool": "flavorName",
		"hcloud:index/network:Network":               "ipRange",
		"aws:ec2/vpc:Vpc":                            "cidrBlock",
		"aws:ec2/subnet:Subnet":                      "cidrBlock",
	} {
		found := false
		for _, r := range replaced[typ] {
			found = found || strings.Contains(","+r+",", ","+prop+",")
		}
		if !found {
			t.Errorf("%s: replacements %v, want one naming %s", typ, replaced[typ], prop)
		}
	}
	// The EKS cluster's subnets change with the VPC, but the provider
	// updates them in place (vpcConfig.subnetIds is not force-new in the
	// rules): the cluster updates.
	if r := replaced["aws:eks/cluster:Cluster"]; len(r) != 0 {
		t.Errorf("the EKS cluster is replaced (%v); its subnets update in place", r)
	}
	t.Logf("replacements: %v", replaced)
}

func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

func keys(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// importDerived are the outputs that carry the IDs of adopted resources.
var importDerived = map[string]bool{"organizationId": true, "organizationArn": true, "rootId": true, "deployRoleArns": true, "deployRoleArn": true, "trailBucket": true}
