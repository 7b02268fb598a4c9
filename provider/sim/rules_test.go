package sim

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"

	"infra/provider/computed"
)

func testProvider() *provider {
	return &provider{pkg: "aws", srv: &Server{cloud: NewCloud()}}
}

func urnOf(typ, name string) string { return "urn:pulumi:prod::simtest::" + typ + "::" + name }

// marshalOldsNews encodes a request's old and new inputs.
func marshalOldsNews(t *testing.T, olds, news resource.PropertyMap) (o, n *structpb.Struct) {
	t.Helper()
	o, err := marshal("olds", olds)
	if err != nil {
		t.Fatal(err)
	}
	n, err = marshal("news", news)
	if err != nil {
		t.Fatal(err)
	}
	return o, n
}

func checkRPC(t *testing.T, p *provider, typ, name string, olds, news resource.PropertyMap) (resource.PropertyMap, []*pulumirpc.CheckFailure) {
	t.Helper()
	o, n := marshalOldsNews(t, olds, news)
	resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urnOf(typ, name), Type: typ, Olds: o, News: n})
	if err != nil {
		t.Fatal(err)
	}
	ins, err := unmarshal("inputs", resp.GetInputs())
	if err != nil {
		t.Fatal(err)
	}
	return ins, resp.GetFailures()
}

func diffRPC(t *testing.T, typ string, olds, news resource.PropertyMap) *pulumirpc.DiffResponse {
	t.Helper()
	o, n := marshalOldsNews(t, olds, news)
	d, err := testProvider().Diff(context.Background(), &pulumirpc.DiffRequest{Urn: urnOf(typ, "x"), Type: typ, OldInputs: o, News: n})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }

// Check rejects what the real provider rejects, in its words, and names
// what it does not name itself, as Pulumi's auto-naming does.
func TestCheckAppliesTheProvidersRules(t *testing.T) {
	p := testProvider()
	const sg = "aws:ec2/securityGroup:SecurityGroup"
	ins, failures := checkRPC(t, p, sg, "aws-eu-central-1-prod-mesh-sg", nil, resource.PropertyMap{"vpcId": str("vpc-1")})
	if len(failures) != 0 {
		t.Fatalf("failures = %v", failures)
	}
	if n := ins["name"].StringValue(); !regexp.MustCompile(`^aws-eu-central-1-prod-mesh-sg-[0-9a-f]{7}$`).MatchString(n) {
		t.Errorf("auto-name = %q", n)
	}
	if !ins["__defaults"].IsArray() || len(ins["__defaults"].ArrayValue()) != 2 {
		t.Errorf("defaults marker = %v, want name and description", ins["__defaults"])
	}
	// An update keeps the auto-name the object has.
	again, _ := checkRPC(t, p, sg, "aws-eu-central-1-prod-mesh-sg", ins, resource.PropertyMap{"vpcId": str("vpc-1")})
	if again["name"].StringValue() != ins["name"].StringValue() {
		t.Errorf("update renamed %v to %v", ins["name"], again["name"])
	}

	for _, tc := range []struct {
		typ, name string
		inputs    resource.PropertyMap
		property  string
		reason    string
	}{
		// EC2's character set for group descriptions has no apostrophe.
		{sg, "ingress-sg", resource.PropertyMap{"description": str("the cluster's nodes")}, "description", "Valid characters"},
		// An auto-name is a name like any other: this one starts like a
		// group ID, which the provider forbids.
		{sg, "sg", nil, "name", "must not match ^sg-"},
		// The auto-name of a long logical name is over ELB's 32 characters.
		{"aws:lb/loadBalancer:LoadBalancer", "aws-us-east-1-prod-ingress", resource.PropertyMap{"loadBalancerType": str("network")}, "name", "32"},
		// OVH wants exactly one of sshKey and sshKeyCreate.
		{"ovh:CloudProject/instance:Instance", "gw", resource.PropertyMap{"serviceName": str("p"), "region": str("GRA11"), "billingPeriod": str("hourly"),
			"flavor": resource.NewObjectProperty(resource.PropertyMap{"flavorId": str("f")}), "bootFrom": resource.NewObjectProperty(resource.PropertyMap{"imageId": str("i")}),
			"network": resource.NewObjectProperty(resource.PropertyMap{"public": resource.NewBoolProperty(true)})}, "sshKey", "sshKey"},
	} {
		_, failures := checkRPC(t, p, tc.typ, tc.name, nil, tc.inputs)
		found := false
		for _, f := range failures {
			found = found || f.GetProperty() == tc.property && strings.Contains(f.GetReason(), tc.reason)
		}
		if !found {
			t.Errorf("%s %s: failures %v, want one on %s mentioning %q", tc.typ, tc.name, failures, tc.property, tc.reason)
		}
	}
}

