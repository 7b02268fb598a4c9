package sim

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"gopkg.in/yaml.v3"

	"infra/provider/computed"
)

// Seed is a resource that exists in the account before infra deploys
// anything: an AWS Organization the management account already runs, a
// Hetzner network, an OVH vRack. A create of something that collides with
// it fails as the cloud would (see exclusive), and an import of it by ID
// succeeds.
type Seed struct {
	// Type is the Pulumi type token, e.g. aws:organizations/organization:Organization.
	Type string `yaml:"type" json:"type"`
	// ID is the provider ID an import names it by, e.g. o-exampleorgid.
	ID string `yaml:"id" json:"id"`
	// Region of the provider that would see it; "" for global ones.
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
	// Inputs are its properties as the provider reads them back, e.g.
	// {name: prod, ipRange: 10.0.0.0/16}.
	Inputs map[string]any `yaml:"inputs,omitempty" json:"inputs,omitempty"`
}

// WithSeeds makes the simulated cloud start with these resources in it.
func WithSeeds(seeds ...Seed) Option {
	return func(s *settings) { s.seeds = append(s.seeds, seeds...) }
}

// EnvSeed names a seed file for FromEnv: a YAML (or JSON) list of Seed.
const EnvSeed = "INFRA_SIM_SEED"

// LoadSeeds reads a seed file: a YAML (or JSON) list of seeds, each with a
// type and an ID.
func LoadSeeds(path string) ([]Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var seeds []Seed
	if err := yaml.Unmarshal(data, &seeds); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, s := range seeds {
		if s.Type == "" || s.ID == "" {
			return nil, fmt.Errorf("%s: seed %d: want a type and an id", path, i+1)
		}
		if !computed.Known(s.Type) {
			return nil, fmt.Errorf("%s: seed %d: unknown type %q", path, i+1, s.Type)
		}
	}
	return seeds, nil
}

// seed puts resources in the cloud that no stack made; one a stack has
// imported already stays the stack's.
func (c *Cloud) seed(seeds []Seed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	adopted := map[string]bool{}
	for _, o := range c.objects {
		adopted[existingKey(string(o.URN.Type()), o.ID)] = true
	}
	for _, s := range seeds {
		if adopted[existingKey(s.Type, resource.ID(s.ID))] {
			continue
		}
		inputs := resource.NewPropertyMapFromMap(s.Inputs)
		r := computed.Resource{URN: seedURN(s), Inputs: inputs, Region: s.Region, ID: resource.ID(s.ID)}
		c.existing[existingKey(s.Type, resource.ID(s.ID))] = &Object{
			URN: r.URN, ID: r.ID, Inputs: inputs, Outputs: computed.Outputs(r), region: s.Region,
		}
	}
}

// seedURN names a seeded resource until a stack imports it; its values
// derive from it like any other.
func seedURN(s Seed) resource.URN {
	return resource.URN("urn:pulumi:seed::account::" + s.Type + "::" + s.ID)
}

func existingKey(typ string, id resource.ID) string { return typ + "\x00" + string(id) }
