package rules

import "testing"

// Every cloud limit of the data is either enforced here (matched by name
// in limits.go) or listed in limitsCovered with what covers it: a limit
// added to the data cannot go unnoticed.
func TestEveryLimitIsEnforcedOrCovered(t *testing.T) {
	enforced := map[string]bool{
		limitSCPSize: true, limitSCPPerTarget: true, limitPoliciesPerOrg: true, limitAccountsPerOrg: true,
		limitSGCharset: true, limitServersPerPG: true, limitNetworkZones: true, limitIKSSubnets: true,
	}
	d := load()
	names := map[string]bool{}
	for _, l := range d.limits {
		names[l.Limit] = true
		if !enforced[l.Limit] && limitsCovered[l.Limit] == "" {
			t.Errorf("limit %q (%s) is neither enforced nor listed in limitsCovered", l.Limit, l.Source)
		}
	}
	for name := range enforced {
		if !names[name] {
			t.Errorf("enforced limit %q is not in the data", name)
		}
	}
	for name := range limitsCovered {
		if !names[name] {
			t.Errorf("limitsCovered names %q, which is not in the data", name)
		}
	}
}
