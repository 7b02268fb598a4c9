package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"infra/topology/topologytest"
)

// seedTargets attaches as the landing zone does: every SCP to the three
// top-level OUs, RequireTags to Workloads only.
func seedTargets(g string) []string {
	if g == RequireTags {
		return []string{"Workloads"}
	}
	return []string{"Workloads", "Security", "Infrastructure"}
}

// The six SCPs of the seeds render from the multicloud example as valid
// policies within the size limit, with the headroom reported.
func TestSeedSCPs(t *testing.T) {
	spec := topologytest.Load(t, "../examples/multicloud.yaml")
	set := SCPs(spec, SCPOptions{Targets: seedTargets, DeployRoles: []string{"infra-deployer"}, TrailBucket: "acme-org-trail-*", TrailKeyAlias: "alias/acme-org-trail"})
	// Under the documented quota of 5 per OU the six SCPs are merged (with a
	// warning each time); nothing may be an error.
	if set.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics:\n%v", set.Diagnostics)
	}
	var names []string
	for _, p := range set.Policies {
		names = append(names, p.Name)
		if !json.Valid(p.JSON) {
			t.Errorf("%s: not JSON: %s", p.Name, p.JSON)
		}
		if errs := ValidateSCP(p.JSON); len(errs) > 0 {
			t.Errorf("%s: %v", p.Name, errs)
		}
		if n := utf8.RuneCount(p.JSON); p.Size != n || p.Size > SCPMaxSize || p.Headroom != SCPMaxSize-n {
			t.Errorf("%s: size %d headroom %d, JSON has %d characters", p.Name, p.Size, p.Headroom, n)
		}
		var min bytes.Buffer
		if err := json.Compact(&min, p.JSON); err != nil || min.String() != string(p.JSON) {
			t.Errorf("%s: not minified: %s", p.Name, p.JSON)
		}
	}
	// Five per OU with FullAWSAccess leaves four: the three smallest that
	// go to every OU are merged into one.
	merged := "DenyPublicS3+DenyRootAccountUsage+RequireEncryption"
	want := []string{"RequireRegions", merged, "PreventSecurityChanges", "RequireTags"}
	if !slices.Equal(names, want) {
		t.Errorf("SCPs = %v, want %v", names, want)
	}
	wantAttached := map[string]int{"Infrastructure": 4, "Security": 4, "Workloads": 5}
	for k, v := range wantAttached {
		if set.Attached[k] != v {
			t.Errorf("attached to %s = %d, want %d (FullAWSAccess included)", k, set.Attached[k], v)
		}
	}

	byName := map[string]*SCP{}
	for _, p := range set.Policies {
		byName[p.Name] = p
	}
	regions := byName["RequireRegions"].Document.Statement[0]
	if got := regions.Condition["StringNotEquals"]["aws:RequestedRegion"]; !slices.Equal(got, Strings{"us-east-1", "us-west-2", "eu-west-1"}) {
		t.Errorf("RequireRegions regions = %v", got)
	}
	if !slices.Contains(regions.NotAction, "iam:*") || !slices.Contains(regions.NotAction, "wafv2:*") || regions.Effect != "Deny" {
		t.Errorf("RequireRegions must deny everything but global services: %+v", regions)
	}
	var sids []string
	for _, st := range byName["RequireTags"].Document.Statement {
		sids = append(sids, st.Sid)
	}
	wantSids := []string{"RequireTagEnvironment", "RequireTagEnvironmentOnInstances", "RequireTagOwner", "RequireTagOwnerOnInstances",
		"RequireTagCostCenter", "RequireTagCostCenterOnInstances", "DenyRemovingRequiredTags"}
	if !slices.Equal(sids, wantSids) {
		t.Errorf("RequireTags statements = %v, want %v", sids, wantSids)
	}
	root := string(byName[merged].JSON)
	if !strings.Contains(root, `{"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}`) {
		t.Errorf("DenyRootAccountUsage statement missing from %s", root)
	}
	// deny-public-buckets: only the deploy role may lift a public access
	// block, at account or bucket level.
	if !strings.Contains(root, `{"Sid":"DenyPublicAccessBlockChanges","Effect":"Deny","Action":["s3:PutAccountPublicAccessBlock","s3:PutBucketPublicAccessBlock"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/infra-deployer"}}}`) {
		t.Errorf("DenyPublicAccessBlockChanges missing from %s", root)
	}
	// protect-security-services guards the trail's bucket and key, the
	// deploy role, and membership of the organization.
	sec := string(byName["PreventSecurityChanges"].JSON)
	for _, want := range []string{
		`"Sid":"DenyLeavingOrganization"`,
		`"Sid":"ProtectDeployRoles","Effect":"Deny","Action":["iam:AttachRolePolicy",`,
		`"Resource":"arn:aws:iam::*:role/infra-deployer","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/infra-deployer"}}`,
		`"Sid":"DenyTrailArchiveDeletion","Effect":"Deny","Action":["s3:BypassGovernanceRetention","s3:DeleteBucket","s3:DeleteObject","s3:DeleteObjectVersion","s3:PutLifecycleConfiguration"],"Resource":["arn:aws:s3:::acme-org-trail-*","arn:aws:s3:::acme-org-trail-*/*"]}`,
		`"Sid":"DenyTrailKeyDeletion","Effect":"Deny","Action":["kms:DisableKey","kms:DisableKeyRotation","kms:ScheduleKeyDeletion"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/acme-org-trail"}}}`,
		`"Resource":"arn:aws:kms:*:*:alias/acme-org-trail"`,
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("PreventSecurityChanges lacks %s:\n%s", want, sec)
		}
	}
	// require-tags leaves what Kubernetes creates alone.
	tags := string(byName["RequireTags"].JSON)
	if !strings.Contains(tags, `"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/aws-*-eks-cluster-role-*"`) {
		t.Errorf("RequireTags does not exempt the Kubernetes roles: %s", tags)
	}
}

