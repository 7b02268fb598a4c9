package kubernetes

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type mocks struct {
	mu     sync.Mutex
	inputs map[string]resource.PropertyMap
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inputs[args.Name] = args.Inputs
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// TestNewManifests: the inputs the provider gets, secrets kept secret and
// the ids plain.
func TestNewManifests(t *testing.T) {
	ns := Object{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "edge"}}
	secret := Object{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "hcloud", "namespace": "kube-system"},
		"stringData": map[string]any{"token": "t"}}
	for _, tc := range []struct {
		name       string
		args       ManifestsArgs
		wantSecret bool
		wantIDs    []string
		wantErr    bool
	}{
		{"token", ManifestsArgs{Cluster: "c", Server: pulumi.String("https://k"), CACert: pulumi.String("ca"),
			Token: pulumi.String("tok"), Objects: []Object{ns}}, false, []string{"Namespace//edge"}, false},
		{"client certificate and a secret", ManifestsArgs{Cluster: "c", Server: pulumi.String("https://k"), CACert: pulumi.String("ca"),
			ClientCert: pulumi.String("cert"), ClientKey: pulumi.String("key"), Objects: []Object{secret, ns}}, true,
			[]string{"Namespace//edge", "Secret/kube-system/hcloud"}, false},
		{"no credentials", ManifestsArgs{Server: pulumi.String("https://k"), CACert: pulumi.String("ca"), Objects: []Object{ns}}, false, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &mocks{inputs: map[string]resource.PropertyMap{}}
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := NewManifests(ctx, "m", &tc.args)
				return err
			}, pulumi.WithMocks("p", "s", m))
			if tc.wantErr {
				if err == nil {
					t.Error("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			in := m.inputs["m"]
			if got := in["objects"].IsSecret(); got != tc.wantSecret {
				t.Errorf("objects secret = %v, want %v", got, tc.wantSecret)
			}
			for _, k := range []resource.PropertyKey{"token", "clientKey"} {
				if v, ok := in[k]; ok && !v.IsSecret() {
					t.Errorf("%s is not secret", k)
				}
			}
			if v, ok := in["clientCert"]; ok && v.IsSecret() {
				t.Error("the client certificate need not be secret")
			}
			ids := in["ids"]
			if ids.IsSecret() || !ids.IsArray() || len(ids.ArrayValue()) != len(tc.wantIDs) {
				t.Fatalf("ids = %v", ids)
			}
			for i, v := range ids.ArrayValue() {
				if v.StringValue() != tc.wantIDs[i] {
					t.Errorf("ids[%d] = %s, want %s", i, v.StringValue(), tc.wantIDs[i])
				}
			}
		})
	}
}

// TestEncodeIsDeterministic: the same objects make the same text, keys sorted.
func TestEncodeIsDeterministic(t *testing.T) {
	o := Object{"kind": "Namespace", "apiVersion": "v1", "metadata": map[string]any{"name": "a", "labels": map[string]string{"z": "1", "a": "2"}}}
	text, _, _, err := Encode([]Object{o})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"apiVersion":"v1","kind":"Namespace","metadata":{"labels":{"a":"2","z":"1"},"name":"a"}}]`
	if text != want {
		t.Errorf("Encode = %s\nwant   %s", text, want)
	}
}

// TestValuesFillPlaceholders: a value known only at deploy time (an
// address the cloud assigns) lands in the objects, quoted as JSON, while
// the ids stay known.
func TestValuesFillPlaceholders(t *testing.T) {
	svc := Object{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "lb", "namespace": "edge"},
		"spec": map[string]any{"loadBalancerIP": Placeholder("ip"), "note": "at " + Placeholder("ip") + " " + Placeholder("q")}}
	m := &mocks{inputs: map[string]resource.PropertyMap{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewManifests(ctx, "m", &ManifestsArgs{Cluster: "c", Server: pulumi.String("https://k"), CACert: pulumi.String("ca"),
			Token: pulumi.String("tok"), Objects: []Object{svc},
			Values: pulumi.StringMap{"ip": pulumi.String("198.51.100.7"), "q": pulumi.String(`a"b`)}})
		return err
	}, pulumi.WithMocks("p", "s", m))
	if err != nil {
		t.Fatal(err)
	}
	in := m.inputs["m"]
	want := `[{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb","namespace":"edge"},"spec":{"loadBalancerIP":"198.51.100.7","note":"at 198.51.100.7 a\"b"}}]`
	if got := in["objects"].StringValue(); got != want {
		t.Errorf("objects = %s\nwant      %s", got, want)
	}
	if ids := in["ids"]; !ids.IsArray() || len(ids.ArrayValue()) != 1 || ids.ArrayValue()[0].StringValue() != "Service/edge/lb" {
		t.Errorf("ids = %v", ids)
	}
}
