package ibm_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPolicyFindReadsEveryPage: IAM lists policies 50 a page (F10); a
// retried create finds a policy that is on the second page instead of
// making a duplicate (item 13).
func TestPolicyFindReadsEveryPage(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 60; i++ {
		status, _ := raw(t, e.fake, http.MethodPost, "/iam/v1/policies", "application/json", map[string]any{
			"type": "authorization", "description": fmt.Sprintf("another service's grant %02d", i),
			"subjects":  []any{map[string]any{"attributes": []any{map[string]any{"name": "serviceName", "value": "is"}}}},
			"roles":     []any{map[string]any{"role_id": "crn:v1:bluemix:public:iam::::serviceRole:Reader"}},
			"resources": []any{map[string]any{"attributes": []any{map[string]any{"name": "serviceName", "value": "kms"}}}}})
		if status != http.StatusCreated {
			t.Fatalf("seed policy %d: %d", i, status)
		}
	}
	if status, page := raw(t, e.fake, http.MethodGet, "/iam/v1/policies?type=authorization", "", nil); status != http.StatusOK ||
		len(page["policies"].([]any)) != 50 || page["next"] == nil {
		t.Fatalf("first page: %d, %d policies, next %v; want 50 and a next page", status, len(page["policies"].([]any)), page["next"])
	}
	in := props(map[string]any{"type": "authorization", "sourceService": "containers-kubernetes", "roles": []any{"Reader"},
		"resourceAttributes": map[string]any{"serviceName": "kms", "serviceInstance": "guid"}, "description": "IKS reads kms"})
	first, _ := e.create("infra:ibm:IamPolicy", in)
	// A second create with the same inputs (a retried create after an
	// uncertain failure) must find the first, which sorts after the first page.
	again, _, err := e.h("infra:ibm:IamPolicy").Create(context.Background(), in, false)
	if err != nil || again != first {
		t.Errorf("second create = %q, %v; want the existing policy %q", again, err, first)
	}
	if n := e.fake.Count("policy"); n != 61 {
		t.Errorf("%d policies, want 61 (no duplicate)", n)
	}
}

// TestTagErrorsRetriedThenReported: Global Tagging answers 200 with
// is_error for a resource its index does not know yet (F11); the provider
// retries until the tags are attached, and reports IBM's message when the
// resource never becomes known (item 12).
func TestTagErrorsRetriedThenReported(t *testing.T) {
	e := newEnv(t)
	e.fake.TagLag = 3
	in := props(map[string]any{"name": "tagged", "service": "kms", "plan": "tiered-pricing", "location": "us-south",
		"resourceGroup": "Default", "tags": []any{"env:prod"}})
	id, outs := e.create("infra:ibm:ResourceInstance", in)
	r, err := e.h("infra:ibm:ResourceInstance").Read(context.Background(), id, in, outs)
	if err != nil || !r.Inputs["tags"].DeepEquals(in["tags"]) {
		t.Errorf("tags read back %v (%v), want %v", r.Inputs["tags"], err, in["tags"])
	}
	if b, _ := e.fake.Get("tags", str(outs, "crn")); fmtAny(b["tags"]) != "[env:prod]" {
		t.Errorf("tags the fake holds: %v, want [env:prod]", b["tags"])
	}

	// A resource tagging never knows (here: removed behind IBM's back
	// before its tags are set) fails with IBM's message, not silently.
	e.fake.TagLag = 1000
	in2 := props(map[string]any{"name": "never-indexed", "service": "kms", "plan": "tiered-pricing", "location": "us-south",
		"resourceGroup": "Default", "tags": []any{"env:prod"}})
	_, _, err = e.h("infra:ibm:ResourceInstance").Create(context.Background(), in2, false)
	if err == nil || !strings.Contains(err.Error(), "not yet indexed") {
		t.Errorf("create with tags never attached: %v, want IBM's is_error message", err)
	}
}

// TestHealthCheckIntervalAsCISTakesIt: CIS refuses a monitor interval under
// 60 seconds on the plans below Enterprise (F14), and Check says so first.
func TestHealthCheckIntervalAsCISTakesIt(t *testing.T) {
	e := newEnv(t)
	in := map[string]any{"cis": "crn", "type": "https", "interval": 30}
	if _, failures, err := e.h("infra:ibm:CisHealthCheck").Check(context.Background(), nil, props(in)); err != nil || len(failures) != 1 {
		t.Errorf("check interval 30: %v %v, want one failure", failures, err)
	}
	_, cis := e.create("infra:ibm:CisInstance", props(map[string]any{"name": "cis", "plan": "standard-next", "resourceGroup": "Default"}))
	status, body := raw(t, e.fake, http.MethodPost, "/cis/v1/"+url.PathEscape(str(cis, "crn"))+"/load_balancers/monitors", "application/json",
		map[string]any{"type": "https", "interval": 30})
	if status != http.StatusBadRequest {
		t.Errorf("the fake took interval 30: %d %v", status, body)
	}
}

