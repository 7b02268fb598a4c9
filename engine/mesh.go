package engine

import (
	"fmt"

	"infra/network"
	"infra/stacks"
	"infra/stacks/wireguard"
)

// MeshKeys returns the deployed key material of the WireGuard mesh, for
// rendering a gateway's real configuration: each gateway's key pair and
// public IP from its regional stack's outputs, each pair's pre-shared key
// from the mesh stack's state (the legacy global stack's, before its
// split). The values are secrets: show them only when asked to.
func (e *Engine) MeshKeys(gateways ...string) (network.Keys, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := stateKeys{regional: map[string]stacks.Outputs{}}
	for _, id := range gateways {
		d := e.deployed[id]
		if d == nil || d.Outputs[wireguard.PrivateKeyOutput].Value == nil {
			return nil, fmt.Errorf("stack %s holds no mesh keys in %s: run `infra up` first", id, e.backend)
		}
		k.regional[id] = d.Outputs
	}
	for _, name := range []string{stacks.MeshName, stacks.LegacyGlobalName} {
		if g := e.deployed[name]; g != nil && len(g.PSKs) > 0 {
			k.psk = g.PSKs
			break
		}
	}
	if len(k.psk) == 0 {
		return nil, fmt.Errorf("stack %s holds no pre-shared keys in %s: run `infra up` first", stacks.MeshName, e.backend)
	}
	return k, nil
}

// stateKeys implements network.Keys from deployed state.
type stateKeys struct {
	regional map[string]stacks.Outputs
	psk      map[string]string
}

func (k stateKeys) str(id, key string) string {
	s, _ := k.regional[id][key].Value.(string)
	return s
}

func (k stateKeys) PrivateKey(id string) string { return k.str(id, wireguard.PrivateKeyOutput) }
func (k stateKeys) PublicKey(id string) string  { return k.str(id, wireguard.PublicKeyOutput) }
func (k stateKeys) Endpoint(id string) string   { return k.str(id, wireguard.PublicIPOutput) }
func (k stateKeys) PresharedKey(pair string) string {
	return k.psk[stacks.PSKName(pair)]
}
