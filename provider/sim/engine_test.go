package sim_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-hcloud/sdk/go/hcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/provider/sim"
	"infra/provider/sim/simtest"
)

// psk is the secret input; it must never reach the state file in plaintext.
const psk = "sim-psk-4f1c9a-plaintext"

// program declares one typed aws resource and two hcloud resources, reads a
// data source, and exports their outputs.
func program(ctx *pulumi.Context) error {
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{})
	if err != nil {
		return err
	}
	vpc, err := ec2.NewVpc(ctx, "main", &ec2.VpcArgs{
		CidrBlock: pulumi.String("10.20.0.0/16"),
		Tags:      pulumi.StringMap{"Name": pulumi.String("main")},
	})
	if err != nil {
		return err
	}
	network, err := hcloud.NewNetwork(ctx, "mesh", &hcloud.NetworkArgs{
		// Hetzner names are unique per project: one per stack, as the
		// stacks of TestEngineConcurrentStacks share one simulated project.
		Name:    pulumi.String("mesh-" + ctx.Stack()),
		IpRange: pulumi.String("10.30.0.0/16"),
		Labels:  pulumi.StringMap{"psk": pulumi.ToSecret(pulumi.String(psk)).(pulumi.StringOutput)},
	})
	if err != nil {
		return err
	}
	ip, err := hcloud.NewPrimaryIp(ctx, "gw", &hcloud.PrimaryIpArgs{
		Type:         pulumi.String("ipv4"),
		AssigneeType: pulumi.String("server"),
		Location:     pulumi.String("fsn1"),
		AutoDelete:   pulumi.Bool(false),
	})
	if err != nil {
		return err
	}
	ctx.Export("zone", pulumi.String(zones.Names[0]))
	ctx.Export("vpcId", vpc.ID())
	ctx.Export("vpcArn", vpc.Arn)
	ctx.Export("networkId", network.ID())
	ctx.Export("labels", network.Labels)
	ctx.Export("gatewayIp", ip.IpAddress)
	return nil
}

// newStack makes a stack of program on a file backend in a temporary
// directory, attached to the providers of srv.
func newStack(t *testing.T, srv *sim.Server, name string) (auto.Stack, string) {
	t.Helper()
	return newProgramStack(t, srv, name, program)
}

// newProgramStack is newStack with another program.
func newProgramStack(t *testing.T, srv *sim.Server, name string, program pulumi.RunFunc) (auto.Stack, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	backend, work := filepath.Join(dir, "state"), filepath.Join(dir, "work")
	for _, d := range []string{backend, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := srv.Env()
	env["PULUMI_CONFIG_PASSPHRASE"] = "sim-test-passphrase"
	stack, err := auto.UpsertStackInlineSource(ctx, name, "simtest", program,
		auto.Pulumi(simtest.PulumiCommand(t)),
		auto.PulumiHome(filepath.Join(dir, "home")),
		// An explicit work dir keeps the inline workspace out of TMPDIR,
		// where it would leave a pulumi_auto* directory behind.
		auto.WorkDir(work),
		auto.EnvVars(env),
		auto.SecretsProvider("passphrase"),
		auto.Project(workspace.Project{
			Name:    "simtest",
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + backend},
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := stack.SetConfig(ctx, "aws:region", auto.ConfigValue{Value: "eu-central-1"}); err != nil {
		t.Fatal(err)
	}
	return stack, backend
}

// timed runs op and logs how long it took: figures, never assertions.
func timed[T any](t *testing.T, name string, op func() (T, error)) T {
	t.Helper()
	start := time.Now()
	res, err := op()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("%s took %v", name, time.Since(start).Round(time.Millisecond))
	return res
}

// changes reads an update summary; "same" is dropped so maps compare on
// what changed.
func changes(s auto.UpdateSummary) map[string]int {
	out := map[string]int{}
	if s.ResourceChanges != nil {
		for op, n := range *s.ResourceChanges {
			if op != "same" {
				out[op] = n
			}
		}
	}
	return out
}

func wantChanges(t *testing.T, step string, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: changes %v, want %v", step, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: changes %v, want %v", step, got, want)
			return
		}
	}
}

func TestEngineLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	stack, backend := newStack(t, srv, "dev")

	pre := timed(t, "preview", func() (auto.PreviewResult, error) { return stack.Preview(ctx, optpreview.Diff()) })
	if got := pre.ChangeSummary[apitype.OpCreate]; got != 4 { // 3 resources and the stack
		t.Errorf("preview creates %d, want 4: %v", got, pre.ChangeSummary)
	}
	if n := len(srv.Cloud().Objects()); n != 0 {
		t.Fatalf("preview changed the simulated cloud: %d objects", n)
	}

	up := timed(t, "up", func() (auto.UpResult, error) { return stack.Up(ctx) })
	wantChanges(t, "up", changes(up.Summary), map[string]int{"create": 4})
	if got := up.Outputs["zone"].Value; got != "eu-central-1a" {
		t.Errorf("zone = %v, want eu-central-1a", got)
	}
	if id, _ := up.Outputs["vpcId"].Value.(string); !strings.HasPrefix(id, "vpc-") {
		t.Errorf("vpcId = %q", id)
	}
	if arn, _ := up.Outputs["vpcArn"].Value.(string); !strings.HasPrefix(arn, "arn:aws:ec2:eu-central-1:123456789012:vpc/vpc-") {
		t.Errorf("vpcArn = %q", arn)
	}
	if ip, _ := up.Outputs["gatewayIp"].Value.(string); !isDocumentationIP(ip) {
		t.Errorf("gatewayIp = %q, want a documentation address", ip)
	}
	if !up.Outputs["labels"].Secret {
		t.Errorf("labels output is not secret")
	}
	if n := len(srv.Cloud().Objects()); n != 3 {
		t.Errorf("cloud holds %d objects after up, want 3", n)
	}
	assertEncrypted(t, backend)

	again := timed(t, "no-op up", func() (auto.UpResult, error) { return stack.Up(ctx, optup.ExpectNoChanges()) })
	wantChanges(t, "no-op up", changes(again.Summary), map[string]int{})
	if again.Outputs["vpcArn"].Value != up.Outputs["vpcArn"].Value {
		t.Errorf("outputs changed on a no-op up: %v then %v", up.Outputs["vpcArn"], again.Outputs["vpcArn"])
	}

	ref := timed(t, "refresh", func() (auto.RefreshResult, error) { return stack.Refresh(ctx, optrefresh.ExpectNoChanges()) })
	wantChanges(t, "refresh", changes(ref.Summary), map[string]int{})

	// Drift: someone edits the VPC's tags in the console.
	vpc := findObject(t, srv.Cloud(), "aws:ec2/vpc:Vpc")
	drifted := resource.NewObjectProperty(resource.PropertyMap{"Name": resource.NewStringProperty("hand-edited")})
	if err := srv.Cloud().Drift(vpc.URN, "tags", drifted); err != nil {
		t.Fatal(err)
	}
	ref = timed(t, "refresh with drift", func() (auto.RefreshResult, error) { return stack.Refresh(ctx) })
	wantChanges(t, "refresh with drift", changes(ref.Summary), map[string]int{"update": 1})
	fix := timed(t, "up after drift", func() (auto.UpResult, error) { return stack.Up(ctx) })
	wantChanges(t, "up after drift", changes(fix.Summary), map[string]int{"update": 1})
	if got, _ := srv.Cloud().Lookup(vpc.URN); got.Inputs["tags"].ObjectValue()["Name"].StringValue() != "main" {
		t.Errorf("up did not restore the tags: %v", got.Inputs["tags"])
	}

	// Out-of-band deletion: the network disappears.
	network := findObject(t, srv.Cloud(), "hcloud:index/network:Network")
	srv.Cloud().Remove(network.URN)
	ref = timed(t, "refresh after deletion", func() (auto.RefreshResult, error) { return stack.Refresh(ctx) })
	wantChanges(t, "refresh after deletion", changes(ref.Summary), map[string]int{"delete": 1})
	recreate := timed(t, "up after deletion", func() (auto.UpResult, error) { return stack.Up(ctx) })
	wantChanges(t, "up after deletion", changes(recreate.Summary), map[string]int{"create": 1})
	assertEncrypted(t, backend)

	destroy := timed(t, "destroy", func() (auto.DestroyResult, error) { return stack.Destroy(ctx) })
	wantChanges(t, "destroy", changes(destroy.Summary), map[string]int{"delete": 4})
	if n := len(srv.Cloud().Objects()); n != 0 {
		t.Errorf("cloud holds %d objects after destroy", n)
	}
}