// TestGroupDeleteReclaimsDeletedInstances: a deleted Key Protect instance
// waits in reclamation and keeps its resource group from being deleted
// (F12); the group's delete reclaims it first (item 8).
func TestGroupDeleteReclaimsDeletedInstances(t *testing.T) {
	e := newEnv(t)
	rgIn := props(map[string]any{"name": "demo-prod"})
	rg, rgOuts := e.create("infra:ibm:ResourceGroup", rgIn)
	in := props(map[string]any{"name": "demo-prod-kms", "service": "kms", "plan": "tiered-pricing", "location": "us-south",
		"resourceGroup": "demo-prod"})
	inst, outs := e.create("infra:ibm:ResourceInstance", in)
	if err := e.h("infra:ibm:ResourceInstance").Delete(context.Background(), inst, outs); err != nil {
		t.Fatal(err)
	}
	if b, _ := e.fake.Get("resource_instance", inst); b["state"] != "pending_reclamation" {
		t.Fatalf("deleted instance in state %v, want pending_reclamation", b["state"])
	}
	if err := e.h("infra:ibm:ResourceGroup").Delete(context.Background(), rg, rgOuts); err != nil {
		t.Fatalf("group delete: %v", err)
	}
	if _, ok := e.fake.Get("resource_group", rg); ok {
		t.Error("the resource group is still there")
	}
	if b, _ := e.fake.Get("resource_instance", inst); b["state"] != "removed" {
		t.Errorf("instance in state %v after the group's delete, want removed (reclaimed)", b["state"])
	}
}

// TestServiceIDJoinsTheAccessGroup: the identity infra deploys as is a
// service ID with a stored API key, always secret, and an access-group
// member (item 3); IAM refuses, member by member, an identity it does not
// have.
func TestServiceIDJoinsTheAccessGroup(t *testing.T) {
	e := newEnv(t)
	sid, outs := e.create("infra:ibm:ServiceId", props(map[string]any{"name": "demo-prod-deployer", "description": "infra deploys prod"}))
	if !outs["apiKey"].IsSecret() || str(outs, "apiKey") == "" || !strings.HasPrefix(str(outs, "iamId"), "iam-ServiceId-") {
		t.Fatalf("outputs: apiKey secret %v, iamId %q", outs["apiKey"].IsSecret(), str(outs, "iamId"))
	}
	r, err := e.h("infra:ibm:ServiceId").Read(context.Background(), sid, props(map[string]any{"name": "demo-prod-deployer",
		"description": "infra deploys prod"}), outs)
	if err != nil || !r.Outputs["apiKey"].IsSecret() || str(r.Outputs, "apiKey") != str(outs, "apiKey") {
		t.Errorf("read: key kept %v, secret %v, %v", str(r.Outputs, "apiKey") == str(outs, "apiKey"), r.Outputs["apiKey"].IsSecret(), err)
	}
	group, _ := e.create("infra:ibm:AccessGroup", props(map[string]any{"name": "demo-prod-deployers"}))
	bad := props(map[string]any{"accessGroup": group, "iamId": "iam-ServiceId-nobody", "type": "service"})
	if _, _, err := e.h("infra:ibm:AccessGroupMember").Create(context.Background(), bad, false); err == nil ||
		!strings.Contains(err.Error(), "not found") {
		t.Errorf("member that does not exist: %v, want IAM's per-member refusal", err)
	}
	in := props(map[string]any{"accessGroup": group, "iamId": str(outs, "iamId"), "type": "service"})
	id, mouts := e.create("infra:ibm:AccessGroupMember", in)
	if status, _ := raw(t, e.fake, http.MethodHead, "/iam/v2/groups/"+group+"/members/"+str(outs, "iamId"), "", nil); status != http.StatusNoContent {
		t.Errorf("membership: HEAD %d, want 204", status)
	}
	if err := e.h("infra:ibm:AccessGroupMember").Delete(context.Background(), id, mouts); err != nil {
		t.Fatal(err)
	}
	if status, _ := raw(t, e.fake, http.MethodHead, "/iam/v2/groups/"+group+"/members/"+str(outs, "iamId"), "", nil); status != http.StatusNotFound {
		t.Errorf("after delete: HEAD %d, want 404", status)
	}
}
