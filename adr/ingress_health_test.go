package adr

import (
	"strings"
	"testing"
)

// The health-check record says what answers the check on each member
// cloud, names the rejected certificate options, and follows the spec: a
// path of the user's is no longer infra's route, the OVH members are
// answered as AWS's are, and a topology without a global load balancer has no record.
func TestGLBHealthRecord(t *testing.T) {
	text := func(recs []Record) string {
		t.Helper()
		for _, r := range recs {
			if r.Key == "glb/health-check" {
				_, _, fence := render(&r, state{Number: 1, Date: day1, Status: status{Kind: "accepted"}}, Nygard)
				return strings.Join(fence, "\n")
			}
		}
		return ""
	}
	src := example(t, "multicloud")
	got := text(derive(t, "multicloud.yaml", src))
	for _, want := range []string{"HTTP `/healthz` on port 80", "ingress-nginx's own health endpoint", "`ping@internal`", "IBM's build of ingress-nginx",
		"ACM", "HTTP-01", "origin certificates", "allowInsecure", "hetzner-fsn1-prod-glb-health",
		"OVH (`ovh-gra11-prod`): the same Ingress", "`ovh-gra11-prod`: the Ingress `glb-health`"} {
		if !strings.Contains(got, want) {
			t.Errorf("record lacks %q:\n%s", want, got)
		}
	}
	custom := text(derive(t, "multicloud.yaml", edit(t, src, "healthCheck: {path: /healthz,", "healthCheck: {path: /ready,")))
	for _, want := range []string{"probe HTTP `/ready` on port 80", "OVH (`ovh-gra11-prod`): the same Ingress"} {
		if !strings.Contains(custom, want) {
			t.Errorf("record lacks %q:\n%s", want, custom)
		}
	}
	if strings.Contains(custom, "Regional stacks create") {
		t.Errorf("a path of the user's still lists infra's routes:\n%s", custom)
	}
	if got := text(derive(t, "minimal.yaml", example(t, "minimal"))); got != "" {
		t.Errorf("a topology without a global load balancer has a record:\n%s", got)
	}
}
