package adr

import (
	"strings"
	"testing"
)

// The OVH ingress record names the regions, the floating IP the
// controller's Service claims and how, and exists only with OVH regions.
func TestIngressOVHRecord(t *testing.T) {
	find := func(recs []Record) *Record {
		for i := range recs {
			if recs[i].Key == "ingress/ovh" {
				return &recs[i]
			}
		}
		return nil
	}
	r := find(derive(t, "multicloud.yaml", example(t, "multicloud")))
	if r == nil {
		t.Fatal("no ingress/ovh record for a topology with OVH regions")
	}
	_, _, fence := render(r, state{Number: 1, Date: day1, Status: status{Kind: "accepted"}}, Nygard)
	got := strings.Join(fence, "\n")
	for _, want := range []string{"`ovh-gra11-prod`, `ovh-bhs5-staging` and `ovh-sbg5-staging`", "`spec.loadBalancerIP`", "keep-floatingip", "`kubeconfigAttributes`", "`<region>-ingress-controller`", "open to every address"} {
		if !strings.Contains(got, want) {
			t.Errorf("record lacks %q:\n%s", want, got)
		}
	}
	if r := find(derive(t, "minimal.yaml", example(t, "minimal"))); r != nil {
		t.Errorf("a topology without OVH regions has the record %q", r.Title)
	}
}
