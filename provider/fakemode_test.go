//go:build fakeibm

package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"infra/provider"
	"infra/provider/ibm/fakeibm"
	"infra/provider/sim"
	"infra/provider/sim/simtest"
	"infra/stacks"
	"infra/topology/topologytest"
)

// TestFakeIBMEngine deploys the multicloud example's IBM landing zone and
// regional stacks with the real engine, the real IBM provider code and the
// fake IBM API (the fake-IBM mode of a simulated run): preview, up, a no-op
// up, a refresh that sees a subnet deleted behind infra's back, and destroy.
func TestFakeIBMEngine(t *testing.T) {
	// multicloud is in us-south, ipam in eu-de: the fake derives a
	// cluster's region, CRN and endpoints from its VPC, so both must deploy.
	for _, c := range []struct{ example, region string }{{"multicloud", "us-south"}, {"ipam", "eu-de"}} {
		t.Run(c.example, func(t *testing.T) { fakeIBMEngine(t, c.example, c.region) })
	}
}

func fakeIBMEngine(t *testing.T, example, ibmRegion string) {
	cmd := simtest.PulumiCommand(t)
	spec := topologytest.Load(t, filepath.Join(simtest.RepoRoot(t), "examples", example+".yaml"))
	g, err := stacks.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	fake, err := provider.StartFakeIBM(srv.DebugProviders())
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	env := srv.Env()
	env["PULUMI_DEBUG_PROVIDERS"] = fake.DebugProviders()
	env["PULUMI_CONFIG_PASSPHRASE"] = "fake-ibm-test"
	if !strings.Contains(env["PULUMI_DEBUG_PROVIDERS"], "aws:") || strings.Count(env["PULUMI_DEBUG_PROVIDERS"], "infra:") != 1 {
		t.Fatalf("PULUMI_DEBUG_PROVIDERS = %s", env["PULUMI_DEBUG_PROVIDERS"])
	}

	dir := t.TempDir()
	backend := filepath.Join(dir, "state")
	if err := os.Mkdir(backend, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	newStack := func(s *stacks.Stack, up stacks.Upstream) auto.Stack {
		work := filepath.Join(dir, "work-"+s.Name)
		if err := os.Mkdir(work, 0o755); err != nil {
			t.Fatal(err)
		}
		st, err := auto.UpsertStackInlineSource(ctx, s.Name, spec.Name, s.Program(up),
			auto.Pulumi(cmd), auto.PulumiHome(filepath.Join(dir, "home")), auto.WorkDir(work), auto.EnvVars(env),
			auto.SecretsProvider("passphrase"),
			auto.Project(workspace.Project{Name: tokens.PackageName("infra-" + spec.Name), Runtime: workspace.NewProjectRuntimeInfo("go", nil),
				Backend: &workspace.ProjectBackend{URL: "file://" + backend}}))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	outputs := map[string]stacks.Outputs{}
	var deployed []auto.Stack
	regionalName := "ibm-" + ibmRegion + "-prod"
	for _, name := range []string{"landingzone-ibm", regionalName} {
		s := g.Stack(name)
		if s == nil {
			t.Fatalf("the %s example has no stack %s (stacks: %v)", example, name, g.Names())
		}
		st := newStack(s, g.Upstream(s, outputs))
		if _, err := st.Preview(ctx, optpreview.Diff()); err != nil {
			t.Fatalf("%s: preview: %v", name, err)
		}
		res, err := st.Up(ctx)
		if err != nil {
			t.Fatalf("%s: up: %v", name, err)
		}
		out := stacks.Outputs{}
		for k, v := range res.Outputs {
			out[k] = stacks.Value{Value: v.Value, Secret: v.Secret}
		}
		outputs[name] = out
		deployed = append(deployed, st)
	}
	for kind, want := range map[string]int{"vpc": 1, "cluster": 1, "subnet": 3, "resource_group": 2, "kms_key": 1, "load_balancer": 1} {
		if n := fake.Cloud.Count(kind); n != want {
			t.Errorf("after up: %d %s in the fake IBM Cloud, want %d", n, kind, want)
		}
	}
	if v := outputs[regionalName]["vpcCrn"]; !strings.HasPrefix(v.Value.(string), "crn:v1:bluemix:public:is:"+ibmRegion+":") {
		t.Errorf("vpcCrn output = %v", v.Value)
	}
	for _, id := range fake.Cloud.IDs("cluster") {
		if b, _ := fake.Cloud.Get("cluster", id); b["region"] != ibmRegion || !strings.Contains(b["crn"].(string), ":"+ibmRegion+":") {
			t.Errorf("cluster %s: region %v, crn %v, want %s", id, b["region"], b["crn"], ibmRegion)
		}
	}
	// The regional stack acts as the environment's deployer service ID,
	// with the key the landing zone made, not as the environment's admin
	// key (ibm.md item 3).
	for _, kind := range []string{"vpc", "subnet", "cluster"} {
		for _, id := range fake.Cloud.IDs(kind) {
			if by := fake.Cloud.Creator(kind, id); !strings.HasPrefix(by, "iam-ServiceId-") || by == fakeibm.AdminIAMID {
				t.Errorf("%s %s made by %q, want the deployer service ID", kind, id, by)
			}
		}
	}
	for _, k := range []string{"clusterEndpoint", "ingressAddress"} {
		if v, ok := outputs[regionalName][k]; ok && strings.Contains(v.Value.(string), "us-south") != (ibmRegion == "us-south") {
			t.Errorf("output %s = %v, want it in %s", k, v.Value, ibmRegion)
		}
	}

	regional := deployed[1]
	res, err := regional.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := *res.Summary.ResourceChanges; c["create"]+c["update"]+c["delete"]+c["replace"] != 0 {
		t.Errorf("a second up changed %v", c)
	}

	subnets := fake.Cloud.IDs("subnet")
	fake.Cloud.Remove("subnet", subnets[0])
	ref, err := regional.Refresh(ctx, optrefresh.ExpectNoChanges())
	if err == nil {
		t.Errorf("refresh after a subnet was deleted outside infra saw no change: %v", *ref.Summary.ResourceChanges)
	}

	for i := len(deployed) - 1; i >= 0; i-- {
		if _, err := deployed[i].Destroy(ctx, optdestroy.ContinueOnError()); err != nil {
			t.Fatalf("destroy: %v", err)
		}
	}
	for _, kind := range []string{"vpc", "cluster", "subnet", "kms_key", "policy", "access_group"} {
		if n := fake.Cloud.Count(kind); n != 0 {
			t.Errorf("after destroy: %d %s left", n, kind)
		}
	}
}
