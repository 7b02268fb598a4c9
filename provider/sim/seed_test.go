package sim_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/vrack"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-hcloud/sdk/go/hcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/provider/sim"
)

// The account as a team might find it: an organization, a network and a
// vRack exist before infra runs.
const seedFile = `
- type: aws:organizations/organization:Organization
  id: o-exampleorgid
  inputs: {featureSet: ALL}
- type: hcloud:index/network:Network
  id: "4711"
  inputs: {name: prod, ipRange: 10.0.0.0/16}
- type: ovh:Vrack/vrack:Vrack
  id: pn-1000001
  inputs: {name: infra, description: the account's vRack}
`

func seededServer(t *testing.T) *sim.Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(path, []byte(seedFile), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, err := sim.FromEnv(func(k string) string { return map[string]string{sim.EnvSeed: path}[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Creating what the account already has fails as the cloud would. One
// stack per resource: an up stops at its first failure.
func TestSeededCreateFailsAsTheCloudWould(t *testing.T) {
	t.Parallel()
	srv := seededServer(t)
	for name, tc := range map[string]struct {
		program pulumi.RunFunc
		want    string
	}{
		"org": {func(ctx *pulumi.Context) error {
			_, err := organizations.NewOrganization(ctx, "org", &organizations.OrganizationArgs{FeatureSet: pulumi.String("ALL")})
			return err
		}, "AlreadyInOrganizationException"},
		"net": {func(ctx *pulumi.Context) error {
			_, err := hcloud.NewNetwork(ctx, "net", &hcloud.NetworkArgs{Name: pulumi.String("prod"), IpRange: pulumi.String("10.1.0.0/16")})
			return err
		}, "name is already used (uniqueness_error)"},
	} {
		stack, _ := newProgramStack(t, srv, name, tc.program)
		var out strings.Builder
		_, err := stack.Up(context.Background(), optup.ProgressStreams(&out))
		if err == nil {
			t.Errorf("%s: up created what the account has", name)
		} else if !strings.Contains(out.String()+err.Error(), tc.want) {
			t.Errorf("%s: up's error does not say %q:\n%s", name, tc.want, out.String())
		}
	}
	if n := len(srv.Cloud().Objects()); n != 0 {
		t.Errorf("the failed creates left %d objects", n)
	}
}

// Importing what the account already has succeeds, with its ID and
// properties, and the stack then owns it.
func TestSeededImportSucceeds(t *testing.T) {
	t.Parallel()
	srv := seededServer(t)
	stack, _ := newProgramStack(t, srv, "adopt", func(ctx *pulumi.Context) error {
		org, err := organizations.NewOrganization(ctx, "org", &organizations.OrganizationArgs{FeatureSet: pulumi.String("ALL")},
			pulumi.Import(pulumi.ID("o-exampleorgid")))
		if err != nil {
			return err
		}
		net, err := hcloud.NewNetwork(ctx, "net", &hcloud.NetworkArgs{Name: pulumi.String("prod"), IpRange: pulumi.String("10.0.0.0/16")},
			pulumi.Import(pulumi.ID("4711")))
		if err != nil {
			return err
		}
		rack, err := vrack.NewVrack(ctx, "rack", &vrack.VrackArgs{Name: pulumi.String("infra"), Description: pulumi.String("the account's vRack")},
			pulumi.Import(pulumi.ID("pn-1000001")))
		if err != nil {
			return err
		}
		// Something new beside them is made as usual.
		role, err := iam.NewRole(ctx, "deployer", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)})
		if err != nil {
			return err
		}
		ctx.Export("org", org.ID())
		ctx.Export("root", org.Roots.Index(pulumi.Int(0)).Id())
		ctx.Export("network", net.ID())
		ctx.Export("vrack", rack.ID())
		ctx.Export("role", role.Name)
		return nil
	})
	ctx := context.Background()
	res := timed(t, "up", func() (any, error) { return stack.Up(ctx) })
	_ = res
	outs, err := stack.Outputs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"org": "o-exampleorgid", "network": "4711", "vrack": "pn-1000001"} {
		if got := outs[k].Value; got != want {
			t.Errorf("output %s = %v, want %s", k, got, want)
		}
	}
	if root, _ := outs["root"].Value.(string); !strings.HasPrefix(root, "r-") {
		t.Errorf("the imported organization has no root: %v", outs["root"].Value)
	}
	if role, _ := outs["role"].Value.(string); !strings.HasPrefix(role, "deployer-") {
		t.Errorf("role name %v, want an auto-name", outs["role"].Value)
	}
	if n := len(srv.Cloud().Objects()); n != 4 {
		t.Errorf("the cloud holds %d objects, want the 3 imported and the role", n)
	}
}

// An import of an ID the account does not have fails.
func TestImportOfMissingFails(t *testing.T) {
	t.Parallel()
	srv := seededServer(t)
	stack, _ := newProgramStack(t, srv, "missing", func(ctx *pulumi.Context) error {
		_, err := hcloud.NewNetwork(ctx, "net", &hcloud.NetworkArgs{Name: pulumi.String("other"), IpRange: pulumi.String("10.0.0.0/16")},
			pulumi.Import(pulumi.ID("9999")))
		return err
	})
	var out strings.Builder
	if _, err := stack.Up(context.Background(), optup.ProgressStreams(&out)); err == nil {
		t.Fatal("importing an ID the cloud does not have succeeded")
	}
	if !strings.Contains(out.String(), "does not exist") {
		t.Errorf("up's output does not say the resource does not exist:\n%s", out.String())
	}
}
