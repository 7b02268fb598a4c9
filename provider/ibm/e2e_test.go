package ibm_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"infra/network"
	"infra/stacks"
	stacksibm "infra/stacks/ibm"
	"infra/stacks/wireguard"
	"infra/topology"
	"infra/topology/topologytest"
)

// deployMocks deploys what a program declares: infra:ibm:* resources
// through the provider's handlers against the fake IBM API, anything else
// (WireGuard keys, say) by echoing its inputs, as a trivial provider would.
type deployMocks struct {
	t   *testing.T
	e   *env
	mu  sync.Mutex
	ids map[string]string // by type and name, to see duplicates
}

func (m *deployMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if !strings.HasPrefix(args.TypeToken, "infra:ibm:") {
		return args.Name + "-id", args.Inputs, nil
	}
	h, err := m.e.reg.Lookup(args.TypeToken)
	if err != nil {
		return "", nil, err
	}
	ctx := context.Background()
	checked, failures, err := h.Check(ctx, nil, args.Inputs)
	if err != nil {
		return "", nil, err
	}
	if len(failures) > 0 {
		return "", nil, fmt.Errorf("%s %s: check: %v", args.TypeToken, args.Name, failures)
	}
	id, outs, err := h.Create(ctx, checked, false)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", args.TypeToken, args.Name, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := args.TypeToken + "::" + args.Name
	if prev, ok := m.ids[key]; ok && prev != id {
		return "", nil, fmt.Errorf("%s declared twice", key)
	}
	m.ids[key] = id
	return id, outs, nil
}

func (m *deployMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// TestIBMStacks deploys the IBM stacks of the examples with IBM regions
// (landing zone first, then the regional stacks, fed its outputs, then the
// mesh gateways, transit and global load balancer) with the real provider
// code against the fake IBM API, and checks what IBM then has: multicloud
// is in us-south, ipam in eu-de and eu-gb, so a region that does not reach
// the cloud shows.
func TestIBMStacks(t *testing.T) {
	for _, example := range []string{"multicloud", "ipam"} {
		t.Run(example, func(t *testing.T) { deployIBM(t, "../../examples/"+example+".yaml") })
	}
}

func deployIBM(t *testing.T, path string) {
	spec := topologytest.Load(t, path)
	g, err := stacks.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	m := &deployMocks{t: t, e: e, ids: map[string]string{}}
	outputs := map[string]stacks.Outputs{}
	ibmRegions := 0
	for _, level := range g.Levels() {
		for _, s := range level {
			if s.Cloud != topology.IBM {
				continue
			}
			if s.Kind == stacks.Regional {
				ibmRegions++
			}
			ctx := context.Background()
			pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{Project: spec.Name, Stack: s.Name, Mocks: m})
			if err != nil {
				t.Fatal(err)
			}
			if err := pulumi.RunWithContext(pctx, s.Program(g.Upstream(s, outputs))); err != nil {
				t.Fatalf("stack %s: %v", s.Name, err)
			}
			out := stacks.Outputs{}
			for k, in := range pctx.GetCurrentExportMap() {
				r, err := internals.UnsafeAwaitOutput(ctx, pulumi.ToOutputWithContext(ctx, in))
				if err != nil {
					t.Fatalf("stack %s: output %s: %v", s.Name, k, err)
				}
				out[k] = stacks.Value{Value: r.Value, Secret: r.Secret, Unknown: !r.Known}
			}
			pctx.Close()
			outputs[s.Name] = out
		}
	}
	if ibmRegions == 0 {
		t.Fatal("the multicloud example has no IBM region")
	}
	globalIBM(t, m, spec, outputs)
	if n := e.fake.Count("vpc"); n != ibmRegions {
		t.Errorf("%d VPCs for %d IBM regions", n, ibmRegions)
	}
	if n := e.fake.Count("cluster"); n != ibmRegions {
		t.Errorf("%d clusters for %d IBM regions", n, ibmRegions)
	}
	regions := map[string]bool{}
	for _, r := range spec.Clouds.IBM.Regions {
		regions[r.Name] = true
	}
	for _, id := range e.fake.IDs("cluster") {
		if h := e.fake.History(id); !slices.Contains(h, "normal") || !slices.Contains(h, "master:Ready") {
			t.Errorf("cluster %s states %v, want it normal and its master Ready after Key Protect", id, h)
		}
		// The cluster, its CRN, ingress and endpoints are in its VPC's region.
		b, _ := e.fake.Get("cluster", id)
		region, _ := b["region"].(string)
		if !regions[region] {
			t.Errorf("cluster %s is in region %q, not one of the spec's %v", id, region, regions)
		}
		for _, f := range []any{b["crn"], dig(b, "ingress", "hostname"), dig(b, "serviceEndpoints", "privateServiceEndpointURL")} {
			if !strings.Contains(fmt.Sprint(f), region) {
				t.Errorf("cluster %s in %s: %v names another region", id, region, f)
			}
		}
	}
	// The mesh gateway's rules and routes are what the pinned VPC API
	// version takes, and every zone routes to a next hop in it (the fake
	// refuses another zone's, item 4): the gateway and a relay in each
	// other zone.
	zones := 0
	for _, r := range spec.Clouds.IBM.Regions {
		zones += len(r.Zones)
	}
	if e.fake.Count("security_group_rule") == 0 || e.fake.Count("route") == 0 || e.fake.Count("instance") != zones {
		t.Errorf("mesh gateways: %d rules, %d routes, %d instances for %d regions of %d zones", e.fake.Count("security_group_rule"),
			e.fake.Count("route"), e.fake.Count("instance"), ibmRegions, zones)
	}
	routed := map[string]bool{}
	for _, id := range e.fake.IDs("route") {
		b, _ := e.fake.Get("route", id)
		routed[fmt.Sprint(dig(b, "zone", "name"))] = true
	}
	for _, r := range spec.Clouds.IBM.Regions {
		for _, z := range r.Zones {
			if !routed[z] {
				t.Errorf("zone %s has no mesh route", z)
			}
		}
	}
	kinds := []string{"subnet", "address_prefix", "public_gateway", "load_balancer", "resource_group", "access_group", "policy",
		"transit_gateway", "transit_connection"}
	if network.BuildGLB(spec).Provider == "ibm-cis" {
		kinds = append(kinds, "cis_zone", "cis_monitor", "cis_pool", "cis_glb")
	}
	for _, kind := range kinds {
		if e.fake.Count(kind) == 0 {
			t.Errorf("no %s deployed", kind)
		}
	}
	for name, out := range outputs {
		for k, v := range out {
			if v.Unknown {
				t.Errorf("stack %s: output %s is unknown after a deployment", name, k)
			}
		}
	}
	var names []string
	for k := range m.ids {
		names = append(names, k)
	}
	slices.Sort(names)
	t.Logf("deployed %d IBM resources: %s", len(m.ids), strings.Join(names, ", "))
}

