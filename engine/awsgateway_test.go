package engine_test

import (
	"strings"
	"testing"

	"infra/engine"
	"infra/topology/topologytest"
)

// twoAWSRegions is the smallest mesh with AWS gateways on both ends.
const twoAWSRegions = `name: two-aws
clouds:
  aws:
    regions:
      - {region: eu-central-1, environment: prod, zones: [eu-central-1a, eu-central-1b], cidr: 10.10.0.0/16}
      - {region: eu-west-1, environment: prod, zones: [eu-west-1a, eu-west-1b], cidr: 10.11.0.0/16}
network:
  supernet: 10.0.0.0/8
  mesh: {overlay: 10.100.0.0/24, port: 51820}
`

// TestAWSGatewayReplacementKeepsItsInterface: an AWS mesh gateway runs on
// a network interface that holds its Elastic IP before it boots (review
// item 13). A change that replaces the instance (a new mesh port changes
// its user data) must free that interface first: the simulated EC2, like
// the real one, refuses a second instance on an interface in use.
func TestAWSGatewayReplacementKeepsItsInterface(t *testing.T) {
	slow(t, "deploys a topology")
	d := deploy(t, writeSpec(t, twoAWSRegions))

	moved := strings.Replace(twoAWSRegions, "port: 51820", "port: 51821", 1)
	up := open(t, topologytest.Load(t, writeSpec(t, moved)), d.backend, d.srv).Up(d.ctx)
	mustSucceed(t, "up with a new mesh port", up)
	replaced := 0
	for _, s := range up.Stacks {
		for _, st := range s.StepsOf(engine.Replace) {
			if st.Type == "aws:ec2/instance:Instance" {
				replaced++
			}
			if st.Type == "aws:ec2/networkInterface:NetworkInterface" || st.Type == "aws:ec2/eipAssociation:EipAssociation" {
				t.Errorf("%s is replaced (%v); the gateway's address must stay on its interface", st.URN, st.Replaces)
			}
		}
	}
	if replaced != 4 {
		t.Errorf("%d gateway instances replaced, want 4, one per zone of each region (the user data names the port)", replaced)
	}
}
