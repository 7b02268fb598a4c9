package aws

import (
	"strings"
	"testing"
)

// Two admins with the same role name in different accounts get distinct
// access entry names; a lone role keeps its plain slug.
func TestAdminSlugsAreUnique(t *testing.T) {
	admins := []string{"platform-admins", "arn:aws:iam::111111111111:role/ops", "arn:aws:iam::222222222222:role/team/ops"}
	got := adminSlugs(admins)
	if got["platform-admins"] != "platform-admins" {
		t.Errorf("lone role: %q", got["platform-admins"])
	}
	a, b := got[admins[1]], got[admins[2]]
	if a == b || !strings.HasPrefix(a, "ops-") || !strings.HasPrefix(b, "ops-") {
		t.Errorf("shared slug: %q and %q, want distinct ops-<hash>", a, b)
	}
	reversed := adminSlugs([]string{admins[2], admins[1], admins[0]})
	for _, r := range admins {
		if reversed[r] != got[r] {
			t.Errorf("%s: %q in one order, %q in another", r, got[r], reversed[r])
		}
	}
}
