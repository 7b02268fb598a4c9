package stackstest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// things registers b, then a depending on b, and exports a's id and crn.
func things(ctx *pulumi.Context) error {
	var a, b pulumi.CustomResourceState
	if err := ctx.RegisterResource("test:index:Thing", "b", pulumi.Map{"size": pulumi.Int(2)}, &b); err != nil {
		return err
	}
	if err := ctx.RegisterResource("test:index:Thing", "a", pulumi.Map{"name": pulumi.String("x")}, &a, pulumi.DependsOn([]pulumi.Resource{&b})); err != nil {
		return err
	}
	ctx.Export("id", a.ID())
	return nil
}

func TestMocks(t *testing.T) {
	m := &Mocks{ID: func(a pulumi.MockResourceArgs) string { return "id-" + a.Name }}
	exports, err := Run(m, things)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(exports["id"]) != "id-a" {
		t.Errorf("exports = %v", exports)
	}
	rs := m.ByType("test:index:Thing")
	if len(rs) != 2 || rs[0].Name != "a" || rs[1].Name != "b" || rs[0].ID != "id-a" {
		t.Fatalf("ByType = %+v, want a then b", rs)
	}
	if !slices.ContainsFunc(rs[0].Deps, func(u string) bool { return strings.HasSuffix(u, "::b") }) {
		t.Errorf("a's deps = %v, want b", rs[0].Deps)
	}
	if Num(m.Named("b").Inputs, "size") != 2 || Str(m.Named("a").Inputs, "name") != "x" {
		t.Errorf("inputs a %v b %v", m.Named("a").Inputs, m.Named("b").Inputs)
	}
	if got := m.Named("nothing"); got.Name != "" {
		t.Errorf("Named(nothing) = %+v", got)
	}

	failing := &Mocks{Fail: "test:index:Thing"}
	if _, err := Run(failing, things); err == nil || !strings.Contains(err.Error(), "simulated failure creating b") {
		t.Errorf("err = %v", err)
	}
	if n := len(failing.Resources()); n != 1 {
		t.Errorf("failing mocks recorded %d registrations, want the failed one", n)
	}
}

func TestInputs(t *testing.T) {
	m := resource.PropertyMap{
		"plain":  resource.NewProperty("p"),
		"secret": resource.MakeSecret(resource.NewProperty("s")),
		"output": resource.NewProperty(resource.Output{Element: resource.NewProperty("o"), Known: true}),
		"number": resource.NewProperty(3.0),
		"list": resource.NewProperty([]resource.PropertyValue{
			resource.NewProperty("x"), resource.MakeSecret(resource.NewProperty("hidden")),
			resource.NewProperty(resource.Output{Element: resource.NewProperty("shh"), Known: true, Secret: true}),
		}),
	}
	for k, want := range map[string]string{"plain": "p", "secret": "s", "output": "o", "number": "{3}", "missing": "{<nil>}"} {
		if got := Str(m, k); got != want {
			t.Errorf("Str(%s) = %q, want %q", k, got, want)
		}
	}
	if Num(m, "number") != 3 || Num(m, "plain") != -1 {
		t.Errorf("Num = %d %d", Num(m, "number"), Num(m, "plain"))
	}
	if got := PlainStrings(resource.NewProperty(m)); !slices.Contains(got, "x") || slices.Contains(got, "hidden") || slices.Contains(got, "shh") || slices.Contains(got, "s") {
		t.Errorf("PlainStrings = %v", got)
	}
	if !IsSecret(m["secret"]) || IsSecret(m["plain"]) {
		t.Error("IsSecret")
	}
	if got := Strs(resource.NewProperty([]resource.PropertyValue{resource.NewProperty("a"), resource.NewProperty("b")})); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Strs = %v", got)
	}
}

func TestLoadAndRegion(t *testing.T) {
	spec, plan := Load(t, "../../examples/multicloud.yaml")
	r := Region(t, spec.Clouds.Hetzner.Regions, "hel1", "dev")
	if r.ID() != "hetzner-hel1-dev" || plan.Region(r.ID()) == nil {
		t.Errorf("region %s, plan %v", r.ID(), plan.Region(r.ID()))
	}
}