// globalIBM deploys the IBM parts of the cross-region stacks in one
// program: the Transit Gateway over the IBM VPCs, the IBM mesh gateways and
// the CIS global load balancer over every region's ingress (other clouds'
// addresses stand in for their regional stacks).
func globalIBM(t *testing.T, m *deployMocks, spec *topology.Spec, outputs map[string]stacks.Outputs) {
	t.Helper()
	transit, glb := network.BuildTransit(spec), network.BuildGLB(spec)
	if transit.IBM == nil || glb == nil {
		t.Fatal("the example has no IBM transit gateway or no global load balancer")
	}
	ctx := context.Background()
	pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{Project: spec.Name, Stack: stacks.TransitIBMName, Mocks: m})
	if err != nil {
		t.Fatal(err)
	}
	defer pctx.Close()
	str := func(stack, key string) pulumi.StringInput {
		if v, ok := outputs[stack][key]; ok {
			return pulumi.String(fmt.Sprint(v.Value))
		}
		return pulumi.String("203.0.113.10")
	}
	crns := map[string]pulumi.StringInput{}
	for _, id := range transit.IBM.VPCs {
		crns[id] = str(id, "vpcCrn")
	}
	ingress := map[string]pulumi.StringInput{}
	for _, p := range glb.Pools {
		for _, o := range p.Members {
			ingress[o.ID] = str(o.ID, "ingressAddress")
		}
	}
	net, err := network.Compute(spec)
	if err != nil {
		t.Fatal(err)
	}
	mesh, err := network.BuildMesh(spec, net)
	if err != nil || mesh == nil {
		t.Fatalf("the example has no mesh: %v", err)
	}
	err = pulumi.RunWithContext(pctx, func(ctx *pulumi.Context) error {
		for _, r := range spec.Clouds.IBM.Regions {
			id := r.ID()
			var peers []wireguard.Peer
			for _, p := range mesh.Peers(id) {
				peers = append(peers, wireguard.Peer{ID: p.ID, PublicIP: pulumi.String("198.51.100.9").ToStringOutput()})
			}
			subnets := map[string]pulumi.StringInput{}
			switch zs := outputs[id][stacksibm.MeshZoneSubnetsOutput].Value.(type) {
			case map[string]string:
				for z, v := range zs {
					subnets[z] = pulumi.String(v)
				}
			case map[string]any:
				for z, v := range zs {
					subnets[z] = pulumi.String(fmt.Sprint(v))
				}
			}
			if err := stacksibm.Gateway(ctx, stacksibm.GatewayArgs{Region: r, Placement: wireguard.Placement{Spec: spec, Net: net.Region(id), Port: mesh.Port,
				UserData: pulumi.String("#cloud-config\n").ToStringOutput(), Peers: peers, Routes: mesh.Routes(transit, id)},
				VpcId: str(id, "vpcId"), Zone: str(id, stacksibm.MeshZoneOutput), SubnetId: str(id, stacksibm.MeshSubnetOutput),
				FloatingIpId: str(id, stacksibm.MeshFloatingIPOutput), RoutingTableId: str(id, stacksibm.MeshRoutingTableOutput),
				ZoneSubnets: subnets}); err != nil {
				return err
			}
		}
		if _, err := stacksibm.Transit(ctx, stacksibm.TransitArgs{Spec: spec, Transit: transit.IBM, VpcCrns: crns}); err != nil {
			return err
		}
		if glb.Provider != "ibm-cis" {
			return nil
		}
		_, _, err := stacksibm.GlobalLoadBalancer(ctx, stacksibm.GlobalLoadBalancerArgs{Spec: spec, GLB: glb, Ingress: ingress,
			ResourceGroup: stacksibm.ResourceGroupName(spec, transit.IBM.Environment)})
		return err
	})
	if err != nil {
		t.Fatalf("global stack, IBM part: %v", err)
	}
}
