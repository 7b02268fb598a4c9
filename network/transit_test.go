package network

import (
	"slices"
	"testing"

	"infra/topology/topologytest"
)

func TestTransitOfMulticloud(t *testing.T) {
	spec, _, _ := loadExample(t, "multicloud.yaml")
	tr := BuildTransit(spec)
	if tr.IBM == nil || !tr.IBM.Global || tr.IBM.Location != "us-south" || tr.IBM.Environment != "prod" {
		t.Fatalf("IBM transit = %+v", tr.IBM)
	}
	if !slices.Equal(tr.IBM.VPCs, []string{"ibm-us-south-prod"}) {
		t.Errorf("IBM VPCs = %v", tr.IBM.VPCs)
	}
	// prod and staging share us-east-1: one gateway, two attachments.
	if len(tr.AWS) != 1 || tr.AWS[0].Region != "us-east-1" ||
		!slices.Equal(tr.AWS[0].VPCs, []string{"aws-us-east-1-prod", "aws-us-east-1-staging"}) {
		t.Fatalf("AWS gateways = %+v", tr.AWS)
	}
	if len(tr.Peerings) != 0 {
		t.Errorf("one region peers with nothing, got %v", tr.Peerings)
	}
	// Each environment has a route table of its own: prod and staging
	// share the gateway but not a route, and the mesh must not join them.
	if got := tr.Reach("aws-us-east-1-prod"); len(got) != 0 {
		t.Errorf("prod reaches %v", got)
	}
	if g := tr.AWS[0]; !slices.Equal(g.Tables, []string{"prod", "staging"}) || g.RouteTable("aws-us-east-1-staging") != "staging" {
		t.Errorf("route tables %v", g.Tables)
	}
	if !tr.Isolates("aws-us-east-1-prod", "aws-us-east-1-staging") || tr.Isolates("aws-us-east-1-prod", "hetzner-nbg1-prod") {
		t.Errorf("Isolates: prod and staging must be kept apart, other clouds are the mesh's")
	}
	if got := tr.Reach("hetzner-nbg1-prod"); len(got) != 0 {
		t.Errorf("hetzner reaches %v through transit", got)
	}
}

func TestTransit(t *testing.T) {
	const head = "name: t\nclouds:\n  aws:\n    regions:\n"
	aws3 := head +
		"      - {region: eu-west-1, environment: prod}\n" +
		"      - {region: us-east-1, environment: prod}\n" +
		"      - {region: eu-west-1, environment: dev}\n" +
		"      - {region: ap-south-1, environment: prod}\n"
	tests := []struct {
		name     string
		yaml     string
		regions  []string
		peerings []string
		reach    map[string][]string
		isolated [][2]string
	}{
		{
			name:     "peered",
			yaml:     aws3 + "network: {transit: {aws: {peering: true}}}\n",
			regions:  []string{"eu-west-1", "us-east-1", "ap-south-1"},
			peerings: []string{"eu-west-1--us-east-1", "eu-west-1--ap-south-1", "us-east-1--ap-south-1"},
			reach: map[string][]string{
				"aws-eu-west-1-prod":  {"aws-ap-south-1-prod", "aws-us-east-1-prod"},
				"aws-ap-south-1-prod": {"aws-eu-west-1-prod", "aws-us-east-1-prod"},
				"aws-eu-west-1-dev":   nil,
			},
			isolated: [][2]string{{"aws-eu-west-1-prod", "aws-eu-west-1-dev"}, {"aws-ap-south-1-prod", "aws-eu-west-1-dev"}},
		},
		{
			name:     "peered, environments connected",
			yaml:     aws3 + "network: {transit: {aws: {peering: true, connectEnvironments: true}}}\n",
			regions:  []string{"eu-west-1", "us-east-1", "ap-south-1"},
			peerings: []string{"eu-west-1--us-east-1", "eu-west-1--ap-south-1", "us-east-1--ap-south-1"},
			reach: map[string][]string{
				"aws-eu-west-1-prod":  {"aws-ap-south-1-prod", "aws-eu-west-1-dev", "aws-us-east-1-prod"},
				"aws-ap-south-1-prod": {"aws-eu-west-1-dev", "aws-eu-west-1-prod", "aws-us-east-1-prod"},
			},
		},
		{
			name:    "not peered",
			yaml:    aws3 + "network: {transit: {aws: {}}}\n",
			regions: []string{"eu-west-1", "us-east-1", "ap-south-1"},
			reach: map[string][]string{
				"aws-eu-west-1-prod":  nil,
				"aws-ap-south-1-prod": nil,
			},
			isolated: [][2]string{{"aws-eu-west-1-prod", "aws-eu-west-1-dev"}},
		},
		{
			name:  "no transit",
			yaml:  aws3,
			reach: map[string][]string{"aws-eu-west-1-prod": nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := BuildTransit(topologytest.Parse(t, tt.yaml))
			var regions, peerings []string
			for _, g := range tr.AWS {
				regions = append(regions, g.Region)
				if tr.Gateway(g.Region) != g {
					t.Errorf("Gateway(%s) is not the region's gateway", g.Region)
				}
			}
			for _, p := range tr.Peerings {
				peerings = append(peerings, p.Name())
			}
			if !slices.Equal(regions, tt.regions) {
				t.Errorf("gateways in %v, want %v", regions, tt.regions)
			}
			if !slices.Equal(peerings, tt.peerings) {
				t.Errorf("peerings %v, want %v", peerings, tt.peerings)
			}
			for id, want := range tt.reach {
				if got := tr.Reach(id); !slices.Equal(got, want) {
					t.Errorf("%s reaches %v, want %v", id, got, want)
				}
			}
			for _, p := range tt.isolated {
				if !tr.Isolates(p[0], p[1]) || !tr.Isolates(p[1], p[0]) {
					t.Errorf("%s and %s are not isolated", p[0], p[1])
				}
			}
		})
	}
}
