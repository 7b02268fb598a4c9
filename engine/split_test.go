package engine_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/engine"
	"infra/provider/sim"
	"infra/stacks"
	"infra/topology/topologytest"
)

// TestAWSFailureSkipsOnlyItsReaders: the AWS region of testdata/split.yaml
// fails; transit-aws, which reads it, is skipped; the IBM Transit Gateway,
// the mesh and the load balancer, which do not, deploy (review aws.md item
// 26: with one global stack all four were skipped).
func TestAWSFailureSkipsOnlyItsReaders(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/split.yaml")
	srv := startSim(t, sim.WithFail("aws-eu-central-1-prod-vpc"))
	r := open(t, spec, t.TempDir(), srv).Up(ctx)

	if got := r.With(engine.Failed); strings.Join(got, ",") != "aws-eu-central-1-prod" {
		t.Fatalf("failed stacks %v, want aws-eu-central-1-prod", got)
	}
	if s := r.Stack(stacks.TransitAWSName); s.Status != engine.Skipped || strings.Join(s.Blocked, ",") != "aws-eu-central-1-prod" {
		t.Errorf("%s: %s blocked by %v, want skipped after aws-eu-central-1-prod", s.Name, s.Status, s.Blocked)
	}
	for _, name := range []string{stacks.TransitIBMName, stacks.MeshName, stacks.GLBName} {
		s := r.Stack(name)
		if s == nil || s.Status != engine.Succeeded || s.Changes[engine.Create] == 0 {
			t.Errorf("%s: %+v, want deployed though the AWS region failed", name, s)
		}
	}
	// what they made is in the cloud
	for _, urn := range []string{"ibm-transit-gateway", "mesh-peers-hetzner-nbg1-prod", "ibm-cis-glb"} {
		if !inCloudNamed(srv, urn) {
			t.Errorf("no %s in the cloud", urn)
		}
	}
}

// inCloudNamed reports whether the simulated cloud holds an object whose
// logical name starts with prefix.
func inCloudNamed(srv *sim.Server, prefix string) bool {
	for _, o := range srv.Cloud().Objects() {
		if strings.HasPrefix(o.URN.Name(), prefix) {
			return true
		}
	}
	return false
}

// TestUpSplitsLegacyGlobal: a backend deployed before the split, with the
// transit gateways, mesh and load balancer in one global stack, is
// migrated by the next up: their resources move into transit-ibm,
// transit-aws, mesh and glb with the ids, outputs and secrets they had;
// nothing in the cloud is made, replaced or deleted; global is removed.
func TestUpSplitsLegacyGlobal(t *testing.T) {
	slow(t, "two deployments")
	d := deploy(t, "testdata/split.yaml")
	concerns := []string{stacks.TransitIBMName, stacks.TransitAWSName, stacks.MeshName, stacks.GLBName}
	e := d.open(t)
	psks := meshPSKs(t, e)

	legacyBackend(t, e, d.backend, concerns)
	before := map[resource.URN]resource.ID{}
	for _, o := range d.srv.Cloud().Objects() {
		before[o.URN] = o.ID
	}
	old := d.open(t)
	if !slices.Contains(old.Orphans(), stacks.LegacyGlobalName) {
		t.Fatalf("orphans %v, want the legacy global stack", old.Orphans())
	}
	held, _ := old.Deployed(stacks.LegacyGlobalName)

	// A reviewed plan cannot cover the move: refused, with what to run.
	if _, _, err := old.PreviewBundle(d.ctx); err == nil || !strings.Contains(err.Error(), "infra up --stack global") {
		t.Errorf("a plan bundle over the legacy global stack: %v", err)
	}
	// The preview says the up moves them.
	pv := old.Preview(d.ctx)
	mustSucceed(t, "preview", pv)
	if !hasDiag(pv.Stack(stacks.LegacyGlobalName), engine.RuleSplit, "up first moves") {
		t.Errorf("the preview does not say the up moves global's resources: %v", pv.Stack(stacks.LegacyGlobalName).Diagnostics)
	}

	up := d.open(t).Up(d.ctx)
	mustSucceed(t, "up after the split", up)
	moved := 0
	for _, name := range concerns {
		s := up.Stack(name)
		for _, c := range []engine.Change{engine.Create, engine.Delete, engine.Replace} {
			if s.Changes[c] != 0 {
				t.Errorf("%s: %d %s after the move, want none: %v", name, s.Changes[c], c, s.Steps)
			}
		}
		n, ok := d.open(t).Deployed(name)
		if !ok || n == 0 {
			t.Errorf("%s holds nothing after the up", name)
		}
		moved += n
	}
	if g := up.Stack(stacks.LegacyGlobalName); g == nil || !hasDiag(g, engine.RuleSplit, "moved") || g.Status != engine.Succeeded {
		t.Errorf("global: %+v, want its resources moved, then removed", g)
	}
	if moved < held {
		t.Errorf("the four stacks hold %d resources, global held %d", moved, held)
	}
	after := d.open(t)
	if slices.Contains(after.Orphans(), stacks.LegacyGlobalName) {
		t.Errorf("global is still in the backend")
	}
	// The cloud: nothing made again, nothing deleted. (The simulator keys
	// objects by URN; a moved resource updated in place would be adopted
	// under its new URN with the same id.)
	ids, was := map[resource.ID]bool{}, slices.Collect(maps.Values(before))
	for _, o := range d.srv.Cloud().Objects() {
		ids[o.ID] = true
		if id, ok := before[o.URN]; !ok && !slices.Contains(was, o.ID) || ok && id != o.ID {
			t.Errorf("%s (%s) is new in the cloud", o.URN, o.ID)
		}
	}
	for urn, id := range before {
		if !ids[id] {
			t.Errorf("%s (%s) is gone from the cloud", urn, id)
		}
	}
	// The pre-shared keys moved with their secrets.
	if got := meshPSKs(t, after); !slices.Equal(got, psks) || len(got) == 0 {
		t.Errorf("pre-shared keys changed in the move")
	}
	mustSucceed(t, "no-op up", after.Up(d.ctx))
}

