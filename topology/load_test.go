package topology

import (
	"slices"
	"testing"
	"time"
)

// ownedAWS begins a topology tagged with an owner, with one AWS region;
// tests append what they need.
const ownedAWS = "name: acme\ntags: {Owner: me}\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n"

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, ds, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for _, d := range ds {
		t.Logf("warning: %s", d)
	}
	return s
}

func TestDefaults(t *testing.T) {
	s := mustParse(t, `name: acme
tags: {Owner: me}
clouds:
  ibm:
    regions:
      - {region: us-south, environment: prod}
      - {region: ca-mon, environment: prod}
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: ap-northeast-1, environment: prod, cluster: {nodesPerZone: {min: 2}}}
  hetzner:
    regions:
      - {region: nbg1, environment: prod}
  ovh:
    regions:
      - {region: GRA11, environment: prod}
      - {region: BHS5, environment: prod}
      - {region: EU-WEST-PAR, environment: prod}
network:
  transit: {ibm: {routing: global}}
  mesh: {}
  globalLoadBalancer:
    hostname: app.example.com
    healthCheck: {protocol: http, retries: 0}
    pools: [{name: us, members: [ibm/us-south, aws/us-east-1]}]
    fallback: us
landingZone:
  aws: {accounts: [prod]}
  guardrails: [deny-root-account, {require-encryption: {}, enforcement: advisory}]
`)
	if s.Backend != "file://.infra/state" || s.Network.Supernet != "10.0.0.0/8" {
		t.Errorf("backend %q supernet %q", s.Backend, s.Network.Supernet)
	}
	m := s.Network.Mesh
	if m.Overlay != "10.255.0.0/24" || m.Port != 51820 || m.MTU != 0 || m.Keepalive.Duration != 25*time.Second {
		t.Errorf("mesh defaults: %+v", *m)
	}
	for _, r := range s.Regions() {
		if !r.InMesh() {
			t.Errorf("%s not in the mesh by default", r.Ref())
		}
	}
	one := mustParse(t, "name: a\nclouds: {ibm: {regions: [{region: eu-de, environment: prod}]}}\nnetwork: {transit: {ibm: {}}}\n")
	if got := one.Network.Transit.IBM.Routing; got != "local" {
		t.Errorf("IBM transit routing = %q, want local", got)
	}

	zones := map[string][]string{}
	for _, r := range s.Regions() {
		zones[r.ID()] = r.Zones
	}
	wantZones := map[string][]string{
		"ibm-us-south-prod":       {"us-south-1", "us-south-2", "us-south-3"},
		"ibm-ca-mon-prod":         {"ca-mon-1", "ca-mon-2", "ca-mon-3"},
		"aws-us-east-1-prod":      {"us-east-1a", "us-east-1b", "us-east-1c"}, // first three of six
		"aws-ap-northeast-1-prod": {"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
		"hetzner-nbg1-prod":       nil,
		"ovh-gra11-prod":          nil,
		"ovh-bhs5-prod":           nil,
		"ovh-eu-west-par-prod":    {"eu-west-par-a", "eu-west-par-b", "eu-west-par-c"},
	}
	for id, w := range wantZones {
		if !slices.Equal(zones[id], w) {
			t.Errorf("zones of %s = %v, want %v", id, zones[id], w)
		}
	}

	ibm := s.Clouds.IBM.Regions
	if k := ibm[0].Cluster; k.Kubernetes != "1.35" || k.Flavor != "bx2.4x16" || k.WorkersPerZone != 2 {
		t.Errorf("IBM cluster defaults: %+v", k)
	}
	if f := ibm[1].Cluster.Flavor; f != "bx3d.4x20" {
		t.Errorf("ca-mon flavor = %q, want bx3d.4x20 (3rd generation only)", f)
	}
	aws := s.Clouds.AWS.Regions
	if k := aws[0].Cluster; k.Kubernetes != "1.35" || k.InstanceType != "t3.medium" ||
		k.NodesPerZone.Min != 1 || k.NodesPerZone.Max != 3 || k.NodesPerZone.Desired != 1 {
		t.Errorf("AWS cluster defaults: %+v", k)
	}
	if n := aws[1].Cluster.NodesPerZone; n.Min != 2 || n.Max != 2 || n.Desired != 2 {
		t.Errorf("min-only scaling = %+v, want 2/2/2", n)
	}
	if k := s.Clouds.Hetzner.Regions[0].Cluster; k.ServerType != "cx33" || k.ControlPlanes != 1 || k.Workers != 3 || k.Kubernetes != "1.35" {
		t.Errorf("Hetzner cluster defaults: %+v", k)
	}
	ovh := s.Clouds.OVH.Regions
	for i, w := range []struct{ flavor, plan string }{{"b3-8", "free"}, {"b2-7", "free"}, {"b3-8", "standard"}} {
		k := ovh[i].Cluster
		if k.Flavor != w.flavor || k.Plan != w.plan || k.Nodes.Min != 3 || k.Nodes.Max != 3 || k.Nodes.Desired != 3 {
			t.Errorf("OVH %s cluster = %+v, want flavor %s plan %s 3 nodes", ovh[i].Name, k, w.flavor, w.plan)
		}
	}

	g := s.Network.GlobalLoadBalancer
	h := g.HealthCheck
	if g.Provider != "ibm-cis" || g.Steering != "dynamic_latency" {
		t.Errorf("GLB defaults: provider %q steering %q", g.Provider, g.Steering)
	}
	if h.Protocol != "http" || h.Port != 80 || h.Path != "/healthz" || h.Interval.Duration != time.Minute ||
		h.Timeout.Duration != 5*time.Second || h.Retries != 0 {
		t.Errorf("health check defaults: %+v (explicit retries: 0 must stay 0; http means port 80)", h)
	}
	if p := s.LandingZone.AWS.EmailPattern; p != "aws+{account}@example.com" {
		t.Errorf("email pattern = %q", p)
	}
	gr := s.LandingZone.Guardrails
	if !gr[0].Mandatory() || gr[1].Mandatory() || gr[1].Name != "require-encryption" {
		t.Errorf("guardrails: %+v %+v", *gr[0], *gr[1])
	}
}

func TestDefaultsWithoutMesh(t *testing.T) {
	s := mustParse(t, base+`network:
  globalLoadBalancer:
    hostname: app.example.com
    pools: [{name: us, members: [aws/us-east-1]}]
    fallback: us
`)
	if s.Network.Mesh != nil {
		t.Fatal("mesh appeared from nowhere")
	}
	if r := s.Regions()[0]; r.InMesh() {
		t.Errorf("%s is in the mesh, but network.mesh is not set", r.Ref())
	}
	h := s.Network.GlobalLoadBalancer.HealthCheck
	// http on 80: every origin answers it on a fresh deploy (ADR glb/health-check)
	if h.Protocol != "http" || h.Port != 80 || h.Path != "/healthz" || h.Retries != 2 {
		t.Errorf("health check defaults: %+v", h)
	}
}

func TestSpecHelpers(t *testing.T) {
	s := mustParse(t, ownedAWS+`      - {region: us-east-1, environment: staging}
  hetzner:
    regions:
      - {region: nbg1, environment: prod}
landingZone:
  guardrails: [deny-root-account]
`)
	rs := s.Regions()
	if len(rs) != 3 || rs[0].ID() != "aws-us-east-1-prod" || rs[1].Ref() != "aws/us-east-1/staging" || rs[2].Cloud != Hetzner {
		t.Fatalf("regions: %v %v %v", rs[0].ID(), rs[1].Ref(), rs[2].Cloud)
	}
	if got := len(s.Lookup("aws/us-east-1")); got != 2 {
		t.Errorf("Lookup(aws/us-east-1) = %d entries, want 2", got)
	}
	if got := s.Lookup("aws/us-east-1/staging"); len(got) != 1 || got[0] != rs[1] {
		t.Errorf("Lookup(aws/us-east-1/staging) = %v", got)
	}
	for _, ref := range []string{"aws", "aws/us-east-1/prod/x", "ovh/GRA11", ""} {
		if got := s.Lookup(ref); len(got) != 0 {
			t.Errorf("Lookup(%q) = %v, want none", ref, got)
		}
	}
	if got := s.Environments(); !slices.Equal(got, []string{"prod", "staging"}) {
		t.Errorf("Environments() = %v", got)
	}
	tags := s.TagsFor(rs[1])
	if len(tags) != 2 || tags["Owner"] != "me" || tags["Environment"] != "staging" {
		t.Errorf("TagsFor = %v", tags)
	}
	if s.Tags["Environment"] != "" {
		t.Error("TagsFor changed the spec's tags")
	}
	if s.Guardrail("deny-root-account") == nil || s.Guardrail("require-tags") != nil {
		t.Error("Guardrail lookup")
	}
	if p := rs[0].At("environment"); p.String() != "t.yaml:6:42" {
		t.Errorf("At(environment) = %s", p)
	}
	if p := rs[0].At("nonexistent"); p != rs[0].Pos {
		t.Errorf("At(missing key) = %s, want the mapping's position %s", p, rs[0].Pos)
	}
}

func TestBackendURL(t *testing.T) {
	for _, tt := range []struct{ file, backend, want string }{
		{"/x/topology.yaml", "file://.infra/state", "file:///x/.infra/state"},
		{"dir/t.yaml", "file://state", "file://dir/state"},
		{"/x/t.yaml", "file:///abs/state", "file:///abs/state"},
		{"/x/t.yaml", "file://~/state", "file://~/state"},
		{"/x/t.yaml", "s3://bucket/prefix", "s3://bucket/prefix"},
	} {
		s := &Spec{File: tt.file, Backend: tt.backend}
		if got := s.BackendURL(); got != tt.want {
			t.Errorf("BackendURL(%s, %s) = %s, want %s", tt.file, tt.backend, got, tt.want)
		}
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 25 * time.Second: "25s", 10 * time.Second: "10s", 30 * time.Second: "30s", time.Minute: "1m",
		20 * time.Minute: "20m", 90 * time.Minute: "1h30m", time.Hour: "1h", 10 * time.Hour: "10h", 1500 * time.Millisecond: "1.5s",
		61 * time.Second: "1m1s", time.Hour + time.Second: "1h0m1s",
	} {
		if got := (Duration{d}).String(); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"name", "tags", "clouds", "network", "landingZone", "backend"}
	for _, tt := range []struct {
		in   string
		from []string
		want string
	}{
		{"nmae", names, "name"},      // transposition
		{"Clouds", names, "clouds"},  // case
		{"netwrk", names, "network"}, // deletion
		{"landingzone", names, "landingZone"},
		{"landing", names, "landingZone"}, // prefix
		{"tag", names, "tags"},
		{"xyz", names, ""}, // nothing close
		{"region", names, ""},
		{"us-east-7", []string{"us-east-2", "us-east-1"}, "us-east-1"}, // ties break alphabetically
		{"eu-wset-1", []string{"eu-west-1", "eu-west-2", "us-west-1"}, "eu-west-1"},
		{"WNAN", []string{"ENAM", "WNAM", "WEU"}, "WNAM"},
		{"anything", nil, ""},
		{"", names, ""},
		{string(make([]byte, 100)), names, ""}, // long input is not compared
	} {
		if got := suggest(tt.in, tt.from); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"nmae", "name", 2}, {"same", "same", 0},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestScalingForms(t *testing.T) {
	s := mustParse(t, `name: acme
clouds:
  aws:
    regions:
      - {region: us-east-1, environment: a, cluster: {nodesPerZone: 4}}
      - {region: us-east-1, environment: b, cluster: {nodesPerZone: {min: 1, max: 5, desired: 2}}}
      - {region: us-east-1, environment: c, cluster: {nodesPerZone: {max: 5}}}
`)
	got := func(i int) Scaling { return s.Clouds.AWS.Regions[i].Cluster.NodesPerZone }
	for i, w := range [][3]int{{4, 4, 4}, {1, 5, 2}, {0, 5, 0}} {
		n := got(i)
		if [3]int{n.Min, n.Max, n.Desired} != w {
			t.Errorf("nodesPerZone[%d] = %d/%d/%d, want %v", i, n.Min, n.Max, n.Desired, w)
		}
	}
}

func TestGuardrailForms(t *testing.T) {
	s := mustParse(t, ownedAWS+`landingZone:
  guardrails:
    - deny-root-account
    - {allowed-regions: {aws: [us-east-1, eu-west-1]}, enforcement: advisory}
    - require-tags: [Owner]
    - deny-public-buckets: {}
`)
	g := s.LandingZone.Guardrails
	if len(g) != 4 {
		t.Fatalf("%d guardrails", len(g))
	}
	if a := g[1]; a.Name != "allowed-regions" || a.Mandatory() || !slices.Equal(a.AllowedRegions[AWS], []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("allowed-regions = %+v", *a)
	}
	if r := g[2]; r.Name != "require-tags" || !slices.Equal(r.Tags, []string{"Owner"}) || !r.Mandatory() {
		t.Errorf("require-tags = %+v", *r)
	}
	if g[3].Name != "deny-public-buckets" {
		t.Errorf("guardrail with empty params = %+v", *g[3])
	}
	if got := GuardrailNames(); !slices.IsSorted(got) || len(got) != 6 {
		t.Errorf("GuardrailNames() = %v", got)
	}
}

func TestCatalog(t *testing.T) {
	for _, c := range AllClouds {
		names := RegionNames(c)
		if len(names) == 0 || !slices.IsSorted(names) {
			t.Errorf("RegionNames(%s) = %v", c, names)
		}
		for _, n := range names {
			if !KnownRegion(c, n) {
				t.Errorf("KnownRegion(%s, %s) = false", c, n)
			}
		}
	}
	if KnownRegion(AWS, "nbg1") || KnownRegion(Hetzner, "us-east-1") {
		t.Error("regions leak between clouds")
	}
	if NetworkZone("hel1") != "eu-central" || NetworkZone("ash") != "us-east" {
		t.Error("Hetzner network zones")
	}
	if !OVHStandardOnly("EU-WEST-PAR") || OVHStandardOnly("GRA11") {
		t.Error("OVH plans")
	}
	if !IsCISRegion("WEU") || IsCISRegion("EU") {
		t.Error("CIS regions")
	}
}

func TestGuardrailAliases(t *testing.T) {
	// Parameters given through anchors must count, not silently vanish.
	s := mustParse(t, `name: acme
tags: {Owner: me}
clouds:
  aws:
    regions:
      - {region: &r us-east-1, environment: prod}
landingZone:
  guardrails:
    - allowed-regions: {aws: [*r]}
    - {require-tags: [Owner], enforcement: &adv advisory}
    - {require-encryption: ~, enforcement: *adv}
`)
	g := s.LandingZone.Guardrails
	if !slices.Equal(g[0].AllowedRegions[AWS], []string{"us-east-1"}) || g[1].Mandatory() || g[2].Mandatory() {
		t.Errorf("guardrails through anchors: %+v %+v %+v", *g[0], *g[1], *g[2])
	}
	s, _ = decodeSpec("t.yaml", []byte(`landingZone:
  guardrails:
    - allowed-regions: &m {aws: [eu-west-1]}
    - {allowed-regions: *m, enforcement: advisory}
`))
	g = s.LandingZone.Guardrails
	if len(g) != 2 || !slices.Equal(g[1].AllowedRegions[AWS], []string{"eu-west-1"}) || g[1].Mandatory() {
		t.Errorf("allowed-regions through an alias: %+v", g)
	}
}
