package policies

import (
	"errors"

	"infra/topology"
)

// ErrMandatoryViolation is the gate's refusal: a mandatory guardrail is
// violated, or an SCP cannot be used.
var ErrMandatoryViolation = errors.New("a mandatory guardrail is violated")

// Gate is the guardrail gate of a deploy: it checks the planned resources
// against every guardrail the spec sets, adds the SCP findings (scps may be
// nil: no AWS Organization), and refuses on any error. The findings are
// returned either way, sorted, for the caller to show: advisory ones are
// shown and do not block.
func Gate(spec *topology.Spec, resources []Resource, scps *SCPSet) (topology.Diagnostics, error) {
	ds := append(topology.Diagnostics{}, Check(spec, resources).Diagnostics...)
	if scps != nil {
		ds = append(ds, scps.Diagnostics...)
	}
	ds = ds.Sort()
	if ds.HasErrors() {
		return ds, ErrMandatoryViolation
	}
	return ds, nil
}
