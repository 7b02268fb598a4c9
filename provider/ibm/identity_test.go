package ibm_test

import (
	"context"
	"strings"
	"testing"

	"infra/provider/ibm"
	"infra/provider/ibm/fakeibm"
)

// TestIPSpoofingNeedsTheRole: an identity other than the account's admin
// may allow IP spoofing on an instance only with the IP Spoofing Operator
// role on VPC Infrastructure Services, which Editor does not give (IBM doc
// "About IP spoofing checks"; F9). A deployer whose access group holds the
// role may; the instance is then the deployer's.
func TestIPSpoofingNeedsTheRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	vpc, subnet := e.network("us-south", "us-south-1")
	sid, sidOuts := e.create("infra:ibm:ServiceId", props(map[string]any{"name": "demo-prod-deployer", "description": "deploys prod"}))
	ag, _ := e.create("infra:ibm:AccessGroup", props(map[string]any{"name": "demo-prod-deployers", "description": "deploys prod"}))
	e.create("infra:ibm:AccessGroupMember", props(map[string]any{"accessGroup": ag, "iamId": str(sidOuts, "iamId"), "type": "service"}))
	e.create("infra:ibm:IamPolicy", props(map[string]any{"type": "access", "accessGroup": ag, "roles": []any{"Editor"},
		"resourceAttributes": map[string]any{"serviceName": "is"}, "description": "Editor on is"}))

	// the provider acting as the deployer, with its API key
	vars := e.fake.Env()
	vars[ibm.EnvAPIKey] = str(sidOuts, "apiKey")
	cfg, err := ibm.ConfigFromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock, cfg.Jitter = e.clock, func() float64 { return 0.5 }
	deployer, err := ibm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := deployer.Lookup("infra:ibm:Instance")
	if err != nil {
		t.Fatal(err)
	}
	in := props(map[string]any{"name": "gw", "region": "us-south", "zone": "us-south-1", "vpc": vpc, "profile": "cx2-2x4",
		"image": "ubuntu-24-04-amd64", "subnet": subnet, "allowIpSpoofing": true, "resourceGroup": "Default"})
	if _, _, err := h.Create(ctx, in, false); err == nil || !strings.Contains(err.Error(), "HTTP 403") {
		t.Fatalf("IP spoofing with Editor only: %v, want HTTP 403", err)
	}
	e.create("infra:ibm:IamPolicy", props(map[string]any{"type": "access", "accessGroup": ag, "roles": []any{"IPSpoofingOperator"},
		"resourceAttributes": map[string]any{"serviceName": "is"}, "description": "IP Spoofing Operator on is"}))
	id, _, err := h.Create(ctx, in, false)
	if err != nil {
		t.Fatalf("IP spoofing with the role: %v", err)
	}
	if got := e.fake.Creator("instance", id); got == "" || got == fakeibm.AdminIAMID || !strings.Contains(got, sid) {
		t.Errorf("instance made by %q, want the deployer %s", got, sid)
	}

	// a key IAM does not know gets no token
	vars[ibm.EnvAPIKey] = "not-a-key"
	cfg, _ = ibm.ConfigFromEnv(func(k string) string { return vars[k] })
	cfg.Clock, cfg.Jitter = e.clock, func() float64 { return 0.5 }
	stranger, err := ibm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h, _ = stranger.Lookup("infra:ibm:Instance")
	if _, _, err := h.Create(ctx, in, false); err == nil {
		t.Error("an unknown API key made an instance")
	}
}
