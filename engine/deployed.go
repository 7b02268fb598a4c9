package engine

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DeployedResource is a resource of a deployed stack, as its state holds
// it: what the cost of the deployment is estimated from.
type DeployedResource struct {
	Type, Name string
	// Provider is the logical name of its explicit provider, if any.
	Provider string
	// Inputs are its inputs, without the secret ones.
	Inputs map[string]any
}

// DeployedResources lists the resources (and explicit providers) of every stack the
// backend holds, the topology's and the removed ones, by stack; a stack
// not deployed has no entry.
func (e *Engine) DeployedResources() map[string][]DeployedResource {
	out := map[string][]DeployedResource{}
	for name, d := range e.deployed {
		if d.Damaged != nil {
			continue
		}
		var rs []DeployedResource
		for _, r := range append(append([]stateResource{}, d.Providers...), d.State...) {
			rs = append(rs, DeployedResource{Type: r.Type, Name: r.Name, Provider: r.Provider, Inputs: r.Inputs})
		}
		out[name] = rs
	}
	return out
}

// providerName is the logical name in a provider reference: its URN,
// "::", and the provider's id.
func providerName(ref string) string {
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return ""
	}
	return resource.URN(ref[:i]).Name()
}

// plainInputs keeps the inputs that are no secret, unwrapped.
func plainInputs(in map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range in {
		val, secret, err := reveal(v)
		if err != nil || secret {
			continue
		}
		out[k] = val
	}
	return out
}
