package rules

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The three infra:ibm types the reference lacks (corrections.json, added):
// valid inputs pass, each offline-checkable rule fails a planted violation
// with its source, and the inputs IBM cannot change replace the resource.
func TestAddedIBMObjects(t *testing.T) {
	const (
		member    = "infra:ibm:AccessGroupMember"
		addresses = "infra:ibm:CbrZoneAddresses"
		serviceID = "infra:ibm:ServiceId"
	)
	// A VPC's CRN, what a zone's vpc address holds.
	const vpcCRN = "crn:v1:bluemix:public:is:us-south:a/0123456789abcdef0123456789abcdef::vpc:r006-047aa99c-8bf0-983d-4727-6316937b72ae"
	m := map[string]any{"accessGroup": "AccessGroupId-1", "iamId": "iam-ServiceId-2", "type": "service"}
	z := map[string]any{"zone": "r006-588789fd", "name": "ibm-us-south-prod", "vpcs": []any{vpcCRN},
		"ipAddresses": []any{"203.0.113.7", "198.51.100.0/24", "192.0.2.1-192.0.2.9", "2001:db8::1"}}
	s := map[string]any{"name": "acme-prod-deployer", "description": "infra deploys prod with it"}
	for typ, in := range map[string]map[string]any{member: m, addresses: z, serviceID: s} {
		if vs := Check(typ, in); len(vs) != 0 {
			t.Errorf("%s: valid inputs fail: %v", typ, vs)
		}
	}
	wantErrors(t, map[string]errorCase{
		"member of type group":     {member, with(m, "type", "group"), "type", RuleEnum},
		"member without group":     {member, map[string]any{"iamId": "iam-ServiceId-2"}, "accessGroup", RuleRequired},
		"member without identity":  {member, map[string]any{"accessGroup": "AccessGroupId-1"}, "iamId", RuleRequired},
		"zone id with a slash":     {addresses, with(z, "zone", "zone/1"), "zone", "pattern"},
		"zone id of 129 chars":     {addresses, with(z, "zone", strings.Repeat("a", 129)), "zone", "lengthBetween"},
		"no address":               {addresses, map[string]any{"zone": "z1", "name": "n"}, "vpcs", "atLeastOneOf"},
		"a VPC id, not its CRN":    {addresses, with(z, "vpcs", []any{"r006-047aa99c"}), "vpcs[0]", "pattern"},
		"no IP":                    {addresses, with(z, "ipAddresses", []any{"10.0.0.300"}), "ipAddresses[0]", "format"},
		"a range backwards":        {addresses, with(z, "ipAddresses", []any{"192.0.2.9-192.0.2.1"}), "ipAddresses[0]", "format"},
		"a range across families":  {addresses, with(z, "ipAddresses", []any{"192.0.2.1-2001:db8::1"}), "ipAddresses[0]", "format"},
		"a subnet that is no CIDR": {addresses, with(z, "ipAddresses", []any{"10.0.0.0/33"}), "ipAddresses[0]", "format"},
		"service ID without name":  {serviceID, map[string]any{"description": "d"}, "name", RuleRequired},
	})
	wantForceNew(t, []forceNewCase{
		{member, "accessGroup", true}, {member, "iamId", true}, {member, "type", true},
		{addresses, "zone", true}, {addresses, "name", true}, {addresses, "vpcs", false}, {addresses, "ipAddresses", false},
		{serviceID, "name", false}, {serviceID, "description", false},
	})
	if r, because, _ := Replace(addresses, z, with(z, "zone", "r006-other")); !r || len(because) != 1 || because[0] != "zone" {
		t.Errorf("addresses moved to another zone: replace %v because %v", r, because)
	}
	if r, _, _ := Replace(addresses, z, with(z, "vpcs", []any{vpcCRN, strings.Replace(vpcCRN, "r006-0", "r006-1", 1)})); r {
		t.Error("another VPC in the same zone replaces the addresses")
	}
}

// An IAM identity is a member of at most 50 access groups: the 51st
// membership of one identity in a plan fails, of another does not.
func TestAccessGroupsPerIdentity(t *testing.T) {
	var rs []Resource
	for i := 1; i <= 51; i++ {
		rs = append(rs, Resource{Type: "infra:ibm:AccessGroupMember", Name: fmt.Sprintf("m%d", i),
			Inputs: map[string]any{"accessGroup": fmt.Sprintf("AccessGroupId-%d", i), "iamId": "iam-ServiceId-a", "type": "service"}})
	}
	rs = append(rs, Resource{Type: "infra:ibm:AccessGroupMember", Name: "other",
		Inputs: map[string]any{"accessGroup": "AccessGroupId-1", "iamId": "iam-ServiceId-b", "type": "service"}},
		Resource{Type: "infra:ibm:AccessGroupMember", Name: "unknown",
			Inputs: map[string]any{"accessGroup": "AccessGroupId-1", "iamId": Unknown, "type": "service"}})
	var hits []string
	for _, v := range Limits(rs) {
		if v.Rule == "maxPerValue" {
			hits = append(hits, v.Resource)
			if v.Source == "" || v.Severity != Error || !strings.Contains(v.Message, "50") {
				t.Errorf("violation %v", v)
			}
		}
	}
	if len(hits) != 1 || hits[0] != "m51" {
		t.Errorf("over the limit: %v, want [m51]", hits)
	}
	if vs := Limits(rs[:50]); len(vs) != 0 {
		t.Errorf("50 memberships fail: %v", vs)
	}
}

// Every added IBM object cites where its facts come from: the object, its
// constraints, its immutable inputs, its enums, its import id.
func TestAddedIBMObjectsCiteSources(t *testing.T) {
	raw, err := data.ReadFile("data/corrections.json")
	if err != nil {
		t.Fatal(err)
	}
	var cf struct {
		IBM map[string]struct {
			correctionHead
			ibmObject
			ImportID string `json:"importId"`
		} `json:"ibm"`
	}
	if err := json.Unmarshal(raw, &cf); err != nil {
		t.Fatal(err)
	}
	added := 0
	for name, o := range cf.IBM {
		if !o.Added {
			continue
		}
		added++
		if o.Source == "" || o.ImportID == "" || (len(o.Immutable) > 0 || len(o.Mutable) > 0) && o.ImmutableSource == "" || len(o.Enums) > 0 && o.EnumSource == "" {
			t.Errorf("%s: source %q, importId %q, immutableSource %q, enumSource %q", name, o.Source, o.ImportID, o.ImmutableSource, o.EnumSource)
		}
		for _, k := range o.Constraints {
			if k.Source == "" {
				t.Errorf("%s: the %s rule on %s has no source", name, k.Rule, k.Property)
			}
		}
	}
	if added < 3 {
		t.Errorf("%d added IBM objects, want at least AccessGroupMember, CbrZoneAddresses, ServiceId", added)
	}
}