// Advisory guardrails have no SCP: an SCP cannot merely warn.
func TestAdvisoryHasNoSCP(t *testing.T) {
	spec := topologytest.Parse(t, `name: acme
clouds:
  aws:
    regions: [{region: us-east-1, environment: prod}]
landingZone:
  guardrails:
    - deny-root-account
    - deny-public-buckets: {}
      enforcement: advisory
`)
	set := SCPs(spec, SCPOptions{})
	if len(set.Policies) != 1 || set.Policies[0].Name != "DenyRootAccountUsage" || len(set.Policies[0].Targets) != 0 {
		t.Errorf("policies = %+v", set.Policies)
	}
}

func TestValidateSCP(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"valid", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`, nil},
		{"not JSON", `{"Version":`, []string{"not a JSON object: unexpected EOF"}},
		{"old version and unknown element", `{"Version":"2008-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}],"Foo":1}`,
			[]string{`unknown top-level element "Foo"`, `Version must be "2012-10-17"`}},
		{"no statement", `{"Version":"2012-10-17"}`, []string{"no Statement"}},
		{"empty statement", `{"Version":"2012-10-17","Statement":[]}`, []string{"Statement is empty"}},
		{"bad sid, effect, action, resource", `{"Version":"2012-10-17","Statement":[{"Sid":"no-dashes","Effect":"Block","Action":["s3 PutObject","*"],"Resource":"bucket"}]}`,
			[]string{
				"Statement[0]: Sid must be letters and digits only",
				"Statement[0] (no-dashes): Effect must be Allow or Deny",
				`Statement[0] (no-dashes): Action "s3 PutObject" is not service:Action`,
				`Statement[0] (no-dashes): Resource "bucket" is neither * nor an ARN`,
			}},
		{"both and neither", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","NotAction":"iam:*"},{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"}]}`,
			[]string{"Statement[0]: has both Action and NotAction", "Statement[0]: needs Resource or NotResource", `Statement[2]: Sid "A" is used twice`}},
		{"principal and condition", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:x":"y"},"Bool":{"nocolon":true},"Null":{}}}]}`,
			[]string{
				"Statement[0]: SCPs take no Principal",
				"Statement[0]: Condition: Bool: key \"nocolon\" is not service:key",
				"Statement[0]: Condition: Null has no keys",
				`Statement[0]: Condition: unknown operator "StringEqualz"`,
			}},
		{"set operators and IfExists", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]},"StringNotEqualsIfExists":{"aws:RequestTag/Owner":"x"}}}]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, err := range ValidateSCP([]byte(tc.doc)) {
				got = append(got, err.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// manyTags is a topology whose require-tags SCP is far over the size limit.
func manyTags(n int) string {
	var tags, list []string
	for i := range n {
		k := fmt.Sprintf("Tag%02d", i)
		tags = append(tags, k+": v")
		list = append(list, k)
	}
	return "name: acme\ntags: {" + strings.Join(tags, ", ") + "}\nclouds:\n  aws:\n    regions: [{region: us-east-1, environment: prod}]\n" +
		"landingZone:\n  guardrails:\n    - require-tags: [" + strings.Join(list, ", ") + "]\n"
}

// An oversize document is split into parts that each fit, with a warning at
// the guardrail; together the parts hold every statement.
func TestSplitOversize(t *testing.T) {
	spec := topologytest.Parse(t, manyTags(40))
	whole := scpDocument(spec.Guardrail(RequireTags), SCPOptions{})
	// The doubled quotas leave room for three parts on one OU; splitting is
	// what this test is about.
	lim := Limits{Size: 10240, PerTarget: 10}
	set := SCPs(spec, SCPOptions{Targets: seedTargets, Limits: lim})
	if len(set.Diagnostics) != 1 {
		t.Fatalf("diagnostics: %v", set.Diagnostics)
	}
	full := &SCP{Document: *whole}
	if err := full.finish(lim); err != nil {
		t.Fatal(err)
	}
	d := set.Diagnostics[0]
	want := fmt.Sprintf("t.yaml:8:7: warning: SCP RequireTags is %d characters, over the 10240 limit: split into RequireTags-1, RequireTags-2, RequireTags-3, RequireTags-4; "+
		"each part attaches to the same OUs; fewer parameters make one policy again", full.Size)
	if d.String() != want {
		t.Errorf("diagnostic:\n got %s\nwant %s", d, want)
	}
	var stmts []Statement
	for _, p := range set.Policies {
		if p.Size > lim.Size || len(ValidateSCP(p.JSON)) > 0 || !slices.Equal(p.Targets, []string{"Workloads"}) {
			t.Errorf("%s: %d characters, targets %v, %v", p.Name, p.Size, p.Targets, ValidateSCP(p.JSON))
		}
		stmts = append(stmts, p.Document.Statement...)
	}
	if len(stmts) != len(whole.Statement) {
		t.Fatalf("%d statements in the parts, %d in the whole", len(stmts), len(whole.Statement))
	}
	for i := range stmts {
		a, _ := json.Marshal(stmts[i])
		b, _ := json.Marshal(whole.Statement[i])
		if string(a) != string(b) {
			t.Errorf("statement %d differs:\n%s\n%s", i, a, b)
		}
	}
}

// A statement too big alone is cut by its action list.
func TestCutStatement(t *testing.T) {
	var actions Strings
	for i := range 500 {
		actions = append(actions, fmt.Sprintf("ec2:CreateSomething%03d", i))
	}
	st := Statement{Sid: "Big", Effect: "Deny", Action: actions, Resource: Strings{"*"}}
	lim := Limits{Size: 10240, PerTarget: 10}
	parts, err := cutStatement(st, lim)
	if err != nil {
		t.Fatal(err)
	}
	var all Strings
	for _, p := range parts {
		s := &SCP{Document: Document{Version: PolicyVersion, Statement: []Statement{p}}}
		if err := s.finish(lim); err != nil || s.Size > lim.Size {
			t.Errorf("%s: %d characters (%v)", p.Sid, s.Size, err)
		}
		all = append(all, p.Action...)
	}
	if len(parts) != 2 || parts[0].Sid != "BigA" || parts[1].Sid != "BigB" || !slices.Equal(all, actions) {
		t.Errorf("parts %d: %s %s", len(parts), parts[0].Sid, parts[len(parts)-1].Sid)
	}
	// A NotAction list cannot be cut: each half would allow what the other denies.
	st = Statement{Sid: "Not", Effect: "Deny", NotAction: actions, Resource: Strings{"*"}}
	if _, err := cutStatement(st, lim); err == nil {
		t.Error("cut a NotAction statement")
	}
}

func small(name, guardrail string, targets ...string) *SCP {
	return &SCP{Name: name, Guardrails: []string{guardrail}, Targets: targets, Document: Document{
		Version: PolicyVersion, Statement: []Statement{{Sid: name, Effect: "Deny", Action: Strings{"s3:" + name}, Resource: Strings{"*"}}},
	}}
}

// Too many policies on one OU: the smallest with the same targets merge
// until the OU is within the limit, each merge a warning.
func TestMergeToFitAttachmentLimit(t *testing.T) {
	spec := topologytest.Parse(t, "name: acme\nclouds:\n  aws:\n    regions: [{region: us-east-1, environment: prod}]\nlandingZone:\n  aws:\n    accounts: [prod]\n")
	in := []*SCP{
		small("A", DenyRootAccount, "Workloads"), small("BB", DenyPublicBuckets, "Workloads"),
		small("CCC", RequireEncryption, "Workloads"), small("DDDD", RequireTags, "Workloads"),
		small("E", AllowedRegions, "Security"),
	}
	out, ds := Pack(spec, in, Limits{Size: SCPMaxSize, PerTarget: 3})
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	want := []string{
		"t.yaml:7:5: warning: Workloads would have more than 3 SCPs attached: merged A and BB into A+BB (158 characters)",
		"t.yaml:7:5: warning: Workloads would have more than 3 SCPs attached: merged CCC and DDDD into CCC+DDDD (166 characters)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
	var names []string
	for _, p := range out {
		names = append(names, p.Name)
		if len(ValidateSCP(p.JSON)) > 0 {
			t.Errorf("%s: %v", p.Name, ValidateSCP(p.JSON))
		}
	}
	if !slices.Equal(names, []string{"A+BB", "CCC+DDDD", "E"}) {
		t.Errorf("policies = %v", names)
	}
	if g := out[0].Guardrails; !slices.Equal(g, []string{DenyPublicBuckets, DenyRootAccount}) {
		t.Errorf("merged guardrails = %v", g)
	}
	if n := attached(out)["Workloads"]; n != 3 {
		t.Errorf("Workloads has %d attached", n)
	}

	// When nothing fits one document, packing fails at landingZone.aws.
	_, ds = Pack(spec, in, Limits{Size: 110, PerTarget: 3})
	if len(ds) != 1 || ds[0].String() != "t.yaml:7:5: error: OU Workloads would have 5 SCPs attached, over the limit of 3 (FullAWSAccess included), and no two of its policies fit one document; "+
		"fewer guardrail parameters, or guardrails marked advisory, make fewer policies" {
		t.Errorf("diagnostics: %v", ds)
	}
}

// A document that breaks the grammar is an error at its guardrail.
func TestPackRejectsInvalid(t *testing.T) {
	spec := topologytest.Parse(t, manyTags(1))
	bad := small("Bad", RequireTags, "Workloads")
	bad.Document.Statement[0].Effect = "Maybe"
	out, ds := Pack(spec, []*SCP{bad}, DefaultLimits)
	if len(out) != 0 || len(ds) != 1 || ds[0].String() != "t.yaml:8:7: error: SCP Bad is not a valid policy: Statement[0] (Bad): Effect must be Allow or Deny" {
		t.Errorf("out %v, diagnostics %v", out, ds)
	}
}
