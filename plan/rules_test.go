package plan

import (
	"strings"
	"testing"
)

// The plan runs the offline check of infra's own types: Kubernetes objects
// the API would refuse are findings before anything deploys, and objects
// the plan cannot see (a secret) are left to the deployment.
func TestCheckRunsLocalTypeChecks(t *testing.T) {
	bad := `[{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"nowhere"}}]`
	for _, tc := range []struct {
		objects any
		want    string
	}{
		{bad, `in namespace "nowhere", which the objects do not create`},
		{`[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"edge"}}]`, ""},
		{Redacted, ""},
	} {
		p := &Plan{Stacks: []*Stack{{Name: "s", Resources: []*Resource{{Type: "infra:kubernetes:Manifests", Name: "m",
			Inputs: map[string]any{"objects": tc.objects, "server": "https://k", "token": Redacted}}}}}}
		var got string
		for _, f := range p.Check() {
			got += f.Message
		}
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("objects %v: findings %q, want %q", tc.objects, got, tc.want)
		}
	}
}