// Diff replaces where the real provider replaces, and deletes first where
// the program named the resource itself.
func TestDiffReplacesOnForceNew(t *testing.T) {
	p := testProvider()
	const pool = "ovh:CloudProject/kubeNodePool:KubeNodePool"
	base := resource.PropertyMap{"serviceName": str("p"), "kubeId": str("k"), "flavorName": str("b3-8"), "desiredNodes": resource.NewNumberProperty(3)}
	olds, failures := checkRPC(t, p, pool, "x", nil, base)
	if len(failures) != 0 {
		t.Fatal(failures)
	}
	grow := base.Copy()
	grow["desiredNodes"] = resource.NewNumberProperty(4)
	news, _ := checkRPC(t, p, pool, "x", olds, grow)
	if d := diffRPC(t, pool, olds, news); len(d.Replaces) != 0 || strings.Join(d.Diffs, ",") != "desiredNodes" {
		t.Errorf("growing a pool: diffs %v, replaces %v; want an update of desiredNodes", d.Diffs, d.Replaces)
	}
	bigger := base.Copy()
	bigger["flavorName"] = str("b3-16")
	news, _ = checkRPC(t, p, pool, "x", olds, bigger)
	d := diffRPC(t, pool, olds, news)
	if strings.Join(d.Replaces, ",") != "flavorName" || d.DetailedDiff["flavorName"].GetKind() != pulumirpc.PropertyDiff_UPDATE_REPLACE {
		t.Errorf("a new flavor: replaces %v, detail %v", d.Replaces, d.DetailedDiff)
	}
	if d.DeleteBeforeReplace {
		t.Error("an auto-named pool is deleted before its replacement is made")
	}

	// A network the program names itself cannot exist twice: delete first.
	const network = "hcloud:index/network:Network"
	named := resource.PropertyMap{"name": str("mesh"), "ipRange": str("10.0.0.0/16")}
	olds, _ = checkRPC(t, p, network, "mesh", nil, named)
	moved := named.Copy()
	moved["ipRange"] = str("10.1.0.0/16")
	news, _ = checkRPC(t, p, network, "mesh", olds, moved)
	if d := diffRPC(t, network, olds, news); strings.Join(d.Replaces, ",") != "ipRange" || !d.DeleteBeforeReplace {
		t.Errorf("a new range: replaces %v, delete first %v; want ipRange, true", d.Replaces, d.DeleteBeforeReplace)
	}
}

// Two objects the cloud allows only once collide, whether the first was
// seeded or made: the second create fails as the cloud would, and a
// different scope (another VPC) does not collide.
func TestCreateCollides(t *testing.T) {
	c := NewCloud()
	c.seed([]Seed{{Type: "aws:iam/role:Role", ID: "deployer", Inputs: map[string]any{"name": "deployer"}}})
	outs := func(computed.Resource) resource.PropertyMap { return resource.PropertyMap{} }
	role := computed.Resource{URN: resource.URN(urnOf("aws:iam/role:Role", "r")), Inputs: resource.PropertyMap{"name": str("deployer")}}
	if _, err := c.create(role, outs); err == nil || !strings.Contains(err.Error(), "EntityAlreadyExists") {
		t.Errorf("a second role deployer: %v", err)
	}
	sg := func(name, vpc string) computed.Resource {
		return computed.Resource{URN: resource.URN(urnOf("aws:ec2/securityGroup:SecurityGroup", name+vpc)), Region: "eu-central-1",
			Inputs: resource.PropertyMap{"name": str(name), "vpcId": str(vpc)}}
	}
	if _, err := c.create(sg("mesh", "vpc-1"), outs); err != nil {
		t.Fatal(err)
	}
	if _, err := c.create(sg("mesh", "vpc-2"), outs); err != nil {
		t.Errorf("same name in another VPC: %v", err)
	}
	if _, err := c.create(sg("mesh", "vpc-1"), outs); err == nil || !strings.Contains(err.Error(), "InvalidGroup.Duplicate") {
		t.Errorf("same name in the same VPC: %v", err)
	}
}