// legacyBackend makes backend that of a deployment before the split: every
// resource of the concerns' stacks in one stack named global, and those
// stacks gone.
func legacyBackend(t *testing.T, e *engine.Engine, backend string, concerns []string) {
	t.Helper()
	cli := legacyCLI(t, e, "split", backend)
	cli("stack", "init", stacks.LegacyGlobalName)
	for _, name := range concerns {
		var doc struct {
			Deployment struct {
				Resources []struct{ URN, Type string }
			}
		}
		if err := json.Unmarshal(cli("stack", "export", "--stack", name), &doc); err != nil {
			t.Fatal(err)
		}
		args := []string{"state", "move", "--source", name, "--dest", stacks.LegacyGlobalName, "--yes"}
		for _, r := range doc.Deployment.Resources {
			if r.Type != "pulumi:pulumi:Stack" && !strings.HasPrefix(r.Type, "pulumi:providers:") {
				args = append(args, r.URN)
			}
		}
		cli(args...)
		cli("stack", "rm", "--yes", "--force", "--stack", name)
	}
}

// TestDestroyWithLegacyGlobal: a destroy of a backend that still has the
// legacy global stack deletes global's resources before the regions they
// live in, and leaves nothing in the cloud but what is retained on delete.
func TestDestroyWithLegacyGlobal(t *testing.T) {
	slow(t, "a deployment")
	d := deploy(t, "testdata/split.yaml")
	legacyBackend(t, d.open(t), d.backend,
		[]string{stacks.TransitIBMName, stacks.TransitAWSName, stacks.MeshName, stacks.GLBName})
	mustSucceed(t, "destroy", d.open(t).Destroy(d.ctx))
	// What is left is what the programs retain on delete (an account's
	// EBS encryption default), in regional stacks.
	for _, o := range d.srv.Cloud().Objects() {
		if o.URN.Stack().String() == stacks.LegacyGlobalName || !strings.Contains(string(o.URN), "ebs-encryption") {
			t.Errorf("left in the cloud: %s", o.URN)
		}
	}
}

func hasDiag(r *engine.StackResult, rule, text string) bool {
	if r == nil {
		return false
	}
	for _, d := range r.Diagnostics {
		if d.Rule == rule && strings.Contains(d.Message, text) {
			return true
		}
	}
	return false
}

// meshPSKs are the deployed pre-shared keys of the mesh, in pair order.
func meshPSKs(t *testing.T, e *engine.Engine) []string {
	t.Helper()
	var ids []string
	for _, gw := range e.Graph().Model.Mesh.Gateways {
		ids = append(ids, gw.ID)
	}
	k, err := e.MeshKeys(ids...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range e.Graph().Model.Mesh.Pairs() {
		out = append(out, k.PresharedKey(p.Name()))
	}
	return out
}

// legacyCLI runs the pulumi CLI on the test's backend, as an operator
// would, from one project directory (it keeps a new stack's settings).
func legacyCLI(t *testing.T, e *engine.Engine, project, backend string) func(args ...string) []byte {
	dir, home := t.TempDir(), t.TempDir()
	doc := "name: " + project + "\nruntime: go\nbackend:\n  url: file://" + backend + "\n"
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(e.CLI().Path, append([]string{"--non-interactive"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "PULUMI_CONFIG_PASSPHRASE=engine-test-passphrase", "PULUMI_BACKEND_URL=file://"+backend,
			"PULUMI_HOME="+home, "PULUMI_SKIP_UPDATE_CHECK=true")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pulumi %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
		}
		return out
	}
}
