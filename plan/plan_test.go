package plan

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks"
	"infra/stacks/stackstest"
	"infra/topology"
)

func load(t testing.TB, path string) *stacks.Graph {
	t.Helper()
	spec, _ := stackstest.Load(t, path)
	g, err := stacks.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func generate(t testing.TB, g *stacks.Graph) []byte {
	t.Helper()
	p, err := Generate(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The SDK registers resources concurrently; the record must not show it.
func TestGenerateIsDeterministic(t *testing.T) {
	first := generate(t, load(t, "testdata/aws-hetzner.yaml"))
	for i := 0; i < 3; i++ {
		if again := generate(t, load(t, "testdata/aws-hetzner.yaml")); !bytes.Equal(first, again) {
			t.Fatalf("run %d differs from the first", i+2)
		}
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	if single := generate(t, load(t, "testdata/aws-hetzner.yaml")); !bytes.Equal(first, single) {
		t.Fatal("GOMAXPROCS=1 gives a different plan")
	}
}

func TestGenerateRecordsEveryStack(t *testing.T) {
	g := load(t, "testdata/aws-hetzner.yaml")
	p, err := Generate(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(names(p), " "), "aws-eu-central-1-prod aws-eu-central-1-staging hetzner-nbg1-prod glb"; got != want {
		t.Fatalf("stacks = %s, want %s", got, want)
	}
	for _, s := range p.Stacks[:3] {
		if len(s.Resources) == 0 {
			t.Errorf("%s: no resources", s.Name)
		}
		for _, r := range s.Resources {
			if !strings.HasPrefix(r.Name, s.Name+"-") {
				t.Errorf("%s: %s is not prefixed with the region ID", s.Name, r.Name)
			}
			if r.Stack != s.Name {
				t.Errorf("%s: record says stack %q", r.Name, r.Stack)
			}
		}
	}
	// The load balancer's stack receives its origins' outputs as upstream values.
	ingress, _ := p.Stack("glb").Outputs["ingressAddresses"].(map[string]any)
	for _, s := range p.Stacks[:3] {
		want := s.Outputs["ingressAddress"]
		if want == nil || want == Unknown || ingress[s.Name] != want {
			t.Errorf("glb ingressAddresses[%s] = %v, want the regional output %v", s.Name, ingress[s.Name], want)
		}
	}
	// Dependencies, parents and providers name resources of the same stack.
	aws := p.Stack("aws-eu-central-1-prod")
	known := map[string]bool{}
	for _, r := range aws.Resources {
		known[r.Name] = true
	}
	for _, r := range aws.Resources {
		for _, d := range append(append([]string{}, r.DependsOn...), r.Provider) {
			if d != "" && !known[d] {
				t.Errorf("%s depends on %s, which the stack does not declare", r.Name, d)
			}
		}
	}
}

// graphOf wraps one program as a one-stack graph.
func graphOf(name string, prog pulumi.RunFunc) *stacks.Graph {
	return &stacks.Graph{
		Spec: &topology.Spec{Name: "unit"},
		Stacks: []*stacks.Stack{{
			Name: name, Kind: stacks.Regional,
			Program: func(stacks.Upstream) pulumi.RunFunc { return prog },
		}},
	}
}

// A constructor's missing required argument must fail the plan, not vanish.
func TestMissingRequiredArgumentFailsThePlan(t *testing.T) {
	g := graphOf("broken", func(ctx *pulumi.Context) error {
		_, err := eks.NewCluster(ctx, "broken-eks", &eks.ClusterArgs{
			VpcConfig: &eks.ClusterVpcConfigArgs{SubnetIds: pulumi.StringArray{pulumi.String("subnet-1")}},
			// RoleArn, which EKS requires, is missing.
		})
		return err
	})
	_, err := Generate(context.Background(), g)
	if err == nil || !strings.Contains(err.Error(), "RoleArn") {
		t.Fatalf("err = %v, want the missing RoleArn", err)
	}
	if !strings.Contains(err.Error(), "stack broken") {
		t.Errorf("err = %v, want it to name the stack", err)
	}
}

func TestUnmockedFunctionFailsThePlan(t *testing.T) {
	g := graphOf("invoke", func(ctx *pulumi.Context) error {
		_, err := iam.LookupPolicy(ctx, &iam.LookupPolicyArgs{Name: pulumi.StringRef("x")})
		return err
	})
	// A typo'd program must not plan against an invented answer.
	if _, err := Generate(context.Background(), g); err == nil || !strings.Contains(err.Error(), "has no mock") {
		t.Fatalf("err = %v, want an unmocked function error", err)
	}
}

func TestSecretsAndUnknownsAreRedacted(t *testing.T) {
	const plaintext = "hunter2-plaintext"
	g := graphOf("secrets", func(ctx *pulumi.Context) error {
		role, err := iam.NewRole(ctx, "secrets-role", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String("{}"),
			Description:      pulumi.ToSecret(pulumi.String(plaintext)).(pulumi.StringOutput),
			// Unknown: an upstream output of a stack never deployed.
			Path: stacks.Upstream{}.StringOutput(ctx, "landingzone-aws", "path"),
		})
		if err != nil {
			return err
		}
		ctx.Export("description", role.Description)
		ctx.Export("plain", pulumi.String("visible"))
		return nil
	})
	p, err := Generate(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.JSON()
	if bytes.Contains(b, []byte(plaintext)) {
		t.Fatalf("plaintext secret in the plan:\n%s", b)
	}
	in := p.Stack("secrets").Resources[0].Inputs
	if in["description"] != Redacted || in["path"] != Unknown {
		t.Errorf("inputs = %v, want description %s and path %s", in, Redacted, Unknown)
	}
	out := p.Stack("secrets").Outputs
	if out["description"] != Redacted || out["plain"] != "visible" {
		t.Errorf("outputs = %v", out)
	}
}

// Parse reads back what JSON writes.
func TestJSONRoundTrip(t *testing.T) {
	b := generate(t, load(t, "testdata/aws-hetzner.yaml"))
	p, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Fatal("JSON → Parse → JSON changed the plan")
	}
	if _, err := Parse([]byte(`{"stacks": [], "extra": 1}`)); err == nil {
		t.Error("Parse accepted an unknown field")
	}
}

func names(p *Plan) []string {
	var out []string
	for _, s := range p.Stacks {
		out = append(out, s.Name)
	}
	return out
}

// The mocks record the auto-names the providers would give; a rule that
// fails on one says so, since the program set no name to shorten.
func TestCheckMarksAutoNames(t *testing.T) {
	p := &Plan{Stacks: []*Stack{{Name: "aws-us-east-1-prod", Resources: []*Resource{{
		Stack: "aws-us-east-1-prod", Type: "aws:lb/loadBalancer:LoadBalancer", Name: "aws-us-east-1-prod-ingress",
		Inputs: map[string]any{"name": "aws-us-east-1-prod-ingress-0a1b2c3", "loadBalancerType": "network"},
	}}}}}
	var named bool
	for _, f := range p.Check() {
		named = named || f.Property == "name" && f.AutoNamed
	}
	if !named {
		t.Errorf("findings %v: none on the auto-name, marked as such", p.Check())
	}
}
