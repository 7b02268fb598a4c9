package stacks_test

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"infra/plan"
	"infra/plan/plantest"
	"infra/stacks"
	ovhstack "infra/stacks/ovh"
	"infra/topology"
)

// planOf plans a topology, from a file or from YAML text, under the plan's
// mocks and returns its global stack.
func planOf(t *testing.T, pathOrYAML string) (*plan.Plan, *plan.Stack) {
	t.Helper()
	t.Setenv(ovhstack.ProjectEnv, "")
	var spec *topology.Spec
	var ds topology.Diagnostics
	var err error
	if strings.HasSuffix(pathOrYAML, ".yaml") {
		spec, ds, err = topology.Load(pathOrYAML)
	} else {
		spec, ds, err = topology.Parse("t.yaml", []byte(pathOrYAML))
	}
	if err != nil || ds.HasErrors() {
		t.Fatalf("load: %v %v", err, ds)
	}
	_, p := plantest.Generate(t, spec)
	return p, crossRegion(p)
}

// crossRegion merges the plan's cross-region stacks (transit-ibm,
// transit-aws, mesh, glb) into one record, for tests that look for a
// resource whichever of them holds it.
func crossRegion(p *plan.Plan) *plan.Stack {
	out := &plan.Stack{Name: "cross-region", Outputs: map[string]any{}}
	for _, s := range p.Stacks {
		if s.Kind != string(stacks.Global) {
			continue
		}
		out.Resources = append(out.Resources, s.Resources...)
		for k, v := range s.Outputs {
			out.Outputs[k] = v
		}
	}
	return out
}

