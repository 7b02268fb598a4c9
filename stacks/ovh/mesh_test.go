package ovh

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/stackstest"
)

// floatingIPMocks answer ovh_cloud_floating_ip as the real provider does:
// the resource's id is the IP address (an API-v2 resource, imported as
// <service_name>/<ip>; terraform-provider-ovh v2.17.0
// ovh/resource_cloud_floating_ip.go:257), and the OpenStack floating-IP id,
// the one the v1 instance API takes, is currentState.id.
func floatingIPMocks(uuid, ip string) *stackstest.Mocks {
	m := newMocks()
	m.ID = func(a pulumi.MockResourceArgs) string {
		if a.TypeToken == tFloatingIP {
			return ip
		}
		return a.Name + "-id"
	}
	state := m.State
	m.State = func(a pulumi.MockResourceArgs, id string, s resource.PropertyMap) {
		state(a, id, s)
		if a.TypeToken == tFloatingIP {
			s["currentState"] = resource.NewObjectProperty(resource.PropertyMap{
				"id": resource.NewStringProperty(uuid), "ip": resource.NewStringProperty(ip)})
		}
	}
	return m
}

// TestMeshFloatingIPIsOpenStackID: the gateway instance is handed the
// floating IP's OpenStack id, never its address (review item 2).
func TestMeshFloatingIPIsOpenStackID(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	r := spec.Clouds.OVH.Regions[0]
	const uuid, ip = "0f4f2bb4-6a7e-4c4b-9f53-4d2d1c3a5b61", "203.0.113.9"
	exports, err := run(floatingIPMocks(uuid, ip), RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())})
	if err != nil {
		t.Fatal(err)
	}
	if got := exports[MeshFloatingIPOutput]; got != uuid {
		t.Errorf("%s = %v, want the OpenStack id %s (not the address %s)", MeshFloatingIPOutput, got, uuid, ip)
	}
}

// TestMeshGatewayZone: in a 3-AZ region the mesh's floating IP (and the
// gateway instance, GatewayZone) sit in the region's first zone; in a
// one-zone region the provider places them.
func TestMeshGatewayZone(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "paris.yaml")
	if err := os.WriteFile(file, []byte(paris+"network:\n  mesh: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, region, want string }{
		{file, "EU-WEST-PAR", "eu-west-par-a"},
		{"../../examples/multicloud.yaml", "GRA11", ""},
	} {
		spec, plan := stackstest.Load(t, tc.file)
		r := stackstest.Region(t, spec.Clouds.OVH.Regions, tc.region, "prod")
		m := newMocks()
		if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(r.ID())}); err != nil {
			t.Fatal(err)
		}
		fip := m.Named(r.ID() + "-mesh-ip")
		got := ""
		if v, ok := fip.Inputs["availabilityZone"]; ok && v.IsString() {
			got = v.StringValue()
		}
		if got != tc.want {
			t.Errorf("%s: mesh floating IP in zone %q, want %q", tc.region, got, tc.want)
		}
		if z := GatewayZone(r, plan.Region(r.ID())); (z == nil) != (tc.want == "") {
			t.Errorf("%s: gateway zone %v, want %q", tc.region, z, tc.want)
		}
	}
}
