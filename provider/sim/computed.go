package sim

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/computed"
)

// outputs returns a resource's outputs as the shared model of the clouds
// computes them (provider/computed), the model the plan's mocks use too,
// so a program that plans also deploys here, with the same values. In a
// preview the object does not exist yet, so computed fields are unknown, as
// a real provider reports them.
func outputs(r computed.Resource, preview bool) resource.PropertyMap {
	r.Inputs = withoutMarker(r.Inputs)
	if !preview {
		return computed.Outputs(r)
	}
	out := deepCopy(r.Inputs)
	computed.MarkComputed(r.Type(), out, r.Inputs, nil)
	return out
}

// glob reports whether s matches pattern, where '*' matches any run of
// characters, '/' and ':' included (path.Match stops at '/', and type
// tokens are full of them).
func glob(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	// Try every place where the rest of the pattern could start.
	rest := pattern[star+1:]
	for i := star; i <= len(s); i++ {
		if glob(rest, s[i:]) {
			return true
		}
	}
	return false
}
