package cmd

import (
	"context"

	"infra/engine"
	"infra/topology"
)

// readDeployed loads the topology, opens the engine on it and reads every
// stack's deployed outputs from the backend, then closes the engine: what
// the verbs that only read the state (outputs, kubeconfig) start with.
func readDeployed(ctx context.Context, load func() (*topology.Spec, error), open engineOpener) (*topology.Spec, *engine.Result, error) {
	spec, err := load()
	if err != nil {
		return nil, nil, err
	}
	s, err := open(ctx, spec, nil)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	return spec, s.Outputs(), nil
}