func ofType(s *plan.Stack, typ string) []*plan.Resource {
	var out []*plan.Resource
	for _, r := range s.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func named(t *testing.T, s *plan.Stack, name string) *plan.Resource {
	t.Helper()
	for _, r := range s.Resources {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("stack %s has no resource %s", s.Name, name)
	return nil
}

func names(rs []*plan.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}

func in(r *plan.Resource, key string) string { return fmt.Sprint(r.Inputs[key]) }

// output reads one export of a regional stack from the plan.
func output(t *testing.T, p *plan.Plan, stack, key string) any {
	t.Helper()
	s := p.Stack(stack)
	if s == nil {
		t.Fatalf("no stack %s", stack)
	}
	return s.Outputs[key]
}

const (
	tgw         = "aws:ec2transitgateway/transitGateway:TransitGateway"
	attachment  = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
	association = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"
	propagation = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"
	peering     = "aws:ec2transitgateway/peeringAttachment:PeeringAttachment"
	peerAccept  = "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter"
	tgwRoute    = "aws:ec2transitgateway/route:Route"
	vpcRoute    = "aws:ec2/route:Route"
)

// tgwRoutes are the VPC routes of the transit gateways (the mesh adds others).
func tgwRoutes(s *plan.Stack) []*plan.Resource {
	var out []*plan.Resource
	for _, r := range ofType(s, vpcRoute) {
		if strings.Contains(r.Name, "-tgw-route-") {
			out = append(out, r)
		}
	}
	return out
}

func TestTransitOfMulticloud(t *testing.T) {
	p, g := planOf(t, "../examples/multicloud.yaml")

	// IBM: one gateway, global routing, a vpc connection naming the VPC's CRN.
	ibm := named(t, g, "ibm-transit-gateway")
	if in(ibm, "global") != "true" || in(ibm, "location") != "us-south" || in(ibm, "resourceGroup") != "acme-platform-prod" {
		t.Errorf("IBM transit gateway inputs %v", ibm.Inputs)
	}
	conn := named(t, g, "ibm-us-south-prod-transit-connection")
	if in(conn, "networkType") != "vpc" || in(conn, "networkId") != output(t, p, "ibm-us-south-prod", "vpcCrn") {
		t.Errorf("connection %v, want the VPC's crn %v", conn.Inputs, output(t, p, "ibm-us-south-prod", "vpcCrn"))
	}

	// AWS: prod and staging share us-east-1, so one gateway, in the
	// landing zone's shared-services account, shared with both.
	gws := ofType(g, tgw)
	if len(gws) != 1 || gws[0].Provider != "aws-provider-us-east-1-shared-services" {
		t.Fatalf("transit gateways %v", names(gws))
	}
	if in(gws[0], "defaultRouteTableAssociation") != "disable" || in(gws[0], "autoAcceptSharedAttachments") != "enable" {
		t.Errorf("gateway %v", gws[0].Inputs)
	}
	for _, env := range []string{"prod", "staging"} {
		id := "aws-us-east-1-" + env
		att := named(t, g, id+"-tgw-attachment")
		if att.Provider != "aws-provider-us-east-1-"+env {
			t.Errorf("%s attaches from %s, want its own account", id, att.Provider)
		}
		if !slices.Contains(att.DependsOn, "aws-us-east-1-tgw-share-organization") {
			t.Errorf("%s attaches before the share reaches the organization: %v", id, att.DependsOn)
		}
		if fmt.Sprint(att.Inputs["subnetIds"]) != fmt.Sprint(output(t, p, id, "privateSubnetIds")) || in(att, "vpcId") != output(t, p, id, "vpcId") {
			t.Errorf("%s attachment %v", id, att.Inputs)
		}
		for _, n := range []string{"-tgw-association", "-tgw-propagation"} {
			if r := named(t, g, id+n); r.Provider != "aws-provider-us-east-1-shared-services" {
				t.Errorf("%s%s by %s, want the gateway's owner", id, n, r.Provider)
			}
		}
	}
	// One share, with the organization: no per-account principal and no
	// accepter, which fails within an organization.
	principal := named(t, g, "aws-us-east-1-tgw-share-organization")
	if org := fmt.Sprint(p.Stack("landingzone-aws").Outputs["organizationArn"]); in(principal, "principal") != org || !strings.Contains(org, ":organization/o-") {
		t.Errorf("share principal %s, want the organization %s", in(principal, "principal"), org)
	}
	if n := len(ofType(g, "aws:ram/principalAssociation:PrincipalAssociation")) + len(ofType(g, "aws:ram/resourceShareAccepter:ResourceShareAccepter")); n != 1 {
		t.Errorf("%d principal associations and accepters, want the organization's alone", n)
	}
	if got := len(ofType(g, association)) + len(ofType(g, propagation)); got != 4 {
		t.Errorf("%d associations and propagations, want 4", got)
	}
	if n := len(ofType(g, peering)); n != 0 {
		t.Errorf("%d peerings with a single AWS region", n)
	}
	// Each environment has its own gateway route table: each attachment is
	// associated with and propagates into its own, and no private route
	// table sends the other environment's VPC to the gateway.
	for _, env := range []string{"prod", "staging"} {
		id := "aws-us-east-1-" + env
		rt := named(t, g, "aws-us-east-1-tgw-rt-"+env)
		for _, n := range []string{"-tgw-association", "-tgw-propagation"} {
			if r := named(t, g, id+n); !slices.Contains(r.DependsOn, rt.Name) {
				t.Errorf("%s%s is not in the %s table: %v", id, n, env, r.DependsOn)
			}
		}
	}
	if n := len(ofType(g, "aws:ec2transitgateway/routeTable:RouteTable")); n != 2 {
		t.Errorf("%d gateway route tables, want one per environment", n)
	}
	if routes := tgwRoutes(g); len(routes) != 0 {
		t.Errorf("VPC routes to the other environment: %v", names(routes))
	}
	// The other environment's CIDR goes to the gateway, which drops it, so
	// the mesh's 10.0.0.0/8 summary cannot carry it: prod's 3 zones and
	// staging's 2.
	var drops []string
	for _, r := range ofType(g, vpcRoute) {
		if strings.Contains(r.Name, "-tgw-drop-") {
			drops = append(drops, r.Name)
		}
	}
	if len(drops) != 5 {
		t.Errorf("isolation routes %v, want 5", drops)
	}
	// Nor does the mesh route prod to staging in the same region.
	r := p.Stack(stacks.MeshName)
	for _, res := range r.Resources {
		if strings.HasPrefix(res.Name, "aws-us-east-1-prod-mesh-route-") && strings.HasSuffix(res.Name, "-aws-us-east-1-staging") {
			t.Errorf("mesh route %s joins prod to staging", res.Name)
		}
	}

	// Connected environments share one table, and route to each other.
	_, g = planOf(t, strings.Replace(string(mustRead(t, "../examples/multicloud.yaml")), "aws: {peering: true}", "aws: {peering: true, connectEnvironments: true}", 1))
	if n := len(ofType(g, "aws:ec2transitgateway/routeTable:RouteTable")); n != 1 {
		t.Errorf("%d gateway route tables with connected environments, want 1", n)
	}
	var got []string
	for _, r := range tgwRoutes(g) {
		got = append(got, r.Provider+" "+in(r, "destinationCidrBlock"))
	}
	sort.Strings(got)
	want := []string{
		"aws-provider-us-east-1-prod 10.11.0.0/16", "aws-provider-us-east-1-prod 10.11.0.0/16", "aws-provider-us-east-1-prod 10.11.0.0/16",
		"aws-provider-us-east-1-staging 10.10.0.0/16", "aws-provider-us-east-1-staging 10.10.0.0/16",
	}
	if !slices.Equal(got, want) {
		t.Errorf("VPC routes to the gateway:\n got %v\nwant %v", got, want)
	}
}

const threeRegions = `name: t
tags: {Owner: me}
clouds:
  aws:
    regions:
      - {region: eu-west-1, environment: prod}
      - {region: us-east-1, environment: prod}
      - {region: eu-west-1, environment: dev}
      - {region: ap-south-1, environment: prod}
network:
  transit: {aws: {peering: true}}
`

func TestTransitPeersEveryTwoRegions(t *testing.T) {
	_, g := planOf(t, threeRegions)
	if gws := ofType(g, tgw); len(gws) != 3 {
		t.Fatalf("%d gateways for 3 regions", len(gws))
	}
	// Without a landing zone everything is in the caller's account: the
	// gateway owner sets the attachments' route tables itself, no RAM.
	att := named(t, g, "aws-eu-west-1-dev-tgw-attachment")
	if in(att, "transitGatewayDefaultRouteTableAssociation") != "false" || att.Provider != "aws-provider-eu-west-1-caller" {
		t.Errorf("attachment %v by %s", att.Inputs, att.Provider)
	}
	if n := len(ofType(g, "aws:ram/resourceShare:ResourceShare")); n != 0 {
		t.Errorf("%d RAM shares in one account", n)
	}
	want := []string{"aws-eu-west-1--ap-south-1-tgw-peering", "aws-eu-west-1--us-east-1-tgw-peering", "aws-us-east-1--ap-south-1-tgw-peering"}
	if got := names(ofType(g, peering)); !slices.Equal(got, want) {
		t.Fatalf("peerings %v, want %v", got, want)
	}
	pe := named(t, g, "aws-eu-west-1--us-east-1-tgw-peering")
	acc := named(t, g, "aws-eu-west-1--us-east-1-tgw-peering-accepter")
	if pe.Provider != "aws-provider-eu-west-1-caller" || in(pe, "peerRegion") != "us-east-1" || acc.Provider != "aws-provider-us-east-1-caller" {
		t.Errorf("peering %v by %s, accepted by %s", pe.Inputs, pe.Provider, acc.Provider)
	}
	if _, ok := pe.Inputs["peerAccountId"]; ok {
		t.Errorf("peering in one account names a peer account: %v", pe.Inputs)
	}
	// Static routes, in the prod tables only: eu-west-1's reaches
	// us-east-1's and ap-south-1's prod VPC; theirs reach eu-west-1's prod
	// and each other's. dev, in eu-west-1 alone, is routed over no peering.
	count := map[string]int{}
	for _, r := range ofType(g, tgwRoute) {
		count[r.Provider]++
		if !strings.Contains(fmt.Sprint(r.DependsOn), "-tgw-rt-prod") {
			t.Errorf("static route %s not in a prod table: %v", r.Name, r.DependsOn)
		}
	}
	if count["aws-provider-eu-west-1-caller"] != 2 || count["aws-provider-us-east-1-caller"] != 2 || count["aws-provider-ap-south-1-caller"] != 2 {
		t.Errorf("static routes per gateway %v", count)
	}
	r := named(t, g, "aws-us-east-1-tgw-route-aws-eu-west-1-prod")
	if !slices.Contains(r.DependsOn, "aws-eu-west-1--us-east-1-tgw-peering-accepter") {
		t.Errorf("route over a peering waits for %v, not the acceptance", r.DependsOn)
	}
	// Peering attachments look up the peering table, which every local VPC
	// propagates into.
	if a := named(t, g, "aws-eu-west-1--us-east-1-tgw-peering-association-eu-west-1"); !slices.Contains(a.DependsOn, "aws-eu-west-1-tgw-rt-peering") {
		t.Errorf("peering associated with %v", a.DependsOn)
	}
	named(t, g, "aws-eu-west-1-dev-tgw-propagation-peering")
	// VPC routes: eu-west-1-prod reaches the 2 other prod VPCs from each of
	// its 3 zones, and not eu-west-1-dev.
	n := 0
	for _, r := range tgwRoutes(g) {
		if strings.HasPrefix(r.Name, "aws-eu-west-1-prod-") {
			n++
		}
		if strings.HasSuffix(r.Name, "-aws-eu-west-1-dev") || strings.HasPrefix(r.Name, "aws-eu-west-1-dev-") {
			t.Errorf("route %s joins dev to prod", r.Name)
		}
	}
	if n != 6 {
		t.Errorf("eu-west-1-prod has %d transit routes, want 3 zones x 2 VPCs", n)
	}
}

func TestNoTransitWithoutTheSpecAsking(t *testing.T) {
	_, g := planOf(t, strings.TrimSuffix(threeRegions, "network:\n  transit: {aws: {peering: true}}\n"))
	for _, typ := range []string{tgw, attachment, peering, "infra:ibm:TransitGateway"} {
		if n := len(ofType(g, typ)); n != 0 {
			t.Errorf("%d %s", n, typ)
		}
	}
	if _, ok := g.Outputs[stacks.TransitGatewaysOutput]; ok {
		t.Errorf("exports transit gateways: %v", g.Outputs)
	}
}

func TestTransitAcrossAccounts(t *testing.T) {
	const src = `name: t
tags: {Owner: me}
clouds:
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: us-east-1, environment: dev}
network:
  transit: {aws: {}}
landingZone:
  aws: {accounts: [%s]}
`
	// No hub account: the gateway lives with the region's first VPC (prod)
	// and is shared with dev's account.
	_, g := planOf(t, fmt.Sprintf(src, "prod, dev"))
	if gw := named(t, g, "aws-us-east-1-tgw"); gw.Provider != "aws-provider-us-east-1-prod" {
		t.Errorf("gateway in %s, want prod's account", gw.Provider)
	}
	if got := names(ofType(g, "aws:ram/principalAssociation:PrincipalAssociation")); !slices.Equal(got, []string{"aws-us-east-1-tgw-share-organization"}) {
		t.Errorf("shared with %v, want the organization only", got)
	}
	if att := named(t, g, "aws-us-east-1-dev-tgw-attachment"); !slices.Contains(att.DependsOn, "aws-us-east-1-tgw-share-organization") {
		t.Errorf("dev attaches before the share: %v", att.DependsOn)
	}
	if att := named(t, g, "aws-us-east-1-prod-tgw-attachment"); in(att, "transitGatewayDefaultRouteTableAssociation") != "false" {
		t.Errorf("the owner's own attachment leaves the default route table on: %v", att.Inputs)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
