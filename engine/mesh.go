package engine

import (
	"fmt"

	"infra/network"
	"infra/stacks"
	"infra/stacks/wireguard"
)

// MeshKeys returns the deployed key material of the WireGuard mesh, for
// rendering a gateway's real configuration: each gateway's key pair and
// public IP from its regional stack's outputs (its own, or its entry of
// the stack's per-site maps where gateways are per zone), each pair's
// pre-shared key from the mesh stack's state (the legacy global stack's,
// before its split). The values are secrets: show them only when asked to.
func (e *Engine) MeshKeys(gateways ...string) (network.Keys, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := stateKeys{site: map[string]map[string]string{}}
	var mesh *network.Mesh
	if e.graph != nil && e.graph.Model != nil {
		mesh = e.graph.Model.Mesh
	}
	for _, id := range gateways {
		stack, zone := id, ""
		if g := mesh.Gateway(id); g != nil {
			stack, zone = g.Region, g.Zone
		}
		d := e.deployed[stack]
		values := map[string]string{}
		for _, out := range []string{wireguard.PrivateKeyOutput, wireguard.PublicKeyOutput, wireguard.PublicIPOutput} {
			if d == nil {
				break
			}
			if zone == "" {
				values[out], _ = d.Outputs[out].Value.(string)
			} else if m, ok := d.Outputs[wireguard.SitesOutput(out)].Value.(map[string]any); ok {
				values[out], _ = m[id].(string)
			}
		}
		if values[wireguard.PrivateKeyOutput] == "" {
			return nil, fmt.Errorf("stack %s holds no mesh keys of %s in %s: run `infra up` first", stack, id, e.backend)
		}
		k.site[id] = values
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

// stateKeys implements network.Keys from deployed state: each gateway's
// outputs by site ID, the PSKs by resource name.
type stateKeys struct {
	site map[string]map[string]string
	psk  map[string]string
}

func (k stateKeys) PrivateKey(id string) string { return k.site[id][wireguard.PrivateKeyOutput] }
func (k stateKeys) PublicKey(id string) string  { return k.site[id][wireguard.PublicKeyOutput] }
func (k stateKeys) Endpoint(id string) string   { return k.site[id][wireguard.PublicIPOutput] }
func (k stateKeys) PresharedKey(pair string) string {
	return k.psk[stacks.PSKName(pair)]
}
