package cost

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestBuiltinTableIsDatedAndSourced(t *testing.T) {
	p := Prices()
	if p.AsOf == "" || p.USDPerEUR <= 0 {
		t.Fatalf("table has no date or exchange rate: %+v", p)
	}
	seen := map[string]bool{}
	for _, r := range p.Rows {
		key := r.Cloud + "/" + r.Kind + "/" + r.SKU + "/" + strings.Join(r.Regions, " ")
		if seen[key] {
			t.Errorf("duplicate row %s", key)
		}
		seen[key] = true
		if !strings.HasPrefix(r.Source, "https://") || r.Checked == "" || r.Basis == "" {
			t.Errorf("row %s lacks a source, date or basis", key)
		}
	}
}

func TestParseRejectsBadRows(t *testing.T) {
	head := "cloud,kind,sku,regions,unit,price,currency,source,checked,basis,note\nfx,usd-per-eur,EUR,*,unit,1.1,USD,https://x,2026-01-01,vendor,\n"
	for name, row := range map[string]string{
		"negative price": "aws,nat-gateway,,*,hour,-1,USD,https://x,2026-01-01,vendor,",
		"bad unit":       "aws,nat-gateway,,*,day,1,USD,https://x,2026-01-01,vendor,",
		"no source":      "aws,nat-gateway,,*,hour,1,USD,aws.amazon.com,2026-01-01,vendor,",
		"no date":        "aws,nat-gateway,,*,hour,1,USD,https://x,,vendor,",
		"bad basis":      "aws,nat-gateway,,*,hour,1,USD,https://x,2026-01-01,guess,",
		"bad currency":   "aws,nat-gateway,,*,hour,1,GBP,https://x,2026-01-01,vendor,",
	} {
		if _, err := Parse(head + row + "\n"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The estimate's arithmetic, checked by hand against a small table.
func TestEstimateArithmetic(t *testing.T) {
	tab, err := Parse(`cloud,kind,sku,regions,unit,price,currency,source,checked,basis,note
fx,usd-per-eur,EUR,*,unit,1.5,USD,https://ecb,2026-01-02,vendor,
aws,instance,t3.medium,us-east-1,hour,0.04,USD,https://aws,2026-01-01,vendor,
aws,instance,t3.medium,*,hour,0.05,USD,https://aws,2026-01-01,vendor,
aws,nat-gateway,,us-east-1,hour,0.045,USD,https://aws,2026-01-01,vendor,
hetzner,server,cx23,*,month,4,EUR,https://hetzner,2026-01-01,vendor,
hetzner,primary-ipv4,,*,month,0.5,EUR,https://hetzner,2026-01-01,vendor,
ibm,iks-cluster,,*,month,0,USD,https://ibm,2026-01-01,vendor,
ibm,iks-worker,bx2.4x16,*,hour,0.2,USD,https://ibm,2026-01-01,vendor,
`)
	if err != nil {
		t.Fatal(err)
	}
	stacks := []Stack{
		{Name: "aws-us-east-1-prod", Region: "us-east-1", Resources: []Resource{
			{Type: "pulumi:providers:aws", Name: "p", Inputs: map[string]any{"region": "us-east-1"}},
			{Type: "aws:eks/nodeGroup:NodeGroup", Name: "nodes", Provider: "p", Inputs: map[string]any{
				"instanceTypes": []any{"t3.medium"}, "scalingConfig": map[string]any{"desiredSize": 3.0}}},
			{Type: "aws:ec2/natGateway:NatGateway", Name: "nat", Provider: "p"},
			{Type: "aws:ec2/vpc:Vpc", Name: "vpc", Provider: "p"},
		}},
		{Name: "global", Resources: []Resource{
			// No provider: priced at the row for every region.
			{Type: "aws:ec2/instance:Instance", Name: "gw", Inputs: map[string]any{"instanceType": "t3.medium"}},
			{Type: "hcloud:index/server:Server", Name: "hz", Inputs: map[string]any{"serverType": "cx23", "location": "nbg1"}},
			{Type: "hcloud:index/server:Server", Name: "hz6", Inputs: map[string]any{"serverType": "cx23",
				"publicNets": []any{map[string]any{"ipv4Enabled": false}}}},
			{Type: "infra:ibm:VpcCluster", Name: "iks", Inputs: map[string]any{"flavor": "bx2.4x16", "workerCount": 2.0,
				"zoneSubnets": map[string]any{"z1": "a", "z2": "b", "z3": "c"}}},
			{Type: "aws:ec2/natGateway:NatGateway", Name: "nat-elsewhere", Inputs: map[string]any{"region": "eu-west-1"}},
			{Type: "infra:ibm:Mystery", Name: "m"},
		}},
	}
	e := tab.Estimate(stacks, Hints{})
	cents := func(f float64) Cents { return Cents(math.Round(f * 100)) }
	want := map[string]Cents{
		"nodes":           cents(3 * 0.04 * 730), // 87.60
		"nat":             cents(0.045 * 730),    // 32.85
		"gw":              cents(0.05 * 730),     // 36.50
		"hz/server":       cents(4 * 1.5),        // 6.00
		"hz/primary-ipv4": cents(0.5 * 1.5),      // 0.75
		"hz6/server":      cents(4 * 1.5),        // 6.00, no IPv4
		"iks/iks-cluster": 0,                     //
		"iks/iks-worker":  cents(6 * 0.2 * 730),  // 876.00
	}
	got := map[string]Cents{}
	for _, s := range e.Stacks {
		var sum Cents
		for _, l := range s.Lines {
			key := l.Resource
			if l.Resource == "hz" || l.Resource == "hz6" || l.Resource == "iks" {
				key += "/" + l.Kind
			}
			got[key] = l.Monthly
			sum += l.Monthly
		}
		if sum != s.Monthly {
			t.Errorf("stack %s: lines add up to %s, stack says %s", s.Stack, sum, s.Monthly)
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %s, want %s", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("priced %v, want %v", got, want)
	}
	var total Cents
	for _, w := range want {
		total += w
	}
	if e.Monthly != total {
		t.Errorf("total %s, want %s", e.Monthly, total)
	}
	clouds := map[string]Cents{}
	for _, c := range e.Clouds {
		clouds[c.Cloud] = c.Monthly
	}
	if clouds["aws"] != want["nodes"]+want["nat"]+want["gw"] || clouds["hetzner"] != 1275 || clouds["ibm"] != 87600 {
		t.Errorf("per cloud: %v", clouds)
	}
	gaps := map[string]int{}
	for _, g := range e.NotEstimated {
		gaps[g.Type+": "+g.What] = g.Resources
	}
	for _, w := range []string{
		"aws:ec2/natGateway:NatGateway: no price for nat-gateway in eu-west-1",
		"aws:ec2/natGateway:NatGateway: data processed per GB",
		"infra:ibm:Mystery: the price table does not know the type infra:ibm:Mystery",
	} {
		if gaps[w] == 0 {
			t.Errorf("not estimated lacks %q: %v", w, gaps)
		}
	}
	if gaps["aws:ec2/natGateway:NatGateway: data processed per GB"] != 2 {
		t.Errorf("usage gaps count resources: %v", gaps)
	}
}

func TestUnknownQuantitiesAreNotEstimated(t *testing.T) {
	e := Prices().Estimate([]Stack{{Name: "s", Region: "us-east-1", Resources: []Resource{
		{Type: "aws:eks/nodeGroup:NodeGroup", Name: "n", Inputs: map[string]any{"instanceTypes": []any{"t3.medium"}, "scalingConfig": "[unknown]"}},
		{Type: "aws:ec2/instance:Instance", Name: "i", Inputs: map[string]any{"instanceType": "[unknown]"}},
	}}}, Hints{})
	if e.Monthly != 0 || len(e.NotEstimated) < 2 {
		t.Fatalf("unknown inputs were priced: %+v", e)
	}
}

func TestCentsJSON(t *testing.T) {
	for _, c := range []Cents{0, 5, 100, 123456, -399} {
		b, _ := json.Marshal(c)
		var back Cents
		if err := json.Unmarshal(b, &back); err != nil || back != c {
			t.Errorf("%d → %s → %d (%v)", c, b, back, err)
		}
	}
	if s := Cents(-399).String(); s != "-3.99" {
		t.Errorf("got %s", s)
	}
}