func TestEngineFaultInjection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	faulty, err := sim.Start(sim.WithFail("main"))
	if err != nil {
		t.Fatal(err)
	}
	defer faulty.Close()
	stack, _ := newStack(t, faulty, "dev")

	start := time.Now()
	_, err = stack.Up(ctx)
	t.Logf("failed up took %v", time.Since(start).Round(time.Millisecond))
	if err == nil {
		t.Fatal("up succeeded despite the injected failure")
	}
	if !strings.Contains(err.Error(), "injected failure") || !strings.Contains(err.Error(), `"main"`) {
		t.Errorf("error does not name the failed resource:\n%v", err)
	}
	// Which siblings finished before the failure varies: record them, but
	// assert only that the failed one is missing.
	before := map[resource.URN]resource.ID{}
	for _, o := range faulty.Cloud().Objects() {
		if o.URN.Name() == "main" {
			t.Errorf("the failing resource %s exists", o.URN)
		}
		before[o.URN] = o.ID
	}

	// The fault is gone: a rerun on the same world creates only the rest.
	healthy, err := sim.Start(sim.WithCloud(faulty.Cloud()))
	if err != nil {
		t.Fatal(err)
	}
	defer healthy.Close()
	env := healthy.Env()
	env["PULUMI_CONFIG_PASSPHRASE"] = "sim-test-passphrase"
	if err := stack.Workspace().SetEnvVars(env); err != nil {
		t.Fatal(err)
	}
	up := timed(t, "rerun up", func() (auto.UpResult, error) { return stack.Up(ctx) })
	if got := changes(up.Summary)["create"]; got != 3-len(before) && got != 4-len(before) {
		// The stack resource itself was created by the failed run or not.
		t.Errorf("rerun created %d, after %d survived the failure", got, len(before))
	}
	objs := healthy.Cloud().Objects()
	if len(objs) != 3 {
		t.Errorf("cloud holds %d objects after the rerun, want 3", len(objs))
	}
	for _, o := range objs {
		if id, ok := before[o.URN]; ok && id != o.ID {
			t.Errorf("%s was created again: %s then %s", o.URN, id, o.ID)
		}
	}
	timed(t, "destroy", func() (auto.DestroyResult, error) { return stack.Destroy(ctx, optdestroy.Remove()) })
}

// TestEngineConcurrentStacks runs several stacks at once against one
// server, as the engine's parallel levels do.
func TestEngineConcurrentStacks(t *testing.T) {
	t.Parallel()
	srv, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	// Not defer: the parallel subtests run after this function returns, and
	// cleanups wait for them.
	t.Cleanup(func() { srv.Close() })
	for _, name := range []string{"eu", "us", "ap"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			stack, _ := newStack(t, srv, name)
			up := timed(t, name+" up", func() (auto.UpResult, error) { return stack.Up(ctx) })
			wantChanges(t, name+" up", changes(up.Summary), map[string]int{"create": 4})
			destroy := timed(t, name+" destroy", func() (auto.DestroyResult, error) { return stack.Destroy(ctx) })
			wantChanges(t, name+" destroy", changes(destroy.Summary), map[string]int{"delete": 4})
		})
	}
	t.Cleanup(func() {
		if n := len(srv.Cloud().Objects()); n != 0 {
			t.Errorf("cloud holds %d objects after every stack was destroyed", n)
		}
	})
}

// assertEncrypted checks that the secret input is nowhere in the backend in
// plaintext.
func assertEncrypted(t *testing.T, backend string) {
	t.Helper()
	files := simtest.ReadTree(t, backend)
	for _, f := range files {
		if strings.Contains(f.Data, psk) {
			t.Error(f.Path + " holds the secret in plaintext")
			break
		}
	}
	if len(files) == 0 {
		t.Error("the backend holds no state files")
	}
}

func findObject(t *testing.T, c *sim.Cloud, typ string) sim.Object {
	t.Helper()
	for _, o := range c.Objects() {
		if string(o.URN.Type()) == typ {
			return o
		}
	}
	t.Fatalf("no %s in the simulated cloud", typ)
	return sim.Object{}
}

func isDocumentationIP(s string) bool {
	for _, p := range []string{"192.0.2.", "198.51.100.", "203.0.113."} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