// An instance launched on a network interface another instance holds
// fails as RunInstances does; one on another interface, or on none, does
// not.
func TestInstanceInterfaceInUse(t *testing.T) {
	c := NewCloud()
	outs := func(computed.Resource) resource.PropertyMap { return resource.PropertyMap{} }
	vm := func(name, eni string) computed.Resource {
		in := resource.PropertyMap{"instanceType": str("c6in.large")}
		if eni != "" {
			in["networkInterfaces"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"deviceIndex": resource.NewProperty(0.0), "networkInterfaceId": str(eni),
			})})
		}
		return computed.Resource{URN: resource.URN(urnOf("aws:ec2/instance:Instance", name)), Region: "eu-central-1", Inputs: in}
	}
	for _, r := range []computed.Resource{vm("gw", "eni-1"), vm("other", "eni-2"), vm("plain", ""), vm("plain2", "")} {
		if _, err := c.create(r, outs); err != nil {
			t.Fatalf("%s: %v", r.URN.Name(), err)
		}
	}
	if _, err := c.create(vm("gw-new", "eni-1"), outs); err == nil || !strings.Contains(err.Error(), "InvalidNetworkInterface.InUse") {
		t.Errorf("a second instance on eni-1: %v", err)
	}
}

func TestLoadSeeds(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ text, err string }{
		{"- type: hcloud:index/network:Network\n  id: \"1\"\n", ""},
		{"- type: hcloud:index/network:Network\n", "want a type and an id"},
		{"- type: hcloud:index/nope:Nope\n  id: x\n", "unknown type"},
		{"{", "yaml"},
	} {
		path := filepath.Join(dir, "seed.yaml")
		if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadSeeds(path)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.err)
		}
	}
}

// A change of a secret input is a change: an hcloud server's user data
// (secret: it holds the k3s token) forces a new server
// (terraform-provider-hcloud internal/server/resource.go, provider-rules.json),
// though both sides read as the same placeholder.
func TestSecretChangeReplaces(t *testing.T) {
	in := func(ud string) resource.PropertyMap {
		return resource.PropertyMap{"name": resource.NewStringProperty("s"), "serverType": resource.NewStringProperty("cx23"),
			"image": resource.NewStringProperty("ubuntu-24.04"), "location": resource.NewStringProperty("nbg1"),
			"userData": resource.MakeSecret(resource.NewStringProperty(ud))}
	}
	keys, _ := ruleReplacement("hcloud:index/server:Server", in("#cloud-config\n# one"), in("#cloud-config\n# two"))
	if !keys["userData"] {
		t.Errorf("a new secret userData does not replace the server: %v", keys)
	}
	// through the RPC, as the engine asks: the server is replaced for the
	// new user data, deleting first (its name is the program's)
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := dial(t, srv, "hcloud")
	o, _ := marshal("olds", in("#cloud-config\n# one"))
	n, _ := marshal("news", in("#cloud-config\n# two"))
	d, err := c.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: "urn:pulumi:prod::simtest::hcloud:index/server:Server::s",
		Type: "hcloud:index/server:Server", Id: "1", OldInputs: o, Olds: o, News: n})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(d.GetReplaces(), "userData") {
		t.Errorf("diff of a new secret userData: replaces %v, diffs %v", d.GetReplaces(), d.GetDiffs())
	}
	same, _ := c.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: "urn:pulumi:prod::simtest::hcloud:index/server:Server::s",
		Type: "hcloud:index/server:Server", Id: "1", OldInputs: o, Olds: o, News: o})
	if same.GetChanges() == pulumirpc.DiffResponse_DIFF_SOME {
		t.Errorf("diff of the same inputs: %v", same)
	}
}
